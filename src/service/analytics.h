// Governance analytics (SPEC §8) over the rollups: breakdowns, daily series and completion
// time distributions, for any of the rollup dimensions and filters, without scanning orders.
// Unit-scoped roles see their own unit's figures only. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "domain/jurisdiction.h"
#include "storage/store.h"

namespace jiesu::service {

struct AnalyticsQuery {
  Date from{};  // first local day
  Date to{};    // last local day, inclusive
  std::vector<std::string> by;  // day, category, category1, category2, district, unit, channel
  std::string category, district, unit, channel;  // filters (category is a code prefix)
  int top = 100;
};

class Analytics {
 public:
  Analytics(storage::Store& store, const domain::Jurisdiction& j) : store_(store), j_(j) {}

  Result<std::vector<storage::RollupGroup>> Query(const domain::Actor& actor, AnalyticsQuery q);

 private:
  storage::Store& store_;
  const domain::Jurisdiction& j_;
};

}  // namespace jiesu::service
