#include "service/knowledge.h"

#include <algorithm>
#include <set>

#include "base/utf8.h"

namespace jiesu::service {

namespace {

// An FTS5 string literal (a phrase when it holds spaces).
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Knowledge::Knowledge(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
                     const Suggester& text)
    : store_(store), j_(j), clock_(clock), text_(text) {
  for (const auto& group : j_.synonyms) {
    std::vector<std::string> words;
    for (const auto& g : group) words.push_back(text_.Words(g));
    for (const auto& w : words) {
      auto& all = synonyms_[w];
      all.insert(all.end(), words.begin(), words.end());
    }
  }
}

std::string Knowledge::MatchQuery(const std::string& text) const {
  std::vector<std::string> words = text_.TopicWords(text);
  // Single characters only when nothing longer is there: they match nearly everything.
  bool longer = false;
  for (const auto& w : words) longer = longer || Utf8Length(w) >= 2;
  // At most kMaxWords words, in the order written, leaving out places and numbers: a long
  // request's opening says what it is about, and every extra OR-ed word makes FTS5 rank more rows
  // (a 220-character request has some 60 words; with all of them a search over 2,000 points took
  // ~50 ms).
  constexpr size_t kMaxWords = 6;
  std::vector<std::string> distinct;
  for (const auto& w : words) {
    if (distinct.size() == kMaxWords) break;
    if (longer && Utf8Length(w) < 2) continue;
    if (std::find(distinct.begin(), distinct.end(), w) == distinct.end()) distinct.push_back(w);
  }
  std::set<std::string> terms;
  for (const auto& w : distinct) {
    terms.insert(w);
    if (auto it = synonyms_.find(w); it != synonyms_.end()) {
      terms.insert(it->second.begin(), it->second.end());  // segmented: phrases
    }
  }
  std::string q;
  for (const auto& t : terms) {
    if (t.empty()) continue;
    if (!q.empty()) q += " OR ";
    q += Quote(t);
  }
  return q;
}

Result<storage::KnowledgePoint> Knowledge::Save(const domain::Actor& actor,
                                                storage::KnowledgePoint p) {
  if (!j_.roles.Allows(actor.role, domain::Action::kManageKnowledge)) {
    return Forbidden("role " + actor.role + " may not change the knowledge base");
  }
  const size_t limit = static_cast<size_t>(j_.policy.max_content_chars);
  for (auto [field, value] : {std::pair<const char*, const std::string*>{"question", &p.question},
                              {"answer", &p.answer}}) {
    if (value->empty()) return InvalidArgument(std::string(field) + " is required", field);
  }
  for (auto [field, value] : {std::pair<const char*, const std::string*>{"question", &p.question},
                              {"answer", &p.answer},
                              {"basis", &p.basis}}) {
    if (Utf8Length(*value) > limit) {
      return Error{ErrorCode::kTooLarge,
                   std::string(field) + " is longer than " + std::to_string(limit) + " characters",
                   field};
    }
  }
  if (p.status != "draft" && p.status != "published" && p.status != "retired") {
    return InvalidArgument("status must be draft, published or retired", "status");
  }
  if (!p.owner_unit.empty() && j_.units.Find(p.owner_unit) == nullptr) {
    return InvalidArgument("unknown unit '" + p.owner_unit + "'", "owner_unit");
  }
  if (p.valid_from && p.valid_to && *p.valid_to <= *p.valid_from) {
    return InvalidArgument("valid_to must be after valid_from", "valid_to");
  }
  p.updated_at = clock_.Now();
  return store_.SaveKnowledge(p, text_.Words(p.question), text_.Words(p.answer + " " + p.basis));
}

Result<storage::KnowledgePoint> Knowledge::Get(int64_t id) { return store_.GetKnowledge(id); }

Status Knowledge::Delete(const domain::Actor& actor, int64_t id) {
  if (!j_.roles.Allows(actor.role, domain::Action::kManageKnowledge)) {
    return Forbidden("role " + actor.role + " may not change the knowledge base");
  }
  return store_.DeleteKnowledge(id);
}

Result<std::vector<storage::KnowledgeHit>> Knowledge::Search(const std::string& text,
                                                             bool current_only, int limit) {
  return store_.SearchKnowledge(MatchQuery(text), current_only, clock_.Now(), limit);
}

}  // namespace jiesu::service
