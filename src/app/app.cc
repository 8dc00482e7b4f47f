#include "app/app.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "app/demo_history.h"
#include "config/loader.h"

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
  app->api_ =
      std::make_unique<api::Api>(*app->auth_, *app->orders_, *app->evaluator_, *app->supervisions_,
                                 *app->analytics_, *app->warnings_, *app->topics_,
                                 app->suggester_.get(), app->knowledge_.get(), app->citizen_.get());
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

struct DemoKnowledge {
  const char* question;
  const char* answer;
  const char* basis;
  const char* owner_unit;
  const char* valid_from;  // RFC 3339, or "" for always
};

// General answers an agent can give on the spot, each from a public rule or service; the demo
// shows what a city's own knowledge base would hold.
constexpr DemoKnowledge kDemoKnowledge[] = {
    {"本市供暖期是什么时候？室内温度应达到多少度？",
     "本市供暖期为每年11月15日至次年3月15日，遇异常天气可提前或延长。供暖期内，供热单位应保证居民"
     "卧室、起居室（厅）温度不低于18℃。",
     "《北京市供热采暖管理办法》", "bj.cgw", ""},
    {"家里暖气不热、室温不达标怎么办？",
     "先查看户内暖气阀门是否打开、暖气片是否需要放气；仍不热的，向所属供热单位报修，供热单位应上门"
     "检测处理。报修后仍未解决的，可再次来电，由热线派单督办。",
     "《北京市供热采暖管理办法》", "bj.heat", ""},
    {"夜间工地施工噪音扰民怎么办？",
     "夜间（22时至次日6时）在噪声敏感建筑物集中区域禁止进行产生噪声的建筑施工作业；抢修、抢险作业"
     "和因生产工艺要求或其他特殊需要必须连续施工的除外，但须取得有关部门的证明，并在施工现场公示或"
     "告知附近居民。可告知施工地点和时间，由热线派单核查。",
     "《中华人民共和国噪声污染防治法》", "bj.sthjj", "2022-06-05T00:00:00+08:00"},
    {"单位拖欠工资怎么办？",
     "可向用人单位所在区的人力资源和社会保障局劳动保障监察机构投诉举报，也可向劳动人事争议仲裁委员"
     "会申请仲裁。请保留劳动合同、工资条、考勤记录、聊天记录等证据。",
     "《劳动保障监察条例》；《保障农民工工资支付条例》", "bj.rsj", ""},
    {"如何查询个人社保缴费记录？",
     "可拨打12333人力资源和社会保障咨询服务电话，或登录北京市人力资源和社会保障局网站查询个人社保"
     "权益记录。",
     "", "bj.rsj", ""},
    {"家中闻到燃气味怎么办？",
     "立即关闭燃气总阀，打开门窗通风；不要开关电器、不要使用明火、不要在室内拨打电话；撤到室外安全"
     "处后拨打燃气公司抢修电话或119。",
     "", "bj.gas", ""},
};

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
  if (!all_users || jurisdiction_->taxonomy.Find("010104") == nullptr ||
      jurisdiction_->taxonomy.Find("0103") == nullptr ||
      jurisdiction_->taxonomy.Find("0201") == nullptr) {
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
    JIESU_ASSIGN_OR_RETURN(DemoHistoryStats h, SeedDemoMonth(*store_, *jurisdiction_, *hasher_,
                                                             month, 240, now, 12345));
    out << "Demo history for " << month << ": " << h.orders << " orders (" << h.visited
        << " visited, " << h.late_replies << " replied late, " << h.reopened << " reopened, "
        << h.returned << " returned); see GET /api/v1/scores?period=" << month << "\n";
  }

  auto actor = [&](const char* name) -> Result<domain::Actor> {
    JIESU_ASSIGN_OR_RETURN(storage::User u, store_->FindUserByName(name));
    return domain::Actor{u.id, u.username, u.role, u.unit_id};
  };
  JIESU_ASSIGN_OR_RETURN(domain::Actor agent, actor("agent1"));
  JIESU_ASSIGN_OR_RETURN(domain::Actor dispatcher, actor("dispatcher1"));
  JIESU_ASSIGN_OR_RETURN(domain::Actor heat, actor("heat1"));
  auto draft = [](const char* content, const char* category, const char* street,
                  domain::Urgency u) {
    domain::OrderDraft d;
    d.channel = domain::Channel::kPhone;
    d.request_type = domain::RequestType::kComplaint;
    d.urgency = u;
    d.content = content;
    d.category = category;
    d.location.street_code = street;
    d.caller = {"张先生", "13812345678", false, ""};
    return d;
  };
  auto d1 = draft("建外街道某小区3号楼暖气不热，室内温度只有14度，家中有老人。", "010104",
                  "110105001", domain::Urgency::kNormal);
  d1.location.address = "朝阳区建外街道某小区3号楼2单元";
  JIESU_ASSIGN_OR_RETURN(storage::Created o1, orders_->Intake(agent, d1, "", ""));
  domain::Command send;
  send.action = domain::Action::kSendToDispatch;
  JIESU_RETURN_IF_ERROR(orders_->Act(agent, o1.order.id, send));
  domain::Command dispatch;
  dispatch.action = domain::Action::kDispatch;
  dispatch.lead_unit = "bj.heat";
  dispatch.co_units = {"110105"};
  JIESU_RETURN_IF_ERROR(orders_->Act(dispatcher, o1.order.id, dispatch));
  domain::Command sign;
  sign.action = domain::Action::kSign;
  sign.leg = 1;
  JIESU_RETURN_IF_ERROR(orders_->Act(heat, o1.order.id, sign));

  auto d2 = draft("小区门口道路井盖缺失，夜间有行人坠落危险。", "0103", "110105001",
                  domain::Urgency::kCritical);
  JIESU_ASSIGN_OR_RETURN(storage::Created o2, orders_->Intake(agent, d2, "", ""));
  JIESU_RETURN_IF_ERROR(orders_->Act(agent, o2.order.id, send));

  auto d3 = draft("咨询今年供暖季的开始时间。", "010104", "110105001", domain::Urgency::kNormal);
  d3.request_type = domain::RequestType::kConsult;
  JIESU_ASSIGN_OR_RETURN(storage::Created o3, orders_->Intake(agent, d3, "", ""));
  domain::Command answer;
  answer.action = domain::Action::kAnswer;
  answer.text = "本市供暖季为每年11月15日至次年3月15日，遇极端天气可提前或延后。";
  JIESU_RETURN_IF_ERROR(orders_->Act(agent, o3.order.id, answer));

  auto d4 = draft("夜间工地施工噪音扰民，持续到凌晨两点。", "0201", "110105001",
                  domain::Urgency::kNormal);
  d4.confidential = true;
  JIESU_RETURN_IF_ERROR(orders_->Intake(agent, d4, "", ""));
  out << "Demo orders: 4 created (one in progress at 北京市热力集团, one critical awaiting "
         "dispatch, one "
         "answered directly, one confidential just received).\n";
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
  int saved = 0;
  for (const auto& k : kDemoKnowledge) {
    // Another demo jurisdiction need not have the unit that owns the answer.
    if (jurisdiction_->units.Find(k.owner_unit) == nullptr) continue;
    storage::KnowledgePoint p;
    p.question = k.question;
    p.answer = k.answer;
    p.basis = k.basis;
    p.owner_unit = k.owner_unit;
    if (k.valid_from[0] != '\0') {
      JIESU_ASSIGN_OR_RETURN(p.valid_from, ParseRfc3339(k.valid_from));
    }
    JIESU_RETURN_IF_ERROR(knowledge_->Save(actor, std::move(p)));
    ++saved;
  }
  if (saved == 0) return Ok();
  out << "Demo knowledge base: " << saved
      << " points; the suggestion for a draft carries the best answers (POST /api/v1/suggest).\n";
  return Ok();
}

}  // namespace jiesu::app
