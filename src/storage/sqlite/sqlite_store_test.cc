#include "storage/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <thread>

#include "domain/lifecycle.h"
#include "domain/test_jurisdiction.h"
#include "storage/store_contract.h"

namespace jiesu::storage::sqlite {
namespace {

namespace fs = std::filesystem;

// A fresh directory for one test, removed with everything in it when the test ends (declare it
// before the store, so that the store closes first).
class ScopedDir {
 public:
  explicit ScopedDir(const std::string& name)
      : path_(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScopedDir() { fs::remove_all(path_); }
  ScopedDir(const ScopedDir&) = delete;
  ScopedDir& operator=(const ScopedDir&) = delete;
  fs::path operator/(const std::string& file) const { return path_ / file; }

 private:
  fs::path path_;
};

class SqliteFactory final : public testing::StoreFactory {
 public:
  SqliteFactory() {
    dir_ = fs::temp_directory_path() /
           ("jiesu-sqlite-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~SqliteFactory() override { fs::remove_all(dir_); }
  std::unique_ptr<Store> Open() override {
    auto s = SqliteStore::Open(Options{(dir_ / "jiesu.db").string(), 2, 512});
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::unique_ptr<Store>(std::move(*s)) : nullptr;
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

std::unique_ptr<testing::StoreFactory> MakeSqliteFactory() {
  return std::make_unique<SqliteFactory>();
}

using testing::StoreContractTest;
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(&MakeSqliteFactory),
                         [](const auto&) { return std::string("sqlite"); });

// The ids of the first page (up to 50) of orders matching `f`, newest first.
std::vector<int64_t> ListedIds(Store& store, OrderFilter f) {
  f.limit = 50;
  auto p = store.ListOrders(f);
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  std::vector<int64_t> out;
  if (p.ok()) {
    for (const auto& o : p->orders) out.push_back(o.id);
  }
  return out;
}

TEST(SqliteStoreTest, MigrateIsIdempotentAndReportsTheVersion) {
  const ScopedDir dir("jiesu-migrate");
  auto v1 = SqliteStore::Migrate((dir / "m.db").string());
  ASSERT_TRUE(v1.ok()) << v1.error().ToString();
  EXPECT_EQ(*v1, SchemaVersion());
  auto v2 = SqliteStore::Migrate((dir / "m.db").string());
  EXPECT_EQ(*v2, *v1);
}

// Derived tables (timers, facts) are rebuilt from the event log when they are stale, e.g. in a
// database written before they existed.
TEST(SqliteStoreTest, StaleDerivedTablesAreRebuiltFromTheEventLog) {
  const ScopedDir dir("jiesu-derived");
  const std::string path = (dir / "d.db").string();
  const auto j = domain::testing::MakeTestJurisdiction();
  const TimePoint now = *ParseRfc3339("2025-09-29T09:00:00+08:00");
  const domain::Actor agent{1, "agent1", "agent", ""};
  int64_t id = 0;
  {
    auto s = SqliteStore::Open(Options{path, 1, 16});
    ASSERT_TRUE(s.ok());
    domain::OrderDraft d;
    d.content = "噪音扰民";
    auto c = (*s)->CreateOrder(std::nullopt, [&](int64_t n) {
      return domain::DecideIntake(n, "C", d, agent, domain::Context{j, now});
    });
    ASSERT_TRUE(c.ok());
    id = c->order.id;
  }
  auto count = [&](const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    sqlite3_step(st);
    const int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  };
  EXPECT_EQ(count("SELECT count(*) FROM timers"), 1);
  count("UPDATE store_meta SET value = 0 WHERE key = 'derived_version' RETURNING 0");
  count("DELETE FROM timers RETURNING 0");
  EXPECT_EQ(count("SELECT count(*) FROM timers"), 0);
  auto s = SqliteStore::Open(Options{path, 1, 16});
  ASSERT_TRUE(s.ok());
  auto due = (*s)->DueTimers(now + std::chrono::hours(1), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].order_id, id);
}

// Rebuilding the derived tables from the event log changes nothing in them.
TEST(SqliteStoreTest, RebuildingDerivedTablesReproducesThem) {
  const ScopedDir dir("jiesu-rebuild");
  const auto j = domain::testing::MakeTestJurisdiction();
  TimePoint now = *ParseRfc3339("2025-09-29T09:00:00+08:00");
  const domain::Actor agent{1, "agent1", "agent", ""};
  auto s = SqliteStore::Open(Options{(dir / "r.db").string(), 1, 16});
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 20; ++i) {
    now += std::chrono::hours(7);
    domain::OrderDraft d;
    d.content = "诉求" + std::to_string(i);
    d.category = i % 2 ? "0101" : "02";
    auto c = (*s)->CreateOrder(std::nullopt, [&](int64_t n) {
      return domain::DecideIntake(n, "R" + std::to_string(n), d, agent, domain::Context{j, now});
    });
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    if (i % 3 == 0) {
      domain::Command a;
      a.action = domain::Action::kAnswer;
      a.text = "答复";
      ASSERT_TRUE(
          (*s)->UpdateOrders({c->order.id},
                             [&](const std::vector<domain::Order>& os) {
                               return domain::Decide(os[0], a, agent, domain::Context{j, now});
                             })
              .ok());
    }
  }
  RollupQuery q;
  q.to_day = 100000;
  q.group_by = {"day", "category", "district", "unit", "channel"};
  auto before = (*s)->QueryRollups(q);
  ASSERT_TRUE(before.ok());
  auto n = (*s)->RebuildDerivedTables();
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(*n, 20);
  auto after = (*s)->QueryRollups(q);
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    EXPECT_EQ((*after)[i].keys, (*before)[i].keys);
    EXPECT_TRUE((*after)[i].m == (*before)[i].m);
  }
}

// The writer gathers rollup changes and writes them every few hundred ms; a crash in between
// loses them, and the next open redoes them from the events after rollups_through: for new
// orders and for transitions of orders whose earlier changes the tables already held.
TEST(SqliteStoreTest, RollupChangesLostBeforeTheirFlushAreRedoneOnOpen) {
  const ScopedDir dir("jiesu-rollup-catch-up");
  const auto j = domain::testing::MakeTestJurisdiction();
  TimePoint now = *ParseRfc3339("2025-09-29T09:00:00+08:00");
  const domain::Actor agent{1, "agent1", "agent", ""};
  const std::string path = (dir / "r.db").string();
  std::vector<int64_t> ids;
  auto create = [&](SqliteStore& s, int i) {
    now += std::chrono::hours(7);
    domain::OrderDraft d;
    d.content = "诉求" + std::to_string(i);
    d.category = i % 2 ? "0101" : "02";
    auto c = s.CreateOrder(std::nullopt, [&](int64_t n) {
      return domain::DecideIntake(n, "R" + std::to_string(n), d, agent, domain::Context{j, now});
    });
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    ids.push_back(c->order.id);
  };
  auto answer = [&](SqliteStore& s, int64_t id) {
    now += std::chrono::hours(3);
    domain::Command a;
    a.action = domain::Action::kAnswer;
    a.text = "答复";
    ASSERT_TRUE(s.UpdateOrders({id}, [&](const std::vector<domain::Order>& os) {
                   return domain::Decide(os[0], a, agent, domain::Context{j, now});
                 }).ok());
  };
  {
    auto s = SqliteStore::Open(Options{path, 1, 16});  // closed cleanly: everything written
    ASSERT_TRUE(s.ok());
    for (int i = 0; i < 12; ++i) create(**s, i);
  }
  {
    Options crashing{path, 1, 16};
    crashing.write_gathered_rollups = false;
    auto s = SqliteStore::Open(crashing);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->stats().rollups_caught_up, 0u);
    for (size_t k = 0; k < 12; k += 3) answer(**s, ids[k]);  // received earlier, answered now
    for (int i = 12; i < 20; ++i) create(**s, i);
    answer(**s, ids[13]);
  }
  auto s = SqliteStore::Open(Options{path, 1, 16});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->stats().rollups_caught_up, 12u);  // 4 answered + 8 new
  RollupQuery q;
  q.to_day = 100000;
  q.group_by = {"day", "category", "district", "unit", "channel"};
  auto redone = (*s)->QueryRollups(q);
  ASSERT_TRUE(redone.ok());
  ASSERT_TRUE((*s)->RebuildDerivedTables().ok());
  auto rebuilt = (*s)->QueryRollups(q);
  ASSERT_TRUE(rebuilt.ok());
  ASSERT_EQ(redone->size(), rebuilt->size());
  int64_t received = 0, completed = 0;
  for (size_t i = 0; i < rebuilt->size(); ++i) {
    EXPECT_EQ((*redone)[i].keys, (*rebuilt)[i].keys);
    EXPECT_TRUE((*redone)[i].m == (*rebuilt)[i].m);
    received += (*rebuilt)[i].m.received;
    completed += (*rebuilt)[i].m.completed;
  }
  EXPECT_EQ(received, 20);
  EXPECT_EQ(completed, 5);
}

TEST(SqliteStoreTest, UnopenablePathIsUnavailable) {
  auto s = SqliteStore::Open(Options{"/nonexistent-dir/x/jiesu.db", 1, 16});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace jiesu::storage::sqlite

namespace jiesu::storage::sqlite {
namespace {

TEST(SqliteStoreTest, TextSearchIsExactBeforeAndAfterIndexing) {
  const ScopedDir dir("jiesu-fts");
  Options options{(dir / "f.db").string(), 2, 64};
  options.text_scan_window = 2;  // so that searches go through the index too
  auto store = SqliteStore::Open(options);
  ASSERT_TRUE(store.ok());
  const domain::Jurisdiction j = domain::testing::MakeTestJurisdiction();
  const domain::Actor agent{1, "a", "agent", ""};
  auto create = [&](const std::string& content) {
    domain::OrderDraft d;
    d.content = content;
    auto r = (*store)->CreateOrder(std::nullopt, [&](int64_t id) {
      return domain::DecideIntake(id, "F" + std::to_string(id), d, agent,
                                  domain::Context{j, FromUnixMillis(1'700'000'000'000)});
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  };
  auto count = [&](const std::string& text) {
    OrderFilter f;
    f.text = text;
    f.limit = 200;
    auto p = (*store)->ListOrders(f);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? p->orders.size() : 0u;
  };
  create("光华路路灯不亮已经三天");
  create("路口灯不亮，路灯杆歪了");  // has 灯不亮 and 路灯 but not 路灯不亮
  create("He said \"lamp\" is broken");
  EXPECT_EQ(count("路灯不亮"), 1u);
  EXPECT_EQ(count("灯不亮"), 2u);
  EXPECT_EQ(count("\"lamp\""), 1u);
  ASSERT_TRUE((*store)->FlushIndexes().ok());
  EXPECT_EQ(count("路灯不亮"), 1u);
  EXPECT_EQ(count("灯不亮"), 2u);
  EXPECT_EQ(count("\"lamp\""), 1u);
  EXPECT_EQ(count("LAMP"), 1u);  // ASCII matching ignores case, as LIKE does
  create("又一处路灯不亮");      // above the watermark again
  EXPECT_EQ(count("路灯不亮"), 2u);
  for (int i = 0; i < 5; ++i) create("无关的诉求 " + std::to_string(i));
  EXPECT_EQ(count("路灯不亮"), 2u);  // both outside the scanned window: found by the index
  ASSERT_TRUE((*store)->FlushIndexes().ok());
  EXPECT_EQ(count("路灯不亮"), 2u);
  OrderFilter paged;
  paged.text = "路灯不亮";
  paged.limit = 1;
  auto first = (*store)->ListOrders(paged);
  ASSERT_EQ(first->orders.size(), 1u);
  paged.before_id = first->next_cursor;
  auto second = (*store)->ListOrders(paged);
  ASSERT_EQ(second->orders.size(), 1u);
  EXPECT_LT(second->orders[0].id, first->orders[0].id);
  EXPECT_EQ(second->next_cursor, 0);
  EXPECT_EQ(count("不存在的内容"), 0u);
}

// New orders reach the category and district indexes in batches (migration 12); until then a
// list query reads them by a scan of the newest rows. Results and pages are the same either way,
// and across the boundary.
TEST(SqliteStoreTest, CategoryAndDistrictFiltersAreExactBeforeAndAfterListing) {
  const ScopedDir dir("jiesu-listed");
  auto store = SqliteStore::Open(Options{(dir / "l.db").string(), 2, 64});
  ASSERT_TRUE(store.ok());
  const domain::Jurisdiction j = domain::testing::MakeTestJurisdiction();
  const domain::Actor agent{1, "a", "agent", ""};
  auto create = [&](const std::string& category, const std::string& district,
                    const std::string& street) {
    domain::OrderDraft d;
    d.content = "诉求";
    d.category = category;
    d.location.district_code = district;
    d.location.street_code = street;
    auto r = (*store)->CreateOrder(std::nullopt, [&](int64_t id) {
      return domain::DecideIntake(id, "L" + std::to_string(id), d, agent,
                                  domain::Context{j, FromUnixMillis(1'700'000'000'000)});
    });
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->order.id : 0;
  };
  auto ids = [&](const OrderFilter& f) { return ListedIds(**store, f); };
  auto category = [](const std::string& prefix, bool leaf = false) {
    OrderFilter f;
    f.category_prefix = prefix;
    f.category_is_leaf = leaf;
    return f;
  };
  auto district = [](const std::string& code) {
    OrderFilter f;
    f.district_code = code;
    return f;
  };
  OrderFilter street;
  street.street_code = "110105001";
  const int64_t a = create("0101", "110105", "110105001");
  const int64_t b = create("02", "110108", "");
  const int64_t c = create("0101", "110108", "");
  using V = std::vector<int64_t>;
  for (int round = 0; round < 2; ++round) {  // unlisted, then listed
    EXPECT_EQ(ids(category("01")), (V{c, a})) << round;
    EXPECT_EQ(ids(category("0101", true)), (V{c, a})) << round;
    EXPECT_EQ(ids(category("02")), (V{b})) << round;
    EXPECT_EQ(ids(district("110105")), (V{a})) << round;
    EXPECT_EQ(ids(district("110108")), (V{c, b})) << round;
    EXPECT_EQ(ids(street), (V{a})) << round;
    ASSERT_TRUE((*store)->FlushIndexes().ok());
  }
  const int64_t d = create("0101", "110105", "110105001");  // unlisted beside listed ones
  EXPECT_EQ(ids(category("01")), (V{d, c, a}));
  EXPECT_EQ(ids(district("110105")), (V{d, a}));
  // One page at a time across the boundary.
  OrderFilter paged = category("01");
  paged.limit = 1;
  V seen;
  for (int i = 0; i < 5; ++i) {
    auto p = (*store)->ListOrders(paged);
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    for (const auto& o : p->orders) seen.push_back(o.id);
    if (p->next_cursor == 0) break;
    paged.before_id = p->next_cursor;
  }
  EXPECT_EQ(seen, (V{d, c, a}));

  // A listed order whose category changes at dispatch moves to its new category's list.
  auto recategorise = [&](int64_t id, const std::string& to) {
    auto r = (*store)->UpdateOrders(
        {id}, [&](const std::vector<domain::Order>& os) -> Result<std::vector<domain::Event>> {
          const domain::Context ctx{j, FromUnixMillis(1'700'000'100'000)};
          domain::Command send;
          send.action = domain::Action::kSendToDispatch;
          JIESU_ASSIGN_OR_RETURN(auto events, domain::Decide(os[0], send, agent, ctx));
          domain::Order sent = os[0];
          for (const auto& e : events) domain::Apply(sent, e);
          domain::Command dispatch;
          dispatch.action = domain::Action::kDispatch;
          dispatch.category = to;
          dispatch.lead_unit = "110105";
          JIESU_ASSIGN_OR_RETURN(auto more,
                                 domain::Decide(sent, dispatch, {2, "d", "dispatcher", ""}, ctx));
          events.insert(events.end(), more.begin(), more.end());
          return events;
        });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  };
  recategorise(c, "02");  // listed
  recategorise(d, "02");  // not listed yet
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(ids(category("01")), (V{a})) << round;
    EXPECT_EQ(ids(category("0101", true)), (V{a})) << round;
    EXPECT_EQ(ids(category("02")), (V{d, c, b})) << round;
    EXPECT_EQ(ids(district("110105")), (V{d, a})) << round;
    ASSERT_TRUE((*store)->FlushIndexes().ok());
  }
}

// A database written before migration 14 listed its orders with a flag on the order's row; the
// migration moves them to the lists, and the filters give what they gave before.
TEST(SqliteStoreTest, OrdersListedBeforeMigration14StayListed) {
  const ScopedDir dir("jiesu-relist");
  const std::string path = (dir / "r.db").string();
  const domain::Jurisdiction j = domain::testing::MakeTestJurisdiction();
  const domain::Actor agent{1, "a", "agent", ""};
  std::vector<int64_t> created;
  {
    auto store = SqliteStore::Open(Options{path, 2, 64});
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 6; ++i) {
      domain::OrderDraft d;
      d.content = "诉求";
      d.category = i % 2 ? "0101" : "02";
      d.location.district_code = i % 3 ? "110105" : "110108";
      auto r = (*store)->CreateOrder(std::nullopt, [&](int64_t id) {
        return domain::DecideIntake(id, "R" + std::to_string(id), d, agent,
                                    domain::Context{j, FromUnixMillis(1'700'000'000'000)});
      });
      ASSERT_TRUE(r.ok()) << r.error().ToString();
      created.push_back(r->order.id);
      if (i == 3) {
        ASSERT_TRUE((*store)->FlushIndexes().ok());  // the first four are listed
      }
    }
  }
  // Back to the layout of migration 13: the lists as partial indexes of the flagged rows.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, R"sql(
    DROP TRIGGER orders_relist;
    DROP TABLE list_cat1;
    DROP TABLE list_cat2;
    DROP TABLE list_district;
    UPDATE orders SET listed = id <= (SELECT value FROM store_meta WHERE key = 'listed_through');
    CREATE INDEX orders_cat1 ON orders(cat1, id) WHERE listed = 1;
    CREATE INDEX orders_cat2 ON orders(cat2, id) WHERE listed = 1;
    CREATE INDEX orders_district ON orders(district, id) WHERE listed = 1;
    DROP INDEX legs_return_requested;
    DROP INDEX legs_extension_requested;
    DROP TABLE attachments;
    DELETE FROM schema_migrations WHERE version >= 14;)sql",
                              nullptr, nullptr, &err);
  ASSERT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_close(db);

  auto store = SqliteStore::Open(Options{path, 2, 64});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto ids = [&](const OrderFilter& f) { return ListedIds(**store, f); };
  using V = std::vector<int64_t>;
  const V& o = created;
  OrderFilter heat, env, chaoyang, haidian;
  heat.category_prefix = "0101";
  env.category_prefix = "02";
  chaoyang.district_code = "110105";
  haidian.district_code = "110108";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(ids(heat), (V{o[5], o[3], o[1]})) << round;
    EXPECT_EQ(ids(env), (V{o[4], o[2], o[0]})) << round;
    EXPECT_EQ(ids(chaoyang), (V{o[5], o[4], o[2], o[1]})) << round;
    EXPECT_EQ(ids(haidian), (V{o[3], o[0]})) << round;
    ASSERT_TRUE((*store)->FlushIndexes().ok());
  }
}

// The index file (text and callers) is derived data: lost, it is rebuilt from the orders; ahead
// of them (the database replaced by an older or a new one), it is thrown away rather than
// trusted. Searches are exact throughout.
TEST(SqliteStoreTest, IndexFileIsRebuiltWhenLostOrAheadOfTheOrders) {
  const ScopedDir dir("jiesu-indexer");
  const std::string path = (dir / "t.db").string();
  Options options{path, 2, 64};
  options.text_scan_window = 1;  // all but the newest order are found through the index
  int64_t created = 0;
  const domain::Jurisdiction j = domain::testing::MakeTestJurisdiction();
  const domain::Actor agent{1, "a", "agent", ""};
  auto create = [&](SqliteStore& store, const std::string& content) {
    domain::OrderDraft d;
    d.content = content;
    // Two callers, taking turns.
    const std::string phone = ++created % 2 ? "13900001111" : "13900002222";
    d.caller = {"李四", phone, false, "hash-" + phone};
    auto r = store.CreateOrder(std::nullopt, [&](int64_t id) {
      return domain::DecideIntake(id, "T" + std::to_string(id), d, agent,
                                  domain::Context{j, FromUnixMillis(1'700'000'000'000)});
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  };
  auto count = [](SqliteStore& store, const std::string& text) {
    OrderFilter f;
    f.text = text;
    f.limit = 50;
    auto p = store.ListOrders(f);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? p->orders.size() : 0u;
  };
  auto by_caller = [](SqliteStore& store, const std::string& phone) {
    OrderFilter f;
    f.caller_hash = "hash-" + phone;
    f.limit = 50;
    auto p = store.ListOrders(f);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? p->orders.size() : 0u;
  };
  auto remove = [&](const std::string& base) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(base + suffix);
  };
  {
    auto store = SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    for (int i = 0; i < 10; ++i) create(**store, "小区门口路灯不亮 " + std::to_string(i));
    EXPECT_EQ(by_caller(**store, "13900001111"), 5u);  // before indexing
    ASSERT_TRUE((*store)->FlushIndexes().ok());
    EXPECT_EQ(count(**store, "路灯不亮"), 10u);
    EXPECT_EQ(by_caller(**store, "13900001111"), 5u);  // after
    EXPECT_EQ(by_caller(**store, "13900002222"), 5u);
    const TimePoint at = FromUnixMillis(1'700'000'000'000);
    auto frequent =
        (*store)->FrequentCallers(at - std::chrono::hours(1), at - std::chrono::hours(24), 2, 10);
    ASSERT_TRUE(frequent.ok()) << frequent.error().ToString();
    ASSERT_EQ(frequent->size(), 2u);
    EXPECT_EQ((*frequent)[0].orders.size(), 5u);
    EXPECT_EQ((*frequent)[1].orders.size(), 5u);
    create(**store, "又一处路灯不亮");  // above the watermark
    EXPECT_EQ(by_caller(**store, "13900001111"), 6u);
    EXPECT_EQ(by_caller(**store, "13900003333"), 0u);
  }
  ASSERT_TRUE(fs::exists(path + ".index"));
  remove(path + ".index");  // lost
  {
    auto store = SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    EXPECT_EQ(count(**store, "路灯不亮"), 11u);  // unindexed orders are scanned meanwhile
    ASSERT_TRUE((*store)->FlushIndexes().ok());
    EXPECT_EQ(count(**store, "路灯不亮"), 11u);
    EXPECT_EQ(by_caller(**store, "13900001111"), 6u);
  }
  remove(path);  // a new database beside the old index, which covers ids 1..10
  fs::remove(path + ".key");
  {
    auto store = SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    created = 0;
    for (int i = 0; i < 5; ++i) create(**store, "楼道积水 " + std::to_string(i));
    // Trusting the old index would hide orders 1..4: they are below its watermark and not in it.
    EXPECT_EQ(count(**store, "楼道积水"), 5u);
    EXPECT_EQ(count(**store, "路灯不亮"), 0u);
    EXPECT_EQ(by_caller(**store, "13900001111"), 3u);
    ASSERT_TRUE((*store)->FlushIndexes().ok());
    EXPECT_EQ(count(**store, "楼道积水"), 5u);
    EXPECT_EQ(by_caller(**store, "13900001111"), 3u);
  }
  {
    // A file written by an older version: no layout, and its callers somewhere else (here:
    // nowhere). Trusting its watermark would hide the indexed orders' callers.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((path + ".index").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DELETE FROM index_meta WHERE key = 'layout';"
                           "INSERT INTO caller_tokens (caller_tokens) VALUES ('delete-all')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
    auto store = SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    ASSERT_TRUE((*store)->FlushIndexes().ok());
    EXPECT_EQ(by_caller(**store, "13900001111"), 3u);
    EXPECT_EQ(count(**store, "楼道积水"), 5u);
  }
}

}  // namespace
}  // namespace jiesu::storage::sqlite

