#include "domain/alarms.h"

#include <gtest/gtest.h>

#include "domain/lifecycle.h"
#include "domain/test_jurisdiction.h"

namespace jiesu::domain {
namespace {

TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

class AlarmsTest : public ::testing::Test {
 protected:
  AlarmsTest() : j_(testing::MakeTestJurisdiction()) {}

  void Run(Order& o, const Command& cmd, const Actor& actor) {
    auto events = Decide(o, cmd, actor, Context{j_, now_});
    ASSERT_TRUE(events.ok()) << events.error().ToString();
    for (const Event& e : *events) Apply(o, e);
  }
  // Fires what is due at `now_`, returns the kinds issued.
  std::vector<std::string> Fire(Order& o) {
    std::vector<std::string> kinds;
    for (const Event& e : DecideAlarms(o, now_)) {
      EXPECT_EQ(e.seq, o.version + 1);
      Apply(o, e);
      kinds.push_back(std::string(Name(e.card->kind)));
    }
    return kinds;
  }
  Order Dispatched() {
    OrderDraft d;
    d.content = "楼道灯坏了";
    d.category = "02";
    d.location.street_code = "110105001";
    auto events = DecideIntake(1, "T1", d, agent_, Context{j_, now_});
    EXPECT_TRUE(events.ok());
    Order o = Replay(*events);
    Command c;
    c.action = Action::kSendToDispatch;
    Run(o, c, agent_);
    c.action = Action::kDispatch;
    c.lead_unit = "110105";
    Run(o, c, dispatcher_);
    return o;
  }

  Jurisdiction j_;
  TimePoint now_ = At("2025-10-09T10:00:00+08:00");  // a Thursday after National Day
  Actor agent_{1, "agent1", "agent", ""};
  Actor dispatcher_{2, "disp1", "dispatcher", ""};
  Actor unit_{3, "cy1", "unit", "110105"};
};

TEST_F(AlarmsTest, DispatchRedCardWhenTheOrderWaitsTooLong) {
  OrderDraft d;
  d.content = "路灯不亮";
  auto events = DecideIntake(1, "T1", d, agent_, Context{j_, now_});
  ASSERT_TRUE(events.ok());
  Order o = Replay(*events);
  ASSERT_EQ(o.dispatch_due, now_ + std::chrono::minutes(30));
  EXPECT_EQ(NextAlarm(o), o.dispatch_due);
  now_ = o.dispatch_due - std::chrono::milliseconds(1);
  EXPECT_TRUE(Fire(o).empty());
  now_ = o.dispatch_due;
  EXPECT_EQ(Fire(o), std::vector<std::string>{"dispatch_red"});
  EXPECT_FALSE(NextAlarm(o));
  now_ += std::chrono::hours(5);
  EXPECT_TRUE(Fire(o).empty());
}

TEST_F(AlarmsTest, YellowRedAndUrgesFireOnceEachAtTheirInstants) {
  Order o = Dispatched();
  const Leg& l = o.legs[0];
  // sign.default is 1 working day: Friday 10:00. Yellow 24 h before, but not before half-way.
  EXPECT_EQ(l.sign_due, At("2025-10-10T10:00:00+08:00"));
  auto alarms = PendingAlarms(o);
  ASSERT_EQ(alarms.size(), 4u);
  EXPECT_EQ(alarms[0].kind, CardKind::kSignYellow);
  EXPECT_EQ(alarms[0].fire_at, At("2025-10-09T22:00:00+08:00"));
  EXPECT_EQ(alarms[1].kind, CardKind::kSignRed);
  EXPECT_EQ(alarms[1].fire_at, l.sign_due);
  EXPECT_EQ(alarms[2].kind, CardKind::kReplyYellow);
  EXPECT_EQ(alarms[2].fire_at, l.reply_due - std::chrono::hours(24));
  EXPECT_EQ(alarms[3].kind, CardKind::kReplyRed);

  now_ = At("2025-10-09T22:00:00+08:00");
  EXPECT_EQ(Fire(o), std::vector<std::string>{"sign_yellow"});
  EXPECT_TRUE(Fire(o).empty());  // asking again issues nothing
  // Signing before the deadline cancels the red sign card.
  now_ = At("2025-10-10T09:00:00+08:00");
  Command sign;
  sign.action = Action::kSign;
  sign.leg = 1;
  Run(o, sign, unit_);
  EXPECT_EQ(NextAlarm(o), o.legs[0].reply_due - std::chrono::hours(24));

  // The server was down from before the reply yellow until after the second 催办: on its first
  // tick it issues the yellow card, the red card and both reminders, each once, in order.
  const TimePoint due = o.legs[0].reply_due;
  now_ = due + std::chrono::hours(24 * 2) + std::chrono::minutes(5);
  EXPECT_EQ(Fire(o), (std::vector<std::string>{"reply_yellow", "reply_red", "urge", "urge"}));
  EXPECT_TRUE(o.legs[0].overdue);
  ASSERT_EQ(o.cards.size(), 5u);
  EXPECT_EQ(o.cards[2].fire_at, due);
  EXPECT_EQ(o.cards[3].fire_at, due + std::chrono::hours(24));
  EXPECT_EQ(o.cards[4].number, 2);
  EXPECT_EQ(o.cards[4].at, now_);
  EXPECT_EQ(NextAlarm(o), due + std::chrono::hours(72));  // third and last reminder
  now_ = due + std::chrono::hours(24 * 10);
  EXPECT_EQ(Fire(o), std::vector<std::string>{"urge"});
  EXPECT_FALSE(NextAlarm(o));
}

TEST_F(AlarmsTest, ANewDeadlineGetsItsOwnCardsAndRepliesStopThem) {
  Order o = Dispatched();
  now_ = o.legs[0].reply_due - std::chrono::hours(1);
  EXPECT_EQ(Fire(o), (std::vector<std::string>{"sign_yellow", "sign_red", "reply_yellow"}));
  Command sign;
  sign.action = Action::kSign;
  sign.leg = 1;
  Run(o, sign, unit_);
  Command ext;
  ext.action = Action::kRequestExtension;
  ext.leg = 1;
  ext.days = 3;
  ext.reason = "需协调产权单位";
  Run(o, ext, unit_);
  ext.action = Action::kApproveExtension;
  Run(o, ext, dispatcher_);
  const TimePoint new_due = o.legs[0].reply_due;
  ASSERT_GT(new_due, now_ + std::chrono::hours(24));
  EXPECT_EQ(NextAlarm(o), new_due - std::chrono::hours(24));
  Command reply;
  reply.action = Action::kReply;
  reply.leg = 1;
  reply.text = "已修复";
  reply.reply_result = ReplyResult::kResolved;
  Run(o, reply, unit_);
  EXPECT_FALSE(NextAlarm(o));
  now_ = new_due + std::chrono::hours(100);
  EXPECT_TRUE(Fire(o).empty());
}

}  // namespace
}  // namespace jiesu::domain
