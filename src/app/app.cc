#include "app/app.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/demo_history.h"
#include "config/loader.h"
#include "importer/importer.h"
#include "service/knowledge.h"

namespace jiesu::app {

namespace fs = std::filesystem;

Result<std::string> LoadOrCreateKey(const std::string& path) {
  std::ifstream in(path);
  if (in) {
    std::string hex;
    in >> hex;
    std::string key(32, '\0');
    size_t len = 0;
    if (hex.size() != 64 ||
        sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(),
                       hex.size(), nullptr, &len, nullptr) != 0 ||
        len != 32) {
      return InvalidArgument(path + ": expected 64 hexadecimal characters (a 32-byte key)");
    }
    return key;
  }
  std::string key(32, '\0');
  randombytes_buf(key.data(), key.size());
  std::string hex(64, '\0');
  sodium_bin2hex(hex.data(), hex.size() + 1, reinterpret_cast<const unsigned char*>(key.data()),
                 key.size());
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out) return Unavailable("cannot create key file " + path);
    out << hex << "\n";
    if (!out.flush()) return Unavailable("cannot write key file " + path);
  }
  ::chmod(path.c_str(), 0600);
  return key;
}

Result<std::unique_ptr<App>> App::Create(AppOptions options) {
  JIESU_RETURN_IF_ERROR(service::InitCrypto());
  std::unique_ptr<App> app(new App());
  JIESU_ASSIGN_OR_RETURN(domain::Jurisdiction j, config::LoadJurisdiction(options.config_dir));
  app->jurisdiction_ = std::make_unique<domain::Jurisdiction>(std::move(j));
  fs::path db(options.db_path);
  if (db.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(db.parent_path(), ec);
  }
  storage::sqlite::Options store_options;
  store_options.path = options.db_path;
  store_options.utc_offset_minutes = app->jurisdiction_->utc_offset_minutes;
  store_options.rollups = options.rollups;
  JIESU_ASSIGN_OR_RETURN(app->store_, storage::sqlite::SqliteStore::Open(store_options));
  if (options.key_file.empty()) options.key_file = options.db_path + ".key";
  JIESU_ASSIGN_OR_RETURN(std::string key, LoadOrCreateKey(options.key_file));
  app->hasher_ = std::make_unique<service::CallerHasher>(std::move(key));
  app->auth_ =
      std::make_unique<service::Auth>(*app->store_, *app->jurisdiction_, app->clock_, options.auth);
  app->orders_ = std::make_unique<service::Orders>(*app->store_, *app->jurisdiction_, app->clock_,
                                                   *app->hasher_);
  if (options.text) {
    JIESU_ASSIGN_OR_RETURN(
        app->suggester_,
        service::Suggester::Create(*app->jurisdiction_, options.suggester, app->clock_));
    JIESU_RETURN_IF_ERROR(app->suggester_->Warm(*app->store_, app->clock_.Now()));
    app->orders_->set_suggester(app->suggester_.get());
    app->knowledge_ = std::make_unique<service::Knowledge>(*app->store_, *app->jurisdiction_,
                                                           app->clock_, *app->suggester_);
    JIESU_RETURN_IF_ERROR(app->knowledge_->Warm());
  }
  app->evaluator_ =
      std::make_unique<service::Evaluator>(*app->store_, *app->jurisdiction_, app->clock_);
  app->scheduler_ =
      std::make_unique<service::Scheduler>(*app->store_, app->clock_, options.scheduler_options);
  app->supervisions_ =
      std::make_unique<service::Supervisions>(*app->store_, *app->jurisdiction_, app->clock_);
  app->analytics_ =
      std::make_unique<service::Analytics>(*app->store_, *app->jurisdiction_, app->clock_);
  app->warnings_ = std::make_unique<service::Warnings>(*app->store_, *app->jurisdiction_,
                                                       app->clock_, *app->supervisions_,
                                                       app->suggester_.get(), options.warnings);
  app->topics_ = std::make_unique<service::Topics>(*app->store_, *app->jurisdiction_, app->clock_,
                                                   *app->evaluator_, *app->warnings_);
  app->citizen_ = std::make_unique<service::Citizen>(*app->orders_, *app->hasher_, app->clock_,
                                                     app->suggester_.get());
  if (options.attachments.dir.empty()) options.attachments.dir = options.db_path + ".attachments";
  JIESU_ASSIGN_OR_RETURN(app->attachments_,
                         service::Attachments::Open(*app->orders_, options.attachments));
  app->api_ = std::make_unique<api::Api>(
      *app->auth_, *app->orders_, *app->evaluator_, *app->supervisions_, *app->analytics_,
      *app->warnings_, *app->topics_, app->suggester_.get(), app->knowledge_.get(),
      app->citizen_.get(), app->attachments_.get());
  app->options_ = std::move(options);
  return app;
}

App::~App() { Stop(); }

