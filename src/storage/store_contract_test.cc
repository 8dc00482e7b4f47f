#include "storage/store_contract.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "domain/alarms.h"
#include "domain/lifecycle.h"
#include "domain/rollup.h"
#include "domain/supervision.h"
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

TEST_P(StoreContractTest, OrdersAreListedByTheStatesOfTheirLegs) {
  Harness h;
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto c = h.Create(*store_, h.Draft("第" + std::to_string(i) + "号：暖气不热"));
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    ids.push_back(c->order.id);
    ASSERT_TRUE(h.Dispatch(*store_, c->order.id).ok());
  }
  const domain::Actor chaoyang{3, "cy1", "unit", "110105"};
  const domain::Actor heat{4, "heat1", "unit", "bj.heat"};
  domain::Command ret;
  ret.action = Action::kRequestReturn;
  ret.leg = 1;
  ret.reason = "不属于本单位职责";
  ASSERT_TRUE(h.Do(*store_, ids[0], ret, chaoyang).ok());
  domain::Command sign;
  sign.action = Action::kSign;
  sign.leg = 2;
  ASSERT_TRUE(h.Do(*store_, ids[1], sign, heat).ok());
  domain::Command ext;
  ext.action = Action::kRequestExtension;
  ext.leg = 2;
  ext.days = 3;
  ext.reason = "需协调管线";
  ASSERT_TRUE(h.Do(*store_, ids[1], ext, heat).ok());

  auto list = [&](std::vector<domain::LegState> states, const std::string& unit = "",
                  const std::string& category = "") {
    OrderFilter f;
    f.leg_states = std::move(states);
    f.unit = unit;
    f.category_prefix = category;
    auto p = store_->ListOrders(f);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    std::vector<int64_t> out;
    if (p.ok()) {
      for (const auto& o : p->orders) out.push_back(o.id);
    }
    return out;
  };
  using L = domain::LegState;
  using Ids = std::vector<int64_t>;
  EXPECT_EQ(list({L::kReturnRequested}), (Ids{ids[0]}));
  EXPECT_EQ(list({L::kExtensionRequested}), (Ids{ids[1]}));
  EXPECT_EQ(list({L::kReturnRequested, L::kExtensionRequested}), (Ids{ids[1], ids[0]}));
  // With a unit: that unit's legs only.
  EXPECT_EQ(list({L::kReturnRequested, L::kExtensionRequested}, "110105"), (Ids{ids[0]}));
  EXPECT_EQ(list({L::kReturnRequested, L::kExtensionRequested}, "bj.heat"), (Ids{ids[1]}));
  EXPECT_EQ(list({L::kPendingSign}, "bj.heat"), (Ids{ids[2], ids[0]}));
  EXPECT_EQ(list({L::kPendingSign}), (Ids{ids[2], ids[1], ids[0]}));
  // Beside a category, whose list the query walks.
  EXPECT_EQ(list({L::kReturnRequested, L::kExtensionRequested}, "", "0101"),
            (Ids{ids[1], ids[0]}));
  EXPECT_EQ(list({L::kReturnRequested}, "", "02"), Ids{});

  // Ruled on, the leg leaves the queue.
  domain::Command refuse;
  refuse.action = Action::kRefuseReturn;
  refuse.leg = 1;
  ASSERT_TRUE(h.Do(*store_, ids[0], refuse, h.dispatcher_).ok());
  EXPECT_EQ(list({L::kReturnRequested, L::kExtensionRequested}), (Ids{ids[1]}));
  Reopen();
  EXPECT_EQ(list({L::kReturnRequested, L::kExtensionRequested}), (Ids{ids[1]}));
}

