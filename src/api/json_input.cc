#include "api/json_input.h"

#include <cmath>

#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;

Result<json::object> ParseObject(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object{};
  if (!IsValidUtf8(body)) return InvalidArgument("the request body is not valid UTF-8");
  json::parse_options opts;
  opts.max_depth = 16;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return InvalidArgument("the request body is not valid JSON: " + ec.message());
  if (!v.is_object()) return InvalidArgument("the request body must be a JSON object");
  return std::move(v.as_object());
}

const json::value* JsonReader::Find(std::string_view key) {
  const auto it = o_.find(key);
  if (it == o_.end()) return nullptr;
  if (seen_.empty()) seen_.resize(o_.size());
  seen_[static_cast<size_t>(it - o_.begin())] = true;
  return &it->value();
}

const json::value* JsonReader::Field(std::string_view key) {
  const json::value* v = Find(key);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

void JsonReader::Fail(std::string_view key, const std::string& msg) {
  if (!error_) {
    const std::string field = prefix_ + std::string(key);
    error_ = InvalidArgument(field + ": " + msg, field);
  }
}

std::string JsonReader::String(std::string_view key, bool required, const std::string& fallback) {
  const json::value* v = Field(key);
  if (v == nullptr) {
    if (required) Fail(key, "is required");
    return fallback;
  }
  if (!v->is_string()) {
    Fail(key, "must be a string");
    return fallback;
  }
  return std::string(v->as_string());
}

bool JsonReader::Bool(std::string_view key, bool fallback) {
  const json::value* v = Field(key);
  if (v == nullptr) return fallback;
  if (!v->is_bool()) {
    Fail(key, "must be true or false");
    return fallback;
  }
  return v->as_bool();
}

std::optional<int64_t> JsonReader::Int(std::string_view key, bool required) {
  const json::value* v = Field(key);
  if (v == nullptr) {
    if (required) Fail(key, "is required");
    return std::nullopt;
  }
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  Fail(key, "must be an integer");
  return std::nullopt;
}

std::optional<TimePoint> JsonReader::Time(std::string_view key, bool required) {
  const std::string text = String(key, required);
  if (text.empty()) return std::nullopt;
  auto t = ParseRfc3339(text);
  if (!t.ok()) {
    Fail(key, t.error().message);
    return std::nullopt;
  }
  return *t;
}

std::optional<double> JsonReader::Double(std::string_view key) {
  const json::value* v = Field(key);
  if (v == nullptr) return std::nullopt;
  double d = 0;
  if (v->is_double()) {
    d = v->as_double();
  } else if (v->is_int64()) {
    d = static_cast<double>(v->as_int64());
  } else if (v->is_uint64()) {
    d = static_cast<double>(v->as_uint64());
  } else {
    Fail(key, "must be a number");
    return std::nullopt;
  }
  if (!std::isfinite(d)) {
    Fail(key, "must be a finite number");
    return std::nullopt;
  }
  return d;
}

std::vector<std::string> JsonReader::Strings(std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = Field(key);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    Fail(key, "must be an array of strings");
    return out;
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      Fail(key, "must be an array of strings");
      return {};
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

const json::object* JsonReader::Object(std::string_view key) {
  const json::value* v = Field(key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Fail(key, "must be an object");
    return nullptr;
  }
  return &v->as_object();
}

Status JsonReader::Finish() {
  if (!error_) {
    for (auto it = o_.begin(); it != o_.end(); ++it) {
      const auto i = static_cast<size_t>(it - o_.begin());
      if (i >= seen_.size() || !seen_[i]) {
        Fail(it->key(), "unknown field");
        break;
      }
    }
  }
  if (error_) return *error_;
  return Ok();
}

}  // namespace jiesu::api
