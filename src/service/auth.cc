#include "service/auth.h"

#include <sodium.h>

#include <cstdio>

#include "base/utf8.h"

namespace jiesu::service {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '\0');
  sodium_bin2hex(out.data(), out.size() + 1, p, n);
  return out;
}

Result<domain::Actor> Unauthenticated(const std::string& why) {
  return Error{ErrorCode::kUnauthenticated, why, {}};
}

}  // namespace

Status InitCrypto() {
  if (sodium_init() < 0) return Unavailable("libsodium failed to initialise");
  return Ok();
}

std::string Auth::HashToken(const std::string& token) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return Hex(h, sizeof h);
}

Result<storage::User> Auth::AddUser(const NewUser& u) {
  if (u.username.empty() || u.username.size() > 64 ||
      u.username.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") !=
          std::string::npos) {
    return InvalidArgument("username must be 1-64 characters of a-z, 0-9, '.', '_' or '-'",
                           "username");
  }
  const domain::RoleDef* role = j_.roles.Find(u.role);
  if (role == nullptr) return InvalidArgument("unknown role '" + u.role + "'", "role");
  if (role->is_public) {
    return InvalidArgument("role '" + u.role + "' is the public page's: no account may have it",
                           "role");
  }
  if (role->unit_scoped && u.unit_id.empty()) {
    return InvalidArgument("role '" + u.role + "' needs a unit", "unit");
  }
  if (!u.unit_id.empty() && j_.units.Find(u.unit_id) == nullptr) {
    return InvalidArgument("unknown unit '" + u.unit_id + "'", "unit");
  }
  if (!IsValidUtf8(u.display_name) || Utf8Length(u.display_name) > 100) {
    return InvalidArgument("display name must be valid UTF-8 of at most 100 characters",
                           "display_name");
  }
  if (!IsValidUtf8(u.password) || Utf8Length(u.password) < 8 || u.password.size() > 1024) {
    return InvalidArgument("password must have at least 8 characters", "password");
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, u.password.data(), u.password.size(), options_.pwhash_opslimit,
                            options_.pwhash_memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Unavailable("out of memory hashing the password");
  }
  storage::User user;
  user.username = u.username;
  user.display_name = u.display_name.empty() ? u.username : u.display_name;
  user.role = u.role;
  user.unit_id = u.unit_id;
  user.password_hash = hash;
  user.active = true;
  user.created_at = clock_.Now();
  return store_.CreateUser(std::move(user));
}

Result<LoginResult> Auth::Login(const std::string& username, const std::string& password) {
  static const Error kBad{ErrorCode::kUnauthenticated, "wrong username or password", {}};
  const TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    auto it = failures_.find(username);
    if (it != failures_.end()) {
      if (now - it->second.since >= options_.failed_login_window) {
        failures_.erase(it);
      } else if (it->second.count >= options_.max_failed_logins) {
        return Error{ErrorCode::kRateLimited,
                     "too many failed log-ins for this account; try again after " +
                         FormatRfc3339(it->second.since + options_.failed_login_window,
                                       j_.utc_offset_minutes),
                     {}};
      }
    }
  }
  auto failed = [&]() -> Error {
    std::lock_guard lock(mu_);
    if (failures_.size() > 100000) failures_.clear();
    Failures& f = failures_[username];
    if (f.count == 0) f.since = now;
    f.count += 1;
    return kBad;
  };
  auto user = store_.FindUserByName(username);
  if (!user.ok()) {
    if (user.error().code != ErrorCode::kNotFound) return user.error();
    // Spend the same work as a real check so that response time does not reveal names.
    std::call_once(dummy_once_, [&] {
      char h[crypto_pwhash_STRBYTES];
      if (crypto_pwhash_str_alg(h, "x", 1, options_.pwhash_opslimit, options_.pwhash_memlimit,
                                crypto_pwhash_ALG_ARGON2ID13) == 0) {
        dummy_hash_ = h;
      }
    });
    if (!dummy_hash_.empty()) {
      [[maybe_unused]] int ignored =
          crypto_pwhash_str_verify(dummy_hash_.c_str(), password.data(), password.size());
    }
    return failed();
  }
  if (crypto_pwhash_str_verify(user->password_hash.c_str(), password.data(), password.size()) !=
          0 ||
      !user->active) {
    return failed();
  }
  {
    std::lock_guard lock(mu_);
    failures_.erase(username);
  }
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  LoginResult r;
  r.token = Hex(raw, sizeof raw);
  r.expires_at = now + options_.token_ttl;
  JIESU_RETURN_IF_ERROR(store_.SaveSession({HashToken(r.token), user->id, now, r.expires_at}));
  r.user = std::move(*user);
  r.user.password_hash.clear();
  return r;
}

Result<domain::Actor> Auth::Authenticate(const std::string& token) {
  if (token.empty()) return Unauthenticated("a bearer token is required");
  const std::string h = HashToken(token);
  const TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(h);
    if (it != cache_.end()) {
      if (now < it->second.cached_until && now < it->second.expires_at) return it->second.actor;
      cache_.erase(it);
    }
  }
  auto session = store_.FindSession(h, now);
  if (!session.ok()) {
    if (session.error().code != ErrorCode::kNotFound) return session.error();
    return Unauthenticated("the token is unknown or expired; log in again");
  }
  auto user = store_.FindUser(session->user_id);
  if (!user.ok() || !user->active) return Unauthenticated("the account is no longer active");
  domain::Actor actor{user->id, user->username, user->role, user->unit_id};
  std::lock_guard lock(mu_);
  if (cache_.size() > 100000) cache_.clear();
  cache_[h] = Cached{actor, session->expires_at, now + options_.cache_ttl};
  return actor;
}

Status Auth::Logout(const std::string& token) {
  const std::string h = HashToken(token);
  {
    std::lock_guard lock(mu_);
    cache_.erase(h);
  }
  return store_.DeleteSession(h);
}

std::string CallerHasher::Mac(std::string_view purpose, std::string_view data) const {
  crypto_generichash_state st;
  crypto_generichash_init(&st, reinterpret_cast<const unsigned char*>(key_.data()), key_.size(),
                          32);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(purpose.data()),
                            purpose.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&st, &separator, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  unsigned char h[32];
  crypto_generichash_final(&st, h, sizeof h);
  return Hex(h, sizeof h);
}

std::string CallerHasher::Hash(const std::string& phone) const {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.empty()) return {};
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(digits.data()),
                     digits.size(), reinterpret_cast<const unsigned char*>(key_.data()),
                     key_.size());
  return Hex(h, sizeof h);
}

}  // namespace jiesu::service
