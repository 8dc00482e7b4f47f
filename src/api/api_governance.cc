// Routes for governance data: early warnings and external events (this file), topics, forecasts
// and the monthly 民声热点 report (api_topics.cc).
#include <algorithm>

#include "api/api.h"
#include "api/json_input.h"
#include "api/views.h"
#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;

namespace {

json::value OptTime(const std::optional<TimePoint>& t, const domain::Jurisdiction& j) {
  return t ? json::value(Time(*t, j)) : json::value(nullptr);
}

json::array Ids(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t id : ids) a.emplace_back(id);
  return a;
}

}  // namespace

json::object EventJson(const storage::ExternalEvent& e, const domain::Jurisdiction& j) {
  const domain::Area* area = j.FindArea(e.district);
  const domain::Category* cat = j.taxonomy.Find(e.category);
  return json::object{
      {"id", e.id},
      {"kind", e.kind},
      {"title", e.title},
      {"description", e.description},
      {"district", e.district},
      {"district_name", area != nullptr ? area->name : ""},
      {"category", e.category},
      {"category_name", cat != nullptr ? cat->name : ""},
      {"place", e.place},
      {"lat", e.lat ? json::value(*e.lat) : json::value(nullptr)},
      {"lon", e.lon ? json::value(*e.lon) : json::value(nullptr)},
      {"starts_at", Time(e.starts_at, j)},
      {"ends_at", Time(e.ends_at, j)},
      {"created_by", e.created_by},
      {"created_at", Time(e.created_at, j)},
  };
}

json::object WarningJson(const storage::Warning& w,
                         const std::vector<storage::ExternalEvent>& events,
                         const domain::Jurisdiction& j) {
  const domain::Area* area = j.FindArea(w.district);
  const domain::Category* cat = j.taxonomy.Find(w.category);
  json::array ev;
  for (const auto& e : events) ev.emplace_back(EventJson(e, j));
  return json::object{
      {"id", w.id},
      {"kind", w.kind},
      {"title", w.title},
      {"category", w.category},
      {"category_name", cat != nullptr ? cat->name : ""},
      {"district", w.district},
      {"district_name", area != nullptr ? area->name : ""},
      {"window_from", Time(w.window_from, j)},
      {"window_to", Time(w.window_to, j)},
      {"expected", w.expected},
      {"observed", w.observed},
      {"p_value", w.p_value},
      {"explanation", w.explanation},
      {"orders", Ids(w.orders)},
      {"status", w.status},
      {"created_at", Time(w.created_at, j)},
      {"updated_at", Time(w.updated_at, j)},
      {"acknowledged_by",
       w.acknowledged_by == 0 ? json::value(nullptr) : json::value(w.acknowledged_by)},
      {"acknowledged_at", OptTime(w.acknowledged_at, j)},
      {"note", w.note},
      {"supervision_id",
       w.supervision_id == 0 ? json::value(nullptr) : json::value(w.supervision_id)},
      {"events", std::move(ev)},
  };
}

