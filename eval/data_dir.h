// Where the evaluations find the shared real data: $JIESU_DATA_DIR, else ../shared/data beside
// the source tree. An evaluation whose file is missing prints why and exits 0, so a fresh clone
// without the data still passes.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace jiesu::eval {

inline std::filesystem::path DataDir() {
  const char* env = std::getenv("JIESU_DATA_DIR");
  return env ? std::filesystem::path(env)
             : std::filesystem::path(JIESU_SOURCE_DIR) / ".." / "shared" / "data";
}

// True (after printing the reason to skip) when `file` does not exist.
inline bool SkipWithout(const std::filesystem::path& file) {
  if (std::filesystem::exists(file)) return false;
  std::printf("skipped: %s not found (set JIESU_DATA_DIR to the shared data folder)\n",
              file.c_str());
  return true;
}

}  // namespace jiesu::eval
