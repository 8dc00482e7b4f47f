#include "text/gazetteer.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <filesystem>

#include "analytics/csv.h"
#include "base/utf8.h"

namespace jiesu::text {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// `name` without the first of `suffixes` it ends with, when at least two characters remain.
std::string Strip(const std::string& name, std::initializer_list<std::string_view> suffixes) {
  for (std::string_view s : suffixes) {
    if (!EndsWith(name, s)) continue;
    std::string rest = name.substr(0, name.size() - s.size());
    return Utf8Length(rest) >= 2 ? rest : std::string();
  }
  return {};
}

std::vector<std::string> Abbreviations(const Place& p) {
  std::string a;
  switch (p.level) {
    case PlaceLevel::kProvince:
      a = Strip(p.name,
                {"壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市"});
      break;
    case PlaceLevel::kCity:
      a = Strip(p.name, {"自治州", "地区", "市", "盟"});
      break;
    case PlaceLevel::kDistrict:
      a = Strip(p.name, {"自治县", "自治旗", "区", "县", "市", "旗"});
      break;
    case PlaceLevel::kStreet:
      a = Strip(p.name, {"地区办事处", "街道办事处", "街道", "地区", "镇", "乡"});
      break;
    case PlaceLevel::kCommunity: {
      // "多福巷社区居委会" → "多福巷社区"; "xx村委会" → "xx村" (bare "xx" is too often a word).
      for (auto [suffix, keep] :
           {std::pair{"社区居委会", "社区"}, {"居委会", "社区"}, {"村委会", "村"}}) {
        if (EndsWith(p.name, suffix)) {
          a = p.name.substr(0, p.name.size() - std::string_view(suffix).size()) + keep;
          break;
        }
      }
      break;
    }
  }
  if (a.empty() || a == p.name) return {};
  return {a};
}

Status ReadPlaces(const std::string& path, PlaceLevel level, size_t parent_column,
                  size_t fallback_parent_column, const std::vector<Place>& known,
                  std::vector<Place>& out) {
  std::unordered_map<std::string, bool> have;
  for (const Place& p : known) have[p.code] = true;
  for (const Place& p : out) have[p.code] = true;
  return analytics::ReadCsv(path, [&](const analytics::CsvRow& row) {
    if (row.line == 1 || row.fields.size() < 2) return true;
    Place p;
    p.code = row.fields[0];
    p.name = row.fields[1];
    p.level = level;
    if (level == PlaceLevel::kCity &&
        (p.name == "市辖区" || p.name == "县" || p.name.find("直辖") != std::string::npos)) {
      return true;  // pseudo-cities of the municipalities and province-governed counties
    }
    if (parent_column < row.fields.size()) {
      p.parent = row.fields[parent_column];
      if (!have.count(p.parent) && fallback_parent_column < row.fields.size()) {
        p.parent = row.fields[fallback_parent_column];
      }
    }
    out.push_back(std::move(p));
    return true;
  });
}

}  // namespace

const char* PlaceLevelName(PlaceLevel level) {
  switch (level) {
    case PlaceLevel::kProvince:
      return "province";
    case PlaceLevel::kCity:
      return "city";
    case PlaceLevel::kDistrict:
      return "district";
    case PlaceLevel::kStreet:
      return "street";
    case PlaceLevel::kCommunity:
      return "community";
  }
  return "?";
}

Result<std::shared_ptr<const Gazetteer>> Gazetteer::Load(
    std::shared_ptr<const Normalizer> normalizer, const std::string& dir,
    std::vector<std::string> context, const std::vector<Place>& extra) {
  namespace fs = std::filesystem;
  std::vector<Place> places;
  struct File {
    const char* name;
    PlaceLevel level;
    size_t parent, fallback;
  };
  // Columns: provinces (code,name); cities (code,name,provinceCode); areas (code,name,cityCode,
  // provinceCode); streets (code,name,areaCode,…); villages (code,name,streetCode,…).
  for (const File& f : {File{"provinces.csv", PlaceLevel::kProvince, 99, 99},
                        File{"cities.csv", PlaceLevel::kCity, 2, 99},
                        File{"areas.csv", PlaceLevel::kDistrict, 2, 3},
                        File{"streets.csv", PlaceLevel::kStreet, 2, 99}}) {
    const fs::path path = fs::path(dir) / f.name;
    if (!fs::exists(path)) return NotFound("gazetteer: " + path.string() + " not found");
    if (Status s = ReadPlaces(path.string(), f.level, f.parent, f.fallback, {}, places); !s.ok()) {
      return s.error();
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("villages", 0) != 0 || !EndsWith(name, ".csv")) continue;
    if (Status s = ReadPlaces(entry.path().string(), PlaceLevel::kCommunity, 2, 99, {}, places);
        !s.ok()) {
      return s.error();
    }
  }
  places.insert(places.end(), extra.begin(), extra.end());
  return FromPlaces(std::move(normalizer), std::move(places), std::move(context));
}

std::shared_ptr<const Gazetteer> Gazetteer::FromPlaces(std::shared_ptr<const Normalizer> normalizer,
                                                       std::vector<Place> places,
                                                       std::vector<std::string> context) {
  std::shared_ptr<Gazetteer> g(new Gazetteer());
  g->normalizer_ = std::move(normalizer);
  g->context_ = std::move(context);
  g->places_ = std::move(places);
  g->Build();
  return g;
}

bool Gazetteer::InContext(const Place& p) const {
  return std::any_of(context_.begin(), context_.end(),
                     [&](const std::string& c) { return p.code.rfind(c, 0) == 0; });
}

