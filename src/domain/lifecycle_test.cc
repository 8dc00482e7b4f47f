#include "domain/lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "domain/score.h"
#include "domain/test_jurisdiction.h"

namespace jiesu::domain {
namespace {

TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest() : j_(testing::MakeTestJurisdiction()) {
    actors_ = {
        {"agent", {1, "agent1", "agent", ""}},   {"dispatcher", {2, "disp1", "dispatcher", ""}},
        {"unit", {3, "cy1", "unit", "110105"}},  {"visitor", {4, "visit1", "visitor", ""}},
        {"analyst", {5, "ana1", "analyst", ""}},
    };
  }

  Context Ctx() const { return Context{j_, now_}; }
  const Actor& A(const std::string& role) const { return actors_.at(role); }
  Actor UnitUser(const std::string& unit) const { return {9, "u-" + unit, "unit", unit}; }

  Order NewOrder(int64_t id = 1, Urgency urgency = Urgency::kNormal) {
    OrderDraft d;
    d.content = "小区暖气不热，室温只有十五度";
    d.category = "0101";
    d.urgency = urgency;
    d.caller = {"张三", "13812341234", false, ""};
    d.location.street_code = "110105001";
    auto events = DecideIntake(id, "T" + std::to_string(id), d, A("agent"), Ctx());
    EXPECT_TRUE(events.ok()) << events.error().ToString();
    return Replay(*events);
  }

  // Runs `cmd` as `actor`, folding its events into `o`; returns the result.
  Status Run(Order& o, const Command& cmd, const Actor& actor, Order* parent = nullptr) {
    auto events = Decide(o, cmd, actor, Ctx(), parent);
    if (!events.ok()) return events.error();
    for (const Event& e : *events) {
      Order& target = e.order_id == o.id ? o : *parent;
      EXPECT_EQ(e.seq, target.version + 1);
      Apply(target, e);
    }
    return Ok();
  }
  void MustRun(Order& o, const Command& cmd, const Actor& actor, Order* parent = nullptr) {
    Status s = Run(o, cmd, actor, parent);
    ASSERT_TRUE(s.ok()) << Name(cmd.action) << ": " << s.error().ToString();
  }

  static Command Cmd(Action a, int leg = 0) {
    Command c;
    c.action = a;
    c.leg = leg;
    return c;
  }
  static Command DispatchCmd() {
    Command c = Cmd(Action::kDispatch);
    c.lead_unit = "110105";
    c.co_units = {"bj.heat"};
    return c;
  }
  static Command ReplyCmd(int leg) {
    Command c = Cmd(Action::kReply, leg);
    c.text = "已协调热力公司排查，管道已修复";
    c.reply_result = ReplyResult::kResolved;
    return c;
  }
  static Command VisitCmd(Satisfaction s, bool attributable = false) {
    Command c = Cmd(Action::kVisit);
    c.visit.reached = true;
    c.visit.contacted = true;
    c.visit.solved = s != Satisfaction::kUnsatisfied;
    c.visit.satisfaction = s;
    c.visit.attributable = attributable;
    return c;
  }

  // Drives a fresh order through real steps into a named situation.
  Order InSituation(const std::string& name, int64_t id = 1) {
    Order o = NewOrder(id);
    if (name == "received") return o;
    if (name == "answered") {
      Command c = Cmd(Action::kAnswer);
      c.text = "供暖季为11月15日至次年3月15日";
      MustRun(o, c, A("agent"));
      return o;
    }
    if (name == "rejected") {
      Command c = Cmd(Action::kReject);
      c.reason = "属于诉讼程序";
      MustRun(o, c, A("agent"));
      return o;
    }
    MustRun(o, Cmd(Action::kSendToDispatch), A("agent"));
    if (name == "dispatching") return o;
    if (name == "merged") {
      Order parent = NewOrder(2);
      Command c = Cmd(Action::kMerge);
      c.parent_order = 2;
      MustRun(o, c, A("dispatcher"), &parent);
      return o;
    }
    MustRun(o, DispatchCmd(), A("dispatcher"));
    if (name == "pending_sign") return o;
    if (name == "return_requested") {
      Command c = Cmd(Action::kRequestReturn, 1);
      c.reason = "不属于本单位职责";
      MustRun(o, c, A("unit"));
      return o;
    }
    MustRun(o, Cmd(Action::kSign, 1), A("unit"));
    if (name == "signed") return o;
    MustRun(o, Cmd(Action::kContact, 1), A("unit"));
    if (name == "handling") return o;
    if (name == "extension_requested") {
      Command c = Cmd(Action::kRequestExtension, 1);
      c.days = 3;
      c.reason = "需要协调管道维修";
      MustRun(o, c, A("unit"));
      return o;
    }
    if (name == "sub_dispatched") {
      Command c = Cmd(Action::kSubDispatch, 1);
      c.unit = "110105001";
      MustRun(o, c, A("unit"));
      return o;
    }
    MustRun(o, ReplyCmd(1), A("unit"));
    if (name == "replied") return o;
    MustRun(o, Cmd(Action::kAcceptReply), A("dispatcher"));
    if (name == "visiting") return o;
    MustRun(o, VisitCmd(Satisfaction::kSatisfied), A("visitor"));
    EXPECT_EQ(name, "closed");
    return o;
  }

