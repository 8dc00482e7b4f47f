#include "service/warnings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace jiesu::service {
namespace {

using std::chrono::days;
using std::chrono::hours;

int32_t DayNumber(Date d) { return static_cast<int32_t>(d.time_since_epoch().count()); }

std::string Num(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

std::string Prob(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", p);
  return buf;
}

const char* WeekdayName(Date d) {
  static const char* kNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};
  return kNames[std::chrono::weekday(d).iso_encoding() - 1];
}

template <class K>
K MostCommon(const std::map<K, int>& counts) {
  K best{};
  int n = -1;
  for (const auto& [k, c] : counts) {
    if (c > n) best = k, n = c;
  }
  return best;
}

}  // namespace

Warnings::Warnings(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
                   Supervisions& supervisions, const Suggester* suggester, WarningOptions options)
    : store_(store),
      j_(j),
      clock_(clock),
      supervisions_(supervisions),
      suggester_(suggester),
      options_(options) {}

Status Warnings::CheckAnalyst(const domain::Actor& actor) const {
  if (!j_.roles.Allows(actor.role, domain::Action::kAnalyze)) {
    return Forbidden("role " + actor.role + " may not read or act on governance data (analyze)");
  }
  return {};
}

std::string Warnings::CategoryName(const std::string& code) const {
  if (code.empty()) return "全部诉求";
  const domain::Category* c = j_.taxonomy.Find(code);
  return c != nullptr ? c->name : code;
}

std::string Warnings::AreaName(const std::string& code) const {
  if (code.empty()) return "全市";
  const domain::Area* a = j_.FindArea(code);
  return a != nullptr ? a->name : code;
}

