// A month of demo history: orders that went through their whole life — dispatch, signing,
// contact, replies (some late), returns, return visits, reopenings — with the deadline
// scheduler ticking along, so that a fresh demo has scores, rankings, cards and drill-downs
// to show. Every instant comes from a ManualClock; the same seed gives the same history.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/import.h"
#include "domain/jurisdiction.h"
#include "service/auth.h"
#include "storage/store.h"

namespace jiesu::app {

struct DemoHistoryStats {
  int orders = 0;
  int visited = 0;
  int late_replies = 0;
  int reopened = 0;
  int returned = 0;
};

// Creates `count` orders received during `month` (YYYY-MM), acting no later than `not_after`;
// each is one of `leads` (its unit, category, street and content), drawn at random. Errors:
// kInvalidArgument when `leads` is empty.
Result<DemoHistoryStats> SeedDemoMonth(storage::Store& store, const domain::Jurisdiction& j,
                                       const service::CallerHasher& hasher,
                                       const std::vector<domain::ImportedCase>& leads,
                                       const std::string& month, int count, TimePoint not_after,
                                       uint64_t seed);

}  // namespace jiesu::app
