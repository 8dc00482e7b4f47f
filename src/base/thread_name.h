// Names the calling thread as `top -H`, `perf` and /proc/<pid>/task/<tid>/comm show it (Linux
// keeps at most 15 bytes; longer names are cut). The benchmarks add up CPU time by these names.
#pragma once

#include <pthread.h>

#include <string>

namespace jiesu {

inline void NameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace jiesu
