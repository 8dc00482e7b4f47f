#include "service/analytics.h"

namespace jiesu::service {

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
