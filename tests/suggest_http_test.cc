// Text understanding over HTTP: POST /api/v1/suggest, the suggestion stored at intake beside
// what the agent chose, duplicates of earlier orders, and 一类事 clusters.
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/app.h"
#include "base/time.h"
#include "http_client.h"
#include "text/classifier.h"

namespace jiesu {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::Client;
using testing::Response;
using testing::Str;

// A tiny training set labelled with the demo taxonomy's codes (供暖, 噪声污染, 公共交通).
const std::vector<text::LabelledText> kHeatNoiseBus = {
    {"小区暖气不热，室温只有十五度", "010104"},
    {"家里暖气片冰凉，供暖公司不管", "010104"},
    {"暖气管道漏水，屋里不热", "010104"},
    {"供暖温度不达标，暖气不热", "010104"},
    {"楼下饭店夜里噪音太大", "0201"},
    {"工地夜间施工噪音很大，无法休息", "0201"},
    {"广场舞音响声音太吵", "0201"},
    {"装修电钻噪音扰民", "0201"},
    {"公交车不按站停车，司机态度差", "0301"},
    {"公交线路取消，出行不便", "0301"},
    {"公交车班次太少，等车一小时", "0301"},
    {"公交站台被占用", "0301"},
};

void SaveModel(const std::string& path, const std::vector<text::LabelledText>& rows) {
  auto norm = text::Normalizer::Create();
  ASSERT_TRUE(norm.ok());
  text::ClassifierOptions co;
  co.min_df = 1;
  auto model = text::Classifier::Train(*norm, rows, co);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  ASSERT_TRUE((*model)->Save(path).ok());
}

class SuggestHttpTest : public ::testing::Test {
 protected:
  void Start(bool text, bool classifier) {
    dir_ = fs::temp_directory_path() /
           ("jiesu-suggest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    app::AppOptions o;
    o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
    o.db_path = (dir_ / "jiesu.db").string();
    o.server.port = 0;
    o.server.handler_threads = 4;
    o.auth.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    o.auth.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    o.text = text;
    o.suggester.divisions_dir = std::string(JIESU_SOURCE_DIR) + "/data/divisions";
    o.suggester.boundaries_path = boundaries_;
    if (classifier) {
      o.suggester.classifier_path = (dir_ / "model.bin").string();
      SaveModel(o.suggester.classifier_path, kHeatNoiseBus);
    }
    options_ = o;
    Open();
  }
  // Opens the database in dir_ (again) and serves it.
  void Open() {
    auto a = app::App::Create(options_);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    app_ = std::move(*a);
    std::ostringstream log;
    ASSERT_TRUE(app_->SeedDemo(log).ok());
    auto port = app_->Start();
    ASSERT_TRUE(port.ok());
    port_ = *port;
  }
  void Restart() {
    app_.reset();
    Open();
  }
  void TearDown() override {
    app_.reset();
    fs::remove_all(dir_);
  }
  // A client logged in as one of the demo users.
  std::unique_ptr<Client> As(const std::string& user) { return testing::LoggedIn(port_, user); }

  std::string boundaries_;
  app::AppOptions options_;
  fs::path dir_;
  std::unique_ptr<app::App> app_;
  unsigned short port_ = 0;
};

const char* kDraft =
    R"({"text": "朝阳区望京西园三区12号楼暖气一直不热，室温只有十五度，请问什么时候能修好？"})";

TEST_F(SuggestHttpTest, SuggestsAndIntakeKeepsTheSuggestion) {
  Start(true, true);
  auto agent = As("agent1");
  Response r = agent->Post("/api/v1/suggest", kDraft);
  ASSERT_EQ(r.status, 200) << r.body;
  json::value s = r.json();
  const json::array& cats = s.at("categories").as_array();
  ASSERT_EQ(cats.size(), 3u);
  EXPECT_EQ(Str(cats[0], "code"), "010104");
  EXPECT_EQ(Str(cats[0], "name"), "供暖");
  EXPECT_GT(cats[0].at("confidence").as_double(), cats[1].at("confidence").as_double());
  EXPECT_EQ(Str(s.at("request_type"), "value"), "咨询");
  EXPECT_EQ(Str(s.at("urgency"), "value"), "");
  EXPECT_EQ(Str(s.at("location"), "district_code"), "110105");
  EXPECT_EQ(Str(s.at("location"), "street_code"), "110105026");  // 望京街道
  const json::array& units = s.at("units").as_array();
  ASSERT_FALSE(units.empty());
  // The demo catalogue: 供暖 in 朝阳区 → the heating company, with the district as co-unit.
  EXPECT_EQ(Str(units[0], "unit_id"), "bj.heat");
  EXPECT_EQ(Str(units[0], "role"), "lead");
  EXPECT_EQ(Str(units[0], "reason").rfind("catalogue: 供暖 × 望京街道 → ", 0), 0u)
      << Str(units[0], "reason");
  EXPECT_TRUE(s.at("duplicates").as_array().empty());
  EXPECT_FALSE(s.as_object().contains("classifier_note"));

  // Intake stores the suggestion beside what the agent chose (here another category).
  Response created = agent->Post("/api/v1/orders", R"({"channel":"phone","category":"0103",
      "title":"暖气不热","content":"朝阳区望京西园三区12号楼暖气一直不热，室温只有十五度",
      "location":{"address":"朝阳区望京西园三区12号楼"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t first = created.json().at("id").as_int64();
  Response got = agent->Get("/api/v1/orders/" + std::to_string(first));
  ASSERT_EQ(got.status, 200);
  const json::value order = got.json();
  const json::value& sug = order.at("suggested");
  EXPECT_EQ(Str(sug, "category"), "010104");
  EXPECT_EQ(Str(order, "category"), "0103");
  EXPECT_EQ(Str(sug, "lead_unit"), "bj.heat");
  EXPECT_EQ(Str(sug, "street_code"), "110105026");

  // The next call about the same radiator finds the first order as a likely duplicate.
  Response again = agent->Post("/api/v1/suggest", kDraft);
  ASSERT_EQ(again.status, 200);
  const json::value again_json = again.json();
  const json::array& dups = again_json.at("duplicates").as_array();
  ASSERT_FALSE(dups.empty()) << again.body;
  EXPECT_EQ(dups[0].at("order_id").as_int64(), first);
  EXPECT_TRUE(dups[0].at("same_district").as_bool());

  // A second order about it joins the first's cluster (一类事).
  Response second = agent->Post("/api/v1/orders", R"({"channel":"web",
      "content":"朝阳区望京西园三区12号楼暖气一直不热，室温只有十五度，请尽快修好"})");
  ASSERT_EQ(second.status, 201) << second.body;
  const int64_t second_id = second.json().at("id").as_int64();
  EXPECT_EQ(second.json().at("suggested").at("duplicates").as_array().at(0).as_int64(), first);
  Response clusters = As("dispatcher1")->Get("/api/v1/clusters?min_size=2&days=7");
  ASSERT_EQ(clusters.status, 200) << clusters.body;
  const json::value clusters_json = clusters.json();
  const json::array& list = clusters_json.at("clusters").as_array();
  ASSERT_EQ(list.size(), 1u) << clusters.body;
  EXPECT_EQ(list[0].at("size").as_int64(), 2);
  EXPECT_EQ(list[0].at("orders").as_array().at(0).as_int64(), first);
  EXPECT_EQ(list[0].at("orders").as_array().at(1).as_int64(), second_id);

  // Bad input and the wrong roles change nothing and say why.
  EXPECT_EQ(agent->Post("/api/v1/suggest", R"({"text":"x","colour":"red"})").status, 400);
  EXPECT_EQ(agent->Post("/api/v1/suggest", R"({"address":"朝阳区"})").status, 400);
  EXPECT_EQ(agent->Post("/api/v1/suggest", R"({"text":12})").status, 400);
  EXPECT_EQ(As("chaoyang1")->Post("/api/v1/suggest", kDraft).status, 403);
  EXPECT_EQ(As("chaoyang1")->Get("/api/v1/clusters").status, 403);
  EXPECT_EQ(As("dispatcher1")->Get("/api/v1/clusters?size=2").status, 400);
}

TEST_F(SuggestHttpTest, KnowledgeBaseIsKeptSearchedAndSuggested) {
  Start(true, false);
  auto dispatcher = As("dispatcher1");  // manage_knowledge in the demo roles
  auto agent = As("agent1");
  auto create = [&](const std::string& body) {
    Response r = dispatcher->Post("/api/v1/knowledge", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().at("id").as_int64();
  };
  // Written with 供暖; citizens say 暖气 (synonyms in the demo's jurisdiction.yaml).
  const int64_t heat = create(R"({"question":"家里供暖温度不达标怎么办？",
      "answer":"室温低于18℃可向供热单位报修，24小时内上门检测。","basis":"《北京市供热采暖管理办法》",
      "owner_unit":"bj.heat"})");
  const int64_t fee =
      create(R"({"question":"供暖费怎么缴纳？","answer":"可在供热单位营业厅或网上缴纳。",
      "owner_unit":"bj.heat"})");
  const int64_t bus =
      create(R"({"question":"公交卡丢失如何补办？","answer":"携带身份证到服务网点补办。"})");
  const int64_t draft =
      create(R"({"question":"暖气片漏水谁来修？","answer":"草稿","status":"draft"})");

  Response found = agent->Get(
      "/api/v1/"
      "knowledge?q=%E6%9A%96%E6%B0%94%E4%B8%8D%E7%83%AD%E6%B8%A9%E5%BA%A6%E4%"
      "BD%8E");  // 暖气不热温度低
  ASSERT_EQ(found.status, 200) << found.body;
  const json::value fj = found.json();
  const json::array& points = fj.at("points").as_array();
  ASSERT_GE(points.size(), 2u) << found.body;
  EXPECT_EQ(points[0].at("id").as_int64(), heat);  // 供暖 + 温度 beat 供暖 alone
  EXPECT_EQ(points[1].at("id").as_int64(), fee);
  for (const auto& p : points) {
    EXPECT_NE(p.at("id").as_int64(), bus);
    EXPECT_NE(p.at("id").as_int64(), draft);  // agents see published points only
  }
  EXPECT_GT(points[0].at("score").as_double(), points[1].at("score").as_double());
  EXPECT_EQ(Str(points[0], "owner_unit_name"), "北京市热力集团");

  // The suggestion carries the top answers.
  Response s = agent->Post("/api/v1/suggest", kDraft);
  ASSERT_EQ(s.status, 200);
  const json::value sj = s.json();
  ASSERT_FALSE(sj.at("knowledge").as_array().empty()) << s.body;
  EXPECT_EQ(sj.at("knowledge").as_array()[0].at("id").as_int64(), heat);

  // Managers see drafts; a change re-indexes; delete removes.
  EXPECT_EQ(agent->Get("/api/v1/knowledge?q=%E6%9A%96%E6%B0%94&all=true").status, 403);
  Response all =
      dispatcher->Get("/api/v1/knowledge?q=%E6%9A%96%E6%B0%94%E7%89%87&all=true");  // 暖气片
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json().at("points").as_array().at(0).at("id").as_int64(), draft);
  Response put = dispatcher->Send(
      "PUT", "/api/v1/knowledge/" + std::to_string(bus),
      R"({"question":"公交卡丢失如何补办？","answer":"携带身份证到任一服务网点补办，押金不退。","status":"retired"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Str(put.json(), "status"), "retired");
  // Words the change brought in are searchable at once (押金).
  Response deposit = dispatcher->Get("/api/v1/knowledge?q=%E6%8A%BC%E9%87%91&all=true");
  ASSERT_EQ(deposit.status, 200);
  ASSERT_EQ(deposit.json().at("points").as_array().size(), 1u) << deposit.body;
  EXPECT_EQ(deposit.json().at("points").as_array()[0].at("id").as_int64(), bus);
  EXPECT_TRUE(agent->Get("/api/v1/knowledge?q=%E5%85%AC%E4%BA%A4%E5%8D%A1")
                  .json()
                  .at("points")
                  .as_array()
                  .empty());
  EXPECT_EQ(dispatcher->Send("DELETE", "/api/v1/knowledge/" + std::to_string(fee)).status, 200);
  EXPECT_EQ(agent->Get("/api/v1/knowledge/" + std::to_string(fee)).status, 404);
  EXPECT_EQ(agent->Get("/api/v1/knowledge/" + std::to_string(heat)).status, 200);

  // Refusals change nothing.
  EXPECT_EQ(agent->Post("/api/v1/knowledge", R"({"question":"q","answer":"a"})").status, 403);
  EXPECT_EQ(dispatcher->Post("/api/v1/knowledge", R"({"question":"q"})").status, 400);
  EXPECT_EQ(
      dispatcher->Post("/api/v1/knowledge", R"({"question":"q","answer":"a","owner_unit":"nope"})")
          .status,
      400);
  EXPECT_EQ(dispatcher->Post("/api/v1/knowledge", R"({"question":"q","answer":"a","status":"old"})")
                .status,
            400);
  EXPECT_EQ(
      dispatcher->Post("/api/v1/knowledge", R"({"question":"q","answer":"a","colour":1})").status,
      400);
  EXPECT_EQ(dispatcher
                ->Post("/api/v1/knowledge", R"({"question":"q","answer":"a",
      "valid_from":"2026-03-01T00:00:00+08:00","valid_to":"2026-02-01T00:00:00+08:00"})")
                .status,
            400);
  EXPECT_EQ(dispatcher->Send("DELETE", "/api/v1/knowledge/9999").status, 404);
  EXPECT_EQ(agent->Get("/api/v1/knowledge").status, 400);
  EXPECT_EQ(agent->Send("DELETE", "/api/v1/knowledge/" + std::to_string(heat)).status, 403);
  EXPECT_EQ(agent->Get("/api/v1/knowledge/" + std::to_string(heat)).status, 200);

