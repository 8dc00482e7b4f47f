#include "analytics/forecast.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace jiesu::analytics {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

// A year of daily counts: weekday pattern, slow growth, Poisson-like noise, holidays low.
DailySeries Synthetic(const std::set<Date>& holidays, uint64_t seed) {
  DailySeries s{D(2015, 1, 1), {}};
  std::mt19937_64 rng(seed);
  const double week[7] = {1.3, 1.2, 1.15, 1.1, 1.0, 0.6, 0.5};  // Mon … Sun
  for (int i = 0; i < 365; ++i) {
    const Date d = s.first + std::chrono::days(i);
    const int w = static_cast<int>(std::chrono::weekday(d).iso_encoding()) - 1;
    double mean = (300 + 0.2 * i) * week[w];
    if (holidays.count(d)) mean *= 0.4;
    s.values.push_back(static_cast<double>(std::poisson_distribution<int>(mean)(rng)));
  }
  return s;
}

TEST(ForecastTest, BeatsSeasonalNaiveOnAWeeklySeriesAndIsReproducible) {
  const std::set<Date> holidays{D(2015, 1, 1), D(2015, 5, 25),  D(2015, 7, 3),
                                D(2015, 9, 7), D(2015, 11, 26), D(2015, 12, 25)};
  const DailySeries s = Synthetic(holidays, 1);
  const size_t test_from = *s.IndexOf(D(2015, 11, 1));
  const ModelParams p = TuneParams(s, holidays, 7, test_from - 56, test_from);
  const auto f = HoltWintersForecasts(s, holidays, p, 7);
  const auto naive = SeasonalNaiveForecasts(s);
  const double mae = MeanAbsoluteError(s, f, test_from, s.values.size());
  const double base = MeanAbsoluteError(s, naive, test_from, s.values.size());
  EXPECT_LT(mae / base, 0.8) << mae << " vs " << base;
  // The same inputs give the same forecasts, to the bit.
  EXPECT_EQ(HoltWintersForecasts(s, holidays, p, 7), f);
  const ModelParams again = TuneParams(s, holidays, 7, test_from - 56, test_from);
  EXPECT_EQ(again.alpha, p.alpha);
  EXPECT_EQ(again.gamma, p.gamma);
  // Thanksgiving is forecast low because holidays have their own factor.
  const size_t tg = *s.IndexOf(D(2015, 11, 26));
  EXPECT_LT(*f[tg], 0.6 * *f[tg - 7]);
}

TEST(ForecastTest, FlatSeriesIsForecastFlatAndNothingBeforeTheModelStarts) {
  DailySeries s{D(2015, 3, 2), std::vector<double>(60, 50.0)};
  const auto f = HoltWintersForecasts(s, {}, ModelParams{}, 1);
  for (size_t i = 0; i < 14; ++i) EXPECT_FALSE(f[i]) << i;
  for (size_t i = 14; i < 60; ++i) {
    ASSERT_TRUE(f[i]);
    EXPECT_NEAR(*f[i], 50.0, 1e-9);
  }
  EXPECT_EQ(MeanAbsoluteError(s, f, 0, 60), 0.0);
  const auto naive = SeasonalNaiveForecasts(s);
  EXPECT_FALSE(naive[6]);
  EXPECT_EQ(*naive[7], 50.0);
}