  Jurisdiction j_;
  TimePoint now_ = At("2025-09-29T09:00:00+08:00");
  std::map<std::string, Actor> actors_;
};

// A valid command for each action, aimed at leg 1 where the action is on a leg.
Command ValidCommand(Action a) {
  Command c;
  c.action = a;
  const Transition* t = nullptr;
  for (const auto& row : TransitionTable()) {
    if (row.action == a) t = &row;
  }
  if (t != nullptr && t->on_leg) c.leg = 1;
  c.text = "答复内容";
  c.reason = "理由";
  c.lead_unit = "110105";
  c.co_units = {"bj.heat"};
  c.unit = "110105001";
  c.days = 2;
  c.parent_order = 2;
  c.reply_result = ReplyResult::kResolved;
  c.visit.reached = true;
  c.visit.satisfaction = Satisfaction::kSatisfied;
  return c;
}

TEST_F(LifecycleTest, EveryActionRoleAndStateIsAllowedExactlyWhenTheTableSaysSo) {
  const std::vector<std::string> situations = {
      "received",       "answered",         "rejected", "dispatching", "merged",
      "pending_sign",   "return_requested", "signed",   "handling",    "extension_requested",
      "sub_dispatched", "replied",          "visiting", "closed"};
  int allowed = 0, refused = 0;
  for (const auto& situation : situations) {
    for (const auto& row : TransitionTable()) {
      for (const auto& [role, actor] : actors_) {
        Order o = InSituation(situation);
        Order parent = NewOrder(2);
        const Order before = o;
        const Command cmd = ValidCommand(row.action);
        const std::string state =
            row.on_leg
                ? std::string(Name(o.FindLeg(1) ? o.FindLeg(1)->state : LegState::kCancelled))
                : std::string(Name(o.state));
        const bool role_ok = j_.roles.Allows(role, row.action);
        const bool has_leg = !row.on_leg || o.FindLeg(1) != nullptr;
        const bool state_ok =
            std::find(row.from.begin(), row.from.end(), state) != row.from.end() &&
            !(row.on_leg && IsTerminal(o.state));
        auto result = Decide(o, cmd, actor, Ctx(), &parent);
        SCOPED_TRACE(situation + " / " + std::string(Name(row.action)) + " / " + role);
        if (role_ok && has_leg && state_ok) {
          ASSERT_TRUE(result.ok()) << result.error().ToString();
          ASSERT_FALSE(result->empty());
          const Event& first = result->front();
          EXPECT_EQ(first.from_state, state);
          ++allowed;
        } else {
          ASSERT_FALSE(result.ok());
          if (!role_ok) {
            EXPECT_EQ(result.error().code, ErrorCode::kForbidden);
          } else if (!has_leg) {
            EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
          } else {
            EXPECT_EQ(result.error().code, ErrorCode::kIllegalTransition);
          }
          ++refused;
        }
        EXPECT_EQ(o.version, before.version);
        EXPECT_EQ(o.state, before.state);
      }
    }
  }
  EXPECT_GT(allowed, 20);
  EXPECT_GT(refused, 500);
}

TEST_F(LifecycleTest, UnitUsersActOnlyOnTheirOwnLegs) {
  Order o = InSituation("pending_sign");
  auto r = Decide(o, Cmd(Action::kSign, 1), UnitUser("bj.heat"), Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  MustRun(o, Cmd(Action::kSign, 2), UnitUser("bj.heat"));
  EXPECT_EQ(o.FindLeg(2)->state, LegState::kSigned);
}

TEST_F(LifecycleTest, DispatchComputesEveryDeadlineFromTheRules) {
  Order o = InSituation("pending_sign");
  ASSERT_EQ(o.legs.size(), 2u);
  const Leg& lead = o.legs[0];
  EXPECT_EQ(lead.role, LegRole::kLead);
  EXPECT_EQ(lead.unit_id, "110105");
  EXPECT_EQ(o.legs[1].role, LegRole::kCo);
  // Monday 2025-09-29 09:00: sign within 1 working day → Tuesday 09:00; reply within 7 working
  // days from the next day → 10-16 (National Day); return window 1 working day.
  EXPECT_EQ(FormatRfc3339(lead.sign_due, 480), "2025-09-30T09:00:00+08:00");
  EXPECT_EQ(FormatRfc3339(lead.reply_due, 480), "2025-10-15T23:59:59+08:00");
  EXPECT_EQ(FormatRfc3339(lead.return_until, 480), "2025-09-30T09:00:00+08:00");
  EXPECT_EQ(o.state, OrderState::kInProgress);
}

TEST_F(LifecycleTest, CriticalOrdersGetShortNaturalTimeLimits) {
  Order o = NewOrder(1, Urgency::kCritical);
  MustRun(o, Cmd(Action::kSendToDispatch), A("agent"));
  MustRun(o, DispatchCmd(), A("dispatcher"));
  EXPECT_EQ(FormatRfc3339(o.legs[0].sign_due, 480), "2025-09-29T09:15:00+08:00");
  EXPECT_EQ(FormatRfc3339(o.legs[0].reply_due, 480), "2025-09-29T11:00:00+08:00");
}

TEST_F(LifecycleTest, ReturnMustComeWithinTheWindow) {
  Order o = InSituation("signed");
  Command ret = Cmd(Action::kRequestReturn, 1);
  ret.reason = "不属于本单位职责";
  now_ = At("2025-09-30T09:00:01+08:00");  // one second after the 1-working-day window
  auto late = Decide(o, ret, A("unit"), Ctx());
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kIllegalTransition);
  now_ = At("2025-09-30T09:00:00+08:00");
  MustRun(o, ret, A("unit"));
  EXPECT_EQ(o.legs[0].state, LegState::kReturnRequested);
}

TEST_F(LifecycleTest, ComplexOrdersHaveATwoDayReturnWindow) {
  Order o = NewOrder();
  MustRun(o, Cmd(Action::kSendToDispatch), A("agent"));
  Command d = DispatchCmd();
  d.complex = true;
  MustRun(o, d, A("dispatcher"));
  // Monday 09:00 + 2 working days of elapsed time: the rest of Monday, Tuesday 09-30, then the
  // holiday week is skipped and the count ends at 10-09 09:00. The 15-working-day reply limit
  // counts 09-30, 10-09, 10-10, the make-up Saturday 10-11, ... and ends on 10-27.
  EXPECT_EQ(FormatRfc3339(o.legs[0].return_until, 480), "2025-10-09T09:00:00+08:00");
  EXPECT_EQ(FormatRfc3339(o.legs[0].reply_due, 480), "2025-10-27T23:59:59+08:00");
}

TEST_F(LifecycleTest, ReturnRequiresAReason) {
  Order o = InSituation("signed");
  auto r = Decide(o, Cmd(Action::kRequestReturn, 1), A("unit"), Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "reason");
}

TEST_F(LifecycleTest, ApprovedLeadReturnCancelsTheRoundAndGoesBackToDispatch) {
  Order o = InSituation("return_requested");
  MustRun(o, Cmd(Action::kApproveReturn, 1), A("dispatcher"));
  EXPECT_EQ(o.state, OrderState::kDispatching);
  EXPECT_EQ(o.legs[0].state, LegState::kReturned);
  EXPECT_EQ(o.legs[1].state, LegState::kCancelled);
  EXPECT_EQ(o.failed_dispatches, 1);
  EXPECT_FALSE(o.designated);
}

TEST_F(LifecycleTest, RefusedReturnGoesBackToWhereTheLegWas) {
  Order o = InSituation("signed");
  Command ret = Cmd(Action::kRequestReturn, 1);
  ret.reason = "不属于本单位职责";
  MustRun(o, ret, A("unit"));
  MustRun(o, Cmd(Action::kRefuseReturn, 1), A("dispatcher"));
  EXPECT_EQ(o.legs[0].state, LegState::kSigned);
}

TEST_F(LifecycleTest, ThreeFailedDispatchesDesignateTheHandler) {
  Order o = InSituation("dispatching");
  Command ret = Cmd(Action::kRequestReturn);
  ret.reason = "不属于本单位职责";
  for (int round = 1; round <= 3; ++round) {
    MustRun(o, DispatchCmd(), A("dispatcher"));
    ret.leg = o.LeadLeg()->no;
    MustRun(o, ret, A("unit"));
    Command approve = Cmd(Action::kApproveReturn, ret.leg);
    MustRun(o, approve, A("dispatcher"));
    EXPECT_EQ(o.failed_dispatches, round);
  }
  EXPECT_TRUE(o.designated);
  MustRun(o, DispatchCmd(), A("dispatcher"));
  const Leg* lead = o.LeadLeg();
  ASSERT_NE(lead, nullptr);
  EXPECT_TRUE(lead->designated);
  EXPECT_EQ(lead->dispatch_round, 4);
  ret.leg = lead->no;
  auto refused = Decide(o, ret, A("unit"), Ctx());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kIllegalTransition);
  EXPECT_NE(refused.error().message.find("designated"), std::string::npos);
}

