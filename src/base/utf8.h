// UTF-8 helpers for validating and measuring untrusted text.
#pragma once

#include <cstddef>
#include <string_view>

namespace jiesu {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Number of code points in well-formed UTF-8 `s`.
// REQUIRES: IsValidUtf8(s)
size_t Utf8Length(std::string_view s);

}  // namespace jiesu
