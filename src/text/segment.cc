#include "text/segment.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <mutex>

namespace jiesu::text {

namespace {

// The first code point of `s` at byte `i` (advancing `i`), or -1 for a malformed byte.
UChar32 NextChar(std::string_view s, int32_t& i) {
  UChar32 c;
  U8_NEXT(s.data(), i, static_cast<int32_t>(s.size()), c);
  return c;
}

bool IsWordChar(UChar32 c) {
  return c >= 0 && (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC));
}

}  // namespace

struct Segmenter::Impl {
  std::unique_ptr<icu::BreakIterator> prototype;
  // User words by their first code point, longest first.
  std::unordered_map<UChar32, std::vector<std::string>> by_first;
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
    int32_t i = 0;
    UChar32 first = NextChar(w, i);
    if (first < 0 || static_cast<size_t>(i) >= w.size()) continue;  // empty or one character
    auto& list = impl->by_first[first];
    if (std::find(list.begin(), list.end(), w) != list.end()) continue;
    list.push_back(w);
    ++count;
  }
  for (auto& [c, list] : impl->by_first) {
    std::sort(list.begin(), list.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
  return std::shared_ptr<const Segmenter>(new Segmenter(std::move(impl), count));
}

void Segmenter::SegmentGap(std::string_view text, uint32_t offset, std::vector<Token>& out) const {
  if (text.empty()) return;
  icu::BreakIterator& it = impl_->ThreadIterator();
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return;
  it.setText(ut, status);
  // With a UTF-8 UText, ICU's boundaries are native (byte) indexes.
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    std::string_view word = text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    int32_t i = 0;
    if (!IsWordChar(NextChar(word, i))) continue;  // spaces and punctuation
    out.push_back({word, offset + static_cast<uint32_t>(start), offset + static_cast<uint32_t>(end),
                   false});
  }
  utext_close(ut);
}

std::vector<Token> Segmenter::Segment(std::string_view s) const {
  std::vector<Token> out;
  size_t gap_begin = 0;
  int32_t i = 0;
  const auto n = static_cast<int32_t>(s.size());
  while (i < n) {
    const int32_t at = i;
    UChar32 c = NextChar(s, i);
    auto found = impl_->by_first.find(c);
    if (found == impl_->by_first.end()) continue;
    for (const std::string& w : found->second) {
      if (s.compare(static_cast<size_t>(at), w.size(), w) != 0) continue;
      SegmentGap(s.substr(gap_begin, static_cast<size_t>(at) - gap_begin),
                 static_cast<uint32_t>(gap_begin), out);
      out.push_back({s.substr(static_cast<size_t>(at), w.size()), static_cast<uint32_t>(at),
                     static_cast<uint32_t>(at + static_cast<int32_t>(w.size())), true});
      i = at + static_cast<int32_t>(w.size());
      gap_begin = static_cast<size_t>(i);
      break;
    }
  }
  SegmentGap(s.substr(gap_begin), static_cast<uint32_t>(gap_begin), out);
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
