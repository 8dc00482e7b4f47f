// Accounts, passwords and bearer tokens.
//
// Passwords are hashed with argon2id (libsodium crypto_pwhash_str). Log-in returns a random
// 256-bit bearer token; only its SHA-256 is stored, with an expiry. Authenticated principals
// are cached in memory for a short time so that a request does not cost a database read.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "domain/order.h"
#include "storage/store.h"

namespace jiesu::service {

struct AuthOptions {
  std::chrono::minutes token_ttl{8 * 60};
  // argon2id cost. The defaults are libsodium's "interactive" limits; tests lower them.
  unsigned long long pwhash_opslimit = 2;
  size_t pwhash_memlimit = 64u << 20;
  std::chrono::seconds cache_ttl{30};
  // After this many failed log-ins for one username within the window, further attempts are
  // refused (kRateLimited) until the window that began with the first failure has passed.
  int max_failed_logins = 10;
  std::chrono::minutes failed_login_window{15};
};

// Initialises libsodium; call once before anything else here. kUnavailable if it fails.
Status InitCrypto();

struct NewUser {
  std::string username;
  std::string display_name;
  std::string role;
  std::string unit_id;
  std::string password;
};

struct LoginResult {
  std::string token;
  TimePoint expires_at;
  storage::User user;
};

class Auth {
 public:
  Auth(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
       AuthOptions options)
      : store_(store), j_(j), clock_(clock), options_(options) {}

  // Validates and creates an account: the role must exist; unit-scoped roles need a unit that
  // exists; the password needs at least 8 characters.
  Result<storage::User> AddUser(const NewUser& u);

  // kUnauthenticated for an unknown user, a wrong password or an inactive account (one
  // message for all three, so names cannot be probed); kRateLimited after too many failures.
  Result<LoginResult> Login(const std::string& username, const std::string& password);

  // The actor behind a bearer token; kUnauthenticated when unknown or expired.
  Result<domain::Actor> Authenticate(const std::string& token);

  Status Logout(const std::string& token);

  static std::string HashToken(const std::string& token);

 private:
  struct Cached {
    domain::Actor actor;
    TimePoint expires_at;
    TimePoint cached_until;
  };

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  AuthOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;
  struct Failures {
    int count = 0;
    TimePoint since{};
  };
  std::unordered_map<std::string, Failures> failures_;  // by username, guarded by mu_
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

// Keyed hash of a caller's phone number (digits only), for finding a caller's other orders
// without an index of raw numbers. Empty for an empty number.
class CallerHasher {
 public:
  // REQUIRES: key.size() == 32
  explicit CallerHasher(std::string key) : key_(std::move(key)) {}
  std::string Hash(const std::string& phone) const;
  // A keyed MAC of `data` for another use of the same secret, kept apart by `purpose` (32
  // bytes, hex). Used for the citizens' access keys and the public page's challenges.
  std::string Mac(std::string_view purpose, std::string_view data) const;

 private:
  std::string key_;
};

}  // namespace jiesu::service
