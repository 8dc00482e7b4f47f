// Governance data over HTTP: early warnings raised by the detectors from real intake, their
// acknowledgement and 督办, external events shown beside them, topic candidates promoted and
// tracked, forecasts and the monthly 民声热点 report (JSON and .xlsx).
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "app/app.h"
#include "http_client.h"

namespace jiesu {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::Client;
using testing::Response;
using testing::Str;

class GovernanceHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("jiesu-governance-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    app::AppOptions o;
    o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
    o.db_path = (dir_ / "jiesu.db").string();
    o.server.port = 0;
    o.server.handler_threads = 4;
    o.auth.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    o.auth.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    o.scheduler = false;  // detectors run when the test asks
    o.text = true;
    o.suggester.divisions_dir = std::string(JIESU_SOURCE_DIR) + "/data/divisions";
    auto a = app::App::Create(o);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    app_ = std::move(*a);
    std::ostringstream log;
    ASSERT_TRUE(app_->SeedDemo(log).ok());
    auto port = app_->Start();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    month_ = FormatDate(LocalDate(SystemClock().Now(), 480)).substr(0, 7);
  }
  void TearDown() override {
    app_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<Client> As(const std::string& user) { return testing::LoggedIn(port_, user); }

  // An order about the broken heating in one building, from the caller with `phone`.
  int64_t Heating(Client& agent, const std::string& phone) {
    const std::string body =
        R"({"channel":"phone","category":"010104","title":"暖气不热",)"
        R"("content":"朝阳区望京西园三区12号楼暖气一直不热，室温只有十五度，请尽快修好",)"
        R"("caller":{"name":"市民","phone":")" +
        phone + R"("},"location":{"address":"望京西园三区12号楼","street_code":"110105026"}})";
    Response r = agent.Post("/api/v1/orders", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }
  json::array Warnings(Client& c, const std::string& kind) {
    Response r = c.Get("/api/v1/warnings?kind=" + kind);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("warnings").as_array();
  }

  fs::path dir_;
  std::unique_ptr<app::App> app_;
  unsigned short port_ = 0;
  std::string month_;
};