TEST_F(LifecycleTest, ExtensionBeforeTheDeadlineMovesItByWorkingDays) {
  Order o = InSituation("extension_requested");
  MustRun(o, Cmd(Action::kApproveExtension, 1), A("dispatcher"));
  EXPECT_EQ(o.legs[0].state, LegState::kHandling);
  EXPECT_EQ(o.legs[0].extension_count, 1);
  // 10-15 23:59:59 + 3 working days of elapsed working time → 10-20 (skipping the weekend
  // of 10-18/19) at 23:59:59.
  EXPECT_EQ(FormatRfc3339(o.legs[0].reply_due, 480), "2025-10-20T23:59:59+08:00");
}

TEST_F(LifecycleTest, ExtensionAfterTheDeadlineIsRefused) {
  Order o = InSituation("handling");
  now_ = o.legs[0].reply_due + Millis(1);
  Command c = Cmd(Action::kRequestExtension, 1);
  c.days = 3;
  c.reason = "需要协调";
  auto r = Decide(o, c, A("unit"), Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIllegalTransition);
  EXPECT_TRUE(o.IsOverdue(now_));
}

TEST_F(LifecycleTest, ExtensionDaysAreBounded) {
  Order o = InSituation("handling");
  Command c = Cmd(Action::kRequestExtension, 1);
  c.reason = "需要协调";
  for (int days : {0, -1, 31}) {
    c.days = days;
    auto r = Decide(o, c, A("unit"), Ctx());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "days");
  }
}

