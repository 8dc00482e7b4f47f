// The jiesu binary as a user runs it: exit codes, messages, and serve's start and stop.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"

namespace jiesu {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr together
};

// Runs a shell command, capturing its output and exit code.
CliRun Shell(const std::string& cmd) {
  CliRun r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CliRun Jiesu(const std::string& args, const std::string& stdin_text = "") {
  fs::path in = fs::temp_directory_path() / ("jiesu-cli-in-" + std::to_string(::getpid()));
  std::ofstream(in) << stdin_text;
  CliRun r = Shell(std::string(JIESU_BINARY) + " " + args + " < " + in.string());
  fs::remove(in);
  return r;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("jiesu-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Config() const { return std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing"; }
  fs::path dir_;
};

TEST_F(CliTest, HelpAndUsageErrors) {
  CliRun help = Jiesu("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("check-config"), std::string::npos);
  EXPECT_EQ(Jiesu("").code, 2);
  CliRun unknown = Jiesu("frobnicate");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.out.find("unknown command"), std::string::npos);
  CliRun flag = Jiesu("migrate --db x.db --colour red");
  EXPECT_EQ(flag.code, 2);
  EXPECT_NE(flag.out.find("unknown flag --colour"), std::string::npos);
  EXPECT_EQ(Jiesu("serve --config " + Config()).code, 2);  // --db missing
}

TEST_F(CliTest, CheckConfigReportsEveryProblem) {
  CliRun ok = Jiesu("check-config " + Config());
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("OK"), std::string::npos);
  fs::copy(Config(), dir_ / "cfg");
  fs::create_directories(dir_ / "calendars");
  fs::copy(std::string(JIESU_SOURCE_DIR) + "/config/calendars", dir_ / "calendars");
  std::ofstream(dir_ / "cfg" / "roles.yaml", std::ios::trunc)
      << "roles:\n  - {name: agent, actions: [intake, teleport]}\n";
  CliRun bad = Jiesu("check-config " + (dir_ / "cfg").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("roles.yaml:2: roles[0].actions: unknown action 'teleport'"),
            std::string::npos)
      << bad.out;
  EXPECT_EQ(Jiesu("check-config " + (dir_ / "nowhere").string()).code, 2);
}

TEST_F(CliTest, MigrateAndUserAdd) {
  const std::string db = (dir_ / "j.db").string();
  CliRun m = Jiesu("migrate --db " + db);
  EXPECT_EQ(m.code, 0) << m.out;
  EXPECT_NE(m.out.find("schema version"), std::string::npos);
  const std::string base = "user add --config " + Config() + " --db " + db;
  CliRun added =
      Jiesu(base + " --username heat2 --role unit_handler --unit bj.heat", "a-long-password\n");
  EXPECT_EQ(added.code, 0) << added.out;
  CliRun again =
      Jiesu(base + " --username heat2 --role unit_handler --unit bj.heat", "a-long-password\n");
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.out.find("taken"), std::string::npos);
  CliRun no_unit = Jiesu(base + " --username x1 --role unit_handler", "a-long-password\n");
  EXPECT_EQ(no_unit.code, 2);
  EXPECT_NE(no_unit.out.find("needs a unit"), std::string::npos);
  EXPECT_EQ(Jiesu(base + " --username x2 --role agent", "").code, 2);  // no password
  EXPECT_EQ(Jiesu(base + " --username x3 --role agent", "short\n").code, 2);
}

// What `jiesu serve` has written to dir/serve.log so far.
std::string ServeLog(const fs::path& dir) {
  std::ifstream f(dir / "serve.log");
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Starts `jiesu serve` on a free port (with --demo when asked, and `extra` flags) and returns its
// pid and port.
std::pair<pid_t, int> StartServe(const fs::path& dir, const std::string& config, bool demo,
                                 std::vector<std::string> extra = {}) {
  const std::string log = (dir / "serve.log").string();
  std::vector<std::string> args = {JIESU_BINARY, "serve",      "--config",
                                   config,       "--db",       (dir / "s.db").string(),
                                   "--listen",   "127.0.0.1:0"};
  if (demo) args.push_back("--demo");
  args.insert(args.end(), extra.begin(), extra.end());
  pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(JIESU_BINARY, argv.data());
    ::_exit(127);
  }
  std::smatch m;
  std::string text;
  const std::regex url("http://127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < 1200 && !std::regex_search(text, m, url); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    text = ServeLog(dir);
  }
  return {pid, std::regex_search(text, m, url) ? std::stoi(m[1]) : 0};
}

int Stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(CliTest, ServeStartsOnAFreePortAndStopsOnSigterm) {
  auto [pid, port] = StartServe(dir_, Config(), false);
  ASSERT_GT(pid, 0);
  ASSERT_GT(port, 0);
  testing::Client c(static_cast<unsigned short>(port));
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(Stop(pid), 0);
}

// With --config, names and codes of one category train one class; --level rolls codes up.
TEST_F(CliTest, LabelsBecomeTheTaxonomysCodes) {
  const fs::path rows = dir_ / "rows.csv";
  std::ofstream(rows) << "text,category\n"
                         "暖气不热，室温十五度,供暖\n家里暖气片冰凉,010104\n暖气管道漏水不热,供暖\n"
                         "公交车不按站停车,公共交通\n公交线路取消出行不便,0301\n"
                         "出租车拒载绕路,出租车与网约车\n";
  const fs::path model = dir_ / "model.bin";
  const std::string train = "train-classifier --min-df 1 --out " + model.string() + " ";
  CliRun leaf = Jiesu(train + "--config " + Config() + " " + rows.string());
  ASSERT_EQ(leaf.code, 0) << leaf.out;
  EXPECT_NE(leaf.out.find("3 labels"), std::string::npos) << leaf.out;
  CliRun coarse = Jiesu(train + "--config " + Config() + " --level 1 " + rows.string());
  ASSERT_EQ(coarse.code, 0) << coarse.out;
  EXPECT_NE(coarse.out.find("2 labels"), std::string::npos) << coarse.out;
  CliRun eval = Jiesu("eval-classifier --model " + model.string() + " --config " + Config() +
                      " --level 1 " + rows.string());
  ASSERT_EQ(eval.code, 0) << eval.out;
  EXPECT_NE(eval.out.find("macro_f1=1.0000"), std::string::npos) << eval.out;

  // A label that is no category is refused, and the model file stays as it was.
  const auto before = fs::last_write_time(model);
  std::ofstream(rows, std::ios::app) << "邻居家的狗总是叫,宠物\n";
  CliRun unknown = Jiesu(train + "--config " + Config() + " " + rows.string());
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.out.find("'宠物' (1 rows)"), std::string::npos) << unknown.out;
  EXPECT_EQ(fs::last_write_time(model), before);
  EXPECT_EQ(Jiesu(train + "--level 1 " + rows.string()).code, 2);
  EXPECT_EQ(Jiesu(train + "--config " + Config() + " --level 0 " + rows.string()).code, 2);
}

