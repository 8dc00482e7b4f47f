// The embedded default store: one SQLite file in WAL mode.
//
// Writes go through a single writer thread that owns the only read-write connection, so no
// client ever sees SQLITE_BUSY. The writer takes every queued write, runs them one after the
// other inside one transaction, and commits once; the syncer thread then flushes the WAL with
// one fdatasync for every batch committed since its last flush, and only then are the batch's
// writes acknowledged: concurrent writers share one flush (group commit), an acknowledged
// write is on disk, and the writer runs the next batch while the disk works. A write whose
// function fails is undone without disturbing the others in the batch (see Undo: by its
// savepoint, or, for order writes, by failing before any change). Reads use a pool of read-only
// connections and never wait for the writer (WAL snapshot isolation). Text and caller search use
// indexes kept in a file of their own (PATH.index, derived data) that its own thread fills in
// batches behind intake; orders not yet indexed are matched by a scan of the newest rows, so
// results never lag.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/db.h"
#include "storage/sqlite/derived.h"
#include "storage/store.h"

namespace jiesu::storage::sqlite {

struct Options {
  std::string path;          // database file; created if missing
  int read_connections = 4;  // size of the read pool
  int max_batch = 512;       // most writes committed together
  // true: every acknowledged write is on disk (the WAL is flushed before it is acknowledged).
  // false (synchronous=OFF, no flush) is only for building throw-away benchmark databases;
  // never for a store that serves users.
  bool durable = true;
  // How many of the newest orders a text search scans with LIKE before it asks the trigram
  // index for the rest of the page (common words are found at once in the newest orders).
  int64_t text_scan_window = 5000;
  // The jurisdiction's UTC offset: rollups count by its local days.
  int utc_offset_minutes = 480;
  // Keep the rollups with every write (off only to measure what they cost).
  bool rollups = true;
  // Flushes the WAL file's descriptor, as fdatasync(2) does (the default when empty): tests put a
  // failing disk here.
  std::function<int(int fd)> flush_wal = nullptr;
  // Tests only: false never writes the rollup changes the writer gathers, as if every close
  // were a crash (the next open redoes them from the event log).
  bool write_gathered_rollups = true;
};

// The schema version the code expects; migrations 1..kSchemaVersion are applied by Migrate.
int SchemaVersion();

class SqliteStore final : public Store {
 public:
  // Opens the database, applies pending migrations, and starts the writer thread.
  static Result<std::unique_ptr<SqliteStore>> Open(const Options& options);
  // Applies pending migrations and returns the resulting schema version (for `jiesu migrate`).
  static Result<int> Migrate(const std::string& path);
  ~SqliteStore() override;

  Result<Created> CreateOrder(const std::optional<IdempotencyKey>& key, CreateFn fn) override;
  void CreateOrderAsync(const std::optional<IdempotencyKey>& key, CreateFn fn,
                        std::function<void(Result<Created>)> done) override;
  Result<std::vector<domain::Order>> UpdateOrders(const std::vector<int64_t>& ids,
                                                  UpdateFn fn) override;
  Result<domain::Order> GetOrder(int64_t id) override;
  Result<std::vector<domain::Event>> GetEvents(int64_t id) override;
  Result<OrderPage> ListOrders(const OrderFilter& filter) override;
  Result<User> CreateUser(User user) override;
  Result<User> FindUserByName(const std::string& username) override;
  Result<User> FindUser(int64_t id) override;
  Result<std::vector<User>> ListUsers() override;
  Status RecordAccess(const AccessRecord& record) override;
  Result<std::vector<AccessRecord>> ListAccess(int64_t order_id, int limit) override;
  Result<std::vector<DueTimer>> DueTimers(TimePoint now, int limit) override;
  Result<std::vector<Notice>> ListNotices(const std::string& unit_id, int64_t before_id,
                                          int limit) override;
  Status ScanLegFacts(const std::string& unit_id, TimePoint from, TimePoint to,
                      const std::function<void(const domain::LegFact&)>& fn) override;
  Status ScanVisitFacts(const std::string& unit_id, TimePoint from, TimePoint to,
                        const std::function<void(const domain::VisitFact&)>& fn) override;
  Status ScanSuggestionOutcomes(TimePoint from, TimePoint to,
                                const std::function<void(const SuggestionOutcome&)>& fn) override;
  Result<Claim> CreateClaim(Claim claim) override;
  Result<Claim> GetClaim(int64_t id) override;
  Result<std::vector<Claim>> ListClaims(const ClaimFilter& filter) override;
  Result<Claim> DecideClaim(const Claim& decided, const ScoreAudit& audit) override;
  Result<std::vector<Exclusion>> ListExclusions(const std::string& period) override;
  Result<std::vector<ScoreAudit>> ListScoreAudit(const std::string& unit_id,
                                                 const std::string& period) override;
  Result<std::vector<RollupGroup>> QueryRollups(const RollupQuery& q) override;
  Result<domain::Supervision> CreateSupervision(OpenSupervisionFn fn) override;
  Result<domain::Supervision> UpdateSupervision(int64_t id, SupervisionFn fn) override;
  Result<domain::Supervision> GetSupervision(int64_t id) override;
  Result<std::vector<domain::SupervisionEvent>> GetSupervisionEvents(int64_t id) override;
  Result<std::vector<domain::Supervision>> ListSupervisions(
      const SupervisionFilter& filter) override;
  Result<Attachment> AddAttachment(Attachment a, int max_by_role) override;
  Result<Attachment> GetAttachment(int64_t id) override;
  Result<std::vector<Attachment>> ListAttachments(int64_t order_id) override;
  Status SaveSession(const Session& session) override;
  Result<Session> FindSession(const std::string& token_hash, TimePoint now) override;
  Status DeleteSession(const std::string& token_hash) override;
  Result<std::vector<KnowledgePoint>> SaveKnowledgePoints(
      std::vector<KnowledgePoint> points) override;
  Result<KnowledgePoint> GetKnowledge(int64_t id) override;
  Result<std::vector<KnowledgePoint>> ListKnowledge(int64_t after_id, int limit) override;
  Status DeleteKnowledge(int64_t id) override;

