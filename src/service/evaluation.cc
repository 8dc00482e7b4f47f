#include "service/evaluation.h"

#include <algorithm>
#include <cmath>

namespace jiesu::service {

namespace json = boost::json;
using domain::Metric;

Result<Period> ParsePeriod(const std::string& month, int offset) {
  auto bad = [&] {
    return InvalidArgument("period must be a month as YYYY-MM, got '" + month + "'", "period");
  };
  if (month.size() != 7 || month[4] != '-') return bad();
  auto first = ParseDate(month + "-01");
  if (!first.ok()) return bad();
  const std::chrono::year_month_day ymd(*first);
  const std::chrono::year_month_day next_ymd = ymd + std::chrono::months(1);
  Period p;
  p.month = month;
  p.from = StartOfLocalDay(*first, offset);
  p.to = StartOfLocalDay(std::chrono::sys_days(next_ymd), offset);
  return p;
}

json::value FigureJson(std::optional<double> v) {
  if (!v) return nullptr;
  if (std::floor(*v) == *v && std::fabs(*v) < 9e15) return static_cast<int64_t>(*v);
  return *v;
}

json::object UnitScoreJson(const domain::UnitScore& s) {
  json::object o{{"unit_id", s.unit_id}, {"class", domain::Name(s.unit_class)}};
  for (int i = 0; i < domain::kMetricCount; ++i) {
    const auto m = static_cast<Metric>(i);
    const auto& r = s[m];
    o[domain::Name(m)] = json::object{{"numerator", FigureJson(r.numerator)},
                                      {"denominator", r.denominator},
                                      {"percent", FigureJson(r.Percent())}};
  }
  o["composite"] = FigureJson(s.composite);
  o["rank"] = s.rank;
  return o;
}

Status Evaluator::CheckUnitAccess(const domain::Actor& actor, const std::string& unit_id) const {
  if (j_.units.Find(unit_id) == nullptr) return NotFound("unknown unit '" + unit_id + "'");
  if (j_.roles.Allows(actor.role, domain::Action::kViewScores)) return Ok();
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role != nullptr && role->unit_scoped && actor.unit_id == unit_id) return Ok();
  return Forbidden("role " + actor.role + " may not see the evaluation details of " + unit_id);
}

Result<Evaluator::Excluded> Evaluator::Exclusions(const std::string& month) {
  JIESU_ASSIGN_OR_RETURN(auto rows, store_.ListExclusions(month));
  Excluded out;
  for (const auto& x : rows) out.emplace(x.unit_id, x.order_id);
  return out;
}

Result<domain::UnitScore> Evaluator::Compute(const domain::Unit& unit, const Period& p,
                                             TimePoint now, const Excluded& excluded) {
  domain::UnitScore s;
  s.unit_id = unit.id;
  s.unit_class = unit.unit_class;
  const double w = j_.evaluation.basically_satisfied_weight;
  auto is_excluded = [&](int64_t order) {
    return !excluded.empty() && excluded.count({unit.id, order}) > 0;
  };
  JIESU_RETURN_IF_ERROR(store_.ScanLegFacts(unit.id, p.from, p.to, [&](const domain::LegFact& f) {
    if (!is_excluded(f.order_id)) s.Add(f, now);
  }));
  JIESU_RETURN_IF_ERROR(
      store_.ScanVisitFacts(unit.id, p.from, p.to, [&](const domain::VisitFact& f) {
        if (!is_excluded(f.order_id)) s.Add(f, w);
      }));
  return s;
}

Result<MonthScores> Evaluator::Month(const domain::Actor& actor, const std::string& month) {
  (void)actor;  // rankings are published: every signed-in user may read them
  JIESU_ASSIGN_OR_RETURN(Period p, ParsePeriod(month, j_.utc_offset_minutes));
  JIESU_ASSIGN_OR_RETURN(Excluded excluded, Exclusions(month));
  MonthScores out;
  out.period = p;
  out.as_of = clock_.Now();
  for (const auto& unit : j_.units.all()) {
    JIESU_ASSIGN_OR_RETURN(auto s, Compute(unit, p, out.as_of, excluded));
    out.units.push_back(std::move(s));
  }
  domain::RankScores(out.units, j_.evaluation, month);
  std::map<domain::UnitClass, std::vector<size_t>> ranked;
  for (size_t i = 0; i < out.units.size(); ++i) {
    if (out.units[i].rank > 0) ranked[out.units[i].unit_class].push_back(i);
  }
  const size_t n = static_cast<size_t>(j_.evaluation.list_size);
  for (auto& [cls, idx] : ranked) {
    std::sort(idx.begin(), idx.end(),
              [&](size_t a, size_t b) { return out.units[a].rank < out.units[b].rank; });
    const size_t k = std::min(n, idx.size() / 2);  // the two lists never share a unit
    out.red[cls].assign(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k));
    out.black[cls].assign(idx.rbegin(), idx.rbegin() + static_cast<std::ptrdiff_t>(k));
  }
  return out;
}