  // The search index lives in memory: after a restart it is rebuilt from the stored points,
  // with the changes above (the deleted point gone, the retired one hidden from agents).
  Restart();
  agent = As("agent1");
  Response again = agent->Get(
      "/api/v1/knowledge?q=%E6%9A%96%E6%B0%94%E4%B8%8D%E7%83%AD%E6%B8%A9%E5%BA%A6%E4%BD%8E");
  ASSERT_EQ(again.status, 200) << again.body;
  const json::value aj = again.json();
  const json::array& after = aj.at("points").as_array();
  ASSERT_EQ(after.size(), 1u) << again.body;  // the fee point was deleted
  EXPECT_EQ(after[0].at("id").as_int64(), heat);
  EXPECT_TRUE(agent->Get("/api/v1/knowledge?q=%E5%85%AC%E4%BA%A4%E5%8D%A1")
                  .json()
                  .at("points")
                  .as_array()
                  .empty());  // retired
  auto manager = As("dispatcher1");
  Response deposit_again = manager->Get("/api/v1/knowledge?q=%E6%8A%BC%E9%87%91&all=true");
  ASSERT_EQ(deposit_again.json().at("points").as_array().size(), 1u) << deposit_again.body;
}

// `jiesu serve --demo` seeds a few knowledge points once; the README's draft finds them.
// A knowledge base kept elsewhere comes in whole (JSON or CSV), or not at all.
TEST_F(SuggestHttpTest, KnowledgeIsImportedWholeOrNotAtAll) {
  Start(true, false);
  auto dispatcher = As("dispatcher1");  // manage_knowledge in the demo roles
  auto agent = As("agent1");
  const std::map<std::string, std::string> csv = {{"Content-Type", "text/csv; charset=utf-8"}};
  // How many points an agent's search finds for `q`.
  auto found = [&](const std::string& q) {
    Response r = agent->Get("/api/v1/knowledge?q=" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("points").as_array().size();
  };

  Response json_import = dispatcher->Post("/api/v1/knowledge/import", R"({"points":[
      {"question":"暖气不热怎么报修？","answer":"室温低于18℃可向供热单位报修。","owner_unit":"bj.heat"},
      {"question":"公交卡丢了怎么补办？","answer":"携带身份证到\"服务网点\"补办, 或网上办理。"}]})");
  ASSERT_EQ(json_import.status, 200) << json_import.body;
  EXPECT_EQ(json_import.json().at("created").as_int64(), 2);
  const int64_t heat = json_import.json().at("ids").as_array().at(0).as_int64();
  EXPECT_EQ(found("%E6%9A%96%E6%B0%94"), 1u);  // 暖气

