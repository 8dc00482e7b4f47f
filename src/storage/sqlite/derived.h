// Tables derived from each order in the same transaction as its events: the deadline timer,
// warning notices and the evaluation facts (score_legs, score_visits). All of them can be
// rebuilt from the event log (RebuildDerived), which the store does when it opens a database
// whose derived tables are older than this code.
#pragma once

#include <functional>
#include <vector>

#include "base/result.h"
#include "domain/order.h"
#include "storage/sqlite/db.h"

namespace jiesu::storage::sqlite {

// Bump when the derivation changes: the store then rebuilds the tables on open.
inline constexpr int kDerivedVersion = 1;

// Brings the derived rows of `order` up to date. `new_events` are the events just appended
// (their cards become notices); `is_new` skips deleting rows that cannot exist yet.
Status WriteDerived(Connection& c, const domain::Order& order,
                    const std::vector<const domain::Event*>& new_events, bool is_new);

// Recomputes every derived row from the event log when store_meta says they are stale.
// Returns the number of orders processed (0 when nothing was stale).
Result<int64_t> RebuildDerivedIfStale(
    Connection& c, const std::function<Result<domain::Order>(int64_t)>& load);

}  // namespace jiesu::storage::sqlite
