#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

#include "base/thread_name.h"
#include "base/wait.h"
#include "domain/lifecycle.h"
#include "storage/event_codec.h"
#include "storage/sqlite/derived.h"

namespace jiesu::storage::sqlite {
namespace {

using domain::Event;
using domain::Order;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Numbered migrations; never edit one that has shipped, add the next.
const Migration kMigrations[] = {
    {1, "orders, legs, events, idempotency, users, sessions", R"sql(
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  channel TEXT NOT NULL,
  urgency TEXT NOT NULL,
  request_type TEXT NOT NULL,
  category TEXT NOT NULL,
  cat1 TEXT NOT NULL,  -- the category's first level (2 digits), for equality filters
  cat2 TEXT NOT NULL,  -- its first two levels (4 digits)
  district TEXT NOT NULL,
  street TEXT NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  address TEXT NOT NULL,
  confidential INTEGER NOT NULL,
  caller_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  reply_due INTEGER,
  version INTEGER NOT NULL
);
CREATE INDEX orders_state ON orders(state, id);
CREATE INDEX orders_cat1 ON orders(cat1, id);
CREATE INDEX orders_cat2 ON orders(cat2, id);
CREATE INDEX orders_district ON orders(district, id);
CREATE INDEX orders_created ON orders(created_at);
CREATE INDEX orders_due ON orders(reply_due) WHERE reply_due IS NOT NULL;
CREATE INDEX orders_caller ON orders(caller_hash, id) WHERE caller_hash <> '';
CREATE TABLE legs (
  order_id INTEGER NOT NULL,
  no INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  role TEXT NOT NULL,
  state TEXT NOT NULL,
  sign_due INTEGER NOT NULL,
  reply_due INTEGER NOT NULL,
  PRIMARY KEY (order_id, no)
) WITHOUT ROWID;
CREATE INDEX legs_unit ON legs(unit_id, order_id);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  leg INTEGER NOT NULL,
  at INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  actor_role TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (order_id, seq)
);
CREATE TABLE idempotency (
  user_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Trigram index of the order text, filled in batches behind intake (see IndexText): it holds
-- orders up to store_meta.fts_watermark; newer ones are matched by scanning.
CREATE VIRTUAL TABLE orders_fts USING fts5(title, content, address, content='', tokenize='trigram',
                                           detail=none, columnsize=0);
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO store_meta (key, value) VALUES ('fts_watermark', 0);
)sql"},
    {2, "access_log", R"sql(
CREATE TABLE access_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  order_id INTEGER NOT NULL
);
CREATE INDEX access_log_order ON access_log(order_id, id);
)sql"},
    {3, "deadline timers, notices, evaluation facts, claims, score audit", R"sql(
CREATE TABLE timers (order_id INTEGER PRIMARY KEY, fire_at INTEGER NOT NULL);
CREATE INDEX timers_fire ON timers(fire_at);
CREATE TABLE notices (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  leg INTEGER NOT NULL,
  kind TEXT NOT NULL,
  deadline INTEGER NOT NULL,
  number INTEGER NOT NULL
);
CREATE INDEX notices_unit ON notices(unit_id, id);
CREATE TABLE score_legs (
  unit_id TEXT NOT NULL,
  dispatched_at INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  leg INTEGER NOT NULL,
  role TEXT NOT NULL,
  state TEXT NOT NULL,
  sign_due INTEGER NOT NULL,
  contact_due INTEGER NOT NULL,
  reply_due INTEGER NOT NULL,
  signed_at INTEGER,
  contacted_at INTEGER,
  replied_at INTEGER,
  PRIMARY KEY (unit_id, dispatched_at, order_id, leg)
) WITHOUT ROWID;
CREATE INDEX score_legs_order ON score_legs(order_id);
CREATE TABLE score_visits (
  unit_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  contacted INTEGER NOT NULL,
  solved INTEGER NOT NULL,
  satisfaction TEXT NOT NULL,
  first_satisfaction TEXT NOT NULL,
  reopen_count INTEGER NOT NULL,
  PRIMARY KEY (unit_id, at, order_id)
) WITHOUT ROWID;
CREATE INDEX score_visits_order ON score_visits(order_id);
CREATE TABLE claims (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  period TEXT NOT NULL,
  reason TEXT NOT NULL,
  evidence TEXT NOT NULL,
  state TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  decided_by INTEGER NOT NULL DEFAULT 0,
  decided_at INTEGER,
  decision TEXT NOT NULL DEFAULT ''
);
CREATE INDEX claims_unit ON claims(unit_id, id);
CREATE UNIQUE INDEX claims_one_pending ON claims(order_id, unit_id, period, kind)
  WHERE state = 'pending';
CREATE TABLE score_exclusions (
  period TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  claim_id INTEGER NOT NULL,
  PRIMARY KEY (period, unit_id, order_id)
) WITHOUT ROWID;
CREATE TABLE score_audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  period TEXT NOT NULL,
  claim_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  note TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL
);
CREATE INDEX score_audit_unit ON score_audit(unit_id, period, id);
-- The derived tables above are filled for existing orders when the store opens.
INSERT INTO store_meta (key, value) VALUES ('derived_version', 0);
)sql"},
    {4, "supervision orders (督办)", R"sql(
CREATE TABLE supervisions (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL,
  closed INTEGER NOT NULL,
  due INTEGER NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX supervisions_order ON supervisions(order_id, id) WHERE order_id <> 0;
CREATE TABLE supervision_units (
  unit_id TEXT NOT NULL,
  supervision_id INTEGER NOT NULL,
  PRIMARY KEY (unit_id, supervision_id)
) WITHOUT ROWID;
CREATE TABLE supervision_events (
  supervision_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  step TEXT NOT NULL,
  at INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (supervision_id, seq)
) WITHOUT ROWID;
)sql"},
    {5, "rollups", R"sql(
CREATE TABLE rollup_daily (
  day INTEGER NOT NULL,
  category TEXT NOT NULL,
  district TEXT NOT NULL,
  unit TEXT NOT NULL,
  channel TEXT NOT NULL,
  received INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  completed_ms INTEGER NOT NULL,
  completed_on_time INTEGER NOT NULL,
  b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL,
  b4 INTEGER NOT NULL, b5 INTEGER NOT NULL, b6 INTEGER NOT NULL, b7 INTEGER NOT NULL,
  PRIMARY KEY (day, category, district, unit, channel)
) WITHOUT ROWID;
-- The same measures by day, category and district only: breakdowns by those dimensions read
-- this smaller table.
CREATE TABLE rollup_area (
  day INTEGER NOT NULL,
  category TEXT NOT NULL,
  district TEXT NOT NULL,
  received INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  completed_ms INTEGER NOT NULL,
  completed_on_time INTEGER NOT NULL,
  b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL,
  b4 INTEGER NOT NULL, b5 INTEGER NOT NULL, b6 INTEGER NOT NULL, b7 INTEGER NOT NULL,
  PRIMARY KEY (day, category, district)
) WITHOUT ROWID;
CREATE TABLE rollup_tags (
  day INTEGER NOT NULL,
  tag TEXT NOT NULL,
  category TEXT NOT NULL,
  district TEXT NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY (day, tag, category, district)
) WITHOUT ROWID;
)sql"},
    {6, "knowledge base", R"sql(
CREATE TABLE knowledge (
  id INTEGER PRIMARY KEY,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  basis TEXT NOT NULL,
  owner_unit TEXT NOT NULL,
  valid_from INTEGER,
  valid_to INTEGER,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The segmented words of each point (rowid = knowledge.id), tokenised by FTS5's unicode61 at
-- the spaces the segmenter put in.
CREATE VIRTUAL TABLE knowledge_fts USING fts5(question, answer, tokenize = 'unicode61');
)sql"},
    {7, "early warnings, external events, topics", R"sql(
CREATE TABLE warnings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  category TEXT NOT NULL,
  district TEXT NOT NULL,
  window_from INTEGER NOT NULL,
  window_to INTEGER NOT NULL,
  expected REAL NOT NULL,
  observed REAL NOT NULL,
  p_value REAL NOT NULL,
  explanation TEXT NOT NULL,
  orders TEXT NOT NULL,  -- order ids, comma-separated
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  acknowledged_by INTEGER NOT NULL,
  acknowledged_at INTEGER,
  note TEXT NOT NULL,
  supervision_id INTEGER NOT NULL
);
CREATE INDEX warnings_status ON warnings(status, id);
CREATE TABLE external_events (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  district TEXT NOT NULL,
  category TEXT NOT NULL,
  place TEXT NOT NULL,
  lat REAL,
  lon REAL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX external_events_start ON external_events(starts_at);
CREATE TABLE topics (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  category TEXT NOT NULL,
  district TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  month TEXT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL,
  score REAL NOT NULL,
  orders TEXT NOT NULL,
  warning_id INTEGER NOT NULL,
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
)sql"},
    {8, "time to sign and to reply in the rollups", R"sql(
-- The lead leg's signing and reply per day, apart from rollup_daily/rollup_area so that
-- intake, which changes only the received counts, rewrites narrow rows. Filled by the rebuild
-- the new derived version triggers at open.
CREATE TABLE rollup_legs_daily (
  day INTEGER NOT NULL,
  category TEXT NOT NULL,
  district TEXT NOT NULL,
  unit TEXT NOT NULL,
  channel TEXT NOT NULL,
  signed INTEGER NOT NULL, signed_ms INTEGER NOT NULL,
  s0 INTEGER NOT NULL, s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL,
  s4 INTEGER NOT NULL, s5 INTEGER NOT NULL, s6 INTEGER NOT NULL, s7 INTEGER NOT NULL,
  replied INTEGER NOT NULL, replied_ms INTEGER NOT NULL,
  r0 INTEGER NOT NULL, r1 INTEGER NOT NULL, r2 INTEGER NOT NULL, r3 INTEGER NOT NULL,
  r4 INTEGER NOT NULL, r5 INTEGER NOT NULL, r6 INTEGER NOT NULL, r7 INTEGER NOT NULL,
  PRIMARY KEY (day, category, district, unit, channel)
) WITHOUT ROWID;
CREATE TABLE rollup_legs_area (
  day INTEGER NOT NULL,
  category TEXT NOT NULL,
  district TEXT NOT NULL,
  signed INTEGER NOT NULL, signed_ms INTEGER NOT NULL,
  s0 INTEGER NOT NULL, s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL,
  s4 INTEGER NOT NULL, s5 INTEGER NOT NULL, s6 INTEGER NOT NULL, s7 INTEGER NOT NULL,
  replied INTEGER NOT NULL, replied_ms INTEGER NOT NULL,
  r0 INTEGER NOT NULL, r1 INTEGER NOT NULL, r2 INTEGER NOT NULL, r3 INTEGER NOT NULL,
  r4 INTEGER NOT NULL, r5 INTEGER NOT NULL, r6 INTEGER NOT NULL, r7 INTEGER NOT NULL,
  PRIMARY KEY (day, category, district)
) WITHOUT ROWID;
)sql"},
    {9, "knowledge search moves to memory", R"sql(
-- The knowledge base is searched by an in-memory index built from the points
-- (text::KnowledgeIndex); the FTS5 table was ~100 times slower per query.
DROP TABLE knowledge_fts;
)sql"},
    {10, "the text index moves to a file of its own", R"sql(
-- The trigram index of order text lives beside the database, in PATH.index, filled by its own
-- thread instead of the writer (see OpenIndexes); it is rebuilt there from the orders.
DROP TABLE orders_fts;
DELETE FROM store_meta WHERE key = 'fts_watermark';
)sql"},
    {11, "the caller index moves to the index file", R"sql(
-- It put one page per order at a random place in every commit (docs/BENCHMARKS.md); the
-- index file's caller index replaces it.
DROP INDEX orders_caller;
)sql"},
    {12, "the category and district indexes are filled in batches", R"sql(
-- Each value in a commit rewrote the last leaf of its range: half of the WAL pages of an
-- order at intake (docs/BENCHMARKS.md). New orders come in unlisted; the writer lists them
-- every kListInterval, so that a leaf is rewritten once for thousands of orders. List
-- queries read the unlisted orders (id above listed_through) by a scan of the newest rows.
ALTER TABLE orders ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;
DROP INDEX orders_cat1;
DROP INDEX orders_cat2;
DROP INDEX orders_district;
CREATE INDEX orders_cat1 ON orders(cat1, id) WHERE listed = 1;
CREATE INDEX orders_cat2 ON orders(cat2, id) WHERE listed = 1;
CREATE INDEX orders_district ON orders(district, id) WHERE listed = 1;
INSERT INTO store_meta (key, value) SELECT 'listed_through', COALESCE(MAX(id), 0) FROM orders;
)sql"},
    {13, "rollup changes are written in batches", R"sql(
-- The rollup tables are a few dozen pages that every commit rewrote: a fifth of the WAL an
-- order wrote at intake. The writer now gathers their changes and writes them every
-- kListInterval (SqliteStore::FlushRollups); rollups_through is the newest event whose change
-- they hold, and on open the store adds what a crash lost (CatchUpRollups).
INSERT INTO store_meta (key, value) SELECT 'rollups_through', COALESCE(MAX(id), 0) FROM events;
)sql"},
    {14, "the category and district lists are tables of their own", R"sql(
-- Listing an order (migration 12) set orders.listed, which rewrote the order's row: a third of
-- a listing's WAL pages and most of its time. The lists are now (value, id) tables that the
-- writer appends to; orders.listed is no longer read. A change of an order's category (at
-- dispatch) moves its entries; an order not listed yet has none, and is listed with the
-- values it has then.
CREATE TABLE list_cat1 (value TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (value, id))
  WITHOUT ROWID;
CREATE TABLE list_cat2 (value TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (value, id))
  WITHOUT ROWID;
CREATE TABLE list_district (value TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (value, id))
  WITHOUT ROWID;
INSERT INTO list_cat1 SELECT cat1, id FROM orders
  WHERE id <= (SELECT value FROM store_meta WHERE key = 'listed_through');
INSERT INTO list_cat2 SELECT cat2, id FROM orders
  WHERE id <= (SELECT value FROM store_meta WHERE key = 'listed_through');
INSERT INTO list_district SELECT district, id FROM orders
  WHERE id <= (SELECT value FROM store_meta WHERE key = 'listed_through');
DROP INDEX orders_cat1;
DROP INDEX orders_cat2;
DROP INDEX orders_district;
CREATE TRIGGER orders_relist AFTER UPDATE OF cat1, cat2, district ON orders
WHEN old.cat1 IS NOT new.cat1 OR old.cat2 IS NOT new.cat2 OR old.district IS NOT new.district
BEGIN
  UPDATE list_cat1 SET value = new.cat1 WHERE value = old.cat1 AND id = old.id;
  UPDATE list_cat2 SET value = new.cat2 WHERE value = old.cat2 AND id = old.id;
  UPDATE list_district SET value = new.district WHERE value = old.district AND id = old.id;
END;
)sql"},
};

// WAL size (in 4 KiB frames) at which the checkpointer is woken, and at which the writer
// rewinds the WAL after the checkpointer's work.
constexpr int kCheckpointFrames = 2000;
constexpr int kRestartFrames = 8000;
// Indexing (the index file) runs at most this often and this many orders at a time, so that many
// intakes share one index segment instead of writing one each.
constexpr auto kIndexInterval = std::chrono::milliseconds(250);
// How often the writer lists new orders in the category and district indexes (migration 12).
constexpr auto kListInterval = std::chrono::milliseconds(250);
// At most this many orders per listing transaction, so that one holds the writer a few ms; the
// writer lists the rest between its next batches.
constexpr int64_t kListBatch = 1000;
constexpr int kIndexBatch = 2000;

constexpr Query kBegin{"begin", "BEGIN IMMEDIATE"};
constexpr Query kCommit{"commit", "COMMIT"};
constexpr Query kRollback{"rollback", "ROLLBACK"};
constexpr Query kSavepoint{"savepoint", "SAVEPOINT w"};
constexpr Query kRelease{"release", "RELEASE w"};
constexpr Query kRollbackTo{"rollback_to", "ROLLBACK TO w"};

constexpr Query kNextOrderId{"next_order_id", "SELECT COALESCE(MAX(id), 0) + 1 FROM orders"};
constexpr Query kMaxOrderId{"max_order_id", "SELECT COALESCE(MAX(id), 0) FROM orders"};
constexpr Query kInsertOrder{"insert_order", R"sql(
INSERT INTO orders (id, code, state, channel, urgency, request_type, category, district, street,
                    title, content, address, confidential, caller_hash, created_at, updated_at,
                    reply_due, version, cat1, cat2)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        substr(?7, 1, 2), substr(?7, 1, 4)))sql"};