namespace jiesu::storage::sqlite {
namespace {

// Creates and updates share a batch without savepoints: one that fails before changing
// anything fails alone; one that fails after a change fails its whole batch, and nothing of
// that batch is stored. A trigger plays the failure after a change (the order row is in, its
// events are refused), which no valid input can cause.
TEST(SqliteStoreTest, BatchedCreatesFailAloneOrWithTheirWholeBatch) {
  const ScopedDir dir("jiesu-batch");
  const std::string path = (dir / "b.db").string();
  const auto j = domain::testing::MakeTestJurisdiction();
  const TimePoint now = *ParseRfc3339("2025-09-29T09:00:00+08:00");
  const domain::Actor agent{1, "agent1", "agent", ""};
  auto s = SqliteStore::Open(Options{path, 2, 512});
  ASSERT_TRUE(s.ok());
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TRIGGER poison BEFORE INSERT ON events "
                           "WHEN NEW.body LIKE '%毒%' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  // 3 kinds × 40 threads at once, so that the writer batches them together.
  constexpr int kThreads = 120;
  std::vector<Result<Created>> results(kThreads, Result<Created>(Internal("not run")));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] = (*s)->CreateOrder(std::nullopt, [&, i](int64_t n) {
        if (i % 3 == 1)
          return Result<std::vector<domain::Event>>(InvalidArgument("bad", "content"));
        domain::OrderDraft d;
        d.content = i % 40 == 2 ? "有毒" : "诉求" + std::to_string(i);
        return domain::DecideIntake(n, "B" + std::to_string(n), d, agent, domain::Context{j, now});
      });
    });
  }
  for (auto& t : threads) t.join();
  int stored = 0, batch_failed = 0, refused_alone = 0;
  for (int i = 0; i < kThreads; ++i) {
    const auto& r = results[static_cast<size_t>(i)];
    if (i % 3 == 1) {  // refused before any change: with its own error (or its batch's)
      ASSERT_FALSE(r.ok());
      if (r.error().code == ErrorCode::kInvalidArgument) {
        ++refused_alone;
      } else {
        EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().ToString();
      }
      continue;
    }
    if (i % 40 == 2) {  // poisoned after its order row went in
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().ToString();
      continue;
    }
    if (r.ok()) {
      ++stored;
      auto o = (*s)->GetOrder(r->order.id);
      ASSERT_TRUE(o.ok()) << "acknowledged order " << r->order.id << " is missing";
      EXPECT_EQ(o->draft.content, "诉求" + std::to_string(i));
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().ToString();
      ++batch_failed;
    }
  }
  // Every stored order was acknowledged, and nothing else (no orphan order rows).
  OrderFilter all;
  all.limit = 200;
  EXPECT_EQ((*s)->ListOrders(all)->orders.size(), static_cast<size_t>(stored));
  // The store goes on; alone, a refused write gets its own error and a poisoned one fails.
  auto create = [&](const char* content) {
    return (*s)->CreateOrder(std::nullopt, [&](int64_t n) -> Result<std::vector<domain::Event>> {
      if (std::string(content).empty()) return InvalidArgument("bad", "content");
      domain::OrderDraft d;
      d.content = content;
      return domain::DecideIntake(n, "B" + std::to_string(n), d, agent, domain::Context{j, now});
    });
  };
  EXPECT_EQ(create("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(create("又有毒").error().code, ErrorCode::kUnavailable);
  auto after = create("之后");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*s)->ListOrders(all)->orders.size(), static_cast<size_t>(stored) + 1);
  std::printf("concurrently: stored %d, refused alone %d, failed with a poisoned batch %d\n",
              stored, refused_alone, batch_failed);
}

