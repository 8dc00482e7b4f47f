// A mapping file: how the columns of someone else's CSV become jiesu orders (SPEC §8, issue 5).
// YAML, validated on load against the jurisdiction like the configuration: errors name the
// file, the line and the field; unknown keys are errors. See config/import/*.yaml.
#pragma once

#include <unicode/regex.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/jurisdiction.h"

namespace jiesu::importer {

// A column whose values are translated through a map (with an optional default). With
// `extract`, the value is what the regular expression's first group (or whole match) finds in
// the column ("" when nothing): "(A[0-9]+[区县])" takes the district out of a title. ICU
// regular expressions, so classes of Chinese characters work. With no column, every row takes
// the default.
struct MappedColumn {
  std::string column;
  std::map<std::string, std::string> values;
  std::optional<std::string> fallback;  // for values not in the map; else the row is rejected
  std::string extract;                  // ICU regular expression, or ""
  std::shared_ptr<const icu::RegexPattern> extract_re;

  // The value of `field` to look up in `values` (the extraction, when there is one).
  std::string Value(const std::string& field) const;
};

struct Mapping {
  std::string source;  // names the imported keys; a re-run skips keys already imported
  std::string key;     // the column holding the source system's id
  // strptime(3) formats of the time columns, tried in order (one, or a list when the source
  // mixes them).
  std::vector<std::string> time_formats;
  // Values that mean "no value" in this source ("NA", "N/A"), read as empty.
  std::vector<std::string> empty_values;
  int utc_offset_minutes = 0;
  std::string received_at;             // column
  std::string due_at;                  // optional column
  std::string closed_at;               // optional column
  std::optional<MappedColumn> status;  // values map to "open" or "closed"
  std::string title;                   // optional column
  std::vector<std::string> content;    // columns joined with "; "
  std::string address;
  std::string latitude, longitude;
  std::vector<std::pair<double, double>> ignore_coordinates;
  std::string reply_text;
  std::optional<MappedColumn> channel;       // values map to channel names; default "import"
  std::optional<MappedColumn> urgency;       // values map to urgency names; default normal
  std::optional<MappedColumn> request_type;  // values map to request types; default other
  std::optional<MappedColumn> confidential;  // values map to "true" or "false"; default false
  MappedColumn category;                     // values map to taxonomy codes
  // Values map to area codes: a district's (6 digits), a street's (9) or a community's (12).
  std::optional<MappedColumn> area;
  MappedColumn unit;  // values map to unit ids
};

// Loads and checks `path` against `j` (every mapped code must exist there).
Result<Mapping> LoadMapping(const std::string& path, const domain::Jurisdiction& j);

}  // namespace jiesu::importer
