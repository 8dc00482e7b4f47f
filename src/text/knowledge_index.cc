#include "text/knowledge_index.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace jiesu::text {

namespace {

constexpr float kQuestionWeight = 3.0f;
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// How many of the points the terms rank best the context words rerank.
constexpr size_t kContextRerank = 32;

size_t Count(const std::vector<std::string>& words, const std::vector<std::string>& phrase) {
  if (phrase.empty() || words.size() < phrase.size()) return 0;
  size_t n = 0;
  for (size_t i = 0; i + phrase.size() <= words.size(); ++i) {
    if (std::equal(phrase.begin(), phrase.end(), words.begin() + static_cast<ptrdiff_t>(i))) ++n;
  }
  return n;
}

// BM25's term-frequency part for a weighted count `f` in a point of `len` words.
double Bm25Tf(double f, double len, double avg_length) {
  return f * (kK1 + 1) / (f + kK1 * (1 - kB + kB * len / avg_length));
}

}  // namespace

float KnowledgeIndex::PhraseCount(const Doc& d, const std::vector<std::string>& phrase) {
  return kQuestionWeight * static_cast<float>(Count(d.point.question, phrase)) +
         static_cast<float>(Count(d.point.answer, phrase));
}

void KnowledgeIndex::Put(int64_t id, Point p) {
  Remove(id);
  std::map<std::string, float> tf;
  for (const auto& w : p.question) tf[w] += kQuestionWeight;
  for (const auto& w : p.answer) tf[w] += 1.0f;
  for (const auto& [w, f] : tf) {
    auto& list = postings_[w];
    auto at = std::lower_bound(list.begin(), list.end(), id,
                               [](const Posting& a, int64_t b) { return a.id < b; });
    list.insert(at, Posting{id, f});
  }
  Doc d;
  d.length = static_cast<int>(p.question.size() + p.answer.size());
  d.point = std::move(p);
  total_length_ += d.length;
  docs_.emplace(id, std::move(d));
}

void KnowledgeIndex::Remove(int64_t id) {
  auto it = docs_.find(id);
  if (it == docs_.end()) return;
  for (const auto* words : {&it->second.point.question, &it->second.point.answer}) {
    for (const auto& w : *words) {
      auto p = postings_.find(w);
      if (p == postings_.end()) continue;  // already removed through an earlier repeat
      auto& list = p->second;
      auto at = std::lower_bound(list.begin(), list.end(), id,
                                 [](const Posting& a, int64_t b) { return a.id < b; });
      if (at != list.end() && at->id == id) list.erase(at);
      if (list.empty()) postings_.erase(p);
    }
  }
  total_length_ -= it->second.length;
  docs_.erase(it);
}

int KnowledgeIndex::Frequency(const std::string& word) const {
  auto it = postings_.find(word);
  return it == postings_.end() ? 0 : static_cast<int>(it->second.size());
}

std::vector<KnowledgeIndex::Hit> KnowledgeIndex::Search(
    const std::vector<std::vector<std::string>>& terms, bool current_only, int64_t now_ms,
    size_t limit, const std::vector<std::string>& context) const {
  std::vector<Hit> out;
  if (docs_.empty() || limit == 0) return out;
  const double n_docs = static_cast<double>(docs_.size());
  const double avg_length = std::max(1.0, static_cast<double>(total_length_) / n_docs);
  struct Found {
    double score = 0;
    uint64_t held = 0;  // bit i: the point holds term i (context words after the terms)
  };
  std::unordered_map<int64_t, Found> scores;
  auto bit = [](size_t i) { return i < 64 ? uint64_t{1} << i : 0; };
  std::vector<Posting> matches;
  for (size_t t = 0; t < terms.size(); ++t) {
    const std::vector<std::string>& term = terms[t];
    if (term.empty()) continue;
    // The points holding the term: a word's postings, or for a phrase those of its rarest word
    // that hold the whole phrase.
    const std::vector<Posting>* rarest = nullptr;
    for (const auto& w : term) {
      auto it = postings_.find(w);
      if (it == postings_.end()) {
        rarest = nullptr;
        break;
      }
      if (rarest == nullptr || it->second.size() < rarest->size()) rarest = &it->second;
    }
    if (rarest == nullptr) continue;
    matches.clear();
    if (term.size() == 1) {
      matches = *rarest;
    } else {
      for (const Posting& p : *rarest) {
        const float f = PhraseCount(docs_.at(p.id), term);
        if (f > 0) matches.push_back({p.id, f});
      }
    }
    if (matches.empty()) continue;
    // FTS5's bm25(): idf floored just above zero for terms in more than half the points.
    const double n = static_cast<double>(matches.size());
    double idf = std::log((n_docs - n + 0.5) / (n + 0.5));
    if (idf <= 0) idf = 1e-6;
    for (const Posting& p : matches) {
      Found& f = scores[p.id];
      f.score += idf * Bm25Tf(p.weighted_tf, docs_.at(p.id).length, avg_length);
      f.held |= bit(t);
    }
  }
  // The points found, valid as asked.
  struct Candidate {
    int64_t id;
    double score;
    uint64_t held;
    double length;
  };
  std::vector<Candidate> found;
  found.reserve(scores.size());
  for (const auto& [id, f] : scores) {
    const Doc& d = docs_.at(id);
    if (current_only) {
      const Point& p = d.point;
      if (!p.published || (p.valid_from_ms && *p.valid_from_ms > now_ms) ||
          (p.valid_to_ms && *p.valid_to_ms <= now_ms)) {
        continue;
      }
    }
    found.push_back({id, f.score, f.held, static_cast<double>(d.length)});
  }
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  auto keep_best = [&](size_t n) {
    if (found.size() > n) {
      std::partial_sort(found.begin(), found.begin() + static_cast<ptrdiff_t>(n), found.end(),
                        better);
      found.resize(n);
    } else {
      std::sort(found.begin(), found.end(), better);
    }
  };
  // Context words rerank the best of them by the terms (a generic word can be in most of the
  // points found, and it only decides between close ones).
  keep_best(std::max(kContextRerank, limit));
  for (size_t c = 0; c < context.size() && !found.empty(); ++c) {
    auto it = postings_.find(context[c]);
    if (it == postings_.end()) continue;
    const std::vector<Posting>& list = it->second;
    const double n = static_cast<double>(list.size());
    const double idf = std::log((n_docs - n + 0.5) / (n + 0.5));
    if (idf <= 0) continue;  // in more than half the points: it would add nearly nothing
    for (Candidate& f : found) {
      auto at = std::lower_bound(list.begin(), list.end(), f.id,
                                 [](const Posting& a, int64_t b) { return a.id < b; });
      if (at == list.end() || at->id != f.id) continue;
      f.score += idf * Bm25Tf(at->weighted_tf, f.length, avg_length);
      f.held |= bit(terms.size() + c);
    }
  }
  keep_best(limit);
  out.reserve(found.size());
  for (const Candidate& f : found) {
    Hit& h = out.emplace_back(Hit{f.id, f.score, {}});
    for (size_t i = 0; i < std::min<size_t>(64, terms.size() + context.size()); ++i) {
      if ((f.held & bit(i)) == 0) continue;
      if (i >= terms.size()) {
        h.matched.push_back(context[i - terms.size()]);
        continue;
      }
      std::string phrase;
      for (const auto& w : terms[i]) phrase += w;
      h.matched.push_back(std::move(phrase));
    }
  }
  return out;
}

}  // namespace jiesu::text