Result<std::vector<int64_t>> Warnings::OrdersOf(storage::OrderFilter f) {
  f.limit = static_cast<int>(std::min<size_t>(options_.evidence_limit, 200));
  JIESU_ASSIGN_OR_RETURN(storage::OrderPage page, store_.ListOrders(f));
  std::vector<int64_t> ids;
  for (const auto& o : page.orders) {
    // The filter's category is a prefix; the rollups count the exact code.
    if (f.category_is_leaf && o.category != f.category_prefix) continue;
    ids.push_back(o.id);
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

Status Warnings::Keep(storage::Warning w, TimePoint now, DetectionRun& run) {
  w.updated_at = now;
  if (w.orders.size() > options_.evidence_limit) {
    w.orders.erase(w.orders.begin(), w.orders.end() - static_cast<long>(options_.evidence_limit));
  }
  bool created = false;
  JIESU_RETURN_IF_ERROR(store_.UpsertWarning(w, &created).status());
  (created ? run.raised : run.updated) += 1;
  return {};
}

Result<DetectionRun> Warnings::Detect(TimePoint now) {
  std::lock_guard lock(detect_mu_);
  DetectionRun run;
  run.at = now;
  JIESU_RETURN_IF_ERROR(DetectHighFrequency(now, run));
  JIESU_RETURN_IF_ERROR(DetectSuddenChange(now, run));
  JIESU_RETURN_IF_ERROR(DetectFrequentCallers(now, run));
  JIESU_RETURN_IF_ERROR(DetectClusters(now, run));
  return run;
}

Status Warnings::DetectHighFrequency(TimePoint now, DetectionRun& run) {
  const int off = j_.utc_offset_minutes;
  const Date today = LocalDate(now, off);
  const int weeks = options_.detect.baseline_weeks;
  // Per examined day, one query for the day and one per baseline week (the same weekday), each
  // grouped by category × district: the few days the detector reads, not every day between.
  auto day_counts = [&](Date d) -> Result<std::vector<storage::RollupGroup>> {
    storage::RollupQuery q;
    q.from_day = DayNumber(d);
    q.to_day = q.from_day + 1;
    q.group_by = {"category", "district"};
    q.limit = 100000;
    return store_.QueryRollups(q);
  };
  for (Date day : {today - days(1), today}) {
    const Date first = day - days(7 * weeks);
    const size_t n = static_cast<size_t>(7 * weeks) + 1;
    JIESU_ASSIGN_OR_RETURN(auto seen, day_counts(day));
    std::map<std::pair<std::string, std::string>, analytics::DailySeries> busy;
    for (const auto& g : seen) {
      if (static_cast<double>(g.m.received) < options_.detect.high_min_count) continue;
      auto& s = busy[{g.keys[0], g.keys[1]}];
      s = {first, std::vector<double>(n, 0.0)};
      s.values[n - 1] = static_cast<double>(g.m.received);
    }
    if (busy.empty()) continue;
    for (int w = 1; w <= weeks; ++w) {
      JIESU_ASSIGN_OR_RETURN(auto base, day_counts(day - days(7 * w)));
      for (const auto& g : base) {
        auto it = busy.find({g.keys[0], g.keys[1]});
        if (it != busy.end()) {
          it->second.values[n - 1 - static_cast<size_t>(7 * w)] = static_cast<double>(g.m.received);
        }
      }
    }
    for (const auto& [key, s] : busy) {
      const auto& [category, district] = key;
      auto u = analytics::HighFrequency(s, day, options_.detect);
      if (!u) continue;
      const bool under_way = day == today;
      storage::Warning w;
      w.kind = "high_frequency";
      w.key = "high_frequency:" + category + ":" + district + ":" + FormatDate(day);
      w.category = category;
      w.district = district;
      w.window_from = StartOfLocalDay(day, off);
      w.window_to = under_way ? now : StartOfLocalDay(day + days(1), off);
      w.expected = u->expected;
      w.observed = u->seen;
      w.p_value = u->p;
      w.title =
          "高频：" + AreaName(district) + " " + CategoryName(category) + " " + FormatDate(day);
      w.explanation = FormatDate(day) + " (" + WeekdayName(day) + (under_way ? ", so far" : "") +
                      "): " + Num(u->seen) + " requests about " + CategoryName(category) + " in " +
                      AreaName(district) + "; expected " + Num(u->expected) + ", the " + u->basis +
                      ". Chance of this many or more at the usual rate: " + Prob(u->p) + ".";
      storage::OrderFilter f;
      f.category_prefix = category;
      f.category_is_leaf = true;
      f.district_code = district;
      f.created_from = w.window_from;
      f.created_to = w.window_to;
      JIESU_ASSIGN_OR_RETURN(w.orders, OrdersOf(f));
      JIESU_RETURN_IF_ERROR(Keep(std::move(w), now, run));
    }
  }
  return {};
}

Status Warnings::DetectSuddenChange(TimePoint now, DetectionRun& run) {
  const int off = j_.utc_offset_minutes;
  const Date day = LocalDate(now, off) - days(1);
  const Date first = day - days(options_.change_history_days);
  const size_t n = static_cast<size_t>((day - first).count()) + 1;
  storage::RollupQuery q;
  q.from_day = DayNumber(first);
  q.to_day = DayNumber(day) + 1;
  q.group_by = {"category1", "day"};
  q.limit = 100000;
  JIESU_ASSIGN_OR_RETURN(auto groups, store_.QueryRollups(q));
  std::map<std::string, analytics::DailySeries> series;  // "" = every request
  for (const auto& g : groups) {
    const auto d = Date(days(std::stoi(g.keys[1])));
    for (const std::string& k : {g.keys[0], std::string()}) {
      auto& s = series[k];
      if (s.values.empty()) s = {first, std::vector<double>(n, 0.0)};
      if (auto i = s.IndexOf(d)) s.values[*i] += static_cast<double>(g.m.received);
    }
  }
  for (const auto& [category, s] : series) {
    // A series that only starts within the window has no history to forecast from.
    size_t start = 0;
    while (start < s.values.size() && s.values[start] == 0) ++start;
    const analytics::DailySeries tail{
        s.DayAt(start),
        std::vector<double>(s.values.begin() + static_cast<long>(start), s.values.end())};
    auto u = analytics::SuddenChange(tail, day, j_.calendar.holidays(), options_.detect);
    if (!u) continue;
    storage::Warning w;
    w.kind = "sudden_change";
    w.key = "sudden_change:" + (category.empty() ? std::string("all") : category) + ":" +
            FormatDate(day);
    w.category = category;
    w.window_from = StartOfLocalDay(day, off);
    w.window_to = StartOfLocalDay(day + days(1), off);
    w.expected = u->expected;
    w.observed = u->seen;
    w.p_value = u->p;
    w.title = std::string("异动：") + CategoryName(category) + (u->rising ? " 激增 " : " 骤降 ") +
              FormatDate(day);
    w.explanation = FormatDate(day) + " (" + WeekdayName(day) + "): " + Num(u->seen) +
                    " requests about " + CategoryName(category) + "; expected " + Num(u->expected) +
                    " from the " + u->basis + ". Chance of a count this " +
                    (u->rising ? "high" : "low") + " at the forecast rate: " + Prob(u->p) + ".";
    storage::OrderFilter f;
    f.category_prefix = category;
    f.created_from = w.window_from;
    f.created_to = w.window_to;
    JIESU_ASSIGN_OR_RETURN(w.orders, OrdersOf(f));
    JIESU_RETURN_IF_ERROR(Keep(std::move(w), now, run));
  }
  return {};
}

Status Warnings::DetectFrequentCallers(TimePoint now, DetectionRun& run) {
  const TimePoint window_from = now - days(options_.caller_window_days);
  JIESU_ASSIGN_OR_RETURN(auto callers, store_.FrequentCallers(now - hours(24), window_from,
                                                              options_.caller_min_orders, 200));
  const std::string month = FormatDate(LocalDate(now, j_.utc_offset_minutes)).substr(0, 7);
  for (const auto& co : callers) {
    std::map<std::string, int> districts, categories;
    TimePoint first = now;
    for (size_t i = 0; i < co.orders.size() && i < 50; ++i) {
      JIESU_ASSIGN_OR_RETURN(domain::Order o, store_.GetOrder(co.orders[i]));
      districts[o.draft.location.district_code] += 1;
      categories[o.draft.category] += 1;
      first = std::min(first, o.created_at);
    }
    storage::Warning w;
    w.kind = "one_caller_many";
    // One warning per caller and month: more calls update it (and open it again).
    w.key = "one_caller_many:" + co.caller_hash + ":" + month;
    w.district = MostCommon(districts);
    w.category = MostCommon(categories);
    w.window_from = first;
    w.window_to = now;
    w.expected = options_.caller_min_orders;
    w.observed = static_cast<double>(co.orders.size());
    const std::string ref = co.caller_hash.substr(0, 8);
    w.title = "一人多诉：同一来电人 " + std::to_string(co.orders.size()) + " 件（" +
              std::to_string(options_.caller_window_days) + " 天内）";
    w.explanation = "One caller (ref " + ref + ") made " + std::to_string(co.orders.size()) +
                    " requests in the last " + std::to_string(options_.caller_window_days) +
                    " days (the threshold is " + std::to_string(options_.caller_min_orders) +
                    "), most about " + CategoryName(w.category) + " in " + AreaName(w.district) +
                    ".";
    w.orders = co.orders;
    JIESU_RETURN_IF_ERROR(Keep(std::move(w), now, run));
  }
  return {};
}

Status Warnings::DetectClusters(TimePoint now, DetectionRun& run) {
  if (suggester_ == nullptr) {
    run.skipped.push_back(
        "many_callers_one, repeat_calls: text understanding is off (no 一类事 clusters)");
    return {};
  }
  const TimePoint since = now - days(options_.cluster_window_days);
  const size_t min_size = static_cast<size_t>(
      std::max(2, std::min(options_.repeat_min_calls, options_.cluster_min_callers)));
  for (const auto& cl : suggester_->Clusters(min_size, since, 500)) {
    // The members in the window (newest 200), by caller; a caller without a number is a
    // caller of their own.
    std::map<std::string, std::vector<int64_t>> by_caller;
    std::vector<int64_t> members;
    std::string title;
    const size_t begin = cl.orders.size() > 200 ? cl.orders.size() - 200 : 0;
    for (size_t i = begin; i < cl.orders.size(); ++i) {
      auto o = store_.GetOrder(cl.orders[i]);
      if (!o.ok()) continue;  // in the index but not committed, or gone
      if (o->created_at < since) continue;
      const std::string& h = o->draft.caller.phone_hash;
      by_caller[h.empty() ? "order:" + std::to_string(o->id) : h].push_back(o->id);
      members.push_back(o->id);
      if (title.empty()) title = o->draft.title.empty() ? o->draft.content : o->draft.title;
    }
    if (members.empty()) continue;
    if (title.size() > 60) {
      // Cut at a UTF-8 character boundary.
      size_t cut = 60;
      while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
      title = title.substr(0, cut) + "…";
    }
    const std::string anchor = std::to_string(cl.orders.front());
    const std::string where = AreaName(cl.area) + " " + CategoryName(cl.category);
    const int callers = static_cast<int>(by_caller.size());
    if (callers >= options_.cluster_min_callers) {
      storage::Warning w;
      w.kind = "many_callers_one";
      w.key = "many_callers_one:" + anchor;
      w.category = cl.category;
      w.district = cl.area;
      w.window_from = since;
      w.window_to = now;
      w.expected = options_.cluster_min_callers;
      w.observed = callers;
      w.title = "多人同诉：" + std::to_string(callers) + " 位来电人反映同一问题（" + where +
                "）：" + title;
      w.explanation =
          std::to_string(callers) + " different callers made " + std::to_string(members.size()) +
          " requests in the last " + std::to_string(options_.cluster_window_days) +
          " days whose texts are near copies of each other (one 一类事 cluster, " + where +
          "); the threshold is " + std::to_string(options_.cluster_min_callers) + " callers.";
      w.orders = members;
      JIESU_RETURN_IF_ERROR(Keep(std::move(w), now, run));
    }
    for (const auto& [caller, ids] : by_caller) {
      if (static_cast<int>(ids.size()) < options_.repeat_min_calls) continue;
      storage::Warning w;
      w.kind = "repeat_calls";
      w.key = "repeat_calls:" + caller + ":" + anchor;
      w.category = cl.category;
      w.district = cl.area;
      w.window_from = since;
      w.window_to = now;
      w.expected = options_.repeat_min_calls;
      w.observed = static_cast<double>(ids.size());
      w.title = "重复来电：同一来电人就同一问题 " + std::to_string(ids.size()) + " 次（" + where +
                "）：" + title;
      w.explanation = "One caller (ref " + caller.substr(0, 8) + ") called " +
                      std::to_string(ids.size()) + " times in the last " +
                      std::to_string(options_.cluster_window_days) +
                      " days about one problem (near-copy texts, " + where +
                      "): the problem is likely unresolved.";
      w.orders = ids;
      JIESU_RETURN_IF_ERROR(Keep(std::move(w), now, run));
    }
  }
  return {};
}

Result<DetectionRun> Warnings::Run(const domain::Actor& actor) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  return Detect(clock_.Now());
}

Result<std::vector<storage::Warning>> Warnings::List(const domain::Actor& actor,
                                                     const storage::WarningFilter& filter) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  if (filter.limit < 1 || filter.limit > 500) {
    return InvalidArgument("limit must be between 1 and 500", "limit");
  }
  return store_.ListWarnings(filter);
}