Result<uint16_t> App::Start() {
  api::ServerOptions server = options_.server;
  if (server.io_threads <= 0) server.io_threads = api::DefaultIoThreads(options_.text);
  server_ = std::make_unique<api::HttpServer>(*api_, server);
  JIESU_ASSIGN_OR_RETURN(uint16_t port, server_->Start());
  if (options_.scheduler) {
    scheduler_->Start();
    warnings_->Start();
  }
  return port;
}

void App::Stop() {
  if (scheduler_) scheduler_->Stop();
  if (warnings_) warnings_->Stop();
  if (server_) server_->Stop();
  // Intake answers from the store's writer thread through the server, the API and the order
  // service: let every queued write finish and call back before any of them is destroyed.
  if (store_) (void)store_->Drain();
}

void App::Wait() {
  if (server_) server_->Wait();
}

namespace {

struct DemoUser {
  const char* username;
  const char* display_name;
  const char* role;
  const char* unit;
};

constexpr DemoUser kDemoUsers[] = {
    {"admin", "系统管理员", "admin", ""},
    {"agent1", "话务员 王芳", "agent", ""},
    {"dispatcher1", "派单员 李强", "dispatcher", ""},
    {"visitor1", "回访员 赵敏", "visitor", ""},
    {"supervisor1", "督办员 孙伟", "supervisor", ""},
    {"analyst1", "分析员 周洁", "analyst", ""},
    {"chaoyang1", "朝阳区政府 承办人", "unit_handler", "110105"},
    {"jianwai1", "建外街道 承办人", "unit_handler", "110105001"},
    {"heat1", "热力集团 承办人", "unit_handler", "bj.heat"},
    {"water1", "自来水集团 承办人", "unit_handler", "bj.water"},
};
constexpr const char* kDemoPassword = "jiesu-demo";

// The demo's data files, beside the jurisdiction they are written for (config/demo-beijing):
// orders through an import mapping, knowledge points as the knowledge base's CSV.
fs::path DemoDir(const std::string& config_dir) { return fs::path(config_dir) / "demo"; }

// The cases of `csv` as `jiesu import` reads them through demo/orders.yaml; the first bad row
// fails them all (the demo's files are ours).
Result<std::vector<domain::ImportedCase>> ReadDemoCases(const fs::path& dir, const char* csv,
                                                        const domain::Jurisdiction& j) {
  JIESU_ASSIGN_OR_RETURN(importer::Mapping mapping,
                         importer::LoadMapping((dir / "orders.yaml").string(), j));
  const std::string input = (dir / csv).string();
  std::vector<domain::ImportedCase> cases;
  Status bad;
  JIESU_RETURN_IF_ERROR(importer::ReadCases(
      mapping, input,
      [&](const analytics::CsvRow& row, const std::string&, Result<domain::ImportedCase> c) {
        if (!c.ok()) {
          bad = InvalidArgument(input + ":" + std::to_string(row.line) + ": " + c.error().message);
          return false;
        }
        cases.push_back(std::move(*c));
        return true;
      }));
  JIESU_RETURN_IF_ERROR(bad);
  return cases;
}

}  // namespace