  // A spreadsheet's rows: a quoted answer with a comma, a draft, a validity from a date, and
  // the first point replaced by its id.
  Response csv_import =
      dispatcher->Post("/api/v1/knowledge/import",
                       "id,question,answer,status,valid_from\n" + std::to_string(heat) +
                           ",暖气不热怎么报修？,\"拨打供热热线，24小时内上门\",,\n"
                           ",燃气费怎么缴纳？,营业厅或网上缴纳,draft,\n"
                           ",路灯不亮找谁？,城管热线受理,published,2026-01-01\n",
                       csv);
  ASSERT_EQ(csv_import.status, 200) << csv_import.body;
  EXPECT_EQ(csv_import.json().at("created").as_int64(), 2);
  EXPECT_EQ(csv_import.json().at("updated").as_int64(), 1);
  Response heat_now = agent->Get("/api/v1/knowledge/" + std::to_string(heat));
  EXPECT_EQ(Str(heat_now.json(), "answer"), "拨打供热热线，24小时内上门");
  EXPECT_EQ(found("%E7%87%83%E6%B0%94"), 0u);  // 燃气: a draft, not for agents
  EXPECT_EQ(found("%E8%B7%AF%E7%81%AF"), 1u);  // 路灯

  // One bad row refuses the whole import and names its line or index; nothing is saved.
  Response bad_unit = dispatcher->Post(
      "/api/v1/knowledge/import",
      "question,answer,owner_unit\n井盖丢了找谁？,城管热线受理,\n下水道堵了找谁？,物业,nowhere\n",
      csv);
  EXPECT_EQ(bad_unit.status, 400) << bad_unit.body;
  EXPECT_NE(bad_unit.body.find("line 3: unknown unit"), std::string::npos) << bad_unit.body;
  Response bad_json = dispatcher->Post(
      "/api/v1/knowledge/import",
      R"({"points":[{"question":"井盖丢了找谁？","answer":"城管热线受理"},{"question":"没有答案"}]})");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(bad_json.body.find("points[1].answer"), std::string::npos) << bad_json.body;
  Response missing = dispatcher->Post(
      "/api/v1/knowledge/import",
      R"({"points":[{"question":"井盖丢了找谁？","answer":"城管热线受理"},{"id":999999,"question":"x","answer":"y"}]})");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(found("%E4%BA%95%E7%9B%96"), 0u);  // 井盖
  EXPECT_EQ(
      dispatcher->Post("/api/v1/knowledge/import", "question,answer,colour\na,b,c\n", csv).status,
      400);
  EXPECT_EQ(dispatcher->Post("/api/v1/knowledge/import", "question,answer\n\"a,b\n", csv).status,
            400);
  EXPECT_EQ(dispatcher->Post("/api/v1/knowledge/import", "question,answer\n", csv).status, 400);
  EXPECT_EQ(dispatcher->Post("/api/v1/knowledge/import", R"({"points":[]})").status, 400);
  EXPECT_EQ(dispatcher->Post("/api/v1/knowledge/import", R"({"point":[]})").status, 400);
  EXPECT_EQ(agent->Post("/api/v1/knowledge/import", R"({"points":[{"question":"a","answer":"b"}]})")
                .status,
            403);
  EXPECT_EQ(found("%E4%BA%95%E7%9B%96"), 0u);