TEST_F(LifecycleTest, SubDispatchedLegReturnsToItsParentThenTheLeadReplies) {
  Order o = InSituation("sub_dispatched");
  ASSERT_EQ(o.legs.size(), 3u);
  const Leg& child = o.legs[2];
  EXPECT_EQ(child.unit_id, "110105001");
  EXPECT_EQ(child.parent_no, 1);
  EXPECT_EQ(child.role, LegRole::kSub);
  EXPECT_EQ(child.reply_due, o.legs[0].reply_due);
  Actor street = UnitUser("110105001");
  MustRun(o, Cmd(Action::kSign, 3), street);
  Command ret = Cmd(Action::kRequestReturn, 3);
  ret.reason = "不归我们管";
  EXPECT_EQ(Decide(o, ret, street, Ctx()).error().code, ErrorCode::kIllegalTransition);
  MustRun(o, ReplyCmd(3), street);
  EXPECT_EQ(o.legs[0].state, LegState::kHandling);
  EXPECT_EQ(o.state, OrderState::kInProgress);
  MustRun(o, ReplyCmd(1), A("unit"));
  EXPECT_EQ(o.state, OrderState::kReplied);
}

TEST_F(LifecycleTest, SubDispatchOnlyDownTheUnitTree) {
  Order o = InSituation("handling");
  Command c = Cmd(Action::kSubDispatch, 1);
  c.unit = "110108";
  auto r = Decide(o, c, A("unit"), Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "unit");
}

