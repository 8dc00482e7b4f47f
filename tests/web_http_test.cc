// What the web pages need of the server, over real HTTP: the built files served beside the API,
// the browser's cookie session with its CSRF token, and the public citizen endpoints.
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "app/app.h"
#include "http_client.h"
#include "service/citizen.h"

namespace jiesu {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::Client;
using testing::Response;
using testing::Str;

class WebHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("jiesu-web-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "dist/assets");
    std::ofstream(dir_ / "dist/index.html") << "<!doctype html><title>jiesu</title>";
    std::ofstream(dir_ / "dist/assets/index-1a2b.js") << "export {}";
    app::AppOptions o;
    o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
    o.db_path = (dir_ / "jiesu.db").string();
    o.server.port = 0;
    o.server.handler_threads = 8;
    o.server.web_dir = (dir_ / "dist").string();
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

  // A solved challenge as the page sends it: {"challenge": …, "nonce": …}.
  json::object Solved(Client& c) {
    Response r = c.Get("/api/v1/public/challenge");
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string token = Str(r.json(), "challenge");
    const int bits = static_cast<int>(r.json().at("bits").as_int64());
    return json::object{{"challenge", token}, {"nonce", service::Citizen::Solve(token, bits)}};
  }

  struct Receipt {
    std::string code, key;
    int64_t id = 0;
  };
  // A request made on the public page.
  Receipt Submit(Client& c, const std::string& content = "光华路12号门口井盖缺失，晚上很危险") {
    json::object body = Solved(c);
    body["content"] = content;
    body["location"] = json::object{{"street_code", "110105001"}};
    body["contact"] = json::object{{"name", "李先生"}, {"phone", "13912345678"}};
    Response r = c.Post("/api/v1/public/requests", json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    Receipt out{Str(r.json(), "tracking_code"), Str(r.json(), "access_key"), 0};
    out.id = std::stoll(out.code.substr(out.code.size() - 8));
    return out;
  }
  // Takes order `id` from intake to a reply of unit 110105 with `reply` as the body.
  void Replied(int64_t id, const std::string& reply) {
    const std::string base = "/api/v1/orders/" + std::to_string(id);
    auto dispatcher = testing::LoggedIn(port_, "dispatcher1");
    auto unit = testing::LoggedIn(port_, "chaoyang1");
    for (auto [c, path, body] :
         {std::tuple{dispatcher.get(), base + "/send-to-dispatch", std::string()},
          std::tuple{dispatcher.get(), base + "/dispatch", std::string(R"({"lead_unit":"110105","category":"0103"})")},
          std::tuple{unit.get(), base + "/legs/1/sign", std::string()},
          std::tuple{unit.get(), base + "/legs/1/reply", reply}}) {
      Response r = c->Post(path, body);
      ASSERT_EQ(r.status, 200) << path << ": " << r.body;
    }
  }
  Response Track(Client& c, const Receipt& r) {
    return c.Post("/api/v1/public/track",
                  json::serialize(json::object{{"tracking_code", r.code}, {"access_key", r.key}}));
  }

  fs::path dir_;
  std::unique_ptr<app::App> app_;
  unsigned short port_ = 0;
};

TEST_F(WebHttpTest, PagesAreServedBesideTheApi) {
  Client c(port_);
  Response page = c.Get("/intake");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>jiesu</title>");
  EXPECT_EQ(page.headers["Cache-Control"], "no-cache");
  EXPECT_NE(page.headers["Content-Security-Policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page.headers["X-Frame-Options"], "DENY");
  Response asset = c.Get("/assets/index-1a2b.js");
  EXPECT_EQ(asset.headers["Cache-Control"], "public, max-age=31536000, immutable");
  Response api = c.Get("/api/v1/no-such-thing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(Str(api.json(), "code"), "not_found");
  EXPECT_EQ(api.headers["X-Content-Type-Options"], "nosniff");
}

TEST_F(WebHttpTest, TheBrowserSessionNeedsItsCsrfTokenToWrite) {
  Client c(port_);
  Response bad = c.Post("/api/v1/auth/session", R"({"username":"agent1","password":"wrong-pw"})");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.headers.count("Set-Cookie"), 0u);
  Response login =
      c.Post("/api/v1/auth/session", R"({"username":"agent1","password":"jiesu-demo"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string set_cookie = login.headers["Set-Cookie"];
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(login.json().as_object().count("token"), 0u) << "the page never sees the token";
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = Str(login.json(), "csrf_token");

  Response me = c.Send("GET", "/api/v1/me", "", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Str(me.json(), "username"), "agent1");
  EXPECT_EQ(Str(me.json(), "csrf_token"), csrf) << "a reloaded page gets its token back";

  const std::string order = R"({"channel":"phone","content":"小区路灯坏了"})";
  auto orders = [&] {
    Response r = c.Send("GET", "/api/v1/orders?limit=200", "", {{"Cookie", cookie}});
    return r.json().at("orders").as_array().size();
  };
  const size_t before = orders();
  Response forged = c.Send("POST", "/api/v1/orders", order, {{"Cookie", cookie}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  Response wrong =
      c.Send("POST", "/api/v1/orders", order, {{"Cookie", cookie}, {"X-CSRF-Token", "x" + csrf}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(orders(), before) << "a refused write changes nothing";
  Response made =
      c.Send("POST", "/api/v1/orders", order, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(orders(), before + 1);

  Response out =
      c.Send("DELETE", "/api/v1/auth/session", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.headers["Set-Cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(c.Send("GET", "/api/v1/me", "", {{"Cookie", cookie}}).status, 401);
}

TEST_F(WebHttpTest, ACitizenSubmitsAndFollowsARequestWithoutLoggingIn) {
  Client c(port_);
  json::object body = Solved(c);
  body["content"] = "朝阳区光华路12号门口井盖缺失，晚上很危险，我的电话13912345678";
  body["location"] = json::object{{"street_code", "110105001"}, {"address", "光华路12号"}};
  body["contact"] = json::object{{"name", "李先生"}, {"phone", "13912345678"}};
  Response made =
      c.Post("/api/v1/public/requests", json::serialize(body), {{"Idempotency-Key", "h5-draft-1"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string code = Str(made.json(), "tracking_code");
  const std::string key = Str(made.json(), "access_key");
  EXPECT_EQ(made.json().as_object().count("contact"), 0u);

  // A double tap sends the same body with the same key: the same request, not a second one.
  Response again =
      c.Post("/api/v1/public/requests", json::serialize(body), {{"Idempotency-Key", "h5-draft-1"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Str(again.json(), "tracking_code"), code);
  // Without the key, the used challenge is refused.
  Response reused = c.Post("/api/v1/public/requests", json::serialize(body));
  EXPECT_EQ(reused.status, 400);
  EXPECT_NE(reused.body.find("used"), std::string::npos) << reused.body;

  auto track = [&](const json::object& q) {
    return c.Post("/api/v1/public/track", json::serialize(q));
  };
  Response mine = track({{"tracking_code", code}, {"access_key", key}});
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Str(mine.json(), "state"), "received");
  EXPECT_EQ(Str(mine.json(), "street"), "建外街道");
  EXPECT_EQ(mine.body.find("李先生"), std::string::npos);
  EXPECT_EQ(Str(mine.json().at("timeline").at(0), "step"), "received");
  EXPECT_EQ(track({{"tracking_code", code}, {"phone", "139 1234 5678"}}).status, 200);
  EXPECT_EQ(track({{"tracking_code", code}, {"access_key", std::string(32, '0')}}).status, 404);
  EXPECT_EQ(track({{"tracking_code", code}, {"phone", "13800000000"}}).status, 404);
  EXPECT_EQ(track({{"tracking_code", "JS2026010100000099"}, {"access_key", key}}).status, 404);
  EXPECT_EQ(track({{"tracking_code", code}}).status, 400);

  // A neighbour about to report the same thing sees it, without anyone's contact.
  Response near = c.Get("/api/v1/public/nearby?street_code=110105001");
  ASSERT_EQ(near.status, 200) << near.body;
  const json::value found = near.json();
  const auto& list = found.at("requests").as_array();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(Str(list[0], "tracking_code"), code);
  EXPECT_EQ(near.body.find("13912345678"), std::string::npos);
  EXPECT_EQ(near.body.find("李先生"), std::string::npos);
  EXPECT_EQ(c.Get("/api/v1/public/nearby?street=1").status, 400);
}

TEST_F(WebHttpTest, TheCitizenReadsTheReplysPublicTextAndNeverTheInternalOne) {
  Client c(port_);
  auto dispatcher = testing::LoggedIn(port_, "dispatcher1");
  const Receipt with = Submit(c);
  Replied(with.id, R"({"text":"王科长13800002222已派人更换井盖","result":"resolved",
                       "public_text":"井盖已更换，感谢您的反映"})");
  Response review = Track(c, with);
  ASSERT_EQ(review.status, 200) << review.body;
  EXPECT_TRUE(review.json().at("public_reply").is_null()) << "not before the hotline accepts it";
  const std::string base = "/api/v1/orders/" + std::to_string(with.id);
  ASSERT_EQ(dispatcher->Post(base + "/accept-reply", "").status, 200);
  Response mine = Track(c, with);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Str(mine.json(), "public_reply"), "井盖已更换，感谢您的反映");
  EXPECT_EQ(mine.body.find("13800002222"), std::string::npos) << mine.body;
  EXPECT_EQ(mine.body.find("王科长"), std::string::npos);
  // Staff see both in the order and its history.
  Response order = dispatcher->Get(base);
  const json::value leg = order.json().at("legs").at(0);
  EXPECT_EQ(Str(leg, "reply_text"), "王科长13800002222已派人更换井盖");
  EXPECT_EQ(Str(leg, "public_reply"), "井盖已更换，感谢您的反映");
  EXPECT_NE(order.body.find(R"("public_text":"井盖已更换，感谢您的反映")"), std::string::npos);

  // Without a public text the citizen sees nothing of the reply.
  const Receipt without = Submit(c, "光华路14号路灯不亮");
  Replied(without.id, R"({"text":"王科长13800002222已修复","result":"resolved"})");
  ASSERT_EQ(dispatcher->Post("/api/v1/orders/" + std::to_string(without.id) + "/accept-reply", "")
                .status,
            200);
  Response bare = Track(c, without);
  ASSERT_EQ(bare.status, 200) << bare.body;
  EXPECT_TRUE(bare.json().at("public_reply").is_null());
  EXPECT_EQ(bare.body.find("已修复"), std::string::npos) << bare.body;

  // A public text of the wrong type is refused and changes nothing.
  const Receipt bad = Submit(c, "光华路16号垃圾未清运");
  const std::string bad_base = "/api/v1/orders/" + std::to_string(bad.id);
  ASSERT_EQ(dispatcher->Post(bad_base + "/send-to-dispatch", "").status, 200);
  ASSERT_EQ(dispatcher->Post(bad_base + "/dispatch", R"({"lead_unit":"110105","category":"0103"})").status, 200);
  auto unit = testing::LoggedIn(port_, "chaoyang1");
  ASSERT_EQ(unit->Post(bad_base + "/legs/1/sign", "").status, 200);
  Response wrong =
      unit->Post(bad_base + "/legs/1/reply", R"({"text":"已清运","result":"resolved","public_text":7})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(Str(wrong.json(), "field"), "public_text");
  EXPECT_EQ(Str(dispatcher->Get(bad_base).json().at("legs").at(0), "state"), "signed");
}

TEST_F(WebHttpTest, TheCitizensRatingIsTheReturnVisitAndMayAskForReopening) {
  Client c(port_);
  auto dispatcher = testing::LoggedIn(port_, "dispatcher1");
  auto unit = testing::LoggedIn(port_, "chaoyang1");
  const Receipt req = Submit(c);
  const std::string base = "/api/v1/orders/" + std::to_string(req.id);
  auto rate = [&](json::object body) {
    if (!body.contains("tracking_code")) body["tracking_code"] = req.code;
    if (!body.contains("access_key") && !body.contains("phone")) body["access_key"] = req.key;
    return c.Post("/api/v1/public/rate", json::serialize(body));
  };

  // Not before the reply is accepted.
  Response early = rate({{"satisfaction", "satisfied"}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.body.find("cannot be rated yet"), std::string::npos) << early.body;
  Response fresh = Track(c, req);
  EXPECT_FALSE(fresh.json().at("can_rate").as_bool());
  EXPECT_TRUE(fresh.json().at("reopen_until").is_null());

  Replied(req.id, R"({"text":"已更换井盖","result":"resolved","public_text":"井盖已更换"})");
  ASSERT_EQ(dispatcher->Post(base + "/accept-reply", "").status, 200);
  Response offer = Track(c, req);
  ASSERT_EQ(offer.status, 200) << offer.body;
  EXPECT_TRUE(offer.json().at("can_rate").as_bool());
  EXPECT_TRUE(offer.json().at("can_reopen").as_bool());
  EXPECT_FALSE(Str(offer.json(), "reopen_until").empty());

  // Bad input and a wrong key change nothing.
  EXPECT_EQ(rate({{"satisfaction", "satisfied"}, {"access_key", std::string(32, '0')}}).status,
            404);
  EXPECT_EQ(rate({{"satisfaction", "satisfied"}, {"phone", "13800000000"}}).status, 404);
  Response unknown = rate({{"satisfaction", "happy"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Str(unknown.json(), "field"), "satisfaction");
  Response no_key = c.Post("/api/v1/public/rate",
                           json::serialize(json::object{{"tracking_code", req.code},
                                                        {"satisfaction", "satisfied"}}));
  EXPECT_EQ(no_key.status, 400);
  Response extra = rate({{"satisfaction", "satisfied"}, {"visitor", 4}});
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(Str(extra.json(), "field"), "visitor");
  Response happy_reopen = rate({{"satisfaction", "satisfied"}, {"reopen", true}});
  EXPECT_EQ(happy_reopen.status, 400);
  EXPECT_EQ(Str(happy_reopen.json(), "field"), "reopen");
  EXPECT_EQ(Str(dispatcher->Get(base).json(), "state"), "visiting");

  // Unsatisfied, asking for 重办: back to the unit.
  Response reopened = rate({{"satisfaction", "unsatisfied"},
                            {"solved", false},
                            {"comment", "井盖还是松的"},
                            {"reopen", true}});
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_EQ(Str(reopened.json(), "state"), "reopened");
  EXPECT_FALSE(reopened.json().at("can_rate").as_bool());
  Response twice = rate({{"satisfaction", "unsatisfied"}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_NE(twice.body.find("rated already"), std::string::npos) << twice.body;
  const json::value seen = dispatcher->Get(base).json();
  ASSERT_EQ(seen.at("visits").as_array().size(), 1u);
  const json::value visit = seen.at("visits").at(0);
  EXPECT_EQ(Str(visit, "channel"), "web");
  EXPECT_EQ(Str(visit, "satisfaction"), "unsatisfied");
  EXPECT_TRUE(visit.at("reached").as_bool());
  EXPECT_TRUE(visit.at("attributable").as_bool());
  EXPECT_EQ(Str(visit, "comment"), "井盖还是松的");
  EXPECT_EQ(Str(seen.at("legs").at(0), "state"), "handling");

  // The unit replies again; the next round's rating closes the order, by phone number this time.
  ASSERT_EQ(unit->Post(base + "/legs/1/reply", R"({"text":"已加固","result":"resolved"})").status,
            200);
  ASSERT_EQ(dispatcher->Post(base + "/accept-reply", "").status, 200);
  Response closed = rate({{"satisfaction", "satisfied"}, {"phone", "13912345678"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Str(closed.json(), "state"), "closed");
  const json::value done = dispatcher->Get(base).json();
  EXPECT_EQ(Str(done, "first_satisfaction"), "unsatisfied");
  EXPECT_EQ(Str(done, "final_satisfaction"), "satisfied");
  EXPECT_TRUE(done.at("visits").at(1).at("solved").as_bool()) << "taken from the rating";
  Response after = rate({{"satisfaction", "satisfied"}});
  EXPECT_EQ(after.status, 409);
}

TEST_F(WebHttpTest, PublicSubmissionsNeedWorkAndAreLimitedPerAddress) {
  Client c(port_);
  const std::string content = R"("content":"楼道灯坏了","location":{"street_code":"110105001"})";
  Response no_work =
      c.Post("/api/v1/public/requests", "{" + content + R"(,"challenge":"1.2.3.4","nonce":"0"})");
  EXPECT_EQ(no_work.status, 400);
  EXPECT_EQ(Str(no_work.json(), "field"), "challenge");
  // Solve finds the first nonce that answers, so "0" does not when the answer is another.
  json::object lazy = Solved(c);
  while (lazy["nonce"].as_string() == "0") lazy = Solved(c);
  lazy["nonce"] = "0";
  lazy["content"] = "楼道灯坏了";
  Response unanswered = c.Post("/api/v1/public/requests", json::serialize(lazy));
  EXPECT_EQ(unanswered.status, 400);
  EXPECT_NE(unanswered.body.find("not answered"), std::string::npos) << unanswered.body;

  int accepted = 0;
  Response last;
  for (int i = 0; i < 12; ++i) {
    json::object b = Solved(c);
    b["content"] = "楼道灯坏了，第" + std::to_string(i) + "次";
    last = c.Post("/api/v1/public/requests", json::serialize(b));
    if (last.status == 201) ++accepted;
    if (last.status == 429) break;
  }
  EXPECT_EQ(last.status, 429) << last.body;
  EXPECT_FALSE(last.headers["Retry-After"].empty());
  EXPECT_LE(accepted, 10);
}

TEST_F(WebHttpTest, NoAccountMayHaveThePublicRole) {
  auto admin = testing::LoggedIn(port_, "admin");
  Response r = admin->Post("/api/v1/users", R"({"username":"web1","password":"long-enough-pw",
                                                "role":"citizen"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Str(r.json(), "field"), "role");
}

TEST_F(WebHttpTest, TheAreaTreeIsPublic) {
  Client c(port_);
  Response r = c.Get("/api/v1/areas");
  ASSERT_EQ(r.status, 200);
  bool street = false;
  const json::value areas = r.json();
  for (const auto& a : areas.at("areas").as_array()) {
    if (Str(a, "code") == "110105001") {
      street = true;
      EXPECT_EQ(Str(a, "parent"), "110105");
    }
  }
  EXPECT_TRUE(street);
}

TEST_F(WebHttpTest, TheWorkingDayCalendarIsGivenToLoggedInUsers) {
  Client anonymous(port_);
  EXPECT_EQ(anonymous.Get("/api/v1/calendar").status, 401);
  auto c = testing::LoggedIn(port_, "chaoyang1");
  Response r = c->Get("/api/v1/calendar");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value body = r.json();
  const json::object& cal = body.as_object();
  EXPECT_EQ(cal.at("utc_offset_minutes").as_int64(), 480);
  auto has = [&](const char* list, const char* date) {
    for (const auto& d : cal.at(list).as_array()) {
      if (d.as_string() == date) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("holidays", "2026-10-01"));
  EXPECT_TRUE(has("workdays", "2026-09-20"));
  EXPECT_FALSE(has("holidays", "2026-09-20"));
}

}  // namespace
}  // namespace jiesu