TEST_F(GovernanceHttpTest, DetectorsRaiseExplainableWarningsThatAreAcknowledgedAndSupervised) {
  auto agent = As("agent1");
  auto analyst = As("analyst1");
  // The demo's few orders are ordinary: nothing is raised.
  Response quiet = analyst->Post("/api/v1/warnings/detect", "");
  ASSERT_EQ(quiet.status, 200) << quiet.body;
  EXPECT_EQ(quiet.json().at("raised").as_int64(), 0);
  EXPECT_TRUE(analyst->Get("/api/v1/warnings").json().at("warnings").as_array().empty());
  // Ten calls about one problem from eight callers; caller A calls three times and twice more
  // about something else.
  const std::string a = "13800000001";
  std::vector<int64_t> heating;
  for (int i = 0; i < 3; ++i) heating.push_back(Heating(*agent, a));
  for (int i = 2; i <= 8; ++i) heating.push_back(Heating(*agent, "1380000000" + std::to_string(i)));
  for (const char* text : {"楼下饭店夜里噪音太大", "小区门口公交站台被占用"}) {
    Response r =
        agent->Post("/api/v1/orders", std::string(R"({"channel":"phone","content":")") + text +
                                          R"(","caller":{"phone":")" + a + R"("}})");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  EXPECT_EQ(agent->Post("/api/v1/warnings/detect", "").status, 403);
  Response run = analyst->Post("/api/v1/warnings/detect", "");
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_GE(run.json().at("raised").as_int64(), 4);
  EXPECT_EQ(agent->Get("/api/v1/warnings").status, 403);

  // 高频: ten today (and the demo's two) against a baseline of none.
  json::array high = Warnings(*analyst, "high_frequency");
  ASSERT_EQ(high.size(), 1u);
  const json::value hw = high[0];
  EXPECT_EQ(Str(hw, "category"), "010104");
  EXPECT_EQ(Str(hw, "district"), "110105");
  const double seen = hw.at("observed").to_number<double>();
  EXPECT_EQ(seen, 12);
  EXPECT_EQ(hw.at("expected").to_number<double>(), 0.5);  // the floor of an empty baseline
  EXPECT_LT(hw.at("p_value").to_number<double>(), 1e-4);
  EXPECT_NE(Str(hw, "explanation").find("same weekday"), std::string::npos);
  const json::array& evidence = hw.at("orders").as_array();
  EXPECT_EQ(evidence.size(), 12u);
  for (int64_t id : heating) {
    EXPECT_NE(std::find(evidence.begin(), evidence.end(), json::value(id)), evidence.end()) << id;
  }
  EXPECT_LT(evidence.at(0).as_int64(), evidence.at(11).as_int64());  // oldest first
  EXPECT_EQ(Str(hw, "status"), "open");

  // 多人同诉: one cluster, eight callers. Repeat calls: caller A three times. 一人多诉: A, five.
  json::array many = Warnings(*analyst, "many_callers_one");
  ASSERT_EQ(many.size(), 1u);
  EXPECT_EQ(many[0].at("observed").to_number<double>(), 8);
  EXPECT_EQ(many[0].at("orders").as_array().size(), 10u);
  json::array repeat = Warnings(*analyst, "repeat_calls");
  ASSERT_EQ(repeat.size(), 1u);
  EXPECT_EQ(repeat[0].at("observed").to_number<double>(), 3);
  EXPECT_EQ(repeat[0].at("orders").as_array().at(2).as_int64(), heating[2]);
  json::array one = Warnings(*analyst, "one_caller_many");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].at("observed").to_number<double>(), 5);
  EXPECT_EQ(Str(one[0], "category"), "010104");
  // The caller's number is not in the warning.
  EXPECT_EQ(json::serialize(one[0]).find(a), std::string::npos);

  // A works notice in the district explains the surge; one elsewhere does not.
  const TimePoint now = SystemClock().Now();
  auto at = [&](int hours) { return FormatRfc3339(now + std::chrono::hours(hours), 480); };
  auto query_at = [&](int hours) {  // '+' in a query string is a space
    std::string t = at(hours);
    return t.replace(t.find('+'), 1, "%2B");
  };
  Response ev = analyst->Post("/api/v1/events",
                              R"({"kind":"works","title":"热力管线打压试验","district":"110105",)"
                              R"("category":"0101","place":"望京西园","starts_at":")" +
                                  at(-2) + R"(","ends_at":")" + at(24) + R"("})");
  ASSERT_EQ(ev.status, 201) << ev.body;
  ASSERT_EQ(analyst
                ->Post("/api/v1/events",
                       R"({"kind":"weather","title":"暴雨蓝色预警","district":"110108",)"
                       R"("starts_at":")" +
                           at(-2) + R"(","ends_at":")" + at(24) + R"("})")
                .status,
            201);
  const std::string hw_path = "/api/v1/warnings/" + std::to_string(hw.at("id").as_int64());
  Response got = analyst->Get(hw_path);
  ASSERT_EQ(got.status, 200);
  const json::array events = got.json().at("events").as_array();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(Str(events[0], "title"), "热力管线打压试验");
  // Bad events change nothing.
  EXPECT_EQ(analyst
                ->Post("/api/v1/events", R"({"kind":"works","title":"x","starts_at":")" + at(2) +
                                             R"(","ends_at":")" + at(1) + R"("})")
                .status,
            400);
  EXPECT_EQ(analyst
                ->Post("/api/v1/events", R"({"kind":"works","title":"x","district":"999999",)"
                                         R"("starts_at":")" +
                                             at(1) + R"(","ends_at":")" + at(2) + R"("})")
                .status,
            400);
  EXPECT_EQ(analyst
                ->Post("/api/v1/events", R"({"kind":"flood","title":"x","starts_at":")" + at(1) +
                                             R"(","ends_at":")" + at(2) + R"("})")
                .status,
            400);
  EXPECT_EQ(analyst
                ->Post("/api/v1/events", R"({"kind":"works","title":"x","colour":"red",)"
                                         R"("starts_at":")" +
                                             at(1) + R"(","ends_at":")" + at(2) + R"("})")
                .status,
            400);
  Response listed = analyst->Get("/api/v1/events?from=" + query_at(-5) + "&to=" + query_at(5));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json().at("events").as_array().size(), 2u);
  EXPECT_EQ(analyst->Get("/api/v1/warnings?status=bogus").status, 400);
  EXPECT_EQ(analyst->Get("/api/v1/warnings?colour=red").status, 400);

  // Acknowledged, it stays so while nothing more is seen, and opens again when it grows.
  Response ack =
      analyst->Post(hw_path + "/acknowledge", R"({"note":"热力管线试验，已通知热力集团"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(Str(ack.json(), "status"), "acknowledged");
  ASSERT_EQ(analyst->Post("/api/v1/warnings/detect", "").status, 200);
  EXPECT_EQ(Str(analyst->Get(hw_path).json(), "status"), "acknowledged");
  Heating(*agent, "13800000009");
  Response rerun = analyst->Post("/api/v1/warnings/detect", "");
  ASSERT_EQ(rerun.status, 200);
  EXPECT_EQ(Warnings(*analyst, "high_frequency").size(), 1u);  // the same warning, updated
  const json::value reopened = analyst->Get(hw_path).json();
  EXPECT_EQ(Str(reopened, "status"), "open");
  EXPECT_EQ(reopened.at("observed").to_number<double>(), seen + 1);
  EXPECT_EQ(Str(reopened, "note"), "热力管线试验，已通知热力集团");

  // Turned into a 督办 by a supervisor (analysts may not supervise).
  const std::string sup_body = R"({"units":["bj.heat"],"days":3})";
  EXPECT_EQ(analyst->Post(hw_path + "/supervise", sup_body).status, 403);
  auto supervisor = As("supervisor1");
  Response sup = supervisor->Post(hw_path + "/supervise", sup_body);
  ASSERT_EQ(sup.status, 201) << sup.body;
  const int64_t sid = sup.json().at("supervision_id").as_int64();
  EXPECT_EQ(Str(sup.json().at("warning"), "status"), "supervised");
  Response s = supervisor->Get("/api/v1/supervisions/" + std::to_string(sid));
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_NE(Str(s.json(), "title").find("高频"), std::string::npos);
  EXPECT_NE(Str(s.json(), "demand").find("expected"), std::string::npos);
  EXPECT_EQ(supervisor->Post(hw_path + "/supervise", sup_body).status, 409);
  EXPECT_EQ(analyst->Post(hw_path + "/acknowledge", "{}").status, 409);
  EXPECT_EQ(
      analyst->Get("/api/v1/warnings?status=supervised").json().at("warnings").as_array().size(),
      1u);
}

