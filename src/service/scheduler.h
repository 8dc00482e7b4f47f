// The deadline scheduler (SPEC §3): issues 黄牌, 红牌 and 催办 when they fall due.
//
// It runs inside `jiesu serve` as one thread rather than as a separate worker process: the
// embedded store has a single writer anyway, and one process keeps deployment to one command.
// Each order has at most one timer row (its next pending warning, kept by the store in the
// same transaction as the order's events), so an idle tick is one indexed look-up, however
// many legs are open. A tick asks the store for due timers, and for each order appends the
// card events domain::DecideAlarms returns, in the order's own transaction: a card records the
// deadline it is for, so no deadline is warned twice, and after downtime the first tick
// issues everything that fell due meanwhile. Time comes from the injected Clock.
#pragma once

#include <cstdint>
#include <mutex>

#include "base/periodic.h"
#include "base/result.h"
#include "base/time.h"
#include "storage/store.h"

namespace jiesu::service {

struct SchedulerOptions {
  Millis interval{1000};  // how often the background thread ticks
  int batch = 64;         // orders per write transaction
};

class Scheduler {
 public:
  Scheduler(storage::Store& store, const Clock& clock, SchedulerOptions options = {})
      : store_(store), clock_(clock), options_(options) {}
  ~Scheduler() { Stop(); }
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Issues every card due at the clock's now. Returns the number of cards issued.
  Result<int64_t> Tick();

  // Ticks every `interval` on a background thread until Stop(). Errors are logged to stderr
  // and retried on the next tick.
  void Start();
  void Stop();

 private:
  storage::Store& store_;
  const Clock& clock_;
  SchedulerOptions options_;
  std::mutex tick_mu_;  // one tick at a time

  Periodic thread_;
};

}  // namespace jiesu::service
