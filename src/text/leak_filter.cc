#include "text/leak_filter.h"

#include <algorithm>
#include <unordered_set>

namespace jiesu::text {

namespace {

constexpr size_t kChunk = 4;         // characters per piece of unsegmented text
constexpr size_t kCandidates = 3;    // closest held-out texts examined per row
constexpr size_t kMaxPosting = 100;  // 3-grams in more held-out texts say nothing of closeness

// Calls fn(gram) for each distinct character 3-gram of `content`.
template <typename Fn>
void ForEachTrigram(std::string_view content, Fn&& fn) {
  std::vector<std::string_view> chars;
  SplitChars(content, chars);
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i + 3 <= chars.size(); ++i) {
    std::string_view g(chars[i].data(), static_cast<size_t>(chars[i + 2].data() +
                                                            chars[i + 2].size() - chars[i].data()));
    if (seen.insert(g).second) fn(g);
  }
}

}  // namespace

LeakFilter::LeakFilter(std::shared_ptr<const Normalizer> normalizer,
                       const std::vector<std::string>& held_out, double threshold)
    : normalizer_(std::move(normalizer)), threshold_(threshold) {
  held_.reserve(held_out.size());
  for (const std::string& h : held_out) {
    const auto id = static_cast<uint32_t>(held_.size());
    held_.push_back(normalizer_->Content(h));
    ForEachTrigram(held_.back(), [&](std::string_view g) { index_[std::string(g)].push_back(id); });
    // Its substrings of 2..kChunk characters, hashed and sorted, for the piece lookups.
    std::vector<std::string_view> chars;
    SplitChars(held_.back(), chars);
    std::vector<uint64_t>& grams = held_grams_.emplace_back();
    for (size_t a = 0; a < chars.size(); ++a) {
      for (size_t n = 2; n <= kChunk && a + n <= chars.size(); ++n) {
        const char* b = chars[a].data();
        grams.push_back(std::hash<std::string_view>{}(std::string_view(
            b, static_cast<size_t>(chars[a + n - 1].data() + chars[a + n - 1].size() - b))));
      }
    }
    std::sort(grams.begin(), grams.end());
  }
}

double LeakFilter::Containment(std::string_view candidate) const {
  const std::string content = normalizer_->Content(candidate);
  // The closest held-out texts: the most 3-grams in common.
  thread_local std::vector<int> shared;
  thread_local std::vector<uint32_t> touched;
  shared.assign(held_.size(), 0);
  touched.clear();
  ForEachTrigram(content, [&](std::string_view g) {
    auto it = index_.find(g);
    if (it == index_.end() || it->second.size() > kMaxPosting) return;
    for (uint32_t id : it->second) {
      if (shared[id]++ == 0) touched.push_back(id);
    }
  });
  if (touched.empty()) return 0;
  std::vector<std::pair<int, uint32_t>> best;
  for (uint32_t id : touched) best.emplace_back(shared[id], id);
  const size_t keep = std::min(kCandidates, best.size());
  std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(keep), best.end(),
                    std::greater<>());

  // The pieces: words of a segmented row (runs between spaces and punctuation), each cut into
  // chunks of kChunk characters; one-character pieces carry no evidence and are skipped.
  std::vector<std::string> pieces;
  {
    const std::string norm = normalizer_->Normalize(candidate);
    std::vector<std::string_view> chars;
    std::string run;
    auto flush = [&](std::string& r) {
      std::vector<std::string_view> rc;
      SplitChars(r, rc);
      for (size_t i = 0; i < rc.size(); i += kChunk) {
        const size_t n = std::min(kChunk, rc.size() - i);
        if (n < 2) continue;
        const char* b = rc[i].data();
        pieces.emplace_back(b,
                            static_cast<size_t>(rc[i + n - 1].data() + rc[i + n - 1].size() - b));
      }
      r.clear();
    };
    SplitChars(norm, chars);
    for (std::string_view c : chars) {
      if (!IsContentChar(c)) {
        flush(run);
      } else {
        run.append(c);
      }
    }
    flush(run);
  }
  size_t total = 0;
  for (const auto& p : pieces) total += p.size();
  if (total == 0) return 0;
  // Pieces are 2..kChunk characters: look them up among the held-out text's substrings of
  // those lengths (hashed), which is much faster than searching the text for each piece.
  std::vector<uint64_t> piece_hash;
  for (const auto& p : pieces) piece_hash.push_back(std::hash<std::string_view>{}(p));
  double best_share = 0;
  for (size_t i = 0; i < keep; ++i) {
    const std::vector<uint64_t>& grams = held_grams_[best[i].second];
    size_t covered = 0;
    for (size_t k = 0; k < pieces.size(); ++k) {
      if (std::binary_search(grams.begin(), grams.end(), piece_hash[k]))
        covered += pieces[k].size();
    }
    best_share = std::max(best_share, static_cast<double>(covered) / static_cast<double>(total));
  }
  return best_share;
}

}  // namespace jiesu::text
