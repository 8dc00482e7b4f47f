#include "domain/supervision.h"

#include <gtest/gtest.h>

#include "domain/test_jurisdiction.h"

namespace jiesu::domain {
namespace {

TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

class SupervisionTest : public ::testing::Test {
 protected:
  SupervisionTest() : j_(testing::MakeTestJurisdiction()) {}
  Context Ctx() const { return {j_, now_}; }

  Supervision Open(std::vector<std::string> units) {
    SupervisionRequest r;
    r.order_id = 42;
    r.units = std::move(units);
    r.title = "光华路路灯多次反映未解决";
    r.demand = "三日内修复并书面报告";
    r.working_days = 3;
    auto events = DecideOpenSupervision(7, r, supervisor_, Ctx());
    EXPECT_TRUE(events.ok()) << events.error().ToString();
    return ReplaySupervision(*events);
  }
  Status Run(Supervision& s, PartAction a, const std::string& unit, const Actor& who,
             const std::string& text = "") {
    auto events = DecideSupervision(s, a, unit, text, who, Ctx());
    if (!events.ok()) return events.error();
    for (const auto& e : *events) {
      EXPECT_EQ(e.seq, s.version + 1);
      Apply(s, e);
      history_.push_back(std::string(Name(e.step)));
    }
    return Ok();
  }

  Jurisdiction j_;
  TimePoint now_ = At("2025-09-29T10:00:00+08:00");  // Monday before National Day
  Actor supervisor_{5, "sup1", "supervisor", ""};
  Actor chaoyang_{3, "cy1", "unit", "110105"};
  Actor street_{6, "jw1", "unit", "110105001"};
  Actor agent_{1, "agent1", "agent", ""};
  std::vector<std::string> history_;
};

TEST_F(SupervisionTest, JointSupervisionClosesWhenEveryPartIsSettled) {
  Supervision s = Open({"110105", "110105001"});
  EXPECT_EQ(s.parts.size(), 2u);
  // 3 working days from the next day: 09-30, then the holiday to 10-08, 10-09, 10-10.
  EXPECT_EQ(FormatRfc3339(s.due, 480), "2025-10-10T23:59:59+08:00");
  ASSERT_TRUE(Run(s, PartAction::kAccept, "110105", chaoyang_).ok());
  ASSERT_TRUE(Run(s, PartAction::kReply, "110105", chaoyang_, "已修复两盏路灯").ok());
  ASSERT_TRUE(Run(s, PartAction::kRejectReply, "110105", supervisor_, "仍有一盏不亮").ok());
  EXPECT_EQ(s.Part("110105")->state, PartState::kHandling);
  ASSERT_TRUE(Run(s, PartAction::kReply, "110105", chaoyang_, "全部修复").ok());
  ASSERT_TRUE(Run(s, PartAction::kApproveReply, "110105", supervisor_).ok());
  EXPECT_EQ(s.Part("110105")->state, PartState::kDone);
  EXPECT_FALSE(s.closed);  // the street's part is still open
  ASSERT_TRUE(Run(s, PartAction::kRequestReturn, "110105001", street_, "路灯归区城管委管理").ok());
  ASSERT_TRUE(Run(s, PartAction::kApproveReturn, "110105001", supervisor_).ok());
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(history_.back(), "closed");
  EXPECT_EQ(s.Part("110105")->reply, "全部修复");
  // Nothing more can happen.
  EXPECT_EQ(Run(s, PartAction::kReply, "110105", chaoyang_, "x").error().code,
            ErrorCode::kIllegalTransition);
}

TEST_F(SupervisionTest, RefusedReturnGoesBackToHandling) {
  Supervision s = Open({"110105"});
  ASSERT_TRUE(Run(s, PartAction::kRequestReturn, "110105", chaoyang_, "不属于本单位").ok());
  EXPECT_EQ(s.Part("110105")->state, PartState::kReturnRequested);
  EXPECT_EQ(Run(s, PartAction::kRefuseReturn, "110105", supervisor_, "").error().code,
            ErrorCode::kInvalidArgument);  // a reason is needed
  ASSERT_TRUE(Run(s, PartAction::kRefuseReturn, "110105", supervisor_, "属地责任").ok());
  EXPECT_EQ(s.Part("110105")->state, PartState::kHandling);
}

TEST_F(SupervisionTest, RolesUnitsAndStatesAreChecked) {
  SupervisionRequest r;
  r.units = {"110105"};
  r.title = "t";
  r.demand = "d";
  r.working_days = 3;
  EXPECT_EQ(DecideOpenSupervision(1, r, agent_, Ctx()).error().code, ErrorCode::kForbidden);
  r.units = {"nowhere"};
  EXPECT_EQ(DecideOpenSupervision(1, r, supervisor_, Ctx()).error().field, "units");
  r.units = {"110105", "110105"};
  EXPECT_EQ(DecideOpenSupervision(1, r, supervisor_, Ctx()).error().field, "units");
  r.units = {"110105"};
  r.working_days = 0;
  EXPECT_EQ(DecideOpenSupervision(1, r, supervisor_, Ctx()).error().field, "days");

  Supervision s = Open({"110105", "110105001"});
  // The street may not act on the district's part, the supervisor may not act as a unit, a
  // unit may not review, and replies need an accepted part and a text.
  EXPECT_EQ(Run(s, PartAction::kAccept, "110105", street_).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(Run(s, PartAction::kAccept, "110105", supervisor_).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(Run(s, PartAction::kApproveReply, "110105", chaoyang_).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(Run(s, PartAction::kReply, "110105", chaoyang_, "x").error().code,
            ErrorCode::kIllegalTransition);
  ASSERT_TRUE(Run(s, PartAction::kAccept, "110105", chaoyang_).ok());
  EXPECT_EQ(Run(s, PartAction::kReply, "110105", chaoyang_, " ").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Run(s, PartAction::kAccept, "110108", chaoyang_).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(Run(s, PartAction::kApproveReturn, "110108", supervisor_).error().code,
            ErrorCode::kNotFound);
  EXPECT_FALSE(s.Overdue(now_));
  EXPECT_TRUE(s.Overdue(s.due + std::chrono::seconds(1)));
}

}  // namespace
}  // namespace jiesu::domain
