// SqliteStore: the knowledge base — a row per knowledge point (searched by the service's
// in-memory index, text::KnowledgeIndex).
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

constexpr Query kInsertKnowledge{"insert_knowledge", R"sql(
INSERT INTO knowledge (question, answer, basis, owner_unit, valid_from, valid_to, status,
                       created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8))sql"};
constexpr Query kUpdateKnowledge{"update_knowledge", R"sql(
UPDATE knowledge SET question = ?2, answer = ?3, basis = ?4, owner_unit = ?5, valid_from = ?6,
                     valid_to = ?7, status = ?8, updated_at = ?9
WHERE id = ?1)sql"};
constexpr Query kSelectKnowledge{"select_knowledge", R"sql(
SELECT id, question, answer, basis, owner_unit, valid_from, valid_to, status, created_at, updated_at
FROM knowledge WHERE id = ?1)sql"};
constexpr Query kListKnowledge{"list_knowledge", R"sql(
SELECT id, question, answer, basis, owner_unit, valid_from, valid_to, status, created_at, updated_at
FROM knowledge WHERE id > ?1 ORDER BY id LIMIT ?2)sql"};
constexpr Query kDeleteKnowledge{"delete_knowledge", "DELETE FROM knowledge WHERE id = ?1"};
std::optional<int64_t> Millis(const std::optional<TimePoint>& t) {
  return t ? std::optional<int64_t>(ToUnixMillis(*t)) : std::nullopt;
}

KnowledgePoint ReadPoint(const Statement& st) {
  KnowledgePoint p;
  p.id = st.Int(0);
  p.question = st.Text(1);
  p.answer = st.Text(2);
  p.basis = st.Text(3);
  p.owner_unit = st.Text(4);
  if (!st.IsNull(5)) p.valid_from = FromUnixMillis(st.Int(5));
  if (!st.IsNull(6)) p.valid_to = FromUnixMillis(st.Int(6));
  p.status = st.Text(7);
  p.created_at = FromUnixMillis(st.Int(8));
  p.updated_at = FromUnixMillis(st.Int(9));
  return p;
}

Result<KnowledgePoint> LoadPoint(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSelectKnowledge));
  st->Bind(1, id);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFound("no knowledge point " + std::to_string(id));
  return ReadPoint(*st);
}

}  // namespace

Result<std::vector<KnowledgePoint>> SqliteStore::SaveKnowledgePoints(
    std::vector<KnowledgePoint> points) {
  // The point's fields as parameters first+1 … first+8 of either statement.
  auto bind = [](Statement& st, int first, const KnowledgePoint& p) {
    st.Bind(first + 1, p.question)
        .Bind(first + 2, p.answer)
        .Bind(first + 3, p.basis)
        .Bind(first + 4, p.owner_unit)
        .Bind(first + 5, Millis(p.valid_from))
        .Bind(first + 6, Millis(p.valid_to))
        .Bind(first + 7, p.status)
        .Bind(first + 8, ToUnixMillis(p.updated_at));
  };
  Status st = Write([&](Connection& c) -> Status {
    for (KnowledgePoint& p : points) {
      // Prepared statements are cached by the connection and reset when released.
      if (p.id == 0) {
        JIESU_ASSIGN_OR_RETURN(auto ins, c.Prepare(kInsertKnowledge));
        bind(*ins, 0, p);
        JIESU_RETURN_IF_ERROR(ins->Run());
        p.id = sqlite3_last_insert_rowid(c.raw());
        p.created_at = p.updated_at;
      } else {
        JIESU_ASSIGN_OR_RETURN(KnowledgePoint old, LoadPoint(c, p.id));
        p.created_at = old.created_at;
        JIESU_ASSIGN_OR_RETURN(auto up, c.Prepare(kUpdateKnowledge));
        up->Bind(1, p.id);
        bind(*up, 1, p);
        JIESU_RETURN_IF_ERROR(up->Run());
      }
    }
    return Ok();
  });
  if (!st.ok()) return st.error();
  return points;
}

Result<KnowledgePoint> SqliteStore::GetKnowledge(int64_t id) {
  auto r = AcquireReader();
  return LoadPoint(*r, id);
}

Result<std::vector<KnowledgePoint>> SqliteStore::ListKnowledge(int64_t after_id, int limit) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kListKnowledge));
  st->Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
  std::vector<KnowledgePoint> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    out.push_back(ReadPoint(*st));
  }
}

Status SqliteStore::DeleteKnowledge(int64_t id) {
  return Write([&](Connection& c) -> Status {
    JIESU_RETURN_IF_ERROR(LoadPoint(c, id).status());
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kDeleteKnowledge));
    st->Bind(1, id);
    return st->Run();
  });
}

}  // namespace jiesu::storage::sqlite
