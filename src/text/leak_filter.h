// Keeps held-out texts out of training: a training row is dropped when most of it is found in
// one held-out text. Copies come back in many disguises (the Teddy Cup segmented file holds
// every text with stop-words removed and spaces between words, sometimes with its title in
// front), so the test is containment, not equality: the row is cut into pieces (its words when
// it is segmented, 4-character chunks otherwise), and the row is a copy when the pieces found
// verbatim in the closest held-out text cover at least `threshold` of its characters. The
// closest held-out texts are found through an index of their character 3-grams.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/normalize.h"

namespace jiesu::text {

class LeakFilter {
 public:
  LeakFilter(std::shared_ptr<const Normalizer> normalizer, const std::vector<std::string>& held_out,
             double threshold = 0.7);

  // The share (0..1) of `candidate`'s characters covered by pieces found in its closest
  // held-out text.
  double Containment(std::string_view candidate) const;
  bool IsCopy(std::string_view candidate) const { return Containment(candidate) >= threshold_; }
  double threshold() const { return threshold_; }

 private:
  std::shared_ptr<const Normalizer> normalizer_;
  double threshold_;
  std::vector<std::string> held_;  // Content() of each held-out text
  std::vector<std::vector<uint64_t>>
      held_grams_;  // hashes of its 2..4-character substrings, sorted
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>>
      index_;  // 3-gram → held-out ids
};

}  // namespace jiesu::text
