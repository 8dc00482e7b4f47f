#include "domain/score.h"

#include <gtest/gtest.h>

namespace jiesu::domain {
namespace {

TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

VisitFact Visit(int64_t id, bool solved, Satisfaction s, int reopens = 0) {
  VisitFact f;
  f.order_id = id;
  f.unit_id = "110105";
  f.solved = solved;
  f.satisfaction = f.first_satisfaction = s;
  f.reopen_count = reopens;
  return f;
}

// The published district figure (SPEC §4): 670 visits, 663 solved, 614 满意, 34 基本满意 and
// 22 不满意 give 解决率 98.96% and, with w = 0.6, 满意率 94.69%.
TEST(ScoreTest, PublishedDistrictExample) {
  UnitScore s;
  int64_t id = 0;
  for (int i = 0; i < 614; ++i) s.Add(Visit(++id, true, Satisfaction::kSatisfied), 0.6);
  for (int i = 0; i < 34; ++i) s.Add(Visit(++id, true, Satisfaction::kBasicallySatisfied), 0.6);
  for (int i = 0; i < 22; ++i) s.Add(Visit(++id, i >= 7, Satisfaction::kUnsatisfied), 0.6);
  EXPECT_EQ(s[Metric::kResolution].denominator, 670);
  EXPECT_DOUBLE_EQ(*s[Metric::kResolution].Percent(), 98.96);
  EXPECT_DOUBLE_EQ(*s[Metric::kSatisfaction].Percent(), 94.69);
  EXPECT_DOUBLE_EQ(*s[Metric::kReopen].Percent(), 0.0);
  // With w = 1 every 基本满意 counts in full; with w = 0 not at all.
  UnitScore full, none;
  for (int i = 0; i < 34; ++i) {
    full.Add(Visit(i, true, Satisfaction::kBasicallySatisfied), 1.0);
    none.Add(Visit(i, true, Satisfaction::kBasicallySatisfied), 0.0);
  }
  EXPECT_DOUBLE_EQ(*full[Metric::kSatisfaction].Percent(), 100.0);
  EXPECT_DOUBLE_EQ(*none[Metric::kSatisfaction].Percent(), 0.0);
}

LegFact Leg(TimePoint dispatched) {
  LegFact f;
  f.order_id = 1;
  f.leg = 1;
  f.unit_id = "110105";
  f.state = LegState::kHandling;
  f.dispatched_at = dispatched;
  f.sign_due = dispatched + std::chrono::hours(24);
  f.contact_due = dispatched + std::chrono::hours(48);
  f.reply_due = dispatched + std::chrono::hours(24 * 7);
  return f;
}

TEST(ScoreTest, ResponseNeedsSigningAndContactWithinTheirLimits) {
  const TimePoint t0 = At("2026-01-05T09:00:00+08:00");
  LegFact f = Leg(t0);
  // Nothing done and nothing due yet: not counted.
  EXPECT_FALSE(Judge(Metric::kResponse, f, t0 + std::chrono::hours(1)).counted);
  // Signed in time, contact still allowed: not decided.
  f.signed_at = t0 + std::chrono::hours(2);
  EXPECT_FALSE(Judge(Metric::kResponse, f, t0 + std::chrono::hours(30)).counted);
  EXPECT_EQ(Judge(Metric::kTimelySign, f, t0).credit, 1);
  // Contact deadline passed without contact: counted, no credit.
  Outcome o = Judge(Metric::kResponse, f, t0 + std::chrono::hours(49));
  EXPECT_TRUE(o.counted);
  EXPECT_EQ(o.credit, 0);
  f.contacted_at = t0 + std::chrono::hours(47);
  o = Judge(Metric::kResponse, f, t0 + std::chrono::hours(49));
  EXPECT_TRUE(o.counted);
  EXPECT_EQ(o.credit, 1);
  // Signed late: failed at once, whatever the contact.
  f.signed_at = t0 + std::chrono::hours(25);
  o = Judge(Metric::kResponse, f, t0 + std::chrono::hours(26));
  EXPECT_TRUE(o.counted);
  EXPECT_EQ(o.credit, 0);
}

TEST(ScoreTest, ReturnedAndCancelledLegs) {
  const TimePoint t0 = At("2026-01-05T09:00:00+08:00");
  LegFact f = Leg(t0);
  f.state = LegState::kReturned;
  const TimePoint late = t0 + std::chrono::hours(24 * 30);
  EXPECT_EQ(Judge(Metric::kReturn, f, late).credit, 1);
  EXPECT_FALSE(Judge(Metric::kOnTimeReply, f, late).counted);
  EXPECT_FALSE(Judge(Metric::kResponse, f, late).counted);
  f.state = LegState::kCancelled;
  EXPECT_FALSE(Judge(Metric::kReturn, f, late).counted);
}

TEST(ScoreTest, OnTimeAndLateReplies) {
  const TimePoint t0 = At("2026-01-05T09:00:00+08:00");
  LegFact f = Leg(t0);
  EXPECT_FALSE(Judge(Metric::kOnTimeReply, f, t0 + std::chrono::hours(24)).counted);
  Outcome overdue = Judge(Metric::kOnTimeReply, f, f.reply_due + std::chrono::minutes(1));
  EXPECT_TRUE(overdue.counted);
  EXPECT_EQ(overdue.credit, 0);
  EXPECT_FALSE(Judge(Metric::kLateReply, f, f.reply_due + std::chrono::minutes(1)).counted);
  f.replied_at = f.reply_due + std::chrono::hours(1);
  EXPECT_EQ(Judge(Metric::kLateReply, f, f.reply_due).credit, 1);
  f.replied_at = f.reply_due;  // on the deadline is in time
  EXPECT_EQ(Judge(Metric::kOnTimeReply, f, f.reply_due).credit, 1);
  EXPECT_EQ(Judge(Metric::kLateReply, f, f.reply_due).credit, 0);
}

TEST(ScoreTest, CompositeWeightsByClassAndMonthAndRanking) {
  Evaluation e;
  e.weights = {WeightRule{"", std::nullopt, {30, 35, 35}},
               WeightRule{"2026-03", UnitClass::kStreet, {20, 40, 40}}};
  EXPECT_EQ(e.WeightsFor(UnitClass::kStreet, "2026-02").response, 30);
  EXPECT_EQ(e.WeightsFor(UnitClass::kStreet, "2026-03").response, 20);
  EXPECT_EQ(e.WeightsFor(UnitClass::kDistrict, "2026-03").response, 30);

  auto unit = [](const char* id, UnitClass c, double resp, double res, double sat) {
    UnitScore s;
    s.unit_id = id;
    s.unit_class = c;
    s[Metric::kResponse] = {resp, 100};
    s[Metric::kResolution] = {res, 100};
    s[Metric::kSatisfaction] = {sat, 100};
    return s;
  };
  std::vector<UnitScore> v{unit("a", UnitClass::kDistrict, 90, 90, 90),
                           unit("b", UnitClass::kDistrict, 100, 80, 95),
                           unit("c", UnitClass::kStreet, 50, 50, 50), UnitScore{}};
  v[3].unit_id = "d";
  v[3].unit_class = UnitClass::kStreet;  // nothing to score: not ranked
  RankScores(v, e, "2026-01");
  EXPECT_DOUBLE_EQ(*v[0].composite, 90.0);
  EXPECT_DOUBLE_EQ(*v[1].composite, 91.25);  // 0.30×100 + 0.35×80 + 0.35×95
  EXPECT_EQ(v[1].rank, 1);
  EXPECT_EQ(v[0].rank, 2);
  EXPECT_EQ(v[2].rank, 1);
  EXPECT_FALSE(v[3].composite);
  EXPECT_EQ(v[3].rank, 0);
  // A missing rate drops out and the others are re-weighted.
  UnitScore only_visits = unit("e", UnitClass::kStreet, 0, 80, 90);
  only_visits[Metric::kResponse] = {};
  EXPECT_DOUBLE_EQ(*CompositeOf(only_visits, {30, 35, 35}), 85.0);
}

}  // namespace
}  // namespace jiesu::domain
