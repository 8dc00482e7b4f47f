// SqliteStore: deadline timers, notices, evaluation facts, claims, the score audit, and the
// suggestions intake stored beside what became of the orders.
#include <limits>

#include "storage/event_codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

constexpr Query kDueTimers{"due_timers", R"sql(
SELECT order_id, fire_at FROM timers WHERE fire_at <= ?1 ORDER BY fire_at LIMIT ?2)sql"};
constexpr Query kNoticesForUnit{"notices_for_unit", R"sql(
SELECT id, at, unit_id, order_id, leg, kind, deadline, number FROM notices
WHERE unit_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3)sql"};
constexpr Query kAllNotices{"all_notices", R"sql(
SELECT id, at, unit_id, order_id, leg, kind, deadline, number FROM notices
WHERE id < ?1 ORDER BY id DESC LIMIT ?2)sql"};
constexpr Query kScanLegFacts{"scan_leg_facts", R"sql(
SELECT unit_id, dispatched_at, order_id, leg, role, state, sign_due, contact_due, reply_due,
       signed_at, contacted_at, replied_at
FROM score_legs WHERE unit_id = ?1 AND dispatched_at >= ?2 AND dispatched_at < ?3)sql"};
constexpr Query kScanVisitFacts{"scan_visit_facts", R"sql(
SELECT unit_id, at, order_id, contacted, solved, satisfaction, first_satisfaction, reopen_count
FROM score_visits WHERE unit_id = ?1 AND at >= ?2 AND at < ?3)sql"};
constexpr Query kSuggestionOutcomes{"suggestion_outcomes", R"sql(
SELECT o.id, o.state, o.category, o.request_type, o.urgency, o.district, e.body,
       (SELECT l.unit_id FROM legs l WHERE l.order_id = o.id AND l.role = 'lead'
        ORDER BY l.no DESC LIMIT 1)
FROM orders o JOIN events e ON e.order_id = o.id AND e.seq = 1
WHERE o.created_at >= ?1 AND o.created_at < ?2 ORDER BY o.id)sql"};
constexpr Query kInsertClaim{"insert_claim", R"sql(
INSERT INTO claims (kind, order_id, unit_id, period, reason, evidence, state, created_by,
                    created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8) RETURNING id)sql"};
constexpr const char* kClaimColumns =
    "SELECT id, kind, order_id, unit_id, period, reason, evidence, state, created_by, created_at, "
    "decided_by, decided_at, decision FROM claims ";
constexpr Query kClaimById{
    "claim_by_id",
    "SELECT id, kind, order_id, unit_id, period, reason, evidence, state, created_by, created_at, "
    "decided_by, decided_at, decision FROM claims WHERE id = ?1"};
constexpr Query kDecideClaim{"decide_claim", R"sql(
UPDATE claims SET state = ?2, decided_by = ?3, decided_at = ?4, decision = ?5
WHERE id = ?1 AND state = 'pending')sql"};
constexpr Query kInsertExclusion{"insert_exclusion", R"sql(
INSERT OR IGNORE INTO score_exclusions (period, unit_id, order_id, claim_id)
VALUES (?1, ?2, ?3, ?4))sql"};
constexpr Query kExclusions{"exclusions", R"sql(
SELECT order_id, unit_id, period, claim_id FROM score_exclusions WHERE period = ?1)sql"};
constexpr Query kInsertAudit{"insert_score_audit", R"sql(
INSERT INTO score_audit (at, unit_id, period, claim_id, order_id, actor_id, note, before, after)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql"};
constexpr Query kAudit{"score_audit", R"sql(
SELECT id, at, unit_id, period, claim_id, order_id, actor_id, note, before, after
FROM score_audit WHERE unit_id = ?1 AND period = ?2 ORDER BY id)sql"};

std::optional<TimePoint> OptTime(const Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return FromUnixMillis(st.Int(col));
}

Claim ReadClaim(const Statement& st) {
  Claim c;
  c.id = st.Int(0);
  c.kind = ParseClaimKind(st.Text(1)).value_or(ClaimKind::kAppeal);
  c.order_id = st.Int(2);
  c.unit_id = st.Text(3);
  c.period = st.Text(4);
  c.reason = st.Text(5);
  c.evidence = st.Text(6);
  c.state = ParseClaimState(st.Text(7)).value_or(ClaimState::kPending);
  c.created_by = st.Int(8);
  c.created_at = FromUnixMillis(st.Int(9));
  c.decided_by = st.Int(10);
  c.decided_at = OptTime(st, 11);
  c.decision = st.Text(12);
  return c;
}

}  // namespace

