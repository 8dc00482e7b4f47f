#include "storage/sqlite/derived.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "domain/alarms.h"
#include "domain/lifecycle.h"
#include "domain/rollup.h"
#include "domain/score.h"

namespace jiesu::storage::sqlite {
namespace {

using domain::Event;
using domain::Order;

constexpr Query kSetRollupsThrough{"set_rollups_through", R"sql(
UPDATE store_meta SET value = (SELECT COALESCE(MAX(id), 0) FROM events)
WHERE key = 'rollups_through')sql"};
constexpr Query kOrdersAfterRollups{"orders_after_rollups", R"sql(
SELECT order_id, MIN(seq) FROM events
WHERE id > (SELECT value FROM store_meta WHERE key = 'rollups_through')
GROUP BY order_id)sql"};
constexpr Query kDeleteTimer{"delete_timer", "DELETE FROM timers WHERE order_id = ?1"};
constexpr Query kUpsertTimer{"upsert_timer", R"sql(
INSERT INTO timers (order_id, fire_at) VALUES (?1, ?2)
ON CONFLICT (order_id) DO UPDATE SET fire_at = excluded.fire_at)sql"};
constexpr Query kInsertNotice{"insert_notice", R"sql(
INSERT INTO notices (at, unit_id, order_id, leg, kind, deadline, number)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql"};
constexpr Query kDeleteLegFacts{"delete_leg_facts", "DELETE FROM score_legs WHERE order_id = ?1"};
constexpr Query kInsertLegFact{"insert_leg_fact", R"sql(
INSERT INTO score_legs (unit_id, dispatched_at, order_id, leg, role, state, sign_due, contact_due,
                        reply_due, signed_at, contacted_at, replied_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql"};
constexpr Query kDeleteVisitFact{"delete_visit_fact",
                                 "DELETE FROM score_visits WHERE order_id = ?1"};
constexpr Query kInsertVisitFact{"insert_visit_fact", R"sql(
INSERT INTO score_visits (unit_id, at, order_id, contacted, solved, satisfaction,
                          first_satisfaction, reopen_count)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql"};
constexpr Query kSelectDerivedVersion{"derived_version",
                                      "SELECT value FROM store_meta WHERE key = 'derived_version'"};
constexpr Query kSetDerivedVersion{
    "set_derived_version", "UPDATE store_meta SET value = ?1 WHERE key = 'derived_version'"};
constexpr Query kUpsertRollup{"upsert_rollup", R"sql(
INSERT INTO rollup_daily (day, category, district, unit, channel, received, completed, completed_ms,
                          completed_on_time, b0, b1, b2, b3, b4, b5, b6, b7)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
ON CONFLICT (day, category, district, unit, channel) DO UPDATE SET
  received = received + excluded.received, completed = completed + excluded.completed,
  completed_ms = completed_ms + excluded.completed_ms,
  completed_on_time = completed_on_time + excluded.completed_on_time,
  b0 = b0 + excluded.b0, b1 = b1 + excluded.b1, b2 = b2 + excluded.b2, b3 = b3 + excluded.b3,
  b4 = b4 + excluded.b4, b5 = b5 + excluded.b5, b6 = b6 + excluded.b6, b7 = b7 + excluded.b7)sql"};
constexpr Query kUpsertRollupArea{"upsert_rollup_area", R"sql(
INSERT INTO rollup_area (day, category, district, received, completed, completed_ms,
                         completed_on_time, b0, b1, b2, b3, b4, b5, b6, b7)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT (day, category, district) DO UPDATE SET
  received = received + excluded.received, completed = completed + excluded.completed,
  completed_ms = completed_ms + excluded.completed_ms,
  completed_on_time = completed_on_time + excluded.completed_on_time,
  b0 = b0 + excluded.b0, b1 = b1 + excluded.b1, b2 = b2 + excluded.b2, b3 = b3 + excluded.b3,
  b4 = b4 + excluded.b4, b5 = b5 + excluded.b5, b6 = b6 + excluded.b6, b7 = b7 + excluded.b7)sql"};
constexpr Query kUpsertLegs{"upsert_rollup_legs", R"sql(
INSERT INTO rollup_legs_daily (day, category, district, unit, channel, signed, signed_ms, s0, s1,
                               s2, s3, s4, s5, s6, s7, replied, replied_ms, r0, r1, r2, r3, r4,
                               r5, r6, r7)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
        ?20, ?21, ?22, ?23, ?24, ?25)
ON CONFLICT (day, category, district, unit, channel) DO UPDATE SET
  signed = signed + excluded.signed, signed_ms = signed_ms + excluded.signed_ms,
  s0 = s0 + excluded.s0, s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3,
  s4 = s4 + excluded.s4, s5 = s5 + excluded.s5, s6 = s6 + excluded.s6, s7 = s7 + excluded.s7,
  replied = replied + excluded.replied, replied_ms = replied_ms + excluded.replied_ms,
  r0 = r0 + excluded.r0, r1 = r1 + excluded.r1, r2 = r2 + excluded.r2, r3 = r3 + excluded.r3,
  r4 = r4 + excluded.r4, r5 = r5 + excluded.r5, r6 = r6 + excluded.r6, r7 = r7 + excluded.r7)sql"};
constexpr Query kUpsertLegsArea{"upsert_rollup_legs_area", R"sql(
INSERT INTO rollup_legs_area (day, category, district, signed, signed_ms, s0, s1, s2, s3, s4, s5,
                              s6, s7, replied, replied_ms, r0, r1, r2, r3, r4, r5, r6, r7)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
        ?20, ?21, ?22, ?23)
ON CONFLICT (day, category, district) DO UPDATE SET
  signed = signed + excluded.signed, signed_ms = signed_ms + excluded.signed_ms,
  s0 = s0 + excluded.s0, s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3,
  s4 = s4 + excluded.s4, s5 = s5 + excluded.s5, s6 = s6 + excluded.s6, s7 = s7 + excluded.s7,
  replied = replied + excluded.replied, replied_ms = replied_ms + excluded.replied_ms,
  r0 = r0 + excluded.r0, r1 = r1 + excluded.r1, r2 = r2 + excluded.r2, r3 = r3 + excluded.r3,
  r4 = r4 + excluded.r4, r5 = r5 + excluded.r5, r6 = r6 + excluded.r6, r7 = r7 + excluded.r7)sql"};
constexpr Query kUpsertTag{"upsert_tag", R"sql(
INSERT INTO rollup_tags (day, tag, category, district, received) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (day, tag, category, district) DO UPDATE SET received = received + excluded.received)sql"};
constexpr Query kDerivedOffset{"derived_offset",
                               "SELECT value FROM store_meta WHERE key = 'derived_offset'"};
constexpr Query kSetDerivedOffset{"set_derived_offset", R"sql(
INSERT INTO store_meta (key, value) VALUES ('derived_offset', ?1)
ON CONFLICT (key) DO UPDATE SET value = excluded.value)sql"};
constexpr Query kOrderIdsAfter{"order_ids_after",
                               "SELECT id FROM orders WHERE id > ?1 ORDER BY id LIMIT 1000"};

std::optional<int64_t> Millis(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return ToUnixMillis(*t);
}

Status InsertNotice(Connection& c, const Order& o, const domain::Card& card) {
  const domain::Leg* leg = o.FindLeg(card.leg);
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertNotice));
  st->Bind(1, ToUnixMillis(card.at))
      .Bind(2, leg != nullptr ? leg->unit_id : std::string())
      .Bind(3, o.id)
      .Bind(4, int64_t{card.leg})
      .Bind(5, domain::Name(card.kind))
      .Bind(6, ToUnixMillis(card.deadline))
      .Bind(7, int64_t{card.number});
  return st->Run();
}

Status WriteTimerAndFacts(Connection& c, const Order& o, bool is_new) {
  if (auto next = domain::NextAlarm(o)) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kUpsertTimer));
    st->Bind(1, o.id).Bind(2, ToUnixMillis(*next));
    JIESU_RETURN_IF_ERROR(st->Run());
  } else if (!is_new) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kDeleteTimer));
    st->Bind(1, o.id);
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  if (o.legs.empty()) return Ok();  // no facts before the first dispatch

  const domain::OrderFacts facts = domain::FactsOf(o);
  if (!is_new) {
    JIESU_ASSIGN_OR_RETURN(auto del, c.Prepare(kDeleteLegFacts));
    del->Bind(1, o.id);
    JIESU_RETURN_IF_ERROR(del->Run());
  }
  for (const auto& f : facts.legs) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertLegFact));
    st->Bind(1, f.unit_id)
        .Bind(2, ToUnixMillis(f.dispatched_at))
        .Bind(3, f.order_id)
        .Bind(4, int64_t{f.leg})
        .Bind(5, domain::Name(f.role))
        .Bind(6, domain::Name(f.state))
        .Bind(7, ToUnixMillis(f.sign_due))
        .Bind(8, ToUnixMillis(f.contact_due))
        .Bind(9, ToUnixMillis(f.reply_due))
        .Bind(10, Millis(f.signed_at))
        .Bind(11, Millis(f.contacted_at))
        .Bind(12, Millis(f.replied_at));
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  if (!is_new) {
    JIESU_ASSIGN_OR_RETURN(auto del, c.Prepare(kDeleteVisitFact));
    del->Bind(1, o.id);
    JIESU_RETURN_IF_ERROR(del->Run());
  }
  if (const auto& v = facts.visit) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertVisitFact));
    st->Bind(1, v->unit_id)
        .Bind(2, ToUnixMillis(v->at))
        .Bind(3, v->order_id)
        .Bind(4, int64_t{v->contacted})
        .Bind(5, int64_t{v->solved})
        .Bind(6, domain::Name(v->satisfaction))
        .Bind(7, domain::Name(v->first_satisfaction))
        .Bind(8, int64_t{v->reopen_count});
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  return Ok();
}