  Result<Warning> UpsertWarning(const Warning& w, bool* created) override;
  Result<Warning> GetWarning(int64_t id) override;
  Result<std::vector<Warning>> ListWarnings(const WarningFilter& filter) override;
  Result<Warning> UpdateWarningStatus(const Warning& w) override;
  Result<ExternalEvent> SaveExternalEvent(ExternalEvent e) override;
  Result<ExternalEvent> GetExternalEvent(int64_t id) override;
  Status DeleteExternalEvent(int64_t id) override;
  Result<std::vector<ExternalEvent>> ListExternalEvents(TimePoint from, TimePoint to,
                                                        int limit) override;
  Result<Topic> SaveTopic(Topic t) override;
  Result<Topic> GetTopic(int64_t id) override;
  Result<std::vector<Topic>> ListTopics(const std::string& status) override;
  Result<std::vector<CallerOrders>> FrequentCallers(TimePoint active_since, TimePoint window_from,
                                                    int min_orders, int limit) override;

  // Recomputes every derived table (timers, notices, evaluation facts, rollups) from the
  // event log, in one transaction. Returns the number of orders.
  Result<int64_t> RebuildDerivedTables();

  // Returns once every order created before the call is in the index file and in the category
  // and district indexes (both normally filled in batches behind intake, about 250 ms late).
  // Searches are exact either way.
  Status FlushIndexes();
  // Starts the database at `path` an empty index file that counts every order as indexed (text
  // and callers) without indexing it: for benchmark fixtures that search neither.
  static Status SkipIndexing(const std::string& path);

  // Returns once every write queued before it has been committed (or failed) and its caller
  // called back.
  Status Drain();

  // Counters for benchmarks and metrics.
  struct Stats {
    uint64_t commits = 0;
    uint64_t writes = 0;
    uint64_t checkpoints = 0;
    // Orders whose rollup changes the last open redid (gathered, then lost in a crash).
    uint64_t rollups_caught_up = 0;
  };
  Stats stats() const;

 private:
  using WriteFn = std::function<Status(Connection&)>;
  // How a failed write is undone without undoing the others of its batch.
  enum class Undo {
    // Each write runs in a savepoint, rolled back when it fails. A savepoint copies every page
    // the write touches that the batch had already changed (SQLite's statement journal): about
    // a fifth of an imported order's cost, a third when the journal spilled to disk.
    kSavepoint,
    // For writes that validate before they change anything, so that only an internal error
    // (a broken invariant, the disk) can fail them after their first change: no savepoint. A
    // write that fails without changing anything fails alone; one that fails after a change
    // fails its whole batch (nothing in it is acknowledged, so nothing acknowledged is lost).
    kNoneUnlessPartial,
  };
  struct Job {
    WriteFn fn;
    Undo undo = Undo::kSavepoint;
    // Called on the syncer thread once the job's batch is durably committed (or failed).
    std::function<void(Status)> done;
  };
  // A committed (or failed) batch waiting for the WAL to reach the disk before it is answered.
  struct Committed {
    std::vector<std::function<void(Status)>> done;
    std::vector<Status> results;
    bool wrote = false;  // committed something that must be flushed
  };

