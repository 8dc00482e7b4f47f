#include "analytics/detect.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace jiesu::analytics {
namespace {

constexpr Date kFirst = std::chrono::sys_days(std::chrono::year{2025} / 3 / 3);  // a Monday

// `days` daily counts with a weekday pattern around `mean`, Poisson noise.
DailySeries Weekly(double mean, int days, uint64_t seed) {
  const double week[7] = {1.3, 1.2, 1.15, 1.1, 1.0, 0.6, 0.5};
  DailySeries s{kFirst, {}};
  std::mt19937_64 rng(seed);
  for (int i = 0; i < days; ++i) {
    s.values.push_back(
        static_cast<double>(std::poisson_distribution<int>(mean * week[i % 7])(rng)));
  }
  return s;
}

TEST(DetectTest, PoissonTails) {
  EXPECT_DOUBLE_EQ(PoissonUpperTail(0, 3), 1.0);
  EXPECT_NEAR(PoissonUpperTail(1, 3), 1 - std::exp(-3.0), 1e-12);
  EXPECT_NEAR(PoissonLowerTail(0, 3), std::exp(-3.0), 1e-12);
  EXPECT_NEAR(PoissonLowerTail(1, 3), 4 * std::exp(-3.0), 1e-12);
  // P(X ≥ 10 | 3) ≈ 0.0011.
  EXPECT_NEAR(PoissonUpperTail(10, 3), 0.00110, 0.00002);
  EXPECT_NEAR(BinomialUpperTail(2, 3, 0.5), 0.5, 1e-12);
  EXPECT_NEAR(BinomialUpperTail(6, 6, 0.2), std::pow(0.2, 6), 1e-15);
  EXPECT_DOUBLE_EQ(BinomialUpperTail(0, 3, 0.5), 1.0);
}

TEST(DetectTest, HighFrequencyFiresOnASurgeAgainstTheSameWeekday) {
  DailySeries s = Weekly(3, 35, 7);
  const Date day = kFirst + std::chrono::days(34);  // a Sunday
  s.values[34] = 14;
  const auto u = HighFrequency(s, day, {});
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->rising);
  EXPECT_EQ(u->seen, 14);
  // The baseline is the mean of the four previous Sundays, not of all days.
  const double sundays = (s.values[6] + s.values[13] + s.values[20] + s.values[27]) / 4;
  EXPECT_DOUBLE_EQ(u->expected, std::max(sundays, 0.5));
  EXPECT_LT(u->p, 1e-4);
  EXPECT_NE(u->basis.find("same weekday"), std::string::npos);
}

TEST(DetectTest, HighFrequencyStaysQuietOnFlatSeries) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const DailySeries s = Weekly(3, 120, seed);
    for (int i = 28; i < 120; ++i) {
      EXPECT_FALSE(HighFrequency(s, kFirst + std::chrono::days(i), {}).has_value())
          << "seed " << seed << " day " << i;
    }
  }
  // Large volumes: +6% is not a surge however unlikely it is.
  DailySeries big = Weekly(1000, 35, 3);
  big.values[34] = big.values[27] * 1.06;
  EXPECT_FALSE(HighFrequency(big, kFirst + std::chrono::days(34), {}).has_value());
  // Small counts: 2 → 4 is not a surge (under the minimum count).
  DailySeries small(DailySeries{kFirst, std::vector<double>(35, 0.0)});
  small.values[34] = 4;
  EXPECT_FALSE(HighFrequency(small, kFirst + std::chrono::days(34), {}).has_value());
  // A problem never seen before that appears five times at once is.
  small.values[34] = 6;
  EXPECT_TRUE(HighFrequency(small, kFirst + std::chrono::days(34), {}).has_value());
}

TEST(DetectTest, SuddenChangeFiresBothWaysAgainstTheForecast) {
  const DailySeries base = Weekly(200, 91, 11);
  const Date day = kFirst + std::chrono::days(90);
  DailySeries up = base;
  up.values[90] = base.values[90] * 2.2;
  auto u = SuddenChange(up, day, {}, {});
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->rising);
  EXPECT_NEAR(u->expected, base.values[90], base.values[90] * 0.25);
  DailySeries down = base;
  down.values[90] = std::floor(base.values[90] * 0.3);
  u = SuddenChange(down, day, {}, {});
  ASSERT_TRUE(u.has_value());
  EXPECT_FALSE(u->rising);
  // Not enough history: quiet.
  EXPECT_FALSE(SuddenChange(up, kFirst + std::chrono::days(10), {}, {}).has_value());
  // Reproducible.
  EXPECT_EQ(SuddenChange(up, day, {}, {})->expected, SuddenChange(up, day, {}, {})->expected);
}

