#include "service/knowledge.h"

#include <set>

#include "base/utf8.h"

namespace jiesu::service {

namespace {

std::vector<std::string> SplitWords(const std::string& joined) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= joined.size(); ++i) {
    if (i == joined.size() || joined[i] == ' ') {
      if (i > start) out.push_back(joined.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

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

std::string Knowledge::MatchQuery(const std::string& text) const {
  std::vector<std::string> words = SplitWords(text_.Words(text));
  // Single characters only when nothing longer is there: they match nearly everything.
  bool longer = false;
  for (const auto& w : words) longer = longer || Utf8Length(w) >= 2;
  std::set<std::string> terms;
  for (const auto& w : words) {
    if (longer && Utf8Length(w) < 2) continue;
    terms.insert(w);
    for (const auto& group : j_.synonyms) {
      bool in = false;
      for (const auto& g : group) in = in || text_.Words(g) == w;
      if (!in) continue;
      for (const auto& g : group) terms.insert(text_.Words(g));  // segmented: a phrase
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

Result<storage::KnowledgePoint> Knowledge::Save(const domain::Actor& actor, storage::KnowledgePoint p) {
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
                   std::string(field) + " is longer than " + std::to_string(limit) + " characters", field};
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

Result<std::vector<storage::KnowledgeHit>> Knowledge::Search(const std::string& text, bool current_only,
                                                             int limit) {
  return store_.SearchKnowledge(MatchQuery(text), current_only, clock_.Now(), limit);
}

}  // namespace jiesu::service