  // The export is the import's format: edited in a spreadsheet, it comes back as updates.
  Response exported = dispatcher->Get("/api/v1/knowledge/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.headers["Content-Type"], "text/csv; charset=utf-8");
  EXPECT_EQ(exported.body.rfind("\xEF\xBB\xBFid,question,answer,basis,owner_unit,status,", 0), 0u);
  EXPECT_NE(exported.body.find(",拨打供热热线，24小时内上门,"), std::string::npos);
  EXPECT_NE(exported.body.find(",\"携带身份证到\"\"服务网点\"\"补办, 或网上办理。\","),
            std::string::npos);
  EXPECT_NE(exported.body.find(",draft,"), std::string::npos);  // drafts too
  EXPECT_NE(exported.body.find("2026-01-01T00:00:00+08:00"), std::string::npos) << exported.body;
  Response again = dispatcher->Post("/api/v1/knowledge/import", exported.body, csv);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("created").as_int64(), 0);
  EXPECT_EQ(again.json().at("updated").as_int64(), 4);
  EXPECT_EQ(agent->Get("/api/v1/knowledge/export").status, 403);
}

TEST_F(SuggestHttpTest, DemoKnowledgeIsSeededOnceAndAnswersDrafts) {
  Start(true, false);
  std::ostringstream log;
  ASSERT_TRUE(app_->SeedDemoKnowledge(log).ok());
  EXPECT_NE(log.str().find("6 points"), std::string::npos) << log.str();
  ASSERT_TRUE(app_->SeedDemoKnowledge(log).ok());  // not again on a filled knowledge base
  auto agent = As("agent1");
  // The knowledge answers the suggestion for `text` carries.
  auto answers = [&](const std::string& text) {
    Response r = agent->Post("/api/v1/suggest", R"({"text":")" + text + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::array(r.json().at("knowledge").as_array());
  };
  auto first = [&](const std::string& text) {
    const json::array k = answers(text);
    return k.empty() ? std::string() : Str(k[0], "owner_unit") + " " + Str(k[0], "question");
  };
  EXPECT_EQ(first("请问望京西园三区暖气一直不热怎么办？"),
            "bj.heat 家里暖气不热、室温不达标怎么办？");
  // The words each answer was found by: the text's own (暖气), its synonyms as the point has
  // them (供热 in 供热单位, 采暖 in the regulation's name, 供暖), and the generic words that
  // ranked it (什么时候; 怎么办 is in half the points and adds nothing).
  auto matched = [&](const std::string& text) {
    std::vector<std::string> out;
    for (const auto& k : answers(text)) {
      std::string words;
      for (const auto& w : k.at("matched").as_array()) words += std::string(w.as_string()) + " ";
      out.push_back(words);
    }
    return out;
  };
  EXPECT_EQ(matched("请问望京西园三区暖气一直不热怎么办？"),
            (std::vector<std::string>{"供热 暖气 采暖 ", "供热 供暖 采暖 "}));
  EXPECT_EQ(matched("今年什么时候开始供暖").at(0), "供热 供暖 采暖 什么时候 ");
  EXPECT_EQ(first("今年什么时候开始供暖"), "bj.cgw 本市供暖期是什么时候？室内温度应达到多少度？");
  EXPECT_EQ(first("隔壁工地夜里施工，噪音吵得睡不着"), "bj.sthjj 夜间工地施工噪音扰民怎么办？");
  EXPECT_EQ(first("公司拖欠我三个月工资"), "bj.rsj 单位拖欠工资怎么办？");
  EXPECT_EQ(first("厨房里有燃气味"), "bj.gas 家中闻到燃气味怎么办？");
  // Points that share only generic words with a request are not offered (所在, 有关, 部门 and
  // 处理 are in the unpaid-wages and noise answers).
  EXPECT_EQ(first("孩子所在幼儿园乱收费，希望有关部门尽快处理"), "");
  EXPECT_EQ(first("请问什么时候能解决这个问题？我们已经反映多次了"), "");
  // Single characters count when the longer words are all generic: 社 保 怎么 查.
  EXPECT_EQ(first("社保怎么查"), "bj.rsj 如何查询个人社保缴费记录？");
  Response all = As("dispatcher1")->Get("/api/v1/knowledge?q=%E7%A4%BE%E4%BF%9D&all=true");  // 社保
  ASSERT_EQ(all.status, 200) << all.body;
  const json::value aj = all.json();
  ASSERT_EQ(aj.at("points").as_array().size(), 1u) << all.body;
  EXPECT_NE(Str(aj.at("points").as_array()[0], "answer").find("12333"), std::string::npos);
}

