// Routes for deadline notices, the visitor queue, unit scores, drill-down and claims.
#include <algorithm>

#include "api/api.h"
#include "api/json_input.h"
#include "api/views.h"
#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;
using domain::Action;

namespace {

// Reads query parameters into named slots; an unknown or repeated name is an error.
class Query {
 public:
  explicit Query(const HttpRequest& req) : req_(req) {}
  Status Read(std::initializer_list<std::pair<const char*, std::string*>> slots) {
    for (const auto& [k, v] : req_.query) {
      if (!IsValidUtf8(v)) return InvalidArgument(k + " is not valid UTF-8", k);
      auto it = std::find_if(slots.begin(), slots.end(), [&](const auto& s) { return k == s.first; });
      if (it == slots.end()) return InvalidArgument("unknown query parameter '" + k + "'", k);
      if (!it->second->empty()) return InvalidArgument("query parameter '" + k + "' is repeated", k);
      *it->second = v;
    }
    return Ok();
  }

 private:
  const HttpRequest& req_;
};

Result<int> Limit(const std::string& v, int fallback, int max) {
  if (v.empty()) return fallback;
  JIESU_ASSIGN_OR_RETURN(int64_t n, PositiveId(v, "limit"));
  if (n > max) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(max), "limit");
  }
  return static_cast<int>(n);
}

json::object ClaimJson(const storage::Claim& c, const domain::Jurisdiction& j) {
  json::object o{{"id", c.id},
                 {"kind", storage::Name(c.kind)},
                 {"order_id", c.order_id},
                 {"unit_id", c.unit_id},
                 {"period", c.period},
                 {"reason", c.reason},
                 {"evidence", c.evidence},
                 {"state", storage::Name(c.state)},
                 {"created_by", c.created_by},
                 {"created_at", Time(c.created_at, j)},
                 {"decided_by", c.decided_by},
                 {"decision", c.decision}};
  o["decided_at"] = c.decided_at ? json::value(Time(*c.decided_at, j)) : json::value(nullptr);
  return o;
}

json::object NamedScore(const domain::UnitScore& s, const domain::Jurisdiction& j) {
  json::object o = service::UnitScoreJson(s);
  const domain::Unit* u = j.units.Find(s.unit_id);
  o["name"] = u != nullptr ? u->name : "";
  return o;
}

}  // namespace

void Api::AddEvaluationRoutes() {
  Add("GET", "/api/v1/notices", false, [this](Call& c) { return Notices(c); });
  Add("GET", "/api/v1/visits/queue", false, [this](Call& c) { return VisitQueue(c); });
  Add("GET", "/api/v1/scores", false, [this](Call& c) { return Scores(c); });
  Add("GET", "/api/v1/scores/{unit}", false, [this](Call& c) { return UnitScores(c); });
  Add("GET", "/api/v1/scores/{unit}/orders", false, [this](Call& c) { return ScoreOrders(c); });
  Add("GET", "/api/v1/scores/{unit}/audit", false, [this](Call& c) { return ScoreAudit(c); });
  Add("POST", "/api/v1/claims", false, [this](Call& c) { return FileClaim(c); });
  Add("GET", "/api/v1/claims", false, [this](Call& c) { return ListClaims(c); });
  Add("GET", "/api/v1/claims/{id}", false, [this](Call& c) { return GetClaim(c); });
  Add("POST", "/api/v1/claims/{id}/{decision}", false, [this](Call& c) { return DecideClaim(c); });
}

