// Helpers for the text tests: one normaliser per test binary, and where the shared data is.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "text/normalize.h"

namespace jiesu::text {

inline std::shared_ptr<const Normalizer> TestNormalizer() {
  static auto n = Normalizer::Create();
  return n.value();
}

// ../shared/data beside the repository, or JIESU_DATA_DIR.
inline std::filesystem::path SharedDataDir() {
  const char* env = std::getenv("JIESU_DATA_DIR");
  return env ? std::filesystem::path(env)
             : std::filesystem::path(JIESU_SOURCE_DIR "/../shared/data");
}

}  // namespace jiesu::text
