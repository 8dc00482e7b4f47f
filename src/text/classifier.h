// Category classifier trained from a jurisdiction's own labelled history.
//
// Features are TF-IDF weighted character 1- and 2-grams of the normalised text (letters and
// digits only), L2-normalised; the model is a one-vs-rest linear SVM trained by liblinear.
// Character n-grams make the model indifferent to how a text was segmented, which matters
// here: training rows may come pre-segmented (with stop-words removed) while requests arrive
// raw. On the Teddy Cup dev rows this beat fastText by 4 points of macro-F1 (docs/TEXT.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "text/normalize.h"

namespace jiesu::text {

struct LabelledText {
  std::string text;
  std::string label;
};

struct ClassifierOptions {
  int max_ngram = 2;              // character n-grams 1..max_ngram
  int min_df = 2;                 // n-grams seen in fewer training rows are dropped
  double c = 4.0;                 // SVM cost (tuned on the dev rows, docs/TEXT.md)
  double confidence_scale = 3.0;  // softmax scale turning SVM margins into confidences
};

struct ScoredLabel {
  std::string label;
  double confidence = 0;  // softmax of the margins: a ranking aid, not a calibrated probability
};

class Classifier {
 public:
  // Errors: kInvalidArgument for fewer than two labels or an empty training set.
  static Result<std::shared_ptr<const Classifier>> Train(
      std::shared_ptr<const Normalizer> normalizer, const std::vector<LabelledText>& rows,
      const ClassifierOptions& options);
  // Errors: kNotFound (no file), kInvalidArgument (not a jiesu model, or damaged).
  static Result<std::shared_ptr<const Classifier>> Load(
      std::shared_ptr<const Normalizer> normalizer, const std::string& path);
  // Writes to `path` atomically (a temporary file renamed over it).
  Status Save(const std::string& path) const;

  // The `k` most likely labels, best first.
  std::vector<ScoredLabel> Predict(std::string_view text, size_t k) const;
  // The same for text already reduced by Normalizer::Content (saves normalising twice).
  std::vector<ScoredLabel> PredictContent(std::string_view content, size_t k) const;
  const std::vector<std::string>& labels() const { return labels_; }
  size_t feature_count() const { return idf_.size(); }
  size_t training_rows() const { return training_rows_; }

 private:
  Classifier() = default;
  // Sparse TF-IDF vector of content text: (feature index, value), sorted by index.
  void Vectorize(std::string_view content, std::vector<std::pair<uint32_t, float>>& out) const;

  std::shared_ptr<const Normalizer> normalizer_;
  ClassifierOptions options_;
  std::vector<std::string> labels_;
  // The n-grams, by feature index, and an open-addressing table from an n-gram's 64-bit hash
  // to its index (a flat probe instead of a node-based map: the lookups are the hot loop).
  std::vector<std::string> grams_;
  std::vector<std::pair<uint64_t, uint32_t>> table_;
  void BuildTable();
  int64_t Lookup(std::string_view gram) const;
  std::vector<float> idf_;
  std::vector<float> weights_;  // feature-major: weights_[f * labels + k]
  size_t training_rows_ = 0;
};

// Evaluation of predictions against gold labels: accuracy, macro-F1 over the gold labels,
// per-label precision/recall/F1 and the confusion matrix.
struct LabelScores {
  std::string label;
  int support = 0;
  double precision = 0, recall = 0, f1 = 0;
};
struct ClassifierReport {
  size_t rows = 0;
  double accuracy = 0;
  double macro_f1 = 0;
  std::vector<LabelScores> per_label;
  std::vector<std::string> matrix_labels;  // rows: gold, columns: predicted
  std::vector<std::vector<int>> confusion;
};
ClassifierReport Score(const std::vector<std::string>& gold,
                       const std::vector<std::string>& predicted);
std::string FormatReport(const ClassifierReport& report);

}  // namespace jiesu::text