// SIGHUP reads the --classifier file again: a damaged one is refused and the model in use stays.
TEST_F(CliTest, SighupReloadsTheClassifier) {
  const fs::path rows = dir_ / "rows.csv";
  std::ofstream(rows) << "text,category\n"
                         "暖气不热，室温十五度,供暖\n家里暖气片冰凉,供暖\n暖气管道漏水不热,供暖\n"
                         "公交车不按站停车,公共交通\n公交线路取消出行不便,公共交通\n";
  const fs::path model = dir_ / "model.bin";
  ASSERT_EQ(Jiesu("train-classifier --min-df 1 --out " + model.string() + " " + rows.string()).code,
            0);
  auto [pid, port] = StartServe(dir_, Config(), false, {"--classifier", model.string()});
  ASSERT_GT(port, 0) << ServeLog(dir_);
  // Waits for `what` to appear in the log after a SIGHUP.
  auto hup = [&, pid = pid](const std::string& what) {
    ::kill(pid, SIGHUP);
    for (int i = 0; i < 200 && ServeLog(dir_).find(what) == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return ServeLog(dir_).find(what) != std::string::npos;
  };
  { std::ofstream(model, std::ios::trunc) << "damaged"; }
  EXPECT_TRUE(hup("the model was not reloaded, the one in use stays")) << ServeLog(dir_);
  std::ofstream(rows, std::ios::app) << "路灯不亮晚上很黑,市政设施\n井盖丢失很危险,市政设施\n";
  ASSERT_EQ(Jiesu("train-classifier --min-df 1 --out " + model.string() + " " + rows.string()).code,
            0);
  EXPECT_TRUE(hup("category model reloaded from " + model.string() + " (3 labels"))
      << ServeLog(dir_);
  testing::Client c(static_cast<unsigned short>(port));
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(Stop(pid), 0);
}

// `serve --demo` seeds last month's history; `report monthly` turns it into .xlsx and CSV.
TEST_F(CliTest, DemoHistoryAndMonthlyReport) {
  auto [pid, port] = StartServe(dir_, Config(), true);
  ASSERT_GT(port, 0);
  ASSERT_EQ(Stop(pid), 0);
  std::ifstream log(dir_ / "serve.log");
  const std::string text((std::istreambuf_iterator<char>(log)), {});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("Demo history for ([0-9]{4}-[0-9]{2})")))
      << text;
  const std::string month = m[1];
  const std::string db = (dir_ / "s.db").string();
  const std::string base = "report monthly --config " + Config() + " --db " + db;
  CliRun r = Jiesu(base + " --period " + month + " --out " + (dir_ / "out").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("[1-9][0-9]* ranked"))) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "out" / ("scores-" + month + ".xlsx")));
  std::ifstream csv(dir_ / "out" / ("scores-" + month + ".csv"));
  std::string header, first;
  std::getline(csv, header);
  std::getline(csv, first);
  EXPECT_TRUE(std::regex_search(first, std::regex("^" + month + ",区,1,"))) << first;
  EXPECT_EQ(Jiesu(base + " --period 2026-13").code, 2);
  EXPECT_EQ(Jiesu(base).code, 2);
  EXPECT_EQ(
      Jiesu("report monthly --config " + Config() + " --db /nonexistent/x.db --period " + month)
          .code,
      2);
  EXPECT_EQ(Jiesu("report weekly").code, 2);
  // The detectors run once from the command line; the 民声热点 report of the demo month.
  const std::string tools = " --config " + Config() + " --db " + db;
  CliRun detect = Jiesu("detect --no-text" + tools);
  ASSERT_EQ(detect.code, 0) << detect.out;
  EXPECT_TRUE(std::regex_search(detect.out, std::regex("raised=[0-9]+ updated=[0-9]+")))
      << detect.out;
  EXPECT_EQ(Jiesu("detect --no-text --at yesterday" + tools).code, 2);
  CliRun hot =
      Jiesu("report hotspots" + tools + " --month " + month + " --out " + (dir_ / "out").string());
  ASSERT_EQ(hot.code, 0) << hot.out;
  EXPECT_TRUE(std::regex_search(hot.out, std::regex("[1-9][0-9]* received"))) << hot.out;
  EXPECT_TRUE(fs::exists(dir_ / "out" / ("hotspots-" + month + ".xlsx")));
  EXPECT_EQ(Jiesu("report hotspots" + tools + " --month 2026-1").code, 2);
  // The categories the hotline confirmed become training rows that train-classifier reads.
  const std::string rows = (dir_ / "training.csv").string();
  CliRun exported = Jiesu("export-training" + tools + " --out " + rows);
  ASSERT_EQ(exported.code, 0) << exported.out;
  EXPECT_TRUE(std::regex_search(exported.out, std::regex("[1-9][0-9]* rows"))) << exported.out;
  std::ifstream training(rows);
  std::string training_header;
  std::getline(training, training_header);
  EXPECT_EQ(training_header, "id,text,category,state,suggested,agreed");
  CliRun trained =
      Jiesu("train-classifier --min-df 1 --out " + (dir_ / "m.bin").string() + " " + rows);
  EXPECT_EQ(trained.code, 0) << trained.out;
  EXPECT_EQ(Jiesu("export-training" + tools).code, 2);  // no --out
  EXPECT_EQ(Jiesu("export-training" + tools + " --out " + rows + " --from soon").code, 2);
  // The rollups (and the other derived tables) can be recomputed from the event log.
  CliRun rebuilt = Jiesu("rebuild-rollups --config " + Config() + " --db " + db);
  EXPECT_EQ(rebuilt.code, 0) << rebuilt.out;
  EXPECT_TRUE(std::regex_search(rebuilt.out, std::regex("histories of [1-9][0-9]+ orders")))
      << rebuilt.out;
  EXPECT_EQ(Jiesu("rebuild-rollups --config " + Config() + " --db /nonexistent/x.db").code, 2);
}