Result<storage::Warning> Warnings::Get(const domain::Actor& actor, int64_t id) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  return store_.GetWarning(id);
}

Result<storage::Warning> Warnings::Acknowledge(const domain::Actor& actor, int64_t id,
                                               const std::string& note) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  JIESU_ASSIGN_OR_RETURN(storage::Warning w, store_.GetWarning(id));
  if (w.status == "supervised") {
    return IllegalTransition("warning " + std::to_string(id) + " is already supervised");
  }
  const TimePoint now = clock_.Now();
  w.status = "acknowledged";
  w.acknowledged_by = actor.user_id;
  w.acknowledged_at = now;
  w.note = note;
  w.updated_at = now;
  return store_.UpdateWarningStatus(w);
}

Result<std::pair<storage::Warning, domain::Supervision>> Warnings::Supervise(
    const domain::Actor& actor, int64_t id, domain::SupervisionRequest req) {
  JIESU_ASSIGN_OR_RETURN(storage::Warning w, store_.GetWarning(id));
  if (w.status == "supervised") {
    return IllegalTransition("warning " + std::to_string(id) + " is already supervised (督办 " +
                             std::to_string(w.supervision_id) + ")");
  }
  if (req.title.empty()) req.title = "预警督办：" + w.title;
  if (req.demand.empty()) req.demand = w.explanation;
  JIESU_ASSIGN_OR_RETURN(domain::Supervision s, supervisions_.Open(actor, req));
  const TimePoint now = clock_.Now();
  w.status = "supervised";
  w.supervision_id = s.id;
  if (!w.acknowledged_at) {
    w.acknowledged_by = actor.user_id;
    w.acknowledged_at = now;
  }
  w.updated_at = now;
  JIESU_ASSIGN_OR_RETURN(w, store_.UpdateWarningStatus(w));
  return std::make_pair(std::move(w), std::move(s));
}

