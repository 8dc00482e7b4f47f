// Streaming reader for the first worksheet of an .xlsx file (Office Open XML), for importing
// other systems' exports (SPEC §10). The package is opened with libzip and its XML parsed with
// expat, both Debian packages: no Debian library reads .xlsx (libxlsxwriter only writes), and
// the part we need — rows of cell values — is small. The sheet is parsed as it is inflated, so
// large sheets stream in the memory of their shared strings.
//
// Cell values are given as text: shared and inline strings as written; numbers as written in
// the file ("42005", "3.5"); cells whose style is a date or time format as local date-times
// "YYYY-MM-DD HH:MM:SS" (the 1900 and 1904 date systems both handled); booleans as "TRUE" or
// "FALSE"; formulas by their cached value. Missing cells are "". Rows are handed over in sheet
// order with their row number as `line`.
#pragma once

#include <functional>
#include <string>

#include "analytics/csv.h"
#include "base/result.h"

namespace jiesu::analytics {

// The text form of a date-styled cell: what ReadXlsx gives for dates and times.
inline constexpr const char* kXlsxDateTimeFormat = "%Y-%m-%d %H:%M:%S";

// Calls `fn` for every row of the first worksheet of `path`; `fn` returns false to stop.
// Errors: kInvalidArgument when the file is not an .xlsx workbook or its XML is malformed
// (naming the part and line), kUnavailable when it cannot be read.
Status ReadXlsx(const std::string& path, const std::function<bool(const CsvRow&)>& fn);

// ReadXlsx for ".xlsx" files, ReadCsv for anything else (".csv", ".csv.gz").
Status ReadTable(const std::string& path, const std::function<bool(const CsvRow&)>& fn);
bool IsXlsx(const std::string& path);

}  // namespace jiesu::analytics
