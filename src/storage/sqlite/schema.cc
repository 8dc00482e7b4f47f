// The database's schema, as numbered migrations, and the settings of each connection.
#include "storage/sqlite/schema.h"

#include <string>

namespace jiesu::storage::sqlite {
namespace {

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
    {15, "legs waiting for the dispatcher's ruling", R"sql(
-- The dispatcher's queue of returns and extension requests (GET /orders?leg_state=…). One
-- partial index per state: a leg enters and leaves it only on those transitions, so the other
-- leg writes do not touch it.
CREATE INDEX legs_return_requested ON legs(order_id) WHERE state = 'return_requested';
CREATE INDEX legs_extension_requested ON legs(order_id) WHERE state = 'extension_requested';
)sql"},
    {16, "attachments", R"sql(
-- Files that came with orders; the bytes are outside the database, named by their SHA-256.
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL,
  leg INTEGER,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by INTEGER NOT NULL,
  uploader TEXT NOT NULL,
  uploader_role TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL
);
CREATE INDEX attachments_order ON attachments(order_id, id);
)sql"},
};

}  // namespace

Status ConfigureConnection(Connection& c, bool writer, bool durable) {
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

int SchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

}  // namespace jiesu::storage::sqlite