TEST_P(StoreContractTest, AttachmentsAreKeptPerOrderWithALimitPerRole) {
  Harness h;
  auto c = h.Create(*store_, h.Draft("井盖缺失"));
  ASSERT_TRUE(c.ok());
  const int64_t id = c->order.id;
  Attachment a;
  a.order_id = id;
  a.name = "现场.jpg";
  a.type = "image/jpeg";
  a.size = 1234;
  a.sha256 = std::string(64, 'a');
  a.uploader = "public";
  a.uploader_role = "citizen";
  a.uploaded_at = h.now_;
  std::vector<int64_t> ids;
  for (int i = 0; i < 2; ++i) {
    auto added = store_->AddAttachment(a, 2);
    ASSERT_TRUE(added.ok()) << added.error().ToString();
    EXPECT_GT(added->id, 0);
    ids.push_back(added->id);
  }
  auto third = store_->AddAttachment(a, 2);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kConflict);
  // Another role's files do not count against it.
  a.uploader = "cy1";
  a.uploader_role = "unit";
  a.uploaded_by = 3;
  a.leg = 1;
  ASSERT_TRUE(store_->AddAttachment(a, 2).ok());
  Reopen();
  auto list = store_->ListAttachments(id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, ids[0]);
  EXPECT_EQ((*list)[0].leg, 0);
  EXPECT_EQ((*list)[2].leg, 1);
  EXPECT_EQ((*list)[2].uploaded_by, 3);
  auto got = store_->GetAttachment(ids[1]);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "现场.jpg");
  EXPECT_EQ(got->size, 1234);
  EXPECT_EQ(got->uploaded_at, h.now_);
  EXPECT_EQ(store_->GetAttachment(999999).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ListAttachments(id + 1)->empty());
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

TEST_P(StoreContractTest, KnowledgePointsAreSavedListedAndDeleted) {
  const TimePoint now = FromUnixMillis(1'700'000'000'000);
  auto point = [&](const char* q, const char* a, const char* status) {
    KnowledgePoint p;
    p.question = q;
    p.answer = a;
    p.basis = "《北京市供热采暖管理办法》";
    p.owner_unit = "bj.heat";
    p.status = status;
    p.updated_at = now;
    return p;
  };
  auto heat = store_->SaveKnowledge(point("暖气不热怎么办", "室温低于18度可报修", "published"));
  ASSERT_TRUE(heat.ok()) << heat.error().ToString();
  EXPECT_GT(heat->id, 0);
  auto bus = store_->SaveKnowledge(point("公交卡怎么退", "到公交卡服务网点办理退卡", "published"));
  auto draft = store_->SaveKnowledge(point("暖气费怎么交", "在营业厅交", "draft"));
  ASSERT_TRUE(bus.ok() && draft.ok());
  Reopen();
  auto all = store_->ListKnowledge(0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);  // drafts too
  EXPECT_EQ(all->at(0).id, heat->id);
  EXPECT_EQ(all->at(2).status, "draft");
  auto rest = store_->ListKnowledge(heat->id, 1);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->at(0).id, bus->id);
  auto got = store_->GetKnowledge(heat->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->answer, "室温低于18度可报修");
  EXPECT_EQ(got->basis, "《北京市供热采暖管理办法》");
  EXPECT_EQ(got->owner_unit, "bj.heat");
  EXPECT_EQ(got->created_at, now);
  EXPECT_FALSE(got->valid_to.has_value());

  // An update replaces the texts and keeps the creation time.
  KnowledgePoint changed = *got;
  changed.question = "家里供暖温度低";
  changed.valid_to = now;
  changed.updated_at = now + std::chrono::hours(1);
  ASSERT_TRUE(store_->SaveKnowledge(changed).ok());
  Reopen();
  got = store_->GetKnowledge(heat->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->question, "家里供暖温度低");
  EXPECT_EQ(got->valid_to, now);
  EXPECT_EQ(got->created_at, now);
  EXPECT_EQ(got->updated_at, now + std::chrono::hours(1));
  KnowledgePoint missing = changed;
  missing.id = 999;
  EXPECT_EQ(store_->SaveKnowledge(missing).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListKnowledge(0, 10)->size(), 3u);  // the failed save added nothing

  ASSERT_TRUE(store_->DeleteKnowledge(bus->id).ok());
  EXPECT_EQ(store_->GetKnowledge(bus->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListKnowledge(0, 10)->size(), 2u);
  EXPECT_EQ(store_->DeleteKnowledge(bus->id).error().code, ErrorCode::kNotFound);
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

// Intake answers without a thread waiting on the commit: creates queued from one thread
// are each called back once, refused ones with their error, and the others are stored.
TEST_P(StoreContractTest, QueuedCreatesAreEachCalledBackOnce) {
  Harness h;
  constexpr int kOrders = 200;
  std::mutex mu;
  std::condition_variable cv;
  std::map<int, std::vector<Result<Created>>> results;
  int answered = 0;
  for (int i = 0; i < kOrders; ++i) {
    const auto draft = h.Draft("排队写入 " + std::to_string(i));
    store_->CreateOrderAsync(
        std::nullopt,
        [&h, draft, i](int64_t id) -> Result<std::vector<Event>> {
          if (i % 7 == 3) return InvalidArgument("refused " + std::to_string(i), "content");
          return domain::DecideIntake(id, "C" + std::to_string(id), draft, h.agent_, h.Ctx());
        },
        [&, i](Result<Created> r) {
          std::lock_guard lock(mu);
          results[i].push_back(std::move(r));
          ++answered;
          cv.notify_all();
        });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return answered == kOrders; }));
  }
  std::set<int64_t> ids;
  size_t refused = 0;
  for (int i = 0; i < kOrders; ++i) {
    ASSERT_EQ(results[i].size(), 1u) << "order " << i << " must be called back exactly once";
    const auto& r = results[i].front();
    if (i % 7 == 3) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().message, "refused " + std::to_string(i));
      ++refused;
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->order.draft.content, "排队写入 " + std::to_string(i));
    ids.insert(r->order.id);
  }
  EXPECT_EQ(ids.size() + refused, static_cast<size_t>(kOrders));
  Reopen();
  for (int64_t id : ids) EXPECT_TRUE(store_->GetOrder(id).ok()) << id;
}

