// make bench-analytics: governance data at scale. Three parts, each ending in name=value lines:
//  1. Breakdown on 10 million orders: a 30-day breakdown by category × district from the
//     rollups (Store::QueryRollups) against the best-indexed SQLite GROUP BY over the orders
//     table (a covering index on created_at, category, district), both on the same database,
//     50 random 30-day windows each, warm. The database (orders rows in the store's schema and
//     the rollups those orders give) is generated once into build/bench-data and reused; the
//     orders' event log, which neither query reads, is not generated.
//  2. What keeping the rollups costs intake: durable intake over HTTP (the real server, 64
//     keep-alive clients) with rollups on and off, alternating, the median of --rounds (5)
//     paired runs; and the same for the store alone (64 threads), which is stricter.
//  3. Importing the whole Boston 311 2015 file (121,145 cases) through
//     config/import/boston-2015.yaml into a fresh durable store; needs ../shared/data (or
//     JIESU_DATA_DIR) and is skipped with a message otherwise.
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

#include "app/app.h"
#include "config/loader.h"
#include "domain/lifecycle.h"
#include "domain/rollup.h"
#include "http_client.h"
#include "importer/importer.h"
#include "storage/sqlite/derived.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using namespace jiesu;
using Steady = std::chrono::steady_clock;

double Ms(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1,
                    static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::exit(1);
  }
}

constexpr int64_t kDayMs = 86'400'000;
// Bump when the schema or the generated data change: the database is then generated again.
constexpr int kBenchFormat = 4;

