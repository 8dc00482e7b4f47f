// Early-warning detectors (未诉先办, SPEC §8). Pure functions over counts the caller gathered:
// each returns findings that say what was expected, what was seen and why it is unusual, so
// an analyst can judge a warning without trusting a black box.
//
//   高频 (high_frequency)  a category × area's count on one day against its seasonal baseline,
//                          the mean of the same weekday over the previous weeks;
//   异动 (sudden_change)   a series' count on one day against the Holt-Winters forecast made
//                          the day before (analytics/forecast.h), in either direction;
//   一人多诉 / 多人同诉 / repeat calls are counts of orders per caller and per problem: the
//                          caller passes the groups and the thresholds here decide.
//
// A day is unusual when the count is far from what was expected in absolute terms (a minimum
// count), relative terms (a ratio) and in probability below `p_value`. Counts of requests per
// day are close to Poisson once the weekday is accounted for. 高频's baseline is itself a few
// noisy days, so it uses the exact conditional test for two Poisson rates (the day's share of
// day + baseline days is binomial); 异动's forecast is smoothed over weeks, so it uses the
// Poisson tail P(X ≥ seen | expected) (P(X ≤ seen) for a drop). The three conditions together
// keep small series (2 → 4) and big ones (1,000 → 1,060) quiet.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analytics/forecast.h"
#include "base/time.h"

namespace jiesu::analytics {

struct DetectorOptions {
  // 高频
  int baseline_weeks = 4;       // same weekday over this many previous weeks
  double high_min_count = 5;    // at least this many on the day
  double high_ratio = 2.0;      // and at least this times the baseline
  double baseline_floor = 0.5;  // a baseline of 0 (never seen) counts as this
  // 异动
  int change_min_history = 28;   // days of history before a forecast is trusted
  double change_min_count = 10;  // the larger of seen and expected is at least this
  double change_ratio = 1.6;     // seen ≥ ratio × expected, or seen ≤ expected ÷ ratio
  // Both
  // Thousands of category × area series are examined each day: at 1e-4 about one false alarm
  // per 10,000 series-days.
  double p_value = 1e-4;
};

// P(X ≥ k) for X ~ Poisson(lambda); 1 for k ≤ 0.
double PoissonUpperTail(double k, double lambda);
// P(X ≤ k) for X ~ Poisson(lambda).
double PoissonLowerTail(double k, double lambda);
// P(X ≥ k) and P(X ≤ k) for X negative-binomial with mean `mean` and variance
// mean + dispersion × mean² (the Poisson tails when dispersion is 0).
double NegativeBinomialUpperTail(double k, double mean, double dispersion);
double NegativeBinomialLowerTail(double k, double mean, double dispersion);
// P(X ≥ k) for X ~ Binomial(n, p).
double BinomialUpperTail(double k, double n, double p);

struct Unusual {
  double expected = 0;
  double seen = 0;
  double p = 1;        // the tail probability of `seen` under `expected`
  bool rising = true;  // false for a drop
  std::string basis;   // how `expected` was computed, in words
};

// 高频: the count on day `day` of `s` against the mean of the same weekday over the previous
// `baseline_weeks` weeks (days before s.first count as 0). Today can be examined while it is
// under way: its count so far is held to the whole day's expectation. Nothing when it is not
// unusual.
std::optional<Unusual> HighFrequency(const DailySeries& s, Date day, const DetectorOptions& o);

// 异动: the count on `day` against the one-day-ahead Holt-Winters forecast from the days before
// it, with parameters tuned on the series up to the day before (deterministic). Nothing when
// it is not unusual or there is not enough history.
std::optional<Unusual> SuddenChange(const DailySeries& s, Date day, const std::set<Date>& holidays,
                                    const DetectorOptions& o);

}  // namespace jiesu::analytics
