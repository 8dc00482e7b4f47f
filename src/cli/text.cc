// jiesu train-classifier and jiesu eval-classifier: the category classifier from a
// jurisdiction's own labelled history (docs/TEXT.md).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "analytics/csv.h"
#include "app/app.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/open.h"
#include "config/loader.h"
#include "text/classifier.h"
#include "text/leak_filter.h"
#include "text/training_data.h"

namespace jiesu::cli {

namespace {

int Fail(const char* cmd, const Error& e, int code) {
  std::fprintf(stderr, "jiesu %s: %s\n", cmd, e.ToString().c_str());
  return code;
}

int ExitFor(const Error& e) { return e.code == ErrorCode::kInvalidArgument ? 2 : 1; }

// The row selection flags shared by both commands.
Result<text::CsvSelection> Selection(const Flags& f, const std::string& prefix) {
  text::CsvSelection s;
  s.text = f.Get(prefix + "text", "text");
  s.label = f.Get("label", "category");
  if (f.Has(prefix + "where")) {
    auto c = text::ParseCondition(f.Get(prefix + "where"));
    if (!c.ok()) return c.error();
    s.where.push_back(*c);
  }
  if (f.Has(prefix + "where-not")) {
    auto c = text::ParseCondition(f.Get(prefix + "where-not"));
    if (!c.ok()) return c.error();
    s.where_not.push_back(*c);
  }
  return s;
}

Result<double> Number(const Flags& f, const std::string& name, double fallback, double min,
                      double max) {
  if (!f.Has(name)) return fallback;
  try {
    size_t used = 0;
    const std::string v = f.Get(name);
    double d = std::stod(v, &used);
    if (used != v.size() || d < min || d > max) throw std::invalid_argument(v);
    return d;
  } catch (const std::exception&) {
    return InvalidArgument("--" + name + " must be a number in [" + std::to_string(min) + ", " +
                               std::to_string(max) + "]",
                           name);
  }
}

// --config DIR [--level N]: every label is read as a category of the jurisdiction's taxonomy
// (by code, or by name) and becomes its code, cut to its level-N ancestor when asked. Then rows
// labelled with names (the Teddy Cup's 城乡建设) and rows from export-training (codes such as
// 010104) train one model of the same classes.
struct LabelCodes {
  std::optional<domain::Jurisdiction> j;
  int level = 0;  // 0: the category's own code
};

Result<LabelCodes> LabelCodesFromFlags(const Flags& f) {
  LabelCodes l;
  if (!f.Has("config")) {
    if (f.Has("level")) return InvalidArgument("--level needs --config (the taxonomy)", "level");
    return l;
  }
  auto level = f.Int("level", 0, 1, 8);
  if (!level.ok()) return level.error();
  auto j = config::LoadJurisdiction(f.Get("config"));
  if (!j.ok()) return j.error();
  l.j = std::move(*j);
  l.level = *level;
  return l;
}

// Rewrites the labels of `rows` (read from `path`) as category codes. A label that is not a
// category, or has no category at the level asked for, is an error naming the labels.
Status ToCodes(const LabelCodes& l, const std::string& path,
               std::vector<text::LabelledText>& rows) {
  if (!l.j) return Ok();
  std::map<std::string, int64_t> unknown;
  for (auto& r : rows) {
    const domain::Category* c = l.j->taxonomy.Resolve(r.label);
    if (c != nullptr && l.level > 0 && c->code.size() > 2 * static_cast<size_t>(l.level))
      c = l.j->taxonomy.Find(c->code.substr(0, 2 * static_cast<size_t>(l.level)));
    if (c == nullptr) {
      ++unknown[r.label];
      continue;
    }
    r.label = c->code;
  }
  if (unknown.empty()) return Ok();
  std::string names;
  int shown = 0;
  for (const auto& [label, n] : unknown) {
    if (shown++ == 5) {
      names += ", …";
      break;
    }
    names += (names.empty() ? "'" : ", '") + label + "' (" + std::to_string(n) + " rows)";
  }
  return InvalidArgument(path + ": " + std::to_string(unknown.size()) +
                             " labels are not categories of the taxonomy of " + l.j->id +
                             (l.level > 0 ? " at level " + std::to_string(l.level) : "") + ": " +
                             names,
                         "label");
}

}  // namespace

int TrainClassifier(const std::vector<std::string>& args) {
  const char* cmd = "train-classifier";
  auto flags = Flags::Parse(
      args,
      {"out", "text", "label", "where", "where-not", "holdout", "holdout-text", "holdout-where",
       "holdout-where-not", "leak-threshold", "c", "min-df", "ngrams", "config", "level"},
      {});
  if (!flags.ok()) return Fail(cmd, flags.error(), 2);
  auto out = flags->Require("out");
  if (!out.ok()) return Fail(cmd, out.error(), 2);
  if (flags->positional().empty()) {
    std::fputs(
        "usage: jiesu train-classifier --out MODEL [--text COLS] [--label COLS] "
        "[--config DIR [--level N]] [--holdout FILE ...] FILE...\n",
        stderr);
    return 2;
  }
  auto sel = Selection(*flags, "");
  if (!sel.ok()) return Fail(cmd, sel.error(), 2);
  text::ClassifierOptions opt;
  auto c = Number(*flags, "c", opt.c, 1e-4, 1e4);
  auto threshold = Number(*flags, "leak-threshold", 0.7, 0.05, 1.0);
  auto min_df = flags->Int("min-df", opt.min_df, 1, 1000);
  auto ngrams = flags->Int("ngrams", opt.max_ngram, 1, 4);
  if (!c.ok()) return Fail(cmd, c.error(), 2);
  if (!threshold.ok()) return Fail(cmd, threshold.error(), 2);
  if (!min_df.ok()) return Fail(cmd, min_df.error(), 2);
  if (!ngrams.ok()) return Fail(cmd, ngrams.error(), 2);
  opt.c = *c;
  opt.min_df = *min_df;
  opt.max_ngram = *ngrams;
  auto codes = LabelCodesFromFlags(*flags);
  if (!codes.ok()) return Fail(cmd, codes.error(), 2);

  auto normalizer = text::Normalizer::Create();
  if (!normalizer.ok()) return Fail(cmd, normalizer.error(), 1);

  std::unique_ptr<text::LeakFilter> filter;
  if (flags->Has("holdout")) {
    auto hsel = Selection(*flags, "holdout-");
    if (!hsel.ok()) return Fail(cmd, hsel.error(), 2);
    if (!flags->Has("holdout-text")) hsel->text = sel->text;
    auto held = text::ReadLabelledCsv(flags->Get("holdout"), *hsel);
    if (!held.ok()) return Fail(cmd, held.error(), ExitFor(held.error()));
    std::vector<std::string> texts;
    for (auto& r : held->rows) texts.push_back(std::move(r.text));
    std::printf(
        "held out: %zu rows of %s (column %s); training rows that are near-copies of them "
        "(containment >= %.2f) are dropped\n",
        texts.size(), flags->Get("holdout").c_str(), held->text_columns.c_str(), *threshold);
    filter = std::make_unique<text::LeakFilter>(*normalizer, texts, *threshold);
  }

  std::vector<text::LabelledText> rows;
  size_t dropped_total = 0;
  for (const std::string& path : flags->positional()) {
    auto read = text::ReadLabelledCsv(path, *sel);
    if (!read.ok()) return Fail(cmd, read.error(), ExitFor(read.error()));
    if (Status s = ToCodes(*codes, path, read->rows); !s.ok()) return Fail(cmd, s.error(), 2);
    size_t dropped = 0;
    for (auto& r : read->rows) {
      if (filter && filter->IsCopy(r.text)) {
        ++dropped;
        continue;
      }
      rows.push_back(std::move(r));
    }
    dropped_total += dropped;
    std::printf(
        "%s: %zu rows (column %s), %lld filtered out, %lld empty, %zu dropped as copies "
        "of held-out rows\n",
        path.c_str(), read->rows.size(), read->text_columns.c_str(),
        static_cast<long long>(read->filtered), static_cast<long long>(read->empty), dropped);
  }
  const auto start = std::chrono::steady_clock::now();
  auto model = text::Classifier::Train(*normalizer, rows, opt);
  if (!model.ok()) return Fail(cmd, model.error(), ExitFor(model.error()));
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (auto s = (*model)->Save(*out); !s.ok()) return Fail(cmd, s.error(), 1);
  std::printf(
      "trained on %zu rows (%zu dropped as held-out copies), %zu labels, %zu features, "
      "in %.1f s → %s\n",
      rows.size(), dropped_total, (*model)->labels().size(), (*model)->feature_count(), secs,
      out->c_str());
  std::printf("leak_dropped_rows=%zu\n", dropped_total);
  return 0;
}

int EvalClassifier(const std::vector<std::string>& args) {
  const char* cmd = "eval-classifier";
  auto flags =
      Flags::Parse(args, {"model", "text", "label", "where", "where-not", "config", "level"}, {});
  if (!flags.ok()) return Fail(cmd, flags.error(), 2);
  auto model_path = flags->Require("model");
  if (!model_path.ok()) return Fail(cmd, model_path.error(), 2);
  if (flags->positional().empty()) {
    std::fputs(
        "usage: jiesu eval-classifier --model MODEL [--text COLS] [--label COLS] "
        "[--config DIR [--level N]] FILE...\n",
        stderr);
    return 2;
  }
  auto sel = Selection(*flags, "");
  if (!sel.ok()) return Fail(cmd, sel.error(), 2);
  auto codes = LabelCodesFromFlags(*flags);
  if (!codes.ok()) return Fail(cmd, codes.error(), 2);
  auto normalizer = text::Normalizer::Create();
  if (!normalizer.ok()) return Fail(cmd, normalizer.error(), 1);
  auto model = text::Classifier::Load(*normalizer, *model_path);
  if (!model.ok()) return Fail(cmd, model.error(), ExitFor(model.error()));
  std::vector<std::string> gold, predicted;
  for (const std::string& path : flags->positional()) {
    auto read = text::ReadLabelledCsv(path, *sel);
    if (!read.ok()) return Fail(cmd, read.error(), ExitFor(read.error()));
    if (Status s = ToCodes(*codes, path, read->rows); !s.ok()) return Fail(cmd, s.error(), 2);
    std::printf("%s: %zu rows (column %s), %lld filtered out\n", path.c_str(), read->rows.size(),
                read->text_columns.c_str(), static_cast<long long>(read->filtered));
    for (const auto& r : read->rows) {
      gold.push_back(r.label);
      predicted.push_back((*model)->Predict(r.text, 1).front().label);
    }
  }
  std::fputs(text::FormatReport(text::Score(gold, predicted)).c_str(), stdout);
  return 0;
}

// jiesu export-training: the categories the hotline confirmed or corrected, as training rows
// for train-classifier (text, category), with what the model had suggested at intake.
int ExportTraining(const std::vector<std::string>& args) {
  auto flags = Flags::Parse(args, {"config", "db", "out", "from", "to"}, {});
  if (!flags.ok()) return Fail("export-training", flags.error(), 2);
  auto out = flags->Require("out");
  if (!out.ok()) return Fail("export-training", out.error(), 2);
  storage::OrderFilter f;
  for (const char* key : {"from", "to"}) {
    if (!flags->Has(key)) continue;
    auto t = ParseRfc3339(flags->Get(key));
    if (!t.ok()) {
      return Fail("export-training",
                  InvalidArgument(std::string("--") + key + ": " + t.error().message, key), 2);
    }
    (std::string(key) == "from" ? f.created_from : f.created_to) = *t;
  }
  auto app = OpenExisting(*flags, false);
  if (!app.ok()) return Fail("export-training", app.error(), ExitFor(app.error()));
  storage::Store& store = (*app)->store();
  const std::string tmp = *out + ".tmp";
  std::FILE* file = std::fopen(tmp.c_str(), "w");
  if (file == nullptr) {
    return Fail("export-training", Unavailable("cannot write " + tmp), 1);
  }
  std::fputs("id,text,category,state,suggested,agreed\n", file);
  int64_t rows = 0, suggested = 0, agreed = 0, below = 0;
  f.limit = 200;
  while (true) {
    auto page = store.ListOrders(f);
    if (!page.ok()) {
      std::fclose(file);
      std::remove(tmp.c_str());
      return Fail("export-training", page.error(), 1);
    }
    for (const auto& s : page->orders) {
      // Confirmed by the hotline: answered, dispatched or beyond.
      if (s.category.empty() || !domain::HotlineDecided(s.state)) continue;
      auto order = store.GetOrder(s.id);
      if (!order.ok()) continue;
      const std::string& model = order->draft.suggested.category;
      const std::string text = s.title.empty()     ? s.content
                               : s.content.empty() ? s.title
                                                   : s.title + "。" + s.content;
      std::string agree;
      if (!model.empty()) {
        ++suggested;
        agreed += model == s.category;
        // A model of coarser classes (level 1, as the demo's) is right when the category lies
        // below its suggestion.
        below += domain::Taxonomy::IsBelow(s.category, model);
        agree = model == s.category ? "1" : "0";
      }
      std::fprintf(file, "%lld,%s,%s,%s,%s,%s\n", static_cast<long long>(s.id),
                   analytics::CsvField(text).c_str(), s.category.c_str(),
                   std::string(domain::Name(s.state)).c_str(), model.c_str(), agree.c_str());
      ++rows;
    }
    if (page->next_cursor == 0) break;
    f.before_id = page->next_cursor;
  }
  if (std::fclose(file) != 0 || std::rename(tmp.c_str(), out->c_str()) != 0) {
    std::remove(tmp.c_str());
    return Fail("export-training", Unavailable("cannot write " + *out), 1);
  }
  std::printf("wrote %s: %lld rows", out->c_str(), static_cast<long long>(rows));
  if (suggested > 0) {
    std::printf("; the model's suggestion agreed with the hotline on %lld of %lld (%.1f%%)",
                static_cast<long long>(agreed), static_cast<long long>(suggested),
                100.0 * static_cast<double>(agreed) / static_cast<double>(suggested));
    if (below > 0) {
      std::printf(", and on %lld more the hotline chose a category below the suggested one",
                  static_cast<long long>(below));
    }
  }
  std::printf("\n");
  return 0;
}

}  // namespace jiesu::cli
