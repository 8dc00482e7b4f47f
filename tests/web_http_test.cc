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
    o.attachments.dir = (dir_ / "files").string();
    o.attachments.max_bytes = 256 * 1024;
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

// The first bytes of real files of each kind, and padding.
std::string Png(size_t size = 200) {
  std::string b("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16);
  b.resize(size, 'p');
  return b;
}
std::string Jpeg(size_t size = 200) {
  std::string b("\xFF\xD8\xFF\xE0\0\x10JFIF", 10);
  b.resize(size, 'j');
  return b;
}
std::string Pdf() { return "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"; }

TEST_F(WebHttpTest, StaffAttachFilesToOrdersTheyMayActOn) {
  auto agent = testing::LoggedIn(port_, "agent1");
  auto dispatcher = testing::LoggedIn(port_, "dispatcher1");
  auto unit = testing::LoggedIn(port_, "chaoyang1");
  auto heat = testing::LoggedIn(port_, "heat1");
  Client c(port_);
  const Receipt req = Submit(c);
  const std::string base = "/api/v1/orders/" + std::to_string(req.id);
  ASSERT_EQ(dispatcher->Post(base + "/send-to-dispatch", "").status, 200);
  ASSERT_EQ(dispatcher->Post(base + "/dispatch", R"({"lead_unit":"110105","category":"0103"})")
                .status,
            200);
  auto upload = [&](Client& who, const std::string& bytes, const std::string& name,
                    const std::string& type = "image/png", const std::string& query = "") {
    std::map<std::string, std::string> h{{"Content-Type", type}};
    if (!name.empty()) h["X-File-Name"] = name;
    return who.Post(base + "/attachments" + query, bytes, h);
  };

  // The unit, on its own leg (taken when it names none); the name is percent-encoded UTF-8.
  const std::string photo = Png(5000);
  Response up = upload(*unit, photo, "%E7%8E%B0%E5%9C%BA.png");
  ASSERT_EQ(up.status, 201) << up.body;
  const json::value a = up.json();
  EXPECT_EQ(Str(a, "name"), "现场.png");
  EXPECT_EQ(Str(a, "type"), "image/png");
  EXPECT_EQ(a.at("size").as_int64(), 5000);
  EXPECT_EQ(a.at("leg").as_int64(), 1);
  EXPECT_EQ(Str(a, "uploaded_by"), "chaoyang1");
  const int64_t aid = a.at("id").as_int64();
  EXPECT_EQ(up.headers["Location"], base + "/attachments/" + std::to_string(aid));
  // The hotline adds a document to the order itself; the declared type does not matter.
  Response doc = upload(*agent, Pdf(), "letter.pdf", "application/octet-stream");
  ASSERT_EQ(doc.status, 201) << doc.body;
  EXPECT_EQ(Str(doc.json(), "type"), "application/pdf");
  EXPECT_TRUE(doc.json().at("leg").is_null());

  // Refused, and nothing recorded.
  Response text = upload(*unit, "just some text pretending", "a.png");
  EXPECT_EQ(text.status, 415) << text.body;
  EXPECT_EQ(Str(text.json(), "code"), "unsupported_type");
  EXPECT_EQ(upload(*unit, "", "a.png").status, 400);
  Response big = upload(*unit, Png(256 * 1024 + 1), "big.png");
  EXPECT_EQ(big.status, 413) << big.body;
  {
    // Past the server's limit the header is enough: refused before the body is read.
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket sock(io);
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    const std::string head = "POST " + base +
                             "/attachments HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                             "X-File-Name: huge.png\r\nContent-Length: 2097152\r\n\r\n";
    boost::asio::write(sock, boost::asio::buffer(head));
    std::string answer(512, '\0');
    boost::system::error_code ec;
    answer.resize(sock.read_some(boost::asio::buffer(answer), ec));
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  }
  Response unnamed = upload(*unit, photo, "");
  EXPECT_EQ(unnamed.status, 400);
  EXPECT_EQ(Str(unnamed.json(), "field"), "X-File-Name");
  Response slash = upload(*unit, photo, "..%2Fetc%2Fpasswd");
  EXPECT_EQ(slash.status, 400);
  EXPECT_EQ(Str(slash.json(), "field"), "X-File-Name");
  EXPECT_EQ(upload(*unit, photo, "%E7%8E", "image/png").status, 400) << "not UTF-8";
  EXPECT_EQ(upload(*unit, photo, "x.png", "image/png", "?leg=9").status, 400);
  EXPECT_EQ(upload(*heat, photo, "x.png").status, 404) << "heat has no leg on it";
  auto analyst = testing::LoggedIn(port_, "analyst1");
  EXPECT_EQ(upload(*analyst, photo, "x.png").status, 403);

  // In the order, and downloadable under the order's rules.
  const json::value order = dispatcher->Get(base).json();
  ASSERT_EQ(order.at("attachments").as_array().size(), 2u);
  EXPECT_EQ(order.at("attachments").at(0).at("id").as_int64(), aid);
  Response got = dispatcher->Get(base + "/attachments/" + std::to_string(aid));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, photo);
  EXPECT_EQ(got.headers["Content-Type"], "image/png");
  EXPECT_EQ(got.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(got.headers["Content-Disposition"],
            "inline; filename=\"__.png\"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA.png");
  Response pdf = unit->Get(base + "/attachments/" + std::to_string(doc.json().at("id").as_int64()));
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.headers["Content-Disposition"].rfind("attachment;", 0), 0u);
  EXPECT_EQ(heat->Get(base + "/attachments/" + std::to_string(aid)).status, 404);
  const Receipt other = Submit(c, "光华路20号路面塌陷");
  EXPECT_EQ(dispatcher->Get("/api/v1/orders/" + std::to_string(other.id) + "/attachments/" +
                            std::to_string(aid))
                .status,
            404)
      << "an attachment is read through its own order only";

  // Kept outside the database, named by content.
  const std::string sha = Str(order.at("attachments").at(0), "sha256");
  EXPECT_TRUE(fs::exists(dir_ / "files" / sha.substr(0, 2) / sha));

  // The reply names the files that came with it; another order's are refused.
  ASSERT_EQ(unit->Post(base + "/legs/1/sign", "").status, 200);
  const std::string reply = R"({"text":"已修复","result":"resolved","attachments":[)" +
                            std::to_string(aid) + "]}";
  Response foreign = unit->Post(
      "/api/v1/orders/" + std::to_string(other.id) + "/legs/1/reply", reply);
  EXPECT_NE(foreign.status, 200);
  Response replied = unit->Post(base + "/legs/1/reply", reply);
  ASSERT_EQ(replied.status, 200) << replied.body;
  EXPECT_EQ(replied.json().at("legs").at(0).at("reply_attachments").at(0).as_int64(), aid);
  const json::value history = dispatcher->Get(base).json().at("history");
  bool named = false;
  for (const auto& e : history.as_array()) {
    if (Str(e, "type") != "leg_replied") continue;
    named = true;
    EXPECT_EQ(e.at("attachments").at(0).as_int64(), aid);
  }
  EXPECT_TRUE(named);
}

