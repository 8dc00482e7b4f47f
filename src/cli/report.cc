// jiesu report monthly: the month's rankings as .xlsx and CSV; jiesu report hotspots: the
// month's 民声热点 report as .xlsx; jiesu detect: run the early-warning detectors once.
#include <cstdio>

#include "app/app.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/open.h"
#include "report/hotspots.h"
#include "report/monthly.h"

namespace jiesu::cli {

namespace {

int Fail(const char* cmd, const Error& e, int code) {
  std::fprintf(stderr, "jiesu %s: %s\n", cmd, e.ToString().c_str());
  return code;
}

int ExitCode(const Error& e) { return e.code == ErrorCode::kInvalidArgument ? 2 : 1; }

int Hotspots(const std::vector<std::string>& args) {
  auto flags = Flags::Parse(args, {"config", "db", "month", "out"}, {});
  if (!flags.ok()) return Fail("report", flags.error(), 2);
  auto month = flags->Require("month");
  if (!month.ok()) return Fail("report", month.error(), 2);
  auto app = OpenExisting(*flags, false);
  if (!app.ok()) return Fail("report", app.error(), ExitCode(app.error()));
  auto r = (*app)->topics().BuildReport(*month);
  if (!r.ok()) return Fail("report", r.error(), ExitCode(r.error()));
  const std::filesystem::path dir = flags->Get("out", ".");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto file = dir / ("hotspots-" + *month + ".xlsx");
  const Status st = report::WriteHotspotsXlsx(*r, (*app)->jurisdiction(), file);
  if (!st.ok()) return Fail("report", st.error(), 1);
  std::printf(
      "%s: %lld received, %zu top problems, %zu rising, %zu warnings, %zu topics\nwrote %s\n",
      month->c_str(), static_cast<long long>(r->received), r->top.size(), r->rising.size(),
      r->warnings.size(), r->topics.size(), file.c_str());
  return 0;
}

}  // namespace

int Detect(const std::vector<std::string>& args) {
  auto flags = Flags::Parse(args, {"config", "db", "at", "divisions"}, {"no-text"});
  if (!flags.ok()) return Fail("detect", flags.error(), 2);
  TimePoint at = SystemClock().Now();
  if (flags->Has("at")) {
    auto t = ParseRfc3339(flags->Get("at", ""));
    if (!t.ok()) return Fail("detect", InvalidArgument("--at: " + t.error().message, "at"), 2);
    at = *t;
  }
  auto app = OpenExisting(*flags, !flags->Has("no-text"));
  if (!app.ok()) return Fail("detect", app.error(), ExitCode(app.error()));
  auto run = (*app)->warnings().Detect(at);
  if (!run.ok()) return Fail("detect", run.error(), 1);
  std::printf("raised=%d updated=%d\n", run->raised, run->updated);
  for (const auto& s : run->skipped) std::printf("skipped: %s\n", s.c_str());
  return 0;
}

int Report(const std::vector<std::string>& args) {
  auto fail = [](const Error& e, int code) { return Fail("report", e, code); };
  if (!args.empty() && args[0] == "hotspots") return Hotspots({args.begin() + 1, args.end()});
  if (args.empty() || args[0] != "monthly") {
    std::fputs(
        "usage: jiesu report monthly --config DIR --db PATH --period YYYY-MM [--out DIR]\n"
        "       jiesu report hotspots --config DIR --db PATH --month YYYY-MM [--out DIR]\n",
        stderr);
    return 2;
  }
  auto flags = Flags::Parse({args.begin() + 1, args.end()}, {"config", "db", "period", "out"}, {});
  if (!flags.ok()) return fail(flags.error(), 2);
  auto period = flags->Require("period");
  if (!period.ok()) return fail(period.error(), 2);
  auto app = OpenExisting(*flags, false);
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
