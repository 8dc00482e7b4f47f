// Word segmentation of normalised Chinese text: ICU's dictionary-based word break iterator,
// with a user dictionary (place and unit names from the jurisdiction, plus any extra words)
// matched first, longest match wins, so "望京街道" or "朝阳区城管委" stay one token where ICU's
// general dictionary would split them. Thread-safe (ICU iterators are cloned per thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace jiesu::text {

struct Token {
  std::string_view text;  // a view into the segmented input
  uint32_t begin = 0;     // byte offsets into the input
  uint32_t end = 0;
  bool user_word = false;  // matched from the user dictionary
};

class Segmenter {
 public:
  // `user_words` may be empty; words shorter than two characters are ignored.
  static Result<std::shared_ptr<const Segmenter>> Create(
      const std::vector<std::string>& user_words);
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  // The words of `normalized` (see Normalizer::Normalize) in order; spaces and punctuation
  // are not tokens. The views point into `normalized`, which must outlive them.
  std::vector<Token> Segment(std::string_view normalized) const;
  // Convenience: the words joined by single spaces.
  std::string Joined(std::string_view normalized) const;
  size_t user_word_count() const { return user_word_count_; }

 private:
  struct Impl;
  Segmenter(std::unique_ptr<Impl> impl, size_t count);
  std::unique_ptr<Impl> impl_;
  size_t user_word_count_ = 0;
};

}  // namespace jiesu::text