Result<domain::UnitScore> Evaluator::UnitMonth(const domain::Actor& actor,
                                               const std::string& unit_id,
                                               const std::string& month) {
  JIESU_RETURN_IF_ERROR(CheckUnitAccess(actor, unit_id));
  JIESU_ASSIGN_OR_RETURN(Period p, ParsePeriod(month, j_.utc_offset_minutes));
  JIESU_ASSIGN_OR_RETURN(Excluded excluded, Exclusions(month));
  JIESU_ASSIGN_OR_RETURN(auto s, Compute(*j_.units.Find(unit_id), p, clock_.Now(), excluded));
  s.composite = domain::CompositeOf(s, j_.evaluation.WeightsFor(s.unit_class, month));
  return s;
}

Result<Drilldown> Evaluator::Drill(const domain::Actor& actor, const std::string& unit_id,
                                   const std::string& month, Metric metric,
                                   std::optional<bool> passed) {
  JIESU_RETURN_IF_ERROR(CheckUnitAccess(actor, unit_id));
  JIESU_ASSIGN_OR_RETURN(Period p, ParsePeriod(month, j_.utc_offset_minutes));
  JIESU_ASSIGN_OR_RETURN(Excluded excluded, Exclusions(month));
  const TimePoint now = clock_.Now();
  const double w = j_.evaluation.basically_satisfied_weight;
  Drilldown d;
  d.unit_id = unit_id;
  d.period = p;
  d.metric = metric;
  std::vector<DrillRow> out_of_scores;
  auto take = [&](int64_t order, int leg, TimePoint at, domain::Outcome o) {
    if (!o.counted) return;
    DrillRow row{order, leg, at, o, excluded.count({unit_id, order}) > 0};
    if (row.excluded) {
      out_of_scores.push_back(row);
      return;
    }
    d.ratio.denominator += 1;
    d.ratio.numerator += o.credit;
    if (passed && *passed != (o.credit > 0)) return;
    d.rows.push_back(row);
  };
  if (domain::IsLegMetric(metric)) {
    JIESU_RETURN_IF_ERROR(store_.ScanLegFacts(unit_id, p.from, p.to, [&](const auto& f) {
      take(f.order_id, f.leg, f.dispatched_at, domain::Judge(metric, f, now));
    }));
  } else {
    JIESU_RETURN_IF_ERROR(store_.ScanVisitFacts(unit_id, p.from, p.to, [&](const auto& f) {
      take(f.order_id, 0, f.at, domain::Judge(metric, f, w));
    }));
  }
  d.rows.insert(d.rows.end(), out_of_scores.begin(), out_of_scores.end());
  return d;
}

Result<storage::Claim> Evaluator::FileClaim(const domain::Actor& actor, storage::Claim claim) {
  if (!j_.roles.Allows(actor.role, domain::Action::kFileClaim)) {
    return Forbidden("role " + actor.role + " may not file claims");
  }
  if (claim.unit_id.empty()) claim.unit_id = actor.unit_id;
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role != nullptr && role->unit_scoped && claim.unit_id != actor.unit_id) {
    return Forbidden("a unit may file claims only for itself");
  }
  if (j_.units.Find(claim.unit_id) == nullptr) {
    return InvalidArgument("unknown unit '" + claim.unit_id + "'", "unit_id");
  }
  JIESU_RETURN_IF_ERROR(ParsePeriod(claim.period, j_.utc_offset_minutes).status());
  if (claim.reason.empty()) return InvalidArgument("a reason is required", "reason");
  const size_t max = static_cast<size_t>(j_.policy.max_text_chars) * 4;  // bytes of UTF-8
  if (claim.reason.size() > max || claim.evidence.size() > max) {
    return InvalidArgument("reason and evidence are limited to " +
                               std::to_string(j_.policy.max_text_chars) + " characters",
                           claim.reason.size() > max ? "reason" : "evidence");
  }
  auto order = store_.GetOrder(claim.order_id);
  if (!order.ok()) return NotFound("order " + std::to_string(claim.order_id) + " not found");
  const bool has_leg = std::any_of(order->legs.begin(), order->legs.end(),
                                   [&](const domain::Leg& l) { return l.unit_id == claim.unit_id; });
  if (!has_leg) {
    return InvalidArgument("order " + std::to_string(claim.order_id) + " was never sent to " +
                               claim.unit_id,
                           "order_id");
  }
  claim.state = storage::ClaimState::kPending;
  claim.created_by = actor.user_id;
  claim.created_at = clock_.Now();
  return store_.CreateClaim(std::move(claim));
}

