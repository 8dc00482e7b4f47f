// Routes for 督办 supervision orders.
#include <algorithm>

#include "api/api.h"
#include "api/json_input.h"
#include "api/views.h"
#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;

namespace {

json::object SupervisionJson(const domain::Supervision& s,
                             const std::vector<domain::SupervisionEvent>* history,
                             const domain::Jurisdiction& j, TimePoint now) {
  json::array parts;
  for (const auto& p : s.parts) {
    const domain::Unit* u = j.units.Find(p.unit_id);
    parts.emplace_back(json::object{
        {"unit", p.unit_id},
        {"unit_name", u != nullptr ? u->name : ""},
        {"state", domain::Name(p.state)},
        {"reply", p.reply},
        {"replied_at", p.replied_at ? json::value(Time(*p.replied_at, j)) : json::value(nullptr)}});
  }
  json::object o{{"id", s.id},
                 {"order_id", s.order_id == 0 ? json::value(nullptr) : json::value(s.order_id)},
                 {"title", s.title},
                 {"demand", s.demand},
                 {"state", s.closed ? "closed" : "open"},
                 {"created_at", Time(s.created_at, j)},
                 {"due", Time(s.due, j)},
                 {"overdue", s.Overdue(now)},
                 {"closed_at", s.closed_at ? json::value(Time(*s.closed_at, j)) : json::value(nullptr)},
                 {"opened_by", s.opened_by},
                 {"version", s.version},
                 {"parts", std::move(parts)}};
  if (history != nullptr) {
    json::array h;
    for (const auto& e : *history) {
      h.emplace_back(json::object{{"seq", e.seq},
                                  {"step", domain::Name(e.step)},
                                  {"unit", e.unit_id},
                                  {"actor", json::object{{"id", e.actor.user_id},
                                                         {"username", e.actor.username},
                                                         {"role", e.actor.role}}},
                                  {"at", Time(e.at, j)},
                                  {"from", e.from_state},
                                  {"to", e.to_state},
                                  {"text", e.text}});
    }
    o["history"] = std::move(h);
  }
  return o;
}

}  // namespace

void Api::AddSupervisionRoutes() {
  Add("POST", "/api/v1/supervisions", false, [this](Call& c) { return OpenSupervision(c); });
  Add("GET", "/api/v1/supervisions", false, [this](Call& c) { return ListSupervisions(c); });
  Add("GET", "/api/v1/supervisions/{id}", false, [this](Call& c) { return GetSupervision(c); });
  Add("POST", "/api/v1/supervisions/{id}/units/{unit}/{action}", false,
      [this](Call& c) { return SupervisionAction(c); });
}

Result<HttpResponse> Api::OpenSupervision(Call& c) {
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  domain::SupervisionRequest req;
  req.order_id = r.Int("order_id").value_or(0);
  req.units = r.Strings("units");
  req.title = r.String("title", true);
  req.demand = r.String("demand", true);
  req.working_days = static_cast<int>(std::clamp<int64_t>(r.Int("days", true).value_or(0), -1, 1000));
  JIESU_RETURN_IF_ERROR(r.Finish());
  JIESU_ASSIGN_OR_RETURN(domain::Supervision s, supervisions_.Open(c.actor, req));
  HttpResponse resp = JsonResponse(
      201, SupervisionJson(s, nullptr, orders_.jurisdiction(), orders_.clock().Now()));
  resp.headers.emplace_back("Location", "/api/v1/supervisions/" + std::to_string(s.id));
  return resp;
}

Result<HttpResponse> Api::ListSupervisions(Call& c) {
  storage::SupervisionFilter f;
  int limit = 50;
  for (const auto& [k, v] : c.req.query) {
    if (!IsValidUtf8(v)) return InvalidArgument(k + " is not valid UTF-8", k);
    if (k == "unit") {
      f.unit_id = v;
    } else if (k == "state") {
      if (v != "open" && v != "closed") return InvalidArgument("state must be open or closed", k);
      f.closed = v == "closed";
    } else if (k == "order_id") {
      JIESU_ASSIGN_OR_RETURN(f.order_id, PositiveId(v, "order_id"));
    } else if (k == "cursor") {
      JIESU_ASSIGN_OR_RETURN(f.before_id, PositiveId(v, "cursor"));
    } else if (k == "limit") {
      JIESU_ASSIGN_OR_RETURN(int64_t n, PositiveId(v, "limit"));
      if (n > 200) return InvalidArgument("limit must be between 1 and 200", "limit");
      limit = static_cast<int>(n);
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  f.limit = limit + 1;
  JIESU_ASSIGN_OR_RETURN(auto list, supervisions_.List(c.actor, f));
  int64_t next = 0;
  if (static_cast<int>(list.size()) > limit) {
    list.resize(static_cast<size_t>(limit));
    next = list.back().id;
  }
  const auto& j = orders_.jurisdiction();
  const TimePoint now = orders_.clock().Now();
  json::array items;
  for (const auto& s : list) items.emplace_back(SupervisionJson(s, nullptr, j, now));
  return JsonResponse(200, json::object{{"supervisions", std::move(items)},
                                        {"next_cursor", Cursor(next)}});
}

Result<HttpResponse> Api::GetSupervision(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  JIESU_ASSIGN_OR_RETURN(auto s, supervisions_.Get(c.actor, id));
  JIESU_ASSIGN_OR_RETURN(auto history, supervisions_.History(c.actor, id));
  return JsonResponse(
      200, SupervisionJson(s, &history, orders_.jurisdiction(), orders_.clock().Now()));
}

Result<HttpResponse> Api::SupervisionAction(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  std::string name = c.params.at("action");
  if (name.find('_') != std::string::npos) return NotFound("no such supervision action: " + name);
  std::replace(name.begin(), name.end(), '-', '_');
  auto action = domain::ParsePartAction(name);
  if (!action) return NotFound("no such supervision action: " + c.params.at("action"));
  std::string text;
  if (!c.req.body.empty()) {
    JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
    JsonReader r(o);
    const char* field = *action == domain::PartAction::kReply ? "text" : "reason";
    text = r.String(field);
    JIESU_RETURN_IF_ERROR(r.Finish());
  }
  JIESU_ASSIGN_OR_RETURN(auto s,
                         supervisions_.Act(c.actor, id, *action, c.params.at("unit"), text));
  return JsonResponse(
      200, SupervisionJson(s, nullptr, orders_.jurisdiction(), orders_.clock().Now()));
}

}  // namespace jiesu::api
