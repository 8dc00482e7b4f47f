// A small jurisdiction built in code for domain tests: two districts, a street, a city
// department and a utility, a two-level taxonomy, Beijing-style default time limits and the
// 2025 National Day calendar.
#pragma once

#include "domain/jurisdiction.h"

namespace jiesu::domain::testing {

Jurisdiction MakeTestJurisdiction();

}  // namespace jiesu::domain::testing
