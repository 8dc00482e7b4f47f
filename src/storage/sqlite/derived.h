// Tables derived from each order: in the same transaction as its events, the deadline timer,
// warning notices and the evaluation facts (score_legs, score_visits); the rollups
// (rollup_daily, rollup_area, their legs tables, rollup_tags) in the same transaction or, for
// the store's writer, gathered and written a few hundred ms later (RollupDelta). All of them
// can be rebuilt from the event log, which the store does when it opens a database whose
// derived tables are older than this code or were built for another UTC offset, and on
// request (`jiesu rebuild-rollups`).
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "base/result.h"
#include "domain/order.h"
#include "domain/rollup.h"
#include "storage/sqlite/db.h"

namespace jiesu::storage::sqlite {

// Bump when the derivation changes: the store then rebuilds the tables on open.
inline constexpr int kDerivedVersion = 3;  // 3: time to sign and reply in the rollups

// What orders' changes add to the rollups (the difference of their contributions), summed.
// The store's writer gathers these and writes them in a transaction of its own every few
// hundred ms (SqliteStore::FlushRollups): a rollup page is then rewritten once per flush
// instead of once per commit, and store_meta's rollups_through names the newest event whose
// change the tables hold.
class RollupDelta {
 public:
  // Adds contribution(after) − contribution(before); `before` is nullptr for a new order.
  void Add(const domain::Order* before, const domain::Order& after, int utc_offset_minutes);
  RollupDelta& operator+=(const RollupDelta& other);
  // The same, moving the entries `other` alone has (no key copied) and leaving it empty: the
  // writer hands every job's changes on twice (to its batch, then to what is pending).
  RollupDelta& operator+=(RollupDelta&& other);
  bool empty() const { return rows_.empty() && tags_.empty(); }
  void clear();
  // Adds the sums to the rollup tables.
  Status Write(Connection& c) const;

 private:
  std::map<domain::RollupKey, domain::RollupMeasures> rows_;
  std::map<domain::TagRow, int64_t> tags_;
};

struct DerivedOptions {
  int utc_offset_minutes = 480;  // local days of the rollups
  bool rollups = true;           // off only to measure what keeping them costs
  // When set, rollup changes are added here instead of written (the writer's gathering).
  RollupDelta* gather = nullptr;
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

// Adds to the rollups the change of every order with events after store_meta's
// rollups_through (gathered changes that a crash lost before their flush), and moves the mark
// to the newest event. Inside the caller's transaction. Returns the number of orders.
Result<int64_t> CatchUpRollups(
    Connection& c, const std::function<Result<std::vector<domain::Event>>(int64_t)>& events,
    const DerivedOptions& options);

// Sets rollups_through to the newest event: the rollup tables hold every change up to it.
Status MarkRollupsThrough(Connection& c);

// The same in a transaction of its own, only when store_meta says the derived rows are stale
// (older derivation or another UTC offset). Returns 0 when nothing was stale.
Result<int64_t> RebuildDerivedIfStale(Connection& c,
                                      const std::function<Result<domain::Order>(int64_t)>& load,
                                      const DerivedOptions& options);

}  // namespace jiesu::storage::sqlite
