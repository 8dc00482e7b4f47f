#include "analytics/detect.h"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstdio>

namespace jiesu::analytics {

double PoissonUpperTail(double k, double lambda) {
  if (k <= 0) return 1.0;
  if (lambda <= 0) return 0.0;
  // P(X ≥ k) = P(Gamma(k, 1) ≤ lambda), the regularised lower incomplete gamma function.
  return boost::math::gamma_p(std::floor(k), lambda);
}

double PoissonLowerTail(double k, double lambda) {
  if (k < 0) return 0.0;
  if (lambda <= 0) return 1.0;
  // P(X ≤ k) = Q(k + 1, lambda), the regularised upper incomplete gamma function.
  return boost::math::gamma_q(std::floor(k) + 1, lambda);
}

double NegativeBinomialUpperTail(double k, double mean, double dispersion) {
  if (!(dispersion > 1e-9)) return PoissonUpperTail(k, mean);
  if (k <= 0) return 1.0;
  if (mean <= 0) return 0.0;
  // X counts failures before r = 1/α successes of probability p = r / (r + mean):
  // P(X ≤ k − 1) = I_p(r, k), so P(X ≥ k) = 1 − I_p(r, k).
  const double r = 1.0 / dispersion;
  return boost::math::ibetac(r, std::floor(k), r / (r + mean));
}

double NegativeBinomialLowerTail(double k, double mean, double dispersion) {
  if (!(dispersion > 1e-9)) return PoissonLowerTail(k, mean);
  if (k < 0) return 0.0;
  if (mean <= 0) return 1.0;
  const double r = 1.0 / dispersion;
  return boost::math::ibeta(r, std::floor(k) + 1, r / (r + mean));
}

double BinomialUpperTail(double k, double n, double p) {
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  // P(X ≥ k) = I_p(k, n − k + 1), the regularised incomplete beta function.
  return boost::math::ibeta(std::floor(k), std::floor(n) - std::floor(k) + 1, p);
}

namespace {

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::optional<Unusual> HighFrequency(const DailySeries& s, Date day, const DetectorOptions& o) {
  const auto at = s.IndexOf(day);
  if (!at || o.baseline_weeks < 1) return std::nullopt;
  const double seen = s.values[*at];
  if (seen < o.high_min_count) return std::nullopt;
  double sum = 0;
  for (int w = 1; w <= o.baseline_weeks; ++w) {
    const auto i = s.IndexOf(day - std::chrono::days(7 * w));
    if (i) sum += s.values[*i];
  }
  const double mean = sum / o.baseline_weeks;
  const double expected = std::max(mean, o.baseline_floor);
  if (seen < o.high_ratio * expected) return std::nullopt;
  // Whether the day's rate exceeds the baseline weeks' rate, allowing for the noise in both:
  // given the total over the day and the baseline days, under equal rates the day's share is
  // Binomial(total, 1 / (weeks + 1)) (the exact conditional test for two Poisson rates).
  const double p = BinomialUpperTail(seen, seen + sum, 1.0 / (o.baseline_weeks + 1));
  if (p >= o.p_value) return std::nullopt;
  return Unusual{expected, seen, p, true,
                 "mean of the same weekday over the previous " + std::to_string(o.baseline_weeks) +
                     " weeks (" + Fixed(mean) + ")"};
}

std::optional<Unusual> SuddenChange(const DailySeries& s, Date day, const std::set<Date>& holidays,
                                    const DetectorOptions& o) {
  const auto at = s.IndexOf(day);
  if (!at || *at < static_cast<size_t>(std::max(o.change_min_history, 15))) return std::nullopt;
  // The model sees the days up to the one before `day` and forecasts one day ahead.
  DailySeries past{s.first, std::vector<double>(s.values.begin(),
                                                s.values.begin() + static_cast<long>(*at) + 1)};
  const size_t n = past.values.size();
  const size_t dev_from = n - 1 > 15 + 28 ? n - 1 - 28 : 15;  // tune on the last four weeks
  const ModelParams p = TuneParams(past, holidays, 1, dev_from, n - 1);
  const auto f = HoltWintersForecasts(past, holidays, p, 1);
  if (!f[n - 1]) return std::nullopt;
  const double expected = std::max(*f[n - 1], 0.0);
  const double seen = s.values[*at];
  if (std::max(seen, expected) < o.change_min_count) return std::nullopt;
  // How unlikely: under a negative binomial around the forecast, with the dispersion of the
  // tuning weeks' counts around their forecasts, so that a series that is noisy anyway (bursts
  // of internal work orders, storms) needs a larger jump than a steady one.
  const std::string basis = "one-day-ahead forecast (weekly-seasonal exponential smoothing over " +
                            std::to_string(*at) + " days of history; variance " +
                            (p.dispersion > 1e-9 ? "mean + " + Fixed2(p.dispersion) + " × mean²"
                                                 : std::string("= mean")) +
                            ")";
  if (seen >= o.change_ratio * expected) {
    const double pv = NegativeBinomialUpperTail(seen, std::max(expected, 0.5), p.dispersion);
    if (pv < o.p_value) return Unusual{expected, seen, pv, true, basis};
  } else if (seen * o.change_ratio <= expected) {
    const double pv = NegativeBinomialLowerTail(seen, expected, p.dispersion);
    if (pv < o.p_value) return Unusual{expected, seen, pv, false, basis};
  }
  return std::nullopt;
}

}  // namespace jiesu::analytics
