#include "service/suggest.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

namespace jiesu::service {

namespace {

bool IsDivisionCode(const std::string& code) {
  return (code.size() == 6 || code.size() == 9 || code.size() == 12) &&
         std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isdigit(c); });
}

text::PlaceLevel LevelOf(const domain::Jurisdiction& j, const domain::Area& a) {
  int depth = 0;
  for (const domain::Area* p = &a; p != nullptr && !p->parent_code.empty() && depth < 3;
       p = j.FindArea(p->parent_code)) {
    ++depth;
  }
  return depth == 0   ? text::PlaceLevel::kDistrict
         : depth == 1 ? text::PlaceLevel::kStreet
                      : text::PlaceLevel::kCommunity;
}

}  // namespace

Result<std::unique_ptr<Suggester>> Suggester::Create(const domain::Jurisdiction& j,
                                                     const SuggesterOptions& o,
                                                     const Clock& clock) {
  std::unique_ptr<Suggester> s(new Suggester(j, clock));
  JIESU_ASSIGN_OR_RETURN(s->normalizer_, text::Normalizer::Create());
  // The gazetteer: the national codes when the jurisdiction uses them and they are there,
  // with the jurisdiction's provinces as context; otherwise the jurisdiction's own areas.
  std::set<std::string> provinces;
  bool chinese = !j.areas.empty();
  for (const auto& [code, area] : j.areas) {
    chinese = chinese && IsDivisionCode(code);
    if (chinese) provinces.insert(code.substr(0, 2));
  }
  if (chinese && std::filesystem::exists(std::filesystem::path(o.divisions_dir) / "areas.csv")) {
    JIESU_ASSIGN_OR_RETURN(s->gazetteer_,
                           text::Gazetteer::Load(s->normalizer_, o.divisions_dir,
                                                 {provinces.begin(), provinces.end()}));
  } else {
    std::vector<text::Place> places;
    std::vector<std::string> context;
    for (const auto& [code, area] : j.areas) {
      places.push_back({code, area.name, LevelOf(j, area), area.parent_code});
      context.push_back(code);
    }
    s->gazetteer_ =
        text::Gazetteer::FromPlaces(s->normalizer_, std::move(places), std::move(context));
  }
  std::vector<std::string> words = s->gazetteer_->ContextNames();
  for (const auto& u : j.units.all()) words.push_back(s->normalizer_->Normalize(u.name));
  JIESU_ASSIGN_OR_RETURN(s->segmenter_, text::Segmenter::Create(words));
  s->classifier_path_ = o.classifier_path;
  if (!o.classifier_path.empty()) {
    JIESU_ASSIGN_OR_RETURN(auto model, s->LoadModel());
    s->model_.store(std::move(model));
  }
  if (!o.boundaries_path.empty()) {
    JIESU_ASSIGN_OR_RETURN(s->boundaries_, text::Boundaries::Load(o.boundaries_path));
  }
  s->dups_ = std::make_unique<text::DuplicateIndex>(o.duplicates);
  s->window_days_ = o.duplicates.window_days;
  return s;
}

Result<std::shared_ptr<const Suggester::Model>> Suggester::LoadModel() const {
  auto m = std::make_shared<Model>();
  std::error_code ec;
  const auto modified = std::filesystem::last_write_time(classifier_path_, ec);
  JIESU_ASSIGN_OR_RETURN(m->classifier, text::Classifier::Load(normalizer_, classifier_path_));
  bool any = false;
  for (const std::string& label : m->classifier->labels()) {
    const domain::Category* found = j_.taxonomy.Resolve(label);
    m->categories.emplace(label, found);
    any = any || found != nullptr;
  }
  if (!any) {
    return InvalidArgument("none of the labels of the model in " + classifier_path_ +
                               " is a category code or name of this jurisdiction's taxonomy: "
                               "it was trained for another one",
                           "classifier");
  }
  m->loaded_at = clock_.Now();
  if (!ec) {
    m->file_modified_at =
        std::chrono::time_point_cast<Millis>(std::chrono::file_clock::to_sys(modified));
  }
  return std::shared_ptr<const Model>(std::move(m));
}