Result<std::vector<DueTimer>> SqliteStore::DueTimers(TimePoint now, int limit) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kDueTimers));
  st->Bind(1, ToUnixMillis(now)).Bind(2, int64_t{limit});
  std::vector<DueTimer> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    out.push_back({st->Int(0), FromUnixMillis(st->Int(1))});
  }
}

Result<std::vector<Notice>> SqliteStore::ListNotices(const std::string& unit_id, int64_t before_id,
                                                     int limit) {
  if (limit < 1 || limit > 500) return InvalidArgument("limit must be between 1 and 500", "limit");
  const int64_t below = before_id > 0 ? before_id : std::numeric_limits<int64_t>::max();
  auto r = AcquireReader();
  std::unique_ptr<Statement> st;
  if (unit_id == "*") {
    JIESU_ASSIGN_OR_RETURN(st, r->Prepare(kAllNotices));
    st->Bind(1, below).Bind(2, int64_t{limit});
  } else {
    JIESU_ASSIGN_OR_RETURN(st, r->Prepare(kNoticesForUnit));
    st->Bind(1, unit_id).Bind(2, below).Bind(3, int64_t{limit});
  }
  std::vector<Notice> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    Notice n;
    n.id = st->Int(0);
    n.at = FromUnixMillis(st->Int(1));
    n.unit_id = st->Text(2);
    n.order_id = st->Int(3);
    n.leg = static_cast<int>(st->Int(4));
    n.kind = domain::ParseCardKind(st->Text(5)).value_or(domain::CardKind::kSignYellow);
    n.deadline = FromUnixMillis(st->Int(6));
    n.number = static_cast<int>(st->Int(7));
    out.push_back(std::move(n));
  }
}

Status SqliteStore::ScanLegFacts(const std::string& unit_id, TimePoint from, TimePoint to,
                                 const std::function<void(const domain::LegFact&)>& fn) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kScanLegFacts));
  st->Bind(1, unit_id).Bind(2, ToUnixMillis(from)).Bind(3, ToUnixMillis(to));
  domain::LegFact f;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Ok();
    f.unit_id = st->Text(0);
    f.dispatched_at = FromUnixMillis(st->Int(1));
    f.order_id = st->Int(2);
    f.leg = static_cast<int>(st->Int(3));
    f.role = domain::ParseLegRole(st->Text(4)).value_or(domain::LegRole::kLead);
    f.state = domain::ParseLegState(st->Text(5)).value_or(domain::LegState::kPendingSign);
    f.sign_due = FromUnixMillis(st->Int(6));
    f.contact_due = FromUnixMillis(st->Int(7));
    f.reply_due = FromUnixMillis(st->Int(8));
    f.signed_at = OptTime(*st, 9);
    f.contacted_at = OptTime(*st, 10);
    f.replied_at = OptTime(*st, 11);
    fn(f);
  }
}

Status SqliteStore::ScanSuggestionOutcomes(
    TimePoint from, TimePoint to, const std::function<void(const SuggestionOutcome&)>& fn) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kSuggestionOutcomes));
  st->Bind(1, ToUnixMillis(from)).Bind(2, ToUnixMillis(to));
  SuggestionOutcome o;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Ok();
    o.order_id = st->Int(0);
    // The received event, read by the one codec that writes it.
    JIESU_ASSIGN_OR_RETURN(domain::Event received, DecodeEvent(o.order_id, 1, st->Text(6)));
    if (!received.draft || !received.draft->suggested.present) continue;
    o.suggested = std::move(received.draft->suggested);
    o.state = domain::ParseOrderState(st->Text(1)).value_or(domain::OrderState::kReceived);
    o.category = st->Text(2);
    o.request_type = domain::ParseRequestType(st->Text(3)).value_or(domain::RequestType::kOther);
    o.urgency = domain::ParseUrgency(st->Text(4)).value_or(domain::Urgency::kNormal);
    o.district_code = st->Text(5);
    o.lead_unit = st->Text(7);
    fn(o);
  }
}

Status SqliteStore::ScanVisitFacts(const std::string& unit_id, TimePoint from, TimePoint to,
                                   const std::function<void(const domain::VisitFact&)>& fn) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kScanVisitFacts));
  st->Bind(1, unit_id).Bind(2, ToUnixMillis(from)).Bind(3, ToUnixMillis(to));
  domain::VisitFact f;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Ok();
    f.unit_id = st->Text(0);
    f.at = FromUnixMillis(st->Int(1));
    f.order_id = st->Int(2);
    f.contacted = st->Int(3) != 0;
    f.solved = st->Int(4) != 0;
    f.satisfaction =
        domain::ParseSatisfaction(st->Text(5)).value_or(domain::Satisfaction::kUnsatisfied);
    f.first_satisfaction =
        domain::ParseSatisfaction(st->Text(6)).value_or(domain::Satisfaction::kUnsatisfied);
    f.reopen_count = static_cast<int>(st->Int(7));
    fn(f);
  }
}

