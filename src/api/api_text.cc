// POST /api/v1/suggest and GET /api/v1/clusters: text understanding for agents and analysts.
#include "analytics/csv.h"
#include "api/api.h"
#include "api/json_input.h"
#include "api/views.h"
#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;

void Api::AddTextRoutes() {
  Add("POST", "/api/v1/suggest", false, [this](Call& c) { return Suggest(c); });
  Add("GET", "/api/v1/clusters", false, [this](Call& c) { return Clusters(c); });
  Add("GET", "/api/v1/classifier", false, [this](Call& c) { return GetClassifier(c); });
  Add("POST", "/api/v1/classifier/reload", false, [this](Call& c) { return ReloadClassifier(c); });
  Add("GET", "/api/v1/suggestions/agreement", false,
      [this](Call& c) { return SuggestionAgreement(c); });
  Add("POST", "/api/v1/knowledge", false, [this](Call& c) { return SaveKnowledge(c, 0); });
  Add("GET", "/api/v1/knowledge", false, [this](Call& c) { return SearchKnowledge(c); });
  Add("POST", "/api/v1/knowledge/import", false, [this](Call& c) { return ImportKnowledge(c); });
  Add("GET", "/api/v1/knowledge/export", false, [this](Call& c) { return ExportKnowledge(c); });
  Add("GET", "/api/v1/knowledge/{id}", false, [this](Call& c) { return GetKnowledge(c); });
  Add("PUT", "/api/v1/knowledge/{id}", false, [this](Call& c) -> Result<HttpResponse> {
    JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
    return SaveKnowledge(c, id);
  });
  Add("DELETE", "/api/v1/knowledge/{id}", false, [this](Call& c) { return DeleteKnowledge(c); });
}