// The README's curl walk-through, run as written against a demo server.
TEST_F(CliTest, ReadmeWalkThroughRuns) {
  if (std::system("command -v curl >/dev/null && command -v python3 >/dev/null") != 0) {
    GTEST_SKIP() << "curl or python3 is missing (scripts/setup.sh installs both)";
  }
  std::ifstream readme(std::string(JIESU_SOURCE_DIR) + "/README.md");
  std::string text((std::istreambuf_iterator<char>(readme)), {});
  const size_t begin = text.find("```sh\nAPI=");
  ASSERT_NE(begin, std::string::npos) << "the walk-through is missing from README.md";
  const size_t end = text.find("```", begin + 6);
  std::string script = text.substr(begin + 6, end - begin - 6);
  auto [pid, port] = StartServe(dir_, Config(), true);
  ASSERT_GT(port, 0);
  const std::string from = "127.0.0.1:8345", to = "127.0.0.1:" + std::to_string(port);
  for (size_t at = script.find(from); at != std::string::npos;
       at = script.find(from, at + to.size())) {
    script.replace(at, from.size(), to);
  }
  std::ofstream(dir_ / "walk.sh") << "set -euo pipefail\n" << script;
  CliRun r = Shell("bash " + (dir_ / "walk.sh").string());
  EXPECT_EQ(Stop(pid), 0);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"state\": \"closed\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("139****5678"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fallback: government of district 110105"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"satisfaction\":{\"numerator\":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"metric\":\"satisfaction\""), std::string::npos) << r.out;
}

TEST_F(CliTest, TrainsAndEvaluatesAClassifierFromCsv) {
  const fs::path rows = dir_ / "rows.csv";
  std::ofstream(rows)
      << "text,category\n"
         "暖气不热，室温十五度,供暖\n\"家里暖气片冰凉\",供暖\n暖气管道漏水不热,供暖\n"
         "公交车不按站停车,交通\n公交线路取消出行不便,交通\n出租车拒载绕路,交通\n";
  const fs::path model = dir_ / "model.bin";
  CliRun train = Jiesu("train-classifier --min-df 1 --out " + model.string() + " " + rows.string());
  ASSERT_EQ(train.code, 0) << train.out;
  EXPECT_NE(train.out.find("trained on 6 rows"), std::string::npos) << train.out;
  CliRun eval = Jiesu("eval-classifier --model " + model.string() + " " + rows.string());
  ASSERT_EQ(eval.code, 0) << eval.out;
  EXPECT_NE(eval.out.find("macro_f1=1.0000\naccuracy=1.0000"), std::string::npos) << eval.out;

  // Held-out rows keep their copies out of training.
  const fs::path held = dir_ / "held.csv";
  std::ofstream(held) << "text,category\n暖气管道漏水不热,供暖\n";
  CliRun filtered = Jiesu("train-classifier --min-df 1 --out " + model.string() + " --holdout " +
                          held.string() + " " + rows.string());
  ASSERT_EQ(filtered.code, 0) << filtered.out;
  EXPECT_NE(filtered.out.find("leak_dropped_rows=1"), std::string::npos) << filtered.out;

  // Bad input: a file without the named columns, a damaged model, a bad number.
  const auto before = fs::last_write_time(model);
  CliRun missing =
      Jiesu("train-classifier --text detail --out " + model.string() + " " + rows.string());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.out.find("has none of the text columns detail"), std::string::npos)
      << missing.out;
  EXPECT_EQ(fs::last_write_time(model), before);
  EXPECT_EQ(Jiesu("train-classifier --c abc --out " + model.string() + " " + rows.string()).code,
            2);
  CliRun not_model = Jiesu("eval-classifier --model " + rows.string() + " " + rows.string());
  EXPECT_EQ(not_model.code, 2);
  EXPECT_NE(not_model.out.find("not a jiesu classifier model"), std::string::npos) << not_model.out;
}

