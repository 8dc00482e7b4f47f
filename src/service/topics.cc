#include "service/topics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace jiesu::service {
namespace {

using std::chrono::days;

int32_t DayNumber(Date d) { return static_cast<int32_t>(d.time_since_epoch().count()); }

// "YYYY-MM" shifted by `k` months.
std::string ShiftMonth(const std::string& month, int k) {
  auto d = ParseDate(month + "-01");
  const std::chrono::year_month_day ymd(*d);
  const auto shifted =
      std::chrono::year_month_day(ymd.year() / ymd.month() / 1) + std::chrono::months(k);
  return FormatDate(std::chrono::sys_days(shifted)).substr(0, 7);
}

std::optional<double> ChangePct(double now, double before) {
  if (before <= 0) return std::nullopt;
  return std::round((now - before) / before * 1000) / 10;
}

}  // namespace

Result<std::vector<storage::RollupGroup>> Topics::Sum(Date from, Date to,
                                                      std::vector<std::string> by,
                                                      const std::string& category,
                                                      const std::string& unit) {
  storage::RollupQuery q;
  q.from_day = DayNumber(from);
  q.to_day = DayNumber(to);
  q.group_by = std::move(by);
  q.category_prefix = category;
  q.unit = unit;
  q.limit = 100000;
  return store_.QueryRollups(q);
}

Result<std::vector<int64_t>> Topics::Evidence(storage::OrderFilter f, const Period& p) {
  f.created_from = p.from;
  f.created_to = p.to;
  f.limit = 50;
  JIESU_ASSIGN_OR_RETURN(storage::OrderPage page, store_.ListOrders(f));
  std::vector<int64_t> ids;
  for (const auto& o : page.orders) ids.push_back(o.id);
  return ids;
}

Result<std::vector<TopicCandidate>> Topics::Best(std::vector<TopicCandidate> out, const Period& p) {
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.category != b.category ? a.category < b.category : a.unit_id < b.unit_id;
  });
  if (out.size() > options_.limit) out.resize(options_.limit);
  for (auto& c : out) {
    storage::OrderFilter f;
    f.category_prefix = c.category;  // monthly: the problem; street: ""
    f.unit = c.unit_id;              // street: the street; monthly: ""
    JIESU_ASSIGN_OR_RETURN(c.orders, Evidence(f, p));
  }
  return out;
}

Result<std::vector<TopicCandidate>> Topics::MonthlyCandidates(const Period& p) {
  const int off = j_.utc_offset_minutes;
  const Date from = LocalDate(p.from, off), to = LocalDate(p.to, off);
  JIESU_ASSIGN_OR_RETURN(auto by_cat, Sum(from, to, {"category"}));
  JIESU_ASSIGN_OR_RETURN(auto by_area, Sum(from, to, {"category", "district"}));
  JIESU_ASSIGN_OR_RETURN(auto by_unit, Sum(from, to, {"category", "unit"}));
  std::set<std::string> all_districts;
  std::map<std::string, std::set<std::string>> districts;
  for (const auto& g : by_area) {
    if (g.m.received == 0 || g.keys[1].empty()) continue;
    districts[g.keys[0]].insert(g.keys[1]);
    all_districts.insert(g.keys[1]);
  }
  std::map<std::string, std::pair<int64_t, int64_t>> units;  // category → (top unit, all led)
  std::map<std::string, std::string> top_unit;
  for (const auto& g : by_unit) {     // most received first
    if (g.keys[1].empty()) continue;  // not dispatched
    auto& [top, all] = units[g.keys[0]];
    if (top == 0) top_unit[g.keys[0]] = g.keys[1];
    top = std::max(top, g.m.received);
    all += g.m.received;
  }
  std::vector<TopicCandidate> out;
  int64_t largest = 0;
  for (const auto& g : by_cat) {
    if (g.m.received < options_.min_volume) continue;
    largest = std::max(largest, g.m.received);
    TopicCandidate c;
    c.kind = "monthly";
    c.category = g.keys[0];
    const domain::Category* cat = j_.taxonomy.Find(c.category);
    c.title = cat != nullptr ? cat->name : c.category;
    c.received = g.m.received;
    c.completed = g.m.completed;
    c.districts = static_cast<int>(districts[c.category].size());
    c.breadth =
        all_districts.empty() ? 0.0 : static_cast<double>(c.districts) / all_districts.size();
    if (g.m.completed > 0) {
      c.mean_days_to_complete = static_cast<double>(g.m.completed_ms) / g.m.completed / 8.64e7;
    }
    const double open_share =
        std::clamp(1.0 - static_cast<double>(g.m.completed) / g.m.received, 0.0, 1.0);
    const double slow = c.mean_days_to_complete ? std::min(1.0, *c.mean_days_to_complete / 15)
                                                : 1.0;  // nothing completed: as slow as it gets
    c.unresolved = 0.5 * open_share + 0.5 * slow;
    const auto& [top, all] = units[c.category];
    c.solvable = all > 0 ? static_cast<double>(top) / all : 0.0;
    c.lead_unit = top_unit[c.category];
    out.push_back(std::move(c));
  }
  for (auto& c : out) {
    c.volume = largest > 0 ? static_cast<double>(c.received) / largest : 0.0;
    c.score = 0.35 * c.volume + 0.20 * c.breadth + 0.25 * c.unresolved + 0.20 * c.solvable;
  }
  return Best(std::move(out), p);
}

