// jiesu report monthly: the month's rankings as .xlsx and CSV.
#include <cstdio>

#include "app/app.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "report/monthly.h"

namespace jiesu::cli {

int Report(const std::vector<std::string>& args) {
  auto fail = [](const Error& e, int code) {
    std::fprintf(stderr, "jiesu report: %s\n", e.ToString().c_str());
    return code;
  };
  if (args.empty() || args[0] != "monthly") {
    std::fputs("usage: jiesu report monthly --config DIR --db PATH --period YYYY-MM [--out DIR]\n",
               stderr);
    return 2;
  }
  auto flags = Flags::Parse({args.begin() + 1, args.end()}, {"config", "db", "period", "out"}, {});
  if (!flags.ok()) return fail(flags.error(), 2);
  auto config = flags->Require("config");
  auto db = flags->Require("db");
  auto period = flags->Require("period");
  for (const auto* r : {&config, &db, &period}) {
    if (!r->ok()) return fail(r->error(), 2);
  }
  if (!std::filesystem::exists(*db)) {
    return fail(InvalidArgument("no database at " + *db, "db"), 2);
  }
  app::AppOptions o;
  o.config_dir = *config;
  o.db_path = *db;
  o.scheduler = false;
  auto app = app::App::Create(o);
  if (!app.ok()) return fail(app.error(), app.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  const domain::Actor reporter{0, "report", "system", ""};
  auto month = (*app)->evaluator().Month(reporter, *period);
  if (!month.ok()) {
    return fail(month.error(), month.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  }
  auto files = report::WriteMonthly(*month, (*app)->jurisdiction(), flags->Get("out", "."));
  if (!files.ok()) return fail(files.error(), 1);
  int ranked = 0;
  for (const auto& s : month->units) ranked += s.rank > 0;
  std::printf("%s: %zu units, %d ranked\nwrote %s\nwrote %s\n", period->c_str(),
              month->units.size(), ranked, files->xlsx.c_str(), files->csv.c_str());
  return 0;
}

}  // namespace jiesu::cli
