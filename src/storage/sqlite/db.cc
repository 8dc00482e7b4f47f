#include "storage/sqlite/db.h"

namespace jiesu::storage::sqlite {

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return Unavailable(std::string(name_) + ": bind failed: " + sqlite3_errstr(bind_error_));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return Conflict(std::string(name_) + ": " + sqlite3_errmsg(db_));
  }
  return Unavailable(std::string(name_) + ": " + sqlite3_errmsg(db_));
}

Status Statement::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.error();
    if (!*r) return Ok();
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool read_only,
                                                     bool create) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Unavailable("cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [name, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Unavailable(msg);
  }
  return Ok();
}

Result<std::unique_ptr<Statement>> Connection::Prepare(const Query& q) {
  auto it = cache_.find(q.name);
  sqlite3_stmt* stmt = nullptr;
  if (it != cache_.end()) {
    stmt = it->second;
  } else {
    int rc = sqlite3_prepare_v3(db_, q.sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return Internal(std::string("cannot prepare ") + q.name + ": " + sqlite3_errmsg(db_));
    }
    cache_.emplace(q.name, stmt);
  }
  return std::make_unique<Statement>(db_, stmt, q.name);
}

Result<sqlite3_stmt*> Connection::PrepareUncached(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Internal("cannot prepare query: " + std::string(sqlite3_errmsg(db_)));
  return stmt;
}

Status RunQuery(Connection& c, const Query& q) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
  return st->Run();
}

Result<int64_t> SelectInt(Connection& c, const Query& q) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

}  // namespace jiesu::storage::sqlite
