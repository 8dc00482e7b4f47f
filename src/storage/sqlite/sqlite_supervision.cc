// SqliteStore: supervision orders (督办), kept like orders: an append-only history per
// supervision, folded on read, with a row for listing.
#include <limits>

#include "storage/event_codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

using domain::Supervision;
using domain::SupervisionEvent;

constexpr Query kNextSupervisionId{"next_supervision_id",
                                   "SELECT COALESCE(MAX(id), 0) + 1 FROM supervisions"};
constexpr Query kInsertSupervision{"insert_supervision", R"sql(
INSERT INTO supervisions (id, order_id, closed, due, version) VALUES (?1, ?2, ?3, ?4, ?5))sql"};
constexpr Query kUpdateSupervision{"update_supervision", R"sql(
UPDATE supervisions SET closed = ?2, version = ?3 WHERE id = ?1)sql"};
constexpr Query kInsertSupervisionUnit{"insert_supervision_unit", R"sql(
INSERT INTO supervision_units (unit_id, supervision_id) VALUES (?1, ?2))sql"};
constexpr Query kInsertSupervisionEvent{"insert_supervision_event", R"sql(
INSERT INTO supervision_events (supervision_id, seq, step, at, body) VALUES (?1, ?2, ?3, ?4, ?5))sql"};
constexpr Query kSupervisionEvents{"supervision_events", R"sql(
SELECT seq, body FROM supervision_events WHERE supervision_id = ?1 ORDER BY seq)sql"};

Result<std::vector<SupervisionEvent>> LoadSupervisionEvents(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSupervisionEvents));
  st->Bind(1, id);
  std::vector<SupervisionEvent> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    JIESU_ASSIGN_OR_RETURN(auto e, DecodeSupervisionEvent(id, st->Int(0), st->Text(1)));
    out.push_back(std::move(e));
  }
  if (out.empty()) return NotFound("no supervision order " + std::to_string(id));
  return out;
}

Result<Supervision> LoadSupervision(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto events, LoadSupervisionEvents(c, id));
  return domain::ReplaySupervision(events);
}

Status AppendSupervisionEvents(Connection& c, Supervision& s,
                               const std::vector<SupervisionEvent>& events) {
  for (const auto& e : events) {
    if (e.supervision_id != s.id || e.seq != s.version + 1) {
      return Internal("supervision event out of sequence");
    }
    domain::Apply(s, e);
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertSupervisionEvent));
    st->Bind(1, s.id)
        .Bind(2, e.seq)
        .Bind(3, domain::Name(e.step))
        .Bind(4, ToUnixMillis(e.at))
        .Bind(5, EncodeSupervisionEvent(e));
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  return Ok();
}

}  // namespace

Result<Supervision> SqliteStore::CreateSupervision(OpenSupervisionFn fn) {
  Supervision s;
  Status st = Write([&](Connection& c) -> Status {
    int64_t id = 0;
    {
      JIESU_ASSIGN_OR_RETURN(auto q, c.Prepare(kNextSupervisionId));
      JIESU_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) return Internal("no next supervision id");
      id = q->Int(0);
    }
    JIESU_ASSIGN_OR_RETURN(auto events, fn(id));
    if (events.empty() || events.front().step != domain::SupervisionStep::kOpened) {
      return Internal("a supervision's history must start with 'opened'");
    }
    s = Supervision{};
    s.id = id;
    JIESU_RETURN_IF_ERROR(AppendSupervisionEvents(c, s, events));
    {
      JIESU_ASSIGN_OR_RETURN(auto ins, c.Prepare(kInsertSupervision));
      ins->Bind(1, s.id)
          .Bind(2, s.order_id)
          .Bind(3, int64_t{s.closed})
          .Bind(4, ToUnixMillis(s.due))
          .Bind(5, s.version);
      JIESU_RETURN_IF_ERROR(ins->Run());
    }
    for (const auto& p : s.parts) {
      JIESU_ASSIGN_OR_RETURN(auto u, c.Prepare(kInsertSupervisionUnit));
      u->Bind(1, p.unit_id).Bind(2, s.id);
      JIESU_RETURN_IF_ERROR(u->Run());
    }
    return Ok();
  });
  if (!st.ok()) return st.error();
  return s;
}

Result<Supervision> SqliteStore::UpdateSupervision(int64_t id, SupervisionFn fn) {
  Supervision s;
  Status st = Write([&](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(s, LoadSupervision(c, id));
    JIESU_ASSIGN_OR_RETURN(auto events, fn(s));
    if (events.empty()) return Ok();
    JIESU_RETURN_IF_ERROR(AppendSupervisionEvents(c, s, events));
    JIESU_ASSIGN_OR_RETURN(auto up, c.Prepare(kUpdateSupervision));
    up->Bind(1, s.id).Bind(2, int64_t{s.closed}).Bind(3, s.version);
    return up->Run();
  });
  if (!st.ok()) return st.error();
  return s;
}

Result<Supervision> SqliteStore::GetSupervision(int64_t id) {
  auto r = AcquireReader();
  return LoadSupervision(*r, id);
}

Result<std::vector<SupervisionEvent>> SqliteStore::GetSupervisionEvents(int64_t id) {
  auto r = AcquireReader();
  return LoadSupervisionEvents(*r, id);
}

Result<std::vector<Supervision>> SqliteStore::ListSupervisions(const SupervisionFilter& f) {
  if (f.limit < 1 || f.limit > 500)
    return InvalidArgument("limit must be between 1 and 500", "limit");
  std::string sql = "SELECT s.id FROM supervisions s";
  if (!f.unit_id.empty()) {
    sql += " JOIN supervision_units u ON u.supervision_id = s.id AND u.unit_id = ?1";
  }
  sql += " WHERE s.id < ?2";
  if (f.closed) sql += " AND s.closed = ?3";
  if (f.order_id != 0) sql += " AND s.order_id = ?4";
  sql += " ORDER BY s.id DESC LIMIT ?5";
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(sqlite3_stmt * raw, r->PrepareUncached(sql));
  OwnedStmt owned(raw);
  Statement st(r->raw(), raw, "list_supervisions");
  if (!f.unit_id.empty()) st.Bind(1, f.unit_id);
  st.Bind(2, f.before_id > 0 ? f.before_id : std::numeric_limits<int64_t>::max());
  if (f.closed) st.Bind(3, int64_t{*f.closed});
  if (f.order_id != 0) st.Bind(4, f.order_id);
  st.Bind(5, int64_t{f.limit});
  std::vector<int64_t> ids;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ids.push_back(st.Int(0));
  }
  std::vector<Supervision> out;
  for (int64_t id : ids) {
    JIESU_ASSIGN_OR_RETURN(auto s, LoadSupervision(*r, id));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace jiesu::storage::sqlite