// Binds the measures to parameters first, first + 1, … (received … the last bucket).
void BindMeasures(Statement& st, int first, const domain::RollupMeasures& m) {
  st.Bind(first, m.received)
      .Bind(first + 1, m.completed)
      .Bind(first + 2, m.completed_ms)
      .Bind(first + 3, m.completed_on_time);
  for (size_t b = 0; b < domain::kDurationBuckets; ++b) {
    st.Bind(first + 4 + static_cast<int>(b), m.buckets[b]);
  }
}

void BindLegMeasures(Statement& st, int first, const domain::RollupMeasures& m) {
  const int k = static_cast<int>(domain::kDurationBuckets);
  st.Bind(first, m.signed_count).Bind(first + 1, m.signed_ms);
  for (int b = 0; b < k; ++b) st.Bind(first + 2 + b, m.sign_buckets[static_cast<size_t>(b)]);
  const int reply = first + 2 + k;
  st.Bind(reply, m.replied).Bind(reply + 1, m.replied_ms);
  for (int b = 0; b < k; ++b) st.Bind(reply + 2 + b, m.reply_buckets[static_cast<size_t>(b)]);
}

bool Any(const std::array<int64_t, domain::kDurationBuckets>& a) {
  return std::any_of(a.begin(), a.end(), [](int64_t v) { return v != 0; });
}
// Whether `m` changes the main rollup tables / the legs tables.
bool HasMain(const domain::RollupMeasures& m) {
  return m.received != 0 || m.completed != 0 || m.completed_ms != 0 || m.completed_on_time != 0 ||
         Any(m.buckets);
}
bool HasLegs(const domain::RollupMeasures& m) {
  return m.signed_count != 0 || m.signed_ms != 0 || Any(m.sign_buckets) || m.replied != 0 ||
         m.replied_ms != 0 || Any(m.reply_buckets);
}

