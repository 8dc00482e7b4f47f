// The knowledge base (知识库): knowledge points that let an agent answer on the spot (直办),
// searched in Chinese. Texts are normalised and segmented (service::Suggester's text
// components) and the words indexed by the store (SQLite FTS5, ranked by BM25 with the
// question weighted over the answer); a query's words are expanded with the jurisdiction's
// synonym groups (暖气 = 供暖). Thread-safe.
#pragma once

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
  // The FTS5 query for `text`: its first six distinct words (of two or more characters when
  // there are such), each with its synonyms, OR-ed.
  std::string MatchQuery(const std::string& text) const;

 private:
  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  const Suggester& text_;
  // Each synonym, segmented as queries are, → its whole group, segmented.
  std::unordered_map<std::string, std::vector<std::string>> synonyms_;
};

}  // namespace jiesu::service