// List the orders above listed_through by category and district (migrations 12 and 14), sorted
// as the list is, so that each value's last leaf is written once for all of them.
constexpr Query kListNewOrders[] = {
    {"list_new_cat1", R"sql(
INSERT INTO list_cat1 (value, id) SELECT cat1, id FROM orders
WHERE id > (SELECT value FROM store_meta WHERE key = 'listed_through')
  AND id <= (SELECT value FROM store_meta WHERE key = 'listed_through') + ?1
ORDER BY 1, 2)sql"},
    {"list_new_cat2", R"sql(
INSERT INTO list_cat2 (value, id) SELECT cat2, id FROM orders
WHERE id > (SELECT value FROM store_meta WHERE key = 'listed_through')
  AND id <= (SELECT value FROM store_meta WHERE key = 'listed_through') + ?1
ORDER BY 1, 2)sql"},
    {"list_new_district", R"sql(
INSERT INTO list_district (value, id) SELECT district, id FROM orders
WHERE id > (SELECT value FROM store_meta WHERE key = 'listed_through')
  AND id <= (SELECT value FROM store_meta WHERE key = 'listed_through') + ?1
ORDER BY 1, 2)sql"},
};
constexpr Query kSetListedThrough{"set_listed_through", R"sql(
UPDATE store_meta SET value = min(value + ?1, (SELECT COALESCE(MAX(id), 0) FROM orders))
WHERE key = 'listed_through'
RETURNING value < (SELECT COALESCE(MAX(id), 0) FROM orders))sql"};
constexpr Query kUpdateOrder{"update_order", R"sql(
UPDATE orders SET state = ?2, category = ?3, cat1 = substr(?3, 1, 2), cat2 = substr(?3, 1, 4),
                  updated_at = ?4, reply_due = ?5, version = ?6
WHERE id = ?1)sql"};
// The index file (PATH.index): the indexes that intake does not wait for, derived data, rebuilt
// from the orders whenever it is missing, unreadable, or ahead of them. Its connection attaches
// the database as `store`; readers attach it as `idx`.
constexpr const char* kIndexFileSchema = R"sql(
CREATE VIRTUAL TABLE IF NOT EXISTS orders_fts USING fts5(title, content, address, content='',
                                                         tokenize='trigram', detail=none,
                                                         columnsize=0);
