// Labelled text from CSV files (a header row, RFC 4180 quoting, optionally gzip-compressed):
// the input of `jiesu train-classifier` and `jiesu eval-classifier`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "text/classifier.h"

namespace jiesu::text {

struct CsvSelection {
  // Comma-separated alternatives; the first whose columns the file has is used. An alternative
  // may join columns with '+' ("title+detail": the two joined by a space).
  std::string text = "text";
  std::string label = "category";
  // Keep only rows where column == value (when the file has that column) ...
  std::vector<std::pair<std::string, std::string>> where;
  // ... and drop rows where column == value.
  std::vector<std::pair<std::string, std::string>> where_not;
};

struct CsvRows {
  std::vector<LabelledText> rows;
  std::vector<int64_t> lines;  // the CSV line of each row
  std::string text_columns;    // the alternative used
  int64_t filtered = 0;        // rows left out by where / where_not
  int64_t empty = 0;           // rows with an empty text or label, skipped
};

// Errors: kInvalidArgument naming the file when it has none of the text alternatives or no
// label column, or is malformed; kUnavailable when it cannot be read.
Result<CsvRows> ReadLabelledCsv(const std::string& path, const CsvSelection& selection);

// "col=value" → {col, value}; kInvalidArgument otherwise.
Result<std::pair<std::string, std::string>> ParseCondition(const std::string& s);

}  // namespace jiesu::text
