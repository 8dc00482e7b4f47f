// Routes for topics (每月一题, 治理类街乡), forecasts and the monthly 民声热点 report.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api.h"
#include "api/json_input.h"
#include "api/views.h"
#include "base/utf8.h"
#include "report/hotspots.h"

namespace jiesu::api {

namespace json = boost::json;

namespace {

json::value Opt(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::array Ids(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t id : ids) a.emplace_back(id);
  return a;
}

// A share or score to four decimals (they rank; more digits say nothing).
double Round4(double v) { return std::round(v * 1e4) / 1e4; }

json::object CandidateJson(const service::TopicCandidate& c, const domain::Jurisdiction& j) {
  json::object o{
      {"kind", c.kind},           {"title", c.title},           {"received", c.received},
      {"score", Round4(c.score)}, {"volume", Round4(c.volume)}, {"orders", Ids(c.orders)}};
  if (c.kind == "monthly") {
    const domain::Unit* lead = j.units.Find(c.lead_unit);
    o["category"] = c.category;
    o["breadth"] = Round4(c.breadth);
    o["districts"] = c.districts;
    o["unresolved"] = Round4(c.unresolved);
    o["completed"] = c.completed;
    o["mean_days_to_complete"] = Opt(c.mean_days_to_complete);
    o["solvable"] = Round4(c.solvable);
    o["lead_unit"] = c.lead_unit;
    o["lead_unit_name"] = lead != nullptr ? lead->name : "";
  } else {
    o["unit"] = c.unit_id;
    o["resolution_pct"] = Opt(c.resolution);
    o["satisfaction_pct"] = Opt(c.satisfaction);
  }
  return o;
}

json::object TopicJson(const storage::Topic& t, const domain::Jurisdiction& j) {
  return json::object{
      {"id", t.id},
      {"kind", t.kind},
      {"title", t.title},
      {"category", t.category},
      {"district", t.district},
      {"unit", t.unit_id},
      {"month", t.month},
      {"status", t.status},
      {"note", t.note},
      {"score", Round4(t.score)},
      {"orders", Ids(t.orders)},
      {"warning_id", t.warning_id == 0 ? json::value(nullptr) : json::value(t.warning_id)},
      {"created_by", t.created_by},
      {"created_at", Time(t.created_at, j)}};
}

json::object TrackingJson(const service::TopicTracking& t, const domain::Jurisdiction& j) {
  json::object o = TopicJson(t.topic, j);
  json::array months;
  for (const auto& m : t.months) {
    months.emplace_back(json::object{{"month", m.month}, {"received", m.received}});
  }
  o["months"] = std::move(months);
  o["baseline"] = Opt(t.baseline);
  o["change_pct"] = Opt(t.change_pct);
  return o;
}

json::array RowsJson(const std::vector<service::HotspotRow>& rows) {
  json::array a;
  for (const auto& r : rows) {
    a.emplace_back(json::object{{"key", r.key},
                                {"name", r.name},
                                {"received", r.received},
                                {"previous", r.previous},
                                {"change_pct", Opt(r.change_pct)},
                                {"per_10k_residents", Opt(r.per_10k)}});
  }
  return a;
}

// The query parameters into `out`, refusing any not in `known`.
Status Only(const HttpRequest& req, const std::vector<std::string>& known,
            std::map<std::string, std::string>& out) {
  for (const auto& [k, v] : req.query) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
    if (!IsValidUtf8(v)) return InvalidArgument(k + " is not valid UTF-8", k);
    out[k] = v;
  }
  return {};
}

}  // namespace

void Api::AddTopicRoutes() {
  Add("GET", "/api/v1/topics/candidates", false, [this](Call& c) -> Result<HttpResponse> {
    std::map<std::string, std::string> q;
    JIESU_RETURN_IF_ERROR(Only(c.req, {"kind", "month"}, q));
    JIESU_ASSIGN_OR_RETURN(auto list, topics_->Candidates(c.actor, q["kind"], q["month"]));
    json::array a;
    for (const auto& cand : list) a.emplace_back(CandidateJson(cand, orders_.jurisdiction()));
    return JsonResponse(
        200,
        json::object{{"kind", q["kind"]}, {"month", q["month"]}, {"candidates", std::move(a)}});
  });
  Add("POST", "/api/v1/topics", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
    JsonReader r(body);
    storage::Topic t;
    t.kind = r.String("kind", true);
    t.month = r.String("month", true);
    t.category = r.String("category");
    t.unit_id = r.String("unit");
    t.title = r.String("title");
    t.note = r.String("note");
    t.warning_id = r.Int("warning_id").value_or(0);
    JIESU_RETURN_IF_ERROR(r.Finish());
    JIESU_ASSIGN_OR_RETURN(storage::Topic saved, topics_->Promote(c.actor, t));
    HttpResponse res = JsonResponse(201, TopicJson(saved, orders_.jurisdiction()));
    res.headers.emplace_back("Location", "/api/v1/topics/" + std::to_string(saved.id));
    return res;
  });
  Add("GET", "/api/v1/topics", false, [this](Call& c) -> Result<HttpResponse> {
    std::map<std::string, std::string> q;
    JIESU_RETURN_IF_ERROR(Only(c.req, {"status"}, q));
    JIESU_ASSIGN_OR_RETURN(auto list, topics_->List(c.actor, q["status"]));
    json::array a;
    for (const auto& t : list) a.emplace_back(TopicJson(t, orders_.jurisdiction()));
    return JsonResponse(200, json::object{{"topics", std::move(a)}});
  });
  Add("GET", "/api/v1/topics/{id}", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    JIESU_ASSIGN_OR_RETURN(auto t, topics_->Get(c.actor, id));
    return JsonResponse(200, TrackingJson(t, orders_.jurisdiction()));
  });
  Add("POST", "/api/v1/topics/{id}/status", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
    JsonReader r(body);
    const std::string status = r.String("status", true);
    const std::string note = r.String("note");
    JIESU_RETURN_IF_ERROR(r.Finish());
    JIESU_ASSIGN_OR_RETURN(auto t, topics_->SetStatus(c.actor, id, status, note));
    return JsonResponse(200, TopicJson(t, orders_.jurisdiction()));
  });
  Add("GET", "/api/v1/forecast", false, [this](Call& c) { return Forecast(c); });
  Add("GET", "/api/v1/reports/hotspots", false, [this](Call& c) { return HotspotReport(c); });
}