namespace {

Status TextOn(const service::Suggester* s) {
  if (s == nullptr) return Unavailable("text understanding is off on this server");
  return {};
}

json::object KnowledgeJson(const storage::KnowledgePoint& p, const domain::Jurisdiction& j) {
  const domain::Unit* unit = j.units.Find(p.owner_unit);
  return json::object{
      {"id", p.id},
      {"question", p.question},
      {"answer", p.answer},
      {"basis", p.basis},
      {"owner_unit", p.owner_unit},
      {"owner_unit_name", unit ? unit->name : ""},
      {"valid_from", p.valid_from ? json::value(Time(*p.valid_from, j)) : json::value(nullptr)},
      {"valid_to", p.valid_to ? json::value(Time(*p.valid_to, j)) : json::value(nullptr)},
      {"status", p.status},
      {"created_at", Time(p.created_at, j)},
      {"updated_at", Time(p.updated_at, j)},
  };
}

json::object ClassifierJson(const service::ClassifierInfo& info, const domain::Jurisdiction& j) {
  json::array labels;
  for (const auto& l : info.labels) {
    labels.push_back(
        json::object{{"label", l.label},
                     {"code", l.code.empty() ? json::value(nullptr) : json::value(l.code)},
                     {"name", l.name}});
  }
  auto time = [&](TimePoint t) {
    return t == TimePoint{} ? json::value(nullptr) : json::value(Time(t, j));
  };
  return json::object{
      {"loaded", info.loaded},
      {"path", info.path.empty() ? json::value(nullptr) : json::value(info.path)},
      {"labels", std::move(labels)},
      {"features", info.features},
      {"training_rows", info.training_rows},
      {"loaded_at", time(info.loaded_at)},
      {"file_modified_at", time(info.file_modified_at)},
  };
}

// A knowledge point's fields as POST/PUT /api/v1/knowledge and the import take them.
storage::KnowledgePoint ReadKnowledgePoint(JsonReader& r) {
  storage::KnowledgePoint p;
  p.question = r.String("question", true);
  p.answer = r.String("answer", true);
  p.basis = r.String("basis");
  p.owner_unit = r.String("owner_unit");
  p.status = r.String("status", false, "published");
  p.valid_from = r.Time("valid_from");
  p.valid_to = r.Time("valid_to");
  return p;
}

using service::kKnowledgeColumns;
using service::KnowledgeFromCsv;

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

Result<HttpResponse> Api::Suggest(Call& c) {
  JIESU_RETURN_IF_ERROR(TextOn(suggester_));
  const auto& j = orders_.jurisdiction();
  if (!j.roles.Allows(c.actor.role, domain::Action::kIntake) &&
      !j.roles.Allows(c.actor.role, domain::Action::kDispatch)) {
    return Forbidden("only the hotline's agents and dispatchers ask for suggestions");
  }
  JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
  JsonReader r(body);
  const std::string text = r.String("text", true);
  const std::string address = r.String("address");
  const std::optional<double> lat = r.Double("lat");
  const std::optional<double> lon = r.Double("lon");
  JIESU_RETURN_IF_ERROR(r.Finish());
  if (lat.has_value() != lon.has_value())
    return InvalidArgument("lat and lon go together", lat ? "lon" : "lat");
  if (lat && (*lat < -90 || *lat > 90))
    return InvalidArgument("lat must be within [-90, 90]", "lat");
  if (lon && (*lon < -180 || *lon > 180))
    return InvalidArgument("lon must be within [-180, 180]", "lon");
  if (Utf8Length(text) > static_cast<size_t>(j.policy.max_content_chars)) {
    return Error{
        ErrorCode::kTooLarge,
        "text is longer than " + std::to_string(j.policy.max_content_chars) + " characters",
        "text"};
  }
  const service::Suggestion s = suggester_->Suggest(text, address, orders_.clock().Now(), lat, lon);

  json::array categories;
  for (const auto& cat : s.categories) {
    categories.emplace_back(json::object{{"code", cat.code},
                                         {"name", cat.name},
                                         {"label", cat.label},
                                         {"confidence", cat.confidence}});
  }
  json::array mentions;
  for (const auto& m : s.location.mentions) {
    mentions.emplace_back(json::object{
        {"code", m.place->code},
        {"name", m.place->name},
        {"level", text::PlaceLevelName(m.place->level)},
        {"text", s.mentions_source == "text" ? s.normalized.substr(m.begin, m.end - m.begin) : ""},
        {"begin", m.begin},
        {"end", m.end},
        {"abbreviated", m.abbreviated},
        {"reason", m.reason}});
  }
  json::array units;
  for (const auto& u : s.units) {
    units.emplace_back(json::object{{"unit_id", u.unit_id},
                                    {"name", u.name},
                                    {"role", u.role},
                                    {"category", u.category},
                                    {"reason", u.reason}});
  }
  json::array dups;
  for (const auto& d : s.duplicates) {
    dups.emplace_back(json::object{{"order_id", d.order_id},
                                   {"similarity", d.similarity},
                                   {"same_district", d.same_area},
                                   {"same_category", d.same_category},
                                   {"days_apart", d.days_apart}});
  }
  json::object out{
      {"categories", std::move(categories)},
      {"request_type",
       json::object{{"value", s.request_type.value}, {"cues", Strings(s.request_type.cues)}}},
      {"urgency", json::object{{"value", s.urgency.value}, {"cues", Strings(s.urgency.cues)}}},
      {"location", json::object{{"source", s.location_source},
                                {"mentions_in", s.mentions_source},
                                {"district_code", s.district_code},
                                {"street_code", s.street_code},
                                {"community_code", s.community_code},
                                {"mentions", std::move(mentions)}}},
      {"units", std::move(units)},
      {"duplicates", std::move(dups)},
      {"words", Strings(s.words)},
      {"normalized", s.normalized},
  };
  if (!s.classifier_note.empty()) out["classifier_note"] = s.classifier_note;
  // The knowledge points that may let the agent answer on the spot.
  json::array answers;
  if (knowledge_ != nullptr) {
    JIESU_ASSIGN_OR_RETURN(auto hits, knowledge_->SearchWords(s.topic_words, true, 3));
    for (const auto& h : hits) {
      json::object k = KnowledgeJson(h.point, j);
      k["score"] = h.score;
      k["matched"] = Strings(h.matched);
      answers.emplace_back(std::move(k));
    }
  }
  out["knowledge"] = std::move(answers);
  return JsonResponse(200, out);
}

Result<HttpResponse> Api::Clusters(Call& c) {
  JIESU_RETURN_IF_ERROR(TextOn(suggester_));
  const auto& j = orders_.jurisdiction();
  const domain::RoleDef* role = j.roles.Find(c.actor.role);
  if (role == nullptr || role->unit_scoped) {
    return Forbidden("clusters are for the hotline's staff and analysts");
  }
  int64_t min_size = 2, days = 30, limit = 50;
  for (const auto& [k, v] : c.req.query) {
    if (k == "min_size") {
      JIESU_ASSIGN_OR_RETURN(min_size, PositiveId(v, "min_size"));
    } else if (k == "days") {
      JIESU_ASSIGN_OR_RETURN(days, PositiveId(v, "days"));
    } else if (k == "limit") {
      JIESU_ASSIGN_OR_RETURN(limit, PositiveId(v, "limit"));
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  days = std::min<int64_t>(days, 3660);
  limit = std::min<int64_t>(limit, 500);
  const TimePoint since = orders_.clock().Now() - std::chrono::hours(24) * days;
  json::array out;
  for (const auto& cl : suggester_->Clusters(static_cast<size_t>(std::max<int64_t>(min_size, 2)),
                                             since, static_cast<size_t>(limit))) {
    const domain::Area* area = j.FindArea(cl.area);
    const domain::Category* cat = j.taxonomy.Find(cl.category);
    json::array orders;
    for (int64_t id : cl.orders) orders.emplace_back(id);
    out.emplace_back(json::object{{"id", cl.id},
                                  {"district_code", cl.area},
                                  {"district_name", area ? area->name : ""},
                                  {"category", cl.category},
                                  {"category_name", cat ? cat->name : ""},
                                  {"first_day", FormatDate(Date(std::chrono::days(cl.first_day)))},
                                  {"last_day", FormatDate(Date(std::chrono::days(cl.last_day)))},
                                  {"size", cl.orders.size()},
                                  {"orders", std::move(orders)}});
  }
  return JsonResponse(200, json::object{{"clusters", std::move(out)}});
}

}  // namespace jiesu::api

namespace jiesu::api {

// Every signed-in role may see which model suggests the categories; only administrators see
// where on the server its file is.
Result<HttpResponse> Api::GetClassifier(Call& c) {
  JIESU_RETURN_IF_ERROR(TextOn(suggester_));
  const auto& j = orders_.jurisdiction();
  service::ClassifierInfo info = suggester_->classifier_info();
  if (!j.roles.ManagesUsers(c.actor.role)) info.path.clear();
  return JsonResponse(200, ClassifierJson(info, j));
}

Result<HttpResponse> Api::ReloadClassifier(Call& c) {
  JIESU_RETURN_IF_ERROR(TextOn(suggester_));
  const auto& j = orders_.jurisdiction();
  if (!j.roles.ManagesUsers(c.actor.role))
    return Forbidden("only administrators may reload the category model");
  JIESU_ASSIGN_OR_RETURN(service::ClassifierInfo info, suggester_->ReloadClassifier());
  return JsonResponse(200, ClassifierJson(info, j));
}

Result<HttpResponse> Api::SuggestionAgreement(Call& c) {
  std::optional<Date> from, to;
  for (const auto& [k, v] : c.req.query) {
    if (k != "from" && k != "to") return InvalidArgument("unknown query parameter '" + k + "'", k);
    auto d = ParseDate(v);
    if (!d.ok()) return InvalidArgument(k + " must be a date as YYYY-MM-DD", k);
    (k == "from" ? from : to) = *d;
  }
  if (!from || !to) return InvalidArgument("from and to are required", from ? "to" : "from");
  JIESU_ASSIGN_OR_RETURN(service::AgreementReport r,
                         analytics_.SuggestionAgreement(c.actor, *from, *to));
  const auto& j = orders_.jurisdiction();
  auto counts = [](const service::Agreement& a) {
    return json::object{{"suggested", a.suggested},
                        {"agreed", a.agreed},
                        {"rate", a.suggested > 0 ? json::value(static_cast<double>(a.agreed) /
                                                               static_cast<double>(a.suggested))
                                                 : json::value(nullptr)}};
  };
  auto name = [&](const std::string& code) {
    const domain::Category* cat = j.taxonomy.Find(code);
    return cat != nullptr ? cat->name : "";
  };
  json::object category = counts(r.category);
  category["below"] = r.category_below;
  // Right at the model's own level: the same category or one below it.
  category["rate_with_below"] =
      r.category.suggested > 0
          ? json::value(static_cast<double>(r.category.agreed + r.category_below) /
                        static_cast<double>(r.category.suggested))
          : json::value(nullptr);
  json::array by_confidence;
  for (size_t i = 0; i < r.category_by_confidence.size(); ++i) {
    json::object b = counts(r.category_by_confidence[i]);
    b["confidence_from"] = static_cast<double>(i) / 5;
    b["confidence_to"] = static_cast<double>(i + 1) / 5;
    by_confidence.push_back(std::move(b));
  }
  json::array by_category;
  for (const auto& b : r.by_category) {
    json::object o = counts(b.n);
    o["code"] = b.code;
    o["name"] = name(b.code);
    o["below"] = b.below;
    json::array instead;
    for (const auto& [code, n] : b.chosen_instead)
      instead.push_back(json::object{{"code", code}, {"name", name(code)}, {"orders", n}});
    o["chosen_instead"] = std::move(instead);
    by_category.push_back(std::move(o));
  }
  return JsonResponse(200, json::object{{"from", FormatDate(*from)},
                                        {"to", FormatDate(*to)},
                                        {"orders", r.orders},
                                        {"category", std::move(category)},
                                        {"request_type", counts(r.request_type)},
                                        {"urgency", counts(r.urgency)},
                                        {"district", counts(r.district)},
                                        {"lead_unit", counts(r.lead_unit)},
                                        {"category_by_confidence", std::move(by_confidence)},
                                        {"by_category", std::move(by_category)}});
}

Result<HttpResponse> Api::SaveKnowledge(Call& c, int64_t id) {
  if (knowledge_ == nullptr) return Unavailable("text understanding is off on this server");
  JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
  JsonReader r(body);
  storage::KnowledgePoint p = ReadKnowledgePoint(r);
  p.id = id;
  JIESU_RETURN_IF_ERROR(r.Finish());
  JIESU_ASSIGN_OR_RETURN(storage::KnowledgePoint saved, knowledge_->Save(c.actor, p));
  HttpResponse res =
      JsonResponse(id == 0 ? 201 : 200, KnowledgeJson(saved, orders_.jurisdiction()));
  if (id == 0)
    res.headers.emplace_back("Location", "/api/v1/knowledge/" + std::to_string(saved.id));
  return res;
}

Result<HttpResponse> Api::ImportKnowledge(Call& c) {
  if (knowledge_ == nullptr) return Unavailable("text understanding is off on this server");
  const auto& j = orders_.jurisdiction();
  std::vector<storage::KnowledgePoint> points;
  std::vector<int64_t> lines;  // for a CSV body: each point's line
  if (c.req.content_type.rfind("text/csv", 0) == 0) {
    JIESU_ASSIGN_OR_RETURN(points, KnowledgeFromCsv(c.req.body, j, lines));
  } else {
    JIESU_ASSIGN_OR_RETURN(json::object body, ParseObject(c.req.body));
    JsonReader r(body);
    const json::value* list = body.if_contains("points");
    if (list == nullptr || !list->is_array())
      return InvalidArgument("points must be an array of knowledge points", "points");
    r.Known("points");
    JIESU_RETURN_IF_ERROR(r.Finish());
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      const std::string at = "points[" + std::to_string(i) + "]";
      const json::value& v = list->as_array()[i];
      if (!v.is_object()) return InvalidArgument(at + " must be an object", at);
      JsonReader pr(v.as_object(), at + ".");
      storage::KnowledgePoint p = ReadKnowledgePoint(pr);
      if (auto id = pr.Int("id")) {
        if (*id < 1) return InvalidArgument(at + ".id must be positive", at + ".id");
        p.id = *id;
      }
      JIESU_RETURN_IF_ERROR(pr.Finish());
      points.push_back(std::move(p));
    }
  }
  if (points.empty()) return InvalidArgument("there are no points to import", "points");
  const auto created = std::count_if(points.begin(), points.end(),
                                     [](const storage::KnowledgePoint& p) { return p.id == 0; });
  auto saved = knowledge_->SaveAll(c.actor, std::move(points));
  if (!saved.ok()) {
    Error e = saved.error();
    // A CSV's rows are named by their lines: "points[3]: …" → "line 5: …".
    if (!lines.empty() && e.field.rfind("points[", 0) == 0) {
      const size_t i = std::stoul(e.field.substr(7));
      const size_t colon = e.message.find(": ");
      e.message = "line " + std::to_string(lines.at(i)) + ": " +
                  (colon == std::string::npos ? e.message : e.message.substr(colon + 2));
      e.field = e.field.substr(e.field.find('.') + 1);
    }
    return e;
  }
  json::array ids;
  for (const auto& p : *saved) ids.emplace_back(p.id);
  return JsonResponse(200, json::object{{"saved", saved->size()},
                                        {"created", created},
                                        {"updated", static_cast<int64_t>(saved->size()) - created},
                                        {"ids", std::move(ids)}});
}

Result<HttpResponse> Api::ExportKnowledge(Call& c) {
  if (knowledge_ == nullptr) return Unavailable("text understanding is off on this server");
  JIESU_ASSIGN_OR_RETURN(auto points, knowledge_->All(c.actor));
  const auto& j = orders_.jurisdiction();
  std::string csv = "\xEF\xBB\xBF";  // BOM: Excel then reads the file as UTF-8
  for (size_t i = 0; i < kKnowledgeColumns.size(); ++i)
    csv += (i ? "," : "") + kKnowledgeColumns[i];
  csv += "\r\n";
  auto time = [&](const std::optional<TimePoint>& t) { return t ? Time(*t, j) : std::string(); };
  for (const auto& p : points) {
    for (const std::string& field :
         {std::to_string(p.id), p.question, p.answer, p.basis, p.owner_unit, p.status,
          time(p.valid_from), time(p.valid_to)}) {
      csv += analytics::CsvField(field);
      csv += ',';
    }
    csv.back() = '\r';
    csv += '\n';
  }
  HttpResponse res;
  res.body = std::move(csv);
  res.content_type = "text/csv; charset=utf-8";
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"knowledge.csv\"");
  return res;
}

Result<HttpResponse> Api::GetKnowledge(Call& c) {
  if (knowledge_ == nullptr) return Unavailable("text understanding is off on this server");
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  JIESU_ASSIGN_OR_RETURN(storage::KnowledgePoint p, knowledge_->Get(id));
  return JsonResponse(200, KnowledgeJson(p, orders_.jurisdiction()));
}

Result<HttpResponse> Api::DeleteKnowledge(Call& c) {
  if (knowledge_ == nullptr) return Unavailable("text understanding is off on this server");
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  JIESU_RETURN_IF_ERROR(knowledge_->Delete(c.actor, id));
  return JsonResponse(200, json::object{{"deleted", id}});
}

Result<HttpResponse> Api::SearchKnowledge(Call& c) {
  if (knowledge_ == nullptr) return Unavailable("text understanding is off on this server");
  std::string q;
  int64_t limit = 10;
  bool all = false;
  for (const auto& [k, v] : c.req.query) {
    if (!IsValidUtf8(v)) return InvalidArgument(k + " is not valid UTF-8", k);
    if (k == "q") {
      q = v;
    } else if (k == "limit") {
      JIESU_ASSIGN_OR_RETURN(limit, PositiveId(v, "limit"));
    } else if (k == "all") {
      if (v != "true" && v != "false") return InvalidArgument("all must be true or false", "all");
      all = v == "true";
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  if (q.empty()) return InvalidArgument("q is required", "q");
  const auto& j = orders_.jurisdiction();
  // Drafts, retired and expired points are for those who manage the knowledge base.
  if (all && !j.roles.Allows(c.actor.role, domain::Action::kManageKnowledge)) {
    return Forbidden("only roles with manage_knowledge see drafts and retired points");
  }
  JIESU_ASSIGN_OR_RETURN(
      auto hits, knowledge_->Search(q, !all, static_cast<int>(std::min<int64_t>(limit, 100))));
  json::array out;
  for (const auto& h : hits) {
    json::object k = KnowledgeJson(h.point, j);
    k["score"] = h.score;
    k["matched"] = Strings(h.matched);
    out.emplace_back(std::move(k));
  }
  return JsonResponse(200, json::object{{"points", std::move(out)}});
}

}  // namespace jiesu::api