Status WriteRollups(Connection& c, const Order* before, const Order& after, int offset) {
  RollupDelta delta;
  delta.Add(before, after, offset);
  return delta.Write(c);
}

}  // namespace

void RollupDelta::Add(const Order* before, const Order& after, int utc_offset_minutes) {
  const auto now = domain::ContributionOf(after, utc_offset_minutes);
  for (const auto& r : now.rows) rows_[r.key] += r.m;
  for (const auto& t : now.tags) tags_[t] += 1;
  if (before != nullptr) {
    const auto was = domain::ContributionOf(*before, utc_offset_minutes);
    for (const auto& r : was.rows) rows_[r.key] += r.m.Negated();
    for (const auto& t : was.tags) tags_[t] -= 1;
  }
}

RollupDelta& RollupDelta::operator+=(const RollupDelta& other) {
  for (const auto& [k, m] : other.rows_) rows_[k] += m;
  for (const auto& [t, n] : other.tags_) tags_[t] += n;
  return *this;
}

RollupDelta& RollupDelta::operator+=(RollupDelta&& other) {
  rows_.merge(other.rows_);  // what is left in other has keys this holds too
  for (const auto& [k, m] : other.rows_) rows_[k] += m;
  tags_.merge(other.tags_);
  for (const auto& [t, n] : other.tags_) tags_[t] += n;
  other.clear();
  return *this;
}

