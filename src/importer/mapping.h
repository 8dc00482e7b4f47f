// A mapping file: how the columns of someone else's CSV become jiesu orders (SPEC §8, issue 5).
// YAML, validated on load against the jurisdiction like the configuration: errors name the
// file, the line and the field; unknown keys are errors. See config/import/*.yaml.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/jurisdiction.h"

namespace jiesu::importer {

// A column whose values are translated through a map (with an optional default).
struct MappedColumn {
  std::string column;
  std::map<std::string, std::string> values;
  std::optional<std::string> fallback;  // for values not in the map; else the row is rejected
};

struct Mapping {
  std::string source;       // names the imported keys; a re-run skips keys already imported
  std::string key;          // the column holding the source system's id
  std::string time_format;  // strptime(3) format of every time column
  int utc_offset_minutes = 0;
  std::string received_at;  // column
  std::string due_at;       // optional column
  std::string closed_at;    // optional column
  std::optional<MappedColumn> status;  // values map to "open" or "closed"
  std::string title;                   // optional column
  std::vector<std::string> content;    // columns joined with "; "
  std::string address;
  std::string latitude, longitude;
  std::vector<std::pair<double, double>> ignore_coordinates;
  std::string reply_text;
  std::optional<MappedColumn> channel;  // values map to channel names; default "import"
  MappedColumn category;                // values map to taxonomy codes
  std::optional<MappedColumn> area;     // values map to area codes
  MappedColumn unit;                    // values map to unit ids
};

// Loads and checks `path` against `j` (every mapped code must exist there).
Result<Mapping> LoadMapping(const std::string& path, const domain::Jurisdiction& j);

}  // namespace jiesu::importer
