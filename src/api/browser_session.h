// Browser log-in: the session token travels in an HttpOnly, SameSite=Strict cookie that page
// scripts cannot read, and every write made with it carries a CSRF token in X-CSRF-Token.
//
// The CSRF token is derived from the session token by a one-way hash, so the server stores
// nothing more and a page that lost it (a reload) gets it back from GET /api/v1/me. A forged
// cross-site request carries the cookie at most (SameSite already withholds it on the main
// browsers), never the token, which only a script of the page's own origin can read.
// API clients keep using `Authorization: Bearer`, which needs no CSRF token.
#pragma once

#include <string>
#include <string_view>

namespace jiesu::api {

inline constexpr std::string_view kSessionCookie = "jiesu_session";

// The session cookie's value in a Cookie header, or empty.
std::string SessionCookieValue(std::string_view cookie_header);
// The CSRF token that goes with a session token (43 URL-safe base64 characters).
std::string CsrfTokenFor(std::string_view session_token);
// True when `given` is the CSRF token of `session_token`; compared in constant time.
bool CsrfTokenMatches(std::string_view given, std::string_view session_token);
// Set-Cookie values that set the session cookie, and that clear it. The cookie has no
// Max-Age: it ends with the browser, and the server ends the session at its expiry anyway.
std::string SessionCookieHeader(std::string_view session_token);
std::string ClearedSessionCookieHeader();
// GET and HEAD read; every other method writes.
bool IsWrite(std::string_view method);

}  // namespace jiesu::api
