// The database's schema and connection settings, shared by the store's connections and
// `jiesu migrate`.
#pragma once

#include "base/result.h"
#include "storage/sqlite/db.h"

namespace jiesu::storage::sqlite {

// Sets the pragmas of a read connection, or of the writer's (`writer`: WAL, synchronous NORMAL,
// or OFF when not `durable`, foreign keys, the caches).
Status ConfigureConnection(Connection& c, bool writer, bool durable = true);

// Applies every migration above the database's version, each in a transaction of its own, and
// sets `*version_out` to the version reached. Fails with kUnavailable when a migration fails
// (the database stays at the version before it) or when the database is newer than this code.
Status ApplyMigrations(Connection& c, int* version_out);

}  // namespace jiesu::storage::sqlite
