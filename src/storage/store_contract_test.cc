#include "storage/store_contract.h"

#include <algorithm>
#include <set>
#include <thread>

#include "domain/lifecycle.h"
#include "domain/test_jurisdiction.h"

namespace jiesu::storage::testing {
namespace {

using domain::Action;
using domain::Event;
using domain::Order;

class Harness {
 public:
  Harness() : j_(domain::testing::MakeTestJurisdiction()) {}

  domain::Context Ctx() const { return {j_, now_}; }
  domain::OrderDraft Draft(const std::string& content) const {
    domain::OrderDraft d;
    d.content = content;
    d.title = "测试诉求";
    d.category = "0101";
    d.caller = {"李四", "13900001111", false, "hash-13900001111"};
    d.location.address = "建外街道某小区3号楼";
    d.location.street_code = "110105001";
    return d;
  }
  Result<Created> Create(Store& s, const domain::OrderDraft& d,
                         const std::optional<IdempotencyKey>& key = std::nullopt) {
    return s.CreateOrder(key, [&](int64_t id) {
      return domain::DecideIntake(id, "C" + std::to_string(id), d, agent_, Ctx());
    });
  }
  Result<std::vector<Order>> Do(Store& s, int64_t id, const domain::Command& cmd,
                                const domain::Actor& a) {
    return s.UpdateOrders(
        {id}, [&](const std::vector<Order>& os) { return domain::Decide(os[0], cmd, a, Ctx()); });
  }
  Result<std::vector<Order>> Dispatch(Store& s, int64_t id) {
    domain::Command send;
    send.action = Action::kSendToDispatch;
    JIESU_RETURN_IF_ERROR(Do(s, id, send, agent_));
    domain::Command d;
    d.action = Action::kDispatch;
    d.lead_unit = "110105";
    d.co_units = {"bj.heat"};
    return Do(s, id, d, dispatcher_);
  }

  domain::Jurisdiction j_;
  TimePoint now_ = *ParseRfc3339("2025-09-29T09:00:00+08:00");
  domain::Actor agent_{1, "agent1", "agent", ""};
  domain::Actor dispatcher_{2, "disp1", "dispatcher", ""};
};

TEST_P(StoreContractTest, CreatedOrderReadsBackWithItsHistory) {
  Harness h;
  auto c = h.Create(*store_, h.Draft("小区暖气不热，室温十五度"));
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_FALSE(c->replayed);
  const int64_t id = c->order.id;
  EXPECT_GT(id, 0);
  auto got = store_->GetOrder(id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->code, "C" + std::to_string(id));
  EXPECT_EQ(got->draft.content, "小区暖气不热，室温十五度");
  EXPECT_EQ(got->draft.location.district_code, "110105");
  EXPECT_EQ(got->draft.caller.phone, "13900001111");
  EXPECT_EQ(got->state, domain::OrderState::kReceived);
  auto events = store_->GetEvents(id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().type, domain::EventType::kReceived);
  EXPECT_EQ(store_->GetOrder(id + 1000).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, OrdersSurviveClosingAndReopening) {
  Harness h;
  auto c = h.Create(*store_, h.Draft("路灯不亮"));
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(h.Dispatch(*store_, c->order.id).ok());
  Reopen();
  auto got = store_->GetOrder(c->order.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, domain::OrderState::kInProgress);
  ASSERT_EQ(got->legs.size(), 2u);
  EXPECT_EQ(got->legs[0].unit_id, "110105");
  EXPECT_EQ(got->version, 3);
  auto again = h.Create(*store_, h.Draft("第二单"));
  ASSERT_TRUE(again.ok());
  EXPECT_GT(again->order.id, c->order.id);
}

TEST_P(StoreContractTest, IdempotencyKeyReturnsTheSameOrder) {
  Harness h;
  IdempotencyKey key{1, "call-778899", "hash-a"};
  auto first = h.Create(*store_, h.Draft("噪音扰民"), key);
  ASSERT_TRUE(first.ok());
  auto second = h.Create(*store_, h.Draft("噪音扰民"), key);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->order.id, first->order.id);

  IdempotencyKey changed{1, "call-778899", "hash-b"};
  auto conflict = h.Create(*store_, h.Draft("别的内容"), changed);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);

