#include "service/knowledge.h"

#include <algorithm>
#include <optional>
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

std::vector<std::string> Knowledge::WordsOf(const storage::KnowledgePoint& p) const {
  std::set<std::string> words;
  for (const std::string& text : {text_.Words(p.question), text_.Words(p.answer + " " + p.basis)}) {
    size_t i = 0;
    while (i < text.size()) {
      size_t j = text.find(' ', i);
      if (j == std::string::npos) j = text.size();
      if (j > i) words.insert(text.substr(i, j - i));
      i = j + 1;
    }
  }
  return {words.begin(), words.end()};
}

void Knowledge::Count(const storage::KnowledgePoint& p, int delta) {
  const auto words = WordsOf(p);
  std::lock_guard lock(mu_);
  for (const auto& w : words) {
    auto it = df_.try_emplace(w, 0).first;
    it->second += delta;
    if (it->second <= 0) df_.erase(it);
  }
}

int Knowledge::Frequency(const std::string& words) const {
  int rarest = -1;
  size_t i = 0;
  while (i <= words.size()) {
    size_t j = words.find(' ', i);
    if (j == std::string::npos) j = words.size();
    if (j > i) {
      auto it = df_.find(words.substr(i, j - i));
      const int n = it == df_.end() ? 0 : it->second;
      rarest = rarest < 0 ? n : std::min(rarest, n);
    }
    i = j + 1;
  }
  return std::max(rarest, 0);
}

Status Knowledge::Warm() {
  int64_t after = 0;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(auto page, store_.ListKnowledge(after, 500));
    for (const auto& p : page) Count(p, +1);
    if (page.size() < 500) return {};
    after = page.back().id;
  }
}

std::string Knowledge::MatchQuery(const std::string& text) const {
  std::vector<std::string> words = text_.TopicWords(text);
  // Single characters only when nothing longer is there: they match nearly everything.
  bool longer = false;
  for (const auto& w : words) longer = longer || Utf8Length(w) >= 2;
  // The words that can match (themselves or a synonym), rarest in the knowledge base first;
  // at most kMaxWords, as every extra OR-ed word makes FTS5 rank more rows.
  constexpr size_t kMaxWords = 6;
  std::vector<std::pair<int, std::string>> candidates;  // (frequency, word), in text order
  {
    std::lock_guard lock(mu_);
    std::set<std::string> seen;
    for (const auto& w : words) {
      if ((longer && Utf8Length(w) < 2) || !seen.insert(w).second) continue;
      int n = Frequency(w);
      int any = n;
      if (auto it = synonyms_.find(w); it != synonyms_.end()) {
        for (const auto& s : it->second) any = std::max(any, Frequency(s));
      }
      if (any == 0) continue;  // nothing in the knowledge base holds it
      candidates.emplace_back(n > 0 ? n : any, w);
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (candidates.size() > kMaxWords) candidates.resize(kMaxWords);
  std::set<std::string> terms;
  for (const auto& [n, w] : candidates) {
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
  std::optional<storage::KnowledgePoint> old;
  if (p.id != 0) {
    JIESU_ASSIGN_OR_RETURN(old, store_.GetKnowledge(p.id));
  }
  JIESU_ASSIGN_OR_RETURN(
      storage::KnowledgePoint saved,
      store_.SaveKnowledge(p, text_.Words(p.question), text_.Words(p.answer + " " + p.basis)));
  if (old) Count(*old, -1);
  Count(saved, +1);
  return saved;
}

Result<storage::KnowledgePoint> Knowledge::Get(int64_t id) { return store_.GetKnowledge(id); }

Status Knowledge::Delete(const domain::Actor& actor, int64_t id) {
  if (!j_.roles.Allows(actor.role, domain::Action::kManageKnowledge)) {
    return Forbidden("role " + actor.role + " may not change the knowledge base");
  }
  JIESU_ASSIGN_OR_RETURN(storage::KnowledgePoint old, store_.GetKnowledge(id));
  JIESU_RETURN_IF_ERROR(store_.DeleteKnowledge(id));
  Count(old, -1);
  return {};
}

Result<std::vector<storage::KnowledgeHit>> Knowledge::Search(const std::string& text,
                                                             bool current_only, int limit) {
  const std::string match = MatchQuery(text);
  if (match.empty()) return std::vector<storage::KnowledgeHit>{};
  return store_.SearchKnowledge(match, current_only, clock_.Now(), limit);
}

}  // namespace jiesu::service
