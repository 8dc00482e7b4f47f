// The administrative sub-commands: migrate, check-config, user add.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/app.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/open.h"
#include "config/loader.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::cli {

namespace {

int Fail(const char* cmd, const Error& e, int code) {
  std::fprintf(stderr, "jiesu %s: %s\n", cmd, e.ToString().c_str());
  return code;
}

}  // namespace

int Migrate(const std::vector<std::string>& args) {
  auto flags = Flags::Parse(args, {"db"}, {});
  if (!flags.ok()) return Fail("migrate", flags.error(), 2);
  auto db = flags->Require("db");
  if (!db.ok()) return Fail("migrate", db.error(), 2);
  auto v = storage::sqlite::SqliteStore::Migrate(*db);
  if (!v.ok()) return Fail("migrate", v.error(), 1);
  std::printf("%s: schema version %d\n", db->c_str(), *v);
  return 0;
}

int CheckConfig(const std::vector<std::string>& args) {
  auto flags = Flags::Parse(args, {}, {});
  if (!flags.ok()) return Fail("check-config", flags.error(), 2);
  if (flags->positional().size() != 1) {
    std::fputs("usage: jiesu check-config DIR\n", stderr);
    return 2;
  }
  const std::string dir = flags->positional()[0];
  auto j = config::LoadJurisdiction(dir);
  if (!j.ok()) {
    std::fprintf(stderr, "%s\n", j.error().message.c_str());
    return 2;
  }
  std::printf(
      "%s: OK — %s: %zu areas, %zu units, %zu categories, %zu catalogue rows, %zu time-limit "
      "rules, "
      "%zu roles, %zu holidays and %zu make-up working days\n",
      dir.c_str(), j->name.c_str(), j->areas.size(), j->units.all().size(),
      j->taxonomy.all().size(), j->catalogue.rows().size(), j->limits.all().size(),
      j->roles.all().size(), j->calendar.holidays().size(), j->calendar.workdays().size());
  return 0;
}

int UserAdd(const std::vector<std::string>& args) {
  auto flags = Flags::Parse(args, {"config", "db", "username", "role", "unit", "display-name"}, {});
  if (!flags.ok()) return Fail("user add", flags.error(), 2);
  auto config = flags->Require("config");
  auto db = flags->Require("db");
  auto username = flags->Require("username");
  auto role = flags->Require("role");
  for (const auto* r : {&config, &db, &username, &role}) {
    if (!r->ok()) return Fail("user add", r->error(), 2);
  }
  std::string password;
  if (!std::getline(std::cin, password)) {
    return Fail(
        "user add",
        InvalidArgument("no password on standard input (echo PASSWORD | jiesu user add ...)"), 2);
  }
  app::AppOptions o;
  o.config_dir = *config;
  o.db_path = *db;
  auto app = app::App::Create(o);
  if (!app.ok())
    return Fail("user add", app.error(), app.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  auto user = (*app)->auth().AddUser(
      {*username, flags->Get("display-name"), *role, flags->Get("unit"), password});
  if (!user.ok()) {
    return Fail("user add", user.error(),
                user.error().code == ErrorCode::kInvalidArgument ||
                        user.error().code == ErrorCode::kConflict
                    ? 2
                    : 1);
  }
  std::printf("created user %s (id %lld, role %s%s%s)\n", user->username.c_str(),
              static_cast<long long>(user->id), user->role.c_str(),
              user->unit_id.empty() ? "" : ", unit ", user->unit_id.c_str());
  return 0;
}

int RebuildRollups(const std::vector<std::string>& args) {
  auto flags = Flags::Parse(args, {"config", "db"}, {});
  if (!flags.ok()) return Fail("rebuild-rollups", flags.error(), 2);
  auto app = OpenExisting(*flags, false);
  if (!app.ok()) {
    return Fail("rebuild-rollups", app.error(),
                app.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  }
  auto n = (*app)->RebuildDerived();
  if (!n.ok()) return Fail("rebuild-rollups", n.error(), 1);
  std::printf(
      "%s: rollups, timers, notices and evaluation facts rebuilt from the histories of "
      "%lld orders\n",
      flags->Get("db").c_str(), static_cast<long long>(*n));
  return 0;
}

}  // namespace jiesu::cli
