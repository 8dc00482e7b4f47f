// The knowledge base's search index, in memory: each point's segmented words, ranked by BM25
// with the question's words weighted 3 and the answer's 1 (the same formula as SQLite FTS5's
// bm25()). The store keeps the points; this index is rebuilt from them at start-up and kept by
// every change. An FTS5 table did the same work first and took ~470 µs a query with 2,000
// points (its posting lists and ranking go through the virtual-table layer and the pager);
// this takes microseconds, so the suggestion API can search on every keystroke. Pure; not
// thread-safe (the caller guards it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace jiesu::text {

class KnowledgeIndex {
 public:
  struct Point {
    std::vector<std::string> question;  // words, in order
    std::vector<std::string> answer;    // the answer's and the policy basis's words
    bool published = false;
    std::optional<int64_t> valid_from_ms;  // inclusive
    std::optional<int64_t> valid_to_ms;    // exclusive
  };
  struct Hit {
    int64_t id = 0;
    double score = 0;  // higher is better
    // The terms (a phrase's words joined) and context words the point holds, in query order;
    // only the first 64 terms and words of a query are recorded.
    std::vector<std::string> matched;
  };

  // Adds or replaces point `id`.
  void Put(int64_t id, Point p);
  void Remove(int64_t id);
  size_t size() const { return docs_.size(); }
  // How many points hold `word`.
  int Frequency(const std::string& word) const;
  // Points holding any of `terms` (each one word, or a phrase of consecutive words), best
  // first, at most `limit`; with `current_only`, published and valid at `now_ms`. `context`
  // words add to the score of the best 32 (or `limit`) of those points but bring in none.
  std::vector<Hit> Search(const std::vector<std::vector<std::string>>& terms, bool current_only,
                          int64_t now_ms, size_t limit,
                          const std::vector<std::string>& context = {}) const;

 private:
  struct Posting {
    int64_t id;
    float weighted_tf;  // 3 × in the question + 1 × in the answer
  };
  struct Doc {
    Point point;
    int length = 0;  // words in both
  };
  // A phrase's weighted count in one point.
  static float PhraseCount(const Doc& d, const std::vector<std::string>& phrase);

  std::unordered_map<int64_t, Doc> docs_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;  // by id
  int64_t total_length_ = 0;
};

}  // namespace jiesu::text
