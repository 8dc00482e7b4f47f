#include "base/result.h"

namespace jiesu {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kIllegalTransition:
      return "illegal_transition";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kUnsupportedType:
      return "unsupported_type";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  std::string s = ErrorCodeName(code);
  s += ": ";
  s += message;
  if (!field.empty()) {
    s += " (field ";
    s += field;
    s += ")";
  }
  return s;
}

}  // namespace jiesu
