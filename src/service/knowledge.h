// The knowledge base (知识库): knowledge points that let an agent answer on the spot (直办),
// searched in Chinese. Texts are normalised and segmented (service::Suggester's text
// components) and the words indexed by the store (SQLite FTS5, ranked by BM25 with the
// question weighted over the answer); a query's words are expanded with the jurisdiction's
// synonym groups (暖气 = 供暖). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "domain/order.h"
#include "service/suggest.h"
#include "storage/store.h"

namespace jiesu::service {

class Knowledge {
 public:
  Knowledge(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
            const Suggester& text);

  // Create (point.id == 0) or replace. Errors: kForbidden without manage_knowledge,
  // kInvalidArgument naming the field, kNotFound for a missing id.
  Result<storage::KnowledgePoint> Save(const domain::Actor& actor, storage::KnowledgePoint point);
  Result<storage::KnowledgePoint> Get(int64_t id);
  Status Delete(const domain::Actor& actor, int64_t id);
  // Best first. `current_only`: published and valid now (what agents see).
  Result<std::vector<storage::KnowledgeHit>> Search(const std::string& text, bool current_only,
                                                    int limit);
  // The FTS5 query for `text`: of its distinct words (of two or more characters when there are
  // such) that occur in the knowledge base, itself or through a synonym, the six rarest there,
  // each with its synonyms, OR-ed; "" when none occurs.
  std::string MatchQuery(const std::string& text) const;

  // Counts the words of every stored point (at start-up; Save and Delete keep the counts).
  Status Warm();

 private:
  // The distinct words of a point as the store indexes them.
  std::vector<std::string> WordsOf(const storage::KnowledgePoint& p) const;
  void Count(const storage::KnowledgePoint& p, int delta);
  // How many points hold `words` (a word, or a segmented phrase: its rarest word).
  int Frequency(const std::string& words) const;

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  const Suggester& text_;
  // Each synonym, segmented as queries are, → its whole group, segmented.
  std::unordered_map<std::string, std::vector<std::string>> synonyms_;
  // Word → how many points hold it: a query keeps the words that can match and prefers the
  // rare ones, so that BM25 ranks few rows (a 220-character request has some 60 words).
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> df_;
};

}  // namespace jiesu::service