Result<ClassifierInfo> Suggester::ReloadClassifier() {
  if (classifier_path_.empty()) {
    return Conflict(
        "the server was started without a model file (--classifier MODEL): there is nothing to "
        "reload");
  }
  std::lock_guard lock(reload_mu_);
  JIESU_ASSIGN_OR_RETURN(auto model, LoadModel());
  model_.store(std::move(model));
  return classifier_info();
}

ClassifierInfo Suggester::classifier_info() const {
  ClassifierInfo info;
  info.path = classifier_path_;
  const std::shared_ptr<const Model> m = model_.load();
  if (m == nullptr) return info;
  info.loaded = true;
  for (const std::string& label : m->classifier->labels()) {
    const domain::Category* c = m->categories.at(label);
    info.labels.push_back({label, c ? c->code : "", c ? c->name : ""});
  }
  info.features = m->classifier->feature_count();
  info.training_rows = m->classifier->training_rows();
  info.loaded_at = m->loaded_at;
  info.file_modified_at = m->file_modified_at;
  return info;
}

std::string Suggester::Words(const std::string& text) const {
  return segmenter_->Joined(normalizer_->Normalize(text));
}

namespace {

// Place and unit names (the user dictionary's words) and numbers say where, not what.
bool IsTopicWord(const text::Token& t) {
  return !t.user_word && !std::all_of(t.text.begin(), t.text.end(),
                                      [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::vector<std::string> Suggester::TopicWords(const std::string& text) const {
  const std::string norm = normalizer_->Normalize(text);  // the tokens point into it
  std::vector<std::string> out;
  for (const text::Token& t : segmenter_->Segment(norm)) {
    if (IsTopicWord(t)) out.emplace_back(t.text);
  }
  return out;
}

int32_t Suggester::LocalDay(TimePoint t) const {
  const int64_t ms = ToUnixMillis(t) + static_cast<int64_t>(j_.utc_offset_minutes) * 60000;
  return static_cast<int32_t>(ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000);
}

Suggestion Suggester::Suggest(const std::string& text, const std::string& address, TimePoint now,
                              std::optional<double> lat, std::optional<double> lon) const {
  Suggestion s;
  s.normalized = normalizer_->Normalize(text);
  const std::string content = normalizer_->Content(text);
  for (const text::Token& t : segmenter_->Segment(s.normalized)) {
    s.words.emplace_back(t.text);
    if (IsTopicWord(t)) s.topic_words.emplace_back(t.text);
  }

  // The model as it is now: a reload swaps it for later suggestions, not this one.
  if (const std::shared_ptr<const Model> model = model_.load()) {
    for (const auto& scored : model->classifier->PredictContent(content, 3)) {
      Suggestion::Category c;
      c.label = scored.label;
      c.confidence = scored.confidence;
      if (const domain::Category* cat = model->categories.at(scored.label)) {
        c.code = cat->code;
        c.name = cat->name;
      }
      s.categories.push_back(std::move(c));
    }
  } else {
    s.classifier_note =
        "no classifier model loaded: train one with `jiesu train-classifier` and start the "
        "server with --classifier MODEL";
  }
  s.request_type = text::RequestTypeHint(s.normalized);
  s.urgency = text::UrgencyHint(s.normalized);

  if (!address.empty()) {
    const std::string norm_address = normalizer_->Normalize(address);
    s.location = gazetteer_->Locate(norm_address);
    s.location_source = "address";
    if (s.location.best == nullptr) s.location = {};
  }
  if (s.location.best == nullptr) {
    s.location = gazetteer_->Locate(s.normalized);
    s.location_source = s.location.best ? "text" : "";
  }
  s.mentions_source = s.location_source;
  auto known = [&](const std::string& code) {
    return !code.empty() && j_.FindArea(code) ? code : std::string();
  };
  s.district_code = known(s.location.district_code);
  s.street_code = known(s.location.street_code);
  s.community_code = known(s.location.community_code);
  if (s.location.best && s.district_code.empty() && j_.FindArea(s.location.best->code)) {
    s.district_code = s.location.best->code;  // jurisdictions with their own area codes
  }
  // A map pin or a phone's position decides the district; a street named in another
  // district is then dropped.
  if (boundaries_ && lat && lon) {
    if (auto code = boundaries_->AreaAt(*lon, *lat); code && j_.FindArea(*code)) {
      if (*code != s.district_code) {
        s.district_code = *code;
        if (s.street_code.rfind(*code, 0) != 0) s.street_code.clear();
        if (s.community_code.rfind(*code, 0) != 0) s.community_code.clear();
      }
      s.location_source = "coordinates";
    }
  }

  // Units for the top two categories (or, with none, the area's fallback).
  const std::string area = !s.street_code.empty() ? s.street_code : s.district_code;
  std::vector<std::string> cats;
  for (const auto& c : s.categories) {
    if (!c.code.empty() && cats.size() < 2) cats.push_back(c.code);
  }
  if (cats.empty()) cats.push_back("");
  std::set<std::string> seen;
  for (const std::string& cat : cats) {
    auto d = j_.catalogue.Suggest(cat, area, j_.units);
    if (!d.ok()) continue;
    const domain::Category* cname = j_.taxonomy.Find(cat);
    const domain::Area* aname = j_.FindArea(area);
    auto unit_name = [&](const std::string& id) {
      const domain::Unit* u = j_.units.Find(id);
      return u ? u->name : id;
    };
    const std::string why =
        std::string(d->reason.rfind("catalogue", 0) == 0 ? "catalogue: " : "fallback: ") +
        (cname ? cname->name : "(no category)") + " × " + (aname ? aname->name : "(no area)") +
        " → " + unit_name(d->lead_unit);
    if (seen.insert(d->lead_unit).second) {
      s.units.push_back({d->lead_unit, unit_name(d->lead_unit), "lead", cat, why});
    }
    for (const auto& co : d->co_units) {
      if (seen.insert(co).second) s.units.push_back({co, unit_name(co), "co", cat, why});
    }
  }
  s.duplicates = dups_->Query(content, LocalDay(now), s.district_code,
                              s.categories.empty() ? "" : s.categories[0].code, 5);
  return s;
}

domain::Suggested Suggester::Summarize(const Suggestion& s) const {
  domain::Suggested out;
  out.present = true;
  if (!s.categories.empty()) {
    out.category = s.categories[0].code.empty() ? s.categories[0].label : s.categories[0].code;
    out.category_confidence = s.categories[0].confidence;
  }
  out.request_type = s.request_type.value;
  out.urgency = s.urgency.value;
  out.district_code = s.district_code;
  out.street_code = s.street_code;
  for (const auto& u : s.units) {
    if (u.role == "lead") {
      out.lead_unit = u.unit_id;
      break;
    }
  }
  for (const auto& d : s.duplicates) out.duplicates.push_back(d.order_id);
  return out;
}

void Suggester::Remember(int64_t id, const domain::OrderDraft& d, TimePoint created_at) {
  // Where the agent left the district or category open, the suggestion's stand in.
  dups_->Add(
      id, normalizer_->Content(d.title + " " + d.content), LocalDay(created_at),
      d.location.district_code.empty() ? d.suggested.district_code : d.location.district_code,
      d.category.empty() ? d.suggested.category : d.category);
}

Status Suggester::Warm(storage::Store& store, TimePoint now) {
  storage::OrderFilter f;
  f.created_from = now - std::chrono::hours(24) * window_days_;
  f.limit = 200;
  std::vector<storage::OrderSummary> all;
  for (;;) {
    JIESU_ASSIGN_OR_RETURN(storage::OrderPage page, store.ListOrders(f));
    for (auto& o : page.orders) all.push_back(std::move(o));
    if (page.next_cursor == 0) break;
    f.before_id = page.next_cursor;
  }
  // Oldest first, so that chains and clusters run in time order.
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    dups_->Add(it->id, normalizer_->Content(it->title + " " + it->content),
               LocalDay(it->created_at), it->district_code, it->category);
  }
  return {};
}

std::vector<text::DupCluster> Suggester::Clusters(size_t min_size, TimePoint since,
                                                  size_t limit) const {
  return dups_->Clusters(min_size, LocalDay(since), limit);
}

}  // namespace jiesu::service
