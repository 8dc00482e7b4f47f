// Thin RAII wrappers over the SQLite C API: a connection, prepared statements cached per
// connection, and typed bind/column helpers. Failures become Result errors (kUnavailable),
// never exceptions. A Connection is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace jiesu::storage::sqlite {

// A named SQL statement: the name shows in errors and logs, the text is prepared once per
// connection and reused.
struct Query {
  const char* name;
  const char* sql;
};

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, const char* name)
      : db_(db), stmt_(stmt), name_(name) {}
  ~Statement() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, int64_t v) {
    Check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement& Bind(int i, std::string_view v) {
    Check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& BindDouble(int i, double v) {
    Check(sqlite3_bind_double(stmt_, i, v));
    return *this;
  }
  Statement& BindDouble(int i, std::optional<double> v) {
    return v ? BindDouble(i, *v) : BindNull(i);
  }
  Statement& BindNull(int i) {
    Check(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  Statement& Bind(int i, std::optional<int64_t> v) { return v ? Bind(i, *v) : BindNull(i); }

  // Steps once: true when a row is available, false when done; errors as kUnavailable.
  Result<bool> Step();
  // Steps to completion, expecting no rows.
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt_, col));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  const char* name_;
  int bind_error_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens (creating when `create`) the database file at `path`.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only,
                                                  bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements with no parameters and no result rows.
  Status Exec(std::string_view sql);
  // The prepared statement for `q`, reset and ready to bind. Valid until the next Prepare of
  // the same query on this connection.
  Result<std::unique_ptr<Statement>> Prepare(const Query& q);
  // Prepares ad-hoc SQL (dynamic filters); not cached.
  Result<sqlite3_stmt*> PrepareUncached(const std::string& sql);

  sqlite3* raw() const { return db_; }
  std::string ErrorMessage() const { return sqlite3_errmsg(db_); }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

// Owns an uncached statement.
struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using OwnedStmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// Runs `q`, which takes no parameters and returns no rows (BEGIN, COMMIT …).
Status RunQuery(Connection& c, const Query& q);

// The single integer that `q` selects (0 when no row): a watermark, the newest order id.
Result<int64_t> SelectInt(Connection& c, const Query& q);

// A string literal for SQL that takes no parameters (ATTACH of a path).
std::string SqlString(const std::string& s);

}  // namespace jiesu::storage::sqlite