Result<std::vector<TopicCandidate>> Topics::StreetCandidates(const domain::Actor& actor,
                                                             const Period& p) {
  const int off = j_.utc_offset_minutes;
  JIESU_ASSIGN_OR_RETURN(auto by_unit, Sum(LocalDate(p.from, off), LocalDate(p.to, off), {"unit"}));
  std::map<std::string, int64_t> received;
  for (const auto& g : by_unit) received[g.keys[0]] = g.m.received;
  JIESU_ASSIGN_OR_RETURN(MonthScores scores, evaluator_.Month(actor, p.month));
  struct Street {
    const domain::UnitScore* s;
    int64_t received;
    std::optional<double> resolution;
  };
  std::vector<Street> streets;
  std::vector<int64_t> volumes;
  double res_sum = 0;
  int res_n = 0;
  for (const auto& s : scores.units) {
    if (s.unit_class != domain::UnitClass::kStreet) continue;
    const int64_t n = received.count(s.unit_id) ? received[s.unit_id] : 0;
    const auto res = s[domain::Metric::kResolution].Percent();
    streets.push_back({&s, n, res});
    volumes.push_back(n);
    if (res) res_sum += *res, ++res_n;
  }
  std::vector<TopicCandidate> out;
  if (streets.empty() || res_n == 0) return out;
  std::sort(volumes.begin(), volumes.end());
  const int64_t median = volumes[volumes.size() / 2];
  const double mean_res = res_sum / res_n;
  int64_t largest = 0;
  for (const auto& st : streets) {
    if (st.received == 0 || st.received < median || !st.resolution || *st.resolution >= mean_res) {
      continue;
    }
    largest = std::max(largest, st.received);
    TopicCandidate c;
    c.kind = "street";
    c.unit_id = st.s->unit_id;
    const domain::Unit* u = j_.units.Find(c.unit_id);
    c.title = u != nullptr ? u->name : c.unit_id;
    c.received = st.received;
    c.resolution = st.resolution;
    c.satisfaction = (*st.s)[domain::Metric::kSatisfaction].Percent();
    out.push_back(std::move(c));
  }
  for (auto& c : out) {
    c.volume = static_cast<double>(c.received) / largest;
    c.score = c.volume * (1.0 - *c.resolution / 100.0);
  }
  return Best(std::move(out), p);
}

Result<std::vector<TopicCandidate>> Topics::Candidates(const domain::Actor& actor,
                                                       const std::string& kind,
                                                       const std::string& month) {
  JIESU_RETURN_IF_ERROR(warnings_.CheckAnalyst(actor));
  JIESU_ASSIGN_OR_RETURN(Period p, ParsePeriod(month, j_.utc_offset_minutes));
  if (kind == "monthly") return MonthlyCandidates(p);
  if (kind == "street") return StreetCandidates(actor, p);
  return InvalidArgument("kind must be monthly (每月一题) or street (治理类街乡)", "kind");
}

