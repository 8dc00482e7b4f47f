#include "analytics/forecast.h"

#include <algorithm>
#include <array>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>

namespace jiesu::analytics {
namespace {

// 0 = Monday … 6 = Sunday.
int Weekday(Date d) { return static_cast<int>(std::chrono::weekday(d).iso_encoding()) - 1; }

constexpr double kMinLevel = 1e-3;
constexpr double kMinFactor = 0.02, kMaxFactor = 50;

struct State {
  double level = 0;
  double trend = 0;
  std::array<double, 7> season{};
  double holiday_sum = 0;  // Σ actual ÷ expected over the holidays seen
  int holidays = 0;

  double HolidayFactor() const {
    if (holidays > 0) return holiday_sum / holidays;
    return *std::min_element(season.begin(), season.end());  // like the quietest weekday
  }
};

}  // namespace

std::optional<size_t> DailySeries::IndexOf(Date d) const {
  const auto i = (d - first).count();
  if (i < 0 || static_cast<size_t>(i) >= values.size()) return std::nullopt;
  return static_cast<size_t>(i);
}

std::vector<std::optional<double>> HoltWintersForecasts(const DailySeries& s,
                                                        const std::set<Date>& holidays,
                                                        const ModelParams& p, int h) {
  const size_t n = s.values.size();
  std::vector<std::optional<double>> f(n);
  constexpr size_t kInit = 14;  // two weeks to start the level and the weekday factors
  if (n <= kInit || h < 1) return f;
  State st;
  {
    double sum = 0;
    int count = 0;
    for (size_t i = 0; i < kInit; ++i) {
      if (holidays.count(s.DayAt(i))) continue;
      sum += s.values[i];
      ++count;
    }
    st.level = std::max(kMinLevel, count > 0 ? sum / count : 0.0);
    std::array<double, 7> ratio_sum{};
    std::array<int, 7> ratio_n{};
    for (size_t i = 0; i < kInit; ++i) {
      if (holidays.count(s.DayAt(i))) continue;
      const int w = Weekday(s.DayAt(i));
      ratio_sum[static_cast<size_t>(w)] += s.values[i] / st.level;
      ratio_n[static_cast<size_t>(w)] += 1;
    }
    for (size_t w = 0; w < 7; ++w) {
      st.season[w] =
          std::clamp(ratio_n[w] > 0 ? ratio_sum[w] / ratio_n[w] : 1.0, kMinFactor, kMaxFactor);
    }
  }
  auto forecast = [&](size_t from, size_t target) {
    double damp = 0, phi_k = 1;
    for (size_t k = from; k < target; ++k) {
      phi_k *= p.phi;
      damp += phi_k;
    }
    const Date d = s.DayAt(target);
    double y =
        std::max(0.0, st.level + damp * st.trend) * st.season[static_cast<size_t>(Weekday(d))];
    if (holidays.count(d)) y *= st.HolidayFactor();
    return y;
  };
  for (int k = 1; k <= h && kInit - 1 + static_cast<size_t>(k) < n; ++k) {
    f[kInit - 1 + static_cast<size_t>(k)] = forecast(kInit - 1, kInit - 1 + static_cast<size_t>(k));
  }
  for (size_t t = kInit; t < n; ++t) {
    // The forecast made h days ago (with the state as it was at the end of day t - h) was
    // stored when that day was processed; now take in the actual value of day t.
    const Date d = s.DayAt(t);
    const size_t w = static_cast<size_t>(Weekday(d));
    const double y = s.values[t];
    if (holidays.count(d)) {
      const double expected = std::max(kMinLevel, st.level) * st.season[w];
      st.holiday_sum += std::clamp(y / expected, 0.0, 3.0);
      st.holidays += 1;
    } else {
      const double prev_level = st.level;
      st.level = std::max(
          kMinLevel, p.alpha * (y / st.season[w]) + (1 - p.alpha) * (st.level + p.phi * st.trend));
      st.trend = p.beta * (st.level - prev_level) + (1 - p.beta) * p.phi * st.trend;
      st.season[w] = std::clamp(p.gamma * (y / st.level) + (1 - p.gamma) * st.season[w], kMinFactor,
                                kMaxFactor);
    }
    if (t + static_cast<size_t>(h) < n)
      f[t + static_cast<size_t>(h)] = forecast(t, t + static_cast<size_t>(h));
  }
  if (p.naive_weight > 0 && h <= 7) {
    for (size_t i = 7; i < n; ++i) {
      if (f[i]) f[i] = (1 - p.naive_weight) * *f[i] + p.naive_weight * s.values[i - 7];
    }
  }
  return f;
}

std::vector<std::optional<double>> SeasonalNaiveForecasts(const DailySeries& s) {
  std::vector<std::optional<double>> f(s.values.size());
  for (size_t i = 7; i < s.values.size(); ++i) f[i] = s.values[i - 7];
  return f;
}

double MeanAbsoluteError(const DailySeries& s, const std::vector<std::optional<double>>& f,
                         size_t from, size_t to) {
  double sum = 0;
  int n = 0;
  for (size_t i = from; i < to && i < s.values.size(); ++i) {
    if (!f[i]) continue;
    sum += std::fabs(*f[i] - s.values[i]);
    ++n;
  }
  return n > 0 ? sum / n : 0.0;
}

double PoissonMedian(double mean) {
  if (!(mean > 0)) return 0;
  // Beyond this the median is floor(mean + 1/3) to within the pmf's precision (and exp(-mean)
  // underflows).
  if (mean > 500) return std::floor(mean + 1.0 / 3);
  // The smallest k with P(X <= k) >= 1/2, summing the pmf from 0.
  double pmf = std::exp(-mean), cdf = pmf, k = 0;
  while (cdf < 0.5) {
    k += 1;
    pmf *= mean / k;
    cdf += pmf;
  }
  return k;
}

double NegativeBinomialQuantile(double mean, double dispersion, double q) {
  if (!(mean > 0)) return 0;
  const bool poisson = !(dispersion > 1e-9);
  // NB(r, p) with r = 1/α and p = r / (r + μ): P(0) = p^r, P(k+1) = P(k) (k + r)/(k + 1) (1 − p);
  // Poisson: P(0) = e^−μ, P(k+1) = P(k) μ/(k + 1).
  const double r = poisson ? 0 : 1.0 / dispersion, p = poisson ? 0 : r / (r + mean);
  double pmf = poisson ? std::exp(-mean) : std::exp(r * std::log(p));
  if (!(pmf > 1e-300)) {
    // Far into the normal range (P(0) underflows): the normal approximation.
    const double sd = std::sqrt(mean + dispersion * mean * mean);
    const double z = std::sqrt(2.0) * boost::math::erf_inv(2 * q - 1);
    return std::max(0.0, std::floor(mean + z * sd + 0.5));
  }
  double cdf = pmf, k = 0;
  while (cdf < q) {
    pmf *= poisson ? mean / (k + 1) : (k + r) / (k + 1) * (1 - p);
    k += 1;
    cdf += pmf;
    if (k > 100 * (mean + 1) + 1000) break;  // rounding: never loop forever
  }
  return k;
}

double NegativeBinomialMedian(double mean, double dispersion) {
  if (!(dispersion > 1e-9)) return PoissonMedian(mean);
  return NegativeBinomialQuantile(mean, dispersion, 0.5);
}

std::vector<std::optional<double>> PointForecasts(const std::vector<std::optional<double>>& means,
                                                  double dispersion) {
  std::vector<std::optional<double>> out(means.size());
  for (size_t i = 0; i < means.size(); ++i) {
    if (means[i]) out[i] = NegativeBinomialMedian(*means[i], dispersion);
  }
  return out;
}

double Overdispersion(const DailySeries& s, const std::vector<std::optional<double>>& means,
                      size_t from, size_t to) {
  double excess = 0, scale = 0;
  for (size_t i = from; i < to && i < s.values.size() && i < means.size(); ++i) {
    if (!means[i]) continue;
    const double mu = std::max(0.0, *means[i]);
    const double d = s.values[i] - mu;
    excess += d * d - mu;
    scale += mu * mu;
  }
  return scale > 0 ? std::max(0.0, excess / scale) : 0.0;
}

ModelParams TuneParams(const DailySeries& s, const std::set<Date>& holidays, int h, size_t dev_from,
                       size_t dev_to, bool median) {
  DailySeries train{
      s.first,
      std::vector<double>(s.values.begin(), s.values.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                   dev_to, s.values.size())))};
  auto score = [&](const ModelParams& p) {
    auto f = HoltWintersForecasts(train, holidays, p, h);
    if (median) f = PointForecasts(f, 0);
    return MeanAbsoluteError(train, f, dev_from, dev_to);
  };
  ModelParams best;
  double best_mae = -1;
  for (double alpha : {0.05, 0.1, 0.2, 0.3, 0.5}) {
    for (double beta : {0.0, 0.02, 0.05}) {
      for (double phi : {0.9, 0.98}) {
        if (beta == 0.0 && phi != 0.9) continue;  // no trend: damping is irrelevant
        for (double gamma : {0.02, 0.05, 0.1, 0.2, 0.3}) {
          const ModelParams p{alpha, beta, phi, gamma, 0, 0};
          const double mae = score(p);
          if (best_mae < 0 || mae < best_mae) {
            best_mae = mae;
            best = p;
          }
        }
      }
    }
  }
  if (h <= 7) {
    const ModelParams model = best;
    for (double w : {0.25, 0.5, 0.75}) {
      ModelParams p = model;
      p.naive_weight = w;
      const double mae = score(p);
      if (mae < best_mae) {
        best_mae = mae;
        best = p;
      }
    }
  }
  best.dispersion =
      Overdispersion(train, HoltWintersForecasts(train, holidays, best, h), dev_from, dev_to);
  return best;
}

}  // namespace jiesu::analytics
