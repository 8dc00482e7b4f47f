// Kills a writer process with SIGKILL in the middle of a burst of writes and checks that
// every write it acknowledged is in the database after a restart.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "storage/sqlite/sqlite_store.h"

extern char** environ;

namespace jiesu {
namespace {

namespace fs = std::filesystem;

TEST(CrashTest, EveryAcknowledgedOrderSurvivesSigkill) {
  const char* writer = JIESU_CRASH_WRITER;
  fs::path dir = fs::temp_directory_path() / ("jiesu-crash-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "crash.db").string();

  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::string threads = "8";
  char* argv[] = {const_cast<char*>(writer), const_cast<char*>(db.c_str()), threads.data(),
                  nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, writer, &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);

  // Read acknowledgements until enough have arrived, then kill without warning.
  std::string buffer;
  auto acked = [&] { return std::count(buffer.begin(), buffer.end(), '\n'); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char chunk[4096];
  while (acked() < 1500 && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = ::read(pipe_fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  // Lines already in the pipe were acknowledged before the kill: they count too.
  while (true) {
    ssize_t n = ::read(pipe_fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);

  std::map<int64_t, std::string> expected;
  std::istringstream lines(buffer);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string tag, content;
    long long id = 0;
    if (fields >> tag >> id >> content && tag == "ACK") expected[id] = content;
  }
  ASSERT_GE(expected.size(), 1500u) << "the writer acknowledged too few orders before the deadline";

  auto store = storage::sqlite::SqliteStore::Open({db, 2, 512});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  size_t found = 0;
  for (const auto& [id, content] : expected) {
    auto o = (*store)->GetOrder(id);
    ASSERT_TRUE(o.ok()) << "acknowledged order " << id << " is lost: " << o.error().ToString();
    EXPECT_EQ(o->draft.content, content);
    ++found;
  }
  EXPECT_EQ(found, expected.size());
  std::printf("acknowledged before SIGKILL: %zu, all found after restart\n", expected.size());

  // The rollup changes the writer had gathered but not written were lost with the process;
  // the open redid them from the event log: the rollups agree with a rebuild from scratch.
  storage::RollupQuery q;
  q.from_day = 0;
  q.to_day = 1 << 30;
  q.group_by = {"day", "category", "district"};
  q.limit = 100000;
  auto caught_up = (*store)->QueryRollups(q);
  ASSERT_TRUE(caught_up.ok()) << caught_up.error().ToString();
  const uint64_t redone = (*store)->stats().rollups_caught_up;
  ASSERT_TRUE((*store)->RebuildDerivedTables().ok());
  auto rebuilt = (*store)->QueryRollups(q);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().ToString();
  auto by_keys = [](const std::vector<storage::RollupGroup>& groups) {
    std::map<std::vector<std::string>, domain::RollupMeasures> m;
    for (const auto& g : groups) m[g.keys] = g.m;
    return m;
  };
  const auto after_open = by_keys(*caught_up), from_scratch = by_keys(*rebuilt);
  EXPECT_TRUE(after_open == from_scratch);
  int64_t received = 0;
  for (const auto& [keys, m] : from_scratch) received += m.received;
  EXPECT_GE(received, static_cast<int64_t>(expected.size()));
  std::printf("rollup changes redone on open: %llu orders\n",
              static_cast<unsigned long long>(redone));
  store->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace jiesu
