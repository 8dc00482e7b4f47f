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

#include "http_client.h"

namespace jiesu {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr together
};

CliRun Jiesu(const std::string& args, const std::string& stdin_text = "") {
  fs::path in = fs::temp_directory_path() / ("jiesu-cli-in-" + std::to_string(::getpid()));
  std::ofstream(in) << stdin_text;
  std::string cmd = std::string(JIESU_BINARY) + " " + args + " < " + in.string() + " 2>&1";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  fs::remove(in);
  return r;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("jiesu-cli-" + std::to_string(::getpid()) + "-" +
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
  EXPECT_NE(bad.out.find("roles.yaml:2: roles[0].actions: unknown action 'teleport'"), std::string::npos)
      << bad.out;
  EXPECT_EQ(Jiesu("check-config " + (dir_ / "nowhere").string()).code, 2);
}

TEST_F(CliTest, MigrateAndUserAdd) {
  const std::string db = (dir_ / "j.db").string();
  CliRun m = Jiesu("migrate --db " + db);
  EXPECT_EQ(m.code, 0) << m.out;
  EXPECT_NE(m.out.find("schema version"), std::string::npos);
  const std::string base = "user add --config " + Config() + " --db " + db;
  CliRun added = Jiesu(base + " --username heat2 --role unit_handler --unit bj.heat", "a-long-password\n");
  EXPECT_EQ(added.code, 0) << added.out;
  CliRun again = Jiesu(base + " --username heat2 --role unit_handler --unit bj.heat", "a-long-password\n");
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.out.find("taken"), std::string::npos);
  CliRun no_unit = Jiesu(base + " --username x1 --role unit_handler", "a-long-password\n");
  EXPECT_EQ(no_unit.code, 2);
  EXPECT_NE(no_unit.out.find("needs a unit"), std::string::npos);
  EXPECT_EQ(Jiesu(base + " --username x2 --role agent", "").code, 2);  // no password
  EXPECT_EQ(Jiesu(base + " --username x3 --role agent", "short\n").code, 2);
}

TEST_F(CliTest, ServeStartsOnAFreePortAndStopsOnSigterm) {
  const std::string log = (dir_ / "serve.log").string();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    std::string db = (dir_ / "s.db").string(), cfg = Config();
    ::execl(JIESU_BINARY, JIESU_BINARY, "serve", "--config", cfg.c_str(), "--db", db.c_str(), "--listen",
            "127.0.0.1:0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::smatch m;
  std::string text;
  const std::regex url("http://127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < 300 && !std::regex_search(text, m, url); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream f(log);
    text.assign(std::istreambuf_iterator<char>(f), {});
  }
  ASSERT_TRUE(std::regex_search(text, m, url)) << text;
  testing::Client c(static_cast<unsigned short>(std::stoi(m[1])));
  EXPECT_EQ(c.Get("/healthz").status, 200);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace jiesu