// 10M orders over 2025 (Beijing days), in time order, with the rollups they give.
void Generate(const std::string& path, const domain::Jurisdiction& j, int64_t n) {
  { auto s = storage::sqlite::SqliteStore::Open({path, 1, 16}); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  Exec(db, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF; PRAGMA cache_size=-2000000; BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, R"sql(
INSERT INTO orders (id, code, state, channel, urgency, request_type, category, cat1, cat2, district,
                    street, title, content, address, confidential, caller_hash, created_at,
                    updated_at, reply_due, version)
VALUES (?1, ?2, 'closed', ?3, 'normal', 'complaint', ?4, substr(?4, 1, 2), substr(?4, 1, 4), ?5,
        '', '', '', '', 0, '', ?6, ?6, NULL, 7))sql",
                     -1, &ins, nullptr);
  std::vector<std::string> cats, districts, units, channels;
  for (const auto& c : j.taxonomy.all()) {
    if (c.code.size() >= 4) cats.push_back(c.code);
  }
  for (const auto& [code, a] : j.areas) {
    if (code.size() == 6) districts.push_back(code);
  }
  for (const auto& u : j.units.all()) {
    if (u.unit_class != domain::UnitClass::kStreet) units.push_back(u.id);
  }
  for (auto ch : domain::AllChannels()) channels.emplace_back(domain::Name(ch));
  std::mt19937_64 rng(2025);
  // Skewed like real traffic: a few categories and districts take most requests.
  auto skew = [&](size_t size) {
    const double u = std::uniform_real_distribution<>(0, 1)(rng);
    return static_cast<size_t>(std::pow(u, 2.2) * static_cast<double>(size)) % size;
  };
  std::map<domain::RollupKey, domain::RollupMeasures> daily;
  std::map<std::tuple<int32_t, std::string, std::string>, domain::RollupMeasures> area;
  const int64_t start = ToUnixMillis(*ParseRfc3339("2025-01-01T00:00:00+08:00"));
  const auto t0 = Steady::now();
  for (int64_t id = 1; id <= n; ++id) {
    const int64_t created = start + (id - 1) * (365 * kDayMs) / n;
    const std::string& cat = cats[skew(cats.size())];
    const std::string& dist = districts[skew(districts.size())];
    const std::string& unit = units[skew(units.size())];
    const std::string& ch = channels[skew(channels.size()) % 4];
    const std::string code = "JS" + std::to_string(id);
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_text(ins, 2, code.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, ch.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, cat.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 5, dist.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 6, created);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      std::fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
      std::exit(1);
    }
    sqlite3_reset(ins);
    const int32_t day =
        static_cast<int32_t>(LocalDate(FromUnixMillis(created), 480).time_since_epoch().count());
    domain::RollupMeasures m;
    m.received = 1;
    daily[{day, cat, dist, unit, ch}] += m;
    area[{day, cat, dist}] += m;
  }
  sqlite3_finalize(ins);
  sqlite3_stmt* r1 = nullptr;
  sqlite3_prepare_v2(db, R"sql(
INSERT INTO rollup_daily (day, category, district, unit, channel, received, completed,
                          completed_ms, completed_on_time, b0, b1, b2, b3, b4, b5, b6, b7)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))sql",
                     -1, &r1, nullptr);
  for (const auto& [k, m] : daily) {
    sqlite3_bind_int64(r1, 1, k.day);
    sqlite3_bind_text(r1, 2, k.category.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(r1, 3, k.district.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(r1, 4, k.unit.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(r1, 5, k.channel.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(r1, 6, m.received);
    sqlite3_step(r1);
    sqlite3_reset(r1);
  }
  sqlite3_finalize(r1);
  sqlite3_stmt* r2 = nullptr;
  sqlite3_prepare_v2(db, R"sql(
INSERT INTO rollup_area (day, category, district, received, completed, completed_ms,
                         completed_on_time, b0, b1, b2, b3, b4, b5, b6, b7)
VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))sql",
                     -1, &r2, nullptr);
  for (const auto& [k, m] : area) {
    sqlite3_bind_int64(r2, 1, std::get<0>(k));
    sqlite3_bind_text(r2, 2, std::get<1>(k).c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(r2, 3, std::get<2>(k).c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(r2, 4, m.received);
    sqlite3_step(r2);
    sqlite3_reset(r2);
  }
  sqlite3_finalize(r2);
  // Every order signed the day it came in, two hours after dispatch (bucket "under 4 h"), and
  // replied after 30 hours (bucket "under 3 days"), counted on the day it came in: the legs
  // tables as big as the main ones, so that a breakdown reads what a real city's would.
  for (const bool coarse : {false, true}) {
    sqlite3_stmt* r3 = nullptr;
    sqlite3_prepare_v2(db,
                       coarse
                           ? "INSERT INTO rollup_legs_area VALUES (?1, ?2, ?3, ?4, ?5, 0, ?4, 0, "
                             "0, 0, 0, 0, 0, ?4, ?6, 0, 0, 0, ?4, 0, 0, 0, 0)"
                           : "INSERT INTO rollup_legs_daily VALUES (?1, ?2, ?3, ?7, ?8, ?4, ?5, "
                             "0, ?4, 0, 0, 0, 0, 0, 0, ?4, ?6, 0, 0, 0, ?4, 0, 0, 0, 0)",
                       -1, &r3, nullptr);
    auto put = [&](int32_t day, const std::string& cat, const std::string& dist, int64_t count) {
      sqlite3_bind_int64(r3, 1, day);
      sqlite3_bind_text(r3, 2, cat.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(r3, 3, dist.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int64(r3, 4, count);
      sqlite3_bind_int64(r3, 5, count * 2 * 3'600'000);
      sqlite3_bind_int64(r3, 6, count * 30 * 3'600'000);
    };
    if (coarse) {
      for (const auto& [k, m] : area) {
        put(std::get<0>(k), std::get<1>(k), std::get<2>(k), m.received);
        sqlite3_step(r3);
        sqlite3_reset(r3);
      }
    } else {
      for (const auto& [k, m] : daily) {
        put(k.day, k.category, k.district, m.received);
        sqlite3_bind_text(r3, 7, k.unit.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(r3, 8, k.channel.c_str(), -1, SQLITE_STATIC);
        sqlite3_step(r3);
        sqlite3_reset(r3);
      }
    }
    sqlite3_finalize(r3);
  }
  Exec(db, "COMMIT");
  std::printf(
      "generated %lld orders, %zu daily rollup rows, %zu area rollup rows in %.0f s; indexing\n",
      static_cast<long long>(n), daily.size(), area.size(), Ms(t0) / 1000);
  std::fflush(stdout);
  // The best index for the GROUP BY: covering, range on created_at.
  Exec(db,
       (std::string() +
        "CREATE INDEX bench_orders_created_cat_district ON orders(created_at, category, district);"
        "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('derived_version', " +
        std::to_string(storage::sqlite::kDerivedVersion) +
        ");"
        "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('derived_offset', 480);"
        "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('bench_analytics_ready', " +
        std::to_string(storage::sqlite::kDerivedVersion) +
        ");"
        "PRAGMA journal_mode=WAL;")
           .c_str());
  sqlite3_close(db);
  std::printf("database ready in %.0f s\n", Ms(t0) / 1000);
}

bool Ready(const std::string& path) {
  if (!fs::exists(path)) return false;
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  bool ready = false;
  // Built for the current derivation (else opening it would rebuild the rollups from an event
  // log the generator does not write).
  if (sqlite3_prepare_v2(db, "SELECT value FROM store_meta WHERE key = 'bench_analytics_ready'", -1,
                         &st, nullptr) == SQLITE_OK) {
    ready = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == kBenchFormat;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return ready;
}

void Breakdown(const domain::Jurisdiction& j, int64_t n) {
  const std::string path = "build/bench-data/analytics-" + std::to_string(n) + ".db";
  if (!Ready(path)) {
    fs::remove(path);
    Generate(path, j, n);
  }
  // The breakdown searches neither text nor callers: spare it indexing 10M orders behind it.
  if (auto skipped = storage::sqlite::SqliteStore::SkipIndexing(path); !skipped.ok()) {
    std::fprintf(stderr, "%s\n", skipped.error().ToString().c_str());
    std::exit(1);
  }
  auto store = storage::sqlite::SqliteStore::Open({path, 2, 64});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
    std::exit(1);
  }
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  Exec(db, "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536;");
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, R"sql(
SELECT category, district, count(*) FROM orders WHERE created_at >= ?1 AND created_at < ?2
GROUP BY category, district)sql",
                     -1, &q, nullptr);
  const int32_t first_day = static_cast<int32_t>(
      LocalDate(*ParseRfc3339("2025-01-01T00:00:00+08:00"), 480).time_since_epoch().count());
  std::mt19937_64 rng(30);
  std::vector<double> roll, raw;
  int64_t check_raw = 0, check_roll = 0;
  for (int i = 0; i < 60; ++i) {
    const int32_t from = first_day + static_cast<int32_t>(rng() % 330);
    const int64_t from_ms = ToUnixMillis(StartOfLocalDay(Date(std::chrono::days(from)), 480));
    auto t0 = Steady::now();
    sqlite3_bind_int64(q, 1, from_ms);
    sqlite3_bind_int64(q, 2, from_ms + 30 * kDayMs);
    int64_t total = 0;
    while (sqlite3_step(q) == SQLITE_ROW) total += sqlite3_column_int64(q, 2);
    sqlite3_reset(q);
    const double raw_ms = Ms(t0);
    storage::RollupQuery rq;
    rq.from_day = from;
    rq.to_day = from + 30;
    rq.group_by = {"category", "district"};
    rq.limit = 100000;
    t0 = Steady::now();
    auto groups = (*store)->QueryRollups(rq);
    const double roll_ms = Ms(t0);
    int64_t total2 = 0;
    for (const auto& g : *groups) total2 += g.m.received;
    if (i >= 10) {  // the first ten warm the caches
      raw.push_back(raw_ms);
      roll.push_back(roll_ms);
      check_raw += total;
      check_roll += total2;
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  if (check_raw != check_roll) {
    std::fprintf(stderr, "rollups and GROUP BY disagree: %lld vs %lld\n",
                 static_cast<long long>(check_roll), static_cast<long long>(check_raw));
    std::exit(1);
  }
  const double p95_roll = Percentile(roll, 0.95), p95_raw = Percentile(raw, 0.95);
  std::printf(
      "30-day breakdown by category x district on %lld orders (50 windows, %lld requests "
      "counted, same totals both ways): rollups p50 %.2f ms p95 %.2f ms; SQLite GROUP BY "
      "with a covering index p50 %.1f ms p95 %.1f ms\n",
      static_cast<long long>(n), static_cast<long long>(check_roll), Percentile(roll, 0.5),
      p95_roll, Percentile(raw, 0.5), p95_raw);
  std::printf("breakdown_p95_ms_10m=%.2f\n", p95_roll);
  std::printf("sqlite_groupby_p95_ms_10m=%.1f\n", p95_raw);
  std::printf("breakdown_speedup_vs_sqlite=%.1f\n", p95_raw / p95_roll);
}

double IntakeRate(const domain::Jurisdiction& j, bool rollups, int seconds) {
  const std::string path = "build/bench-data/rollup-intake.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  storage::sqlite::Options o;
  o.path = path;
  o.rollups = rollups;
  auto store = storage::sqlite::SqliteStore::Open(o);
  if (!store.ok()) std::exit(1);
  std::atomic<int64_t> done{0};
  const auto end = Steady::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  const domain::Actor agent{1, "agent1", "agent", ""};
  std::vector<std::string> streets, cats;
  for (const auto& [code, a] : j.areas) {
    if (code.size() == 9) streets.push_back(code);
  }
  for (const auto& c : j.taxonomy.all()) cats.push_back(c.code);
  const auto t0 = Steady::now();
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t));
      while (Steady::now() < end) {
        domain::OrderDraft d;
        d.content = "市民反映小区路灯不亮，夜间出行不便，请尽快处理。";
        d.category = cats[rng() % cats.size()];
        d.location.street_code = streets[rng() % streets.size()];
        const TimePoint now = FromUnixMillis(ToUnixMillis(SystemClock().Now()));
        auto c = (*store)->CreateOrder(std::nullopt, [&](int64_t id) {
          return domain::DecideIntake(id, "B" + std::to_string(id), d, agent,
                                      domain::Context{j, now});
        });
        if (c.ok()) ++done;
      }
    });
  }
  for (auto& th : threads) th.join();
  return static_cast<double>(done.load()) / (Ms(t0) / 1000);
}

// Durable intake over HTTP: the real server, 64 keep-alive clients posting requests.
double HttpIntakeRate(bool rollups, int seconds) {
  const std::string dir = "build/bench-data/rollup-http";
  fs::remove_all(dir);
  fs::create_directories(dir);
  app::AppOptions o;
  o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
  o.db_path = dir + "/j.db";
  o.server.port = 0;
  o.scheduler = false;
  o.rollups = rollups;
  o.auth.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.auth.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  auto app = app::App::Create(o);
  if (!app.ok()) std::exit(1);
  std::ostringstream log;
  if (!(*app)->SeedDemo(log).ok()) std::exit(1);
  auto port = (*app)->Start();
  if (!port.ok()) std::exit(1);
  std::string token;
  {
    testing::Client c(*port);
    auto r = c.Post("/api/v1/auth/login", R"({"username":"agent1","password":"jiesu-demo"})");
    token = std::string(r.json().at("token").as_string());
  }
  std::atomic<int64_t> done{0};
  const auto t0 = Steady::now();
  const auto end = t0 + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      testing::Client c(*port);
      c.set_token(token);
      int i = 0;
      while (Steady::now() < end) {
        const std::string body =
            R"({"channel":"phone","category":")" + std::string(i % 2 ? "0103" : "0201") +
            R"(","content":"市民反映小区路灯不亮，夜间出行不便，请尽快处理。","location":{"street_code":")" +
            std::string(t % 2 ? "110105001" : "110108001") + R"("}})";
        if (c.Post("/api/v1/orders", body).status == 201) ++done;
        ++i;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double rate = static_cast<double>(done.load()) / (Ms(t0) / 1000);
  (*app)->Stop();
  return rate;
}