TEST_F(LifecycleTest, UnsatisfiedVisitReopensThenSatisfiedVisitCloses) {
  Order o = InSituation("visiting");
  now_ = At("2025-10-13T10:00:00+08:00");
  MustRun(o, VisitCmd(Satisfaction::kUnsatisfied, true), A("visitor"));
  EXPECT_EQ(o.state, OrderState::kReopened);
  EXPECT_EQ(o.reopen_count, 1);
  EXPECT_EQ(o.legs[0].state, LegState::kHandling);
  EXPECT_EQ(FormatRfc3339(o.legs[0].reply_due, 480), "2025-10-22T23:59:59+08:00");
  MustRun(o, ReplyCmd(1), A("unit"));
  EXPECT_EQ(o.state, OrderState::kReplied);
  MustRun(o, Cmd(Action::kAcceptReply), A("dispatcher"));
  MustRun(o, VisitCmd(Satisfaction::kBasicallySatisfied), A("visitor"));
  EXPECT_EQ(o.state, OrderState::kClosed);
  ASSERT_EQ(o.visits.size(), 2u);
  EXPECT_EQ(o.visits[0].satisfaction, Satisfaction::kUnsatisfied);
  EXPECT_EQ(o.visits[1].satisfaction, Satisfaction::kBasicallySatisfied);
}

TEST_F(LifecycleTest, VisitSampleRulesPickTheMostSpecific) {
  Evaluation& e = j_.evaluation;
  e.visit_sample = {VisitRule{"", "", UnitClass::kDistrict, 0.5},
                    VisitRule{"", "01", std::nullopt, 0.4},
                    VisitRule{"", "0101", std::nullopt, 0.3},
                    VisitRule{"110105", "", std::nullopt, 0.2}};
  EXPECT_DOUBLE_EQ(e.VisitShare("110105", UnitClass::kDistrict, "0101"), 0.2);  // unit
  EXPECT_DOUBLE_EQ(e.VisitShare("110108", UnitClass::kDistrict, "0101"), 0.3);  // longer prefix
  EXPECT_DOUBLE_EQ(e.VisitShare("110108", UnitClass::kDistrict, "0102"), 0.4);
  EXPECT_DOUBLE_EQ(e.VisitShare("110108", UnitClass::kDistrict, "02"), 0.5);    // class
  EXPECT_DOUBLE_EQ(e.VisitShare("bj.cgw", UnitClass::kCityDepartment, "02"), 1.0);
}

TEST_F(LifecycleTest, VisitShareSamplesOrdersAndClosesTheRestWithoutAVisit) {
  j_.evaluation.visit_sample = {VisitRule{"", "", UnitClass::kDistrict, 0.3}};
  int visited = 0, closed = 0;
  for (int64_t id = 1; id <= 200; ++id) {
    Order o = InSituation("replied", id);
    MustRun(o, Cmd(Action::kAcceptReply), A("dispatcher"));
    if (o.state == OrderState::kVisiting) {
      ++visited;
    } else {
      ASSERT_EQ(o.state, OrderState::kClosed);
      EXPECT_NE(o.close_reason.find("not in the visit sample"), std::string::npos);
      ++closed;
    }
    // The same order always gets the same answer.
    Order again = InSituation("replied", id);
    MustRun(again, Cmd(Action::kAcceptReply), A("dispatcher"));
    EXPECT_EQ(again.state, o.state);
  }
  EXPECT_EQ(visited + closed, 200);
  EXPECT_GT(visited, 35);  // 30% of 200 = 60, well inside these bounds for any fair sample
  EXPECT_LT(visited, 85);
}

TEST_F(LifecycleTest, UnsatisfiedButNotAttributableCloses) {
  Order o = InSituation("visiting");
  MustRun(o, VisitCmd(Satisfaction::kUnsatisfied, false), A("visitor"));
  EXPECT_EQ(o.state, OrderState::kClosed);
}

TEST_F(LifecycleTest, UnreachedVisitsCloseAfterTheConfiguredAttempts) {
  Order o = InSituation("visiting");
  Command c = Cmd(Action::kVisit);
  c.visit.reached = false;
  MustRun(o, c, A("visitor"));
  MustRun(o, c, A("visitor"));
  EXPECT_EQ(o.state, OrderState::kVisiting);
  MustRun(o, c, A("visitor"));
  EXPECT_EQ(o.state, OrderState::kClosed);
}

TEST_F(LifecycleTest, ReopenLimitClosesTheOrder) {
  Order o = InSituation("visiting");
  for (int i = 0; i < j_.policy.max_reopens; ++i) {
    MustRun(o, VisitCmd(Satisfaction::kUnsatisfied, true), A("visitor"));
    ASSERT_EQ(o.state, OrderState::kReopened);
    MustRun(o, ReplyCmd(1), A("unit"));
    MustRun(o, Cmd(Action::kAcceptReply), A("dispatcher"));
  }
  MustRun(o, VisitCmd(Satisfaction::kUnsatisfied, true), A("visitor"));
  EXPECT_EQ(o.state, OrderState::kClosed);
}