Result<storage::ExternalEvent> Warnings::SaveEvent(const domain::Actor& actor,
                                                   storage::ExternalEvent e) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  static const std::set<std::string> kKinds = {"weather", "works", "outage", "other"};
  if (!kKinds.count(e.kind)) {
    return InvalidArgument("kind must be one of weather, works, outage, other", "kind");
  }
  if (e.title.empty()) return InvalidArgument("title is required", "title");
  if (e.ends_at < e.starts_at) return InvalidArgument("ends_at is before starts_at", "ends_at");
  if (!e.district.empty() && j_.FindArea(e.district) == nullptr) {
    return InvalidArgument("unknown district " + e.district, "district");
  }
  if (!e.category.empty() && j_.taxonomy.Find(e.category) == nullptr) {
    return InvalidArgument("unknown category " + e.category, "category");
  }
  if (e.lat.has_value() != e.lon.has_value()) {
    return InvalidArgument("lat and lon go together", e.lat ? "lon" : "lat");
  }
  if (e.lat && (*e.lat < -90 || *e.lat > 90)) return InvalidArgument("lat out of range", "lat");
  if (e.lon && (*e.lon < -180 || *e.lon > 180)) return InvalidArgument("lon out of range", "lon");
  e.created_by = actor.user_id;
  e.created_at = clock_.Now();
  return store_.SaveExternalEvent(std::move(e));
}

