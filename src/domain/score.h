// Evaluation of units (考核, SPEC §4) as pure functions.
//
// An order yields facts: one LegFact per leg (for the response and timeliness figures, counted
// in the month the leg was dispatched) and at most one VisitFact (the latest return visit that
// reached the caller, for resolution and satisfaction, counted in the month of that visit and
// for the lead unit). Judge() decides, for one fact and one metric, whether the fact counts
// and how much credit it earns; scores and drill-down both use it, so a drill-down lists
// exactly the orders a figure counted.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "domain/jurisdiction.h"
#include "domain/order.h"

namespace jiesu::domain {

struct LegFact {
  int64_t order_id = 0;
  int leg = 0;
  std::string unit_id;
  LegRole role = LegRole::kLead;
  LegState state = LegState::kPendingSign;
  TimePoint dispatched_at{};
  TimePoint sign_due{};
  TimePoint contact_due{};
  TimePoint reply_due{};
  std::optional<TimePoint> signed_at;
  std::optional<TimePoint> contacted_at;
  std::optional<TimePoint> replied_at;
};

struct VisitFact {
  int64_t order_id = 0;
  std::string unit_id;  // the lead unit of the order's latest dispatch
  TimePoint at{};
  bool contacted = false;
  bool solved = false;
  Satisfaction satisfaction = Satisfaction::kSatisfied;  // the final one
  Satisfaction first_satisfaction = Satisfaction::kSatisfied;
  int reopen_count = 0;
};

struct OrderFacts {
  std::vector<LegFact> legs;
  std::optional<VisitFact> visit;
};
OrderFacts FactsOf(const Order& order);

// The published figures. The first four are over legs, the rest over visited orders.
enum class Metric {
  kResponse,      // 响应率: signed and caller contacted within the limits ÷ legs due
  kTimelySign,    // 及时签收率
  kOnTimeReply,   // 按时办结率: replied by the deadline ÷ legs whose reply was due
  kLateReply,     // 超时办结: replies after the deadline (count; ÷ replies)
  kReturn,        // 退单率: legs returned ÷ legs dispatched
  kResolution,    // 解决率: solved ÷ visited
  kSatisfaction,  // 满意率: (满意 + w × 基本满意) ÷ visited
  kReopen,        // 重办率: orders reopened at least once ÷ visited
};
inline constexpr int kMetricCount = 8;
std::string_view Name(Metric m);
std::optional<Metric> ParseMetric(std::string_view s);
bool IsLegMetric(Metric m);

// Whether a fact counts in a metric's denominator, and its credit towards the numerator
// (0 or 1; w for 基本满意). A leg whose deadline has not passed yet counts once it is decided.
struct Outcome {
  bool counted = false;
  double credit = 0;
};
Outcome Judge(Metric m, const LegFact& f, TimePoint now);
Outcome Judge(Metric m, const VisitFact& f, double basically_satisfied_weight);

struct Ratio {
  double numerator = 0;
  int64_t denominator = 0;
  // Percent with two decimals' precision kept; nothing when the denominator is 0.
  std::optional<double> Percent() const;
};

struct UnitScore {
  std::string unit_id;
  UnitClass unit_class = UnitClass::kDistrict;
  std::array<Ratio, kMetricCount> ratios{};
  std::optional<double> composite;  // weighted mean of the three rates that are defined
  int rank = 0;                     // within the unit class, 1 = best; 0 = not ranked

  const Ratio& operator[](Metric m) const { return ratios[static_cast<int>(m)]; }
  Ratio& operator[](Metric m) { return ratios[static_cast<int>(m)]; }
  void Add(const LegFact& f, TimePoint now);
  void Add(const VisitFact& f, double basically_satisfied_weight);
};

std::optional<double> CompositeOf(const UnitScore& s, const CompositeWeights& w);

// Fills composite (with the weights for each unit's class and `month`) and rank: within each
// class, by composite (highest first), then satisfaction, then unit id; units without a
// composite are not ranked.
void RankScores(std::vector<UnitScore>& scores, const Evaluation& e, const std::string& month);

}  // namespace jiesu::domain