TEST_F(LifecycleTest, TheCitizenReadsOnlyThePublicTextOfAnAcceptedReply) {
  Order o = InSituation("handling");
  MustRun(o, Cmd(Action::kSign, 2), UnitUser("bj.heat"));
  Command co = ReplyCmd(2);
  co.text = "热力公司张工（13900001111）已排查";
  co.public_text = "热力公司已排查管道";
  MustRun(o, co, UnitUser("bj.heat"));
  Command lead = ReplyCmd(1);
  lead.text = "王科长13800002222已协调";
  lead.public_text = "   ";
  MustRun(o, lead, A("unit"));
  EXPECT_EQ(o.legs[0].reply_text, "王科长13800002222已协调");
  EXPECT_EQ(o.legs[0].public_reply_text, "") << "blank is nothing";
  EXPECT_EQ(o.legs[1].public_reply_text, "热力公司已排查管道");
  EXPECT_EQ(o.state, OrderState::kReplied);
  EXPECT_EQ(o.PublicReply(), "") << "the hotline has not accepted the reply yet";
  MustRun(o, Cmd(Action::kAcceptReply), A("dispatcher"));
  // The lead has no public text: the other replied legs' texts, never the internal ones.
  EXPECT_EQ(o.PublicReply(), "热力公司已排查管道");

  Order p = InSituation("handling", 2);
  Command with = ReplyCmd(1);
  with.public_text = "管道已修复，暖气恢复";
  MustRun(p, with, A("unit"));
  MustRun(p, Cmd(Action::kAcceptReply), A("dispatcher"));
  EXPECT_EQ(p.PublicReply(), "管道已修复，暖气恢复");
  MustRun(p, VisitCmd(Satisfaction::kSatisfied), A("visitor"));
  EXPECT_EQ(p.PublicReply(), "管道已修复，暖气恢复");

  Order q = InSituation("handling", 3);
  Command too_long = ReplyCmd(1);
  too_long.public_text = std::string(static_cast<size_t>(j_.policy.max_text_chars) + 1, 'x');
  Status s = Run(q, too_long, A("unit"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "public_text");
  EXPECT_EQ(q.legs[0].state, LegState::kHandling);
}

// The citizen's own rating on the public page: a visit of channel web by the public role.
class CitizenRatingTest : public LifecycleTest {
 protected:
  CitizenRatingTest() {
    std::vector<RoleDef> roles = j_.roles.all();
    RoleDef citizen;
    citizen.name = "citizen";
    citizen.is_public = true;
    citizen.actions = {Action::kIntake, Action::kVisit};
    roles.push_back(citizen);
    j_.roles = Roles(std::move(roles));
  }
  static Command Rating(Satisfaction s, bool reopen = false) {
    Command c = Cmd(Action::kVisit);
    c.visit.channel = Channel::kWeb;
    c.visit.satisfaction = s;
    c.visit.solved = s != Satisfaction::kUnsatisfied;
    c.visit.attributable = reopen;
    return c;
  }
  Actor citizen_{0, "public", "citizen", ""};
};

TEST_F(CitizenRatingTest, ARatingIsTheRoundsVisitAndCountsInTheScores) {
  Order o = InSituation("visiting");
  ASSERT_TRUE(CitizenMayRate(o).ok());
  now_ = At("2025-09-30T20:00:00+08:00");
  MustRun(o, Rating(Satisfaction::kBasicallySatisfied), citizen_);
  EXPECT_EQ(o.state, OrderState::kClosed);
  ASSERT_EQ(o.visits.size(), 1u);
  EXPECT_EQ(o.visits[0].channel, Channel::kWeb);
  EXPECT_TRUE(o.visits[0].reached);
  EXPECT_EQ(o.visits[0].visitor_id, 0);
  const OrderFacts facts = FactsOf(o);
  ASSERT_TRUE(facts.visit.has_value());
  EXPECT_EQ(facts.visit->satisfaction, Satisfaction::kBasicallySatisfied);
  EXPECT_TRUE(facts.visit->solved);
  // One rating per round.
  Status again = CitizenMayRate(o);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto refused = Decide(o, Rating(Satisfaction::kSatisfied), citizen_, Ctx());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("rated already"), std::string::npos);
}