Result<storage::Topic> Topics::Promote(const domain::Actor& actor, storage::Topic t) {
  JIESU_ASSIGN_OR_RETURN(auto candidates, Candidates(actor, t.kind, t.month));
  const TopicCandidate* found = nullptr;
  for (const auto& c : candidates) {
    if ((t.kind == "monthly" && c.category == t.category) ||
        (t.kind == "street" && c.unit_id == t.unit_id)) {
      found = &c;
    }
  }
  if (found == nullptr) {
    return InvalidArgument(
        t.kind == "monthly"
            ? "category " + t.category + " is not a 每月一题 candidate in " + t.month
            : "unit " + t.unit_id + " is not a 治理类街乡 candidate in " + t.month,
        t.kind == "monthly" ? "category" : "unit");
  }
  if (t.title.empty()) t.title = found->title;
  t.score = found->score;
  t.orders = found->orders;
  t.status = "active";
  t.created_by = actor.user_id;
  t.created_at = clock_.Now();
  JIESU_ASSIGN_OR_RETURN(auto existing, store_.ListTopics("active"));
  for (const auto& e : existing) {
    if (e.kind == t.kind && e.category == t.category && e.unit_id == t.unit_id) {
      return Conflict("topic " + std::to_string(e.id) + " already tracks this", "category");
    }
  }
  return store_.SaveTopic(std::move(t));
}

Result<TopicTracking> Topics::Track(storage::Topic t) {
  TopicTracking out;
  const int off = j_.utc_offset_minutes;
  const std::string now_month = FormatDate(LocalDate(clock_.Now(), off)).substr(0, 7);
  const std::string first = ShiftMonth(t.month, -6);
  std::string last = ShiftMonth(t.month, 6);
  if (last > now_month) last = now_month;
  JIESU_ASSIGN_OR_RETURN(Period pf, ParsePeriod(first, off));
  JIESU_ASSIGN_OR_RETURN(Period pl, ParsePeriod(last, off));
  JIESU_ASSIGN_OR_RETURN(
      auto daily, Sum(LocalDate(pf.from, off), LocalDate(pl.to, off), {"day"},
                      t.kind == "monthly" ? t.category : "", t.kind == "street" ? t.unit_id : ""));
  std::map<std::string, int64_t> per_month;
  for (std::string m = first; m <= last; m = ShiftMonth(m, 1)) per_month[m] = 0;
  for (const auto& g : daily) {
    per_month[FormatDate(Date(days(std::stoi(g.keys[0])))).substr(0, 7)] += g.m.received;
  }
  double before = 0;
  int before_n = 0;
  for (const auto& [m, n] : per_month) {
    out.months.push_back({m, n});
    if (m < t.month && m >= ShiftMonth(t.month, -3)) before += static_cast<double>(n), ++before_n;
  }
  if (before_n > 0) out.baseline = before / before_n;
  // The latest whole month after the topic's month.
  const std::string latest_whole = ShiftMonth(now_month, -1);
  if (out.baseline && latest_whole > t.month && per_month.count(latest_whole)) {
    out.change_pct = ChangePct(static_cast<double>(per_month[latest_whole]), *out.baseline);
  }
  out.topic = std::move(t);
  return out;
}

Result<TopicTracking> Topics::Get(const domain::Actor& actor, int64_t id) {
  JIESU_RETURN_IF_ERROR(warnings_.CheckAnalyst(actor));
  JIESU_ASSIGN_OR_RETURN(storage::Topic t, store_.GetTopic(id));
  return Track(std::move(t));
}

Result<std::vector<storage::Topic>> Topics::List(const domain::Actor& actor,
                                                 const std::string& status) {
  JIESU_RETURN_IF_ERROR(warnings_.CheckAnalyst(actor));
  if (!status.empty() && status != "active" && status != "closed") {
    return InvalidArgument("status must be active or closed", "status");
  }
  return store_.ListTopics(status);
}

Result<storage::Topic> Topics::SetStatus(const domain::Actor& actor, int64_t id,
                                         const std::string& status, const std::string& note) {
  JIESU_RETURN_IF_ERROR(warnings_.CheckAnalyst(actor));
  if (status != "active" && status != "closed") {
    return InvalidArgument("status must be active or closed", "status");
  }
  JIESU_ASSIGN_OR_RETURN(storage::Topic t, store_.GetTopic(id));
  t.status = status;
  if (!note.empty()) t.note = note;
  return store_.SaveTopic(std::move(t));
}