-- A caller's orders: one token under the order's id, hex(substr(caller_hash, 1, 16)) (one
-- token whatever the hash holds; candidates are confirmed on the row). A full-text index is
-- log-structured: a batch's entries are written once, in order, and merged later, where a
-- B-tree keyed by the hash rewrote a page at a random place for each order.
CREATE VIRTUAL TABLE IF NOT EXISTS caller_tokens USING fts5(caller_hash, content='',
                                                            detail=none, columnsize=0);
-- Orders up to the watermark are indexed; newer ones are matched by scanning. A new file gets
-- the current layout; a file without it was written by an older one and is built again.
CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO index_meta (key, value) SELECT 'layout', 2 WHERE NOT EXISTS (SELECT 1 FROM index_meta);
INSERT OR IGNORE INTO index_meta (key, value) VALUES ('watermark', 0);
)sql";
constexpr int64_t kIndexLayout = 2;  // 1: callers in a B-tree (session 7)
constexpr Query kIndexLayoutQuery{"index_layout",
                                  "SELECT value FROM main.index_meta WHERE key = 'layout'"};
constexpr Query kIndexWatermark{"index_watermark",
                                "SELECT value FROM main.index_meta WHERE key = 'watermark'"};
constexpr Query kSetIndexWatermark{"set_index_watermark",
                                   "UPDATE main.index_meta SET value = ?1 WHERE key = 'watermark'"};
constexpr Query kStoreMaxOrderId{"store_max_order_id",
                                 "SELECT COALESCE(MAX(id), 0) FROM store.orders"};
constexpr Query kUnindexed{"unindexed", R"sql(
SELECT id, title, content, address, caller_hash FROM store.orders WHERE id > ?1 ORDER BY id
LIMIT ?2)sql"};
constexpr Query kInsertCaller{
    "insert_caller",
    "INSERT INTO main.caller_tokens (rowid, caller_hash) VALUES (?1, hex(substr(?2, 1, 16)))"};
constexpr Query kInsertFts{
    "insert_fts",
    "INSERT INTO main.orders_fts (rowid, title, content, address) VALUES (?1, ?2, ?3, ?4)"};
constexpr Query kUpsertLeg{"upsert_leg", R"sql(
INSERT INTO legs (order_id, no, unit_id, role, state, sign_due, reply_due)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (order_id, no) DO UPDATE SET state = excluded.state, reply_due = excluded.reply_due)sql"};
constexpr Query kInsertEvent{"insert_event", R"sql(
INSERT INTO events (order_id, seq, type, leg, at, actor_id, actor_role, body)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql"};
constexpr Query kSelectEvents{"select_events",
                              "SELECT seq, body FROM events WHERE order_id = ?1 ORDER BY seq"};
constexpr Query kSelectIdem{
    "select_idem",
    "SELECT request_hash, order_id FROM idempotency WHERE user_id = ?1 AND key = ?2"};
constexpr Query kInsertIdem{"insert_idem", R"sql(
INSERT INTO idempotency (user_id, key, request_hash, order_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5))sql"};
constexpr Query kLegUnits{"leg_units", "SELECT unit_id FROM legs WHERE order_id = ?1 ORDER BY no"};
constexpr Query kInsertUser{"insert_user", R"sql(
INSERT INTO users (username, display_name, role, unit_id, password_hash, active, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id)sql"};
constexpr Query kUserByName{
    "user_by_name",
    "SELECT id, username, display_name, role, unit_id, password_hash, active, "
    "created_at FROM users WHERE username = ?1"};
constexpr Query kUserById{
    "user_by_id",
    "SELECT id, username, display_name, role, unit_id, password_hash, active, "
    "created_at FROM users WHERE id = ?1"};
constexpr Query kAllUsers{
    "all_users",
    "SELECT id, username, display_name, role, unit_id, password_hash, active, "
    "created_at FROM users ORDER BY id"};
constexpr Query kInsertAccess{"insert_access", R"sql(
INSERT INTO access_log (at, user_id, username, role, action, order_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql"};
constexpr Query kSelectAccess{"select_access", R"sql(
SELECT id, at, user_id, username, role, action, order_id FROM access_log
WHERE order_id = ?1 ORDER BY id DESC LIMIT ?2)sql"};
constexpr Query kInsertSession{"insert_session", R"sql(
INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4))sql"};
constexpr Query kSelectSession{
    "select_session", "SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ?1"};
constexpr Query kDeleteSession{"delete_session", "DELETE FROM sessions WHERE token_hash = ?1"};
constexpr Query kDeleteExpiredSessions{"delete_expired_sessions",
                                       "DELETE FROM sessions WHERE expires_at < ?1"};

Status ConfigureConnection(Connection& c, bool writer, bool durable = true) {
  JIESU_RETURN_IF_ERROR(c.Exec("PRAGMA busy_timeout = 10000"));
  // Reading pages through a memory map instead of pread() took a fifth off the writer's time.
  JIESU_RETURN_IF_ERROR(c.Exec("PRAGMA mmap_size = 1073741824"));
  if (writer) {
    JIESU_RETURN_IF_ERROR(c.Exec("PRAGMA journal_mode = WAL"));
    // NORMAL: COMMIT writes the WAL frames without waiting for the disk; the syncer thread
    // flushes the WAL before any write of the batch is acknowledged (SqliteStore::SyncLoop),
    // so an acknowledged write survives power loss, and the writer runs the next batch while
    // the disk works. Checkpoints still flush the WAL before copying it (NORMAL does that).
    JIESU_RETURN_IF_ERROR(
        c.Exec(durable ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = OFF"));
    JIESU_RETURN_IF_ERROR(c.Exec("PRAGMA foreign_keys = ON"));
    // Savepoints' statement journals in memory: on disk they spilled to a temporary file with
    // a write() per page.
    JIESU_RETURN_IF_ERROR(c.Exec("PRAGMA temp_store = MEMORY"));
    // 8 MiB: at each commit SQLite walks the page cache's hash table to drop pages past the
    // end of the file, and with 64 MiB that walk took a tenth of the writer's time at intake.
    // Pages read back come from the memory map, so a smaller cache costs little.
    JIESU_RETURN_IF_ERROR(c.Exec("PRAGMA cache_size = -8192"));
    // After the WAL is rewound, truncate the file back to this size.
    JIESU_RETURN_IF_ERROR(c.Exec("PRAGMA journal_size_limit = 67108864"));
  }
  return Ok();
}

Status ApplyMigrations(Connection& c, int* version_out) {
  JIESU_RETURN_IF_ERROR(
      c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
             "NOT NULL, "
             "applied_at INTEGER NOT NULL)"));
  static constexpr Query kCurrent{"current_version",
                                  "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};
  static constexpr Query kRecord{"record_migration",
                                 "INSERT INTO schema_migrations (version, name, applied_at) "
                                 "VALUES (?1, ?2, strftime('%s','now') * 1000)"};
  int current = 0;
  {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kCurrent));
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row) current = static_cast<int>(st->Int(0));
  }
  const int latest = kMigrations[std::size(kMigrations) - 1].version;
  if (current > latest) {
    return Unavailable("database schema version " + std::to_string(current) +
                       " is newer than this jiesu understands (" + std::to_string(latest) + ")");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    JIESU_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
    Status s = c.Exec(m.sql);
    if (s.ok()) {
      auto st = c.Prepare(kRecord);
      if (!st.ok()) {
        s = st.error();
      } else {
        (*st)->Bind(1, int64_t{m.version}).Bind(2, m.name);
        s = (*st)->Run();
      }
    }
    if (!s.ok()) {
      (void)c.Exec("ROLLBACK");
      return Unavailable("migration " + std::to_string(m.version) + " (" + m.name +
                         ") failed: " + s.error().message);
    }
    JIESU_RETURN_IF_ERROR(c.Exec("COMMIT"));
    current = m.version;
  }
  *version_out = current;
  return Ok();
}

Status RunQuery(Connection& c, const Query& q) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
  return st->Run();
}

// Lists up to `limit` new orders; returns whether more are left.
Result<bool> ListNewOrders(Connection& c, int64_t limit) {
  for (const Query& q : kListNewOrders) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
    st->Bind(1, limit);
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSetListedThrough));
  st->Bind(1, limit);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  const bool more = row && st->Int(0) != 0;
  JIESU_ASSIGN_OR_RETURN(bool done, st->Step());  // RETURNING: the statement runs to its end
  (void)done;
  return more;
}

Result<std::vector<Event>> LoadEvents(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSelectEvents));
  st->Bind(1, id);
  std::vector<Event> events;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    JIESU_ASSIGN_OR_RETURN(Event e, DecodeEvent(id, st->Int(0), st->Text(1)));
    events.push_back(std::move(e));
  }
  if (events.empty()) return NotFound("order " + std::to_string(id) + " does not exist");
  return events;
}

