// The index file (PATH.index) beside the database: text trigrams and callers, derived data
// that the indexer thread fills behind intake (index_file.cc) and readers attach as `idx`.
#pragma once

#include <string>

namespace jiesu::storage::sqlite {

std::string IndexFilePath(const std::string& db_path);

}  // namespace jiesu::storage::sqlite
