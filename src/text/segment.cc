#include "text/segment.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <mutex>

#include "text/normalize.h"

namespace jiesu::text {

namespace {

// The first code point of `s` at byte `i` (advancing `i`), or -1 for a malformed byte.
UChar32 NextChar(std::string_view s, int32_t& i) {
  UChar32 c;
  U8_NEXT(s.data(), i, static_cast<int32_t>(s.size()), c);
  return c;
}

}  // namespace

struct Segmenter::Impl {
  std::unique_ptr<icu::BreakIterator> prototype;
  // The user words as a code-point trie: edges keyed by (node << 32 | code point).
  std::unordered_map<uint64_t, uint32_t> edges;
  std::vector<bool> word_end{false};  // per node
  std::vector<uint32_t> root =
      std::vector<uint32_t>(0x10000, 0);  // the root's children over the BMP

  uint32_t Child(uint32_t node, UChar32 c) const {
    if (node == 0 && c >= 0 && c < 0x10000) return root[static_cast<size_t>(c)];
    auto it = edges.find((static_cast<uint64_t>(node) << 32) | static_cast<uint32_t>(c));
    return it == edges.end() ? 0 : it->second;
  }
  std::mutex clone_mu;

  icu::BreakIterator& ThreadIterator() {
    // One clone per thread and segmenter: BreakIterator is not thread-safe, cloning is cheap.
    thread_local std::unordered_map<const Impl*, std::unique_ptr<icu::BreakIterator>> mine;
    auto& it = mine[this];
    if (!it) {
      std::lock_guard lock(clone_mu);
      it.reset(prototype->clone());
    }
    return *it;
  }
};

Segmenter::Segmenter(std::unique_ptr<Impl> impl, size_t count)
    : impl_(std::move(impl)), user_word_count_(count) {}
Segmenter::~Segmenter() = default;

Result<std::shared_ptr<const Segmenter>> Segmenter::Create(
    const std::vector<std::string>& user_words) {
  auto impl = std::make_unique<Impl>();
  UErrorCode status = U_ZERO_ERROR;
  impl->prototype.reset(icu::BreakIterator::createWordInstance(icu::Locale::getChinese(), status));
  if (U_FAILURE(status) || !impl->prototype) {
    return Unavailable(std::string("ICU word break iterator unavailable: ") + u_errorName(status));
  }
  size_t count = 0;
  for (const std::string& w : user_words) {
    uint32_t node = 0;
    int32_t i = 0, chars = 0;
    const auto n = static_cast<int32_t>(w.size());
    while (i < n) {
      UChar32 c = NextChar(w, i);
      if (c < 0) break;
      ++chars;
      const uint64_t key = (static_cast<uint64_t>(node) << 32) | static_cast<uint32_t>(c);
      auto [it, added] = impl->edges.emplace(key, static_cast<uint32_t>(impl->word_end.size()));
      if (added) impl->word_end.push_back(false);
      if (node == 0 && c < 0x10000) impl->root[static_cast<size_t>(c)] = it->second;
      node = it->second;
    }
    if (i < n || chars < 2 || impl->word_end[node]) continue;  // malformed, short or repeated
    impl->word_end[node] = true;
    ++count;
  }
  return std::shared_ptr<const Segmenter>(new Segmenter(std::move(impl), count));
}

std::vector<Token> Segmenter::Segment(std::string_view s) const {
  // 1. User words: at each position the longest one, not overlapping.
  std::vector<std::pair<uint32_t, uint32_t>> user;
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    uint32_t node = 0;
    int32_t j = i, longest = -1;
    while (j < n) {
      UChar32 c = NextChar(s, j);
      if (c < 0) break;
      node = impl_->Child(node, c);
      if (node == 0) break;
      if (impl_->word_end[node]) longest = j;
    }
    if (longest > 0) {
      user.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(longest));
      i = longest;
    } else {
      NextChar(s, i);
    }
  }
  // 2. ICU's words over the whole text, once. User words replace what they overlap; the parts
  // of an ICU word outside every user word remain words.
  std::vector<Token> out;
  icu::BreakIterator& it = impl_->ThreadIterator();
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &status);
  if (U_FAILURE(status)) return out;
  it.setText(ut, status);
  auto emit = [&](uint32_t b, uint32_t e) {
    std::string_view word = s.substr(b, e - b);
    int32_t k = 0;
    NextChar(word, k);
    if (e > b && IsContentChar(word.substr(0, static_cast<size_t>(k))))
      out.push_back({word, b, e, false});
  };
  size_t u = 0;       // the next user word not yet emitted
  uint32_t done = 0;  // bytes before this are covered
  // With a UTF-8 UText, ICU's boundaries are native (byte) indexes.
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    auto b = std::max(static_cast<uint32_t>(start), done);
    const auto e = static_cast<uint32_t>(end);
    while (u < user.size() && user[u].first < e) {
      if (user[u].first > b) emit(b, user[u].first);
      out.push_back({s.substr(user[u].first, user[u].second - user[u].first), user[u].first,
                     user[u].second, true});
      done = user[u].second;
      b = std::max(b, done);
      ++u;
    }
    if (b < e) emit(b, e);
    done = std::max(done, e);
  }
  utext_close(ut);
  return out;
}

std::string Segmenter::Joined(std::string_view normalized) const {
  std::string out;
  for (const Token& t : Segment(normalized)) {
    if (!out.empty()) out += ' ';
    out += t.text;
  }
  return out;
}

}  // namespace jiesu::text