TEST_F(CitizenRatingTest, OnlyAnOrderAwaitingItsVisitCanBeRated) {
  for (const char* situation : {"received", "handling", "replied", "closed"}) {
    Order o = InSituation(situation);
    auto r = Decide(o, Rating(Satisfaction::kSatisfied), citizen_, Ctx());
    ASSERT_FALSE(r.ok()) << situation;
    EXPECT_EQ(r.error().code, ErrorCode::kIllegalTransition) << situation;
    EXPECT_FALSE(CitizenMayRate(o).ok());
  }
  // An unreached call of the hotline leaves the round open to the citizen.
  Order o = InSituation("visiting");
  Command unreached = Cmd(Action::kVisit);
  MustRun(o, unreached, A("visitor"));
  ASSERT_EQ(o.state, OrderState::kVisiting);
  MustRun(o, Rating(Satisfaction::kSatisfied), citizen_);
  EXPECT_EQ(o.state, OrderState::kClosed);
  // A role without `visit` cannot rate.
  Order p = InSituation("visiting", 2);
  auto r = Decide(p, Rating(Satisfaction::kSatisfied), A("agent"), Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
}

TEST_F(CitizenRatingTest, AnUnsatisfiedRatingAsksForReopeningWithinTheWindowAndTheLimit) {
  Order o = InSituation("visiting");
  ASSERT_TRUE(o.LeadLeg()->replied_at.has_value());
  const TimePoint until = *CitizenReopenUntil(o, j_.policy);
  EXPECT_EQ(FormatRfc3339(until, 480), "2025-10-06T09:00:00+08:00");

  // 重办 goes with an unsatisfied rating only.
  auto satisfied = Decide(o, Rating(Satisfaction::kSatisfied, true), citizen_, Ctx());
  ASSERT_FALSE(satisfied.ok());
  EXPECT_EQ(satisfied.error().field, "reopen");

  // Past the window: refused, and nothing changes.
  now_ = until + std::chrono::minutes(1);
  const Order before = o;
  auto late = Decide(o, Rating(Satisfaction::kUnsatisfied, true), citizen_, Ctx());
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kIllegalTransition);
  EXPECT_NE(late.error().message.find("2025-10-06T09:00:00+08:00"), std::string::npos);
  EXPECT_EQ(o.version, before.version);

  now_ = until;
  for (int i = 0; i < j_.policy.max_reopens; ++i) {
    MustRun(o, Rating(Satisfaction::kUnsatisfied, true), citizen_);
    ASSERT_EQ(o.state, OrderState::kReopened);
    EXPECT_EQ(o.legs[0].state, LegState::kHandling);
    EXPECT_EQ(CitizenMayRate(o).error().code, ErrorCode::kConflict);
    MustRun(o, ReplyCmd(1), A("unit"));
    MustRun(o, Cmd(Action::kAcceptReply), A("dispatcher"));
    ASSERT_EQ(o.state, OrderState::kVisiting);
    EXPECT_TRUE(CitizenMayRate(o).ok()) << "a new round after the new reply";
  }
  EXPECT_FALSE(CitizenReopenUntil(o, j_.policy).has_value());
  auto over = Decide(o, Rating(Satisfaction::kUnsatisfied, true), citizen_, Ctx());
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kIllegalTransition);
  // Without 重办 the unsatisfied rating closes the order.
  MustRun(o, Rating(Satisfaction::kUnsatisfied), citizen_);
  EXPECT_EQ(o.state, OrderState::kClosed);
  EXPECT_EQ(o.reopen_count, j_.policy.max_reopens);
  EXPECT_EQ(o.visits.size(), static_cast<size_t>(j_.policy.max_reopens) + 1);

  // A policy of 0 days takes no 重办 on the page.
  j_.policy.citizen_reopen_days = 0;
  Order p = InSituation("visiting", 2);
  EXPECT_FALSE(CitizenReopenUntil(p, j_.policy).has_value());
  EXPECT_FALSE(Decide(p, Rating(Satisfaction::kUnsatisfied, true), citizen_, Ctx()).ok());
}

TEST_F(LifecycleTest, RejectedReplyGoesBackToTheUnit) {
  Order o = InSituation("replied");
  Command c = Cmd(Action::kRejectReply);
  c.reason = "答复内容不完整";
  MustRun(o, c, A("dispatcher"));
  EXPECT_EQ(o.state, OrderState::kInProgress);
  EXPECT_EQ(o.legs[0].state, LegState::kHandling);
}

