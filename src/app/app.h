// The composition root: reads the configuration, opens the store, and wires the services,
// the API and the HTTP server together. Owns every long-lived object; nothing else names a
// concrete backend.
#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "api/api.h"
#include "api/server.h"
#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "service/attachments.h"
#include "service/auth.h"
#include "service/citizen.h"
#include "service/evaluation.h"
#include "service/knowledge.h"
#include "service/orders.h"
#include "service/scheduler.h"
#include "service/suggest.h"
#include "service/topics.h"
#include "service/warnings.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::app {

struct AppOptions {
  std::string config_dir;
  std::string db_path;
  api::ServerOptions server;
  service::AuthOptions auth;
  // The caller-hash key file; default "<db_path>.key", created (mode 0600) when missing.
  std::string key_file;
  // The deadline scheduler and the early-warning detectors run while the server does (off only
  // for tools and tests that drive them themselves).
  bool scheduler = true;
  service::SchedulerOptions scheduler_options;
  service::WarningOptions warnings;
  // Keep the rollups with every write (off only to measure what they cost).
  bool rollups = true;
  // Text understanding (suggestions at intake, duplicates, clusters): `jiesu serve` turns it
  // on; tools that do not take requests leave it off (it loads the gazetteer, ~0.3 s).
  bool text = false;
  service::SuggesterOptions suggester;
  // Where attachments' files are kept; dir default "<db_path>.attachments".
  service::AttachmentOptions attachments;
};

class App {
 public:
  // Loads the config, opens (and migrates) the store, builds the services.
  static Result<std::unique_ptr<App>> Create(AppOptions options);
  ~App();

  // Starts the HTTP server; returns the bound port.
  Result<uint16_t> Start();
  void Stop();
  void Wait();

  // Creates the demo accounts that do not exist yet (those the jurisdiction's roles and units
  // allow) and, on an empty database of a configuration with demo data files (demo/orders.csv
  // and history.csv through demo/orders.yaml, as config/demo-beijing has) and every demo
  // account, its demo orders in different stages and (with `history`) last month's demo
  // history, so that scores and rankings have something to show. Writes the log-ins to `out`.
  // Errors: kInvalidArgument for a demo file that does not read.
  Status SeedDemo(std::ostream& out, bool history = false);
  // On an empty knowledge base, the points of the configuration's demo/knowledge.csv (the
  // knowledge export's format), saved by the demo admin. Nothing without text understanding,
  // an admin account or the file.
  Status SeedDemoKnowledge(std::ostream& out);

  const domain::Jurisdiction& jurisdiction() const { return *jurisdiction_; }
  service::Auth& auth() { return *auth_; }
  service::Orders& orders() { return *orders_; }
  service::Evaluator& evaluator() { return *evaluator_; }
  service::Scheduler& scheduler() { return *scheduler_; }
  api::Api& api() { return *api_; }
  service::Suggester* suggester() { return suggester_.get(); }
  service::Knowledge* knowledge() { return knowledge_.get(); }
  service::Warnings& warnings() { return *warnings_; }
  service::Topics& topics() { return *topics_; }
  // Recomputes every derived table (rollups included) from the event log.
  Result<int64_t> RebuildDerived() { return store_->RebuildDerivedTables(); }
  storage::Store& store() { return *store_; }

 private:
  App() = default;

  AppOptions options_;
  std::unique_ptr<domain::Jurisdiction> jurisdiction_;
  SystemClock clock_;
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  std::unique_ptr<service::CallerHasher> hasher_;
  std::unique_ptr<service::Auth> auth_;
  std::unique_ptr<service::Suggester> suggester_;  // before orders_, which uses it
  std::unique_ptr<service::Knowledge> knowledge_;
  std::unique_ptr<service::Citizen> citizen_;
  std::unique_ptr<service::Attachments> attachments_;
  std::unique_ptr<service::Orders> orders_;
  std::unique_ptr<service::Evaluator> evaluator_;
  std::unique_ptr<service::Scheduler> scheduler_;
  std::unique_ptr<service::Supervisions> supervisions_;
  std::unique_ptr<service::Analytics> analytics_;
  std::unique_ptr<service::Warnings> warnings_;
  std::unique_ptr<service::Topics> topics_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::HttpServer> server_;
};

// Reads the 32-byte key in `path` (hex), creating it with fresh random bytes when missing.
Result<std::string> LoadOrCreateKey(const std::string& path);

}  // namespace jiesu::app
