#include "api/rate_limit.h"

#include <algorithm>

namespace jiesu::api {

int64_t RateLimiter::Take(const std::string& key, TimePoint now) {
  std::lock_guard lock(mu_);
  if (now - last_sweep_ >= window_) {
    std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start >= window_; });
    last_sweep_ = now;
  }
  Window& w = windows_[key];
  if (w.count == 0 || now - w.start >= window_) {
    w.start = now;
    w.count = 0;
  }
  if (w.count >= limit_) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(w.start + window_ - now);
    return std::max<int64_t>(1, left.count());
  }
  ++w.count;
  return 0;
}

}  // namespace jiesu::api