Result<HttpResponse> Api::Notices(Call& c) {
  std::string unit, cursor, limit_s;
  JIESU_RETURN_IF_ERROR(
      Query(c.req).Read({{"unit", &unit}, {"cursor", &cursor}, {"limit", &limit_s}}));
  const auto& j = orders_.jurisdiction();
  const domain::RoleDef* role = j.roles.Find(c.actor.role);
  if (role != nullptr && role->unit_scoped) {
    if (!unit.empty() && unit != c.actor.unit_id) {
      return Forbidden("a unit sees only its own notices");
    }
    unit = c.actor.unit_id;
  } else if (unit.empty()) {
    unit = "*";
  } else if (unit == "hotline") {
    unit = "";
  } else if (j.units.Find(unit) == nullptr) {
    return InvalidArgument("unknown unit '" + unit + "'", "unit");
  }
  int64_t before = 0;
  if (!cursor.empty()) {
    JIESU_ASSIGN_OR_RETURN(before, PositiveId(cursor, "cursor"));
  }
  JIESU_ASSIGN_OR_RETURN(int limit, Limit(limit_s, 50, 500));
  JIESU_ASSIGN_OR_RETURN(auto notices, orders_.store().ListNotices(unit, before, limit + 1));
  int64_t next = 0;
  if (static_cast<int>(notices.size()) > limit) {
    notices.resize(static_cast<size_t>(limit));
    next = notices.back().id;
  }
  json::array items;
  for (const auto& n : notices) {
    items.emplace_back(json::object{{"id", n.id},
                                    {"at", Time(n.at, j)},
                                    {"unit", n.unit_id},
                                    {"order_id", n.order_id},
                                    {"leg", n.leg},
                                    {"kind", domain::Name(n.kind)},
                                    {"deadline", Time(n.deadline, j)},
                                    {"number", n.number}});
  }
  return JsonResponse(200, json::object{{"notices", std::move(items)}, {"next_cursor", Cursor(next)}});
}

Result<HttpResponse> Api::VisitQueue(Call& c) {
  std::string unit, category, cursor, limit_s;
  JIESU_RETURN_IF_ERROR(Query(c.req).Read(
      {{"unit", &unit}, {"category", &category}, {"cursor", &cursor}, {"limit", &limit_s}}));
  const auto& j = orders_.jurisdiction();
  if (!j.roles.Allows(c.actor.role, Action::kVisit)) {
    return Forbidden("only the hotline's visitors work the visit queue");
  }
  storage::OrderFilter f;
  f.states = {domain::OrderState::kVisiting};
  f.unit = unit;
  f.category_prefix = category;
  if (!cursor.empty()) {
    JIESU_ASSIGN_OR_RETURN(f.before_id, PositiveId(cursor, "cursor"));
  }
  JIESU_ASSIGN_OR_RETURN(f.limit, Limit(limit_s, 20, 200));
  JIESU_ASSIGN_OR_RETURN(storage::OrderPage page, orders_.List(c.actor, f));
  const TimePoint now = orders_.clock().Now();
  json::array items;
  for (const auto& s : page.orders) items.emplace_back(SummaryJson(s, j, now));
  return JsonResponse(200, json::object{{"orders", std::move(items)},
                                        {"next_cursor", Cursor(page.next_cursor)}});
}

Result<HttpResponse> Api::Scores(Call& c) {
  std::string period, cls;
  JIESU_RETURN_IF_ERROR(Query(c.req).Read({{"period", &period}, {"class", &cls}}));
  if (period.empty()) return InvalidArgument("period (YYYY-MM) is required", "period");
  std::optional<domain::UnitClass> only;
  if (!cls.empty()) {
    only = domain::ParseUnitClass(cls);
    if (!only) return InvalidArgument("unknown unit class '" + cls + "'", "class");
  }
  JIESU_ASSIGN_OR_RETURN(service::MonthScores m, evaluator_.Month(c.actor, period));
  const auto& j = orders_.jurisdiction();
  std::vector<const domain::UnitScore*> shown;
  for (const auto& s : m.units) {
    if (!only || s.unit_class == *only) shown.push_back(&s);
  }
  // Ranked units first, by class and rank; then the unranked, by id.
  std::stable_sort(shown.begin(), shown.end(), [](const auto* a, const auto* b) {
    if ((a->rank == 0) != (b->rank == 0)) return a->rank != 0;
    if (a->unit_class != b->unit_class) return a->unit_class < b->unit_class;
    return a->rank < b->rank;
  });
  json::array units;
  for (const auto* s : shown) units.emplace_back(NamedScore(*s, j));
  json::object lists;
  for (domain::UnitClass k : domain::AllUnitClasss()) {
    if (only && k != *only) continue;
    json::array red, black;
    if (auto it = m.red.find(k); it != m.red.end()) {
      for (size_t i : it->second) red.emplace_back(m.units[i].unit_id);
    }
    if (auto it = m.black.find(k); it != m.black.end()) {
      for (size_t i : it->second) black.emplace_back(m.units[i].unit_id);
    }
    lists[domain::Name(k)] = json::object{{"red", std::move(red)}, {"black", std::move(black)}};
  }
  return JsonResponse(200, json::object{{"period", m.period.month},
                                        {"as_of", Time(m.as_of, j)},
                                        {"basically_satisfied_weight",
                                         j.evaluation.basically_satisfied_weight},
                                        {"units", std::move(units)},
                                        {"lists", std::move(lists)}});
}