Result<Order> LoadOrder(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto events, LoadEvents(c, id));
  return domain::Replay(events);
}

std::optional<int64_t> EarliestReplyDue(const Order& o) {
  std::optional<int64_t> due;
  for (const auto& l : o.legs) {
    if (!domain::IsActive(l.state)) continue;
    int64_t d = ToUnixMillis(l.reply_due);
    if (!due || d < *due) due = d;
  }
  return due;
}

Status InsertEvents(Connection& c, const std::vector<Event>& events) {
  for (const Event& e : events) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertEvent));
    st->Bind(1, e.order_id)
        .Bind(2, e.seq)
        .Bind(3, domain::Name(e.type))
        .Bind(4, int64_t{e.leg})
        .Bind(5, ToUnixMillis(e.at))
        .Bind(6, e.actor.user_id)
        .Bind(7, e.actor.role)
        .Bind(8, EncodeEvent(e));
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  return Ok();
}

Status UpsertLegs(Connection& c, const Order& o) {
  for (const auto& l : o.legs) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kUpsertLeg));
    st->Bind(1, o.id)
        .Bind(2, int64_t{l.no})
        .Bind(3, l.unit_id)
        .Bind(4, domain::Name(l.role))
        .Bind(5, domain::Name(l.state))
        .Bind(6, ToUnixMillis(l.sign_due))
        .Bind(7, ToUnixMillis(l.reply_due));
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  return Ok();
}

Status InsertOrderRow(Connection& c, const Order& o) {
  const auto& d = o.draft;
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertOrder));
  st->Bind(1, o.id)
      .Bind(2, o.code)
      .Bind(3, domain::Name(o.state))
      .Bind(4, domain::Name(d.channel))
      .Bind(5, domain::Name(d.urgency))
      .Bind(6, domain::Name(d.request_type))
      .Bind(7, d.category)
      .Bind(8, d.location.district_code)
      .Bind(9, d.location.street_code)
      .Bind(10, d.title)
      .Bind(11, d.content)
      .Bind(12, d.location.address)
      .Bind(13, int64_t{d.confidential})
      .Bind(14, d.caller.phone_hash)
      .Bind(15, ToUnixMillis(o.created_at))
      .Bind(16, ToUnixMillis(o.updated_at))
      .Bind(17, EarliestReplyDue(o))
      .Bind(18, o.version);
  JIESU_RETURN_IF_ERROR(st->Run());
  return UpsertLegs(c, o);
}

Status UpdateOrderRow(Connection& c, const Order& o) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kUpdateOrder));
  st->Bind(1, o.id)
      .Bind(2, domain::Name(o.state))
      .Bind(3, o.draft.category)
      .Bind(4, ToUnixMillis(o.updated_at))
      .Bind(5, EarliestReplyDue(o))
      .Bind(6, o.version);
  JIESU_RETURN_IF_ERROR(st->Run());
  return UpsertLegs(c, o);
}

User ReadUser(const Statement& st) {
  User u;
  u.id = st.Int(0);
  u.username = st.Text(1);
  u.display_name = st.Text(2);
  u.role = st.Text(3);
  u.unit_id = st.Text(4);
  u.password_hash = st.Text(5);
  u.active = st.Int(6) != 0;
  u.created_at = FromUnixMillis(st.Int(7));
  return u;
}

Result<User> QueryUser(Connection& c, const Query& q, const std::function<void(Statement&)>& bind,
                       const std::string& what) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
  bind(*st);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFound("no user " + what);
  return ReadUser(*st);
}

// Builds the dynamic SQL of a list query; parameters are bound in order.
struct ListQuery {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> params;

  void Add(const std::string& clause) { sql += " AND " + clause; }
  void Add(const std::string& clause, std::variant<int64_t, std::string> p) {
    Add(clause);
    params.push_back(std::move(p));
  }
};

bool NeedsFtsFallback(const std::string& text) {
  // The trigram tokenizer matches only queries of three or more characters.
  size_t chars = 0;
  for (unsigned char ch : text) chars += (ch & 0xC0) != 0x80;
  return chars < 3;
}

// `s` as one FTS5 string: quoted, its quotes doubled.
std::string FtsPhrase(const std::string& s) {
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + '"';
}

// "路灯不亮" → "\"路灯不\" AND \"灯不亮\"": every trigram of the text, each quoted.
std::string TrigramQuery(const std::string& text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  std::string q;
  for (size_t i = 0; i + 3 < starts.size(); ++i) {
    if (!q.empty()) q += " AND ";
    q += FtsPhrase(text.substr(starts[i], starts[i + 3] - starts[i]));
  }
  return q;
}

std::string EscapeLike(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

// The single integer that `q` selects (0 when no row): a watermark, the newest order id.
Result<int64_t> SelectInt(Connection& c, const Query& q) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

// What one round of IndexRows did.
struct Indexed {
  int count = 0;          // orders indexed
  int64_t watermark = 0;  // the watermark after it
};

// Adds up to `limit` orders above `watermark` (the file's, which only the indexer moves) to the
// index file (text and caller) and moves the watermark, on the index file's connection. The
// orders are read before the transaction that writes the index, so that no read of the database
// stays open meanwhile (an open read keeps the writer from rewinding its WAL).
Result<Indexed> IndexRows(Connection& c, int64_t watermark, int limit) {
  struct Row {
    int64_t id;
    std::string title, content, address, caller_hash;
  };
  std::vector<Row> rows;
  {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kUnindexed));
    st->Bind(1, watermark).Bind(2, int64_t{limit});
    while (true) {
      JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      rows.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4)});
    }
  }
  if (rows.empty()) return Indexed{0, watermark};
  // A plain BEGIN: IMMEDIATE would take the write lock of the attached database too.
  JIESU_RETURN_IF_ERROR(c.Exec("BEGIN"));
  Status written = [&]() -> Status {
    for (const Row& r : rows) {
      JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertFts));
      st->Bind(1, r.id).Bind(2, r.title).Bind(3, r.content).Bind(4, r.address);
      JIESU_RETURN_IF_ERROR(st->Run());
      if (!r.caller_hash.empty()) {
        JIESU_ASSIGN_OR_RETURN(auto caller, c.Prepare(kInsertCaller));
        caller->Bind(1, r.id).Bind(2, r.caller_hash);
        JIESU_RETURN_IF_ERROR(caller->Run());
      }
    }
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSetIndexWatermark));
    st->Bind(1, rows.back().id);
    JIESU_RETURN_IF_ERROR(st->Run());
    return c.Exec("COMMIT");
  }();
  if (!written.ok()) {
    (void)c.Exec("ROLLBACK");
    return written.error();
  }
  return Indexed{static_cast<int>(rows.size()), rows.back().id};
}

std::string IndexFilePath(const std::string& db_path) { return db_path + ".index"; }

void RemoveIndexFile(const std::string& db_path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(IndexFilePath(db_path) + suffix, ignored);
}

// A string literal for SQL that takes no parameters (ATTACH of a path).
std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

// Opens (creating) the index file of the database at `db_path`, with the database attached as
// `store`.
Result<std::unique_ptr<Connection>> OpenIndexFile(const std::string& db_path) {
  JIESU_ASSIGN_OR_RETURN(auto c, Connection::Open(IndexFilePath(db_path), false, true));
  JIESU_RETURN_IF_ERROR(c->Exec("PRAGMA busy_timeout = 10000"));
  JIESU_RETURN_IF_ERROR(c->Exec("PRAGMA journal_mode = WAL"));
  // NORMAL: a commit lost to a power cut is indexed again from the orders; the file stays
  // consistent, and the watermark moves with the rows it covers.
  JIESU_RETURN_IF_ERROR(c->Exec("PRAGMA synchronous = NORMAL"));
  JIESU_RETURN_IF_ERROR(c->Exec(kIndexFileSchema));
  JIESU_RETURN_IF_ERROR(c->Exec("ATTACH DATABASE " + SqlString(db_path) + " AS store"));
  return c;
}

// How a list query treats its text filter.
enum class TextMode {
  kScan,     // LIKE while walking ids newest first (short texts, and the recent window)
  kIndexed,  // candidates from the trigram index, confirmed by LIKE
};