TEST_F(SuggestHttpTest, WithoutAModelIntakeWorksAndSaysSo) {
  Start(true, false);
  auto agent = As("agent1");
  Response r = agent->Post("/api/v1/suggest", kDraft);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value s = r.json();
  EXPECT_TRUE(s.at("categories").as_array().empty());
  EXPECT_NE(Str(s, "classifier_note").find("train-classifier"), std::string::npos);
  EXPECT_EQ(Str(s.at("location"), "district_code"), "110105");
  Response created =
      agent->Post("/api/v1/orders", R"({"channel":"phone","content":"望京暖气不热"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json::value order = created.json();
  EXPECT_EQ(Str(order.at("suggested"), "category"), "");
  EXPECT_EQ(Str(order.at("suggested"), "street_code"), "110105026");
}

// A model retrained from the hotline's corrections replaces the one in use without a restart;
// a damaged file or a model for another taxonomy is refused and the one in use stays.
TEST_F(SuggestHttpTest, ClassifierIsReloadedWithoutARestart) {
  Start(true, true);
  auto agent = As("agent1");
  auto admin = As("admin");
  Response info = agent->Get("/api/v1/classifier");
  ASSERT_EQ(info.status, 200) << info.body;
  json::value v = info.json();
  EXPECT_TRUE(v.at("loaded").as_bool());
  EXPECT_TRUE(v.at("path").is_null());  // where the file is, only administrators see
  EXPECT_EQ(Str(admin->Get("/api/v1/classifier").json(), "path"),
            options_.suggester.classifier_path);
  ASSERT_EQ(v.at("labels").as_array().size(), 3u);
  EXPECT_EQ(Str(v.at("labels").as_array()[0], "name"), "供暖");
  EXPECT_EQ(v.at("training_rows").as_int64(), 12);
  EXPECT_GT(v.at("features").as_int64(), 0);
  EXPECT_FALSE(Str(v, "loaded_at").empty());

  EXPECT_EQ(agent->Post("/api/v1/classifier/reload", "").status, 403);

  // The retrained model: 市政设施 learnt by name, and a label the taxonomy does not have.
  std::vector<text::LabelledText> rows = kHeatNoiseBus;
  for (const char* t : {"路灯不亮，晚上很黑", "小区门口路灯坏了", "井盖丢失很危险"})
    rows.push_back({t, "市政设施"});
  for (const char* t : {"邻居家的狗总是叫", "楼上养鸽子很臭"}) rows.push_back({t, "宠物"});
  SaveModel(options_.suggester.classifier_path, rows);
  Response reloaded = admin->Post("/api/v1/classifier/reload", "");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  v = reloaded.json();
  EXPECT_EQ(v.at("labels").as_array().size(), 5u);
  EXPECT_EQ(v.at("training_rows").as_int64(), 17);
  std::map<std::string, std::string> codes;
  for (const auto& l : v.at("labels").as_array())
    codes[Str(l, "label")] = l.at("code").is_null() ? "null" : Str(l, "code");
  EXPECT_EQ(codes["市政设施"], "0103");
  EXPECT_EQ(codes["宠物"], "null");
  Response s = agent->Post("/api/v1/suggest", R"({"text":"望京西园路灯不亮，晚上很黑"})");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(Str(s.json().at("categories").as_array()[0], "code"), "0103") << s.body;

  // A damaged file and a model for another taxonomy are refused; the model in use stays.
  { std::ofstream(options_.suggester.classifier_path, std::ios::trunc) << "not a model"; }
  Response damaged = admin->Post("/api/v1/classifier/reload", "");
  EXPECT_EQ(damaged.status, 400) << damaged.body;
  SaveModel(options_.suggester.classifier_path, {{"streetlight out on my block", "Street Lights"},
                                                 {"the streetlight is broken", "Street Lights"},
                                                 {"graffiti on the wall", "Graffiti"},
                                                 {"graffiti on a mailbox", "Graffiti"}});
  Response foreign = admin->Post("/api/v1/classifier/reload", "");
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_NE(foreign.body.find("another one"), std::string::npos) << foreign.body;
  EXPECT_EQ(agent->Get("/api/v1/classifier").json().at("labels").as_array().size(), 5u);
  s = agent->Post("/api/v1/suggest", R"({"text":"望京西园路灯不亮，晚上很黑"})");
  EXPECT_EQ(Str(s.json().at("categories").as_array()[0], "code"), "0103") << s.body;
}

// What intake suggested against what the hotline decided, over the orders it confirmed.
TEST_F(SuggestHttpTest, AgreementOfSuggestionsWithTheHotlinesDecisions) {
  Start(true, true);
  auto agent = As("agent1");
  auto dispatcher = As("dispatcher1");
  auto analyst = As("analyst1");
  // Today in Beijing lies between yesterday and tomorrow in UTC.
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::string range =
      "/api/v1/suggestions/agreement?from=" + FormatDate(today - std::chrono::days(1)) +
      "&to=" + FormatDate(today + std::chrono::days(1));
  // The demo's own orders are there already: the figures below are differences.
  Response before = analyst->Get(range);
  ASSERT_EQ(before.status, 200) << before.body;
  const json::value b = before.json();

  auto create = [&](const std::string& body) {
    Response r = agent->Post("/api/v1/orders", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return "/api/v1/orders/" + std::to_string(r.json().at("id").as_int64());
  };
  // Everything as suggested, dispatched to the suggested unit.
  const std::string heat = create(R"({"channel":"phone","category":"010104",
      "request_type":"consult","content":"朝阳区望京西园三区12号楼暖气一直不热，室温只有十五度，请问什么时候能修好？",
      "location":{"address":"朝阳区望京西园三区12号楼","district_code":"110105"}})");
  ASSERT_EQ(agent->Post(heat + "/send-to-dispatch", "").status, 200);
  ASSERT_EQ(dispatcher->Post(heat + "/dispatch", R"({"lead_unit":"bj.heat"})").status, 200);
  // Another category, type and district than suggested, answered on the spot.
  const std::string other = create(R"({"channel":"phone","category":"0103",
      "request_type":"complaint","content":"朝阳区望京西园三区12号楼暖气一直不热，室温只有十五度，请问什么时候能修好？",
      "location":{"address":"朝阳区望京西园三区12号楼","district_code":"110108"}})");
  ASSERT_EQ(agent->Post(other + "/answer", R"({"text":"已转供热单位"})").status, 200);
  // Urgent where no cue fired; no place in the text.
  const std::string bus = create(R"({"channel":"phone","category":"0301",
      "request_type":"complaint","urgency":"urgent","content":"公交车不按站停车，司机态度差，我要投诉"})");
  ASSERT_EQ(agent->Post(bus + "/answer", R"({"text":"已记录"})").status, 200);
  // Refused and still waiting: not decisions the suggestion can be held to.
  const std::string refused = create(R"({"channel":"phone","content":"公交线路取消，出行不便"})");
  ASSERT_EQ(agent->Post(refused + "/reject", R"({"reason":"重复","proper_channel":"无"})").status,
            200);
  create(R"({"channel":"phone","content":"楼下饭店夜里噪音太大"})");

  Response after = analyst->Get(range);
  ASSERT_EQ(after.status, 200) << after.body;
  const json::value a = after.json();
  auto delta = [&](const char* field, const char* count) {
    return a.at(field).at(count).as_int64() - b.at(field).at(count).as_int64();
  };
  EXPECT_EQ(a.at("orders").as_int64() - b.at("orders").as_int64(), 3);
  EXPECT_EQ(delta("category", "suggested"), 3);
  EXPECT_EQ(delta("category", "agreed"), 2);
  EXPECT_EQ(delta("request_type", "suggested"), 3);
  EXPECT_EQ(delta("request_type", "agreed"), 2);
  EXPECT_EQ(delta("urgency", "suggested"), 3);
  EXPECT_EQ(delta("urgency", "agreed"), 2);
  EXPECT_EQ(delta("district", "suggested"), 2);
  EXPECT_EQ(delta("district", "agreed"), 1);
  EXPECT_EQ(delta("lead_unit", "suggested"), 1);
  EXPECT_EQ(delta("lead_unit", "agreed"), 1);
  int64_t by_confidence = 0;
  for (const json::value* r : {&a, &b}) {
    for (const auto& bucket : r->at("category_by_confidence").as_array())
      by_confidence += (r == &a ? 1 : -1) * bucket.at("suggested").as_int64();
  }
  EXPECT_EQ(by_confidence, 3);
  // Per suggested category: 供暖 was chosen once and replaced by 市政设施 once.
  auto heat_row = [](const json::value& r) {
    for (const auto& row : r.at("by_category").as_array())
      if (Str(row, "code") == "010104") return row;
    return json::value(json::object{{"suggested", 0}, {"agreed", 0}});
  };
  const json::value ha = heat_row(a), hb = heat_row(b);
  EXPECT_EQ(Str(ha, "name"), "供暖");
  EXPECT_EQ(ha.at("suggested").as_int64() - hb.at("suggested").as_int64(), 2);
  EXPECT_EQ(ha.at("agreed").as_int64() - hb.at("agreed").as_int64(), 1);
  bool instead = false;
  for (const auto& i : ha.at("chosen_instead").as_array())
    instead = instead || (Str(i, "code") == "0103" && Str(i, "name") == "市政设施");
  EXPECT_TRUE(instead) << after.body;

  // A model of level-1 classes (by name) suggests 城乡建设 where the agent picks 供暖 below it.
  std::vector<text::LabelledText> coarse;
  for (const auto& row : kHeatNoiseBus)
    coarse.push_back({row.text, row.label == "0301" ? "交通运输" : "城乡建设"});
  SaveModel(options_.suggester.classifier_path, coarse);
  ASSERT_EQ(As("admin")->Post("/api/v1/classifier/reload", "").status, 200);
  const std::string below = create(R"({"channel":"phone","category":"010104",
      "content":"家里暖气片冰凉，室温只有十五度"})");
  ASSERT_EQ(agent->Post(below + "/answer", R"({"text":"已转供热单位"})").status, 200);
  const json::value c = analyst->Get(range).json();
  EXPECT_EQ(
      c.at("category").at("suggested").as_int64() - a.at("category").at("suggested").as_int64(), 1);
  EXPECT_EQ(c.at("category").at("agreed").as_int64(), a.at("category").at("agreed").as_int64());
  EXPECT_EQ(c.at("category").at("below").as_int64() - a.at("category").at("below").as_int64(), 1);
  EXPECT_GT(c.at("category").at("rate_with_below").as_double(),
            c.at("category").at("rate").as_double());

  // Bad input and the wrong role change nothing and say why.
  EXPECT_EQ(agent->Get(range).status, 403);
  EXPECT_EQ(analyst->Get("/api/v1/suggestions/agreement?from=2026-01-01").status, 400);
  EXPECT_EQ(analyst->Get("/api/v1/suggestions/agreement?from=2026-02-01&to=2026-01-01").status,
            400);
  EXPECT_EQ(analyst->Get("/api/v1/suggestions/agreement?from=2024-01-01&to=2026-01-01").status,
            400);
  EXPECT_EQ(analyst->Get(range + "&unit=bj.heat").status, 400);
  EXPECT_EQ(analyst->Get("/api/v1/suggestions/agreement?from=2026-13-01&to=2026-01-01").status,
            400);
}

