// Integration tests: the real server on port 0 over a real SQLite file, spoken to over HTTP.
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <set>
#include <thread>

#include "app/app.h"
#include "http_client.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::Client;
using testing::Response;
using testing::Str;

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("jiesu-http-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    app::AppOptions o;
    o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
    o.db_path = (dir_ / "jiesu.db").string();
    o.server.port = 0;
    o.server.handler_threads = 8;
    o.server.body_limit = 64 * 1024;
    o.auth.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    o.auth.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    auto a = app::App::Create(o);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    app_ = std::move(*a);
    std::ostringstream log;
    ASSERT_TRUE(app_->SeedDemo(log).ok());
    auto port = app_->Start();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    port_ = *port;
  }
  void TearDown() override {
    app_.reset();
    fs::remove_all(dir_);
  }

  // A client logged in as one of the demo users.
  std::unique_ptr<Client> As(const std::string& user) { return testing::LoggedIn(port_, user); }

  int64_t OrderCount() {
    auto c = As("dispatcher1");
    Response r = c->Get("/api/v1/orders?limit=200");
    return static_cast<int64_t>(r.json().at("orders").as_array().size());
  }

  fs::path dir_;
  std::unique_ptr<app::App> app_;
  unsigned short port_ = 0;
};

const char* kIntake = R"({
  "channel": "phone", "request_type": "complaint", "urgency": "normal", "category": "0103",
  "title": "路灯不亮", "content": "建外街道光华路路灯连续三晚不亮，夜间行人有摔倒危险。",
  "caller": {"name": "王女士", "phone": "13912345678"},
  "location": {"address": "朝阳区光华路12号附近", "street_code": "110105001"},
  "requester_tags": ["老年人"], "call_id": "C-20260112-0001"
})";