TEST_F(WebHttpTest, RepliesNameOnlyTheirOrdersFiles) {
  auto dispatcher = testing::LoggedIn(port_, "dispatcher1");
  auto unit = testing::LoggedIn(port_, "chaoyang1");
  Client c(port_);
  const Receipt mine = Submit(c);
  const Receipt other = Submit(c, "光华路22号井盖松动");
  Response photo = c.Post("/api/v1/public/requests/" + other.code + "/attachments", Jpeg(),
                          {{"Content-Type", "image/jpeg"}, {"X-File-Name", "p.jpg"},
                           {"X-Access-Key", other.key}});
  ASSERT_EQ(photo.status, 201) << photo.body;
  const std::string base = "/api/v1/orders/" + std::to_string(mine.id);
  ASSERT_EQ(dispatcher->Post(base + "/send-to-dispatch", "").status, 200);
  ASSERT_EQ(dispatcher->Post(base + "/dispatch", R"({"lead_unit":"110105","category":"0103"})")
                .status,
            200);
  ASSERT_EQ(unit->Post(base + "/legs/1/sign", "").status, 200);
  for (const std::string& ids :
       {std::to_string(photo.json().at("id").as_int64()), std::string("999999"),
        std::string("\"x\"")}) {
    Response r = unit->Post(base + "/legs/1/reply",
                            R"({"text":"已修复","result":"resolved","attachments":[)" + ids + "]}");
    EXPECT_EQ(r.status, 400) << ids << ": " << r.body;
    EXPECT_EQ(Str(r.json(), "field"), "attachments");
  }
  EXPECT_EQ(Str(dispatcher->Get(base).json().at("legs").at(0), "state"), "signed");
}

TEST_F(WebHttpTest, CitizensAddPhotosWithTheirKey) {
  Client c(port_);
  const Receipt req = Submit(c);
  const std::string target = "/api/v1/public/requests/" + req.code + "/attachments";
  auto photo = [&](const std::string& bytes, const std::string& key,
                   const std::string& name = "photo.jpg") {
    return c.Post(target, bytes,
                  {{"Content-Type", "image/jpeg"}, {"X-File-Name", name}, {"X-Access-Key", key}});
  };
  Response first = photo(Jpeg(), req.key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Str(first.json(), "uploaded_by"), "public");
  EXPECT_EQ(photo(Jpeg(), std::string(32, '0')).status, 404);
  EXPECT_EQ(c.Post(target, Jpeg(), {{"Content-Type", "image/jpeg"}, {"X-File-Name", "p.jpg"}})
                .status,
            400);
  Response pdf = photo(Pdf(), req.key, "scan.pdf");
  EXPECT_EQ(pdf.status, 415) << "photos only";
  for (int i = 0; i < 4; ++i) ASSERT_EQ(photo(Png(300 + i), req.key).status, 201);
  Response sixth = photo(Jpeg(400), req.key);
  EXPECT_EQ(sixth.status, 409) << sixth.body;
  auto dispatcher = testing::LoggedIn(port_, "dispatcher1");
  const json::value order = dispatcher->Get("/api/v1/orders/" + std::to_string(req.id)).json();
  EXPECT_EQ(order.at("attachments").as_array().size(), 5u);
}

TEST_F(WebHttpTest, TheBrowserSessionNeedsItsCsrfTokenToUpload) {
  auto dispatcher = testing::LoggedIn(port_, "dispatcher1");
  Client c(port_);
  const Receipt req = Submit(c);
  Response login =
      c.Post("/api/v1/auth/session", R"({"username":"agent1","password":"jiesu-demo"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string cookie = login.headers["Set-Cookie"].substr(0, login.headers["Set-Cookie"].find(';'));
  const std::string csrf = Str(login.json(), "csrf_token");
  const std::string target = "/api/v1/orders/" + std::to_string(req.id) + "/attachments";
  std::map<std::string, std::string> h{
      {"Cookie", cookie}, {"Content-Type", "image/png"}, {"X-File-Name", "a.png"}};
  EXPECT_EQ(c.Send("POST", target, Png(), h).status, 403);
  h["X-CSRF-Token"] = csrf;
  EXPECT_EQ(c.Send("POST", target, Png(), h).status, 201);
  EXPECT_EQ(dispatcher->Get("/api/v1/orders/" + std::to_string(req.id))
                .json()
                .at("attachments")
                .as_array()
                .size(),
            1u);
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
