// make bench-scores: unit evaluation at city scale. With 10 million closed orders (2025) and
// 1 million open legs (2026-01-01..02-10) in the store, measures
//   - one month's scores for every unit of the demo jurisdiction (Evaluator::Month),
//   - the deadline scheduler's tick when nothing is due (Scheduler::Tick),
//   - a unit's drill-down page over HTTP (GET /api/v1/scores/{unit}/orders, 100 rows).
// The database is generated once into build/bench-data and reused. It holds exactly the rows
// these paths read — the evaluation facts (score_legs, score_visits) in the shape
// domain::FactsOf produces, and one timer per open order — written in bulk; the orders' event
// log, which none of the measured paths reads, is not generated (it would be ~25 GB).
// Ends with one name=value line per figure.
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "app/app.h"
#include "config/loader.h"
#include "http_client.h"
#include "service/evaluation.h"
#include "service/scheduler.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using namespace jiesu;

struct Args {
  int64_t closed = 10'000'000;
  int64_t open = 1'000'000;
  std::string month = "2025-06";
  int ticks = 2000;
  int drills = 500;
  std::string dir = "build/bench-data";
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--closed") {
      a.closed = std::stoll(v);
    } else if (k == "--open") {
      a.open = std::stoll(v);
    } else if (k == "--month") {
      a.month = v;
    } else if (k == "--ticks") {
      a.ticks = std::stoi(v);
    } else if (k == "--drills") {
      a.drills = std::stoi(v);
    } else if (k == "--dir") {
      a.dir = v;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s: %s\n", sql, err);
    std::exit(1);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s: %s\n", sql, sqlite3_errmsg(db));
    std::exit(1);
  }
  return st;
}

void Step(sqlite3* db, sqlite3_stmt* st) {
  if (sqlite3_step(st) != SQLITE_DONE) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_reset(st);
}

int64_t Ms(const char* rfc3339) { return ToUnixMillis(*ParseRfc3339(rfc3339)); }

// How many orders each unit leads: districts most, then utilities, departments, streets.
std::vector<double> UnitWeights(const domain::Jurisdiction& j) {
  std::vector<double> w;
  for (const auto& u : j.units.all()) {
    switch (u.unit_class) {
      case domain::UnitClass::kDistrict:
        w.push_back(40);
        break;
      case domain::UnitClass::kStreet:
        w.push_back(1);
        break;
      case domain::UnitClass::kCityDepartment:
        w.push_back(8);
        break;
      case domain::UnitClass::kStateEnterprise:
        w.push_back(15);
        break;
    }
  }
  double sum = 0;
  for (double x : w) sum += x;
  for (double& x : w) x /= sum;
  return w;
}

