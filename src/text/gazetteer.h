// Place names in free text: a gazetteer of China's divisions (provinces, cities, districts/
// counties, streets/townships, and Beijing's communities, from data/divisions) that finds
// mentions, resolves ambiguous names with the jurisdiction as context, and returns codes with
// the matched spans.
//
// Names are matched in full and abbreviated (朝阳 for 朝阳区, 望京 for 望京街道, 多福巷社区 for
// 多福巷社区居委会), longest match first, through a code-point trie. A name shared by several
// places (朝阳区 is in Beijing and in Changchun) is resolved by, in order: another mention that
// is its ancestor or descendant (长春市朝阳区), the jurisdiction (code prefix), a full name over
// an abbreviation, a higher level over a lower one. A short name outside the jurisdiction that
// nothing else supports is dropped: two-character names are too often ordinary words.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "text/normalize.h"

namespace jiesu::text {

enum class PlaceLevel { kProvince = 1, kCity = 2, kDistrict = 3, kStreet = 4, kCommunity = 5 };
const char* PlaceLevelName(PlaceLevel level);

struct Place {
  std::string code;  // 2, 4, 6, 9 or 12 digits, or any unique id for extra places
  std::string name;
  PlaceLevel level = PlaceLevel::kDistrict;
  std::string parent;  // the code of the place above, empty at the top
};

struct PlaceMention {
  const Place* place = nullptr;
  uint32_t begin = 0, end = 0;  // byte span in the normalised text
  bool abbreviated = false;
  std::string reason;  // why this place was chosen when the name was ambiguous
};

struct Location {
  std::vector<PlaceMention> mentions;  // in text order
  const Place* best = nullptr;         // the most specific place the mentions agree on
  std::string district_code;           // of `best`, when it is at or below a district
  std::string street_code;
  std::string community_code;
};

class Gazetteer {
 public:
  // Reads provinces.csv, cities.csv, areas.csv, streets.csv and villages_*.csv from `dir`
  // (data/divisions), plus `extra` places. `context` are code prefixes of the jurisdiction
  // ("11" for Beijing); abbreviations of streets and communities are only known inside it.
  static Result<std::shared_ptr<const Gazetteer>> Load(std::shared_ptr<const Normalizer> normalizer,
                                                       const std::string& dir,
                                                       std::vector<std::string> context,
                                                       const std::vector<Place>& extra = {});
  // Only `places` (tests, and jurisdictions that bring their own list).
  static std::shared_ptr<const Gazetteer> FromPlaces(std::shared_ptr<const Normalizer> normalizer,
                                                     std::vector<Place> places,
                                                     std::vector<std::string> context);

  // The places mentioned in `normalized` (Normalizer::Normalize output).
  Location Locate(std::string_view normalized) const;
  const Place* Find(const std::string& code) const;
  // Full names and abbreviations inside the context, for the segmenter's user dictionary.
  std::vector<std::string> ContextNames() const;
  size_t size() const { return places_.size(); }

 private:
  struct NameEntry {
    uint32_t place;
    bool abbreviated;
  };
  Gazetteer() = default;
  void Build();
  bool InContext(const Place& p) const;
  bool IsAncestor(const Place& a, const Place& b) const;  // a strictly above b

  std::shared_ptr<const Normalizer> normalizer_;
  std::vector<std::string> context_;
  std::vector<Place> places_;
  std::unordered_map<std::string, uint32_t> by_code_;
  // Code-point trie over the names: edges keyed by (node << 32 | code point).
  // The root's children are an array over the BMP: most positions of a text start no name, and
  // an array read answers that without hashing.
  std::unordered_map<uint64_t, uint32_t> edges_;
  std::vector<uint32_t> root_;  // code point → node, 0 = none
  uint32_t Child(uint32_t node, int32_t c) const;
  std::vector<std::vector<NameEntry>> terminal_;  // per node: the places named by it
};

}  // namespace jiesu::text
