// jiesu: the 12345 hotline platform. See `jiesu --help`.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage = R"(usage: jiesu <command> [flags]

commands:
  serve         run the HTTP API
                  --config DIR        jurisdiction configuration (required)
                  --db PATH           SQLite database file, created if missing (required)
                  --listen HOST:PORT  default 127.0.0.1:8345 (port 0 picks a free one)
                  --demo              create missing demo accounts; on a new database also
                                      demo orders and last month's history (for the scores)
                  --io-threads N      default one per core with text understanding on,
                                      else half the cores (at least 1)
                  --handler-threads N default 64
                  --body-limit BYTES  default 1048576
                  --token-ttl-minutes N  default 480
                  --classifier MODEL  category model from train-classifier (default: none;
                                      suggestions then carry no category and say so);
                                      SIGHUP reads the file again, SIGTERM stops
                  --divisions DIR     national division codes for the gazetteer
                                      (default data/divisions)
                  --boundaries FILE   GeoJSON district boundaries (property adcode) that
                                      map coordinates to districts
                  --no-text           no suggestions, duplicate index or clusters
                  --web DIR           also serve the built web pages (web/dist) at /
                  --attachments DIR   where uploaded files are kept
                                      (default <db path>.attachments)
                  --attachment-limit BYTES  largest file accepted, default 10485760
  migrate       apply pending schema migrations
                  --db PATH (required)
  check-config  validate a configuration directory and report every problem
                  jiesu check-config DIR
  user add      create an account; the password is read from standard input
                  --config DIR --db PATH --username NAME --role ROLE [--unit ID]
                  [--display-name TEXT]
  import        bring another system's cases (CSV, .csv.gz or .xlsx) in through a mapping file
                  --config DIR --db PATH --mapping FILE [--rejects FILE] [--writers N] FILE
  rebuild-rollups  recompute the rollups (and other derived tables) from the event log
                  --config DIR --db PATH
  train-classifier  train the category classifier from labelled CSV rows
                  --out MODEL [--text COLS (default text; 'a+b' joins, ',' alternatives)]
                  [--label COLS (default category; ',' alternatives)]
                  [--where COL=V] [--where-not COL=V]
                  [--config DIR [--level N]]  labels (codes or names) become the taxonomy's
                                      codes, cut to level N: names and codes train one class
                  [--holdout FILE [--holdout-text COLS] [--holdout-where COL=V]
                   [--holdout-where-not COL=V] [--leak-threshold 0.7]]
                  [--c 4] [--min-df 2] [--ngrams 2] FILE...
  export-training  the categories the hotline confirmed or corrected, as training rows
                  (id,text,category,state,suggested,agreed) for train-classifier
                  --config DIR --db PATH --out FILE [--from RFC3339] [--to RFC3339]
  eval-classifier  accuracy, macro-F1, per-class figures and confusion matrix on labelled rows
                  --model MODEL [--text COLS] [--label COLS] [--where COL=V] [--where-not COL=V]
                  [--config DIR [--level N]] FILE...
  report monthly  write the month's unit scores and rankings as .xlsx and CSV
                  --config DIR --db PATH --period YYYY-MM [--out DIR (default .)]
  report hotspots  write the month's 民声热点 report (top and rising problems, districts,
                  warnings, topics) as .xlsx
                  --config DIR --db PATH --month YYYY-MM [--out DIR (default .)]
  detect        run the early-warning detectors once (serve runs them every 10 minutes)
                  --config DIR --db PATH [--at RFC3339 (default now)] [--no-text]
                  [--divisions DIR]

Exit codes: 0 success, 1 failure while running, 2 bad usage or invalid input.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const auto& a : rest) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  if (cmd == "serve") return jiesu::cli::Serve(rest);
  if (cmd == "migrate") return jiesu::cli::Migrate(rest);
  if (cmd == "check-config") return jiesu::cli::CheckConfig(rest);
  if (cmd == "report") return jiesu::cli::Report(rest);
  if (cmd == "detect") return jiesu::cli::Detect(rest);
  if (cmd == "import") return jiesu::cli::Import(rest);
  if (cmd == "train-classifier") return jiesu::cli::TrainClassifier(rest);
  if (cmd == "eval-classifier") return jiesu::cli::EvalClassifier(rest);
  if (cmd == "export-training") return jiesu::cli::ExportTraining(rest);
  if (cmd == "rebuild-rollups") return jiesu::cli::RebuildRollups(rest);
  if (cmd == "user") {
    if (!rest.empty() && rest[0] == "add")
      return jiesu::cli::UserAdd({rest.begin() + 1, rest.end()});
    std::fputs("jiesu user: expected 'add'\n", stderr);
    return 2;
  }
  std::fprintf(stderr, "jiesu: unknown command '%s' (see jiesu --help)\n", cmd.c_str());
  return 2;
}