Result<Claim> SqliteStore::CreateClaim(Claim claim) {
  Status s = Write([&](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertClaim));
    st->Bind(1, Name(claim.kind))
        .Bind(2, claim.order_id)
        .Bind(3, claim.unit_id)
        .Bind(4, claim.period)
        .Bind(5, claim.reason)
        .Bind(6, claim.evidence)
        .Bind(7, claim.created_by)
        .Bind(8, ToUnixMillis(claim.created_at));
    auto row = st->Step();
    if (!row.ok()) {
      if (row.error().code == ErrorCode::kConflict) {
        return Conflict("a claim of this kind about this order is already pending", "order_id");
      }
      return row.error();
    }
    claim.id = st->Int(0);
    claim.state = ClaimState::kPending;
    return st->Run();
  });
  if (!s.ok()) return s.error();
  return claim;
}

Result<Claim> SqliteStore::GetClaim(int64_t id) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kClaimById));
  st->Bind(1, id);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFound("no claim " + std::to_string(id));
  return ReadClaim(*st);
}

Result<std::vector<Claim>> SqliteStore::ListClaims(const ClaimFilter& f) {
  if (f.limit < 1 || f.limit > 500)
    return InvalidArgument("limit must be between 1 and 500", "limit");
  std::string sql = kClaimColumns;
  sql += "WHERE id < ?1";
  if (f.state) sql += " AND state = ?2";
  if (!f.unit_id.empty()) sql += " AND unit_id = ?3";
  if (!f.period.empty()) sql += " AND period = ?4";
  sql += " ORDER BY id DESC LIMIT ?5";
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(sqlite3_stmt * raw, r->PrepareUncached(sql));
  OwnedStmt owned(raw);
  Statement st(r->raw(), raw, "list_claims");
  st.Bind(1, f.before_id > 0 ? f.before_id : std::numeric_limits<int64_t>::max());
  if (f.state) st.Bind(2, Name(*f.state));
  if (!f.unit_id.empty()) st.Bind(3, f.unit_id);
  if (!f.period.empty()) st.Bind(4, f.period);
  st.Bind(5, int64_t{f.limit});
  std::vector<Claim> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadClaim(st));
  }
}

Result<Claim> SqliteStore::DecideClaim(const Claim& d, const ScoreAudit& audit) {
  Status s = Write([&](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kDecideClaim));
    st->Bind(1, d.id)
        .Bind(2, Name(d.state))
        .Bind(3, d.decided_by)
        .Bind(4, d.decided_at ? ToUnixMillis(*d.decided_at) : 0)
        .Bind(5, d.decision);
    JIESU_RETURN_IF_ERROR(st->Run());
    if (sqlite3_changes(c.raw()) != 1) {
      return Conflict("claim " + std::to_string(d.id) + " is not pending");
    }
    if (d.state == ClaimState::kUpheld) {
      JIESU_ASSIGN_OR_RETURN(auto ex, c.Prepare(kInsertExclusion));
      ex->Bind(1, d.period).Bind(2, d.unit_id).Bind(3, d.order_id).Bind(4, d.id);
      JIESU_RETURN_IF_ERROR(ex->Run());
    }
    JIESU_ASSIGN_OR_RETURN(auto au, c.Prepare(kInsertAudit));
    au->Bind(1, ToUnixMillis(audit.at))
        .Bind(2, audit.unit_id)
        .Bind(3, audit.period)
        .Bind(4, audit.claim_id)
        .Bind(5, audit.order_id)
        .Bind(6, audit.actor_id)
        .Bind(7, audit.note)
        .Bind(8, audit.before)
        .Bind(9, audit.after);
    return au->Run();
  });
  if (!s.ok()) return s.error();
  return GetClaim(d.id);
}

Result<std::vector<Exclusion>> SqliteStore::ListExclusions(const std::string& period) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kExclusions));
  st->Bind(1, period);
  std::vector<Exclusion> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    out.push_back({st->Int(0), st->Text(1), st->Text(2), st->Int(3)});
  }
}

Result<std::vector<ScoreAudit>> SqliteStore::ListScoreAudit(const std::string& unit_id,
                                                            const std::string& period) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kAudit));
  st->Bind(1, unit_id).Bind(2, period);
  std::vector<ScoreAudit> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    out.push_back({st->Int(0), FromUnixMillis(st->Int(1)), st->Text(2), st->Text(3), st->Int(4),
                   st->Int(5), st->Int(6), st->Text(7), st->Text(8), st->Text(9)});
  }
}

}  // namespace jiesu::storage::sqlite
