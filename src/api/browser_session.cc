#include "api/browser_session.h"

#include <sodium.h>

namespace jiesu::api {

std::string SessionCookieValue(std::string_view header) {
  // Cookie: a=1; jiesu_session=…; b=2 (RFC 6265 §5.4: pairs separated by "; ").
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == kSessionCookie) {
      return std::string(pair.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return "";
}

std::string CsrfTokenFor(std::string_view session_token) {
  constexpr std::string_view kDomain = "jiesu csrf v1\n";
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(kDomain.data()),
                            kDomain.size());
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(session_token.data()),
                            session_token.size());
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  char out[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

bool CsrfTokenMatches(std::string_view given, std::string_view session_token) {
  const std::string want = CsrfTokenFor(session_token);
  return given.size() == want.size() && sodium_memcmp(given.data(), want.data(), want.size()) == 0;
}

std::string SessionCookieHeader(std::string_view session_token) {
  return std::string(kSessionCookie) + "=" + std::string(session_token) +
         "; Path=/; HttpOnly; SameSite=Strict";
}

std::string ClearedSessionCookieHeader() {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
}

bool IsWrite(std::string_view method) { return method != "GET" && method != "HEAD"; }

}  // namespace jiesu::api