TEST_F(SuggestHttpTest, WithoutAModelFileThereIsNothingToReload) {
  Start(true, false);
  Response info = As("admin")->Get("/api/v1/classifier");
  ASSERT_EQ(info.status, 200);
  EXPECT_FALSE(info.json().at("loaded").as_bool());
  EXPECT_TRUE(info.json().at("path").is_null());
  Response r = As("admin")->Post("/api/v1/classifier/reload", "");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("--classifier"), std::string::npos) << r.body;
}

// Coordinates decide the district through the boundaries (Beijing's, from ../shared/data).
TEST_F(SuggestHttpTest, CoordinatesDecideTheDistrict) {
  const char* env = std::getenv("JIESU_DATA_DIR");
  const fs::path file = fs::path(env ? env : JIESU_SOURCE_DIR "/../shared/data") /
                        "beijing-boundaries" / "beijing_16_districts_datav_merged.geojson";
  if (!fs::exists(file)) GTEST_SKIP() << file << " not found (set JIESU_DATA_DIR)";
  boundaries_ = file.string();
  Start(true, false);
  auto agent = As("agent1");
  // The text names 望京 (朝阳区); the pin is at 中关村 (海淀区): the pin wins, the street goes.
  Response r =
      agent->Post("/api/v1/suggest", R"({"text":"望京这边路灯不亮","lat":39.992,"lon":116.310})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value v = r.json();
  EXPECT_EQ(Str(v.at("location"), "source"), "coordinates");
  EXPECT_EQ(Str(v.at("location"), "district_code"), "110108");
  EXPECT_EQ(Str(v.at("location"), "street_code"), "");
  EXPECT_EQ(Str(v.at("location"), "mentions_in"), "text");
  // A pin outside every district leaves the text's answer.
  Response out =
      agent->Post("/api/v1/suggest", R"({"text":"望京这边路灯不亮","lat":31.23,"lon":121.47})");
  EXPECT_EQ(Str(out.json().at("location"), "district_code"), "110105");
  EXPECT_EQ(agent->Post("/api/v1/suggest", R"({"text":"x","lat":39.9})").status, 400);
  EXPECT_EQ(agent->Post("/api/v1/suggest", R"({"text":"x","lat":95,"lon":116})").status, 400);
}

TEST_F(SuggestHttpTest, TextOffAnswers503) {
  Start(false, false);
  EXPECT_EQ(As("agent1")->Post("/api/v1/suggest", kDraft).status, 503);
  EXPECT_EQ(As("agent1")->Get("/api/v1/classifier").status, 503);
  Response created =
      As("agent1")->Post("/api/v1/orders", R"({"channel":"phone","content":"望京暖气不热"})");
  ASSERT_EQ(created.status, 201);
  EXPECT_TRUE(created.json().at("suggested").is_null());
}

}  // namespace
}  // namespace jiesu
