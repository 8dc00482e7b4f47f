// Text normalisation for Chinese citizen requests: Unicode NFKC (full-width letters, digits
// and punctuation fold to their half-width forms), traditional → simplified Chinese (OpenCC's
// t2s tables), lower case, and whitespace collapsed to single spaces. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace jiesu::text {

class Normalizer {
 public:
  // Loads ICU's NFKC data and OpenCC's t2s conversion (from OpenCC's data directory).
  static Result<std::shared_ptr<const Normalizer>> Create();
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // The normalised text: what a person reads, in one canonical form. Invalid UTF-8 bytes are
  // replaced by U+FFFD (intake already refuses them; imports may not).
  std::string Normalize(std::string_view utf8) const;

  // Only the letters and digits of Normalize(utf8), without spaces or punctuation: the form
  // character n-grams and duplicate shingles are taken from.
  std::string Content(std::string_view utf8) const;

 private:
  struct Impl;
  explicit Normalizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True when the one code point in `ch` is a letter, digit or ideograph (what Content keeps).
bool IsContentChar(std::string_view ch);

// The code points of well-formed UTF-8 `s`, each as a string_view into `s`.
void SplitChars(std::string_view s, std::vector<std::string_view>& out);

}  // namespace jiesu::text
