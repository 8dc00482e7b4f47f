// The knowledge base (知识库): knowledge points that let an agent answer on the spot (直办),
// searched in Chinese. The store keeps the points; their texts are normalised and segmented
// (service::Suggester's text components) into an in-memory index (text::KnowledgeIndex, BM25
// with the question weighted over the answer), filled at start-up by Warm and kept by Save and
// Delete; a query's words are expanded with the jurisdiction's synonym groups (暖气 = 供暖).
// Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "domain/order.h"
#include "service/suggest.h"
#include "storage/store.h"
#include "text/knowledge_index.h"

namespace jiesu::service {

struct KnowledgeHit {
  storage::KnowledgePoint point;
  double score = 0;  // BM25; higher is better
  // The query's words (or their synonyms) the point holds: why it was found.
  std::vector<std::string> matched;
};

// The columns of a knowledge base as CSV (the export writes them all, an import names some).
inline const std::vector<std::string> kKnowledgeColumns = {
    "id", "question", "answer", "basis", "owner_unit", "status", "valid_from", "valid_to"};

// The points of a CSV body: a header naming some of id, question, answer, basis, owner_unit,
// status, valid_from and valid_to (dates as YYYY-MM-DD, local midnight, or RFC 3339), then a
// row per point. `lines` gets each point's line, for errors.
// Errors: kInvalidArgument naming the line (and the field) of the first problem.
Result<std::vector<storage::KnowledgePoint>> KnowledgeFromCsv(const std::string& body,
                                                              const domain::Jurisdiction& j,
                                                              std::vector<int64_t>& lines);

class Knowledge {
 public:
  Knowledge(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
            const Suggester& text);

  // Create (point.id == 0) or replace. Errors: kForbidden without manage_knowledge,
  // kInvalidArgument naming the field, kNotFound for a missing id.
  Result<storage::KnowledgePoint> Save(const domain::Actor& actor, storage::KnowledgePoint point);
  // The same for many points (a knowledge base brought in from elsewhere): all are checked
  // first, then saved in one transaction; on any error none is, and the error names the point
  // ("points[3].answer").
  Result<std::vector<storage::KnowledgePoint>> SaveAll(const domain::Actor& actor,
                                                       std::vector<storage::KnowledgePoint> points);
  Result<storage::KnowledgePoint> Get(int64_t id);
  // Every point, drafts and retired ones too, by id (roles with manage_knowledge).
  Result<std::vector<storage::KnowledgePoint>> All(const domain::Actor& actor);
  Status Delete(const domain::Actor& actor, int64_t id);
  // Best first. `current_only`: published and valid now (what agents see).
  Result<std::vector<KnowledgeHit>> Search(const std::string& text, bool current_only, int limit);
  // The same for a text already segmented: its Suggester::TopicWords.
  Result<std::vector<KnowledgeHit>> SearchWords(const std::vector<std::string>& words,
                                                bool current_only, int limit);
  // What a text's topic words search for. `terms`: of the distinct words (of two or more
  // characters when there are such) that occur in the knowledge base, themselves or through a
  // synonym, the six rarest there, each with its synonyms (a synonym of several words is a
  // phrase). `context`: the generic words among them (questions, pronouns, the hotline's
  // boilerplate), which rank the points that `terms` find but find none themselves.
  struct Query {
    std::vector<std::vector<std::string>> terms;
    std::vector<std::string> context;
  };
  Query QueryTerms(const std::vector<std::string>& words) const;

  // Indexes every stored point (at start-up; Save and Delete keep the index).
  Status Warm();

 private:
  text::KnowledgeIndex::Point Indexed(const storage::KnowledgePoint& p) const;
  Status MayChange(const domain::Actor& actor) const;
  // Every stored point, by id, a page at a time.
  Status ForEachStored(const std::function<void(storage::KnowledgePoint&)>& fn);
  Status Validate(const storage::KnowledgePoint& p) const;
  // Stores checked points in one transaction, then indexes them.
  Result<std::vector<storage::KnowledgePoint>> Commit(std::vector<storage::KnowledgePoint> points);
  // How many points hold `words` (a word, or a phrase: its rarest word).
  int Frequency(const std::vector<std::string>& words) const;

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  const Suggester& text_;
  // Each synonym, segmented as queries are, → its whole group, each segmented.
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> synonyms_;
  std::mutex write_mu_;  // one change at a time, so the index follows the store's order
  mutable std::shared_mutex mu_;
  text::KnowledgeIndex index_;
};

}  // namespace jiesu::service