TEST_P(StoreContractTest, TimersFollowTheNextWarningAndCardsBecomeNotices) {
  Harness h;
  auto c = h.Create(*store_, h.Draft("路灯不亮"));
  ASSERT_TRUE(c.ok());
  const int64_t id = c->order.id;
  // A new order waits for dispatch: its timer is the dispatch deadline.
  auto due = store_->DueTimers(c->order.dispatch_due, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].order_id, id);
  EXPECT_EQ((*due)[0].fire_at, c->order.dispatch_due);
  EXPECT_TRUE(store_->DueTimers(c->order.dispatch_due - std::chrono::milliseconds(1), 10)->empty());

  auto o = h.Dispatch(*store_, id);
  ASSERT_TRUE(o.ok()) << o.error().ToString();
  const Order& dispatched = o->front();
  ASSERT_TRUE(domain::NextAlarm(dispatched));
  due = store_->DueTimers(*domain::NextAlarm(dispatched), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].fire_at, *domain::NextAlarm(dispatched));

  // Fire everything due up to just after the sign deadline.
  const TimePoint later = dispatched.legs[0].sign_due + std::chrono::minutes(1);
  auto fired = store_->UpdateOrders(
      {id}, [&](const std::vector<Order>& os) { return domain::DecideAlarms(os[0], later); });
  ASSERT_TRUE(fired.ok());
  Reopen();
  auto got = store_->GetOrder(id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->cards.size(), fired->front().cards.size());
  EXPECT_GE(got->cards.size(), 2u);  // both legs' sign cards at least
  auto notices = store_->ListNotices("110105", 0, 50);
  ASSERT_TRUE(notices.ok());
  ASSERT_FALSE(notices->empty());
  for (const auto& n : *notices) {
    EXPECT_EQ(n.order_id, id);
    EXPECT_EQ(n.unit_id, "110105");
  }
  EXPECT_EQ(store_->ListNotices("*", 0, 50)->size(), got->cards.size());
  due = store_->DueTimers(later, 10);
  EXPECT_TRUE(due->empty());
}