Result<HttpResponse> Api::UnitScores(Call& c) {
  std::string period;
  JIESU_RETURN_IF_ERROR(Query(c.req).Read({{"period", &period}}));
  if (period.empty()) return InvalidArgument("period (YYYY-MM) is required", "period");
  JIESU_ASSIGN_OR_RETURN(auto s, evaluator_.UnitMonth(c.actor, c.params.at("unit"), period));
  json::object o = NamedScore(s, orders_.jurisdiction());
  o["period"] = period;
  return JsonResponse(200, o);
}

Result<HttpResponse> Api::ScoreOrders(Call& c) {
  std::string period, metric_s, passed_s, offset_s, limit_s;
  JIESU_RETURN_IF_ERROR(Query(c.req).Read({{"period", &period},
                                           {"metric", &metric_s},
                                           {"passed", &passed_s},
                                           {"offset", &offset_s},
                                           {"limit", &limit_s}}));
  if (period.empty()) return InvalidArgument("period (YYYY-MM) is required", "period");
  auto metric = domain::ParseMetric(metric_s);
  if (!metric) {
    return InvalidArgument("metric must be one of response, timely_sign, on_time_reply, "
                           "late_reply, return, resolution, satisfaction, reopen",
                           "metric");
  }
  std::optional<bool> passed;
  if (!passed_s.empty()) {
    if (passed_s != "true" && passed_s != "false") {
      return InvalidArgument("passed must be true or false", "passed");
    }
    passed = passed_s == "true";
  }
  int64_t offset = 0;
  if (!offset_s.empty() && offset_s != "0") {
    JIESU_ASSIGN_OR_RETURN(offset, PositiveId(offset_s, "offset"));
  }
  JIESU_ASSIGN_OR_RETURN(int limit, Limit(limit_s, 100, 1000));
  JIESU_ASSIGN_OR_RETURN(service::Drilldown d,
                         evaluator_.Drill(c.actor, c.params.at("unit"), period, *metric, passed));
  const auto& j = orders_.jurisdiction();
  json::array rows;
  const int64_t total = static_cast<int64_t>(d.rows.size());
  for (int64_t i = offset; i < total && i < offset + limit; ++i) {
    const auto& r = d.rows[static_cast<size_t>(i)];
    rows.emplace_back(json::object{{"order_id", r.order_id},
                                   {"leg", r.leg},
                                   {"at", Time(r.at, j)},
                                   {"credit", service::FigureJson(r.outcome.credit)},
                                   {"excluded", r.excluded}});
  }
  return JsonResponse(
      200, json::object{{"unit_id", d.unit_id},
                        {"period", d.period.month},
                        {"metric", domain::Name(d.metric)},
                        {"numerator", service::FigureJson(d.ratio.numerator)},
                        {"denominator", d.ratio.denominator},
                        {"percent", service::FigureJson(d.ratio.Percent())},
                        {"total_rows", total},
                        {"offset", offset},
                        {"rows", std::move(rows)}});
}

Result<HttpResponse> Api::ScoreAudit(Call& c) {
  std::string period;
  JIESU_RETURN_IF_ERROR(Query(c.req).Read({{"period", &period}}));
  if (period.empty()) return InvalidArgument("period (YYYY-MM) is required", "period");
  JIESU_ASSIGN_OR_RETURN(auto trail, evaluator_.Audit(c.actor, c.params.at("unit"), period));
  const auto& j = orders_.jurisdiction();
  json::array items;
  for (const auto& a : trail) {
    items.emplace_back(json::object{{"id", a.id},
                                    {"at", Time(a.at, j)},
                                    {"claim_id", a.claim_id},
                                    {"order_id", a.order_id},
                                    {"actor_id", a.actor_id},
                                    {"note", a.note},
                                    {"before", json::parse(a.before)},
                                    {"after", json::parse(a.after)}});
  }
  return JsonResponse(200, json::object{{"unit_id", c.params.at("unit")},
                                        {"period", period},
                                        {"changes", std::move(items)}});
}

