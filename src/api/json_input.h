// Strict reading of JSON request bodies: the document must be an object, every field must
// have the expected type, and a field nobody reads is an error ("unknown field"). Errors
// carry the field's path ("caller.phone") so the client knows what to fix.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace jiesu::api {

// Parses `body` (an empty body reads as {}). Errors: malformed JSON, invalid UTF-8, nesting
// deeper than 16, or not an object, as kInvalidArgument.
Result<boost::json::object> ParseObject(const std::string& body);

class JsonReader {
 public:
  // `prefix` is prepended to field names in errors ("caller.").
  explicit JsonReader(const boost::json::object& o, std::string prefix = "")
      : o_(o), prefix_(std::move(prefix)) {}

  // Each getter returns the value, the fallback when the field is absent or null, and records
  // the first problem found; check error() (or Finish()) once after reading.
  std::string String(std::string_view key, bool required = false, const std::string& fallback = "");
  bool Bool(std::string_view key, bool fallback = false);
  std::optional<int64_t> Int(std::string_view key, bool required = false);
  std::optional<double> Double(std::string_view key);
  // An RFC 3339 date-time string.
  std::optional<TimePoint> Time(std::string_view key, bool required = false);
  std::vector<std::string> Strings(std::string_view key);
  // A nested object, or nullptr when absent; the nested reader shares this one's error.
  const boost::json::object* Object(std::string_view key);

  // Fails on the first unknown field if no other error was found. Returns the first error.
  Status Finish();
  // Marks `key` as known without reading it (for fields handled elsewhere).
  void Known(std::string_view key) { (void)Find(key); }
  bool has_error() const { return error_.has_value(); }
  const std::string& prefix() const { return prefix_; }
  // Adopts an error found by a nested reader.
  void Merge(const Status& nested) {
    if (!nested.ok() && !error_) error_ = nested.error();
  }

 private:
  // The field named `key`, marked as read; nullptr when absent.
  const boost::json::value* Find(std::string_view key);
  // The same, and nullptr for null as well.
  const boost::json::value* Field(std::string_view key);
  void Fail(std::string_view key, const std::string& msg);

  const boost::json::object& o_;
  std::string prefix_;
  std::vector<bool> seen_;  // per member of o_, in order: read (or marked known)
  std::optional<Error> error_;
};

}  // namespace jiesu::api
