// jiesu import: another system's cases into the store, through a mapping file.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "app/app.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "importer/importer.h"

namespace jiesu::cli {

int Import(const std::vector<std::string>& args) {
  auto fail = [](const Error& e, int code) {
    std::fprintf(stderr, "jiesu import: %s\n", e.ToString().c_str());
    return code;
  };
  auto flags = Flags::Parse(args, {"config", "db", "mapping", "rejects", "writers"}, {});
  if (!flags.ok()) return fail(flags.error(), 2);
  auto config = flags->Require("config");
  auto db = flags->Require("db");
  auto mapping_path = flags->Require("mapping");
  for (const auto* r : {&config, &db, &mapping_path}) {
    if (!r->ok()) return fail(r->error(), 2);
  }
  if (flags->positional().size() != 1) {
    std::fputs("usage: jiesu import --config DIR --db PATH --mapping FILE [--rejects FILE] FILE\n",
               stderr);
    return 2;
  }
  const std::string input = flags->positional()[0];
  if (!std::filesystem::exists(input)) {
    return fail(InvalidArgument(input + ": no such file"), 2);
  }
  auto writers = flags->Int("writers", 512, 1, 1024);
  if (!writers.ok()) return fail(writers.error(), 2);
  app::AppOptions o;
  o.config_dir = *config;
  o.db_path = *db;
  o.scheduler = false;
  auto app = app::App::Create(o);
  if (!app.ok()) return fail(app.error(), app.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  auto mapping = importer::LoadMapping(*mapping_path, (*app)->jurisdiction());
  if (!mapping.ok()) return fail(mapping.error(), 2);

  importer::Options opt;
  opt.rejects_path = flags->Get("rejects");
  opt.writers = *writers;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (tty) {
    opt.progress = [](const importer::Summary& s) {
      std::fprintf(stderr, "\r%lld rows  %lld imported  %lld already there  %lld rejected  %.0f rows/s ",
                   static_cast<long long>(s.rows), static_cast<long long>(s.imported),
                   static_cast<long long>(s.existing), static_cast<long long>(s.rejected),
                   s.seconds > 0 ? static_cast<double>(s.rows) / s.seconds : 0.0);
    };
  }
  auto sum = importer::Import((*app)->store(), (*app)->jurisdiction(), *mapping, input, opt);
  if (tty) std::fputs("\n", stderr);
  if (!sum.ok()) return fail(sum.error(), sum.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  std::printf("%s: %lld rows in %.1f s: %lld imported, %lld already imported, %lld rejected (%s)\n",
              input.c_str(), static_cast<long long>(sum->rows), sum->seconds,
              static_cast<long long>(sum->imported), static_cast<long long>(sum->existing),
              static_cast<long long>(sum->rejected),
              opt.rejects_path.empty()
                  ? (std::filesystem::path(input).filename().string() + ".rejects.csv").c_str()
                  : opt.rejects_path.c_str());
  return 0;
}

}  // namespace jiesu::cli
