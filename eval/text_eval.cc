// The duplicate and gazetteer evaluations of docs/TEXT.md on Teddy Cup 附件3
// (fj3_messages_votes_4326.csv), run by `make eval-text` after the classifier protocol.
//
// Duplicates: the messages are replayed in time order; before each is added to the index, its
// five most similar earlier messages are looked up. Known repeats are the 104 details that
// occur more than once and the 65 (user, title) pairs that do: a later member is found when an
// earlier member of its group is among its five. Every other flagged pair is counted too.
//
// Gazetteer: titles name masked units ("A市", "A3区", "A7县"); the share of titles with such a
// name (by a regular expression) in which the gazetteer, given the masked names as extra
// places, finds one.
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "analytics/csv.h"
#include "data_dir.h"
#include "text/dup_index.h"
#include "text/gazetteer.h"
#include "text/normalize.h"

namespace fs = std::filesystem;
using namespace jiesu;

namespace {

struct Message {
  std::string id, user, title, time, detail;
  int32_t day = 0;
};

// "2019/2/28 11:25:05" or "2019-08-01 00:00:00" → a sortable key and a day number.
bool ParseTime(const std::string& s, std::string& key, int32_t& day) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (std::sscanf(s.c_str(), "%d/%d/%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se) < 3 &&
      std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se) < 3) {
    return false;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", y, mo, d, h, mi, se);
  key = buf;
  // Days from civil (Howard Hinnant's algorithm).
  y -= mo <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  day = era * 146097 + doe - 719468;
  return true;
}

}  // namespace

int main() {
  const fs::path file =
      eval::DataDir() / "teddycup2020-gov-messages" / "fj3_messages_votes_4326.csv";
  if (eval::SkipWithout(file)) return 0;
  auto normalizer = text::Normalizer::Create();
  if (!normalizer.ok()) {
    std::fprintf(stderr, "%s\n", normalizer.error().ToString().c_str());
    return 1;
  }
  const auto& norm = **normalizer;
  std::vector<std::pair<std::string, Message>> rows;
  Status read = analytics::ReadCsv(file.string(), [&](const analytics::CsvRow& r) {
    if (r.line == 1 || r.fields.size() < 5) return true;
    Message m{r.fields[0], r.fields[1], r.fields[2], r.fields[3], r.fields[4]};
    std::string key;
    if (!ParseTime(m.time, key, m.day)) {
      std::fprintf(stderr, "line %lld: unreadable time '%s', message left out\n",
                   static_cast<long long>(r.line), m.time.c_str());
      return true;
    }
    rows.emplace_back(key + m.id, std::move(m));
    return true;
  });
  if (!read.ok()) {
    std::fprintf(stderr, "%s\n", read.error().ToString().c_str());
    return 1;
  }
  std::stable_sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first < b.first; });

  // Known repeat groups: identical detail (after normalisation), identical (user, title).
  std::map<std::string, std::vector<size_t>> by_detail, by_user_title;
  for (size_t i = 0; i < rows.size(); ++i) {
    by_detail[norm.Content(rows[i].second.detail)].push_back(i);
    by_user_title[rows[i].second.user + "\x1f" + norm.Content(rows[i].second.title)].push_back(i);
  }
  std::vector<int> detail_group(rows.size(), -1), title_group(rows.size(), -1);
  int detail_groups = 0, title_groups = 0;
  for (auto& [k, v] : by_detail) {
    if (v.size() < 2) continue;
    for (size_t i : v) detail_group[i] = detail_groups;
    ++detail_groups;
  }
  for (auto& [k, v] : by_user_title) {
    if (v.size() < 2) continue;
    for (size_t i : v) title_group[i] = title_groups;
    ++title_groups;
  }

  text::DupOptions options;
  options.capacity = 1u << 14;
  options.window_days = 100000;  // the file spans years; the time window is a product setting
  text::DuplicateIndex index(options);
  std::map<int64_t, size_t> row_of;
  int detail_repeats = 0, detail_found = 0, title_repeats = 0, title_found = 0;
  long flagged = 0, flagged_known = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Message& m = rows[i].second;
    const std::string content = norm.Content(m.title + " " + m.detail);
    auto top = index.Query(content, m.day, "", "", 5);
    bool d_hit = false, t_hit = false;
    bool d_earlier = false, t_earlier = false;
    for (size_t j = 0; j < i; ++j) {
      d_earlier = d_earlier || (detail_group[i] >= 0 && detail_group[j] == detail_group[i]);
      t_earlier = t_earlier || (title_group[i] >= 0 && title_group[j] == title_group[i]);
    }
    for (const auto& c : top) {
      const size_t j = row_of[c.order_id];
      const bool known_d = detail_group[i] >= 0 && detail_group[j] == detail_group[i];
      const bool known_t = title_group[i] >= 0 && title_group[j] == title_group[i];
      d_hit = d_hit || known_d;
      t_hit = t_hit || known_t;
      ++flagged;
      flagged_known += known_d || known_t;
    }
    if (d_earlier) {
      ++detail_repeats;
      detail_found += d_hit;
    }
    if (t_earlier) {
      ++title_repeats;
      title_found += t_hit;
    }
    const int64_t id = static_cast<int64_t>(i) + 1;
    row_of[id] = i;
    index.Add(id, content, m.day, "", "");
  }
  const int repeats = detail_repeats + title_repeats;
  const int found = detail_found + title_found;
  std::printf("duplicates on fj3 (%zu messages in time order):\n", rows.size());
  std::printf("  %d groups of repeated details: %d later members, %d found in the top 5\n",
              detail_groups, detail_repeats, detail_found);
  std::printf("  %d groups of repeated (user, title): %d later members, %d found in the top 5\n",
              title_groups, title_repeats, title_found);
  std::printf(
      "  flagged pairs (similarity >= %.2f, top 5): %ld, of which %ld known repeats, %ld others\n",
      options.min_similarity, flagged, flagged_known, flagged - flagged_known);

  // Masked unit names in titles.
  std::vector<text::Place> masked;
  const std::string letters = "ABCDEFGHIJKL";
  for (char l : letters) {
    const std::string city(1, l);
    masked.push_back({city, city + "市", text::PlaceLevel::kCity, ""});
    for (int n = 1; n <= 9; ++n) {
      for (const char* kind : {"区", "县", "市"}) {
        masked.push_back({city + std::to_string(n) + kind, city + std::to_string(n) + kind,
                          text::PlaceLevel::kDistrict, city});
      }
    }
  }
  auto gazetteer = text::Gazetteer::FromPlaces(*normalizer, masked, {""});
  const std::regex masked_name("[A-L][1-9]?(市|区|县)");
  int with_name = 0, found_name = 0;
  for (const auto& [key, m] : rows) {
    if (!std::regex_search(m.title, masked_name)) continue;
    ++with_name;
    found_name += gazetteer->Locate(norm.Normalize(m.title)).best != nullptr;
  }
  std::printf(
      "masked units in fj3 titles: %d titles name one (regex), the gazetteer finds one in %d\n",
      with_name, found_name);
  std::printf("dup_recall_top5=%.4f\n", repeats ? static_cast<double>(found) / repeats : 0.0);
  std::printf("dup_other_pairs_flagged=%ld\n", flagged - flagged_known);
  std::printf("masked_unit_found_share=%.4f\n",
              with_name ? static_cast<double>(found_name) / with_name : 0.0);
  return 0;
}
