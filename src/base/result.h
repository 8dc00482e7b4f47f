// Result<T>: the value of an operation that can fail in an expected way.
//
// Expected failures (bad input, missing rows, refused transitions, a store that is down) are
// values, never exceptions. The small set of codes below is the project's one error
// vocabulary; the HTTP layer maps each code to a status in one place (`api::HttpStatusFor` in
// src/api/api.cc).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace jiesu {

enum class ErrorCode {
  kInvalidArgument,    // the caller sent something malformed or out of range
  kUnauthenticated,    // no valid credentials
  kForbidden,          // authenticated, but the role or unit scope does not allow it
  kNotFound,           // the named thing does not exist (or is not visible to the caller)
  kConflict,           // clashes with existing state (duplicate name, reused idempotency key)
  kIllegalTransition,  // the order's or leg's state does not allow this action now
  kTooLarge,           // input over a configured size limit
  kUnsupportedType,    // input of a kind that is not accepted (a file type)
  kRateLimited,        // too many attempts; try again later
  kUnavailable,        // a dependency (the database, the disk) failed; retrying may help
  kInternal,           // a bug: an invariant did not hold
};

// Stable lower-case name of a code, used on the wire ("invalid_argument").
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // the input field at fault, when there is one (JSON path or config key)

  std::string ToString() const;
};

inline Error InvalidArgument(std::string message, std::string field = {}) {
  return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}
inline Error NotFound(std::string message) {
  return {ErrorCode::kNotFound, std::move(message), {}};
}
inline Error Forbidden(std::string message) {
  return {ErrorCode::kForbidden, std::move(message), {}};
}
inline Error Conflict(std::string message, std::string field = {}) {
  return {ErrorCode::kConflict, std::move(message), std::move(field)};
}
inline Error IllegalTransition(std::string message) {
  return {ErrorCode::kIllegalTransition, std::move(message), {}};
}
inline Error Unavailable(std::string message) {
  return {ErrorCode::kUnavailable, std::move(message), {}};
}
inline Error Internal(std::string message) {
  return {ErrorCode::kInternal, std::move(message), {}};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

  // The outcome without the value.
  Result<void> status() const;

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

template <class T>
Result<void> Result<T>::status() const {
  if (ok()) return {};
  return error();
}

inline Status Ok() { return {}; }

}  // namespace jiesu

// Propagates the error of an expression yielding Result<...>; evaluates to nothing.
#define JIESU_RETURN_IF_ERROR(expr)                        \
  do {                                                     \
    auto&& jiesu_status_ = (expr);                         \
    if (!jiesu_status_.ok()) return jiesu_status_.error(); \
  } while (false)

#define JIESU_CONCAT_INNER(a, b) a##b
#define JIESU_CONCAT(a, b) JIESU_CONCAT_INNER(a, b)
// JIESU_ASSIGN_OR_RETURN(auto x, Expr()) binds the value or returns the error.
#define JIESU_ASSIGN_OR_RETURN(lhs, expr)                 \
  auto JIESU_CONCAT(jiesu_result_, __LINE__) = (expr);    \
  if (!JIESU_CONCAT(jiesu_result_, __LINE__).ok())        \
    return JIESU_CONCAT(jiesu_result_, __LINE__).error(); \
  lhs = std::move(JIESU_CONCAT(jiesu_result_, __LINE__)).value()
