// make bench-intake: durable intake over HTTP against the naive one-row-per-transaction
// SQLite baseline measured in the same run, and first-page listing latency on a database of
// a million orders. Ends with one name=value line per figure.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "config/loader.h"
#include "domain/lifecycle.h"
#include "http_client.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using namespace jiesu;

struct Args {
  int seconds = 15;
  int connections = 64;
  int64_t list_orders = 1'000'000;
  int list_queries = 2000;
  int io_threads = 0;  // as jiesu serve: api::DefaultIoThreads
  int handler_threads = 64;
  std::string dir = "build/bench-data";
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; i += 2) {
    const std::string k = argv[i];
    if (i + 1 == argc) {
      std::fprintf(stderr,
                   "usage: intake_bench [--seconds N] [--connections N] [--list-orders N] "
                   "[--list-queries N] [--dir PATH] [--io-threads N] [--handler-threads N]\n%s\n",
                   k == "--help" ? "" : ("flag " + k + " needs a value").c_str());
      std::exit(2);
    }
    const std::string v = argv[i + 1];
    if (k == "--seconds")
      a.seconds = std::stoi(v);
    else if (k == "--connections")
      a.connections = std::stoi(v);
    else if (k == "--list-orders")
      a.list_orders = std::stoll(v);
    else if (k == "--list-queries")
      a.list_queries = std::stoi(v);
    else if (k == "--dir")
      a.dir = v;
    else if (k == "--io-threads")
      a.io_threads = std::stoi(v);
    else if (k == "--handler-threads")
      a.handler_threads = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// Synthetic but realistic requests: real districts and streets of the demo jurisdiction,
// real categories, Chinese text of median 12345 length.
class Generator {
 public:
  Generator(const domain::Jurisdiction& j, uint64_t seed) : rng_(seed) {
    for (const auto& [code, area] : j.areas) {
      if (code.size() == 9) streets_.push_back(code);
    }
    for (const auto& c : j.taxonomy.all()) categories_.push_back(c.code);
  }
  std::string Street() { return streets_[rng_() % streets_.size()]; }
  std::string Category() { return categories_[rng_() % categories_.size()]; }
  std::string Content() {
    static const char* kWhat[] = {"暖气不热，室温只有十四度",   "夜间施工噪音扰民",
                                  "路灯连续多日不亮",           "小区垃圾清运不及时",
                                  "自来水水压低，高层无法用水", "共享单车乱停占用盲道",
                                  "物业公司拒不维修电梯",       "餐馆油烟直排影响居民",
                                  "公交站牌信息错误",           "拖欠农民工工资三个月"};
    static const char* kAsk[] = {"请相关部门尽快处理。", "希望尽快解决，家中有老人小孩。",
                                 "已多次反映未解决，请督促落实。", "请派人现场查看并答复。"};
    std::string s = "市民来电反映：";
    s += std::to_string(rng_() % 40 + 1) + "号楼附近";
    s += kWhat[rng_() % 10];
    s += "，已经持续" + std::to_string(rng_() % 20 + 1) + "天，";
    s += "影响周边居民正常生活和出行安全，周围住户意见很大，之前也向社区反映过但没有明显改善。";
    s += kAsk[rng_() % 4];
    return s;
  }
  // Written out directly (every part is a code, digits or fixed text that needs no escaping):
  // the load generator shares the two cores with the server, and building a boost::json
  // object per request cost it ~2 µs.
  std::string IntakeJson() {
    std::string s = R"({"channel":"phone","request_type":"complaint","category":")";
    s += Category();
    s += R"(","content":")";
    s += Content();
    s += R"(","caller":{"name":"市民","phone":"138)";
    s += std::to_string(10000000 + rng_() % 89999999);
    s += R"("},"location":{"street_code":")";
    s += Street();
    s += R"("}})";
    return s;
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> streets_;
  std::vector<std::string> categories_;
};