// The SQL of one list query: every filter of `f`, ids in [floor, ceiling), newest first, at
// most `rows` rows.
ListQuery BuildListQuery(const OrderFilter& f, TextMode mode, int64_t floor, int64_t ceiling,
                         int rows) {
  ListQuery q;
  const std::string columns =
      "SELECT o.id, o.code, o.state, o.channel, o.urgency, o.request_type, o.category, o.district, "
      "o.street, o.title, substr(o.content, 1, 120), o.confidential, o.created_at, o.updated_at, "
      "o.reply_due FROM ";
  // The category or district list that the listed orders are read from (migration 14), and the
  // value looked for in it; a category is preferred when both are given.
  std::string list, list_value;
  auto use_list = [&](const char* table, const std::string& value) {
    if (!list.empty()) return;
    list = table;
    list_value = value;
  };
  if (!f.states.empty()) {
    std::string in = "o.state IN (";
    for (size_t i = 0; i < f.states.size(); ++i) {
      in += i ? ", ?" : "?";
      q.params.emplace_back(std::string(domain::Name(f.states[i])));
    }
    q.Add(in + ")");
  }
  if (!f.unit.empty()) q.Add("o.id IN (SELECT order_id FROM legs WHERE unit_id = ?)", f.unit);
  // Filters are written so that SQLite walks an (x, id) index in id order and stops at the
  // page size: equality on a column indexed with id. Other conditions are marked with '+'
  // so the planner does not pick an index that would need every match sorted.
  if (!f.category_prefix.empty()) {
    const std::string& p = f.category_prefix;
    if (f.category_is_leaf && p.size() >= 4) {
      // Leaves under one second-level class are few: walk that class, test the code.
      q.Add("o.cat2 = ?", p.substr(0, 4));
      q.Add("+o.category = ?", p);
      use_list("list_cat2", p.substr(0, 4));
    } else if (p.size() == 2) {
      q.Add("o.cat1 = ?", p);
      use_list("list_cat1", p);
    } else if (p.size() == 4) {
      q.Add("o.cat2 = ?", p);
      use_list("list_cat2", p);
    } else {
      q.Add("o.category >= ?", p);
      q.Add("o.category < ?", p + "\x7f");
    }
  }
  // Streets are not indexed on their own (a street index costs a page write per order at
  // intake): a street filter walks its district's list, which holds ~20 streets.
  if (!f.district_code.empty()) {
    q.Add("o.district = ?", f.district_code);
    use_list("list_district", f.district_code);
  }
  if (!f.street_code.empty()) {
    if (f.district_code.empty()) {
      q.Add("o.district = ?", f.street_code.substr(0, 6));
      use_list("list_district", f.street_code.substr(0, 6));
    }
    q.Add("+o.street = ?", f.street_code);
  }
  if (f.channel) q.Add("o.channel = ?", std::string(domain::Name(*f.channel)));
  if (f.urgency) q.Add("o.urgency = ?", std::string(domain::Name(*f.urgency)));
  // A bounded window of at most a month is read through the created_at index; an open or
  // long one is met while walking ids newest first (ids grow with creation time).
  const bool narrow_window = f.created_from && f.created_to &&
                             *f.created_to - *f.created_from <= std::chrono::hours(24 * 31);
  const char* created = narrow_window ? "o.created_at" : "+o.created_at";
  if (f.created_from) q.Add(std::string(created) + " >= ?", ToUnixMillis(*f.created_from));
  if (f.created_to) q.Add(std::string(created) + " < ?", ToUnixMillis(*f.created_to));
  if (f.overdue) {
    if (*f.overdue) {
      q.Add("o.reply_due < ?", ToUnixMillis(f.now));
    } else {
      q.Add("(o.reply_due IS NULL OR o.reply_due >= ?)", ToUnixMillis(f.now));
    }
  }
  if (!f.text.empty()) {
    const std::string like = "%" + EscapeLike(f.text) + "%";
    if (mode == TextMode::kIndexed) {
      // The index (detail=none) narrows the candidates to orders holding every trigram of
      // the text; orders above the watermark are not indexed yet and are all candidates.
      q.Add(
          "o.id IN (SELECT rowid FROM idx.orders_fts WHERE orders_fts MATCH ? UNION ALL "
          "SELECT id FROM orders WHERE id > (SELECT value FROM idx.index_meta WHERE key = "
          "'watermark'))",
          TrigramQuery(f.text));
    }
    // LIKE confirms the substring in every mode.
    q.Add(
        "(o.title LIKE ? ESCAPE '\\' OR o.content LIKE ? ESCAPE '\\' OR o.address LIKE ? ESCAPE "
        "'\\')");
    for (int i = 0; i < 3; ++i) q.params.emplace_back(like);
  }
  if (!f.caller_hash.empty()) {
    // The caller's indexed orders, and every order above the watermark; the hash confirms.
    q.Add(
        "o.id IN (SELECT rowid FROM idx.caller_tokens WHERE caller_tokens MATCH "
        "hex(substr(?, 1, 16)) UNION ALL SELECT id FROM orders WHERE id > (SELECT value FROM "
        "idx.index_meta WHERE key = 'watermark'))",
        f.caller_hash);
    q.Add("+o.caller_hash = ?", f.caller_hash);
  }
  if (floor > 0) q.Add("o.id >= ?", floor);
  if (ceiling > 0) q.Add("o.id < ?", ceiling);
  const std::string scan = columns + "orders o WHERE 1 = 1";
  if (list.empty()) {
    q.sql = scan + q.sql + " ORDER BY o.id DESC LIMIT ?";
    q.params.emplace_back(int64_t{rows});
    return q;
  }
  // The lists hold the listed orders only (migrations 12 and 14): the newest, unlisted ones are
  // read by a scan above listed_through, the others by walking the list newest first, and every
  // id of the first part is above every id of the second. Every filter is also tested on the
  // order's row.
  const std::string where = q.sql;
  const auto filters = q.params;
  std::string walk = columns + list + " l CROSS JOIN orders o ON o.id = l.id WHERE l.value = ?" +
                     " AND l.id <= (SELECT value FROM store_meta WHERE key = 'listed_through')";
  decltype(q.params) walk_params{list_value};
  if (floor > 0) {
    walk += " AND l.id >= ?";
    walk_params.emplace_back(floor);
  }
  if (ceiling > 0) {
    walk += " AND l.id < ?";
    walk_params.emplace_back(ceiling);
  }
  q.sql = "SELECT * FROM (" + scan + where +
          " AND o.id > (SELECT value FROM store_meta WHERE key = 'listed_through')"
          " ORDER BY o.id DESC LIMIT ?) UNION ALL SELECT * FROM (" +
          walk + where + " ORDER BY l.id DESC LIMIT ?) ORDER BY 1 DESC LIMIT ?";
  q.params.emplace_back(int64_t{rows});
  q.params.insert(q.params.end(), walk_params.begin(), walk_params.end());
  q.params.insert(q.params.end(), filters.begin(), filters.end());
  q.params.emplace_back(int64_t{rows});
  q.params.emplace_back(int64_t{rows});
  return q;
}

// Runs `q` on `c`, appending the rows to `out`.
Status RunListQuery(Connection& c, const ListQuery& q, std::vector<OrderSummary>& out) {
  JIESU_ASSIGN_OR_RETURN(sqlite3_stmt * raw, c.PrepareUncached(q.sql));
  OwnedStmt owned(raw);
  Statement st(c.raw(), raw, "list_orders");
  for (size_t i = 0; i < q.params.size(); ++i) {
    const int idx = static_cast<int>(i + 1);
    std::visit([&](const auto& v) { st.Bind(idx, v); }, q.params[i]);
  }
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Ok();
    OrderSummary s;
    s.id = st.Int(0);
    s.code = st.Text(1);
    s.state = domain::ParseOrderState(st.Text(2)).value_or(domain::OrderState::kReceived);
    s.channel = domain::ParseChannel(st.Text(3)).value_or(domain::Channel::kPhone);
    s.urgency = domain::ParseUrgency(st.Text(4)).value_or(domain::Urgency::kNormal);
    s.request_type = domain::ParseRequestType(st.Text(5)).value_or(domain::RequestType::kOther);
    s.category = st.Text(6);
    s.district_code = st.Text(7);
    s.street_code = st.Text(8);
    s.title = st.Text(9);
    s.content = st.Text(10);
    s.confidential = st.Int(11) != 0;
    s.created_at = FromUnixMillis(st.Int(12));
    s.updated_at = FromUnixMillis(st.Int(13));
    if (!st.IsNull(14)) s.reply_due = FromUnixMillis(st.Int(14));
    out.push_back(std::move(s));
  }
}

}  // namespace

int SchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

SqliteStore::Reader SqliteStore::AcquireReader() {
  std::unique_lock lock(pool_mu_);
  pool_cv_.wait(lock, [&] { return !pool_.empty(); });
  auto conn = std::move(pool_.back());
  pool_.pop_back();
  return Reader(this, std::move(conn));
}

Result<int> SqliteStore::Migrate(const std::string& path) {
  JIESU_ASSIGN_OR_RETURN(auto conn, Connection::Open(path, false, true));
  JIESU_RETURN_IF_ERROR(ConfigureConnection(*conn, true));
  int version = 0;
  JIESU_RETURN_IF_ERROR(ApplyMigrations(*conn, &version));
  return version;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const Options& options) {
  if (options.path.empty()) return InvalidArgument("database path is empty", "db");
  std::unique_ptr<SqliteStore> store(new SqliteStore(options));
  JIESU_RETURN_IF_ERROR(store->Start());
  return store;
}