// Fills score_legs, score_visits and timers in bulk, unit by unit in key order.
void Generate(const std::string& path, const domain::Jurisdiction& j, const Args& a) {
  {
    auto s = storage::sqlite::SqliteStore::Open({path, 1, 16});  // creates the schema
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.error().ToString().c_str());
      std::exit(1);
    }
  }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  Exec(db, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;");
  Exec(db,
       "DROP INDEX score_legs_order; DROP INDEX score_visits_order; DROP INDEX timers_fire;"
       "BEGIN");
  sqlite3_stmt* leg = Prepare(db, R"sql(
INSERT INTO score_legs (unit_id, dispatched_at, order_id, leg, role, state, sign_due, contact_due,
                        reply_due, signed_at, contacted_at, replied_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql");
  sqlite3_stmt* visit = Prepare(db, R"sql(
INSERT INTO score_visits (unit_id, at, order_id, contacted, solved, satisfaction,
                          first_satisfaction, reopen_count)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql");
  sqlite3_stmt* timer = Prepare(db, "INSERT INTO timers (order_id, fire_at) VALUES (?1, ?2)");

  std::mt19937_64 rng(20260210);
  auto uni = [&](double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng); };
  constexpr int64_t kHour = 3'600'000, kDay = 24 * kHour;
  const int64_t closed_from = Ms("2025-01-01T00:00:00+08:00");
  const int64_t closed_to = Ms("2026-01-01T00:00:00+08:00");
  const int64_t open_from = closed_to;
  const int64_t open_to = Ms("2026-02-10T00:00:00+08:00");
  const auto weights = UnitWeights(j);
  const auto& units = j.units.all();
  int64_t next_closed = 1, next_open = a.closed + 1, legs = 0, visits = 0, timers = 0;
  const char* sats[] = {"satisfied", "basically_satisfied", "unsatisfied"};
  const auto start = Steady::now();
  for (size_t u = 0; u < units.size(); ++u) {
    const std::string& unit = units[u].id;
    const double quality = uni(0.6, 0.98);
    for (int pass = 0; pass < 2; ++pass) {  // closed orders (2025), then open ones (2026)
      const bool open = pass == 1;
      const int64_t n = static_cast<int64_t>(weights[u] * static_cast<double>(open ? a.open : a.closed) + 0.5);
      std::vector<int64_t> times(static_cast<size_t>(n));
      for (auto& t : times) {
        t = open ? open_from + static_cast<int64_t>(uni(0, 1) * static_cast<double>(open_to - open_from))
                 : closed_from +
                       static_cast<int64_t>(uni(0, 1) * static_cast<double>(closed_to - closed_from));
      }
      std::sort(times.begin(), times.end());
      for (int64_t t : times) {
        const int64_t id = open ? next_open++ : next_closed++;
        const bool punctual = uni(0, 1) < quality;
        const bool returned = !open && uni(0, 1) < 0.03;
        const int64_t sign_due = t + kDay, contact_due = t + kDay, reply_due = t + 9 * kDay;
        sqlite3_bind_text(leg, 1, unit.data(), static_cast<int>(unit.size()), SQLITE_STATIC);
        sqlite3_bind_int64(leg, 2, t);
        sqlite3_bind_int64(leg, 3, id);
        sqlite3_bind_int64(leg, 4, 1);
        sqlite3_bind_text(leg, 5, "lead", -1, SQLITE_STATIC);
        sqlite3_bind_text(leg, 6, open ? "handling" : returned ? "returned" : "replied", -1,
                          SQLITE_STATIC);
        sqlite3_bind_int64(leg, 7, sign_due);
        sqlite3_bind_int64(leg, 8, contact_due);
        sqlite3_bind_int64(leg, 9, reply_due);
        const int64_t signed_at = t + (punctual ? kHour : 30 * kHour);
        const int64_t replied_at = t + (punctual ? 3 * kDay : 12 * kDay);
        if (returned) {
          sqlite3_bind_null(leg, 10);
          sqlite3_bind_null(leg, 11);
        } else {
          sqlite3_bind_int64(leg, 10, signed_at);
          sqlite3_bind_int64(leg, 11, signed_at + kHour);
        }
        if (open || returned) {
          sqlite3_bind_null(leg, 12);
        } else {
          sqlite3_bind_int64(leg, 12, replied_at);
        }
        Step(db, leg);
        ++legs;
        if (open) {
          sqlite3_bind_int64(timer, 1, id);
          sqlite3_bind_int64(timer, 2, open_to + kHour + static_cast<int64_t>(uni(0, 20) * kDay));
          Step(db, timer);
          ++timers;
        } else if (!returned && uni(0, 1) < 0.9) {
          const double r = uni(0, 1);
          const char* sat = r < quality ? sats[0] : r < quality + (1 - quality) / 2 ? sats[1] : sats[2];
          sqlite3_bind_text(visit, 1, unit.data(), static_cast<int>(unit.size()), SQLITE_STATIC);
          sqlite3_bind_int64(visit, 2, replied_at + kDay);
          sqlite3_bind_int64(visit, 3, id);
          sqlite3_bind_int64(visit, 4, 1);
          sqlite3_bind_int64(visit, 5, sat != sats[2] ? 1 : 0);
          sqlite3_bind_text(visit, 6, sat, -1, SQLITE_STATIC);
          sqlite3_bind_text(visit, 7, sat, -1, SQLITE_STATIC);
          sqlite3_bind_int64(visit, 8, uni(0, 1) < 0.03 ? 1 : 0);
          Step(db, visit);
          ++visits;
        }
      }
    }
  }
  sqlite3_finalize(leg);
  sqlite3_finalize(visit);
  sqlite3_finalize(timer);
  Exec(db, "COMMIT");
  std::printf("generated %lld leg facts, %lld visit facts, %lld timers in %.0f s; indexing…\n",
              static_cast<long long>(legs), static_cast<long long>(visits),
              static_cast<long long>(timers), Seconds(start));
  std::fflush(stdout);
  Exec(db,
       "CREATE INDEX score_legs_order ON score_legs(order_id);"
       "CREATE INDEX score_visits_order ON score_visits(order_id);"
       "CREATE INDEX timers_fire ON timers(fire_at);"
       "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('bench_scores_ready', 1);"
       "PRAGMA journal_mode=WAL;");
  sqlite3_close(db);
  std::printf("database ready in %.0f s\n", Seconds(start));
}

bool Ready(const std::string& path) {
  if (!fs::exists(path)) return false;
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  bool ready = false;
  if (sqlite3_prepare_v2(db, "SELECT value FROM store_meta WHERE key = 'bench_scores_ready'", -1,
                         &st, nullptr) == SQLITE_OK) {
    ready = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 1;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return ready;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = ParseArgs(argc, argv);
  const std::string config = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
  auto j = config::LoadJurisdiction(config);
  if (!j.ok()) {
    std::fprintf(stderr, "%s\n", j.error().message.c_str());
    return 1;
  }
  fs::create_directories(a.dir);
  const std::string path = (fs::path(a.dir) / ("scores-" + std::to_string(a.closed) + "-" +
                                               std::to_string(a.open) + ".db"))
                               .string();
  if (!Ready(path)) {
    fs::remove(path);
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
    Generate(path, *j, a);
  }

  app::AppOptions o;
  o.config_dir = config;
  o.db_path = path;
  o.server.port = 0;
  o.scheduler = false;  // the bench drives a scheduler of its own, on its own clock
  o.auth.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.auth.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  auto app = app::App::Create(o);
  if (!app.ok()) {
    std::fprintf(stderr, "%s\n", app.error().ToString().c_str());
    return 1;
  }
  std::ostringstream seed_log;
  if (auto s = (*app)->SeedDemo(seed_log); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().ToString().c_str());
    return 1;
  }
  ManualClock clock(*ParseRfc3339("2026-02-10T00:00:00+08:00"));
  service::Evaluator evaluator((*app)->store(), *j, clock);
  const domain::Actor analyst{0, "bench", "analyst", ""};

  // 1. One month's scores for every unit: one cold run, then three warm ones.
  std::vector<double> runs;
  int64_t facts = 0;
  for (int i = 0; i < 4; ++i) {
    const auto t0 = Steady::now();
    auto m = evaluator.Month(analyst, a.month);
    const double s = Seconds(t0);
    if (!m.ok()) {
      std::fprintf(stderr, "%s\n", m.error().ToString().c_str());
      return 1;
    }
    if (i == 0) {
      for (const auto& u : m->units) {
        facts += u[domain::Metric::kReturn].denominator + u[domain::Metric::kResolution].denominator;
      }
      std::printf("month %s: %zu units, %lld facts; cold run %.3f s\n", a.month.c_str(),
                  m->units.size(), static_cast<long long>(facts), s);
    } else {
      runs.push_back(s);
    }
  }
  const double month_s = Percentile(runs, 0.5);
  std::printf("month scores, warm: %.3f / %.3f / %.3f s\n", runs[0], runs[1], runs[2]);

  // 2. The scheduler's tick with a million open legs and nothing due.
  service::Scheduler scheduler((*app)->store(), clock);
  std::vector<double> ticks;
  for (int i = 0; i < a.ticks; ++i) {
    const auto t0 = Steady::now();
    auto n = scheduler.Tick();
    ticks.push_back(Seconds(t0) * 1000);
    if (!n.ok() || *n != 0) {
      std::fprintf(stderr, "scheduler tick issued cards or failed\n");
      return 1;
    }
  }
  const double tick_p50 = Percentile(ticks, 0.5), tick_p99 = Percentile(ticks, 0.99);
  std::printf("scheduler idle tick (%zu ticks): p50 %.3f ms, p99 %.3f ms\n", ticks.size(),
              tick_p50, tick_p99);

  // 3. Drill-down pages over HTTP: half for the ten largest units, half for any unit.
  auto port = (*app)->Start();
  if (!port.ok()) {
    std::fprintf(stderr, "%s\n", port.error().ToString().c_str());
    return 1;
  }
  testing::Client c(*port);
  auto login = c.Post("/api/v1/auth/login", R"({"username":"analyst1","password":"jiesu-demo"})");
  c.set_token(std::string(login.json().at("token").as_string()));
  std::vector<std::string> big, all;
  {
    const auto w = UnitWeights(*j);
    std::vector<size_t> idx(w.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](size_t x, size_t y) { return w[x] > w[y]; });
    for (size_t i = 0; i < idx.size(); ++i) {
      all.push_back(j->units.all()[idx[i]].id);
      if (i < 10) big.push_back(all.back());
    }
  }
  const char* metrics[] = {"response", "timely_sign", "on_time_reply", "return",
                           "resolution", "satisfaction", "reopen", "late_reply"};
  std::mt19937_64 rng(7);
  std::vector<double> drills;
  int64_t rows = 0;
  for (int i = 0; i < a.drills; ++i) {
    const std::string& unit = i % 2 == 0 ? big[rng() % big.size()] : all[rng() % all.size()];
    const std::string url = "/api/v1/scores/" + unit + "/orders?period=" + a.month +
                            "&metric=" + metrics[rng() % 8] +
                            (i % 3 == 0 ? "&passed=false" : "") + "&limit=100";
    const auto t0 = Steady::now();
    auto r = c.Get(url);
    drills.push_back(Seconds(t0) * 1000);
    if (r.status != 200) {
      std::fprintf(stderr, "%s: %d %s\n", url.c_str(), r.status, r.body.c_str());
      return 1;
    }
    rows += r.json().at("total_rows").as_int64();
  }
  (*app)->Stop();
  const double drill_p50 = Percentile(drills, 0.5), drill_p99 = Percentile(drills, 0.99);
  std::printf("drill-down pages (%zu, %.0f rows behind each on average): p50 %.2f ms, p99 %.2f ms\n",
              drills.size(), static_cast<double>(rows) / static_cast<double>(drills.size()),
              drill_p50, drill_p99);

  std::printf("closed_orders=%lld\n", static_cast<long long>(a.closed));
  std::printf("open_legs=%lld\n", static_cast<long long>(a.open));
  std::printf("month_facts=%lld\n", static_cast<long long>(facts));
  std::printf("scores_month_s=%.3f\n", month_s);
  std::printf("scheduler_idle_tick_ms=%.3f\n", tick_p99);
  std::printf("drilldown_p99_ms=%.2f\n", drill_p99);
  return 0;
}
