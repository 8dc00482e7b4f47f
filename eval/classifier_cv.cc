// Cross-validation of the category classifier on the Teddy Cup rows that are not held out
// (docs/TEXT.md, "Evaluation protocol"): `scripts/eval_text.sh cv`.
//
// The 2,618 raw rows outside the test split are cut into N folds (row order, every N-th row).
// For each fold, the test rows and the fold's rows are held out: training rows that are
// near-copies of any of them are dropped (the same leakage filter as `jiesu train-classifier
// --holdout`), the model is trained on what is left of the raw rows, the segmented file and
// the organiser's sample, and the fold's rows are scored. The figures are pooled over all
// folds, so each choice is judged on 2,618 rows with ~80% of the test run's training data,
// instead of on the 1,817 rows of one dev split with ~60% of it. The test rows are never
// scored here.
//
//   classifier_cv [--folds N] [--c C] [--ngrams N] [--min-df N] [--leak-threshold T]
//
// Ends with `cv_macro_f1=…` and `cv_accuracy=…` lines.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "data_dir.h"
#include "text/classifier.h"
#include "text/leak_filter.h"
#include "text/normalize.h"
#include "text/training_data.h"

namespace fs = std::filesystem;
using namespace jiesu;

namespace {

constexpr char kTestSplit[] = "split2020-05-07_test";

struct Options {
  int folds = 5;
  double leak_threshold = 0.7;
  text::ClassifierOptions classifier;
};

int Usage(const char* why) {
  std::fprintf(stderr,
               "classifier_cv: %s\nusage: classifier_cv [--folds N] [--c C] [--ngrams N] "
               "[--min-df N] [--leak-threshold T]\n",
               why);
  return 2;
}

// Parses "--name value" pairs; returns false (after printing why) on anything else.
bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (i + 1 >= argc) {
      Usage(("missing value for " + name).c_str());
      return false;
    }
    const std::string value = argv[++i];
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') {
      Usage((name + " needs a number, not '" + value + "'").c_str());
      return false;
    }
    if (name == "--folds" && v >= 2 && v <= 20 && v == static_cast<int>(v)) {
      o.folds = static_cast<int>(v);
    } else if (name == "--c" && v > 0 && v <= 1e4) {
      o.classifier.c = v;
    } else if (name == "--ngrams" && v >= 1 && v <= 4 && v == static_cast<int>(v)) {
      o.classifier.max_ngram = static_cast<int>(v);
    } else if (name == "--min-df" && v >= 1 && v <= 1000 && v == static_cast<int>(v)) {
      o.classifier.min_df = static_cast<int>(v);
    } else if (name == "--leak-threshold" && v >= 0.05 && v <= 1) {
      o.leak_threshold = v;
    } else {
      Usage(("unknown flag or value out of range: " + name + " " + value).c_str());
      return false;
    }
  }
  return true;
}

Result<std::vector<text::LabelledText>> Read(const fs::path& file, const std::string& columns,
                                             bool test_rows, bool other_rows) {
  text::CsvSelection s;
  s.text = columns;
  s.label = "label_l1";
  if (!other_rows) s.where.push_back({"origin_split", kTestSplit});
  if (!test_rows) s.where_not.push_back({"origin_split", kTestSplit});
  JIESU_ASSIGN_OR_RETURN(text::CsvRows rows, text::ReadLabelledCsv(file.string(), s));
  return std::move(rows.rows);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!ParseArgs(argc, argv, opt)) return 2;
  const fs::path dir = eval::DataDir() / "teddycup2020-gov-messages";
  const fs::path raw_file = dir / "fj2_raw_details_subset_4449.csv";
  if (eval::SkipWithout(raw_file)) return 0;
  auto normalizer = text::Normalizer::Create();
  auto test = Read(raw_file, "detail", true, false);
  auto raw = Read(raw_file, "detail", false, true);
  auto segmented = Read(dir / "fj2_full_segmented_9210.csv", "text_segmented", true, true);
  auto sample = Read(dir / "fj2_sample_raw_495.csv", "title+detail", true, true);
  for (const Status& s :
       {normalizer.status(), test.status(), raw.status(), segmented.status(), sample.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "classifier_cv: %s\n", s.error().ToString().c_str());
      return 1;
    }
  }
  std::printf(
      "%d folds over %zu raw rows outside the test split; %zu test rows held out, never scored; "
      "C=%g, character 1-%d-grams, min-df %d, leak threshold %.2f\n",
      opt.folds, raw->size(), test->size(), opt.classifier.c, opt.classifier.max_ngram,
      opt.classifier.min_df, opt.leak_threshold);

  std::vector<std::string> gold, predicted;
  const auto start = std::chrono::steady_clock::now();
  for (int fold = 0; fold < opt.folds; ++fold) {
    const auto in_fold = [&](size_t i) {
      return static_cast<int>(i % static_cast<size_t>(opt.folds)) == fold;
    };
    std::vector<std::string> held;
    for (const auto& r : *test) held.push_back(r.text);
    std::vector<const text::LabelledText*> scored;
    std::vector<text::LabelledText> rows;
    for (size_t i = 0; i < raw->size(); ++i) {
      if (in_fold(i)) {
        held.push_back((*raw)[i].text);
        scored.push_back(&(*raw)[i]);
      }
    }
    const text::LeakFilter filter(*normalizer, held, opt.leak_threshold);
    size_t dropped = 0;
    for (size_t i = 0; i < raw->size(); ++i) {
      if (in_fold(i)) continue;
      if (filter.IsCopy((*raw)[i].text)) {
        ++dropped;
      } else {
        rows.push_back((*raw)[i]);
      }
    }
    for (const auto* source : {&*segmented, &*sample}) {
      for (const auto& r : *source) {
        if (filter.IsCopy(r.text)) {
          ++dropped;
        } else {
          rows.push_back(r);
        }
      }
    }
    auto model = text::Classifier::Train(*normalizer, rows, opt.classifier);
    if (!model.ok()) {
      std::fprintf(stderr, "classifier_cv: %s\n", model.error().ToString().c_str());
      return 1;
    }
    std::vector<std::string> fold_gold, fold_predicted;
    for (const auto* r : scored) {
      fold_gold.push_back(r->label);
      fold_predicted.push_back((*model)->Predict(r->text, 1).front().label);
    }
    std::printf("fold %d: trained on %zu rows (%zu dropped as copies), scored %zu: macro-F1 %.4f\n",
                fold, rows.size(), dropped, scored.size(),
                text::Score(fold_gold, fold_predicted).macro_f1);
    std::fflush(stdout);
    gold.insert(gold.end(), fold_gold.begin(), fold_gold.end());
    predicted.insert(predicted.end(), fold_predicted.begin(), fold_predicted.end());
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const text::ClassifierReport report = text::Score(gold, predicted);
  // The report without its own macro_f1= / accuracy= lines: these figures are cv_ ones.
  std::string text = text::FormatReport(report);
  text.resize(text.rfind("\nmacro_f1="));
  std::printf("\npooled over %zu rows (%.0f s):\n%s\n", gold.size(), secs, text.c_str());
  std::printf("cv_macro_f1=%.4f\ncv_accuracy=%.4f\n", report.macro_f1, report.accuracy);
  return 0;
}
