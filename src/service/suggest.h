// What a trained dispatcher would suggest for a request as it is typed (SPEC §6, issue 3):
// the category (top three with confidence), the request type and urgency hints, where it
// happened (codes with the matched spans), the units to send it to with the catalogue's
// reason, likely duplicates among recent orders, and the words of the text. Combines the
// text/ library with the jurisdiction; keeps the duplicate index of recent orders, which
// intake feeds. Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "domain/order.h"
#include "storage/store.h"
#include "text/boundaries.h"
#include "text/classifier.h"
#include "text/cues.h"
#include "text/dup_index.h"
#include "text/gazetteer.h"
#include "text/normalize.h"
#include "text/segment.h"

namespace jiesu::service {

struct SuggesterOptions {
  // data/divisions (the national division codes); when missing, the gazetteer knows only the
  // jurisdiction's own areas.
  std::string divisions_dir = "data/divisions";
  std::string classifier_path;  // empty: no classifier (intake works and says so)
  // GeoJSON district boundaries (feature property "adcode") for coordinates; empty: none.
  std::string boundaries_path;
  text::DupOptions duplicates;
};

struct Suggestion {
  struct Category {
    std::string code;  // taxonomy code, empty when the model's label is not in the taxonomy
    std::string name;
    std::string label;  // the model's label
    double confidence = 0;
  };
  struct Unit {
    std::string unit_id;
    std::string name;
    std::string role;  // "lead" or "co"
    std::string category;
    std::string reason;  // "catalogue: 供暖 × 朝阳区 → 北京市热力集团"
  };
  std::vector<Category> categories;
  std::string classifier_note;  // why there are no categories, when there are none
  text::CueHint request_type;
  text::CueHint urgency;
  text::Location location;      // mentions point into the suggester's gazetteer
  std::string location_source;  // "coordinates", "address" or "text": what decided the district
  std::string mentions_source;  // "address" or "text": where the mentions' spans are
  std::string district_code, street_code, community_code;
  std::vector<Unit> units;
  std::vector<text::DupCandidate> duplicates;
  std::vector<std::string> words;
  // The words that say what the text is about (see Suggester::TopicWords), for the knowledge
  // base: from the same segmentation, so the search does not segment again.
  std::vector<std::string> topic_words;
  std::string normalized;  // the text the spans refer to
};

// The category model in use, for those who run the server.
struct ClassifierInfo {
  struct Label {
    std::string label;  // as the model has it
    std::string code;   // the taxonomy's category it maps to; empty when none
    std::string name;
  };
  bool loaded = false;
  std::string path;  // the file it is (re)loaded from; empty when the server has none
  std::vector<Label> labels;
  size_t features = 0;
  size_t training_rows = 0;
  TimePoint loaded_at{};
  TimePoint file_modified_at{};
};

class Suggester {
 public:
  // Loads the classifier of `options`, when it names one. A model none of whose labels is a
  // category of the taxonomy (by code or by name) is refused: it was trained for another
  // jurisdiction.
  static Result<std::unique_ptr<Suggester>> Create(const domain::Jurisdiction& j,
                                                   const SuggesterOptions& options,
                                                   const Clock& clock);

  // `now` fixes the day for the duplicate window. Coordinates (in the boundaries' frame), when
  // given and inside a district, decide the district over the text.
  Suggestion Suggest(const std::string& text, const std::string& address, TimePoint now,
                     std::optional<double> lat = std::nullopt,
                     std::optional<double> lon = std::nullopt) const;
  // The summary intake stores beside what the agent chose.
  domain::Suggested Summarize(const Suggestion& s) const;
  // Adds an order to the duplicate index (intake calls this after each new order); an open
  // district or category is taken from the order's stored suggestion.
  void Remember(int64_t id, const domain::OrderDraft& draft, TimePoint created_at);
  // Fills the duplicate index with the orders of the last window_days (at start-up).
  Status Warm(storage::Store& store, TimePoint now);
  std::vector<text::DupCluster> Clusters(size_t min_size, TimePoint since, size_t limit) const;

  // The words of `text` (normalised, segmented) separated by single spaces.
  std::string Words(const std::string& text) const;
  // The words that say what `text` is about: without place and unit names (the user
  // dictionary's words) and numbers.
  std::vector<std::string> TopicWords(const std::string& text) const;
  bool has_classifier() const { return model_.load() != nullptr; }
  // Loads the model file named at start-up again (after `jiesu train-classifier` replaced it)
  // and swaps it in; suggestions under way finish with the model they started with. On any
  // error the model in use stays. Errors: kConflict (no model file was named at start-up),
  // kNotFound, kInvalidArgument (damaged, or trained for another taxonomy).
  Result<ClassifierInfo> ReloadClassifier();
  ClassifierInfo classifier_info() const;
  const text::Normalizer& normalizer() const { return *normalizer_; }
  const text::DuplicateIndex& duplicates() const { return *dups_; }
  int32_t LocalDay(TimePoint t) const;

 private:
  // A loaded model and what each of its labels maps to in the taxonomy.
  struct Model {
    std::shared_ptr<const text::Classifier> classifier;
    std::unordered_map<std::string, const domain::Category*> categories;  // null: unmapped
    TimePoint loaded_at{}, file_modified_at{};
  };
  Result<std::shared_ptr<const Model>> LoadModel() const;

  Suggester(const domain::Jurisdiction& j, const Clock& clock) : j_(j), clock_(clock) {}
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  std::shared_ptr<const text::Normalizer> normalizer_;
  std::shared_ptr<const text::Segmenter> segmenter_;
  std::shared_ptr<const text::Gazetteer> gazetteer_;
  std::string classifier_path_;
  std::atomic<std::shared_ptr<const Model>> model_;
  std::mutex reload_mu_;  // one reload at a time
  std::unique_ptr<text::Boundaries> boundaries_;
  std::unique_ptr<text::DuplicateIndex> dups_;
  int window_days_ = 90;
};

}  // namespace jiesu::service
