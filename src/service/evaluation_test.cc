// Scores computed from a real store on the demo configuration: a month of orders for one
// district with every outcome a figure distinguishes, checked against figures worked out by
// hand; drill-down returns exactly the orders counted; an upheld appeal moves the scores by
// exactly the order it removes, with the change in the score's audit history.
#include "service/evaluation.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <set>

#include "config/loader.h"
#include "service/orders.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::service {
namespace {

namespace fs = std::filesystem;
using domain::Action;
using domain::Metric;
using domain::Satisfaction;

TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

class EvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto j = config::LoadJurisdiction(fs::path(JIESU_SOURCE_DIR) / "config" / "demo-beijing");
    ASSERT_TRUE(j.ok()) << j.error().message;
    j_ = std::move(*j);
    dir_ = fs::temp_directory_path() / ("jiesu-eval-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = storage::sqlite::SqliteStore::Open({(dir_ / "j.db").string(), 2, 64});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    orders_ = std::make_unique<service::Orders>(*store_, j_, clock_, hasher_);
    eval_ = std::make_unique<Evaluator>(*store_, j_, clock_);
  }
  void TearDown() override {
    eval_.reset();
    orders_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  int64_t Dispatched(const char* at, const std::string& unit = "110105") {
    clock_.Set(At(at));
    domain::OrderDraft d;
    d.content = "夜间施工噪音扰民";
    d.category = "0201";
    d.location.street_code = "110105001";
    auto c = orders_->Intake(agent_, d, "", "");
    EXPECT_TRUE(c.ok());
    Do(c->order.id, at, Action::kSendToDispatch, agent_);
    Do(c->order.id, at, Action::kDispatch, dispatcher_, 0,
       [&](domain::Command& cmd) { cmd.lead_unit = unit; });
    return c->order.id;
  }
  void Do(int64_t id, const char* at, Action a, const domain::Actor& who, int leg = 0,
          const std::function<void(domain::Command&)>& fill = {}) {
    clock_.Set(At(at));
    domain::Command cmd;
    cmd.action = a;
    cmd.leg = leg;
    if (a == Action::kReply) {
      cmd.text = "已处理";
      cmd.reply_result = domain::ReplyResult::kResolved;
    }
    if (fill) fill(cmd);
    auto o = orders_->Act(who, id, cmd);
    ASSERT_TRUE(o.ok()) << domain::Name(a) << " at " << at << ": " << o.error().ToString();
  }
  void Visit(int64_t id, const char* at, Satisfaction s, bool solved, bool attributable = false) {
    Do(id, at, Action::kVisit, visitor_, 0, [&](domain::Command& c) {
      c.visit.reached = true;
      c.visit.contacted = true;
      c.visit.solved = solved;
      c.visit.satisfaction = s;
      c.visit.attributable = attributable;
    });
  }
  static std::set<int64_t> Ids(const Drilldown& d, bool excluded = false) {
    std::set<int64_t> out;
    for (const auto& r : d.rows) {
      if (r.excluded == excluded) out.insert(r.order_id);
    }
    return out;
  }

  domain::Jurisdiction j_;
  fs::path dir_;
  ManualClock clock_{At("2026-01-05T09:00:00+08:00")};
  CallerHasher hasher_{std::string(32, 'k')};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  std::unique_ptr<service::Orders> orders_;
  std::unique_ptr<Evaluator> eval_;
  domain::Actor agent_{1, "agent1", "agent", ""};
  domain::Actor dispatcher_{2, "dispatcher1", "dispatcher", ""};
  domain::Actor visitor_{4, "visitor1", "visitor", ""};
  domain::Actor supervisor_{5, "supervisor1", "supervisor", ""};
  domain::Actor unit_{6, "chaoyang1", "unit_handler", "110105"};
  domain::Actor street_{7, "jianwai1", "unit_handler", "110105001"};
  domain::Actor analyst_{8, "analyst1", "analyst", ""};
};

TEST_F(EvaluationTest, FiguresDrillDownAndAppeals) {
  // Dispatched Monday 2026-01-05 10:00. Limits: sign and contact 1 working day (Tue 10:00),
  // reply 7 working days from the next day (Wed 01-14 end of day).
  const int64_t o1 = Dispatched("2026-01-05T10:00:00+08:00");  // all in time, 满意
  Do(o1, "2026-01-05T11:00:00+08:00", Action::kSign, unit_, 1);
  Do(o1, "2026-01-05T12:00:00+08:00", Action::kContact, unit_, 1);
  Do(o1, "2026-01-06T10:00:00+08:00", Action::kReply, unit_, 1);
  Do(o1, "2026-01-06T11:00:00+08:00", Action::kAcceptReply, dispatcher_);
  Visit(o1, "2026-01-07T10:00:00+08:00", Satisfaction::kSatisfied, true);

  const int64_t o2 = Dispatched("2026-01-05T10:00:00+08:00");  // late everywhere, 基本满意
  Do(o2, "2026-01-07T10:00:00+08:00", Action::kSign, unit_, 1);
  Do(o2, "2026-01-07T11:00:00+08:00", Action::kContact, unit_, 1);
  Do(o2, "2026-01-20T10:00:00+08:00", Action::kReply, unit_, 1);
  Do(o2, "2026-01-20T11:00:00+08:00", Action::kAcceptReply, dispatcher_);
  Visit(o2, "2026-01-21T10:00:00+08:00", Satisfaction::kBasicallySatisfied, true);

  const int64_t o3 = Dispatched("2026-01-05T10:00:00+08:00");  // never contacted, 不满意
  Do(o3, "2026-01-05T11:00:00+08:00", Action::kSign, unit_, 1);
  Do(o3, "2026-01-08T10:00:00+08:00", Action::kReply, unit_, 1);
  Do(o3, "2026-01-08T11:00:00+08:00", Action::kAcceptReply, dispatcher_);
  Visit(o3, "2026-01-09T10:00:00+08:00", Satisfaction::kUnsatisfied, false);

  const int64_t o4 = Dispatched("2026-01-05T10:00:00+08:00");  // returned, then to Haidian
  Do(o4, "2026-01-05T11:00:00+08:00", Action::kRequestReturn, unit_, 1,
     [](domain::Command& c) { c.reason = "不属于本单位职责"; });
  Do(o4, "2026-01-05T12:00:00+08:00", Action::kApproveReturn, dispatcher_, 1);
  Do(o4, "2026-01-05T13:00:00+08:00", Action::kDispatch, dispatcher_, 0,
     [](domain::Command& c) { c.lead_unit = "110108"; });

  const int64_t o5 = Dispatched("2026-01-05T10:00:00+08:00");  // reopened once, then 满意
  Do(o5, "2026-01-05T11:00:00+08:00", Action::kSign, unit_, 1);
  Do(o5, "2026-01-05T12:00:00+08:00", Action::kContact, unit_, 1);
  Do(o5, "2026-01-06T10:00:00+08:00", Action::kReply, unit_, 1);
  Do(o5, "2026-01-06T11:00:00+08:00", Action::kAcceptReply, dispatcher_);
  Visit(o5, "2026-01-07T11:00:00+08:00", Satisfaction::kUnsatisfied, false, true);
  Do(o5, "2026-01-08T10:00:00+08:00", Action::kReply, unit_, 1);
  Do(o5, "2026-01-08T11:00:00+08:00", Action::kAcceptReply, dispatcher_);
  Visit(o5, "2026-01-09T11:00:00+08:00", Satisfaction::kSatisfied, true);

  clock_.Set(At("2026-02-10T09:00:00+08:00"));
  auto month = eval_->Month(analyst_, "2026-01");
  ASSERT_TRUE(month.ok()) << month.error().ToString();
  const domain::UnitScore* cy = nullptr;
  for (const auto& s : month->units) {
    if (s.unit_id == "110105") cy = &s;
    if (s.unit_id == "110105001") {
      EXPECT_EQ(s[Metric::kResponse].denominator, 0);
      EXPECT_EQ(s.rank, 0);
    }
  }
  ASSERT_NE(cy, nullptr);
  const domain::UnitScore& s = *cy;
  EXPECT_EQ(s[Metric::kResponse].Percent(), 50.0);       // o1, o5 of o1, o2, o3, o5
  EXPECT_EQ(s[Metric::kTimelySign].Percent(), 75.0);     // o2 signed late
  EXPECT_EQ(s[Metric::kOnTimeReply].Percent(), 75.0);    // o2 replied late
  EXPECT_EQ(s[Metric::kLateReply].numerator, 1);         // o2
  EXPECT_EQ(s[Metric::kReturn].Percent(), 20.0);         // o4 of five legs
  EXPECT_EQ(s[Metric::kResolution].Percent(), 75.0);     // o3 not solved
  EXPECT_EQ(s[Metric::kSatisfaction].Percent(), 65.0);   // (1 + 0.6 + 0 + 1) / 4
  EXPECT_EQ(s[Metric::kReopen].Percent(), 25.0);         // o5
  EXPECT_EQ(s.composite, 64.0);                          // 0.30×50 + 0.35×75 + 0.35×65
  EXPECT_EQ(s.rank, 1);
  // Haidian's only figure is o4's unsigned leg: response 0%, so it ranks second of two. With
  // two ranked districts the red and black lists hold one each.
  auto name_of = [&](size_t i) { return month->units[i].unit_id; };
  const auto& red = month->red.at(domain::UnitClass::kDistrict);
  const auto& black = month->black.at(domain::UnitClass::kDistrict);
  ASSERT_EQ(red.size(), 1u);
  ASSERT_EQ(black.size(), 1u);
  EXPECT_EQ(name_of(red[0]), "110105");
  EXPECT_EQ(name_of(black[0]), "110108");

  // Drill-down: exactly the orders each figure counted.
  auto d = eval_->Drill(unit_, "110105", "2026-01", Metric::kResponse, true);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(Ids(*d), (std::set<int64_t>{o1, o5}));
  EXPECT_EQ(d->ratio.denominator, 4);
  d = eval_->Drill(unit_, "110105", "2026-01", Metric::kResponse, false);
  EXPECT_EQ(Ids(*d), (std::set<int64_t>{o2, o3}));
  d = eval_->Drill(unit_, "110105", "2026-01", Metric::kReturn, true);
  EXPECT_EQ(Ids(*d), (std::set<int64_t>{o4}));
  d = eval_->Drill(unit_, "110105", "2026-01", Metric::kSatisfaction, std::nullopt);
  EXPECT_EQ(Ids(*d), (std::set<int64_t>{o1, o2, o3, o5}));
  EXPECT_DOUBLE_EQ(d->ratio.numerator, 2.6);
  // Another unit's handler may not look at this unit's orders.
  EXPECT_EQ(eval_->Drill(street_, "110105", "2026-01", Metric::kResponse, true).error().code,
            ErrorCode::kForbidden);

  // The district appeals o3 (the caller gave a wrong number, so contact was impossible).
  storage::Claim claim;
  claim.kind = storage::ClaimKind::kAppeal;
  claim.order_id = o3;
  claim.period = "2026-01";
  claim.reason = "诉求人留存电话为空号，无法联系";
  claim.evidence = "通话记录截图 #3";
  EXPECT_EQ(eval_->FileClaim(street_, claim).error().code, ErrorCode::kInvalidArgument)
      << "a street cannot appeal an order it never had";
  auto filed = eval_->FileClaim(unit_, claim);
  ASSERT_TRUE(filed.ok()) << filed.error().ToString();
  EXPECT_EQ(filed->unit_id, "110105");
  EXPECT_EQ(eval_->DecideClaim(unit_, filed->id, true, "x").error().code, ErrorCode::kForbidden);
  // A second claim, about o2, is dismissed: nothing changes.
  claim.order_id = o2;
  auto other = eval_->FileClaim(unit_, claim);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(eval_->DecideClaim(supervisor_, other->id, false, "理由不成立").ok());
  EXPECT_EQ(eval_->UnitMonth(analyst_, "110105", "2026-01")->composite, 64.0);

  auto upheld = eval_->DecideClaim(supervisor_, filed->id, true, "核实为空号，属实");
  ASSERT_TRUE(upheld.ok()) << upheld.error().ToString();
  EXPECT_EQ(upheld->state, storage::ClaimState::kUpheld);
  EXPECT_EQ(eval_->DecideClaim(supervisor_, filed->id, false, "again").error().code,
            ErrorCode::kConflict);

  auto after = eval_->UnitMonth(unit_, "110105", "2026-01");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[Metric::kResponse].Percent(), 66.67);      // o1, o5 of o1, o2, o5
  EXPECT_EQ((*after)[Metric::kTimelySign].Percent(), 66.67);
  EXPECT_EQ((*after)[Metric::kResolution].Percent(), 100.0);
  EXPECT_EQ((*after)[Metric::kSatisfaction].Percent(), 86.67);  // 2.6 / 3
  EXPECT_EQ((*after)[Metric::kReturn].Percent(), 25.0);         // o4 of four legs
  EXPECT_EQ(after->composite, 85.34);  // 0.30×66.67 + 0.35×100 + 0.35×86.67
  d = eval_->Drill(unit_, "110105", "2026-01", Metric::kResponse, false);
  EXPECT_EQ(Ids(*d), (std::set<int64_t>{o2}));
  EXPECT_EQ(Ids(*d, true), (std::set<int64_t>{o3}));  // listed apart, as excluded
  EXPECT_EQ(d->ratio.denominator, 3);
  // Other months and other units are untouched.
  EXPECT_EQ(eval_->UnitMonth(analyst_, "110105", "2026-02")->composite, std::nullopt);

  auto trail = eval_->Audit(unit_, "110105", "2026-01");
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 2u);
  EXPECT_EQ((*trail)[0].claim_id, other->id);
  EXPECT_EQ((*trail)[0].before, (*trail)[0].after);
  EXPECT_EQ((*trail)[1].claim_id, filed->id);
  EXPECT_NE((*trail)[1].before.find("\"composite\":64,"), std::string::npos)
      << (*trail)[1].before;
  EXPECT_NE((*trail)[1].after.find("\"composite\":8.534E1"), std::string::npos)
      << (*trail)[1].after;
}

}  // namespace
}  // namespace jiesu::service
