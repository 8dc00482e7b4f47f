#include "api/static_files.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

namespace jiesu::api {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kIndex = "/index.html";
constexpr std::string_view kCitizenIndex = "/h5.html";
constexpr std::string_view kCitizenPrefix = "/h5";

std::string_view ContentType(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) return type;
  }
  return "application/octet-stream";
}

Result<std::string> ReadWhole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + p.string(), "web");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read " + p.string(), "web");
  return std::move(s).str();
}

bool AcceptsGzip(std::string_view accept_encoding) {
  // Enough for what browsers send ("gzip, deflate, br, zstd"); a q=0 refusal is not honoured
  // because no browser sends one for gzip.
  return accept_encoding.find("gzip") != std::string_view::npos;
}

// The last segment has an extension: a request for a file, not for one of the page's routes.
bool LooksLikeFile(std::string_view path) {
  auto slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.find('.') != std::string_view::npos;
}

bool IsApiPath(std::string_view path) {
  return path == "/api" || path.starts_with("/api/") || path == "/healthz";
}

}  // namespace

Result<std::unique_ptr<StaticFiles>> StaticFiles::Load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return InvalidArgument("--web " + dir + " is not a directory (build the front end: make web)",
                           "web");
  }
  auto files = std::unique_ptr<StaticFiles>(new StaticFiles());
  std::map<std::string, std::string> gzipped;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string rel = "/" + fs::relative(it->path(), dir, ec).generic_string();
    if (ec) break;
    JIESU_ASSIGN_OR_RETURN(std::string body, ReadWhole(it->path()));
    if (rel.ends_with(".gz")) {
      gzipped.emplace(rel.substr(0, rel.size() - 3), std::move(body));
      continue;
    }
    File f;
    f.content_type = std::string(ContentType(rel));
    f.body = std::move(body);
    f.immutable = rel.starts_with("/assets/");
    files->files_.emplace(std::move(rel), std::move(f));
  }
  if (ec) return InvalidArgument("cannot read --web " + dir + ": " + ec.message(), "web");
  for (auto& [path, body] : gzipped) {
    auto f = files->files_.find(path);
    if (f != files->files_.end()) f->second.gzip = std::move(body);
  }
  if (!files->files_.contains(kIndex)) {
    return InvalidArgument("--web " + dir + " has no index.html (build the front end: make web)",
                           "web");
  }
  return files;
}

std::optional<HttpResponse> StaticFiles::Serve(const HttpRequest& req) const {
  if (IsApiPath(req.path)) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r;
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "method not allowed\n";
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  std::string_view path = req.path;
  if (path == "/") path = kIndex;
  if (auto f = files_.find(path); f != files_.end()) return Render(f->second, req);
  if (!LooksLikeFile(path)) {
    const bool citizen = path == kCitizenPrefix || path.starts_with("/h5/");
    auto entry = files_.find(citizen && files_.contains(kCitizenIndex) ? kCitizenIndex : kIndex);
    return Render(entry->second, req);
  }
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "not found\n";
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

HttpResponse StaticFiles::Render(const File& f, const HttpRequest& req) const {
  HttpResponse r;
  r.content_type = f.content_type;
  const bool gzip = !f.gzip.empty() && AcceptsGzip(req.accept_encoding);
  r.body = gzip ? f.gzip : f.body;
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  if (!f.gzip.empty()) r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("Cache-Control",
                         f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

void AddSecurityHeaders(HttpResponse& r) {
  // Styles may be inline: Element Plus and Vant set style attributes on their components.
  // Scripts may not: every script is a file of the build.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self' "
                         "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
                         "font-src 'self' data:; object-src 'none'; base-uri 'self'; "
                         "form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace jiesu::api
