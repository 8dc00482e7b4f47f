#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

#include "base/thread_name.h"
#include "base/wait.h"
#include "storage/sqlite/derived.h"
#include "storage/sqlite/index_file.h"
#include "storage/sqlite/order_list.h"
#include "storage/sqlite/order_rows.h"
#include "storage/sqlite/schema.h"

namespace jiesu::storage::sqlite {
namespace {

// WAL size (in 4 KiB frames) at which the checkpointer is woken, and at which the writer
// rewinds the WAL after the checkpointer's work.
constexpr int kCheckpointFrames = 2000;
constexpr int kRestartFrames = 8000;
// How often the writer lists new orders in the category and district indexes (migration 12).
constexpr auto kListInterval = std::chrono::milliseconds(250);
// At most this many orders per listing transaction, so that one holds the writer a few ms; the
// writer lists the rest between its next batches.
constexpr int64_t kListBatch = 1000;

constexpr Query kBegin{"begin", "BEGIN IMMEDIATE"};
constexpr Query kCommit{"commit", "COMMIT"};
constexpr Query kRollback{"rollback", "ROLLBACK"};
constexpr Query kSavepoint{"savepoint", "SAVEPOINT w"};
constexpr Query kRelease{"release", "RELEASE w"};
constexpr Query kRollbackTo{"rollback_to", "ROLLBACK TO w"};

}  // namespace

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
  while (TakeBatch(batch)) {
    if (batch.empty()) continue;  // refused: a flush has failed
    const bool writing = HandToSyncer(RunBatch(c, batch));
    if (writing && std::chrono::steady_clock::now() >= next_listing) {
      // The rest after the next batch; once caught up, at the next interval.
      next_listing = ListBetweenBatches(c) ? std::chrono::steady_clock::now()
                                           : std::chrono::steady_clock::now() + kListInterval;
    }
    RestartWalIfLarge(c);
  }
  FlushRollupsOnClose(c);
}

bool SqliteStore::TakeBatch(std::vector<Job>& batch) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  if (queue_.empty()) return false;  // stopping, nothing left to write
  const size_t n = std::min(queue_.size(), static_cast<size_t>(std::max(1, options_.max_batch)));
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
  }
  return true;
}

SqliteStore::Committed SqliteStore::RunBatch(Connection& c, std::vector<Job>& batch) {
  std::vector<Status> results(batch.size(), Ok());
  Status begun = RunQuery(c, kBegin);
  bool batch_failed = !begun.ok();
  Status batch_error =
      begun.ok() ? Status() : Unavailable("cannot begin: " + begun.error().message);
  for (size_t i = 0; i < batch.size() && !batch_failed; ++i) {
    Status job = RunJob(c, batch[i], results[i]);
    if (!job.ok()) {
      batch_failed = true;
      batch_error = job;
    }
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
    for (auto& r : results) r = batch_error.ok() ? Unavailable("write batch failed") : batch_error;
  }
  // Before the batch is acknowledged, so that a reader after it sees its rollup changes.
  SettleRollups(!batch_failed);
  Committed committed{{}, std::move(results), !batch_failed};
  for (auto& job : batch) committed.done.push_back(std::move(job.done));
  batch.clear();
  return committed;
}

Status SqliteStore::RunJob(Connection& c, Job& job, Status& result) {
  const bool savepoint = job.undo == Undo::kSavepoint;
  if (savepoint) JIESU_RETURN_IF_ERROR(RunQuery(c, kSavepoint));
  const sqlite3_int64 changes_before = sqlite3_total_changes64(c.raw());
  job_rollups_.clear();
  Status r;
  try {
    r = job.fn(c);
  } catch (const std::exception& e) {
    r = Internal(std::string("write failed: ") + e.what());
  }
  if (!savepoint) {
    if (!r.ok() && sqlite3_total_changes64(c.raw()) != changes_before) {
      // Changed something, then failed: only the batch undoes it.
      return Unavailable("write batch failed: " + r.error().message);
    }
  } else {
    if (!r.ok()) JIESU_RETURN_IF_ERROR(RunQuery(c, kRollbackTo));
    JIESU_RETURN_IF_ERROR(RunQuery(c, kRelease));
  }
  if (r.ok()) batch_rollups_ += std::move(job_rollups_);
  result = std::move(r);
  return Ok();
}

bool SqliteStore::HandToSyncer(Committed committed) {
  bool writing = true;
  {
    std::lock_guard lock(mu_);
    if (committed.wrote) {
      stats_.commits += 1;
      stats_.writes += committed.done.size();
    }
    unsynced_.push_back(std::move(committed));
    writing = sync_error_.empty();  // after a failed flush, not even derived writes
  }
  sync_cv_.notify_one();
  return writing;
}

bool SqliteStore::ListBetweenBatches(Connection& c) {
  // A transaction of its own, after the batch is handed to the syncer, so that no write
  // waits for it to be acknowledged. Derived data: the next flush carries it, and if it is
  // lost the orders are listed again.
  if (!RunQuery(c, kBegin).ok()) return false;
  bool more = false;
  auto listed = ListNewOrders(c, kListBatch);
  const bool flushed = listed.ok() && FlushRollups(c).ok();
  const bool ended = flushed && RunQuery(c, kCommit).ok();
  if (ended) {
    more = *listed;
  } else {
    (void)RunQuery(c, kRollback);
  }
  SettleRollups(ended);
  return more;
}

void SqliteStore::FlushRollupsOnClose(Connection& c) {
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

}  // namespace jiesu::storage::sqlite
