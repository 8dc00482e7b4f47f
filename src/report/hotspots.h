// The monthly 民声热点 report as an .xlsx workbook (libxlsxwriter): a summary sheet, then top
// problems, rising problems, districts (with 万人诉求比), the month's early warnings and the
// active topics with their monthly volumes.
#pragma once

#include <filesystem>

#include "base/result.h"
#include "domain/jurisdiction.h"
#include "service/topics.h"

namespace jiesu::report {

Status WriteHotspotsXlsx(const service::HotspotReport& r, const domain::Jurisdiction& j,
                         const std::filesystem::path& file);

}  // namespace jiesu::report