  IdempotencyKey other_user{2, "call-778899", "hash-a"};
  auto separate = h.Create(*store_, h.Draft("噪音扰民"), other_user);
  ASSERT_TRUE(separate.ok());
  EXPECT_NE(separate->order.id, first->order.id);
  auto page = store_->ListOrders(OrderFilter{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->orders.size(), 2u);
}

TEST_P(StoreContractTest, AFailedWriteChangesNothing) {
  Harness h;
  auto c = h.Create(*store_, h.Draft("小区垃圾未清运"));
  ASSERT_TRUE(c.ok());
  auto failed = store_->UpdateOrders({c->order.id},
                                     [](const std::vector<Order>&) -> Result<std::vector<Event>> {
                                       return IllegalTransition("no");
                                     });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kIllegalTransition);
  auto bad_create = store_->CreateOrder(std::nullopt, [](int64_t) -> Result<std::vector<Event>> {
    return InvalidArgument("bad", "content");
  });
  EXPECT_EQ(bad_create.error().field, "content");
  EXPECT_EQ(store_->GetEvents(c->order.id)->size(), 1u);
  EXPECT_EQ(store_->ListOrders(OrderFilter{})->orders.size(), 1u);
  EXPECT_EQ(store_
                ->UpdateOrders({c->order.id + 5},
                               [](const std::vector<Order>&) {
                                 return Result<std::vector<Event>>(std::vector<Event>{});
                               })
                .error()
                .code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, MergeWritesBothOrdersAtomically) {
  Harness h;
  auto child = h.Create(*store_, h.Draft("同一处暖气漏水"));
  auto parent = h.Create(*store_, h.Draft("暖气管道漏水"));
  ASSERT_TRUE(child.ok() && parent.ok());
  domain::Command merge;
  merge.action = Action::kMerge;
  merge.parent_order = parent->order.id;
  auto r =
      store_->UpdateOrders({child->order.id, parent->order.id}, [&](const std::vector<Order>& os) {
        return domain::Decide(os[0], merge, h.dispatcher_, h.Ctx(), &os[1]);
      });
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(store_->GetOrder(child->order.id)->state, domain::OrderState::kMerged);
  auto p = store_->GetOrder(parent->order.id);
  ASSERT_EQ(p->merged_children.size(), 1u);
  EXPECT_EQ(p->merged_children[0], child->order.id);
}

TEST_P(StoreContractTest, ListFiltersAndPages) {
  Harness h;
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    auto d = h.Draft("第" + std::to_string(i) + "号诉求：小区供暖温度不达标");
    if (i % 2 == 1) {
      d.category = "02";
      d.channel = domain::Channel::kWeb;
      d.location = {};
      d.location.district_code = "110108";
      d.content = "海淀某工地夜间施工噪音";
      d.caller.phone_hash = "hash-other";
    }
    if (i == 6) d.urgency = domain::Urgency::kCritical;
    h.now_ += std::chrono::minutes(10);
    auto c = h.Create(*store_, d);
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    ids.push_back(c->order.id);
  }
  ASSERT_TRUE(h.Dispatch(*store_, ids[0]).ok());