void RollupDelta::clear() {
  rows_.clear();
  tags_.clear();
}

Status RollupDelta::Write(Connection& c) const {
  std::map<std::tuple<int32_t, std::string, std::string>, domain::RollupMeasures> area;
  for (const auto& [k, m] : rows_) area[{k.day, k.category, k.district}] += m;
  for (const auto& [k, m] : area) {
    for (const bool legs : {false, true}) {
      if (!(legs ? HasLegs(m) : HasMain(m))) continue;
      JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(legs ? kUpsertLegsArea : kUpsertRollupArea));
      st->Bind(1, int64_t{std::get<0>(k)}).Bind(2, std::get<1>(k)).Bind(3, std::get<2>(k));
      (legs ? BindLegMeasures : BindMeasures)(*st, 4, m);
      JIESU_RETURN_IF_ERROR(st->Run());
    }
  }
  for (const auto& [k, m] : rows_) {
    for (const bool legs : {false, true}) {
      if (!(legs ? HasLegs(m) : HasMain(m))) continue;
      JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(legs ? kUpsertLegs : kUpsertRollup));
      st->Bind(1, int64_t{k.day})
          .Bind(2, k.category)
          .Bind(3, k.district)
          .Bind(4, k.unit)
          .Bind(5, k.channel);
      (legs ? BindLegMeasures : BindMeasures)(*st, 6, m);
      JIESU_RETURN_IF_ERROR(st->Run());
    }
  }
  for (const auto& [t, n] : tags_) {
    if (n == 0) continue;
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kUpsertTag));
    st->Bind(1, int64_t{t.day}).Bind(2, t.tag).Bind(3, t.category).Bind(4, t.district).Bind(5, n);
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  return Ok();
}

Status MarkRollupsThrough(Connection& c) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSetRollupsThrough));
  return st->Run();
}

Result<int64_t> CatchUpRollups(Connection& c,
                               const std::function<Result<std::vector<Event>>(int64_t)>& events,
                               const DerivedOptions& options) {
  // The first event of each order that the tables do not hold yet.
  std::vector<std::pair<int64_t, int64_t>> first_new;
  {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kOrdersAfterRollups));
    while (true) {
      JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      first_new.emplace_back(st->Int(0), st->Int(1));
    }
  }
  if (first_new.empty()) return int64_t{0};
  RollupDelta delta;
  for (const auto& [id, seq] : first_new) {
    JIESU_ASSIGN_OR_RETURN(std::vector<Event> all, events(id));
    const auto held = std::min(all.size(), static_cast<size_t>(std::max<int64_t>(0, seq - 1)));
    const Order after = domain::Replay(all);
    if (held == 0) {
      delta.Add(nullptr, after, options.utc_offset_minutes);
    } else {
      const Order before =
          domain::Replay(std::vector<Event>(all.begin(), all.begin() + static_cast<long>(held)));
      delta.Add(&before, after, options.utc_offset_minutes);
    }
  }
  JIESU_RETURN_IF_ERROR(delta.Write(c));
  JIESU_RETURN_IF_ERROR(MarkRollupsThrough(c));
  return static_cast<int64_t>(first_new.size());
}