Status App::SeedDemo(std::ostream& out, bool history) {
  out << "Demo log-ins (password for all: " << kDemoPassword << "):\n";
  bool all_users = true;  // the demo orders need every demo account
  for (const auto& u : kDemoUsers) {
    if (jurisdiction_->roles.Find(u.role) == nullptr ||
        (u.unit[0] != '\0' && jurisdiction_->units.Find(u.unit) == nullptr)) {
      all_users = false;
      continue;
    }
    auto existing = store_->FindUserByName(u.username);
    if (!existing.ok()) {
      if (existing.error().code != ErrorCode::kNotFound) return existing.error();
      JIESU_RETURN_IF_ERROR(
          auth_->AddUser({u.username, u.display_name, u.role, u.unit, kDemoPassword}));
    }
    out << "  " << u.username << "  (" << u.role
        << (u.unit[0] ? std::string(", unit ") + u.unit : "") << ")\n";
  }
  JIESU_ASSIGN_OR_RETURN(storage::OrderPage page, store_->ListOrders(storage::OrderFilter{}));
  if (!page.orders.empty()) return Ok();
  // The demo orders and history are written for config/demo-beijing's units and categories.
  const fs::path dir = DemoDir(options_.config_dir);
  if (!all_users || !fs::exists(dir / "orders.csv")) {
    out << "Demo orders: none (they are written for config/demo-beijing).\n";
    return Ok();
  }
  if (history) {
    // Last month, in the jurisdiction's time zone.
    const TimePoint now = clock_.Now();
    const std::chrono::year_month_day today(LocalDate(now, jurisdiction_->utc_offset_minutes));
    const std::chrono::year_month_day last = today - std::chrono::months(1);
    char month[16];
    std::snprintf(month, sizeof month, "%04d-%02u", static_cast<int>(last.year()),
                  static_cast<unsigned>(last.month()));
    JIESU_ASSIGN_OR_RETURN(auto leads, ReadDemoCases(dir, "history.csv", *jurisdiction_));
    JIESU_ASSIGN_OR_RETURN(DemoHistoryStats h, SeedDemoMonth(*store_, *jurisdiction_, *hasher_,
                                                             leads, month, 240, now, 12345));
    out << "Demo history for " << month << ": " << h.orders << " orders (" << h.visited
        << " visited, " << h.late_replies << " replied late, " << h.reopened << " reopened, "
        << h.returned << " returned); see GET /api/v1/scores?period=" << month << "\n";
  }

  JIESU_ASSIGN_OR_RETURN(auto cases, ReadDemoCases(dir, "orders.csv", *jurisdiction_));
  auto actor = [&](const std::string& name) -> Result<domain::Actor> {
    JIESU_ASSIGN_OR_RETURN(storage::User u, store_->FindUserByName(name));
    return domain::Actor{u.id, u.username, u.role, u.unit_id};
  };
  // The demo account of `unit`'s handler.
  auto handler = [&](const std::string& unit) -> Result<domain::Actor> {
    for (const auto& u : kDemoUsers) {
      if (u.unit == unit) return actor(u.username);
    }
    return InvalidArgument("the demo has no account for unit " + unit);
  };
  JIESU_ASSIGN_OR_RETURN(domain::Actor agent, actor("agent1"));
  JIESU_ASSIGN_OR_RETURN(domain::Actor dispatcher, actor("dispatcher1"));
  auto act = [&](const domain::Actor& who, int64_t id, domain::Action a) {
    domain::Command c;
    c.action = a;
    return orders_->Act(who, id, c).status();
  };
  // The orders in file order, each taken a step less far than the one before, so that the
  // consoles have one in each stage: the first is dispatched to its unit (its district
  // helping) and signed there, the second waits for dispatch, the third is answered on the
  // spot with its reply text, the others are just received. Imports carry no caller; the
  // demo's all come from one, whose history then shows them together.
  for (size_t i = 0; i < cases.size(); ++i) {
    domain::OrderDraft d = cases[i].draft;
    d.caller = {"张先生", "13812345678", false, ""};
    JIESU_ASSIGN_OR_RETURN(storage::Created o, orders_->Intake(agent, d, "", ""));
    const int64_t id = o.order.id;
    if (i == 0) {
      JIESU_RETURN_IF_ERROR(act(agent, id, domain::Action::kSendToDispatch));
      domain::Command dispatch;
      dispatch.action = domain::Action::kDispatch;
      dispatch.lead_unit = cases[i].unit;
      dispatch.co_units = {o.order.draft.location.district_code};
      JIESU_RETURN_IF_ERROR(orders_->Act(dispatcher, id, dispatch).status());
      JIESU_ASSIGN_OR_RETURN(domain::Actor unit, handler(cases[i].unit));
      domain::Command sign;
      sign.action = domain::Action::kSign;
      sign.leg = 1;
      JIESU_RETURN_IF_ERROR(orders_->Act(unit, id, sign).status());
    } else if (i == 1) {
      JIESU_RETURN_IF_ERROR(act(agent, id, domain::Action::kSendToDispatch));
    } else if (i == 2) {
      domain::Command answer;
      answer.action = domain::Action::kAnswer;
      answer.text = cases[i].reply_text;
      JIESU_RETURN_IF_ERROR(orders_->Act(agent, id, answer).status());
    }
  }
  const domain::Unit* first = cases.empty() ? nullptr : jurisdiction_->units.Find(cases[0].unit);
  out << "Demo orders: " << cases.size() << " created (one in progress at "
      << (first ? first->name : "its unit")
      << ", one awaiting dispatch, one answered directly, the others just received).\n";
  return Ok();
}

Status App::SeedDemoKnowledge(std::ostream& out) {
  if (knowledge_ == nullptr) return Ok();
  JIESU_ASSIGN_OR_RETURN(std::vector<storage::KnowledgePoint> existing,
                         store_->ListKnowledge(0, 1));
  if (!existing.empty()) return Ok();
  auto admin = store_->FindUserByName("admin");
  if (!admin.ok()) {
    if (admin.error().code == ErrorCode::kNotFound) return Ok();  // no admin role configured
    return admin.error();
  }
  const domain::Actor actor{admin->id, admin->username, admin->role, admin->unit_id};
  const fs::path csv = DemoDir(options_.config_dir) / "knowledge.csv";
  if (!fs::exists(csv)) return Ok();
  std::ifstream in(csv, std::ios::binary);
  if (!in) return Unavailable("cannot read " + csv.string());
  const std::string body((std::istreambuf_iterator<char>(in)), {});
  // As POST /api/v1/knowledge/import reads the same CSV.
  std::vector<int64_t> lines;
  JIESU_ASSIGN_OR_RETURN(std::vector<storage::KnowledgePoint> points,
                         service::KnowledgeFromCsv(body, *jurisdiction_, lines));
  JIESU_ASSIGN_OR_RETURN(auto saved, knowledge_->SaveAll(actor, std::move(points)));
  out << "Demo knowledge base: " << saved.size()
      << " points; the suggestion for a draft carries the best answers (POST /api/v1/suggest).\n";
  return Ok();
}

}  // namespace jiesu::app
