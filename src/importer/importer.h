// `jiesu import`: streams a CSV (.csv.gz) or .xlsx export of another system's cases into the
// store through a mapping (mapping.h). Each good row becomes an order with the history
// domain::DecideImport gives it; each bad row is written to the rejects file with its line, key
// and reason, and changes nothing. Keys are remembered (the store's idempotency keys, scoped to
// the source), so importing the same file again creates no duplicates; a row whose key was
// imported with different content is rejected. Writes are issued from several threads so that the
// store's group commit shares fsyncs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "analytics/csv.h"
#include "base/result.h"
#include "domain/import.h"
#include "domain/jurisdiction.h"
#include "importer/mapping.h"
#include "storage/store.h"

namespace jiesu::importer {

struct Summary {
  int64_t rows = 0;      // data rows read
  int64_t imported = 0;  // new orders
  int64_t existing = 0;  // already imported before, skipped
  int64_t rejected = 0;  // written to the rejects file
  double seconds = 0;
};

struct Options {
  std::string rejects_path;  // "" = <input>.rejects.csv in the current directory
  int writers = 512;  // concurrent writes: the store commits up to 512 together (group commit)
  // Called about every 200 ms while importing, and once at the end.
  std::function<void(const Summary&)> progress;
};

// Calls `fn` with each data row of `input` (CSV, .csv.gz or .xlsx), the value of its key column,
// and the case `mapping` makes of it or why it makes none, in file order, until `fn` returns
// false. Errors: kInvalidArgument for a malformed or empty file or a header that lacks a
// mapped column; kUnavailable when it cannot be read.
using CaseFn = std::function<bool(const analytics::CsvRow& row, const std::string& key,
                                  Result<domain::ImportedCase> c)>;
Status ReadCases(const Mapping& mapping, const std::string& input, const CaseFn& fn);

// Imported cases carry no caller identity (the public files have none).
Result<Summary> Import(storage::Store& store, const domain::Jurisdiction& j, const Mapping& mapping,
                       const std::string& input, const Options& options);

}  // namespace jiesu::importer
