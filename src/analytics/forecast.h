// Forecasts of daily request volume (SPEC §8): a weekly-seasonal exponential-smoothing model
// (Holt-Winters with multiplicative day-of-week factors and a damped trend) with holidays as
// their own factor, against the seasonal-naive baseline (same weekday last week). Pure and
// deterministic: the same series and settings give the same forecasts.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"

namespace jiesu::analytics {

// Counts per day over consecutive days starting at `first`.
struct DailySeries {
  Date first{};
  std::vector<double> values;

  Date DayAt(size_t i) const { return first + std::chrono::days(static_cast<int>(i)); }
  // Index of `d`, or nothing when outside the series.
  std::optional<size_t> IndexOf(Date d) const;
};

struct ModelParams {
  double alpha = 0.2;  // level smoothing
  double beta = 0.0;   // trend smoothing (0 = no trend)
  double phi = 0.9;    // trend damping
  double gamma = 0.1;  // day-of-week factor smoothing
  // Weight of the seasonal-naive forecast (the same weekday a week earlier) blended into the
  // model's, for horizons up to 7 days: series driven by crews' weekly work plans repeat last
  // week better than any smoothing. 0 = the model alone.
  double naive_weight = 0;
  // Overdispersion α of the counts around the forecasts (a negative binomial with variance
  // μ + αμ²; 0 = Poisson), fit on the tuning window by TuneParams; PointForecasts uses it.
  double dispersion = 0;
};

// Rolling forecasts at horizon `h` days: forecasts[i] predicts values[i] from the values up to
// and including day i - h (nothing for the first days, before the model has a season).
// `holidays` are days the city does not work: they get their own factor (estimated from the
// holidays seen so far) and do not disturb the level or the weekday factors.
std::vector<std::optional<double>> HoltWintersForecasts(const DailySeries& s,
                                                        const std::set<Date>& holidays,
                                                        const ModelParams& p, int h);

// The point forecasts that minimise absolute error for counts: the median of the predictive
// distribution, a negative binomial with each forecast as its mean and dispersion α (Poisson
// when α = 0). For small or overdispersed counts the median is below the mean and an integer;
// for large, steady ones they agree.
std::vector<std::optional<double>> PointForecasts(const std::vector<std::optional<double>>& means,
                                                  double dispersion);
double PoissonMedian(double mean);
double NegativeBinomialMedian(double mean, double dispersion);
// The smallest count k with P(X ≤ k) ≥ q for that negative binomial (Poisson when dispersion
// is 0); q in (0, 1). Forecast intervals are pairs of these.
double NegativeBinomialQuantile(double mean, double dispersion, double q);

// The method-of-moments dispersion of `s` around `means` over days [from, to): α with
// Var = μ + αμ², i.e. Σ((y − μ)² − μ) ÷ Σμ², floored at 0 (no underdispersion).
double Overdispersion(const DailySeries& s, const std::vector<std::optional<double>>& means,
                      size_t from, size_t to);

// forecasts[i] = values[i - 7] (for h ≤ 7 the value is known h days ahead).
std::vector<std::optional<double>> SeasonalNaiveForecasts(const DailySeries& s);

// Mean absolute error over days [from, to) where a forecast exists.
double MeanAbsoluteError(const DailySeries& s, const std::vector<std::optional<double>>& f,
                         size_t from, size_t to);

// Chooses the parameters with the lowest mean absolute error over [dev_from, dev_to) from a
// fixed grid (only days before dev_to are looked at), of the forecasts themselves or (with
// `median`) of their Poisson medians; then, for h ≤ 7, the naive weight (0, ¼, ½, ¾) for
// those parameters. The result carries the dispersion of its forecasts over [dev_from,
// dev_to), for PointForecasts. (Scoring each candidate with its own fitted dispersion instead
// did slightly worse at h = 7 on the development split: 0.794 against 0.778.) Deterministic.
ModelParams TuneParams(const DailySeries& s, const std::set<Date>& holidays, int h, size_t dev_from,
                       size_t dev_to, bool median = false);

}  // namespace jiesu::analytics