// The naive design: one durable transaction per inserted row, one connection.
double NaiveInsertsPerSecond(const fs::path& dir, const std::string& sample_json, int seconds) {
  const std::string path = (dir / "naive.db").string();
  fs::remove(path);
  fs::remove(path + "-wal");
  fs::remove(path + "-shm");
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE orders (id INTEGER PRIMARY KEY, created_at INTEGER, body TEXT)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO orders (created_at, body) VALUES (?1, ?2)", -1, &st, nullptr);
  int64_t n = 0;
  const auto start = Steady::now();
  const auto end = start + std::chrono::seconds(seconds);
  while (Steady::now() < end) {
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_text(st, 2, sample_json.data(), static_cast<int>(sample_json.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) break;
    sqlite3_reset(st);
    ++n;
  }
  const double secs = std::chrono::duration<double>(Steady::now() - start).count();
  sqlite3_finalize(st);
  sqlite3_close(db);
  return static_cast<double>(n) / secs;
}

struct LoadResult {
  double rate = 0, p50 = 0, p99 = 0;
  int64_t ok = 0, failed = 0;
};

// One request of the load: what to send and the status that counts as success.
struct Request {
  std::string method;
  std::string target;
  std::string body;
  int expect;
};

// One keep-alive client of the load: a non-blocking socket and the request it is waiting on.
struct Connection {
  int fd = -1;
  std::shared_ptr<Generator> gen;
  std::string out;  // bytes of the current request not yet sent
  size_t sent = 0;
  std::string in;  // bytes of the response received so far
  int expect = 0;
  Steady::time_point t0;
};

// The status and total length (head + body) of the HTTP/1.1 response at the start of `in`,
// or length 0 while it is incomplete. The server always answers with Content-Length.
std::pair<int, size_t> ParseResponse(const std::string& in) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos || in.size() < 12) return {0, 0};
  const int status = std::atoi(in.c_str() + 9);  // "HTTP/1.1 201 Created"
  size_t length = 0;
  for (size_t line = in.find("\r\n") + 2; line < head_end;) {
    const size_t eol = in.find("\r\n", line);
    static constexpr std::string_view kName = "content-length:";
    if (eol - line > kName.size() &&
        std::equal(
            kName.begin(), kName.end(), in.begin() + static_cast<std::ptrdiff_t>(line),
            [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
      length = std::strtoull(in.c_str() + line + kName.size(), nullptr, 10);
    }
    line = eol + 2;
  }
  const size_t total = head_end + 4 + length;
  return {status, in.size() >= total ? total : 0};
}

// Runs `connections` keep-alive clients for `seconds`, each sending the requests `next` makes,
// one at a time. Like wrk, the clients are plain non-blocking sockets driven by one epoll loop
// on one thread, so the load generator costs the shared cores as little as it can: 64
// blocking client threads took about a fifth of them, most of it in context switches, and
// Beast's coroutines and message objects 22-27 µs of CPU per request.
LoadResult Load(unsigned short port, const std::string& token, int connections, int seconds,
                const std::function<std::shared_ptr<Generator>(int)>& make_generator,
                const std::function<Request(Generator&)>& next) {
  int64_t ok = 0, failed = 0;
  std::vector<double> latencies;
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Connection> conns(static_cast<size_t>(connections));
  const auto start = Steady::now();
  const auto end = start + std::chrono::seconds(seconds);
  // Sends what is left of the request; false when the connection is gone.
  auto flush = [&](Connection& c) {
    while (c.sent < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN;
      c.sent += static_cast<size_t>(n);
    }
    return true;
  };
  auto issue = [&](Connection& c) {
    Request r = next(*c.gen);
    c.out = r.method + " " + r.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
            token + "\r\n";
    if (!r.body.empty()) {
      c.out +=
          "Content-Type: application/json\r\nContent-Length: " + std::to_string(r.body.size()) +
          "\r\n";
    }
    c.out += "\r\n";
    c.out += r.body;
    c.sent = 0;
    c.expect = r.expect;
    c.t0 = Steady::now();
    return flush(c);
  };
  auto drop = [&](Connection& c) {
    ++failed;  // the connection is gone: this client stops
    ::close(c.fd);
    c.fd = -1;
  };
  int open = 0;
  for (int t = 0; t < connections; ++t) {
    Connection& c = conns[static_cast<size_t>(t)];
    c.gen = make_generator(t);
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      drop(c);
      continue;
    }
    const int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u32 = static_cast<uint32_t>(t);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    if (!issue(c)) {
      drop(c);
      continue;
    }
    ++open;
  }
  std::vector<epoll_event> events(static_cast<size_t>(std::max(1, connections)));
  char chunk[64 * 1024];
  while (open > 0) {
    if (Steady::now() > end + std::chrono::seconds(30)) {
      // A server that stopped answering: what is still waiting counts as failed.
      for (Connection& c : conns) {
        if (c.fd >= 0) drop(c);
      }
      break;
    }
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
    for (int i = 0; i < n; ++i) {
      Connection& c = conns[events[static_cast<size_t>(i)].data.u32];
      if (c.fd < 0) continue;
      if (!flush(c)) {
        drop(c);
        --open;
        continue;
      }
      bool alive = true;
      while (alive) {
        const ssize_t got = ::recv(c.fd, chunk, sizeof chunk, 0);
        if (got < 0 && errno == EAGAIN) break;
        if (got <= 0) {
          alive = false;
          break;
        }
        c.in.append(chunk, static_cast<size_t>(got));
        for (auto [status, length] = ParseResponse(c.in); length > 0;
             std::tie(status, length) = ParseResponse(c.in)) {
          c.in.erase(0, length);
          if (status == c.expect) {
            ++ok;
            latencies.push_back(
                std::chrono::duration<double, std::milli>(Steady::now() - c.t0).count());
          } else {
            ++failed;
          }
          if (Steady::now() >= end) {
            ::close(c.fd);
            c.fd = -1;
            --open;
            alive = false;
            break;
          }
          if (!issue(c)) {
            alive = false;
            break;
          }
        }
        // One request is out at a time: with its predecessor's response read whole, nothing
        // more can be waiting, and its own response raises a new edge. (Receiving again only
        // to see EAGAIN cost a system call per request.)
        if (c.in.empty()) break;
      }
      if (!alive && c.fd >= 0) {
        drop(c);
        --open;
      }
    }
  }
  ::close(ep);
  const double secs = std::chrono::duration<double>(Steady::now() - start).count();
  LoadResult r;
  r.ok = ok;
  r.failed = failed;
  r.rate = static_cast<double>(r.ok) / secs;
  r.p50 = Percentile(latencies, 0.50);
  r.p99 = Percentile(latencies, 0.99);
  return r;
}