void Import(const domain::Jurisdiction& boston, const std::string& src) {
  const fs::path data = std::getenv("JIESU_DATA_DIR") ? fs::path(std::getenv("JIESU_DATA_DIR"))
                                                      : fs::path(src) / ".." / "shared" / "data";
  const fs::path file = data / "boston311-2015" / "boston311_2015_all_types_except5.csv.gz";
  if (!fs::exists(file)) {
    std::printf("Boston import skipped: %s not found (set JIESU_DATA_DIR)\n", file.c_str());
    return;
  }
  auto m = importer::LoadMapping(src + "/config/import/boston-2015.yaml", boston);
  if (!m.ok()) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    std::exit(1);
  }
  const fs::path dir = fs::path("build") / "bench-data" / "boston-import";
  fs::remove_all(dir);
  fs::create_directories(dir);
  storage::sqlite::Options o;
  o.path = (dir / "boston.db").string();
  o.utc_offset_minutes = boston.utc_offset_minutes;
  auto store = storage::sqlite::SqliteStore::Open(o);
  if (!store.ok()) std::exit(1);
  importer::Options io;
  io.rejects_path = (dir / "rejects.csv").string();
  auto sum = importer::Import(**store, boston, *m, file.string(), io);
  if (!sum.ok()) {
    std::fprintf(stderr, "%s\n", sum.error().ToString().c_str());
    std::exit(1);
  }
  std::printf("Boston 311 2015: %lld rows, %lld imported, %lld rejected in %.1f s (%.0f rows/s)\n",
              static_cast<long long>(sum->rows), static_cast<long long>(sum->imported),
              static_cast<long long>(sum->rejected), sum->seconds,
              static_cast<double>(sum->rows) / sum->seconds);
  std::printf("boston_import_s=%.1f\n", sum->seconds);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t orders = 10'000'000;
  bool only_breakdown = false, skip_breakdown = false;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--orders" && i + 1 < argc) orders = std::stoll(argv[++i]);
    if (a == "--rounds" && i + 1 < argc) rounds = std::max(1, std::stoi(argv[++i]));
    if (a == "--breakdown-only") only_breakdown = true;
    if (a == "--skip-breakdown") skip_breakdown = true;
  }
  if (sodium_init() < 0) return 1;
  const std::string src = JIESU_SOURCE_DIR;
  auto beijing = config::LoadJurisdiction(fs::path(src) / "config" / "demo-beijing");
  auto boston = config::LoadJurisdiction(fs::path(src) / "config" / "demo-boston");
  if (!beijing.ok() || !boston.ok()) {
    std::fprintf(stderr, "cannot load the demo configurations\n");
    return 1;
  }
  fs::create_directories("build/bench-data");
  if (!skip_breakdown) Breakdown(*beijing, orders);
  if (only_breakdown) return 0;

  // Intake cost with and without rollups, alternating, over HTTP (the product's intake) and,
  // stricter, the store alone: the median of `rounds` paired runs each, so that one lucky or
  // unlucky run on a shared machine does not decide the figure.
  std::vector<double> ons, offs, store_ons, store_offs;
  for (int round = 0; round < rounds; ++round) {
    offs.push_back(HttpIntakeRate(false, 8));
    ons.push_back(HttpIntakeRate(true, 8));
    store_offs.push_back(IntakeRate(*beijing, false, 8));
    store_ons.push_back(IntakeRate(*beijing, true, 8));
    std::printf("  round %d: HTTP %.0f with rollups, %.0f without; store %.0f with, %.0f without\n",
                round + 1, ons.back(), offs.back(), store_ons.back(), store_offs.back());
  }
  const double on = Percentile(ons, 0.5), off = Percentile(offs, 0.5);
  const double store_on = Percentile(store_ons, 0.5), store_off = Percentile(store_offs, 0.5);
  std::printf(
      "intake over HTTP, 64 connections, durable, median of %d: %.0f orders/s with rollups, %.0f "
      "without\n",
      rounds, on, off);
  std::printf("store alone, 64 threads, durable: %.0f orders/s with rollups, %.0f without\n",
              store_on, store_off);
  std::printf("rollup_intake_overhead_pct=%.1f\n", (off - on) / off * 100);
  std::printf("rollup_store_overhead_pct=%.1f\n", (store_off - store_on) / store_off * 100);

  Import(*boston, src);
  return 0;
}