TEST_F(LifecycleTest, MergeFoldsADuplicateIntoItsParent) {
  Order child = NewOrder(1);
  Order parent = NewOrder(2);
  Command c = Cmd(Action::kMerge);
  c.parent_order = 2;
  MustRun(child, c, A("dispatcher"), &parent);
  EXPECT_EQ(child.state, OrderState::kMerged);
  EXPECT_EQ(child.merged_into, 2);
  ASSERT_EQ(parent.merged_children.size(), 1u);
  EXPECT_EQ(parent.merged_children[0], 1);
  ASSERT_EQ(parent.extra_callers.size(), 1u);
  EXPECT_EQ(parent.extra_callers[0].phone, "13812341234");
  EXPECT_EQ(parent.state, OrderState::kReceived);

  Order self = NewOrder(3);
  c.parent_order = 3;
  EXPECT_EQ(Decide(self, c, A("dispatcher"), Ctx(), &self).error().code,
            ErrorCode::kInvalidArgument);
  Order merged_child = child;
  Order other = NewOrder(4);
  c.parent_order = 1;
  EXPECT_EQ(Decide(other, c, A("dispatcher"), Ctx(), &merged_child).error().code,
            ErrorCode::kIllegalTransition);
}

TEST_F(LifecycleTest, ReplayOfTheHistoryGivesTheSameOrder) {
  std::vector<Event> history;
  Order o = NewOrder();
  auto first = DecideIntake(1, "T1", o.draft, A("agent"), Ctx());
  history = *first;
  auto step = [&](const Command& c, const Actor& a) {
    auto events = Decide(o, c, a, Ctx());
    ASSERT_TRUE(events.ok()) << events.error().ToString();
    for (const auto& e : *events) {
      Apply(o, e);
      history.push_back(e);
    }
  };
  step(Cmd(Action::kSendToDispatch), A("agent"));
  step(DispatchCmd(), A("dispatcher"));
  step(Cmd(Action::kSign, 1), A("unit"));
  step(ReplyCmd(1), A("unit"));
  Order replayed = Replay(history);
  EXPECT_EQ(replayed.version, o.version);
  EXPECT_EQ(replayed.state, o.state);
  EXPECT_EQ(replayed.legs.size(), o.legs.size());
  EXPECT_EQ(replayed.legs[0].reply_text, o.legs[0].reply_text);
  EXPECT_EQ(replayed.legs[0].state, LegState::kReplied);
}

TEST_F(LifecycleTest, IntakeValidatesCodesAndDerivesTheDistrict) {
  OrderDraft d;
  d.content = "路灯不亮";
  d.location.street_code = "110105001";
  auto ok = DecideIntake(1, "T1", d, A("agent"), Ctx());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->front().draft->location.district_code, "110105");

  OrderDraft bad = d;
  bad.location.district_code = "110108";
  EXPECT_EQ(DecideIntake(1, "T1", bad, A("agent"), Ctx()).error().field, "location.street_code");
  bad = d;
  bad.category = "99";
  EXPECT_EQ(DecideIntake(1, "T1", bad, A("agent"), Ctx()).error().field, "category");
  bad = d;
  bad.content = "   ";
  EXPECT_EQ(DecideIntake(1, "T1", bad, A("agent"), Ctx()).error().field, "content");
  bad = d;
  bad.caller.phone = "138-abc";
  EXPECT_EQ(DecideIntake(1, "T1", bad, A("agent"), Ctx()).error().field, "caller.phone");
  bad = d;
  bad.location.lat = 91;
  bad.location.lon = 116;
  EXPECT_EQ(DecideIntake(1, "T1", bad, A("agent"), Ctx()).error().field, "location.lat");
  EXPECT_EQ(DecideIntake(1, "T1", d, A("unit"), Ctx()).error().code, ErrorCode::kForbidden);
}

TEST_F(LifecycleTest, WebIntakeMustBeDispatchedWithinTwoHours) {
  OrderDraft d;
  d.content = "网上留言：噪音扰民";
  d.channel = Channel::kWeb;
  auto events = DecideIntake(1, "T1", d, A("agent"), Ctx());
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(FormatRfc3339(*events->front().deadline, 480), "2025-09-29T11:00:00+08:00");
}

}  // namespace
}  // namespace jiesu::domain