TEST_F(GovernanceHttpTest, TopicsForecastsAndTheMonthlyReport) {
  auto agent = As("agent1");
  auto analyst = As("analyst1");
  for (int i = 0; i < 12; ++i) Heating(*agent, "139000000" + std::to_string(10 + i));
  ASSERT_EQ(analyst->Post("/api/v1/warnings/detect", "").status, 200);

  Response cand = analyst->Get("/api/v1/topics/candidates?kind=monthly&month=" + month_);
  ASSERT_EQ(cand.status, 200) << cand.body;
  const json::array list = cand.json().at("candidates").as_array();
  ASSERT_FALSE(list.empty());
  const json::value& top = list[0];
  EXPECT_EQ(Str(top, "category"), "010104");
  EXPECT_GE(top.at("received").as_int64(), 12);
  EXPECT_DOUBLE_EQ(top.at("volume").to_number<double>(), 1.0);
  EXPECT_GT(top.at("score").to_number<double>(), 0.35);
  EXPECT_GE(top.at("orders").as_array().size(), 12u);
  EXPECT_EQ(analyst->Get("/api/v1/topics/candidates?kind=street&month=" + month_).status, 200);
  EXPECT_EQ(analyst->Get("/api/v1/topics/candidates?kind=weekly&month=" + month_).status, 400);
  EXPECT_EQ(analyst->Get("/api/v1/topics/candidates?kind=monthly&month=2025-13").status, 400);
  EXPECT_EQ(agent->Get("/api/v1/topics/candidates?kind=monthly&month=" + month_).status, 403);

  const std::string promote =
      R"({"kind":"monthly","month":")" + month_ + R"(","category":"010104","note":"供暖季"})";
  Response topic = analyst->Post("/api/v1/topics", promote);
  ASSERT_EQ(topic.status, 201) << topic.body;
  EXPECT_EQ(Str(topic.json(), "title"), Str(top, "title"));
  EXPECT_EQ(analyst->Post("/api/v1/topics", promote).status, 409);
  EXPECT_EQ(analyst
                ->Post("/api/v1/topics",
                       R"({"kind":"monthly","month":")" + month_ + R"(","category":"0301"})")
                .status,
            400);  // not a candidate
  const std::string path = "/api/v1/topics/" + std::to_string(topic.json().at("id").as_int64());
  Response tracked = analyst->Get(path);
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  const json::array months = tracked.json().at("months").as_array();
  ASSERT_EQ(months.size(), 7u);  // six months before, and this one
  EXPECT_EQ(Str(months.back(), "month"), month_);
  EXPECT_GE(months.back().at("received").as_int64(), 12);
  EXPECT_EQ(months.front().at("received").as_int64(), 0);
  EXPECT_EQ(tracked.json().at("baseline").to_number<double>(), 0);

  // The report, as JSON and as a workbook.
  Response rep = analyst->Get("/api/v1/reports/hotspots?month=" + month_);
  ASSERT_EQ(rep.status, 200) << rep.body;
  const json::value r = rep.json();
  EXPECT_GE(r.at("received").as_int64(), 12);
  EXPECT_EQ(Str(r.at("top").as_array().at(0), "key"), "010104");
  EXPECT_EQ(Str(r.at("rising").as_array().at(0), "key"), "010104");  // new this month
  EXPECT_FALSE(r.at("warnings").as_array().empty());
  ASSERT_EQ(r.at("topics").as_array().size(), 1u);
  EXPECT_FALSE(r.at("districts").as_array().empty());
  Response xlsx = analyst->Get("/api/v1/reports/hotspots?format=xlsx&month=" + month_);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.headers["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_NE(xlsx.body.find("xl/worksheets/sheet6.xml"), std::string::npos);
  EXPECT_EQ(analyst->Get("/api/v1/reports/hotspots?format=pdf&month=" + month_).status, 400);
  EXPECT_EQ(analyst->Get("/api/v1/reports/hotspots").status, 400);

  // Closing the topic takes it out of the report.
  ASSERT_EQ(analyst->Post(path + "/status", R"({"status":"closed","note":"已解决"})").status, 200);
  EXPECT_TRUE(analyst->Get("/api/v1/reports/hotspots?month=" + month_)
                  .json()
                  .at("topics")
                  .as_array()
                  .empty());
  EXPECT_EQ(analyst->Post(path + "/status", R"({"status":"gone"})").status, 400);

  // Forecasts of daily volume, with the backtest when there is enough history.
  Response f = analyst->Get("/api/v1/forecast?category=010104&district=110105&days=7");
  ASSERT_EQ(f.status, 200) << f.body;
  const json::value fj = f.json();
  EXPECT_EQ(fj.at("forecast").as_array().size(), 7u);
  EXPECT_EQ(fj.at("history").as_array().size(), 56u);
  EXPECT_GE(fj.at("params").at("dispersion").as_double(), 0.0);
  for (const auto& d : fj.at("forecast").as_array()) {
    // Expected volume, the most likely one and an 80% interval around it.
    const double low = d.at("low").as_double(), median = d.at("median").as_double(),
                 high = d.at("high").as_double(), value = d.at("value").as_double();
    EXPECT_LE(low, median) << d;
    EXPECT_LE(median, high) << d;
    EXPECT_LE(low, value + 1) << d;
    EXPECT_GE(high + 1, value) << d;
    EXPECT_EQ(median, std::floor(median)) << d;  // counts
  }
  EXPECT_TRUE(f.json().at("backtest").at("mase").is_null() ||
              f.json().at("backtest").at("mase").is_double());
  EXPECT_EQ(analyst->Get("/api/v1/forecast?days=0").status, 400);
  EXPECT_EQ(analyst->Get("/api/v1/forecast?days=61").status, 400);
  EXPECT_EQ(analyst->Get("/api/v1/forecast?district=999999").status, 400);
  EXPECT_EQ(agent->Get("/api/v1/forecast").status, 403);
}

}  // namespace
}  // namespace jiesu
