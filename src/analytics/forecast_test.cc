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
  const std::set<Date> holidays{D(2015, 1, 1), D(2015, 5, 25), D(2015, 7, 3), D(2015, 9, 7),
                                D(2015, 11, 26), D(2015, 12, 25)};
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

TEST(ForecastTest, PoissonMedians) {
  EXPECT_EQ(PoissonMedian(0), 0);
  EXPECT_EQ(PoissonMedian(0.5), 0);  // P(X = 0) = 0.61
  EXPECT_EQ(PoissonMedian(0.69), 0);  // P(X = 0) = 0.5016
  EXPECT_EQ(PoissonMedian(0.7), 1);   // P(X = 0) = 0.4966
  EXPECT_EQ(PoissonMedian(1), 1);
  EXPECT_EQ(PoissonMedian(2.5), 2);
  EXPECT_EQ(PoissonMedian(10), 10);
  EXPECT_EQ(PoissonMedian(1000.2), 1000);
  const auto m = PoissonMedians({std::nullopt, 3.7});
  EXPECT_FALSE(m[0].has_value());
  EXPECT_EQ(*m[1], 4);
}

}  // namespace
}  // namespace jiesu::analytics