TEST(DetectTest, NegativeBinomialTails) {
  // Mean 2 and dispersion 1 is the geometric distribution with p = 1/3: P(X ≥ k) = (2/3)^k.
  EXPECT_DOUBLE_EQ(NegativeBinomialUpperTail(0, 2, 1), 1.0);
  EXPECT_NEAR(NegativeBinomialUpperTail(1, 2, 1), 2.0 / 3, 1e-12);
  EXPECT_NEAR(NegativeBinomialUpperTail(3, 2, 1), 8.0 / 27, 1e-12);
  EXPECT_NEAR(NegativeBinomialLowerTail(0, 2, 1), 1.0 / 3, 1e-12);
  EXPECT_NEAR(NegativeBinomialLowerTail(1, 2, 1), 5.0 / 9, 1e-12);
  // No dispersion: the Poisson tails; more dispersion: fatter tails.
  EXPECT_DOUBLE_EQ(NegativeBinomialUpperTail(9, 3, 0), PoissonUpperTail(9, 3));
  EXPECT_DOUBLE_EQ(NegativeBinomialLowerTail(0, 3, 0), PoissonLowerTail(0, 3));
  EXPECT_GT(NegativeBinomialUpperTail(30, 15, 0.3), 100 * PoissonUpperTail(30, 15));
  EXPECT_GT(NegativeBinomialLowerTail(3, 15, 0.3), 100 * PoissonLowerTail(3, 15));
}

// Counts with gamma-distributed rates (variance 50 + 0.3 × 50² at the mean of 50): an ordinary
// day of such a series is far outside a Poisson's range, not outside its own.
DailySeries Overdispersed(double mean, int days, uint64_t seed) {
  const double week[7] = {1.3, 1.2, 1.15, 1.1, 1.0, 0.6, 0.5};
  DailySeries s{kFirst, {}};
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> rate(1 / 0.3, 0.3);  // mean 1, variance 0.3
  for (int i = 0; i < days; ++i) {
    s.values.push_back(
        static_cast<double>(std::poisson_distribution<int>(mean * week[i % 7] * rate(rng))(rng)));
  }
  return s;
}

TEST(DetectTest, SuddenChangeAllowsForASeriesOwnNoise) {
  int alarms = 0, poisson_alarms = 0, days = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const DailySeries s = Overdispersed(50, 120, seed);
    for (int i = 60; i < 120; ++i) {
      ++days;
      const auto u = SuddenChange(s, kFirst + std::chrono::days(i), {}, {});
      if (u) ++alarms;
      // What the Poisson test would have said about the same day.
      const double seen = s.values[static_cast<size_t>(i)];
      if (u || seen > 0) {
        DailySeries past{s.first, std::vector<double>(s.values.begin(), s.values.begin() + i + 1)};
        const auto p = TuneParams(past, {}, 1, static_cast<size_t>(i) - 28, static_cast<size_t>(i));
        const auto f = HoltWintersForecasts(past, {}, p, 1);
        const double expected = std::max(*f[static_cast<size_t>(i)], 0.5);
        if ((seen >= 1.6 * expected && PoissonUpperTail(seen, expected) < 1e-4) ||
            (seen * 1.6 <= expected && PoissonLowerTail(seen, expected) < 1e-4)) {
          ++poisson_alarms;
        }
      }
    }
  }
  EXPECT_LE(alarms, 1) << "of " << days << " ordinary days";
  EXPECT_GE(poisson_alarms, 5) << "the series is not noisy enough to show the difference";
  std::printf("ordinary overdispersed days: %d alarms (Poisson tails: %d) of %d\n", alarms,
              poisson_alarms, days);
}

TEST(DetectTest, SuddenChangeStaysQuietOnAnOrdinarySeries) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const DailySeries s = Weekly(200, 120, seed);
    for (int i = 60; i < 120; ++i) {
      EXPECT_FALSE(SuddenChange(s, kFirst + std::chrono::days(i), {}, {}).has_value())
          << "seed " << seed << " day " << i;
    }
  }
}

}  // namespace
}  // namespace jiesu::analytics