Status SqliteStore::Start() {
  JIESU_ASSIGN_OR_RETURN(writer_conn_, Connection::Open(options_.path, false, true));
  JIESU_RETURN_IF_ERROR(ConfigureConnection(*writer_conn_, true, options_.durable));
  int version = 0;
  JIESU_RETURN_IF_ERROR(ApplyMigrations(*writer_conn_, &version));
  auto rebuilt = RebuildDerivedIfStale(
      *writer_conn_, [&](int64_t id) { return LoadOrder(*writer_conn_, id); }, Derived());
  if (!rebuilt.ok()) return rebuilt.error();
  if (options_.rollups) {
    Connection& c = *writer_conn_;
    JIESU_RETURN_IF_ERROR(RunQuery(c, kBegin));
    auto caught_up = CatchUpRollups(
        c, [&](int64_t id) { return LoadEvents(c, id); }, Derived());
    if (!caught_up.ok() || !RunQuery(c, kCommit).ok()) {
      (void)RunQuery(c, kRollback);
      return Unavailable(
          "cannot bring the rollups up to date: " +
          (caught_up.ok() ? std::string("commit failed") : caught_up.error().message));
    }
    stats_.rollups_caught_up = static_cast<uint64_t>(*caught_up);
  }
  JIESU_RETURN_IF_ERROR(OpenIndexes());
  // The WAL exists from the first read in WAL mode (the migrations) until the last connection
  // closes; the file is rewound and truncated in place, never replaced, so one descriptor
  // flushes it for the store's life.
  const std::string wal_path = options_.path + "-wal";
  wal_fd_ = ::open(wal_path.c_str(), O_RDWR | O_CLOEXEC);
  if (wal_fd_ < 0) {
    return Unavailable("cannot open the write-ahead log " + wal_path + ": " + std::strerror(errno));
  }
  for (int i = 0; i < std::max(1, options_.read_connections); ++i) {
    JIESU_ASSIGN_OR_RETURN(auto conn, Connection::Open(options_.path, true, false));
    JIESU_RETURN_IF_ERROR(ConfigureConnection(*conn, false));
    JIESU_RETURN_IF_ERROR(
        conn->Exec("ATTACH DATABASE " + SqlString(IndexFilePath(options_.path)) + " AS idx"));
    // mmap_size is per file: the index's pages, too, come from the memory map.
    JIESU_RETURN_IF_ERROR(conn->Exec("PRAGMA idx.mmap_size = 1073741824"));
    pool_.push_back(std::move(conn));
  }
  // The writer never checkpoints; the checkpointer does, on its own connection.
  JIESU_RETURN_IF_ERROR(writer_conn_->Exec("PRAGMA wal_autocheckpoint = 0"));
  sqlite3_wal_hook(
      writer_conn_->raw(),
      [](void* self, sqlite3*, const char*, int frames) -> int {
        auto* store = static_cast<SqliteStore*>(self);
        {
          std::lock_guard lock(store->mu_);
          store->wal_frames_ = frames;
        }
        if (frames >= kCheckpointFrames) store->checkpoint_cv_.notify_one();
        return SQLITE_OK;
      },
      this);
  JIESU_ASSIGN_OR_RETURN(checkpoint_conn_, Connection::Open(options_.path, false, false));
  JIESU_RETURN_IF_ERROR(ConfigureConnection(*checkpoint_conn_, false));
  // A connection learns that the file is in WAL mode only when it first reads it; until then
  // a checkpoint on it does nothing.
  JIESU_RETURN_IF_ERROR(checkpoint_conn_->Exec("PRAGMA journal_mode = WAL"));
  writer_ = std::thread([this] {
    NameThisThread("jiesu-writer");
    WriterLoop();
  });
  syncer_ = std::thread([this] {
    NameThisThread("jiesu-syncer");
    SyncLoop();
  });
  checkpointer_ = std::thread([this] {
    NameThisThread("jiesu-checkpt");
    CheckpointLoop();
  });
  indexer_ = std::thread([this] {
    NameThisThread("jiesu-indexer");
    IndexLoop();
  });
  return Ok();
}

void SqliteStore::CheckpointLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    checkpoint_cv_.wait_for(lock, std::chrono::seconds(1),
                            [&] { return stopping_ || wal_frames_ >= kCheckpointFrames; });
    if (stopping_) return;
    if (wal_frames_ == 0) continue;
    lock.unlock();
    // PASSIVE: copies what it can without blocking the writer or readers. The WAL restarts
    // from the beginning at the next write after a checkpoint that caught up.
    int log = 0, copied = 0;
    sqlite3_wal_checkpoint_v2(checkpoint_conn_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                              &copied);
    lock.lock();
    stats_.checkpoints += 1;
    if (copied >= log) wal_frames_ = 0;
  }
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  checkpoint_cv_.notify_all();
  index_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(mu_);
    writer_done_ = true;
  }
  sync_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
  if (checkpointer_.joinable()) checkpointer_.join();
  if (indexer_.joinable()) indexer_.join();
  // A last full checkpoint keeps the WAL small for the next start (best effort).
  if (checkpoint_conn_) {
    sqlite3_wal_checkpoint_v2(checkpoint_conn_->raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                              nullptr);
  }
}

SqliteStore::Stats SqliteStore::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

Status SqliteStore::Write(WriteFn fn, Undo undo) {
  return WaitFor<Status>(
      [&](std::function<void(Status)> done) { WriteAsync(std::move(fn), undo, std::move(done)); });
}

Status SqliteStore::Drain() {
  // The writer takes jobs in order and calls each batch back in order: an empty write queued
  // now is called back after every earlier one.
  return Write([](Connection&) { return Ok(); });
}

void SqliteStore::WriteAsync(WriteFn fn, Undo undo, std::function<void(Status)> done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Job{std::move(fn), undo, std::move(done)});
      done = nullptr;
    }
  }
  if (done) {
    done(Unavailable("the store is shutting down"));
    return;
  }
  cv_.notify_one();
}

void SqliteStore::WriterLoop() {
  Connection& c = *writer_conn_;
  auto next_listing = std::chrono::steady_clock::now() + kListInterval;
  std::vector<Job> batch;
  std::vector<Status> results;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, nothing left to write
      const size_t n =
          std::min(queue_.size(), static_cast<size_t>(std::max(1, options_.max_batch)));
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (!sync_error_.empty()) {
        // The disk lost a flush: what is in the page cache can no longer be trusted to reach
        // it, so nothing more is written (as PostgreSQL stops on a failed fsync).
        Committed refused;
        for (auto& job : batch) {
          refused.done.push_back(std::move(job.done));
          refused.results.push_back(Unavailable("the store stopped writing: " + sync_error_));
        }
        unsynced_.push_back(std::move(refused));
        batch.clear();
        sync_cv_.notify_one();
        continue;
      }
    }
    results.assign(batch.size(), Ok());
    Status begun = RunQuery(c, kBegin);
    bool batch_failed = !begun.ok();
    Status batch_error =
        begun.ok() ? Status() : Unavailable("cannot begin: " + begun.error().message);
    for (size_t i = 0; i < batch.size() && !batch_failed; ++i) {
      const bool savepoint = batch[i].undo == Undo::kSavepoint;
      if (savepoint) {
        Status sp = RunQuery(c, kSavepoint);
        if (!sp.ok()) {
          batch_failed = true;
          batch_error = sp;
          break;
        }
      }
      const sqlite3_int64 changes_before = sqlite3_total_changes64(c.raw());
      job_rollups_.clear();
      Status r;
      try {
        r = batch[i].fn(c);
      } catch (const std::exception& e) {
        r = Internal(std::string("write failed: ") + e.what());
      }
      if (!savepoint) {
        if (!r.ok() && sqlite3_total_changes64(c.raw()) != changes_before) {
          batch_failed = true;  // changed something, then failed: only the batch undoes it
          batch_error = Unavailable("write batch failed: " + r.error().message);
          break;
        }
        if (r.ok()) batch_rollups_ += std::move(job_rollups_);
        results[i] = std::move(r);
        continue;
      }
      if (!r.ok()) {
        Status undo = RunQuery(c, kRollbackTo);
        if (!undo.ok()) {
          batch_failed = true;
          batch_error = undo;
          break;
        }
      }
      Status rel = RunQuery(c, kRelease);
      if (!rel.ok()) {
        batch_failed = true;
        batch_error = rel;
        break;
      }
      if (r.ok()) batch_rollups_ += std::move(job_rollups_);
      results[i] = std::move(r);
    }
    if (!batch_failed) {
      Status committed = RunQuery(c, kCommit);
      if (!committed.ok()) {
        batch_failed = true;
        batch_error = Unavailable("commit failed: " + committed.error().message);
      }
    }
    if (batch_failed) {
      (void)RunQuery(c, kRollback);
      for (auto& r : results)
        r = batch_error.ok() ? Unavailable("write batch failed") : batch_error;
    }
    // Before the batch is acknowledged, so that a reader after it sees its rollup changes.
    SettleRollups(!batch_failed);
    Committed committed{{}, std::move(results), !batch_failed};
    bool writing = true;
    for (auto& job : batch) committed.done.push_back(std::move(job.done));
    batch.clear();
    {
      std::lock_guard lock(mu_);
      if (!batch_failed) {
        stats_.commits += 1;
        stats_.writes += committed.done.size();
      }
      unsynced_.push_back(std::move(committed));
      writing = sync_error_.empty();  // after a failed flush, not even derived writes
    }
    sync_cv_.notify_one();
    if (writing && std::chrono::steady_clock::now() >= next_listing) {
      // A transaction of its own, after the batch is handed to the syncer, so that no write
      // waits for it to be acknowledged. Derived data: the next flush carries it, and if it is
      // lost the orders are listed again.
      bool more = false;
      if (RunQuery(c, kBegin).ok()) {
        auto listed = ListNewOrders(c, kListBatch);
        const bool flushed = listed.ok() && FlushRollups(c).ok();
        const bool ended = flushed && RunQuery(c, kCommit).ok();
        if (ended) {
          more = *listed;
        } else {
          (void)RunQuery(c, kRollback);
        }
        SettleRollups(ended);
      }
      // The rest after the next batch; once caught up, at the next interval.
      next_listing = more ? std::chrono::steady_clock::now()
                          : std::chrono::steady_clock::now() + kListInterval;
    }
    RestartWalIfLarge(c);
  }
  // A clean close leaves the next open nothing to catch up on (derived data: not flushed, the
  // close's checkpoint carries it).
  bool healthy = false;
  {
    std::lock_guard lock(mu_);
    healthy = sync_error_.empty();
  }
  if (healthy && !pending_rollups_.empty() && RunQuery(c, kBegin).ok()) {
    const bool committed = FlushRollups(c).ok() && RunQuery(c, kCommit).ok();
    if (!committed) (void)RunQuery(c, kRollback);
    SettleRollups(committed);
  }
}

