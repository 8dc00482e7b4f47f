// An order read back from its event log, on any connection: for the order repository
// (sqlite_orders.cc) and for the writer's start-up, which rebuilds derived tables from it.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "domain/order.h"
#include "storage/sqlite/db.h"

namespace jiesu::storage::sqlite {

// The order's events in sequence; kNotFound when it has none.
Result<std::vector<domain::Event>> LoadEvents(Connection& c, int64_t id);
// The order its events replay to; kNotFound when it does not exist.
Result<domain::Order> LoadOrder(Connection& c, int64_t id);

}  // namespace jiesu::storage::sqlite