Result<storage::ExternalEvent> Warnings::GetEvent(const domain::Actor& actor, int64_t id) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  return store_.GetExternalEvent(id);
}

Status Warnings::DeleteEvent(const domain::Actor& actor, int64_t id) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  return store_.DeleteExternalEvent(id);
}

Result<std::vector<storage::ExternalEvent>> Warnings::ListEvents(const domain::Actor& actor,
                                                                 TimePoint from, TimePoint to) {
  JIESU_RETURN_IF_ERROR(CheckAnalyst(actor));
  if (to < from) return InvalidArgument("to is before from", "to");
  return store_.ListExternalEvents(from, to, 500);
}

Result<std::vector<storage::ExternalEvent>> Warnings::EventsFor(const storage::Warning& w) {
  JIESU_ASSIGN_OR_RETURN(auto events, store_.ListExternalEvents(w.window_from - hours(24),
                                                                w.window_to + hours(24), 100));
  std::vector<storage::ExternalEvent> out;
  for (auto& e : events) {
    if (!e.district.empty() && !w.district.empty() && e.district != w.district) continue;
    if (!e.category.empty() && !w.category.empty() &&
        e.category.compare(0, w.category.size(), w.category) != 0 &&
        w.category.compare(0, e.category.size(), e.category) != 0) {
      continue;  // about another problem
    }
    out.push_back(std::move(e));
  }
  return out;
}

void Warnings::Start() {
  thread_.Start("jiesu-warnings", options_.interval, [this] {
    auto r = Detect(clock_.Now());
    if (!r.ok()) std::fprintf(stderr, "warnings: %s\n", r.error().ToString().c_str());
  });
}

void Warnings::Stop() { thread_.Stop(); }

}  // namespace jiesu::service