Status SqliteStore::FlushRollups(Connection& c) {
  if (!options_.rollups || !options_.write_gathered_rollups) return Ok();
  RollupDelta all = pending_rollups_;  // pending stays put until the write has succeeded
  all += batch_rollups_;
  if (all.empty()) return Ok();
  JIESU_RETURN_IF_ERROR(all.Write(c));
  JIESU_RETURN_IF_ERROR(MarkRollupsThrough(c));
  taken_rollups_ += std::move(pending_rollups_);
  batch_rollups_.clear();  // the same transaction: committed or undone with it
  return Ok();
}

void SqliteStore::SettleRollups(bool committed) {
  pending_rollups_ += std::move(committed ? batch_rollups_ : taken_rollups_);
  batch_rollups_.clear();
  taken_rollups_.clear();
  rollups_pending_.store(!pending_rollups_.empty());
}

void SqliteStore::SyncLoop() {
  std::deque<Committed> taken;
  while (true) {
    std::string why;
    {
      std::unique_lock lock(mu_);
      sync_cv_.wait(lock, [&] { return writer_done_ || !unsynced_.empty(); });
      if (unsynced_.empty()) return;  // the writer has stopped and everything is answered
      taken.swap(unsynced_);
      why = sync_error_;
    }
    const bool wrote =
        std::any_of(taken.begin(), taken.end(), [](const Committed& b) { return b.wrote; });
    // One flush covers every batch committed before it: the WAL is appended in commit order.
    // After a failed flush none is trusted again: a later one may succeed although the pages
    // the failed one lost never reach the disk.
    if (why.empty() && wrote && options_.durable) {
      const int flushed = options_.flush_wal ? options_.flush_wal(wal_fd_) : ::fdatasync(wal_fd_);
      if (flushed != 0) {
        why = std::string("flushing the write-ahead log failed: ") + std::strerror(errno);
        std::lock_guard lock(mu_);
        sync_error_ = why;
      }
    }
    for (auto& b : taken) {
      for (size_t i = 0; i < b.done.size(); ++i) {
        if (!why.empty() && b.results[i].ok()) b.results[i] = Unavailable(why);
        b.done[i](std::move(b.results[i]));
      }
    }
    taken.clear();
  }
}

void SqliteStore::RestartWalIfLarge(Connection& c) {
  int frames = 0;
  {
    std::lock_guard lock(mu_);
    frames = wal_frames_;
  }
  if (frames < kRestartFrames) return;
  // The checkpointer has copied most frames already; this copies the rest and rewinds the WAL
  // so that it stops growing. It must not wait for readers: with a zero busy timeout it gives
  // up at once when one is active, and the next batch tries again.
  sqlite3_busy_timeout(c.raw(), 0);
  int log = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(c.raw(), nullptr, SQLITE_CHECKPOINT_RESTART, &log, &copied);
  sqlite3_busy_timeout(c.raw(), 10000);
  if (rc == SQLITE_OK) {
    std::lock_guard lock(mu_);
    wal_frames_ = 0;
    stats_.checkpoints += 1;
  }
}

Status SqliteStore::FlushIndexes() {
  JIESU_RETURN_IF_ERROR(Write([this](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(bool more, ListNewOrders(c, int64_t{1} << 40));
    (void)more;
    return FlushRollups(c);
  }));
  int64_t target = 0;
  {
    auto r = AcquireReader();
    JIESU_ASSIGN_OR_RETURN(target, SelectInt(*r, kMaxOrderId));
  }
  std::unique_lock lock(mu_);
  const uint64_t failures = index_failures_;
  index_wanted_ = std::max(index_wanted_, target);
  index_cv_.notify_all();
  index_done_cv_.wait(
      lock, [&] { return stopping_ || index_watermark_ >= target || index_failures_ != failures; });
  if (index_watermark_ >= target) return Ok();
  return Unavailable("index file: " +
                     (stopping_ ? std::string("the store is closing") : index_error_));
}

Status SqliteStore::SkipIndexing(const std::string& path) {
  RemoveIndexFile(path);  // a new file has the current layout
  JIESU_ASSIGN_OR_RETURN(auto c, OpenIndexFile(path));
  JIESU_ASSIGN_OR_RETURN(const int64_t max_id, SelectInt(*c, kStoreMaxOrderId));
  JIESU_ASSIGN_OR_RETURN(auto set, c->Prepare(kSetIndexWatermark));
  set->Bind(1, max_id);
  return set->Run();
}

Status SqliteStore::OpenIndexes() {
  const std::string path = IndexFilePath(options_.path);
  std::string why;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt > 0) {
      // Derived data: start again from the orders.
      index_conn_.reset();
      RemoveIndexFile(options_.path);
    }
    auto c = OpenIndexFile(options_.path);
    if (!c.ok()) {
      why = c.error().message;
      continue;
    }
    index_conn_ = std::move(*c);
    auto layout = SelectInt(*index_conn_, kIndexLayoutQuery);
    auto mark = SelectInt(*index_conn_, kIndexWatermark);
    auto newest = SelectInt(*index_conn_, kStoreMaxOrderId);
    if (!layout.ok() || !mark.ok() || !newest.ok()) {
      why = (!layout.ok() ? layout.error() : !mark.ok() ? mark.error() : newest.error()).message;
      continue;
    }
    if (*layout != kIndexLayout) {
      why = "the index file was written by an older version";
      continue;
    }
    if (*mark > *newest) {
      why = "the index file is ahead of the orders (a database restored from an older copy?)";
      continue;
    }
    index_watermark_ = *mark;
    return Ok();
  }
  return Unavailable("cannot open the index file " + path + ": " + why);
}

void SqliteStore::IndexLoop() {
  Connection& c = *index_conn_;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    index_cv_.wait_for(lock, kIndexInterval,
                       [&] { return stopping_ || index_wanted_ > index_watermark_; });
    if (stopping_) break;
    lock.unlock();
    // Batches of kIndexBatch orders, each its own transaction, until caught up.
    std::string error;
    int64_t watermark = 0;
    {
      std::lock_guard read_lock(mu_);
      watermark = index_watermark_;
    }
    while (true) {
      Result<Indexed> n = IndexRows(c, watermark, kIndexBatch);
      if (!n.ok()) {
        error = n.error().message;
        break;
      }
      watermark = n->watermark;
      {
        std::lock_guard done_lock(mu_);
        index_watermark_ = watermark;
        if (stopping_) break;
      }
      index_done_cv_.notify_all();
      if (n->count < kIndexBatch) break;
    }
    lock.lock();
    if (!error.empty()) {
      // Tried again at the next round; a flush waiting for it learns why.
      index_error_ = error;
      ++index_failures_;
      index_done_cv_.notify_all();
    }
  }
  index_done_cv_.notify_all();
}

// Without a savepoint: everything that can refuse the order (the idempotency key, `fn`'s
// decision, the sequence checks) does so before the first change.
Result<Created> SqliteStore::CreateOrder(const std::optional<IdempotencyKey>& key, CreateFn fn) {
  return WaitFor<Result<Created>>([&](std::function<void(Result<Created>)> done) {
    CreateOrderAsync(key, std::move(fn), std::move(done));
  });
}

void SqliteStore::CreateOrderAsync(const std::optional<IdempotencyKey>& key, CreateFn fn,
                                   std::function<void(Result<Created>)> done) {
  // The write fills `created` on the writer thread; `done` reads it after the commit.
  auto created = std::make_shared<Created>();
  WriteAsync(
      [this, created, key, fn = std::move(fn)](Connection& c) -> Status {
        if (key) {
          JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSelectIdem));
          st->Bind(1, key->user_id).Bind(2, key->key);
          JIESU_ASSIGN_OR_RETURN(bool found, st->Step());
          if (found) {
            if (st->Text(0) != key->request_hash) {
              return Conflict(
                  "Idempotency-Key '" + key->key + "' was already used for a different request",
                  "Idempotency-Key");
            }
            int64_t existing = st->Int(1);
            st.reset();
            JIESU_ASSIGN_OR_RETURN(created->order, LoadOrder(c, existing));
            created->replayed = true;
            return Ok();
          }
        }
        int64_t id = 0;
        {
          JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kNextOrderId));
          JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
          if (!row) return Internal("no next order id");
          id = st->Int(0);
        }
        JIESU_ASSIGN_OR_RETURN(std::vector<Event> events, fn(id));
        if (events.empty() || events.front().type != domain::EventType::kReceived) {
          return Internal("a new order's history must start with a 'received' event");
        }
        Order o;
        for (const Event& e : events) {
          if (e.order_id != id || e.seq != o.version + 1) return Internal("event out of sequence");
          domain::Apply(o, e);
        }
        JIESU_RETURN_IF_ERROR(InsertOrderRow(c, o));
        JIESU_RETURN_IF_ERROR(InsertEvents(c, events));
        std::vector<const Event*> appended;
        for (const Event& e : events) appended.push_back(&e);
        JIESU_RETURN_IF_ERROR(WriteDerived(c, nullptr, o, appended, Gathered()));
        if (key) {
          JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertIdem));
          st->Bind(1, key->user_id)
              .Bind(2, key->key)
              .Bind(3, key->request_hash)
              .Bind(4, id)
              .Bind(5, ToUnixMillis(o.created_at));
          JIESU_RETURN_IF_ERROR(st->Run());
        }
        created->order = std::move(o);
        created->replayed = false;
        return Ok();
      },
      Undo::kNoneUnlessPartial,
      [created, done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(s.error());
        } else {
          done(std::move(*created));
        }
      });
}