TEST_P(StoreContractTest, EvaluationFactsFollowTheOrder) {
  Harness h;
  auto c = h.Create(*store_, h.Draft("暖气不热"));
  ASSERT_TRUE(c.ok());
  const int64_t id = c->order.id;
  const TimePoint from = h.now_ - std::chrono::hours(1);
  const TimePoint to = h.now_ + std::chrono::hours(1);
  auto legs_of = [&](const std::string& unit) {
    std::vector<domain::LegFact> v;
    EXPECT_TRUE(store_->ScanLegFacts(unit, from, to, [&](const auto& f) { v.push_back(f); }).ok());
    return v;
  };
  EXPECT_TRUE(legs_of("110105").empty());
  ASSERT_TRUE(h.Dispatch(*store_, id).ok());
  auto lead = legs_of("110105");
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_EQ(lead[0].order_id, id);
  EXPECT_FALSE(lead[0].signed_at);
  ASSERT_EQ(legs_of("bj.heat").size(), 1u);
  EXPECT_TRUE(legs_of("110108").empty());

  domain::Actor unit{3, "cy1", "unit", "110105"};
  domain::Command sign;
  sign.action = Action::kSign;
  sign.leg = 1;
  ASSERT_TRUE(h.Do(*store_, id, sign, unit).ok());
  domain::Command reply;
  reply.action = Action::kReply;
  reply.leg = 1;
  reply.text = "已处理";
  reply.reply_result = domain::ReplyResult::kResolved;
  ASSERT_TRUE(h.Do(*store_, id, reply, unit).ok());
  Reopen();
  lead = legs_of("110105");
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_EQ(lead[0].signed_at, h.now_);
  EXPECT_EQ(lead[0].replied_at, h.now_);
  EXPECT_EQ(lead[0].state, domain::LegState::kReplied);

  std::vector<domain::VisitFact> visits;
  ASSERT_TRUE(
      store_->ScanVisitFacts("110105", from, to, [&](const auto& f) { visits.push_back(f); }).ok());
  EXPECT_TRUE(visits.empty());
}

TEST_P(StoreContractTest, ClaimsAreDecidedOnceWithExclusionAndAudit) {
  Claim claim;
  claim.kind = ClaimKind::kAppeal;
  claim.order_id = 7;
  claim.unit_id = "110105";
  claim.period = "2026-01";
  claim.reason = "诉求人提供的地址不在本辖区";
  claim.evidence = "recording:abc";
  claim.created_by = 3;
  claim.created_at = *ParseRfc3339("2026-02-01T10:00:00+08:00");
  auto made = store_->CreateClaim(claim);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  EXPECT_GT(made->id, 0);
  // One pending claim of a kind per order, unit and period.
  EXPECT_EQ(store_->CreateClaim(claim).error().code, ErrorCode::kConflict);

  Claim d = *made;
  d.state = ClaimState::kUpheld;
  d.decided_by = 5;
  d.decided_at = claim.created_at + std::chrono::hours(2);
  d.decision = "核实属实";
  ScoreAudit audit;
  audit.at = *d.decided_at;
  audit.unit_id = d.unit_id;
  audit.period = d.period;
  audit.claim_id = d.id;
  audit.order_id = d.order_id;
  audit.actor_id = 5;
  audit.note = "appeal upheld";
  audit.before = "{\"composite\":90}";
  audit.after = "{\"composite\":91}";
  auto decided = store_->DecideClaim(d, audit);
  ASSERT_TRUE(decided.ok()) << decided.error().ToString();
  EXPECT_EQ(decided->state, ClaimState::kUpheld);
  EXPECT_EQ(decided->decision, "核实属实");
  // A second decision is refused and changes nothing.
  d.state = ClaimState::kDismissed;
  EXPECT_EQ(store_->DecideClaim(d, audit).error().code, ErrorCode::kConflict);
  Reopen();
  EXPECT_EQ(store_->GetClaim(made->id)->state, ClaimState::kUpheld);
  auto ex = store_->ListExclusions("2026-01");
  ASSERT_EQ(ex->size(), 1u);
  EXPECT_EQ((*ex)[0].order_id, 7);
  EXPECT_EQ((*ex)[0].claim_id, made->id);
  EXPECT_TRUE(store_->ListExclusions("2026-02")->empty());
  auto trail = store_->ListScoreAudit("110105", "2026-01");
  ASSERT_EQ(trail->size(), 1u);
  EXPECT_EQ((*trail)[0].after, "{\"composite\":91}");
  ClaimFilter f;
  f.state = ClaimState::kPending;
  EXPECT_TRUE(store_->ListClaims(f)->empty());
  f.state = ClaimState::kUpheld;
  f.unit_id = "110105";
  EXPECT_EQ(store_->ListClaims(f)->size(), 1u);
  // A new claim about the same order is possible once the first is decided.
  EXPECT_TRUE(store_->CreateClaim(claim).ok());
}