// scripts/demo_model.sh, which `make run` asks for the demo's category model.
TEST_F(CliTest, DemoModelIsTrainedOnceWhereTheDataAndTaxonomyAllowIt) {
  // Stand-ins for the three Teddy Cup files, in their columns.
  const fs::path data = dir_ / "data";
  const fs::path tc = data / "teddycup2020-gov-messages";
  fs::create_directories(tc);
  std::ofstream(tc / "fj2_raw_details_subset_4449.csv")
      << "id,detail,label_l1\n1,小区暖气不热,城乡建设\n2,小区道路破损,城乡建设\n"
         "3,学校食堂收费,教育文体\n4,学校课外补课,教育文体\n";
  std::ofstream(tc / "fj2_full_segmented_9210.csv")
      << "row,text_segmented,label_l1\n1,小区 物业 不作为,城乡建设\n2,学校 乱 收费,教育文体\n";
  std::ofstream(tc / "fj2_sample_raw_495.csv")
      << "msg_id,user,title,time,detail,label_l1\n1,u,小区停水,t,小区停水一天,城乡建设\n";
  const std::string script = std::string(JIESU_SOURCE_DIR) + "/scripts/demo_model.sh";
  const std::string env = "JIESU_BIN=" + std::string(JIESU_BINARY) + " ";
  const fs::path model = dir_ / "demo.model";
  auto run = [&](const std::string& data_dir, const std::string& config) {
    return Shell(env + "JIESU_DATA_DIR=" + data_dir + " " + script + " " + model.string() + " " +
                 std::string(JIESU_SOURCE_DIR) + "/config/" + config);
  };
  CliRun first = run(data.string(), "demo-beijing");
  ASSERT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("trained on 7 rows"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("--classifier " + model.string()), std::string::npos) << first.out;
  // Its labels are the taxonomy's level-1 codes (城乡建设 → 01), as --config --level 1 reads
  // the names.
  CliRun eval =
      Jiesu("eval-classifier --model " + model.string() +
            " --text detail --label label_l1 --config " + std::string(JIESU_SOURCE_DIR) +
            "/config/demo-beijing --level 1 " + (tc / "fj2_raw_details_subset_4449.csv").string());
  EXPECT_EQ(eval.code, 0) << eval.out;
  EXPECT_NE(eval.out.find("accuracy=1.0000"), std::string::npos) << eval.out;
  const auto trained = fs::last_write_time(model);
  CliRun again = run(data.string(), "demo-beijing");  // kept: the binary is older
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(again.out, "--classifier " + model.string() + "\n");
  EXPECT_EQ(fs::last_write_time(model), trained);
  // Boston's taxonomy has none of the classes; without the data there is nothing to train on.
  CliRun boston = run(data.string(), "demo-boston");
  EXPECT_EQ(boston.code, 0);
  EXPECT_EQ(boston.out.find("--classifier"), std::string::npos) << boston.out;
  EXPECT_NE(boston.out.find("lacks the Teddy Cup classes"), std::string::npos) << boston.out;
  CliRun none = run((dir_ / "nothing").string(), "demo-beijing");
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out.find("--classifier"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("set JIESU_DATA_DIR"), std::string::npos) << none.out;
  EXPECT_EQ(Shell(script).code, 2);
}

}  // namespace
}  // namespace jiesu
