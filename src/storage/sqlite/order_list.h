// The category and district lists (migrations 12 and 14), which the writer fills behind
// intake and the list query reads (order_list.cc).
#pragma once

#include <cstdint>

#include "base/result.h"
#include "storage/sqlite/db.h"

namespace jiesu::storage::sqlite {

inline constexpr Query kMaxOrderId{"max_order_id", "SELECT COALESCE(MAX(id), 0) FROM orders"};

// Lists up to `limit` new orders; returns whether more are left.
Result<bool> ListNewOrders(Connection& c, int64_t limit);

}  // namespace jiesu::storage::sqlite