TEST_P(StoreContractTest, SupervisionOrdersKeepTheirHistory) {
  Harness h;
  domain::Actor sup{5, "sup1", "supervisor", ""};
  domain::Actor unit{3, "cy1", "unit", "110105"};
  auto open = [&](int64_t order, std::vector<std::string> units) {
    domain::SupervisionRequest r;
    r.order_id = order;
    r.units = std::move(units);
    r.title = "多次反映未解决";
    r.demand = "限期办结";
    r.working_days = 3;
    return store_->CreateSupervision(
        [&](int64_t id) { return domain::DecideOpenSupervision(id, r, sup, h.Ctx()); });
  };
  auto a = open(11, {"110105", "bj.heat"});
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  auto b = open(0, {"bj.heat"});
  ASSERT_TRUE(b.ok());
  EXPECT_GT(b->id, a->id);
  auto act = [&](int64_t id, domain::PartAction pa, const std::string& u, const domain::Actor& who,
                 const std::string& text = "") {
    return store_->UpdateSupervision(id, [&](const domain::Supervision& s) {
      return domain::DecideSupervision(s, pa, u, text, who, h.Ctx());
    });
  };
  ASSERT_TRUE(act(a->id, domain::PartAction::kAccept, "110105", unit).ok());
  // A refused action changes nothing.
  EXPECT_EQ(act(a->id, domain::PartAction::kAccept, "110105", unit).error().code,
            ErrorCode::kIllegalTransition);
  ASSERT_TRUE(act(a->id, domain::PartAction::kReply, "110105", unit, "已办结").ok());
  Reopen();
  auto got = store_->GetSupervision(a->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 3);
  EXPECT_EQ(got->Part("110105")->state, domain::PartState::kReplied);
  EXPECT_EQ(got->Part("110105")->reply, "已办结");
  EXPECT_EQ(got->order_id, 11);
  EXPECT_EQ(store_->GetSupervisionEvents(a->id)->size(), 3u);
  EXPECT_EQ(store_->GetSupervision(999).error().code, ErrorCode::kNotFound);

  SupervisionFilter f;
  f.unit_id = "bj.heat";
  auto heat = store_->ListSupervisions(f);
  ASSERT_EQ(heat->size(), 2u);
  EXPECT_EQ((*heat)[0].id, b->id);  // newest first
  f.unit_id = "110105";
  EXPECT_EQ(store_->ListSupervisions(f)->size(), 1u);
  f = SupervisionFilter{};
  f.order_id = 11;
  EXPECT_EQ(store_->ListSupervisions(f)->size(), 1u);
  ASSERT_TRUE(act(b->id, domain::PartAction::kRequestReturn, "bj.heat",
                  domain::Actor{4, "h1", "unit", "bj.heat"}, "非本单位")
                  .ok());
  ASSERT_TRUE(act(b->id, domain::PartAction::kApproveReturn, "bj.heat", sup).ok());
  f = SupervisionFilter{};
  f.closed = true;
  auto closed = store_->ListSupervisions(f);
  ASSERT_EQ(closed->size(), 1u);
  EXPECT_EQ((*closed)[0].id, b->id);
  f.closed = false;
  EXPECT_EQ(store_->ListSupervisions(f)->front().id, a->id);
}