TEST_F(HttpTest, OneOrderThroughEveryStage) {
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto chaoyang = As("chaoyang1");
  auto jianwai = As("jianwai1");
  auto heat = As("heat1");
  auto visitor = As("visitor1");

  // Intake, idempotent.
  Response created = agent->Post("/api/v1/orders", kIntake, {{"Idempotency-Key", "call-0001"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = created.json().at("id").as_int64();
  EXPECT_EQ(Str(created.json(), "state"), "received");
  EXPECT_EQ(created.json().at("location").at("district_code").as_string(), "110105");
  Response again = agent->Post("/api/v1/orders", kIntake, {{"Idempotency-Key", "call-0001"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("id").as_int64(), id);
  EXPECT_EQ(again.headers["Idempotent-Replayed"], "true");
  Response reused = agent->Post("/api/v1/orders", R"({"channel":"phone","content":"别的事"})",
                                {{"Idempotency-Key", "call-0001"}});
  EXPECT_EQ(reused.status, 409);

  const std::string base = "/api/v1/orders/" + std::to_string(id);
  auto ok = [](const Response& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  };
  ok(agent->Post(base + "/send-to-dispatch", ""));
  json::value d =
      ok(dispatcher->Post(base + "/dispatch", R"({"lead_unit":"110105","co_units":["bj.heat"]})"));
  EXPECT_EQ(Str(d, "state"), "in_progress");
  ASSERT_EQ(d.at("legs").as_array().size(), 2u);

  ok(chaoyang->Post(base + "/legs/1/sign", ""));
  ok(heat->Post(base + "/legs/2/sign", ""));
  ok(heat->Post(base + "/legs/2/reply",
                R"({"text":"线路由区政府负责，已配合排查","result":"explained"})"));
  ok(chaoyang->Post(base + "/legs/1/request-extension", R"({"days":2,"reason":"需更换灯杆"})"));
  json::value ext =
      ok(dispatcher->Post(base + "/legs/1/approve-extension", R"({"reason":"同意"})"));
  EXPECT_EQ(ext.at("legs").at(0).at("extension_count").as_int64(), 1);
  ok(chaoyang->Post(base + "/legs/1/sub-dispatch", R"({"unit":"110105001"})"));
  ok(jianwai->Post(base + "/legs/3/sign", ""));
  ok(jianwai->Post(base + "/legs/3/contact", ""));
  json::value sub =
      ok(jianwai->Post(base + "/legs/3/reply", R"({"text":"已更换灯泡","result":"resolved"})"));
  EXPECT_EQ(sub.at("legs").at(0).at("state").as_string(), "handling");
  json::value replied =
      ok(chaoyang->Post(base + "/legs/1/reply", R"({"text":"路灯已修复","result":"resolved"})"));
  EXPECT_EQ(Str(replied, "state"), "replied");
  ok(dispatcher->Post(base + "/accept-reply", ""));
  json::value reopened = ok(
      visitor->Post(base + "/visit",
                    R"({"reached":true,"contacted":true,"solved":false,"satisfaction":"unsatisfied",
                           "attributable":true,"comment":"只修了一盏，另一盏仍不亮"})"));
  EXPECT_EQ(Str(reopened, "state"), "reopened");
  ok(chaoyang->Post(base + "/legs/1/reply", R"({"text":"两盏均已修复","result":"resolved"})"));
  ok(dispatcher->Post(base + "/accept-reply", ""));
  json::value closed = ok(visitor->Post(
      base + "/visit",
      R"({"reached":true,"contacted":true,"solved":true,"satisfaction":"satisfied"})"));
  EXPECT_EQ(Str(closed, "state"), "closed");

  // Every step is in the history, in order.
  json::value full = ok(dispatcher->Get(base));
  std::vector<std::string> types;
  for (const auto& e : full.at("history").as_array()) types.emplace_back(e.at("type").as_string());
  const std::vector<std::string> expected = {"received",
                                             "sent_to_dispatch",
                                             "dispatched",
                                             "signed",
                                             "signed",
                                             "leg_replied",
                                             "extension_requested",
                                             "extension_approved",
                                             "sub_dispatched",
                                             "signed",
                                             "contacted",
                                             "leg_replied",
                                             "sub_reply_received",
                                             "leg_replied",
                                             "order_replied",
                                             "reply_accepted",
                                             "visited",
                                             "reopened",
                                             "leg_reopened",
                                             "leg_replied",
                                             "order_replied",
                                             "reply_accepted",
                                             "visited",
                                             "closed"};
  EXPECT_EQ(types, expected);
  EXPECT_EQ(full.at("visits").as_array().size(), 2u);
  EXPECT_EQ(full.at("version").as_int64(), static_cast<int64_t>(expected.size()));
}

// Intake answers from the store's writer thread through the server and the services: stopping
// the app while orders are in flight must neither crash nor lose an order it acknowledged.
TEST_F(HttpTest, StoppingWithOrdersInFlightLosesNoAcknowledgedOrder) {
  constexpr int kClients = 16;
  std::vector<std::vector<int64_t>> acknowledged(kClients);
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      try {
        auto c = As("agent1");
        for (int i = 0;; ++i) {
          json::object o = json::parse(kIntake).as_object();
          o["content"] = "停机时在途的第" + std::to_string(t) + "-" + std::to_string(i) + "单";
          Response r = c->Post("/api/v1/orders", json::serialize(o));
          if (r.status != 201) return;  // the server has stopped
          acknowledged[t].push_back(r.json().at("id").as_int64());
          ++answered;
        }
      } catch (const std::exception&) {
        // connecting to a stopped server
      }
    });
  }
  while (answered.load() < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  app_.reset();  // stops the server and the store with requests in flight
  for (auto& t : clients) t.join();

  auto store = storage::sqlite::SqliteStore::Open({(dir_ / "jiesu.db").string()});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  size_t n = 0;
  for (const auto& ids : acknowledged) {
    for (int64_t id : ids) {
      EXPECT_TRUE((*store)->GetOrder(id).ok()) << "acknowledged order " << id << " is missing";
      ++n;
    }
  }
  EXPECT_GE(n, 200u);
}

TEST_F(HttpTest, ReturnsRejectionsDirectAnswersAndMerges) {
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto water = As("water1");
  auto make = [&] {
    Response r = agent->Post("/api/v1/orders", kIntake);
    EXPECT_EQ(r.status, 201) << r.body;
    return "/api/v1/orders/" + std::to_string(r.json().at("id").as_int64());
  };
  // A unit asks to return within the window; the dispatcher agrees; back to dispatch.
  std::string o1 = make();
  EXPECT_EQ(agent->Post(o1 + "/send-to-dispatch", "").status, 200);
  EXPECT_EQ(dispatcher->Post(o1 + "/dispatch", R"({"lead_unit":"bj.water"})").status, 200);
  EXPECT_EQ(water->Post(o1 + "/legs/1/request-return", R"({"reason":"路灯不属于供水职责"})").status,
            200);
  Response back = dispatcher->Post(o1 + "/legs/1/approve-return", "");
  EXPECT_EQ(back.status, 200);
  EXPECT_EQ(Str(back.json(), "state"), "dispatching");
  EXPECT_EQ(back.json().at("failed_dispatches").as_int64(), 1);

  std::string o2 = make();
  Response answered =
      agent->Post(o2 + "/answer", R"({"text":"路灯报修请拨打城管热线，已为您转达"})");
  EXPECT_EQ(Str(answered.json(), "state"), "answered_directly");

  std::string o3 = make();
  Response rejected =
      agent->Post(o3 + "/reject", R"({"reason":"已进入诉讼程序","proper_channel":"人民法院"})");
  EXPECT_EQ(Str(rejected.json(), "state"), "rejected");

  std::string child = make();
  std::string parent = make();
  const int64_t parent_id = std::stoll(parent.substr(parent.rfind('/') + 1));
  Response merged =
      dispatcher->Post(child + "/merge", "{\"parent\":" + std::to_string(parent_id) + "}");
  EXPECT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(Str(merged.json(), "state"), "merged");
  Response p = dispatcher->Get(parent);
  EXPECT_EQ(p.json().at("merged_children").as_array().size(), 1u);
  EXPECT_EQ(p.json().at("extra_callers").at(0).at("phone").as_string(), "13912345678");
}

TEST_F(HttpTest, CallersAreMaskedForUnitsAndHiddenWhenConfidential) {
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto heat = As("heat1");
  auto water = As("water1");
  auto analyst = As("analyst1");
  std::string body = kIntake;
  Response open_order = agent->Post("/api/v1/orders", body);
  body.replace(body.find("\"requester_tags\""), 0, "\"confidential\": true, ");
  Response secret = agent->Post("/api/v1/orders", body);
  ASSERT_EQ(secret.status, 201) << secret.body;
  for (const Response* r : {&open_order, &secret}) {
    const std::string base = "/api/v1/orders/" + std::to_string(r->json().at("id").as_int64());
    EXPECT_EQ(agent->Post(base + "/send-to-dispatch", "").status, 200);
    EXPECT_EQ(dispatcher->Post(base + "/dispatch", R"({"lead_unit":"bj.heat"})").status, 200);
  }
  const std::string open_path =
      "/api/v1/orders/" + std::to_string(open_order.json().at("id").as_int64());
  const std::string secret_path =
      "/api/v1/orders/" + std::to_string(secret.json().at("id").as_int64());

  json::value seen_by_unit = heat->Get(open_path).json();
  EXPECT_EQ(seen_by_unit.at("caller").at("phone").as_string(), "139****5678");
  EXPECT_EQ(seen_by_unit.at("caller").at("name").as_string(), "王*");
  EXPECT_EQ(analyst->Get(open_path).json().at("caller").at("phone").as_string(), "139****5678");
  EXPECT_EQ(dispatcher->Get(open_path).json().at("caller").at("phone").as_string(), "13912345678");
  EXPECT_TRUE(heat->Get(secret_path).json().at("caller").is_null());
  EXPECT_TRUE(analyst->Get(secret_path).json().at("caller").is_null());
  EXPECT_EQ(dispatcher->Get(secret_path).json().at("caller").at("phone").as_string(),
            "13912345678");
  EXPECT_EQ(heat->Get(secret_path).body.find("13912345678"), std::string::npos);

  // A unit sees only orders with a leg of its own.
  EXPECT_EQ(water->Get(open_path).status, 404);
  Response list = water->Get("/api/v1/orders");
  EXPECT_EQ(list.json().at("orders").as_array().size(), 0u);
  EXPECT_EQ(water->Get("/api/v1/orders?unit=bj.heat").status, 403);
  Response heat_list = heat->Get("/api/v1/orders?limit=50");
  EXPECT_GE(heat_list.json().at("orders").as_array().size(), 2u);
}

TEST_F(HttpTest, ListingFiltersAndPagesOverHttp) {
  auto agent = As("agent1");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(agent->Post("/api/v1/orders", kIntake).status, 201);
  Response page1 = agent->Get("/api/v1/orders?limit=3&q=%E8%B7%AF%E7%81%AF&district=110105");
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(page1.json().at("orders").as_array().size(), 3u);
  std::string cursor(page1.json().at("next_cursor").as_string());
  Response page2 =
      agent->Get("/api/v1/orders?limit=3&q=%E8%B7%AF%E7%81%AF&district=110105&cursor=" + cursor);
  EXPECT_EQ(page2.json().at("orders").as_array().size(), 2u);
  EXPECT_TRUE(page2.json().at("next_cursor").is_null());
  EXPECT_EQ(
      agent
          ->Get(
              "/api/v1/orders?state=received&channel=phone&urgency=normal&overdue=false&category=01"
              "&from=2020-01-01T00:00:00%2B08:00")
          .json()
          .at("orders")
          .as_array()
          .size(),
      5u);  // the five above (the demo orders are in other states or categories)
}

// The dispatcher's queue of returns and extension requests to rule on, and each unit's part.
TEST_F(HttpTest, OrdersAreListedByTheirLegsStates) {
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto chaoyang = As("chaoyang1");
  auto heat = As("heat1");
  Response created = agent->Post("/api/v1/orders", kIntake);
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = created.json().at("id").as_int64();
  const std::string base = "/api/v1/orders/" + std::to_string(id);
  ASSERT_EQ(agent->Post(base + "/send-to-dispatch", "").status, 200);
  ASSERT_EQ(
      dispatcher->Post(base + "/dispatch", R"({"lead_unit":"110105","co_units":["bj.heat"]})")
          .status,
      200);
  const std::string queue = "/api/v1/orders?limit=200&leg_state=return_requested,extension_requested";
  auto listed = [&](Client& c, const std::string& target) {
    Response r = c.Get(target);
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value page = r.json();
    for (const auto& o : page.at("orders").as_array()) {
      if (o.at("id").as_int64() == id) return true;
    }
    return false;
  };
  EXPECT_FALSE(listed(*dispatcher, queue));
  ASSERT_EQ(chaoyang->Post(base + "/legs/1/request-return", R"({"reason":"不属于本单位职责"})").status,
            200);
  EXPECT_TRUE(listed(*dispatcher, queue));
  EXPECT_TRUE(listed(*chaoyang, queue));
  EXPECT_FALSE(listed(*heat, queue)) << "heat's own leg waits for no ruling";
  EXPECT_TRUE(listed(*heat, "/api/v1/orders?limit=200&leg_state=pending_sign"));
  EXPECT_FALSE(listed(*dispatcher, queue + "&unit=bj.heat"));
  ASSERT_EQ(dispatcher->Post(base + "/legs/1/refuse-return", "").status, 200);
  EXPECT_FALSE(listed(*dispatcher, queue));
  Response bad = dispatcher->Get("/api/v1/orders?leg_state=return_requested,waiting");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(testing::Str(bad.json(), "field"), "leg_state");
}

struct BadCase {
  const char* name;
  const char* method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
  int status;
  const char* code;
  const char* field;
};

TEST_F(HttpTest, EveryKindOfBadInputIsRefusedAndChangesNothing) {
  auto agent = As("agent1");
  auto heat = As("heat1");
  Response existing = agent->Post("/api/v1/orders", kIntake);
  ASSERT_EQ(existing.status, 201);
  const std::string o = "/api/v1/orders/" + std::to_string(existing.json().at("id").as_int64());
  Response done = agent->Post("/api/v1/orders", kIntake);
  const std::string answered = "/api/v1/orders/" + std::to_string(done.json().at("id").as_int64());
  ASSERT_EQ(agent->Post(answered + "/answer", R"({"text":"已答复"})").status, 200);
  const int64_t before = OrderCount();
  const int64_t version_before = agent->Get(o).json().at("version").as_int64();

  const std::vector<BadCase> cases = {
      {"oversized body",
       "POST",
       "/api/v1/orders",
       std::string(100 * 1024, 'x'),
       {},
       413,
       "too_large",
       ""},
      {"malformed JSON",
       "POST",
       "/api/v1/orders",
       "{\"channel\": \"phone\", ",
       {},
       400,
       "invalid_argument",
       ""},
      {"invalid UTF-8",
       "POST",
       "/api/v1/orders",
       "{\"channel\":\"phone\",\"content\":\"\xff\xfe\"}",
       {},
       400,
       "invalid_argument",
       ""},
      {"not an object", "POST", "/api/v1/orders", "[1,2,3]", {}, 400, "invalid_argument", ""},
      {"unknown field",
       "POST",
       "/api/v1/orders",
       R"({"channel":"phone","content":"x","colour":"red"})",
       {},
       400,
       "invalid_argument",
       "colour"},
      {"unknown nested field",
       "POST",
       "/api/v1/orders",
       R"({"channel":"phone","content":"x","caller":{"phone":"1","age":3}})",
       {},
       400,
       "invalid_argument",
       "caller.age"},
      {"wrong type",
       "POST",
       "/api/v1/orders",
       R"({"channel":"phone","content":5})",
       {},
       400,
       "invalid_argument",
       "content"},
      {"missing field",
       "POST",
       "/api/v1/orders",
       R"({"channel":"phone"})",
       {},
       400,
       "invalid_argument",
       "content"},
      {"unknown enum",
       "POST",
       "/api/v1/orders",
       R"({"channel":"pigeon","content":"x"})",
       {},
       400,
       "invalid_argument",
       "channel"},
      {"unknown code",
       "POST",
       "/api/v1/orders",
       R"({"channel":"phone","content":"x","location":{"street_code":"999999999"}})",
       {},
       400,
       "invalid_argument",
       "location.street_code"},
      {"deep nesting",
       "POST",
       "/api/v1/orders",
       std::string(40, '[') + std::string(40, ']'),
       {},
       400,
       "invalid_argument",
       ""},
      {"injection attempt",
       "GET",
       "/api/v1/orders?state=received'%20OR%201=1--",
       "",
       {},
       400,
       "invalid_argument",
       "state"},
      {"bad id", "GET", "/api/v1/orders/abc", "", {}, 400, "invalid_argument", "id"},
      {"unknown order", "GET", "/api/v1/orders/999999", "", {}, 404, "not_found", ""},
      {"unknown query parameter",
       "GET",
       "/api/v1/orders?sort=desc",
       "",
       {},
       400,
       "invalid_argument",
       "sort"},
      {"bad time", "GET", "/api/v1/orders?from=yesterday", "", {}, 400, "invalid_argument", "from"},
      {"unknown action", "POST", o + "/teleport", "", {}, 404, "not_found", ""},
      {"illegal transition",
       "POST",
       answered + "/send-to-dispatch",
       "",
       {},
       409,
       "illegal_transition",
       ""},
      {"action of another role", "POST", o + "/accept-reply", "", {}, 403, "forbidden", ""},
      {"missing reason", "POST", o + "/reject", "{}", {}, 400, "invalid_argument", "reason"},
      {"field of another action",
       "POST",
       o + "/send-to-dispatch",
       R"({"lead_unit":"110105"})",
       {},
       400,
       "invalid_argument",
       "lead_unit"},
      {"oversized idempotency key",
       "POST",
       "/api/v1/orders",
       kIntake,
       {{"Idempotency-Key", std::string(300, 'k')}},
       400,
       "invalid_argument",
       "Idempotency-Key"},
      {"unknown endpoint", "GET", "/api/v1/nothing", "", {}, 404, "not_found", ""},
  };
  for (const auto& c : cases) {
    Response r = agent->Send(c.method, c.target, c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    json::value v = r.json();
    ASSERT_TRUE(v.is_object()) << c.name << ": error body is not JSON: " << r.body;
    EXPECT_EQ(v.at("code").as_string(), c.code) << c.name;
    EXPECT_FALSE(v.at("message").as_string().empty()) << c.name;
    if (c.field[0] != '\0') {
      ASSERT_TRUE(v.as_object().contains("field")) << c.name << ": " << r.body;
      EXPECT_EQ(v.at("field").as_string(), c.field) << c.name;
    }
  }
  // Authentication and authorisation.
  Client anonymous(port_);
  EXPECT_EQ(anonymous.Get("/api/v1/orders").status, 401);
  anonymous.set_token("not-a-token");
  EXPECT_EQ(anonymous.Post("/api/v1/orders", kIntake).status, 401);
  Client wrong(port_);
  EXPECT_EQ(wrong.Post("/api/v1/auth/login", R"({"username":"agent1","password":"wrong-password"})")
                .status,
            401);
  EXPECT_EQ(heat->Post("/api/v1/orders", kIntake).status, 403);
  EXPECT_EQ(agent->Post("/api/v1/users", R"({"username":"x","role":"agent","password":"12345678"})")
                .status,
            403);
  EXPECT_EQ(agent->Send("DELETE", o).status, 405);

  EXPECT_EQ(OrderCount(), before);
  EXPECT_EQ(agent->Get(o).json().at("version").as_int64(), version_before);
}

TEST_F(HttpTest, ScoresDrillDownClaimsAndNoticesOverHttp) {
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto chaoyang = As("chaoyang1");
  auto heat = As("heat1");
  auto visitor = As("visitor1");
  auto supervisor = As("supervisor1");
  auto analyst = As("analyst1");
  const std::string month =
      FormatDate(LocalDate(SystemClock().Now(), 480)).substr(0, 7);  // this month
  auto ok = [](const Response& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return r.json();
  };

  // One order taken all the way to a satisfied visit for 朝阳区.
  const int64_t id = ok(agent->Post("/api/v1/orders", kIntake), 201).at("id").as_int64();
  const std::string base = "/api/v1/orders/" + std::to_string(id);
  ok(agent->Post(base + "/send-to-dispatch", ""));
  ok(dispatcher->Post(base + "/dispatch", R"({"lead_unit":"110105"})"));
  ok(chaoyang->Post(base + "/legs/1/sign", ""));
  ok(chaoyang->Post(base + "/legs/1/contact", ""));
  ok(chaoyang->Post(base + "/legs/1/reply", R"({"text":"已修复","result":"resolved"})"));
  ok(dispatcher->Post(base + "/accept-reply", ""));
  // The order waits in the visitor's queue; units have no queue.
  json::value queue = ok(visitor->Get("/api/v1/visits/queue?unit=110105"));
  bool queued = false;
  for (const auto& o : queue.at("orders").as_array()) queued |= o.at("id").as_int64() == id;
  EXPECT_TRUE(queued);
  EXPECT_EQ(chaoyang->Get("/api/v1/visits/queue").status, 403);
  ok(visitor->Post(
      base + "/visit",
      R"({"reached":true,"contacted":true,"solved":true,"satisfaction":"satisfied"})"));

  auto figure = [&](Client& c, const char* metric) {
    json::value u = ok(c.Get("/api/v1/scores/110105?period=" + month));
    return u.at(metric);
  };
  json::value sat = figure(*analyst, "satisfaction");
  const int64_t visited = sat.at("denominator").as_int64();
  ASSERT_GE(visited, 1);
  // The ranking lists every unit; 朝阳区 is ranked among the districts.
  json::value all = ok(analyst->Get("/api/v1/scores?period=" + month + "&class=district"));
  bool found = false;
  for (const auto& u : all.at("units").as_array()) {
    if (u.at("unit_id").as_string() == "110105") {
      found = true;
      EXPECT_GE(u.at("rank").as_int64(), 1);
      EXPECT_EQ(u.at("name").as_string(), "朝阳区人民政府");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(all.at("lists").as_object().contains("district"));

  // Drill-down: the rows are exactly the figure's denominator, and include our order.
  json::value drill = ok(chaoyang->Get("/api/v1/scores/110105/orders?period=" + month +
                                       "&metric=satisfaction&limit=1000"));
  EXPECT_EQ(drill.at("denominator").as_int64(), visited);
  EXPECT_EQ(drill.at("total_rows").as_int64(), visited);
  bool listed = false;
  for (const auto& r : drill.at("rows").as_array()) listed |= r.at("order_id").as_int64() == id;
  EXPECT_TRUE(listed);
  EXPECT_EQ(heat->Get("/api/v1/scores/110105/orders?period=" + month + "&metric=response").status,
            403);

  // A claim: filed by the unit, upheld by a supervisor, visible in the audit.
  const std::string claim_body = R"({"kind":"unreasonable","order_id":)" + std::to_string(id) +
                                 R"(,"period":")" + month +
                                 R"(","reason":"诉求超出政策范围","evidence":"政策文件第3条"})";
  EXPECT_EQ(heat->Post("/api/v1/claims", claim_body).status, 400);  // never had the order
  json::value claim = ok(chaoyang->Post("/api/v1/claims", claim_body), 201);
  const std::string claim_url = "/api/v1/claims/" + std::to_string(claim.at("id").as_int64());
  EXPECT_EQ(Str(claim, "state"), "pending");
  EXPECT_EQ(chaoyang->Post("/api/v1/claims", claim_body).status, 409);  // one pending at a time
  EXPECT_EQ(chaoyang->Post(claim_url + "/uphold", R"({"reason":"自己批准"})").status, 403);
  EXPECT_EQ(supervisor->Post(claim_url + "/approve", R"({"reason":"x"})").status, 404);
  EXPECT_EQ(supervisor->Post(claim_url + "/uphold", R"({})").status, 400);
  EXPECT_EQ(heat->Get(claim_url).status, 404);
  json::value upheld = ok(supervisor->Post(claim_url + "/uphold", R"({"reason":"属实"})"));
  EXPECT_EQ(Str(upheld, "state"), "upheld");
  EXPECT_EQ(figure(*analyst, "satisfaction").at("denominator").as_int64(), visited - 1);
  json::value audit = ok(chaoyang->Get("/api/v1/scores/110105/audit?period=" + month));
  ASSERT_EQ(audit.at("changes").as_array().size(), 1u);
  EXPECT_EQ(audit.at("changes").at(0).at("before").at("satisfaction").at("denominator").as_int64(),
            visited);
  json::value claims = ok(chaoyang->Get("/api/v1/claims?state=upheld"));
  EXPECT_EQ(claims.at("claims").as_array().size(), 1u);

  // Notices: a unit reads its own only.
  ok(chaoyang->Get("/api/v1/notices"));
  EXPECT_EQ(chaoyang->Get("/api/v1/notices?unit=bj.heat").status, 403);
  ok(dispatcher->Get("/api/v1/notices?unit=hotline"));

  // Bad input is refused with the field named.
  for (const std::string& bad : std::vector<std::string>{
           "/api/v1/scores?period=2026-13", "/api/v1/scores",
           "/api/v1/scores?period=" + month + "&colour=red",
           "/api/v1/scores/110105/orders?period=" + month + "&metric=happiness",
           "/api/v1/scores/110105/orders?period=" + month + "&metric=response&passed=maybe",
           "/api/v1/scores?period=" + month + "&class=village"}) {
    Response r = analyst->Get(bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  EXPECT_EQ(analyst->Get("/api/v1/scores/nowhere?period=" + month).status, 404);
}

TEST_F(HttpTest, JointSupervisionOrderOverHttp) {
  auto agent = As("agent1");
  auto supervisor = As("supervisor1");
  auto chaoyang = As("chaoyang1");
  auto heat = As("heat1");
  auto jianwai = As("jianwai1");
  auto ok = [](const Response& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return r.json();
  };
  const int64_t order = ok(agent->Post("/api/v1/orders", kIntake), 201).at("id").as_int64();
  const std::string open = R"({"order_id":)" + std::to_string(order) +
                           R"(,"units":["110105","bj.heat"],"title":"供暖问题反复投诉",)"
                           R"("demand":"五个工作日内联合排查并书面答复","days":5})";
  EXPECT_EQ(agent->Post("/api/v1/supervisions", open).status, 403);
  json::value s = ok(supervisor->Post("/api/v1/supervisions", open), 201);
  const std::string base = "/api/v1/supervisions/" + std::to_string(s.at("id").as_int64());
  EXPECT_EQ(Str(s, "state"), "open");
  EXPECT_EQ(s.at("parts").as_array().size(), 2u);

  ok(chaoyang->Post(base + "/units/110105/accept", ""));
  EXPECT_EQ(chaoyang->Post(base + "/units/bj.heat/accept", "").status, 403);
  EXPECT_EQ(jianwai->Get(base).status, 404);  // not one of its parts
  EXPECT_EQ(chaoyang->Post(base + "/units/110105/approve-reply", "").status, 403);
  EXPECT_EQ(chaoyang->Post(base + "/units/110105/reply", R"({"text":""})").status, 400);
  ok(chaoyang->Post(base + "/units/110105/reply", R"({"text":"已协调热力公司上门检修"})"));
  ok(supervisor->Post(base + "/units/110105/reject-reply", R"({"reason":"未附检修记录"})"));
  ok(chaoyang->Post(base + "/units/110105/reply", R"({"text":"检修记录见附件"})"));
  ok(supervisor->Post(base + "/units/110105/approve-reply", ""));
  ok(heat->Post(base + "/units/bj.heat/request-return", R"({"reason":"该小区为自管供暖"})"));
  json::value closed = ok(supervisor->Post(base + "/units/bj.heat/approve-return", ""));
  EXPECT_EQ(Str(closed, "state"), "closed");
  EXPECT_EQ(supervisor->Post(base + "/units/bj.heat/approve-return", "").status, 409);
  EXPECT_EQ(supervisor->Post(base + "/units/bj.heat/close", "").status, 404);

  json::value full = ok(chaoyang->Get(base));
  std::vector<std::string> steps;
  for (const auto& e : full.at("history").as_array()) steps.emplace_back(e.at("step").as_string());
  EXPECT_EQ(steps, (std::vector<std::string>{"opened", "accepted", "replied", "reply_rejected",
                                             "replied", "reply_approved", "return_requested",
                                             "return_approved", "closed"}));
  // Lists: a unit sees its own; filters by state and order.
  json::value mine = ok(heat->Get("/api/v1/supervisions?state=closed"));
  EXPECT_EQ(mine.at("supervisions").as_array().size(), 1u);
  EXPECT_EQ(jianwai->Get("/api/v1/supervisions").json().at("supervisions").as_array().size(), 0u);
  EXPECT_EQ(jianwai->Get("/api/v1/supervisions?unit=110105").status, 403);
  json::value by_order =
      ok(supervisor->Get("/api/v1/supervisions?order_id=" + std::to_string(order)));
  EXPECT_EQ(by_order.at("supervisions").as_array().size(), 1u);
  for (const char* bad :
       {R"({"units":["nowhere"],"title":"t","demand":"d","days":3})",
        R"({"units":["110105"],"title":"t","demand":"d","days":0})",
        R"({"units":[],"title":"t","demand":"d","days":3})",
        R"({"order_id":999999,"units":["110105"],"title":"t","demand":"d","days":3})",
        R"({"units":["110105"],"title":"t","demand":"d","days":3,"colour":1})"}) {
    EXPECT_EQ(supervisor->Post("/api/v1/supervisions", bad).status, 400) << bad;
  }
  EXPECT_EQ(ok(supervisor->Get("/api/v1/supervisions")).at("supervisions").as_array().size(), 1u);
}

TEST_F(HttpTest, AnalyticsBreakdownsOverHttp) {
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto analyst = As("analyst1");
  auto chaoyang = As("chaoyang1");
  auto ok = [](const Response& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return r.json();
  };
  const std::string today = FormatDate(LocalDate(SystemClock().Now(), 480));
  const std::string range = "from=" + today + "&to=" + today;
  auto figures = [&] {
    json::value by_cat = ok(analyst->Get("/api/v1/analytics?" + range + "&by=category,district"));
    std::pair<int64_t, int64_t> out{0, 0};
    for (const auto& g : by_cat.at("groups").as_array()) {
      if (g.at("category").as_string() == "0103" && g.at("district").as_string() == "110105") {
        out = {g.at("received").as_int64(), g.at("completed").as_int64()};
        EXPECT_EQ(g.at("category_name").as_string(), "市政设施");
      }
    }
    return out;
  };
  const auto before = figures();  // the demo's own orders
  for (int i = 0; i < 3; ++i) ok(agent->Post("/api/v1/orders", kIntake), 201);
  const int64_t id = ok(agent->Post("/api/v1/orders", kIntake), 201).at("id").as_int64();
  ok(agent->Post("/api/v1/orders/" + std::to_string(id) + "/answer", R"({"text":"已解答"})"));
  const auto after = figures();
  EXPECT_EQ(after.first - before.first, 4);
  EXPECT_EQ(after.second - before.second, 1);
  // 万人诉求比 for 朝阳区 (3,452,000 residents in the demo's census figures).
  json::value by_district = ok(analyst->Get("/api/v1/analytics?" + range + "&by=district"));
  bool seen = false;
  for (const auto& g : by_district.at("groups").as_array()) {
    if (g.at("district").as_string() != "110105") continue;
    seen = true;
    const double expected =
        std::round(static_cast<double>(g.at("received").as_int64()) * 1e4 / 3452000 * 100) / 100;
    EXPECT_DOUBLE_EQ(g.at("per_10k_residents").to_number<double>(), expected);
  }
  EXPECT_TRUE(seen);
  // Time to sign and to reply: one order dispatched to 朝阳区, signed and replied at once.
  auto by_unit = [&] {
    json::value v = ok(analyst->Get("/api/v1/analytics?" + range + "&by=unit&unit=110105"));
    return v.at("groups").as_array().empty()
               ? json::value(json::object{{"signed", 0}, {"replied", 0}})
               : v.at("groups").at(0);
  };
  const json::value unit_before = by_unit();
  const std::string order =
      "/api/v1/orders/" +
      std::to_string(ok(agent->Post("/api/v1/orders", kIntake), 201).at("id").as_int64());
  ok(agent->Post(order + "/send-to-dispatch", ""));
  ok(dispatcher->Post(order + "/dispatch", R"({"lead_unit":"110105"})"));
  ok(chaoyang->Post(order + "/legs/1/sign", ""));
  ok(chaoyang->Post(order + "/legs/1/reply", R"({"text":"已修复","result":"resolved"})"));
  const json::value unit_after = by_unit();
  EXPECT_EQ(unit_after.at("signed").as_int64() - unit_before.at("signed").as_int64(), 1);
  EXPECT_EQ(unit_after.at("replied").as_int64() - unit_before.at("replied").as_int64(), 1);
  EXPECT_LT(unit_after.at("mean_hours_to_sign").to_number<double>(), 1.0);
  int64_t in_buckets = 0;
  for (const auto& b : unit_after.at("signed_by_hours").as_array()) in_buckets += b.as_int64();
  EXPECT_EQ(in_buckets, unit_after.at("signed").as_int64());
  EXPECT_EQ(unit_after.at("replied_by_hours").as_array().size(), 8u);
  json::value days = ok(dispatcher->Get("/api/v1/analytics?" + range + "&by=day&category=01"));
  ASSERT_EQ(days.at("groups").as_array().size(), 1u);
  EXPECT_EQ(days.at("groups").at(0).at("day").as_string(), today);
  // A unit sees its own unit's figures only.
  EXPECT_EQ(chaoyang->Get("/api/v1/analytics?" + range + "&unit=bj.heat").status, 403);
  ok(chaoyang->Get("/api/v1/analytics?" + range));
  for (const std::string& bad : std::vector<std::string>{
           "/api/v1/analytics?from=2026-13-01&to=" + today,
           "/api/v1/analytics?" + range + "&by=colour", "/api/v1/analytics?from=" + today,
           "/api/v1/analytics?" + range + "&size=3",
           "/api/v1/analytics?from=2026-02-01&to=2026-01-01"}) {
    EXPECT_EQ(analyst->Get(bad).status, 400) << bad;
  }
}

TEST_F(HttpTest, EveryFullViewOfACallerIsLogged) {
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto chaoyang = As("chaoyang1");
  auto supervisor = As("supervisor1");
  Response created = agent->Post("/api/v1/orders", kIntake);
  const std::string o = "/api/v1/orders/" + std::to_string(created.json().at("id").as_int64());
  ASSERT_EQ(agent->Post(o + "/send-to-dispatch", "").status, 200);  // an agent: logged
  ASSERT_EQ(dispatcher->Post(o + "/dispatch", R"({"lead_unit":"110105"})").status, 200);  // logged
  ASSERT_EQ(dispatcher->Get(o).status, 200);                                              // logged
  ASSERT_EQ(chaoyang->Get(o).status, 200);  // masked: not a view of the identity
  Response log = supervisor->Get(o + "/access-log");
  ASSERT_EQ(log.status, 200) << log.body;
  const json::value body = log.json();
  const auto& accesses = body.at("accesses").as_array();
  ASSERT_EQ(accesses.size(), 3u);
  EXPECT_EQ(accesses[0].at("username").as_string(), "dispatcher1");
  EXPECT_EQ(accesses[2].at("username").as_string(), "agent1");
  EXPECT_EQ(accesses[0].at("action").as_string(), "view_caller");
  EXPECT_EQ(dispatcher->Get(o + "/access-log").status, 403);
  EXPECT_EQ(supervisor->Get("/api/v1/orders/999999/access-log").status, 404);
}

TEST_F(HttpTest, RepeatedFailedLogInsAreRefusedForAWhile) {
  Client c(port_);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(c.Post("/api/v1/auth/login",
                     R"({"username":"visitor1","password":"guess-)" + std::to_string(i) + "\"}")
                  .status,
              401);
  }
  Response locked =
      c.Post("/api/v1/auth/login", R"({"username":"visitor1","password":"jiesu-demo"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.json().at("code").as_string(), "rate_limited");
  EXPECT_EQ(c.Post("/api/v1/auth/login", R"({"username":"agent1","password":"jiesu-demo"})").status,
            200);
}

TEST_F(HttpTest, AdminCreatesUsersWhoCanLogIn) {
  auto admin = As("admin");
  Response r =
      admin->Post("/api/v1/users", R"({"username":"haidian1","role":"unit_handler","unit":"110108",
                                                 "password":"long-enough-pw","display_name":"海淀区 承办人"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(admin
                ->Post("/api/v1/users",
                       R"({"username":"haidian1","role":"agent","password":"long-enough-pw"})")
                .status,
            409);
  EXPECT_EQ(admin
                ->Post("/api/v1/users",
                       R"({"username":"u2","role":"unit_handler","password":"long-enough-pw"})")
                .json()
                .at("field")
                .as_string(),
            "unit");
  Client c(port_);
  Response login =
      c.Post("/api/v1/auth/login", R"({"username":"haidian1","password":"long-enough-pw"})");
  ASSERT_EQ(login.status, 200);
  c.set_token(std::string(login.json().at("token").as_string()));
  Response me = c.Get("/api/v1/me");
  EXPECT_EQ(me.json().at("unit").as_string(), "110108");
  EXPECT_EQ(c.Post("/api/v1/auth/logout", "").status, 200);
  EXPECT_EQ(c.Get("/api/v1/me").status, 401);
}

// `jiesu serve --demo` on another demo jurisdiction: the accounts its roles and units allow,
// none of the Beijing demo's orders or knowledge points, and no error.
TEST(DemoTest, AnotherJurisdictionGetsTheAccountsItCanHold) {
  const fs::path dir =
      fs::temp_directory_path() / ("jiesu-demo-boston-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  app::AppOptions o;
  o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-boston";
  o.db_path = (dir / "jiesu.db").string();
  o.scheduler = false;
  o.auth.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.auth.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  {
    auto a = app::App::Create(o);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    std::ostringstream log;
    Status seeded = (*a)->SeedDemo(log, /*history=*/true);
    ASSERT_TRUE(seeded.ok()) << seeded.error().ToString();
    ASSERT_TRUE((*a)->SeedDemoKnowledge(log).ok());
    EXPECT_NE(log.str().find("Demo orders: none"), std::string::npos) << log.str();
    EXPECT_TRUE((*a)->store().FindUserByName("agent1").ok());
    EXPECT_FALSE((*a)->store().FindUserByName("chaoyang1").ok());  // 110105 is not Boston's
    auto orders = (*a)->store().ListOrders(storage::OrderFilter{});
    ASSERT_TRUE(orders.ok());
    EXPECT_TRUE(orders->orders.empty());
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace jiesu
