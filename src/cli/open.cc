#include "cli/open.h"

#include <filesystem>

namespace jiesu::cli {

Result<std::unique_ptr<app::App>> OpenExisting(const Flags& flags, bool text) {
  auto config = flags.Require("config");
  if (!config.ok()) return config.error();
  auto db = flags.Require("db");
  if (!db.ok()) return db.error();
  if (!std::filesystem::exists(*db)) return InvalidArgument("no database at " + *db, "db");
  app::AppOptions o;
  o.config_dir = *config;
  o.db_path = *db;
  o.scheduler = false;
  o.text = text;
  o.suggester.divisions_dir = flags.Get("divisions", "data/divisions");
  return app::App::Create(o);
}

}  // namespace jiesu::cli