bool Gazetteer::IsAncestor(const Place& a, const Place& b) const {
  const Place* p = &b;
  for (int depth = 0; depth < 8 && !p->parent.empty(); ++depth) {
    p = Find(p->parent);
    if (p == nullptr) return false;
    if (p == &a) return true;
  }
  return false;
}

const Place* Gazetteer::Find(const std::string& code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &places_[it->second];
}

uint32_t Gazetteer::Child(uint32_t node, int32_t c) const {
  if (node == 0 && c >= 0 && c < 0x10000) return root_[static_cast<size_t>(c)];
  auto it = edges_.find((static_cast<uint64_t>(node) << 32) | static_cast<uint32_t>(c));
  return it == edges_.end() ? 0 : it->second;
}

void Gazetteer::Build() {
  terminal_.assign(1, {});
  root_.assign(0x10000, 0);
  for (uint32_t i = 0; i < places_.size(); ++i) by_code_.emplace(places_[i].code, i);
  auto insert = [&](const std::string& raw, uint32_t place, bool abbreviated) {
    const std::string name = normalizer_->Normalize(raw);
    uint32_t node = 0;
    int32_t i = 0;
    const auto n = static_cast<int32_t>(name.size());
    while (i < n) {
      UChar32 c;
      U8_NEXT(name.data(), i, n, c);
      if (c < 0) return;
      const uint64_t key = (static_cast<uint64_t>(node) << 32) | static_cast<uint32_t>(c);
      auto [it, added] = edges_.emplace(key, static_cast<uint32_t>(terminal_.size()));
      if (added) terminal_.emplace_back();
      if (node == 0 && c < 0x10000) root_[static_cast<size_t>(c)] = it->second;
      node = it->second;
    }
    if (node != 0) terminal_[node].push_back({place, abbreviated});
  };
  for (uint32_t i = 0; i < places_.size(); ++i) {
    const Place& p = places_[i];
    insert(p.name, i, false);
    // Streets and communities are abbreviated only inside the jurisdiction: elsewhere the
    // short forms ("城关", "新华") are more often words than places.
    if (p.level <= PlaceLevel::kDistrict || InContext(p)) {
      for (const std::string& a : Abbreviations(p)) insert(a, i, true);
    }
  }
}

std::vector<std::string> Gazetteer::ContextNames() const {
  std::vector<std::string> out;
  for (const Place& p : places_) {
    if (!InContext(p)) continue;
    out.push_back(normalizer_->Normalize(p.name));
    for (const std::string& a : Abbreviations(p)) out.push_back(normalizer_->Normalize(a));
  }
  return out;
}

Location Gazetteer::Locate(std::string_view s) const {
  struct Found {
    uint32_t begin, end;
    const std::vector<NameEntry>* entries;
  };
  std::vector<Found> found;
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    uint32_t node = 0;
    int32_t j = i, last_end = -1;
    uint32_t last_node = 0;
    while (j < n) {
      UChar32 c;
      U8_NEXT(s.data(), j, n, c);
      if (c < 0) break;
      node = Child(node, c);
      if (node == 0) break;
      if (!terminal_[node].empty()) {
        last_end = j;
        last_node = node;
      }
    }
    if (last_end > 0) {
      found.push_back(
          {static_cast<uint32_t>(i), static_cast<uint32_t>(last_end), &terminal_[last_node]});
      i = last_end;
    } else {
      UChar32 c;
      U8_NEXT(s.data(), i, n, c);
    }
  }

  Location loc;
  for (size_t m = 0; m < found.size(); ++m) {
    const Found& f = found[m];
    const NameEntry* best = nullptr;
    int best_score = -1;
    std::string reason;
    for (const NameEntry& e : *f.entries) {
      const Place& p = places_[e.place];
      // Support: a place named elsewhere in the text that is above or below this one.
      const Place* support = nullptr;
      for (size_t o = 0; o < found.size() && !support; ++o) {
        if (o == m) continue;
        for (const NameEntry& oe : *found[o].entries) {
          const Place& q = places_[oe.place];
          if (IsAncestor(q, p) || IsAncestor(p, q)) {
            support = &q;
            break;
          }
        }
      }
      const bool in_context = InContext(p);
      const int score = (support ? 1000 : 0) + (in_context ? 100 : 0) + (e.abbreviated ? 0 : 10) +
                        (6 - static_cast<int>(p.level));
      if (score > best_score) {
        best_score = score;
        best = &e;
        reason = support      ? "with " + support->name + " (" + support->code + ") also named"
                 : in_context ? "in the jurisdiction"
                              : "outside the jurisdiction";
      }
    }
    const Place& chosen = places_[best->place];
    const bool supported = best_score >= 1000;
    if (!supported && !InContext(chosen) && Utf8Length(s.substr(f.begin, f.end - f.begin)) <= 2) {
      continue;  // a short name nothing supports, outside the jurisdiction: likely a word
    }
    if (f.entries->size() == 1) reason.clear();
    loc.mentions.push_back({&chosen, f.begin, f.end, best->abbreviated, std::move(reason)});
  }
  // The most specific place; on a tie, the first mentioned.
  for (const PlaceMention& m : loc.mentions) {
    if (loc.best == nullptr || m.place->level > loc.best->level) loc.best = m.place;
  }
  for (const Place* p = loc.best; p != nullptr; p = p->parent.empty() ? nullptr : Find(p->parent)) {
    if (p->level == PlaceLevel::kDistrict) loc.district_code = p->code;
    if (p->level == PlaceLevel::kStreet) loc.street_code = p->code;
    if (p->level == PlaceLevel::kCommunity) loc.community_code = p->code;
  }
  return loc;
}

}  // namespace jiesu::text