// The rollups kept write by write equal a recount from the event log (each order's history
// replayed and its contribution summed), after a random mix of transitions over several days.
TEST_P(StoreContractTest, RollupsAgreeWithARecountFromTheEventLog) {
  Harness h;
  std::mt19937_64 rng(42);
  const domain::Actor unit{3, "cy1", "unit", "110105"};
  const domain::Actor heat{4, "h1", "unit", "bj.heat"};
  const domain::Actor visitor{6, "v1", "visitor", ""};
  std::vector<int64_t> ids;
  auto cmd = [](Action a, int leg = 0) {
    domain::Command c;
    c.action = a;
    c.leg = leg;
    return c;
  };
  for (int i = 0; i < 60; ++i) {
    h.now_ += std::chrono::hours(5 + static_cast<int>(rng() % 20));
    domain::OrderDraft d = h.Draft("第" + std::to_string(i) + "件诉求");
    d.category = rng() % 2 ? "0101" : "02";
    d.channel = rng() % 3 ? domain::Channel::kPhone : domain::Channel::kWeb;
    if (rng() % 4 == 0) d.requester_tags = {"老年人"};
    auto c = h.Create(*store_, d);
    ASSERT_TRUE(c.ok());
    const int64_t id = c->order.id;
    ids.push_back(id);
    const int path = static_cast<int>(rng() % 5);
    if (path == 0) continue;  // stays received
    if (path == 1) {
      domain::Command a = cmd(Action::kAnswer);
      a.text = "已解答";
      ASSERT_TRUE(h.Do(*store_, id, a, h.agent_).ok());
      continue;
    }
    ASSERT_TRUE(h.Dispatch(*store_, id).ok());  // to 110105 with bj.heat
    if (path == 2) continue;
    h.now_ += std::chrono::hours(1 + static_cast<int>(rng() % 200));
    ASSERT_TRUE(h.Do(*store_, id, cmd(Action::kSign, 1), unit).ok());
    domain::Command reply = cmd(Action::kReply, 1);
    reply.text = "已办理";
    reply.reply_result = domain::ReplyResult::kResolved;
    ASSERT_TRUE(h.Do(*store_, id, reply, unit).ok());
    ASSERT_TRUE(h.Do(*store_, id, cmd(Action::kSign, 2), heat).ok());
    reply.leg = 2;
    ASSERT_TRUE(h.Do(*store_, id, reply, heat).ok());
    if (path == 3) continue;
    ASSERT_TRUE(h.Do(*store_, id, cmd(Action::kAcceptReply), h.dispatcher_).ok());
    h.now_ += std::chrono::hours(30);
    domain::Command visit = cmd(Action::kVisit);
    visit.visit.reached = true;
    visit.visit.solved = true;
    visit.visit.satisfaction = domain::Satisfaction::kSatisfied;
    ASSERT_TRUE(h.Do(*store_, id, visit, visitor).ok());
  }
  // Merge a few received orders into others: a merged duplicate counts once, in its parent.
  for (size_t i = 0; i + 1 < ids.size(); i += 17) {
    domain::Command m = cmd(Action::kMerge);
    m.parent_order = ids[i + 1];
    auto r = store_->UpdateOrders({ids[i], ids[i + 1]}, [&](const std::vector<Order>& os) {
      return domain::Decide(os[0], m, h.dispatcher_, h.Ctx(), &os[1]);
    });
    (void)r;  // some are not mergeable (terminal parents); those change nothing
  }
  Reopen();

  std::map<domain::RollupKey, domain::RollupMeasures> recount;
  for (int64_t id : ids) {
    auto events = store_->GetEvents(id);
    ASSERT_TRUE(events.ok());
    for (const auto& r : domain::ContributionOf(domain::Replay(*events), 480).rows) {
      recount[r.key] += r.m;
    }
  }
  RollupQuery q;
  q.from_day = 0;
  q.to_day = 100000;
  q.group_by = {"day", "category", "district", "unit", "channel"};
  q.limit = 100000;
  auto kept = store_->QueryRollups(q);
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  std::map<domain::RollupKey, domain::RollupMeasures> stored;
  for (const auto& g : *kept) {
    if (g.m == domain::RollupMeasures{}) continue;  // emptied by a later change
    domain::RollupKey k{std::stoi(g.keys[0]), g.keys[1], g.keys[2], g.keys[3], g.keys[4]};
    stored[k] += g.m;
  }
  for (auto it = recount.begin(); it != recount.end();) {
    it = it->second == domain::RollupMeasures{} ? recount.erase(it) : std::next(it);
  }
  EXPECT_EQ(stored.size(), recount.size());
  EXPECT_TRUE(stored == recount);
  int64_t received = 0, completed = 0;
  for (const auto& [k, m] : stored) {
    received += m.received;
    completed += m.completed;
  }
  EXPECT_GT(completed, 0);
  EXPECT_LE(received, static_cast<int64_t>(ids.size()));
  // Grouped coarser (served by the smaller table), the sums are the same.
  for (const auto& by : std::vector<std::vector<std::string>>{
           {"category1"}, {"day", "category", "district"}, {"unit"}, {}}) {
    q.group_by = by;
    auto coarse = store_->QueryRollups(q);
    ASSERT_TRUE(coarse.ok());
    int64_t received2 = 0, completed2 = 0;
    for (const auto& g : *coarse) {
      received2 += g.m.received;
      completed2 += g.m.completed;
    }
    EXPECT_EQ(received2, received);
    EXPECT_EQ(completed2, completed);
  }
  q.group_by = {"colour"};
  EXPECT_EQ(store_->QueryRollups(q).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, WarningsAreRaisedOnceUpdatedAndReopenedWhenMoreIsSeen) {
  const TimePoint t0 = FromUnixMillis(1'750'000'000'000);
  Warning w;
  w.kind = "high_frequency";
  w.key = "high_frequency:0101:110105:2025-06-15";
  w.title = "供暖 × 朝阳区";
  w.category = "0101";
  w.district = "110105";
  w.window_from = t0;
  w.window_to = t0 + std::chrono::hours(24);
  w.expected = 2.5;
  w.observed = 9;
  w.p_value = 1e-5;
  w.explanation = "seen 9, expected 2.5";
  w.orders = {3, 5, 8};
  w.updated_at = t0;
  bool created = false;
  auto a = store_->UpsertWarning(w, &created);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_TRUE(created);
  EXPECT_EQ(a->status, "open");
  EXPECT_EQ(a->orders, (std::vector<int64_t>{3, 5, 8}));
  EXPECT_DOUBLE_EQ(a->expected, 2.5);
  EXPECT_EQ(a->created_at, t0);

  // Acknowledged; the same evidence again changes nothing but the time.
  Warning ack = *a;
  ack.status = "acknowledged";
  ack.acknowledged_by = 7;
  ack.acknowledged_at = t0 + std::chrono::minutes(5);
  ack.note = "供热管线检修，已知";
  ack.updated_at = *ack.acknowledged_at;
  ASSERT_TRUE(store_->UpdateWarningStatus(ack).ok());
  w.updated_at = t0 + std::chrono::minutes(10);
  auto b = store_->UpsertWarning(w, &created);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(b->id, a->id);
  EXPECT_EQ(b->status, "acknowledged");
  EXPECT_EQ(b->note, "供热管线检修，已知");
  // More seen: open again, with the new evidence.
  w.observed = 12;
  w.orders = {3, 5, 8, 13};
  w.updated_at = t0 + std::chrono::minutes(20);
  auto c = store_->UpsertWarning(w, &created);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(c->status, "open");
  EXPECT_EQ(c->orders.size(), 4u);
  EXPECT_EQ(c->created_at, t0);
  EXPECT_EQ(c->acknowledged_by, 7);

  Warning other = w;
  other.key = "one_caller_many:abc";
  other.kind = "one_caller_many";
  other.district = "";
  other.category = "";
  ASSERT_TRUE(store_->UpsertWarning(other, &created).ok());
  EXPECT_TRUE(created);
  Reopen();
  WarningFilter f;
  EXPECT_EQ(store_->ListWarnings(f)->size(), 2u);
  f.kind = "one_caller_many";
  ASSERT_EQ(store_->ListWarnings(f)->size(), 1u);
  f = {};
  f.district = "110105";
  f.category_prefix = "01";
  f.status = "open";
  ASSERT_EQ(store_->ListWarnings(f)->size(), 1u);
  f.category_prefix = "02";
  EXPECT_TRUE(store_->ListWarnings(f)->empty());
  f = {};
  f.from = t0 + std::chrono::hours(25);
  EXPECT_TRUE(store_->ListWarnings(f)->empty());
  f = {};
  f.limit = 1;
  auto page = store_->ListWarnings(f);
  ASSERT_EQ(page->size(), 1u);
  f.before_id = page->at(0).id;
  EXPECT_EQ(store_->ListWarnings(f)->size(), 1u);
  Warning missing;
  missing.id = 999;
  EXPECT_EQ(store_->UpdateWarningStatus(missing).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetWarning(999).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ExternalEventsAndTopicsAreKept) {
  const TimePoint t0 = FromUnixMillis(1'750'000'000'000);
  ExternalEvent e;
  e.kind = "works";
  e.title = "热力管线打压试验";
  e.description = "试验期间井盖可能冒白汽";
  e.district = "110105";
  e.category = "0101";
  e.place = "望京西路";
  e.lat = 39.99;
  e.lon = 116.47;
  e.starts_at = t0;
  e.ends_at = t0 + std::chrono::hours(48);
  e.created_by = 3;
  e.created_at = t0;
  auto saved = store_->SaveExternalEvent(e);
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  Reopen();
  auto got = store_->GetExternalEvent(saved->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->place, "望京西路");
  EXPECT_DOUBLE_EQ(*got->lat, 39.99);
  EXPECT_EQ(got->created_by, 3);
  // Overlap: before, during and after.
  EXPECT_TRUE(store_->ListExternalEvents(t0 - std::chrono::hours(5), t0, 10)->empty());
  EXPECT_EQ(store_->ListExternalEvents(t0 + std::chrono::hours(47), t0 + std::chrono::hours(50), 10)
                ->size(),
            1u);
  EXPECT_TRUE(
      store_->ListExternalEvents(t0 + std::chrono::hours(49), t0 + std::chrono::hours(50), 10)
          ->empty());
  got->title = "热力管线打压试验（延期）";
  got->lat.reset();
  got->created_by = 99;  // not changed by an update
  ASSERT_TRUE(store_->SaveExternalEvent(*got).ok());
  auto again = store_->GetExternalEvent(saved->id);
  EXPECT_EQ(again->title, "热力管线打压试验（延期）");
  EXPECT_FALSE(again->lat.has_value());
  EXPECT_EQ(again->created_by, 3);
  ASSERT_TRUE(store_->DeleteExternalEvent(saved->id).ok());
  EXPECT_EQ(store_->DeleteExternalEvent(saved->id).error().code, ErrorCode::kNotFound);

  Topic t;
  t.kind = "monthly";
  t.title = "老旧小区供暖不热";
  t.category = "0101";
  t.month = "2025-06";
  t.score = 0.82;
  t.orders = {1, 2};
  t.created_by = 5;
  t.created_at = t0;
  auto topic = store_->SaveTopic(t);
  ASSERT_TRUE(topic.ok());
  Topic street;
  street.kind = "street";
  street.title = "建外街道";
  street.unit_id = "110105001";
  street.month = "2025-06";
  street.status = "closed";
  street.created_at = t0;
  ASSERT_TRUE(store_->SaveTopic(street).ok());
  Reopen();
  EXPECT_EQ(store_->ListTopics("")->size(), 2u);
  auto active = store_->ListTopics("active");
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ(active->at(0).orders, (std::vector<int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(active->at(0).score, 0.82);
  topic->status = "closed";
  ASSERT_TRUE(store_->SaveTopic(*topic).ok());
  EXPECT_TRUE(store_->ListTopics("active")->empty());
  Topic missing;
  missing.id = 77;
  EXPECT_EQ(store_->SaveTopic(missing).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, FrequentCallersAreFoundThroughRecentActivity) {
  Harness h;
  domain::OrderDraft a = h.Draft("楼上噪音扰民");
  domain::OrderDraft b = h.Draft("路灯不亮");
  b.caller = {"王五", "13700002222", false, "hash-13700002222"};
  std::vector<int64_t> ids_a;
  for (int i = 0; i < 4; ++i) {
    h.now_ += std::chrono::hours(24);
    auto c = h.Create(*store_, a);
    ASSERT_TRUE(c.ok());
    ids_a.push_back(c->order.id);
    ASSERT_TRUE(h.Create(*store_, b).ok());
  }
  auto all = store_->FrequentCallers(h.now_ - std::chrono::hours(1),
                                     h.now_ - std::chrono::hours(24 * 10), 4, 10);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 2u);
  auto three = store_->FrequentCallers(h.now_ - std::chrono::hours(1),
                                       h.now_ - std::chrono::hours(24 * 2 - 1), 3, 10);
  EXPECT_TRUE(three->empty());  // only two orders each in the last two days
  auto mine = store_->FrequentCallers(h.now_ - std::chrono::hours(1),
                                      h.now_ - std::chrono::hours(24 * 10), 4, 1);
  ASSERT_EQ(mine->size(), 1u);
  auto later = store_->FrequentCallers(h.now_ + std::chrono::hours(1),
                                       h.now_ - std::chrono::hours(24 * 10), 1, 10);
  EXPECT_TRUE(later->empty());  // nobody called since
  for (const auto& co : *all) {
    if (co.caller_hash == "hash-13900001111") {
      EXPECT_EQ(co.orders, ids_a);
    }
  }
}

}  // namespace
}  // namespace jiesu::storage::testing
