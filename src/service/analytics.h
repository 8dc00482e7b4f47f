// Governance analytics (SPEC §8) over the rollups: breakdowns, daily series and completion
// time distributions, for any of the rollup dimensions and filters, without scanning orders.
// Unit-scoped roles see their own unit's figures only. Thread-safe.
#pragma once

#include <array>
#include <string>
#include <utility>
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

// How often what text understanding suggested at intake was what the hotline decided, over
// the orders created in a period whose handling the hotline confirmed (answered, dispatched or
// later; not waiting, refused or merged). `suggested` counts the orders where the suggestion
// had a value and the order one to compare it with; `agreed` those where they were the same.
struct Agreement {
  int64_t suggested = 0;
  int64_t agreed = 0;
};

struct AgreementReport {
  int64_t orders = 0;  // confirmed orders whose intake stored a suggestion
  Agreement category;  // the model's top category against the order's category now
  // Orders whose category lies below the suggested one (a model trained on coarser classes
  // than the agents choose from); counted in category.suggested, not in agreed.
  int64_t category_below = 0;
  Agreement request_type;  // the cue rules' type, when one fired
  Agreement urgency;       // no cue counts as 一般 (normal)
  Agreement district;
  Agreement lead_unit;  // the catalogue's lead unit against the order's latest lead leg
  // The category figures by the model's confidence: [0, 0.2), [0.2, 0.4), … [0.8, 1].
  std::array<Agreement, 5> category_by_confidence{};
  struct ByCategory {
    std::string code;  // the suggested category
    Agreement n;
    int64_t below = 0;
    std::vector<std::pair<std::string, int64_t>> chosen_instead;  // at most 3, most first
  };
  std::vector<ByCategory> by_category;  // most suggested first
};

class Analytics {
 public:
  Analytics(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock)
      : store_(store), j_(j), clock_(clock) {}

  Result<std::vector<storage::RollupGroup>> Query(const domain::Actor& actor, AnalyticsQuery q);
  // The same model as `make eval-forecast` (analytics/forecast.h), fitted on the rollups.
  Result<ForecastResult> Forecast(const domain::Actor& actor, const ForecastQuery& q);
  // Orders created on the local days from..to (inclusive, at most 366 days); roles with
  // analyze.
  Result<AgreementReport> SuggestionAgreement(const domain::Actor& actor, Date from, Date to);

 private:
  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
};

}  // namespace jiesu::service
