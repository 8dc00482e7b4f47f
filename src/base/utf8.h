// UTF-8 helpers for validating and measuring untrusted text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jiesu {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Number of code points in well-formed UTF-8 `s`.
// REQUIRES: IsValidUtf8(s)
size_t Utf8Length(std::string_view s);

// The first `max_chars` code points of well-formed UTF-8 `s` (all of it when shorter).
// REQUIRES: IsValidUtf8(s)
std::string Utf8Prefix(std::string_view s, size_t max_chars);

}  // namespace jiesu