Result<HttpResponse> Api::FileClaim(Call& c) {
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  storage::Claim claim;
  const std::string kind = r.String("kind", true);
  claim.order_id = r.Int("order_id", true).value_or(0);
  claim.period = r.String("period", true);
  claim.reason = r.String("reason", true);
  claim.evidence = r.String("evidence");
  claim.unit_id = r.String("unit_id");
  JIESU_RETURN_IF_ERROR(r.Finish());
  auto k = storage::ParseClaimKind(kind);
  if (!k) return InvalidArgument("kind must be appeal or unreasonable", "kind");
  claim.kind = *k;
  JIESU_ASSIGN_OR_RETURN(storage::Claim made, evaluator_.FileClaim(c.actor, std::move(claim)));
  HttpResponse resp = JsonResponse(201, ClaimJson(made, orders_.jurisdiction()));
  resp.headers.emplace_back("Location", "/api/v1/claims/" + std::to_string(made.id));
  return resp;
}

Result<HttpResponse> Api::ListClaims(Call& c) {
  std::string state, unit, period, cursor, limit_s;
  JIESU_RETURN_IF_ERROR(Query(c.req).Read({{"state", &state},
                                           {"unit", &unit},
                                           {"period", &period},
                                           {"cursor", &cursor},
                                           {"limit", &limit_s}}));
  storage::ClaimFilter f;
  if (!state.empty()) {
    f.state = storage::ParseClaimState(state);
    if (!f.state) return InvalidArgument("state must be pending, upheld or dismissed", "state");
  }
  f.unit_id = unit;
  f.period = period;
  if (!cursor.empty()) {
    JIESU_ASSIGN_OR_RETURN(f.before_id, PositiveId(cursor, "cursor"));
  }
  JIESU_ASSIGN_OR_RETURN(int limit, Limit(limit_s, 50, 500));
  f.limit = limit + 1;
  JIESU_ASSIGN_OR_RETURN(auto claims, evaluator_.ListClaims(c.actor, f));
  int64_t next = 0;
  if (static_cast<int>(claims.size()) > limit) {
    claims.resize(static_cast<size_t>(limit));
    next = claims.back().id;
  }
  json::array items;
  for (const auto& cl : claims) items.emplace_back(ClaimJson(cl, orders_.jurisdiction()));
  return JsonResponse(200, json::object{{"claims", std::move(items)}, {"next_cursor", Cursor(next)}});
}

Result<HttpResponse> Api::GetClaim(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  JIESU_ASSIGN_OR_RETURN(storage::Claim claim, orders_.store().GetClaim(id));
  const auto& j = orders_.jurisdiction();
  const domain::RoleDef* role = j.roles.Find(c.actor.role);
  const bool own = role != nullptr && role->unit_scoped && c.actor.unit_id == claim.unit_id;
  if (!own && !j.roles.Allows(c.actor.role, Action::kViewScores)) {
    return NotFound("no claim " + std::to_string(id));
  }
  return JsonResponse(200, ClaimJson(claim, j));
}

Result<HttpResponse> Api::DecideClaim(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  const std::string& decision = c.params.at("decision");
  if (decision != "uphold" && decision != "dismiss") {
    return NotFound("no such claim action: " + decision);
  }
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  const std::string reason = r.String("reason", true);
  JIESU_RETURN_IF_ERROR(r.Finish());
  JIESU_ASSIGN_OR_RETURN(storage::Claim claim,
                         evaluator_.DecideClaim(c.actor, id, decision == "uphold", reason));
  return JsonResponse(200, ClaimJson(claim, orders_.jurisdiction()));
}

}  // namespace jiesu::api
