// A writer that never stops: opens the store at argv[1] and creates orders from argv[2]
// threads, printing "ACK <id> <content>" after each acknowledged write. crash_test kills it
// with SIGKILL in the middle of the burst and checks that every acknowledged order survived.
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/lifecycle.h"
#include "domain/test_jurisdiction.h"
#include "storage/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  using namespace jiesu;
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_writer DB THREADS\n");
    return 2;
  }
  auto store = storage::sqlite::SqliteStore::Open({argv[1], 2, 512});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
    return 1;
  }
  const domain::Jurisdiction j = domain::testing::MakeTestJurisdiction();
  const domain::Actor agent{1, "agent", "agent", ""};
  std::mutex out;
  std::vector<std::thread> threads;
  const int n = std::stoi(argv[2]);
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      for (long i = 0;; ++i) {
        domain::OrderDraft d;
        d.content = "crash-" + std::to_string(t) + "-" + std::to_string(i);
        auto c = (*store)->CreateOrder(std::nullopt, [&](int64_t id) {
          return domain::DecideIntake(id, "K" + std::to_string(id), d, agent,
                                      domain::Context{j, SystemClock().Now()});
        });
        if (!c.ok()) {
          std::fprintf(stderr, "write failed: %s\n", c.error().ToString().c_str());
          continue;
        }
        std::lock_guard lock(out);
        std::printf("ACK %lld %s\n", static_cast<long long>(c->order.id), d.content.c_str());
        std::fflush(stdout);
      }
    });
  }
  for (auto& th : threads) th.join();
}