Result<HttpResponse> Api::Forecast(Call& c) {
  std::map<std::string, std::string> q;
  JIESU_RETURN_IF_ERROR(Only(c.req, {"category", "district", "days", "history_days"}, q));
  service::ForecastQuery fq;
  fq.category = q["category"];
  fq.district = q["district"];
  if (!q["days"].empty()) {
    JIESU_ASSIGN_OR_RETURN(int64_t d, PositiveId(q["days"], "days"));
    fq.days = static_cast<int>(std::min<int64_t>(d, 1000));
  }
  if (!q["history_days"].empty()) {
    JIESU_ASSIGN_OR_RETURN(int64_t d, PositiveId(q["history_days"], "history_days"));
    fq.history_days = static_cast<int>(std::min<int64_t>(d, 100000));
  }
  JIESU_ASSIGN_OR_RETURN(auto f, analytics_.Forecast(c.actor, fq));
  auto days = [](const std::vector<service::DayValue>& v) {
    json::array a;
    for (const auto& d : v) {
      a.emplace_back(json::object{{"day", FormatDate(d.day)}, {"value", d.value}});
    }
    return a;
  };
  json::array forecast;
  for (const auto& d : f.forecast) {
    forecast.emplace_back(json::object{{"day", FormatDate(d.day)},
                                       {"value", d.expected},
                                       {"median", d.median},
                                       {"low", d.low},
                                       {"high", d.high}});
  }
  return JsonResponse(
      200, json::object{{"category", fq.category},
                        {"district", fq.district},
                        {"model",
                         "weekly-seasonal exponential smoothing (Holt-Winters, damped "
                         "trend, holiday factor)"},
                        {"params", json::object{{"alpha", f.params.alpha},
                                                {"beta", f.params.beta},
                                                {"phi", f.params.phi},
                                                {"gamma", f.params.gamma},
                                                {"naive_weight", f.params.naive_weight},
                                                {"dispersion", f.params.dispersion}}},
                        {"history", days(f.history)},
                        {"forecast", forecast},
                        {"backtest", json::object{{"days", 28},
                                                  {"horizon_days", 7},
                                                  {"mae", Opt(f.backtest_mae)},
                                                  {"seasonal_naive_mae", Opt(f.backtest_naive_mae)},
                                                  {"mase", Opt(f.backtest_mase)}}}});
}

Result<HttpResponse> Api::HotspotReport(Call& c) {
  std::map<std::string, std::string> q;
  JIESU_RETURN_IF_ERROR(Only(c.req, {"month", "format"}, q));
  const std::string format = q.count("format") ? q["format"] : "json";
  if (format != "json" && format != "xlsx") {
    return InvalidArgument("format must be json or xlsx", "format");
  }
  const auto& j = orders_.jurisdiction();
  JIESU_ASSIGN_OR_RETURN(service::HotspotReport r, topics_->Report(c.actor, q["month"]));
  if (format == "xlsx") {
    // libxlsxwriter writes files: write one in the temp directory, read it back, remove it.
    std::string name = (std::filesystem::temp_directory_path() / "jiesu-hotspots-XXXXXX").string();
    std::vector<char> path(name.begin(), name.end());
    path.push_back('\0');
    const int fd = ::mkstemp(path.data());
    if (fd < 0) return Unavailable("cannot create a temporary file for the report");
    ::close(fd);
    const Status written = report::WriteHotspotsXlsx(r, j, path.data());
    std::ostringstream bytes;
    if (written.ok()) {
      std::ifstream in(path.data(), std::ios::binary);
      bytes << in.rdbuf();
    }
    std::error_code ec;
    std::filesystem::remove(path.data(), ec);
    JIESU_RETURN_IF_ERROR(written);
    HttpResponse res;
    res.status = 200;
    res.body = bytes.str();
    res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    res.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"hotspots-" + r.month + ".xlsx\"");
    return res;
  }
  json::array warnings, topics;
  for (const auto& w : r.warnings) warnings.emplace_back(WarningJson(w, {}, j));
  for (const auto& t : r.topics) topics.emplace_back(TrackingJson(t, j));
  return JsonResponse(200, json::object{{"month", r.month},
                                        {"generated_at", Time(r.generated_at, j)},
                                        {"received", r.received},
                                        {"previous_received", r.previous_received},
                                        {"completed", r.completed},
                                        {"completed_on_time", r.completed_on_time},
                                        {"top", RowsJson(r.top)},
                                        {"rising", RowsJson(r.rising)},
                                        {"districts", RowsJson(r.districts)},
                                        {"warnings", std::move(warnings)},
                                        {"topics", std::move(topics)}});
}

}  // namespace jiesu::api