TEST(SqliteStoreTest, AFailedWalFlushAcknowledgesNothingAndStopsWrites) {
  const ScopedDir dir("jiesu-flush");
  const auto j = domain::testing::MakeTestJurisdiction();
  const TimePoint now = *ParseRfc3339("2025-09-29T09:00:00+08:00");
  const domain::Actor agent{1, "agent1", "agent", ""};
  std::atomic<bool> disk_fails{false};
  std::atomic<int> flushes{0};
  Options options{(dir / "f.db").string(), 1, 512};
  options.flush_wal = [&](int fd) {
    ++flushes;
    if (disk_fails) {
      errno = EIO;
      return -1;
    }
    return ::fdatasync(fd);
  };
  auto s = SqliteStore::Open(options);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  auto create = [&](const std::string& content) {
    return (*s)->CreateOrder(std::nullopt, [&](int64_t n) {
      domain::OrderDraft d;
      d.content = content;
      return domain::DecideIntake(n, "B" + std::to_string(n), d, agent, domain::Context{j, now});
    });
  };
  auto first = create("之前");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_GT(flushes.load(), 0) << "an acknowledged write was never flushed";
  disk_fails = true;
  auto lost = create("刷盘失败");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(lost.error().message.find("flushing the write-ahead log failed"), std::string::npos)
      << lost.error().message;
  // Nothing more is written, even once the disk answers again.
  disk_fails = false;
  auto after = create("之后");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("stopped writing"), std::string::npos)
      << after.error().message;
  // What was acknowledged is still there.
  auto kept = (*s)->GetOrder(first->order.id);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->draft.content, "之前");
}

}  // namespace
}  // namespace jiesu::storage::sqlite