  explicit SqliteStore(Options options) : options_(std::move(options)) {}
  DerivedOptions Derived() const { return {options_.utc_offset_minutes, options_.rollups}; }
  // For writes on the writer thread: rollup changes gathered in job_rollups_.
  DerivedOptions Gathered() {
    DerivedOptions d = Derived();
    d.gather = &job_rollups_;
    return d;
  }
  // Writer thread, inside a transaction: adds the gathered rollup changes to the tables and
  // moves rollups_through. What it took from pending_rollups_ goes back there if the
  // transaction fails (taken_rollups_).
  Status FlushRollups(Connection& c);
  // Writer thread, once a transaction has ended: keeps what its jobs gathered (committed) or
  // puts back what its flush took (undone).
  void SettleRollups(bool committed);
  Status Start();
  // Queues `fn` for the writer and waits until its batch is durably committed (or failed).
  Status Write(WriteFn fn, Undo undo = Undo::kSavepoint);
  // Queues `fn` for the writer; `done` is called on the syncer thread when its batch is
  // durably committed (or failed), or at once when the store is shutting down.
  void WriteAsync(WriteFn fn, Undo undo, std::function<void(Status)> done);
  // The writer thread: takes a batch, runs it in one transaction, hands it to the syncer, and
  // between batches lists new orders and rewinds the WAL.
  void WriterLoop();
  // Waits for writes and moves up to max_batch of them into `batch`; false once the store is
  // stopping and none is left. After a failed flush it refuses them instead (answered through
  // the syncer) and leaves `batch` empty.
  bool TakeBatch(std::vector<Job>& batch);
  // Runs `batch` in one transaction and commits it, or undoes it whole when a job cannot be
  // undone alone; empties `batch` into what the syncer answers.
  Committed RunBatch(Connection& c, std::vector<Job>& batch);
  // Runs one job of the open transaction (in a savepoint unless its Undo says otherwise) and
  // sets `result` to its outcome. Fails when the whole batch must be undone: a savepoint step
  // failed, or a job without one failed after changing something.
  Status RunJob(Connection& c, Job& job, Status& result);
  // Queues a batch for the syncer; false after a failed flush (nothing more is written).
  bool HandToSyncer(Committed committed);
  // Lists up to kListBatch new orders (and flushes the gathered rollups) in a transaction of
  // its own; returns whether more orders are left to list.
  bool ListBetweenBatches(Connection& c);
  // At a clean close, writes the gathered rollups that no flush has written yet.
  void FlushRollupsOnClose(Connection& c);
  // Flushes the WAL for the batches the writer has committed since the last flush (one
  // fdatasync for all of them), then answers them in commit order.
  void SyncLoop();
  // Copies committed WAL frames into the database file off the writer's path, so commits
  // never wait for a checkpoint; wakes when the WAL has grown.
  void CheckpointLoop();
  // Called by the writer between batches: rewinds the WAL when it has grown large.
  void RestartWalIfLarge(Connection& c);

  // A read connection from the pool, returned on destruction.
  class Reader {
   public:
    Reader(SqliteStore* store, std::unique_ptr<Connection> conn)
        : store_(store), conn_(std::move(conn)) {}
    Reader(Reader&& other) noexcept : store_(other.store_), conn_(std::move(other.conn_)) {}
    ~Reader() {
      if (conn_ == nullptr) return;
      std::lock_guard lock(store_->pool_mu_);
      store_->pool_.push_back(std::move(conn_));
      store_->pool_cv_.notify_one();
    }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    SqliteStore* store_;
    std::unique_ptr<Connection> conn_;
  };
  Reader AcquireReader();

  Options options_;
  std::unique_ptr<Connection> writer_conn_;
  std::thread writer_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  Stats stats_;

  int wal_fd_ = -1;  // the WAL file, flushed by the syncer
  std::thread syncer_;
  std::condition_variable sync_cv_;
  std::deque<Committed> unsynced_;  // guarded by mu_
  bool writer_done_ = false;        // guarded by mu_: the writer has answered its last job
  std::string sync_error_;          // guarded by mu_: a failed flush; no write is taken after it

  // Rollup changes, gathered by the writer (derived.h, RollupDelta): of the running job, of the
  // batch's jobs that succeeded, committed but not yet in the tables, and taken from pending by
  // a flush in the open transaction. Writer thread only; rollups_pending_ tells readers.
  RollupDelta job_rollups_, batch_rollups_, pending_rollups_, taken_rollups_;
  std::atomic<bool> rollups_pending_{false};

  std::unique_ptr<Connection> checkpoint_conn_;
  std::thread checkpointer_;
  std::condition_variable checkpoint_cv_;
  int wal_frames_ = 0;  // guarded by mu_: WAL size after the last commit

  // The index file (text and callers): its connection (with the database attached), thread.
  Status OpenIndexes();
  void IndexLoop();
  std::unique_ptr<Connection> index_conn_;
  std::thread indexer_;
  std::condition_variable index_cv_;       // wakes the indexer (with mu_)
  std::condition_variable index_done_cv_;  // the watermark moved, or a round failed (with mu_)
  int64_t index_watermark_ = 0;            // guarded by mu_: orders up to here are indexed
  int64_t index_wanted_ = 0;               // guarded by mu_: what FlushIndexes waits for
  uint64_t index_failures_ = 0;            // guarded by mu_
  std::string index_error_;                // guarded by mu_: the last failure

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> pool_;
};

}  // namespace jiesu::storage::sqlite