Result<HotspotReport> Topics::Report(const domain::Actor& actor, const std::string& month) {
  JIESU_RETURN_IF_ERROR(warnings_.CheckAnalyst(actor));
  return BuildReport(month);
}

Result<HotspotReport> Topics::BuildReport(const std::string& month) {
  const int off = j_.utc_offset_minutes;
  JIESU_ASSIGN_OR_RETURN(Period p, ParsePeriod(month, off));
  JIESU_ASSIGN_OR_RETURN(Period prev, ParsePeriod(ShiftMonth(month, -1), off));
  JIESU_ASSIGN_OR_RETURN(Period prev3, ParsePeriod(ShiftMonth(month, -3), off));
  const Date from = LocalDate(p.from, off), to = LocalDate(p.to, off);
  HotspotReport r;
  r.month = month;
  r.generated_at = clock_.Now();

  JIESU_ASSIGN_OR_RETURN(auto now_cat, Sum(from, to, {"category"}));
  JIESU_ASSIGN_OR_RETURN(auto prev_cat, Sum(LocalDate(prev.from, off), from, {"category"}));
  JIESU_ASSIGN_OR_RETURN(auto prev3_cat, Sum(LocalDate(prev3.from, off), from, {"category"}));
  std::map<std::string, int64_t> last_month, three_months;
  for (const auto& g : prev_cat) {
    last_month[g.keys[0]] = g.m.received;
    r.previous_received += g.m.received;
  }
  for (const auto& g : prev3_cat) three_months[g.keys[0]] = g.m.received;
  auto name_of = [&](const std::string& code) {
    const domain::Category* c = j_.taxonomy.Find(code);
    return c != nullptr ? c->name : code;
  };
  for (const auto& g : now_cat) {
    r.received += g.m.received;
    r.completed += g.m.completed;
    r.completed_on_time += g.m.completed_on_time;
    if (r.top.size() < 10) {
      HotspotRow row{g.keys[0], name_of(g.keys[0]), g.m.received, last_month[g.keys[0]], {}, {}};
      row.change_pct =
          ChangePct(static_cast<double>(row.received), static_cast<double>(row.previous));
      r.top.push_back(std::move(row));
    }
    if (g.m.received >= options_.min_volume) {
      const double before = static_cast<double>(three_months[g.keys[0]]) / 3;
      const auto change = ChangePct(static_cast<double>(g.m.received), before);
      // Rising: at least a fifth above the three months before, or new this month.
      if (!change || *change >= 20) {
        r.rising.push_back({g.keys[0],
                            name_of(g.keys[0]),
                            g.m.received,
                            static_cast<int64_t>(std::llround(before)),
                            change,
                            {}});
      }
    }
  }
  std::sort(r.rising.begin(), r.rising.end(), [](const HotspotRow& a, const HotspotRow& b) {
    const int64_t da = a.received - a.previous, db = b.received - b.previous;
    return da != db ? da > db : a.key < b.key;
  });
  if (r.rising.size() > 10) r.rising.resize(10);

  JIESU_ASSIGN_OR_RETURN(auto by_district, Sum(from, to, {"district"}));
  for (const auto& g : by_district) {
    const domain::Area* a = j_.FindArea(g.keys[0]);
    HotspotRow row{g.keys[0], a != nullptr ? a->name : g.keys[0], g.m.received, 0, {}, {}};
    if (a != nullptr && a->population > 0) {
      row.per_10k = std::round(static_cast<double>(g.m.received) * 1e4 / a->population * 100) / 100;
    }
    r.districts.push_back(std::move(row));
  }

  storage::WarningFilter wf;
  wf.from = p.from;
  wf.to = p.to;
  wf.limit = 500;
  JIESU_ASSIGN_OR_RETURN(r.warnings, store_.ListWarnings(wf));
  JIESU_ASSIGN_OR_RETURN(auto topics, store_.ListTopics("active"));
  for (auto& t : topics) {
    JIESU_ASSIGN_OR_RETURN(auto tracked, Track(std::move(t)));
    r.topics.push_back(std::move(tracked));
  }
  return r;
}

}  // namespace jiesu::service