  auto count = [&](const OrderFilter& f) {
    auto p = store_->ListOrders(f);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? p->orders.size() : 0;
  };
  OrderFilter f;
  EXPECT_EQ(count(f), 7u);
  f.states = {domain::OrderState::kInProgress};
  EXPECT_EQ(count(f), 1u);
  f = {};
  f.category_prefix = "01";
  EXPECT_EQ(count(f), 4u);
  f.category_prefix = "0101";
  EXPECT_EQ(count(f), 4u);
  f.category_is_leaf = true;
  EXPECT_EQ(count(f), 4u);
  f.category_prefix = "02";
  EXPECT_EQ(count(f), 3u);
  f = {};
  f.district_code = "110108";
  EXPECT_EQ(count(f), 3u);
  f = {};
  f.street_code = "110105001";
  EXPECT_EQ(count(f), 4u);
  f = {};
  f.channel = domain::Channel::kWeb;
  EXPECT_EQ(count(f), 3u);
  f = {};
  f.urgency = domain::Urgency::kCritical;
  EXPECT_EQ(count(f), 1u);
  f = {};
  f.unit = "bj.heat";
  auto unit_page = store_->ListOrders(f);
  ASSERT_EQ(unit_page->orders.size(), 1u);
  EXPECT_EQ(unit_page->orders[0].id, ids[0]);
  EXPECT_EQ(unit_page->orders[0].units, (std::vector<std::string>{"110105", "bj.heat"}));
  f = {};
  f.text = "夜间施工";
  EXPECT_EQ(count(f), 3u);
  f.text = "噪音";  // two characters: below the trigram length
  EXPECT_EQ(count(f), 3u);
  f.text = "100%";
  EXPECT_EQ(count(f), 0u);
  f = {};
  f.created_from = *ParseRfc3339("2025-09-29T09:30:00+08:00");
  f.created_to = *ParseRfc3339("2025-09-29T10:00:00+08:00");
  EXPECT_EQ(count(f), 3u);  // created at 09:30, 09:40, 09:50
  f = {};
  f.caller_hash = "hash-13900001111";
  EXPECT_EQ(count(f), 4u);
  f = {};
  f.overdue = true;
  f.now = *ParseRfc3339("2025-10-20T00:00:00+08:00");
  EXPECT_EQ(count(f), 1u);
  f.now = *ParseRfc3339("2025-10-01T00:00:00+08:00");
  EXPECT_EQ(count(f), 0u);
  f.overdue = false;
  EXPECT_EQ(count(f), 7u);

  // Cursor pagination: 3 + 3 + 1, newest first, no repeats.
  f = {};
  f.limit = 3;
  std::vector<int64_t> seen;
  for (int page = 0; page < 5; ++page) {
    auto p = store_->ListOrders(f);
    ASSERT_TRUE(p.ok());
    for (const auto& o : p->orders) seen.push_back(o.id);
    if (p->next_cursor == 0) break;
    f.before_id = p->next_cursor;
  }
  std::vector<int64_t> expected(ids.rbegin(), ids.rend());
  EXPECT_EQ(seen, expected);
  f.limit = 0;
  EXPECT_EQ(store_->ListOrders(f).error().field, "limit");
}

TEST_P(StoreContractTest, UsersAndSessions) {
  User u;
  u.username = "agent1";
  u.display_name = "话务员一";
  u.role = "agent";
  u.password_hash = "$argon2id$stub";
  auto created = store_->CreateUser(u);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(store_->CreateUser(u).error().code, ErrorCode::kConflict);
  auto found = store_->FindUserByName("agent1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->display_name, "话务员一");
  EXPECT_EQ(store_->FindUser(created->id)->username, "agent1");
  EXPECT_EQ(store_->FindUserByName("nobody").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListUsers()->size(), 1u);

  TimePoint now = FromUnixMillis(1'700'000'000'000);
  Session s{"tokenhash", created->id, now, now + std::chrono::hours(8)};
  ASSERT_TRUE(store_->SaveSession(s).ok());
  Reopen();
  EXPECT_EQ(store_->FindSession("tokenhash", now + std::chrono::hours(1))->user_id, created->id);
  EXPECT_EQ(store_->FindSession("tokenhash", now + std::chrono::hours(9)).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(store_->DeleteSession("tokenhash").ok());
  EXPECT_FALSE(store_->FindSession("tokenhash", now).ok());
}

TEST_P(StoreContractTest, AccessRecordsAreKeptNewestFirst) {
  TimePoint t = FromUnixMillis(1'700'000'000'000);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(store_
                    ->RecordAccess({0, t + std::chrono::seconds(i), i, "u" + std::to_string(i),
                                    "dispatcher", "view_caller", 42})
                    .ok());
  }
  ASSERT_TRUE(store_->RecordAccess({0, t, 9, "other", "agent", "view_caller", 43}).ok());
  Reopen();
  auto log = store_->ListAccess(42, 2);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].username, "u3");
  EXPECT_EQ((*log)[1].username, "u2");
  EXPECT_EQ((*log)[0].action, "view_caller");
  EXPECT_EQ(store_->ListAccess(44, 10)->size(), 0u);
}

TEST_P(StoreContractTest, ConcurrentWritersAllSucceedWithDistinctIds) {
  Harness h;
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto c =
            h.Create(*store_, h.Draft("并发写入 " + std::to_string(t) + "-" + std::to_string(i)));
        if (c.ok()) ids[t].push_back(c->order.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace jiesu::storage::testing
