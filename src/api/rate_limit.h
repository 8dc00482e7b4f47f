// Request counts per key (an address, an account) in fixed windows, for the public endpoints'
// limits (SPEC §9). Memory: one entry per key seen in the current window; older ones are
// dropped as the map is walked. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/time.h"

namespace jiesu::api {

class RateLimiter {
 public:
  RateLimiter(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  // Counts a request of `key` at `now`: 0 when it is allowed, else the seconds until the
  // window ends (for Retry-After).
  int64_t Take(const std::string& key, TimePoint now);

 private:
  struct Window {
    TimePoint start{};
    int count = 0;
  };
  const int limit_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
  TimePoint last_sweep_{};
};

}  // namespace jiesu::api