Result<storage::Claim> Evaluator::DecideClaim(const domain::Actor& actor, int64_t claim_id,
                                              bool uphold, const std::string& decision) {
  if (!j_.roles.Allows(actor.role, domain::Action::kDecideClaim)) {
    return Forbidden("role " + actor.role + " may not decide claims");
  }
  if (decision.empty()) return InvalidArgument("a reason for the decision is required", "reason");
  JIESU_ASSIGN_OR_RETURN(storage::Claim claim, store_.GetClaim(claim_id));
  if (claim.state != storage::ClaimState::kPending) {
    return Conflict("claim " + std::to_string(claim_id) + " was already " +
                    std::string(storage::Name(claim.state)));
  }
  const domain::Unit* unit = j_.units.Find(claim.unit_id);
  if (unit == nullptr) return Internal("claim for unknown unit " + claim.unit_id);
  JIESU_ASSIGN_OR_RETURN(Period p, ParsePeriod(claim.period, j_.utc_offset_minutes));
  const TimePoint now = clock_.Now();
  JIESU_ASSIGN_OR_RETURN(Excluded excluded, Exclusions(claim.period));
  JIESU_ASSIGN_OR_RETURN(auto before, Compute(*unit, p, now, excluded));
  if (uphold) excluded.emplace(claim.unit_id, claim.order_id);
  JIESU_ASSIGN_OR_RETURN(auto after, Compute(*unit, p, now, excluded));
  const auto weights = j_.evaluation.WeightsFor(unit->unit_class, claim.period);
  before.composite = domain::CompositeOf(before, weights);
  after.composite = domain::CompositeOf(after, weights);

  claim.state = uphold ? storage::ClaimState::kUpheld : storage::ClaimState::kDismissed;
  claim.decided_by = actor.user_id;
  claim.decided_at = now;
  claim.decision = decision;
  storage::ScoreAudit audit;
  audit.at = now;
  audit.unit_id = claim.unit_id;
  audit.period = claim.period;
  audit.claim_id = claim.id;
  audit.order_id = claim.order_id;
  audit.actor_id = actor.user_id;
  audit.note = std::string(storage::Name(claim.kind)) + " " +
               (uphold ? "upheld: order removed from the unit's scores"
                       : "dismissed: scores unchanged") +
               " — " + decision;
  audit.before = json::serialize(UnitScoreJson(before));
  audit.after = json::serialize(UnitScoreJson(after));
  return store_.DecideClaim(claim, audit);
}

Result<std::vector<storage::Claim>> Evaluator::ListClaims(const domain::Actor& actor,
                                                          storage::ClaimFilter filter) {
  if (!j_.roles.Allows(actor.role, domain::Action::kViewScores)) {
    const domain::RoleDef* role = j_.roles.Find(actor.role);
    if (role == nullptr || !role->unit_scoped) {
      return Forbidden("role " + actor.role + " may not read claims");
    }
    filter.unit_id = actor.unit_id;
  }
  return store_.ListClaims(filter);
}

Result<std::vector<storage::ScoreAudit>> Evaluator::Audit(const domain::Actor& actor,
                                                         const std::string& unit_id,
                                                         const std::string& month) {
  JIESU_RETURN_IF_ERROR(CheckUnitAccess(actor, unit_id));
  JIESU_RETURN_IF_ERROR(ParsePeriod(month, j_.utc_offset_minutes).status());
  return store_.ListScoreAudit(unit_id, month);
}

}  // namespace jiesu::service
