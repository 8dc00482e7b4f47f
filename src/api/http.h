// The HTTP request and response as the API layer sees them: plain values, independent of
// the server library, so handlers are tested without sockets.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace jiesu::api {

struct HttpRequest {
  std::string method;                                      // "GET", "POST", ...
  std::string path;                                        // decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string authorization;
  std::string idempotency_key;
  std::string content_type;     // as sent, e.g. "text/csv; charset=utf-8"
  std::string cookie;           // the Cookie header, as sent
  std::string csrf_token;       // X-CSRF-Token: required on writes authenticated by cookie
  std::string accept_encoding;  // for the front end's precompressed files
  std::string file_name;        // X-File-Name of an upload, percent-encoded UTF-8, as sent
  std::string access_key;       // X-Access-Key: the citizen's key on public uploads
  std::string remote_address;   // the peer's IP address, for per-address rate limits
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace jiesu::api
