#include "base/periodic.h"

#include "base/thread_name.h"

namespace jiesu {

void Periodic::Start(const std::string& name, Millis interval, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, name, interval, fn = std::move(fn)] {
    NameThisThread(name);
    std::unique_lock wait_lock(mu_);
    while (!stopping_) {
      wait_lock.unlock();
      fn();
      wait_lock.lock();
      cv_.wait_for(wait_lock, interval, [&] { return stopping_; });
    }
  });
}

void Periodic::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace jiesu
