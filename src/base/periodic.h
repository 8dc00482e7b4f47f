// A background thread that runs a function at once and then every `interval` until Stop() (or
// destruction); Stop() wakes it from its wait and joins it. For the deadline scheduler and the
// early-warning detectors.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/time.h"

namespace jiesu {

class Periodic {
 public:
  Periodic() = default;
  ~Periodic() { Stop(); }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Does nothing when already running. `name` names the thread (see NameThisThread).
  void Start(const std::string& name, Millis interval, std::function<void()> fn);
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jiesu
