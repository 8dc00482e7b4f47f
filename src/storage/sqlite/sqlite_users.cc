// SqliteStore: users, their sessions, and the access log.
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

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

}  // namespace

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
