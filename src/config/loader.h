// Loads a jurisdiction from a configuration directory and validates it.
//
// The directory holds YAML files (jurisdiction.yaml, areas.yaml, units.yaml, taxonomy.yaml,
// dispatch.yaml, time_limits.yaml, roles.yaml) and the holiday calendar CSV named in
// jurisdiction.yaml. Every problem found is reported as "file:line: field: message"; unknown
// keys are errors, so a typo never silently falls back to a default.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/jurisdiction.h"

namespace jiesu::config {

// Loads and validates `dir`. On failure returns kInvalidArgument whose message lists every
// problem found, one per line.
Result<domain::Jurisdiction> LoadJurisdiction(const std::filesystem::path& dir);

// Parses a holiday calendar CSV (header `date,kind,festival`; kind is holiday or workday).
// Errors name the file and line.
Result<domain::WorkCalendar> LoadCalendarCsv(const std::filesystem::path& file,
                                             int utc_offset_minutes);

}  // namespace jiesu::config
