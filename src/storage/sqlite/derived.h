// Tables derived from each order in the same transaction as its events: the deadline timer,
// warning notices, the evaluation facts (score_legs, score_visits) and the rollups
// (rollup_daily, rollup_tags). All of them can be rebuilt from the event log, which the store
// does when it opens a database whose derived tables are older than this code or were built
// for another UTC offset, and on request (`jiesu rebuild-rollups`).
#pragma once

#include <functional>
#include <vector>

#include "base/result.h"
#include "domain/order.h"
#include "storage/sqlite/db.h"

namespace jiesu::storage::sqlite {

// Bump when the derivation changes: the store then rebuilds the tables on open.
inline constexpr int kDerivedVersion = 3;  // 3: time to sign and reply in the rollups

struct DerivedOptions {
  int utc_offset_minutes = 480;  // local days of the rollups
  bool rollups = true;           // off only to measure what keeping them costs
};

// Brings the derived rows of `order` up to date. `before` is the order as it was before the
// events just appended (nullptr for a new order): rollups change by the difference of the two
// contributions. `new_events`' cards become notices.
Status WriteDerived(Connection& c, const domain::Order* before, const domain::Order& order,
                    const std::vector<const domain::Event*>& new_events,
                    const DerivedOptions& options);

// Recomputes every derived row from the event log, inside the caller's transaction. Returns
// the number of orders.
Result<int64_t> RebuildDerivedIn(Connection& c,
                                 const std::function<Result<domain::Order>(int64_t)>& load,
                                 const DerivedOptions& options);

// The same in a transaction of its own, only when store_meta says the derived rows are stale
// (older derivation or another UTC offset). Returns 0 when nothing was stale.
Result<int64_t> RebuildDerivedIfStale(
    Connection& c, const std::function<Result<domain::Order>(int64_t)>& load,
    const DerivedOptions& options);

}  // namespace jiesu::storage::sqlite
