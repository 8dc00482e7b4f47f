// Governance analytics (SPEC §8) over the rollups: breakdowns, daily series and completion
// time distributions, for any of the rollup dimensions and filters, without scanning orders.
// Unit-scoped roles see their own unit's figures only. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "analytics/forecast.h"
#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "storage/store.h"

namespace jiesu::service {

struct AnalyticsQuery {
  Date from{};                  // first local day
  Date to{};                    // last local day, inclusive
  std::vector<std::string> by;  // day, category, category1, category2, district, unit, channel
  std::string category, district, unit, channel;  // filters (category is a code prefix)
  int top = 100;
};

// Daily volume forecast for one category (code prefix, "" for all) and district ("" for all).
struct ForecastQuery {
  std::string category, district;
  int days = 14;           // days ahead, 1..60
  int history_days = 365;  // days the model learns from (at least 42)
};

struct DayValue {
  Date day{};
  double value = 0;
};

// One forecast day: the expected volume (the model's mean, for planning), the most likely
// one (the median, the point forecast `make eval-forecast` scores) and an 80% interval (the
// 10th and 90th percentiles), all of the negative binomial around the mean.
struct ForecastDay {
  Date day{};
  double expected = 0;
  double median = 0;
  double low = 0;
  double high = 0;
};

struct ForecastResult {
  std::vector<DayValue> history;      // the last 56 days, up to yesterday
  std::vector<ForecastDay> forecast;  // today onwards
  analytics::ModelParams params;
  // Backtest over the last 28 days at a horizon of 7 days with parameters tuned on the 28 days
  // before them: mean absolute errors of the model and of the seasonal naive forecast (same
  // weekday a week earlier), and their ratio (MASE against that baseline).
  std::optional<double> backtest_mae, backtest_naive_mae, backtest_mase;
};

class Analytics {
 public:
  Analytics(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock)
      : store_(store), j_(j), clock_(clock) {}

  Result<std::vector<storage::RollupGroup>> Query(const domain::Actor& actor, AnalyticsQuery q);
  // The same model as `make eval-forecast` (analytics/forecast.h), fitted on the rollups.
  Result<ForecastResult> Forecast(const domain::Actor& actor, const ForecastQuery& q);

 private:
  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
};

}  // namespace jiesu::service
