// make bench-analytics: governance data at scale. So far: importing the whole Boston 311 2015
// file (121,145 cases, gzip CSV) through config/import/boston311-2015.yaml into a fresh,
// durable store (`jiesu import`'s code path, default writers). Needs ../shared/data (or
// JIESU_DATA_DIR); skips with a message otherwise. Ends with name=value lines.
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "config/loader.h"
#include "importer/importer.h"
#include "storage/sqlite/sqlite_store.h"

int main() {
  namespace fs = std::filesystem;
  using namespace jiesu;
  const std::string src = JIESU_SOURCE_DIR;
  const fs::path data = std::getenv("JIESU_DATA_DIR") ? fs::path(std::getenv("JIESU_DATA_DIR"))
                                                      : fs::path(src) / ".." / "shared" / "data";
  const fs::path file = data / "boston311-2015" / "boston311_2015_all_types_except5.csv.gz";
  if (!fs::exists(file)) {
    std::printf("skipped: %s not found (set JIESU_DATA_DIR)\n", file.c_str());
    return 0;
  }
  if (sodium_init() < 0) return 1;
  auto j = config::LoadJurisdiction(fs::path(src) / "config" / "demo-boston");
  if (!j.ok()) {
    std::fprintf(stderr, "%s\n", j.error().message.c_str());
    return 1;
  }
  auto m = importer::LoadMapping(src + "/config/import/boston311-2015.yaml", *j);
  if (!m.ok()) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }
  const fs::path dir = fs::path("build") / "bench-data" / "boston-import";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = storage::sqlite::SqliteStore::Open({(dir / "boston.db").string(), 4, 512});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
    return 1;
  }
  service::CallerHasher hasher(std::string(32, 'k'));
  importer::Options o;
  o.rejects_path = (dir / "rejects.csv").string();
  auto sum = importer::Import(**store, *j, hasher, *m, file.string(), o);
  if (!sum.ok()) {
    std::fprintf(stderr, "%s\n", sum.error().ToString().c_str());
    return 1;
  }
  std::printf("Boston 311 2015: %lld rows, %lld imported, %lld rejected in %.1f s (%.0f rows/s)\n",
              static_cast<long long>(sum->rows), static_cast<long long>(sum->imported),
              static_cast<long long>(sum->rejected), sum->seconds,
              static_cast<double>(sum->rows) / sum->seconds);
  std::printf("boston_rows=%lld\n", static_cast<long long>(sum->rows));
  std::printf("boston_import_s=%.1f\n", sum->seconds);
  return 0;
}