// CPU seconds used so far by each of this process's threads, added up by thread name (see
// NameThisThread). The main thread drives the load and is "client"; threads nobody named carry
// the program's name.
std::map<std::string, double> CpuByThread() {
  std::map<std::string, double> out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  const std::string self = std::to_string(getpid());
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream stat_file(task.path() / "stat");
    std::string stat;
    std::getline(stat_file, stat);
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    // After the name: field 3 (state) onwards; utime and stime are fields 14 and 15.
    std::istringstream rest(stat.substr(close + 1));
    std::vector<std::string> fields;
    for (std::string f; rest >> f;) fields.push_back(f);
    if (fields.size() < 13) continue;
    std::string name = "client";
    if (task.path().filename() != self) {
      std::ifstream comm(task.path() / "comm");
      std::getline(comm, name);
    }
    out[name] += (std::stod(fields[11]) + std::stod(fields[12])) / tick;
  }
  return out;
}

app::AppOptions Options(const fs::path& db, const Args& a) {
  app::AppOptions o;
  o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
  o.db_path = db.string();
  o.server.port = 0;
  o.server.io_threads = a.io_threads;
  o.server.handler_threads = a.handler_threads;
  o.auth.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.auth.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  return o;
}

std::string Login(unsigned short port, const char* user) {
  testing::Client c(port);
  auto r = c.Post("/api/v1/auth/login",
                  std::string("{\"username\":\"") + user + "\",\"password\":\"jiesu-demo\"}");
  return std::string(r.json().at("token").as_string());
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = ParseArgs(argc, argv);
  fs::create_directories(a.dir);
  auto jurisdiction =
      config::LoadJurisdiction(std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing");
  if (!jurisdiction.ok()) {
    std::fprintf(stderr, "%s\n", jurisdiction.error().message.c_str());
    return 1;
  }
  Generator sample(*jurisdiction, 1);

  // 1. The naive baseline.
  const double naive = NaiveInsertsPerSecond(a.dir, sample.IntakeJson(), std::min(a.seconds, 10));
  std::printf("naive: one durable SQLite transaction per row, 1 connection: %.0f inserts/s\n",
              naive);

  // 2. Durable intake over HTTP with `connections` concurrent keep-alive clients, then the HTTP
  //    floor of the same server: an authenticated GET that touches no store.
  LoadResult intake, floor;
  std::map<std::string, double> cpu_before, cpu_after;
  {
    const fs::path db = fs::path(a.dir) / "intake.db";
    for (const char* suffix : {"", "-wal", "-shm", ".key", ".index", ".index-wal", ".index-shm"})
      fs::remove(db.string() + suffix);
    auto app = app::App::Create(Options(db, a));
    if (!app.ok()) {
      std::fprintf(stderr, "%s\n", app.error().ToString().c_str());
      return 1;
    }
    std::ostringstream ignore;
    if (!(*app)->SeedDemo(ignore).ok()) return 1;
    auto port = (*app)->Start();
    if (!port.ok()) return 1;
    const std::string token = Login(*port, "agent1");
    cpu_before = CpuByThread();
    intake = Load(
        *port, token, a.connections, a.seconds,
        [&](int t) {
          return std::make_shared<Generator>(*jurisdiction, 100 + static_cast<uint64_t>(t));
        },
        [](Generator& gen) {
          return Request{"POST", "/api/v1/orders", gen.IntakeJson(), 201};
        });
    cpu_after = CpuByThread();
    std::printf("intake over HTTP, %d connections, %ds: %lld created, %lld failed\n", a.connections,
                a.seconds, static_cast<long long>(intake.ok),
                static_cast<long long>(intake.failed));
    floor = Load(
        *port, token, a.connections, std::min(a.seconds, 5),
        [&](int t) { return std::make_shared<Generator>(*jurisdiction, static_cast<uint64_t>(t)); },
        [](Generator&) {
          return Request{"GET", "/api/v1/me", "", 200};
        });
    std::printf("HTTP floor (GET /api/v1/me), %d connections: %.0f requests/s, p99 %.2f ms\n",
                a.connections, floor.rate, floor.p99);
    (*app)->Stop();
  }
  const double intake_rate = intake.rate, p50 = intake.p50, p99 = intake.p99;

  // 3. First-page listing on a database of list_orders orders.
  std::vector<double> list_latencies;
  {
    // The name carries the layout (s14: the last migration that changed tables or indexes): a
    // fixture migrated across a layout change keeps the pages it freed between the live ones,
    // and its list tail was 2-3 times longer (docs/BENCHMARKS.md).
    const fs::path db = fs::path(a.dir) / ("list-" + std::to_string(a.list_orders) + "-s14.db");
    int64_t existing = 0;
    if (fs::exists(db)) {
      sqlite3* h = nullptr;
      sqlite3_open_v2(db.string().c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM orders", -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        existing = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
      sqlite3_close(h);
    }
    if (existing < a.list_orders) {
      for (const char* suffix : {"", "-wal", "-shm", ".key", ".index", ".index-wal", ".index-shm"})
        fs::remove(db.string() + suffix);
      std::printf("building a %lld-order database (not durable; once, then reused) ...\n",
                  static_cast<long long>(a.list_orders));
      std::fflush(stdout);
      auto store = storage::sqlite::SqliteStore::Open({db.string(), 1, 4096, false});
      if (!store.ok()) return 1;
      const domain::Actor agent{1, "agent1", "agent", ""};
      std::atomic<int64_t> next{0};
      const auto build_start = Steady::now();
      std::vector<std::thread> threads;
      const TimePoint base = SystemClock().Now() - std::chrono::hours(24 * 365);
      for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
          Generator gen(*jurisdiction, 1000 + static_cast<uint64_t>(t));
          while (next.fetch_add(1) < a.list_orders) {
            domain::OrderDraft d;
            d.channel = gen.rng()() % 4 == 0 ? domain::Channel::kWeb : domain::Channel::kPhone;
            d.content = gen.Content();
            d.category = gen.Category();
            d.location.street_code = gen.Street();
            const TimePoint at =
                base + std::chrono::seconds(static_cast<int64_t>(gen.rng()() % (365 * 86400)));
            auto r = (*store)->CreateOrder(std::nullopt, [&](int64_t id) {
              return domain::DecideIntake(id, "B" + std::to_string(id), d, agent,
                                          domain::Context{*jurisdiction, at});
            });
            if (!r.ok()) {
              std::fprintf(stderr, "%s\n", r.error().ToString().c_str());
              std::exit(1);
            }
          }
        });
      }
      for (auto& th : threads) th.join();
      std::printf("built in %.0f s\n",
                  std::chrono::duration<double>(Steady::now() - build_start).count());
    }
    // The index file is filled before the measurement, as on a server that has been running.
    {
      auto store = storage::sqlite::SqliteStore::Open({db.string(), 1, 64, false});
      if (!store.ok() || !(*store)->FlushIndexes().ok()) return 1;
    }
    auto app = app::App::Create(Options(db, a));
    if (!app.ok()) return 1;
    std::ostringstream ignore;
    if (!(*app)->SeedDemo(ignore).ok()) return 1;
    auto port = (*app)->Start();
    if (!port.ok()) return 1;
    const std::string token = Login(*port, "dispatcher1");
    Generator gen(*jurisdiction, 7);
    const std::vector<std::string> kinds = {"state=received",
                                            "district=",
                                            "street=",
                                            "category=",
                                            "channel=web",
                                            "q=%E8%B7%AF%E7%81%AF",
                                            "q=%E8%B7%AF%E7%81%AF%E8%BF%9E%E7%BB%AD",
                                            "q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%BA%9B%E5%AD%97",
                                            "overdue=false&state=received",
                                            "from="};
    std::vector<std::string> targets;
    std::vector<size_t> kind_of;
    for (int i = 0; i < a.list_queries; ++i) {
      kind_of.push_back(static_cast<size_t>(i) % kinds.size());
      std::string k = kinds[static_cast<size_t>(i) % kinds.size()];
      if (k == "district=") k += gen.Street().substr(0, 6);
      if (k == "street=") k += gen.Street();
      if (k == "category=") k += gen.Category();
      if (k == "from=") k += "2026-01-01T00:00:00%2B08:00&category=01";
      targets.push_back("/api/v1/orders?limit=20&" + k);
    }
    // Warm-up, not measured: the database file is read once, as a serving machine with memory
    // to spare would hold it, and one pass of queries primes SQLite's own caches.
    {
      std::ifstream warm(db, std::ios::binary);
      std::vector<char> chunk(1 << 20);
      while (warm.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) ||
             warm.gcount() > 0) {
      }
      testing::Client c(*port);
      c.set_token(token);
      for (size_t i = 0; i < std::min<size_t>(targets.size(), 20 * kinds.size()); ++i) {
        (void)c.Get(targets[i]);
      }
    }
    std::vector<std::vector<double>> per(4);
    std::vector<std::vector<double>> by_kind(kinds.size());
    std::mutex by_kind_mu;
    std::vector<std::thread> threads;
    for (size_t t = 0; t < per.size(); ++t) {
      threads.emplace_back([&, t] {
        testing::Client c(*port);
        c.set_token(token);
        for (size_t i = t; i < targets.size(); i += per.size()) {
          auto t0 = Steady::now();
          auto r = c.Get(targets[i]);
          auto t1 = Steady::now();
          if (r.status != 200) {
            std::fprintf(stderr, "list failed %d %s\n", r.status, r.body.c_str());
            continue;
          }
          const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
          per[t].push_back(ms);
          std::lock_guard lock(by_kind_mu);
          by_kind[kind_of[i]].push_back(ms);
        }
      });
    }
    for (auto& th : threads) th.join();
    for (auto& v : per) list_latencies.insert(list_latencies.end(), v.begin(), v.end());
    for (size_t k = 0; k < kinds.size(); ++k) {
      std::printf("  list by %-28s p50 %7.2f ms  p99 %7.2f ms\n", kinds[k].c_str(),
                  Percentile(by_kind[k], 0.5), Percentile(by_kind[k], 0.99));
    }
    (*app)->Stop();
  }
  std::vector<double> ll = list_latencies;
  const double list_p50 = Percentile(ll, 0.5), list_p99 = Percentile(ll, 0.99);
  std::printf("list first page, %lld orders, 4 clients, %zu queries: p50 %.2f ms, p99 %.2f ms\n",
              static_cast<long long>(a.list_orders), list_latencies.size(), list_p50, list_p99);
  std::printf("intake: %.0f orders/s (%.1fx naive), p50 %.2f ms, p99 %.2f ms\n", intake_rate,
              naive > 0 ? intake_rate / naive : 0.0, p50, p99);
  // Where the CPU went per order during the intake run, and the rate the machine's cores
  // would allow at that cost if nothing else ran: the client shares the cores here.
  std::vector<std::pair<std::string, double>> cpu_us;
  double cpu_total_us = 0;
  const double orders = static_cast<double>(std::max<int64_t>(1, intake.ok));
  for (const auto& [name, after] : cpu_after) {
    const auto before = cpu_before.find(name);
    const double us = (after - (before == cpu_before.end() ? 0 : before->second)) * 1e6 / orders;
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    cpu_us.emplace_back(key, us);
    cpu_total_us += us;
  }
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("intake CPU per order:");
  for (const auto& [name, us] : cpu_us) std::printf(" %s %.1f µs,", name.c_str(), us);
  std::printf(
      " total %.1f µs; %.0f cores allow %.0f orders/s at this cost; 2x naive needs <= "
      "%.1f µs\n",
      cpu_total_us, cores, cores * 1e6 / cpu_total_us, naive > 0 ? cores * 1e6 / (2 * naive) : 0.0);
  std::printf("intake_orders_per_s=%.0f\n", intake_rate);
  std::printf("intake_p50_ms=%.2f\n", p50);
  std::printf("intake_p99_ms=%.2f\n", p99);
  std::printf("naive_sqlite_inserts_per_s=%.0f\n", naive);
  std::printf("http_floor_requests_per_s=%.0f\n", floor.rate);
  std::printf("intake_speedup_vs_naive=%.2f\n", naive > 0 ? intake_rate / naive : 0.0);
  std::printf("list_p50_ms_1m=%.2f\n", list_p50);
  for (const auto& [name, us] : cpu_us) std::printf("intake_cpu_us_%s=%.1f\n", name.c_str(), us);
  std::printf("intake_cpu_us_per_order=%.1f\n", cpu_total_us);
  std::printf("list_p99_ms_1m=%.2f\n", list_p99);
  return 0;
}
