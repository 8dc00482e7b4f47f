#include "service/analytics.h"

#include <algorithm>
#include <map>

namespace jiesu::service {

namespace {

// The cue rules' values (text/cues.h) as the order's fields.
std::optional<domain::RequestType> TypeOfHint(const std::string& hint) {
  static const std::map<std::string, domain::RequestType, std::less<>> kTypes = {
      {"咨询", domain::RequestType::kConsult},    {"求助", domain::RequestType::kHelp},
      {"投诉", domain::RequestType::kComplaint},  {"举报", domain::RequestType::kReport},
      {"建议", domain::RequestType::kSuggestion}, {"表扬", domain::RequestType::kPraise}};
  auto it = kTypes.find(hint);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

domain::Urgency UrgencyOfHint(const std::string& hint) {
  return hint == "特急"   ? domain::Urgency::kCritical
         : hint == "紧急" ? domain::Urgency::kUrgent
                          : domain::Urgency::kNormal;
}

void Count(Agreement& a, bool agreed) {
  ++a.suggested;
  a.agreed += agreed ? 1 : 0;
}

}  // namespace

Result<AgreementReport> Analytics::SuggestionAgreement(const domain::Actor& actor, Date from,
                                                       Date to) {
  if (!j_.roles.Allows(actor.role, domain::Action::kAnalyze)) {
    return Forbidden("role " + actor.role + " may not read the suggestions' agreement (analyze)");
  }
  if (to < from) return InvalidArgument("to is before from", "to");
  if ((to - from).count() >= 366) return InvalidArgument("at most 366 days", "to");
  AgreementReport out;
  struct PerCategory {
    Agreement n;
    int64_t below = 0;
    std::map<std::string, int64_t> instead;
  };
  std::map<std::string, PerCategory> per;
  JIESU_RETURN_IF_ERROR(store_.ScanSuggestionOutcomes(
      StartOfLocalDay(from, j_.utc_offset_minutes),
      StartOfLocalDay(to + std::chrono::days(1), j_.utc_offset_minutes),
      [&](const storage::SuggestionOutcome& o) {
        if (!domain::HotlineDecided(o.state)) return;
        ++out.orders;
        const domain::Suggested& s = o.suggested;
        if (!s.category.empty() && !o.category.empty()) {
          const bool same = o.category == s.category;
          const bool below = domain::Taxonomy::IsBelow(o.category, s.category);
          Count(out.category, same);
          out.category_below += below ? 1 : 0;
          const auto bucket = static_cast<size_t>(std::clamp(s.category_confidence * 5, 0.0, 4.0));
          Count(out.category_by_confidence[bucket], same);
          PerCategory& pc = per[s.category];
          Count(pc.n, same);
          pc.below += below ? 1 : 0;
          if (!same) ++pc.instead[o.category];
        }
        if (auto type = TypeOfHint(s.request_type))
          Count(out.request_type, *type == o.request_type);
        Count(out.urgency, UrgencyOfHint(s.urgency) == o.urgency);
        if (!s.district_code.empty() && !o.district_code.empty())
          Count(out.district, s.district_code == o.district_code);
        if (!s.lead_unit.empty() && !o.lead_unit.empty())
          Count(out.lead_unit, s.lead_unit == o.lead_unit);
      }));
  for (auto& [code, pc] : per) {
    AgreementReport::ByCategory b{code, pc.n, pc.below, {pc.instead.begin(), pc.instead.end()}};
    std::sort(b.chosen_instead.begin(), b.chosen_instead.end(), [](const auto& x, const auto& y) {
      return x.second != y.second ? x.second > y.second : x.first < y.first;
    });
    if (b.chosen_instead.size() > 3) b.chosen_instead.resize(3);
    out.by_category.push_back(std::move(b));
  }
  std::stable_sort(out.by_category.begin(), out.by_category.end(),
                   [](const auto& x, const auto& y) { return x.n.suggested > y.n.suggested; });
  return out;
}

Result<std::vector<storage::RollupGroup>> Analytics::Query(const domain::Actor& actor,
                                                           AnalyticsQuery q) {
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role == nullptr) return Forbidden("unknown role " + actor.role);
  if (role->unit_scoped) {
    if (!q.unit.empty() && q.unit != actor.unit_id) {
      return Forbidden("a unit sees only its own figures");
    }
    q.unit = actor.unit_id;
  } else if (!role->hotline && !j_.roles.Allows(actor.role, domain::Action::kViewScores)) {
    return Forbidden("role " + actor.role + " may not read analytics");
  }
  if (q.to < q.from) return InvalidArgument("to is before from", "to");
  if ((q.to - q.from).count() > 3 * 366) return InvalidArgument("at most three years", "to");
  if (q.top < 1 || q.top > 10000) return InvalidArgument("top must be between 1 and 10000", "top");
  storage::RollupQuery r;
  r.from_day = static_cast<int32_t>(q.from.time_since_epoch().count());
  r.to_day = static_cast<int32_t>(q.to.time_since_epoch().count()) + 1;
  r.group_by = q.by;
  r.category_prefix = q.category;
  r.district = q.district;
  r.unit = q.unit;
  r.channel = q.channel;
  r.limit = q.top;
  return store_.QueryRollups(r);
}

Result<ForecastResult> Analytics::Forecast(const domain::Actor& actor, const ForecastQuery& q) {
  if (!j_.roles.Allows(actor.role, domain::Action::kAnalyze)) {
    return Forbidden("role " + actor.role + " may not read forecasts (analyze)");
  }
  if (q.days < 1 || q.days > 60) return InvalidArgument("days must be between 1 and 60", "days");
  if (q.history_days < 42 || q.history_days > 3 * 366) {
    return InvalidArgument("history_days must be between 42 and 1098", "history_days");
  }
  if (!q.district.empty() && j_.FindArea(q.district) == nullptr) {
    return InvalidArgument("unknown district " + q.district, "district");
  }
  const Date today = LocalDate(clock_.Now(), j_.utc_offset_minutes);
  const Date first = today - std::chrono::days(q.history_days);
  storage::RollupQuery r;
  r.from_day = static_cast<int32_t>(first.time_since_epoch().count());
  r.to_day = static_cast<int32_t>(today.time_since_epoch().count());  // whole days only
  r.group_by = {"day"};
  r.category_prefix = q.category;
  r.district = q.district;
  r.limit = 100000;
  JIESU_ASSIGN_OR_RETURN(auto groups, store_.QueryRollups(r));
  analytics::DailySeries s{first, std::vector<double>(static_cast<size_t>(q.history_days), 0.0)};
  for (const auto& g : groups) {
    if (auto i = s.IndexOf(Date(std::chrono::days(std::stoi(g.keys[0]))))) {
      s.values[*i] = static_cast<double>(g.m.received);
    }
  }
  const auto& holidays = j_.calendar.holidays();
  const size_t n = s.values.size();
  ForecastResult out;
  for (size_t i = n >= 56 ? n - 56 : 0; i < n; ++i)
    out.history.push_back({s.DayAt(i), s.values[i]});
  out.params = analytics::TuneParams(s, holidays, 7, n - 28, n);
  analytics::DailySeries ahead = s;
  ahead.values.resize(n + static_cast<size_t>(q.days), 0.0);  // placeholders, never read
  for (int h = 1; h <= q.days; ++h) {
    const auto f = analytics::HoltWintersForecasts(ahead, holidays, out.params, h);
    const size_t i = n - 1 + static_cast<size_t>(h);
    const double mean = f[i] ? std::max(*f[i], 0.0) : 0.0;
    const double a = out.params.dispersion;
    out.forecast.push_back({ahead.DayAt(i), mean, analytics::NegativeBinomialMedian(mean, a),
                            analytics::NegativeBinomialQuantile(mean, a, 0.1),
                            analytics::NegativeBinomialQuantile(mean, a, 0.9)});
  }
  if (n >= 70) {
    const auto bt_params = analytics::TuneParams(s, holidays, 7, n - 56, n - 28);
    const double mae = analytics::MeanAbsoluteError(
        s, analytics::HoltWintersForecasts(s, holidays, bt_params, 7), n - 28, n);
    const double naive =
        analytics::MeanAbsoluteError(s, analytics::SeasonalNaiveForecasts(s), n - 28, n);
    out.backtest_mae = mae;
    out.backtest_naive_mae = naive;
    if (naive > 0) out.backtest_mase = mae / naive;
  }
  return out;
}

}  // namespace jiesu::service