void Api::AddGovernanceRoutes() {
  Add("POST", "/api/v1/warnings/detect", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(service::DetectionRun run, warnings_->Run(c.actor));
    json::array skipped;
    for (const auto& s : run.skipped) skipped.emplace_back(s);
    return JsonResponse(200, json::object{{"at", Time(run.at, orders_.jurisdiction())},
                                          {"raised", run.raised},
                                          {"updated", run.updated},
                                          {"skipped", std::move(skipped)}});
  });
  Add("GET", "/api/v1/warnings", false, [this](Call& c) { return ListWarnings(c); });
  Add("GET", "/api/v1/warnings/{id}", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    JIESU_ASSIGN_OR_RETURN(storage::Warning w, warnings_->Get(c.actor, id));
    JIESU_ASSIGN_OR_RETURN(auto events, warnings_->EventsFor(w));
    return JsonResponse(200, WarningJson(w, events, orders_.jurisdiction()));
  });
  Add("POST", "/api/v1/warnings/{id}/acknowledge", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
    JsonReader r(body);
    const std::string note = r.String("note");
    JIESU_RETURN_IF_ERROR(r.Finish());
    JIESU_ASSIGN_OR_RETURN(storage::Warning w, warnings_->Acknowledge(c.actor, id, note));
    JIESU_ASSIGN_OR_RETURN(auto events, warnings_->EventsFor(w));
    return JsonResponse(200, WarningJson(w, events, orders_.jurisdiction()));
  });
  Add("POST", "/api/v1/warnings/{id}/supervise", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
    JsonReader r(body);
    domain::SupervisionRequest req;
    req.units = r.Strings("units");
    req.title = r.String("title");
    req.demand = r.String("demand");
    req.working_days =
        static_cast<int>(std::clamp<int64_t>(r.Int("days", true).value_or(0), -1, 1000));
    JIESU_RETURN_IF_ERROR(r.Finish());
    JIESU_ASSIGN_OR_RETURN(auto done, warnings_->Supervise(c.actor, id, req));
    JIESU_ASSIGN_OR_RETURN(auto events, warnings_->EventsFor(done.first));
    return JsonResponse(
        201, json::object{{"warning", WarningJson(done.first, events, orders_.jurisdiction())},
                          {"supervision_id", done.second.id}});
  });
  Add("POST", "/api/v1/events", false, [this](Call& c) { return SaveEvent(c, 0); });
  Add("GET", "/api/v1/events", false, [this](Call& c) -> Result<HttpResponse> {
    TimePoint from{}, to{};
    for (const auto& [k, v] : c.req.query) {
      if (k != "from" && k != "to")
        return InvalidArgument("unknown query parameter '" + k + "'", k);
      auto t = ParseRfc3339(v);
      if (!t.ok()) return InvalidArgument(k + ": " + t.error().message, k);
      (k == "from" ? from : to) = *t;
    }
    if (from == TimePoint{} || to == TimePoint{}) {
      return InvalidArgument("from and to are required (RFC 3339)", "from");
    }
    JIESU_ASSIGN_OR_RETURN(auto events, warnings_->ListEvents(c.actor, from, to));
    json::array a;
    for (const auto& e : events) a.emplace_back(EventJson(e, orders_.jurisdiction()));
    return JsonResponse(200, json::object{{"events", std::move(a)}});
  });
  Add("GET", "/api/v1/events/{id}", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    JIESU_ASSIGN_OR_RETURN(auto e, warnings_->GetEvent(c.actor, id));
    return JsonResponse(200, EventJson(e, orders_.jurisdiction()));
  });
  Add("PUT", "/api/v1/events/{id}", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    return SaveEvent(c, id);
  });
  Add("DELETE", "/api/v1/events/{id}", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    JIESU_RETURN_IF_ERROR(warnings_->DeleteEvent(c.actor, id));
    return JsonResponse(200, json::object{{"deleted", id}});
  });
  AddTopicRoutes();
}

Result<HttpResponse> Api::ListWarnings(Call& c) {
  storage::WarningFilter f;
  for (const auto& [k, v] : c.req.query) {
    if (!IsValidUtf8(v)) return InvalidArgument(k + " is not valid UTF-8", k);
    if (k == "status") {
      if (v != "open" && v != "acknowledged" && v != "supervised") {
        return InvalidArgument("status must be open, acknowledged or supervised", k);
      }
      f.status = v;
    } else if (k == "kind") {
      f.kind = v;
    } else if (k == "district") {
      f.district = v;
    } else if (k == "category") {
      f.category_prefix = v;
    } else if (k == "from" || k == "to") {
      auto t = ParseRfc3339(v);
      if (!t.ok()) return InvalidArgument(k + ": " + t.error().message, k);
      (k == "from" ? f.from : f.to) = *t;
    } else if (k == "cursor") {
      JIESU_ASSIGN_OR_RETURN(f.before_id, PositiveId(v, "cursor"));
    } else if (k == "limit") {
      JIESU_ASSIGN_OR_RETURN(int64_t n, PositiveId(v, "limit"));
      f.limit = static_cast<int>(std::min<int64_t>(n, 100000));
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  JIESU_ASSIGN_OR_RETURN(auto list, warnings_->List(c.actor, f));
  json::array a;
  for (const auto& w : list) {
    JIESU_ASSIGN_OR_RETURN(auto events, warnings_->EventsFor(w));
    a.emplace_back(WarningJson(w, events, orders_.jurisdiction()));
  }
  const int64_t next = static_cast<int>(list.size()) == f.limit ? list.back().id : 0;
  return JsonResponse(200, json::object{{"warnings", std::move(a)}, {"next_cursor", Cursor(next)}});
}

Result<HttpResponse> Api::SaveEvent(Call& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
  JsonReader r(body);
  storage::ExternalEvent e;
  e.id = id;
  e.kind = r.String("kind", true);
  e.title = r.String("title", true);
  e.description = r.String("description");
  e.district = r.String("district");
  e.category = r.String("category");
  e.place = r.String("place");
  e.lat = r.Double("lat");
  e.lon = r.Double("lon");
  e.starts_at = r.Time("starts_at", true).value_or(TimePoint{});
  e.ends_at = r.Time("ends_at", true).value_or(TimePoint{});
  JIESU_RETURN_IF_ERROR(r.Finish());
  JIESU_ASSIGN_OR_RETURN(storage::ExternalEvent saved, warnings_->SaveEvent(c.actor, e));
  HttpResponse res = JsonResponse(id == 0 ? 201 : 200, EventJson(saved, orders_.jurisdiction()));
  if (id == 0) res.headers.emplace_back("Location", "/api/v1/events/" + std::to_string(saved.id));
  return res;
}

}  // namespace jiesu::api
