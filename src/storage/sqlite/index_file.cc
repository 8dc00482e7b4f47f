// SqliteStore: the index file (PATH.index) — text trigrams and callers, filled in batches by
// the indexer thread behind intake.
#include "storage/sqlite/index_file.h"

#include <algorithm>
#include <filesystem>

#include "storage/sqlite/order_list.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

// Indexing (the index file) runs at most this often and this many orders at a time, so that many
// intakes share one index segment instead of writing one each.
constexpr auto kIndexInterval = std::chrono::milliseconds(250);
constexpr int kIndexBatch = 2000;

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

void RemoveIndexFile(const std::string& db_path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(IndexFilePath(db_path) + suffix, ignored);
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

}  // namespace

std::string IndexFilePath(const std::string& db_path) { return db_path + ".index"; }

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

}  // namespace jiesu::storage::sqlite