TEST(ForecastTest, NegativeBinomialMediansFallBelowTheMeanWhenCountsAreOverdispersed) {
  // Reference values from the NB pmf written with lgamma (independently of the recurrence).
  EXPECT_EQ(NegativeBinomialMedian(2, 1), 1);  // geometric: P(0) = 1/3, P(≤1) = 5/9
  EXPECT_EQ(NegativeBinomialMedian(10, 2), 4);
  EXPECT_EQ(NegativeBinomialMedian(10, 0.1), 9);
  EXPECT_EQ(NegativeBinomialMedian(0.3, 0.5), 0);
  EXPECT_EQ(NegativeBinomialMedian(1000, 0.01), 997);
  EXPECT_EQ(NegativeBinomialMedian(0, 1), 0);
  // No dispersion: the Poisson median.
  EXPECT_EQ(NegativeBinomialMedian(2.5, 0), PoissonMedian(2.5));
  EXPECT_EQ(NegativeBinomialMedian(2.5, 1e-12), PoissonMedian(2.5));
  // More dispersion never raises the median.
  double last = 1e9;
  for (double a : {0.0, 0.1, 0.3, 1.0, 3.0}) {
    const double m = NegativeBinomialMedian(20, a);
    EXPECT_LE(m, last) << a;
    last = m;
  }
  // Quantiles: the geometric's P(X ≤ k) = 1 − (2/3)^(k+1); Poisson(3): P(X ≤ 4) = 0.815,
  // P(X ≤ 5) = 0.916; a Poisson of a million by the normal approximation.
  EXPECT_EQ(NegativeBinomialQuantile(2, 1, 0.1), 0);
  EXPECT_EQ(NegativeBinomialQuantile(2, 1, 0.9), 5);
  EXPECT_EQ(NegativeBinomialQuantile(3, 0, 0.9), 5);
  EXPECT_EQ(NegativeBinomialQuantile(3, 0, 0.8), 4);
  EXPECT_NEAR(NegativeBinomialQuantile(1e6, 0, 0.5), 1e6, 1);
  EXPECT_NEAR(NegativeBinomialQuantile(1e6, 0, 0.9), 1e6 + 1281.6, 2);
  EXPECT_EQ(NegativeBinomialQuantile(20, 0.3, 0.5), NegativeBinomialMedian(20, 0.3));
  const auto f = PointForecasts({std::nullopt, 10.0}, 2);
  EXPECT_FALSE(f[0].has_value());
  EXPECT_EQ(*f[1], 4);
}

TEST(ForecastTest, OverdispersionIsRecoveredFromSimulatedCounts) {
  std::mt19937_64 rng(7);
  const size_t n = 4000;
  DailySeries poisson{Date{}, std::vector<double>(n)};
  DailySeries mixed{Date{}, std::vector<double>(n)};
  std::vector<std::optional<double>> means(n, 20.0);
  std::poisson_distribution<int> plain(20.0);
  std::gamma_distribution<double> rate(2.0, 0.5);  // mean 1, variance 0.5: α = 0.5
  for (size_t i = 0; i < n; ++i) {
    poisson.values[i] = plain(rng);
    std::poisson_distribution<int> one(20.0 * rate(rng));
    mixed.values[i] = one(rng);
  }
  EXPECT_LT(Overdispersion(poisson, means, 0, n), 0.02);
  EXPECT_NEAR(Overdispersion(mixed, means, 0, n), 0.5, 0.06);
  means[0].reset();  // days without a forecast are skipped
  EXPECT_NEAR(Overdispersion(mixed, means, 0, n), 0.5, 0.06);
  EXPECT_EQ(Overdispersion(mixed, means, 0, 1), 0.0);
}

TEST(ForecastTest, TuningFitsTheDispersion) {
  // Weekly counts with gamma-mixed noise: the tuned parameters carry a clearly positive α.
  std::mt19937_64 rng(11);
  std::gamma_distribution<double> rate(2.0, 0.5);
  DailySeries s{Date{std::chrono::days(20000)}, std::vector<double>(200)};
  for (size_t i = 0; i < s.values.size(); ++i) {
    std::poisson_distribution<int> one((i % 7 < 5 ? 30.0 : 10.0) * rate(rng));
    s.values[i] = one(rng);
  }
  const ModelParams p = TuneParams(s, {}, 7, 144, 200, true);
  EXPECT_GT(p.dispersion, 0.2);
  EXPECT_LT(p.dispersion, 1.5);
  EXPECT_EQ(TuneParams(s, {}, 7, 144, 200, true).dispersion, p.dispersion);  // reproducible
}

TEST(ForecastTest, PoissonMedians) {
  EXPECT_EQ(PoissonMedian(0), 0);
  EXPECT_EQ(PoissonMedian(0.5), 0);   // P(X = 0) = 0.61
  EXPECT_EQ(PoissonMedian(0.69), 0);  // P(X = 0) = 0.5016
  EXPECT_EQ(PoissonMedian(0.7), 1);   // P(X = 0) = 0.4966
  EXPECT_EQ(PoissonMedian(1), 1);
  EXPECT_EQ(PoissonMedian(2.5), 2);
  EXPECT_EQ(PoissonMedian(10), 10);
  EXPECT_EQ(PoissonMedian(1000.2), 1000);
  EXPECT_EQ(*PointForecasts({3.7}, 0)[0], 4);
}

}  // namespace
}  // namespace jiesu::analytics
