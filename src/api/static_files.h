// The web front end's built files (web/dist), served by the HTTP server beside the API.
//
// The whole directory is read into memory once at start (a production build is a few MB), so a
// request never touches the file system and no path from a request is ever joined to a
// directory: it is only looked up among the files that were read.
//
// - Files under `assets/` carry a content hash in their names: cached for a year, immutable.
//   Every other file (index.html above all) is `no-cache`, so a new build is seen at once.
// - A file with a `<name>.gz` beside it is sent compressed to clients that accept gzip.
// - A path that names no file and does not look like a file (no extension in its last segment)
//   is one of the page's own routes: it gets the entry page of its area (`/h5/…` the citizen
//   entry `h5.html` when present, anything else `index.html`). A missing asset is a 404.
// Thread-safe after construction (read-only).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/http.h"
#include "base/result.h"

namespace jiesu::api {

class StaticFiles {
 public:
  // Reads every regular file under `dir`. kInvalidArgument when `dir` is not a directory or
  // holds no index.html (the front end was not built).
  static Result<std::unique_ptr<StaticFiles>> Load(const std::string& dir);

  // The response for a GET or HEAD of `req.path`, or nullopt when the path is not the front
  // end's (under /api/ or /healthz), so that the API answers it.
  std::optional<HttpResponse> Serve(const HttpRequest& req) const;

  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string gzip;  // the precompressed body, or empty
    bool immutable = false;
  };
  HttpResponse Render(const File& f, const HttpRequest& req) const;

  std::map<std::string, File, std::less<>> files_;  // by path, "/index.html"
};

// The security headers of a page and its files: a Content-Security-Policy that allows no inline
// or foreign script, no framing, no MIME sniffing, and no Referer to other sites. (API responses
// are JSON and carry only X-Content-Type-Options.)
void AddSecurityHeaders(HttpResponse& r);

}  // namespace jiesu::api
