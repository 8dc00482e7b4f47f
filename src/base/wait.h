// Waiting for a callback: the blocking form of a function that answers through a callback.
#pragma once

#include <future>
#include <utility>

namespace jiesu {

// Calls `start` with a callback taking a T, waits until that callback has been called (on any
// thread), and returns what it was given. The callback must be called exactly once.
template <typename T, typename Start>
T WaitFor(Start&& start) {
  std::promise<T> promise;
  std::future<T> result = promise.get_future();
  std::forward<Start>(start)([&promise](T value) { promise.set_value(std::move(value)); });
  return result.get();
}

}  // namespace jiesu