Result<int64_t> SqliteStore::RebuildDerivedTables() {
  int64_t n = 0;
  Status s = Write([&](Connection& c) -> Status {
    // Inside the writer's transaction: RebuildDerived must not open its own.
    JIESU_ASSIGN_OR_RETURN(n, RebuildDerivedIn(
                                  c, [&](int64_t id) { return LoadOrder(c, id); }, Derived()));
    // The rebuilt tables hold every change so far: nothing gathered is to be added again.
    taken_rollups_ += std::move(pending_rollups_);
    batch_rollups_.clear();
    return Ok();
  });
  if (!s.ok()) return s.error();
  return n;
}

// Without a savepoint, as CreateOrder: loading and deciding come before the first change.
Result<std::vector<Order>> SqliteStore::UpdateOrders(const std::vector<int64_t>& ids, UpdateFn fn) {
  std::vector<Order> orders;
  Status s = Write(
      [&](Connection& c) -> Status {
        orders.clear();
        for (int64_t id : ids) {
          JIESU_ASSIGN_OR_RETURN(Order o, LoadOrder(c, id));
          orders.push_back(std::move(o));
        }
        JIESU_ASSIGN_OR_RETURN(std::vector<Event> events, fn(orders));
        const std::vector<Order> before = orders;  // the rollups change by after − before
        std::vector<bool> changed(orders.size(), false);
        for (const Event& e : events) {
          auto it = std::find(ids.begin(), ids.end(), e.order_id);
          if (it == ids.end()) return Internal("event for an order not in the update");
          size_t i = static_cast<size_t>(it - ids.begin());
          if (e.seq != orders[i].version + 1) return Internal("event out of sequence");
          domain::Apply(orders[i], e);
          changed[i] = true;
        }
        JIESU_RETURN_IF_ERROR(InsertEvents(c, events));
        for (size_t i = 0; i < orders.size(); ++i) {
          if (!changed[i]) {
            // Nothing happened to it, but whoever asked may have found its timer stale.
            if (events.empty()) {
              JIESU_RETURN_IF_ERROR(WriteDerived(c, &before[i], orders[i], {}, Gathered()));
            }
            continue;
          }
          JIESU_RETURN_IF_ERROR(UpdateOrderRow(c, orders[i]));
          std::vector<const Event*> appended;
          for (const Event& e : events) {
            if (e.order_id == orders[i].id) appended.push_back(&e);
          }
          JIESU_RETURN_IF_ERROR(WriteDerived(c, &before[i], orders[i], appended, Gathered()));
        }
        return Ok();
      },
      Undo::kNoneUnlessPartial);
  if (!s.ok()) return s.error();
  return orders;
}

Result<Order> SqliteStore::GetOrder(int64_t id) {
  auto r = AcquireReader();
  return LoadOrder(*r, id);
}

Result<std::vector<Event>> SqliteStore::GetEvents(int64_t id) {
  auto r = AcquireReader();
  return LoadEvents(*r, id);
}

Result<OrderPage> SqliteStore::ListOrders(const OrderFilter& f) {
  if (f.limit < 1 || f.limit > 200)
    return InvalidArgument("limit must be between 1 and 200", "limit");
  const int want = f.limit + 1;  // one more than a page tells whether there is a next page
  auto r = AcquireReader();
  std::vector<OrderSummary> rows;
  if (f.text.empty() || NeedsFtsFallback(f.text)) {
    JIESU_RETURN_IF_ERROR(
        RunListQuery(*r, BuildListQuery(f, TextMode::kScan, 0, f.before_id, want), rows));
  } else {
    // A common text is found fastest by scanning the newest orders; a rare one through the
    // index. Scan a recent window first, then ask the index for the rest of the page.
    int64_t ceiling = f.before_id;
    if (ceiling <= 0) {
      JIESU_ASSIGN_OR_RETURN(const int64_t newest, SelectInt(*r, kMaxOrderId));
      ceiling = newest + 1;
    }
    const int64_t floor =
        std::max<int64_t>(1, ceiling - std::max<int64_t>(1, options_.text_scan_window));
    JIESU_RETURN_IF_ERROR(
        RunListQuery(*r, BuildListQuery(f, TextMode::kScan, floor, ceiling, want), rows));
    if (static_cast<int>(rows.size()) < want && floor > 1) {
      const int rest = want - static_cast<int>(rows.size());
      JIESU_RETURN_IF_ERROR(
          RunListQuery(*r, BuildListQuery(f, TextMode::kIndexed, 0, floor, rest), rows));
    }
  }
  OrderPage page;
  if (static_cast<int>(rows.size()) > f.limit) {
    rows.resize(static_cast<size_t>(f.limit));
    page.next_cursor = rows.back().id;
  }
  page.orders = std::move(rows);
  for (auto& s : page.orders) {
    JIESU_ASSIGN_OR_RETURN(auto units, r->Prepare(kLegUnits));
    units->Bind(1, s.id);
    while (true) {
      JIESU_ASSIGN_OR_RETURN(bool row, units->Step());
      if (!row) break;
      s.units.push_back(units->Text(0));
    }
  }
  return page;
}

Result<User> SqliteStore::CreateUser(User user) {
  Status s = Write([&](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertUser));
    st->Bind(1, user.username)
        .Bind(2, user.display_name)
        .Bind(3, user.role)
        .Bind(4, user.unit_id)
        .Bind(5, user.password_hash)
        .Bind(6, int64_t{user.active})
        .Bind(7, ToUnixMillis(user.created_at));
    auto row = st->Step();
    if (!row.ok()) {
      if (row.error().code == ErrorCode::kConflict) {
        return Conflict("username '" + user.username + "' is taken", "username");
      }
      return row.error();
    }
    user.id = st->Int(0);
    return st->Run();
  });
  if (!s.ok()) return s.error();
  return user;
}

Result<User> SqliteStore::FindUserByName(const std::string& username) {
  auto r = AcquireReader();
  return QueryUser(
      *r, kUserByName, [&](Statement& st) { st.Bind(1, username); }, "named " + username);
}

Result<User> SqliteStore::FindUser(int64_t id) {
  auto r = AcquireReader();
  return QueryUser(
      *r, kUserById, [&](Statement& st) { st.Bind(1, id); }, "with id " + std::to_string(id));
}

Result<std::vector<User>> SqliteStore::ListUsers() {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kAllUsers));
  std::vector<User> users;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    users.push_back(ReadUser(*st));
  }
  return users;
}

Status SqliteStore::RecordAccess(const AccessRecord& a) {
  return Write([&](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertAccess));
    st->Bind(1, ToUnixMillis(a.at))
        .Bind(2, a.user_id)
        .Bind(3, a.username)
        .Bind(4, a.role)
        .Bind(5, a.action)
        .Bind(6, a.order_id);
    return st->Run();
  });
}

Result<std::vector<AccessRecord>> SqliteStore::ListAccess(int64_t order_id, int limit) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kSelectAccess));
  st->Bind(1, order_id).Bind(2, int64_t{limit});
  std::vector<AccessRecord> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    out.push_back({st->Int(0), FromUnixMillis(st->Int(1)), st->Int(2), st->Text(3), st->Text(4),
                   st->Text(5), st->Int(6)});
  }
}

Status SqliteStore::SaveSession(const Session& session) {
  return Write([&](Connection& c) -> Status {
    {
      JIESU_ASSIGN_OR_RETURN(auto purge, c.Prepare(kDeleteExpiredSessions));
      purge->Bind(1, ToUnixMillis(session.created_at));
      JIESU_RETURN_IF_ERROR(purge->Run());
    }
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertSession));
    st->Bind(1, session.token_hash)
        .Bind(2, session.user_id)
        .Bind(3, ToUnixMillis(session.created_at))
        .Bind(4, ToUnixMillis(session.expires_at));
    return st->Run();
  });
}

Result<Session> SqliteStore::FindSession(const std::string& token_hash, TimePoint now) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kSelectSession));
  st->Bind(1, token_hash);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFound("no such session");
  Session s{token_hash, st->Int(0), FromUnixMillis(st->Int(1)), FromUnixMillis(st->Int(2))};
  if (s.expires_at <= now) return NotFound("session expired");
  return s;
}

Status SqliteStore::DeleteSession(const std::string& token_hash) {
  return Write([&](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kDeleteSession));
    st->Bind(1, token_hash);
    return st->Run();
  });
}

}  // namespace jiesu::storage::sqlite
