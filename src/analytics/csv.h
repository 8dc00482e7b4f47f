// Streaming CSV (RFC 4180: quoted fields, embedded commas, quotes and newlines) over a plain
// or gzip-compressed file, parsed by libcsv (Debian libcsv-dev) and inflated by zlib. Rows are
// handed to a callback one at a time, so files of any size stream in constant memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace jiesu::analytics {

struct CsvRow {
  int64_t line = 0;  // 1-based line number where the record starts (the header is line 1)
  std::vector<std::string> fields;
};

// Calls `fn` for every record of `path` (".gz" files are inflated), the header included.
// `fn` returns false to stop early. Errors: kInvalidArgument for a malformed file (naming the
// line), kUnavailable when it cannot be read.
Status ReadCsv(const std::string& path, const std::function<bool(const CsvRow&)>& fn);
// `s` as one CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break.
std::string CsvField(std::string_view s);

// The same for CSV text already in memory (a request body); errors name it `name`.
Status ParseCsv(std::string_view text, const std::string& name,
                const std::function<bool(const CsvRow&)>& fn);

}  // namespace jiesu::analytics
