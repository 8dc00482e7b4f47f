// A simulated month of deadlines on the real demo configuration and calendar: orders of mixed
// urgency and time-limit units, dispatched across the 2026 Spring Festival holiday
// (2026-02-15..23) and its make-up working days (Saturdays 02-14 and 02-28), with the server
// stopped for a day and a half in the middle. The clock is a ManualClock moved one minute per
// tick; each card must be issued once, for the instant worked out by hand below, and within
// one tick of it (or at the first tick after the restart, for cards that fell due while the
// server was down).
#include "service/scheduler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "config/loader.h"
#include "domain/alarms.h"
#include "service/orders.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::service {
namespace {

namespace fs = std::filesystem;
using domain::Action;
using domain::CardKind;

TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

struct Expected {
  CardKind kind;
  TimePoint fire_at;
};

class SimulatedMonth : public ::testing::Test {
 protected:
  void SetUp() override {
    auto j = config::LoadJurisdiction(fs::path(JIESU_SOURCE_DIR) / "config" / "demo-beijing");
    ASSERT_TRUE(j.ok()) << j.error().message;
    j_ = std::move(*j);
    dir_ = fs::temp_directory_path() / ("jiesu-sched-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Open();
  }
  void TearDown() override {
    Close();
    fs::remove_all(dir_);
  }
  void Open() {
    auto s = storage::sqlite::SqliteStore::Open({(dir_ / "j.db").string(), 2, 64});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    orders_ = std::make_unique<Orders>(*store_, j_, clock_, hasher_);
    scheduler_ = std::make_unique<Scheduler>(*store_, clock_);
  }
  void Close() {
    scheduler_.reset();
    orders_.reset();
    store_.reset();
  }

  int64_t Dispatch(domain::Urgency urgency, const std::string& category) {
    domain::OrderDraft d;
    d.content = "测试诉求：" + category;
    d.urgency = urgency;
    d.category = category;
    d.location.street_code = "110105001";
    auto c = orders_->Intake(agent_, d, "", "");
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    const int64_t id = c->order.id;
    Act(id, Action::kSendToDispatch, agent_);
    domain::Command cmd;
    cmd.action = Action::kDispatch;
    cmd.lead_unit = "110105";
    auto o = orders_->Act(dispatcher_, id, cmd);
    EXPECT_TRUE(o.ok()) << o.error().ToString();
    return id;
  }
  void Act(int64_t id, Action a, const domain::Actor& who, int leg = 0) {
    domain::Command cmd;
    cmd.action = a;
    cmd.leg = leg;
    if (a == Action::kReply) {
      cmd.text = "已处理";
      cmd.reply_result = domain::ReplyResult::kResolved;
    }
    auto o = orders_->Act(who, id, cmd);
    ASSERT_TRUE(o.ok()) << domain::Name(a) << ": " << o.error().ToString();
  }

  domain::Jurisdiction j_;
  fs::path dir_;
  ManualClock clock_{At("2026-02-12T09:00:00+08:00")};
  CallerHasher hasher_{std::string(32, 'k')};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  std::unique_ptr<Orders> orders_;
  std::unique_ptr<Scheduler> scheduler_;
  domain::Actor agent_{1, "agent1", "agent", ""};
  domain::Actor dispatcher_{2, "dispatcher1", "dispatcher", ""};
  domain::Actor unit_{3, "chaoyang1", "unit_handler", "110105"};
};

TEST_F(SimulatedMonth, CardsFireOnceAtTheirInstantsAcrossTheHolidayAndARestart) {
  using std::chrono::minutes;
  const TimePoint end = At("2026-03-06T00:00:00+08:00");
  const TimePoint down_from = At("2026-02-17T00:00:00+08:00");
  const TimePoint down_to = At("2026-02-18T12:00:00+08:00");

  // What happens when: dispatches and the units' actions.
  std::map<std::string, int64_t> id;
  std::multimap<TimePoint, std::function<void()>> script;
  // A: general request, Thursday before the holiday; never signed or replied.
  script.emplace(At("2026-02-12T10:00:00+08:00"),
                 [&] { id["A"] = Dispatch(domain::Urgency::kNormal, "0201"); });
  // D: general request on Friday, signed at once and replied in time: no cards at all.
  script.emplace(At("2026-02-13T16:00:00+08:00"),
                 [&] { id["D"] = Dispatch(domain::Urgency::kNormal, "0202"); });
  script.emplace(At("2026-02-13T16:30:00+08:00"), [&] { Act(id["D"], Action::kSign, unit_, 1); });
  script.emplace(At("2026-02-26T10:00:00+08:00"), [&] { Act(id["D"], Action::kReply, unit_, 1); });
  // B: critical, on the make-up Saturday; signed late, replied in time.
  script.emplace(At("2026-02-14T15:00:00+08:00"),
                 [&] { id["B"] = Dispatch(domain::Urgency::kCritical, "0106"); });
  script.emplace(At("2026-02-14T15:20:00+08:00"), [&] { Act(id["B"], Action::kSign, unit_, 1); });
  script.emplace(At("2026-02-14T16:30:00+08:00"), [&] { Act(id["B"], Action::kReply, unit_, 1); });
  // C: heating (水电气热, natural hours) on a holiday; signed in time, replied late.
  script.emplace(At("2026-02-16T08:00:00+08:00"),
                 [&] { id["C"] = Dispatch(domain::Urgency::kNormal, "010104"); });
  script.emplace(At("2026-02-16T08:10:00+08:00"), [&] { Act(id["C"], Action::kSign, unit_, 1); });
  script.emplace(At("2026-02-19T09:00:00+08:00"), [&] { Act(id["C"], Action::kReply, unit_, 1); });

  std::map<std::string, std::vector<Expected>> expected{
      // Sign: 1 working day → Fri 10:00; yellow at half of that span. Reply: 7 working days
      // from the next day: 02-13, 02-14 (make-up), 02-24..27, 02-28 (make-up) → 02-28 end of
      // day; yellow 24 h before; then 催办 daily, three times.
      {"A",
       {{CardKind::kSignYellow, At("2026-02-12T22:00:00+08:00")},
        {CardKind::kSignRed, At("2026-02-13T10:00:00+08:00")},
        {CardKind::kReplyYellow, At("2026-02-27T23:59:59+08:00")},
        {CardKind::kReplyRed, At("2026-02-28T23:59:59+08:00")},
        {CardKind::kUrge, At("2026-03-01T23:59:59+08:00")},
        {CardKind::kUrge, At("2026-03-02T23:59:59+08:00")},
        {CardKind::kUrge, At("2026-03-03T23:59:59+08:00")}}},
      {"D", {}},
      // Critical: sign 15 min (yellow half-way), reply 2 h (yellow half-way).
      {"B",
       {{CardKind::kSignYellow, At("2026-02-14T15:07:30+08:00")},
        {CardKind::kSignRed, At("2026-02-14T15:15:00+08:00")},
        {CardKind::kReplyYellow, At("2026-02-14T16:00:00+08:00")}}},
      // Utilities: sign 30 min, reply 24 natural hours (holiday or not). The red card and the
      // first 催办 fall due while the server is down.
      {"C",
       {{CardKind::kReplyYellow, At("2026-02-16T20:00:00+08:00")},
        {CardKind::kReplyRed, At("2026-02-17T08:00:00+08:00")},
        {CardKind::kUrge, At("2026-02-18T08:00:00+08:00")},
        {CardKind::kUrge, At("2026-02-19T08:00:00+08:00")}}},
  };

  int64_t issued = 0;
  bool restarted = false;
  for (TimePoint t = clock_.Now(); t < end; t += minutes(1)) {
    if (t >= down_from && t < down_to) continue;  // the server is down
    if (t >= down_to && !restarted) {
      Close();
      Open();
      restarted = true;
    }
    clock_.Set(t);
    while (!script.empty() && script.begin()->first <= t) {
      clock_.Set(script.begin()->first);
      script.begin()->second();
      script.erase(script.begin());
      clock_.Set(t);
    }
    auto n = scheduler_->Tick();
    ASSERT_TRUE(n.ok()) << n.error().ToString();
    issued += *n;
  }
  ASSERT_TRUE(restarted);

  int64_t cards = 0;
  for (const auto& [name, want] : expected) {
    auto o = store_->GetOrder(id.at(name));
    ASSERT_TRUE(o.ok());
    ASSERT_EQ(o->cards.size(), want.size()) << name;
    cards += static_cast<int64_t>(o->cards.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const domain::Card& c = o->cards[i];
      SCOPED_TRACE(name + " card " + std::to_string(i));
      EXPECT_EQ(c.kind, want[i].kind) << domain::Name(c.kind);
      EXPECT_EQ(FormatRfc3339(c.fire_at, 480), FormatRfc3339(want[i].fire_at, 480));
      if (c.fire_at >= down_from && c.fire_at < down_to) {
        EXPECT_EQ(c.at, down_to);  // caught up at the first tick after the restart
      } else {
        EXPECT_GE(c.at, c.fire_at);
        EXPECT_LT(c.at - c.fire_at, minutes(1));
      }
    }
  }
  EXPECT_EQ(issued, cards);  // nothing else was issued, nothing twice
  // The reply red card marked the late legs overdue; the notices reached the unit.
  EXPECT_TRUE(store_->GetOrder(id["A"])->legs[0].overdue);
  EXPECT_TRUE(store_->GetOrder(id["C"])->legs[0].overdue);
  EXPECT_FALSE(store_->GetOrder(id["B"])->legs[0].overdue);
  auto notices = store_->ListNotices("110105", 0, 100);
  ASSERT_TRUE(notices.ok());
  EXPECT_EQ(static_cast<int64_t>(notices->size()), cards);
  // Nothing is left to fire.
  EXPECT_TRUE(store_->DueTimers(end + std::chrono::hours(24 * 365), 10)->empty());
}

}  // namespace
}  // namespace jiesu::service