Status WriteDerived(Connection& c, const Order* before, const Order& o,
                    const std::vector<const Event*>& new_events, const DerivedOptions& options) {
  for (const Event* e : new_events) {
    if (e->card) JIESU_RETURN_IF_ERROR(InsertNotice(c, o, *e->card));
  }
  JIESU_RETURN_IF_ERROR(WriteTimerAndFacts(c, o, before == nullptr));
  if (!options.rollups) return Ok();
  if (options.gather != nullptr) {
    options.gather->Add(before, o, options.utc_offset_minutes);
    return Ok();
  }
  return WriteRollups(c, before, o, options.utc_offset_minutes);
}

Result<int64_t> RebuildDerivedIn(Connection& c, const std::function<Result<Order>(int64_t)>& load,
                                 const DerivedOptions& options) {
  JIESU_RETURN_IF_ERROR(
      c.Exec("DELETE FROM timers; DELETE FROM notices; DELETE FROM score_legs; "
             "DELETE FROM score_visits; DELETE FROM rollup_daily; DELETE FROM rollup_area; "
             "DELETE FROM rollup_legs_daily; DELETE FROM rollup_legs_area; "
             "DELETE FROM rollup_tags;"));
  int64_t last = 0, n = 0;
  while (true) {
    std::vector<int64_t> ids;
    {
      JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kOrderIdsAfter));
      st->Bind(1, last);
      while (true) {
        JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
        if (!row) break;
        ids.push_back(st->Int(0));
      }
    }
    if (ids.empty()) break;
    for (int64_t id : ids) {
      JIESU_ASSIGN_OR_RETURN(Order o, load(id));
      for (const auto& card : o.cards) JIESU_RETURN_IF_ERROR(InsertNotice(c, o, card));
      JIESU_RETURN_IF_ERROR(WriteTimerAndFacts(c, o, true));
      if (options.rollups) {
        JIESU_RETURN_IF_ERROR(WriteRollups(c, nullptr, o, options.utc_offset_minutes));
      }
      ++n;
    }
    last = ids.back();
  }
  if (options.rollups) JIESU_RETURN_IF_ERROR(MarkRollupsThrough(c));
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSetDerivedVersion));
  st->Bind(1, int64_t{kDerivedVersion});
  JIESU_RETURN_IF_ERROR(st->Run());
  JIESU_ASSIGN_OR_RETURN(auto off, c.Prepare(kSetDerivedOffset));
  off->Bind(1, int64_t{options.utc_offset_minutes});
  JIESU_RETURN_IF_ERROR(off->Run());
  return n;
}

Result<int64_t> RebuildDerivedIfStale(Connection& c,
                                      const std::function<Result<Order>(int64_t)>& load,
                                      const DerivedOptions& options) {
  bool fresh = false;
  {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSelectDerivedVersion));
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    fresh = row && st->Int(0) == kDerivedVersion;
  }
  if (fresh) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kDerivedOffset));
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    fresh = row && st->Int(0) == options.utc_offset_minutes;
  }
  if (fresh) return int64_t{0};
  JIESU_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  auto n = RebuildDerivedIn(c, load, options);
  if (!n.ok()) {
    (void)c.Exec("ROLLBACK");
    return n.error();
  }
  JIESU_RETURN_IF_ERROR(c.Exec("COMMIT"));
  return n;
}

}  // namespace jiesu::storage::sqlite
