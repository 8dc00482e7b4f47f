// Attachments: uploads as the raw request body (Content-Type the file's, the name in
// X-File-Name, percent-encoded UTF-8) and downloads under the order's visibility rules.
#include "api/api.h"
#include "api/views.h"
#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The file name of an upload: X-File-Name, percent-decoded.
Result<std::string> FileName(const HttpRequest& req) {
  const std::string& raw = req.file_name;
  const auto bad = [](const std::string& why) {
    return InvalidArgument("X-File-Name " + why, "X-File-Name");
  };
  if (raw.empty()) return bad("is required: the file's name, percent-encoded UTF-8");
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out += raw[i];
      continue;
    }
    const int hi = i + 2 < raw.size() ? HexDigit(raw[i + 1]) : -1;
    const int lo = i + 2 < raw.size() ? HexDigit(raw[i + 2]) : -1;
    if (hi < 0 || lo < 0) return bad("has a '%' that is not followed by two hex digits");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// A name error of the service is about the header the name came in.
Error AboutHeader(Error e) {
  if (e.field == "name") e.field = "X-File-Name";
  return e;
}

// RFC 6266/5987: an ASCII fallback and the UTF-8 name percent-encoded.
std::string ContentDisposition(const storage::Attachment& a) {
  std::string ascii, encoded;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char ch : a.name) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
    if (plain) {
      ascii += static_cast<char>(ch);
    } else if ((ch & 0xC0) != 0x80) {
      ascii += '_';  // one per character, not per byte
    }
    if (plain) {
      encoded += static_cast<char>(ch);
    } else {
      encoded += '%';
      encoded += kHex[ch >> 4];
      encoded += kHex[ch & 15];
    }
  }
  // Photos show in the page; a document is saved.
  const bool image = a.type.rfind("image/", 0) == 0;
  return std::string(image ? "inline" : "attachment") + "; filename=\"" + ascii +
         "\"; filename*=UTF-8''" + encoded;
}

HttpResponse Created(const storage::Attachment& a, const domain::Jurisdiction& j,
                     const std::string& location) {
  HttpResponse r = JsonResponse(201, AttachmentJson(a, j));
  if (!location.empty()) r.headers.emplace_back("Location", location);
  return r;
}

}  // namespace

void Api::AddAttachmentRoutes() {
  AddUpload("POST", "/api/v1/orders/{id}/attachments", false,
            [this](Call& c) { return UploadAttachment(c); });
  Add("GET", "/api/v1/orders/{id}/attachments/{attachment}", false,
      [this](Call& c) { return DownloadAttachment(c); });
  AddUpload("POST", "/api/v1/public/requests/{code}/attachments", true,
            [this](Call& c) { return PublicUpload(c); });
}

Result<HttpResponse> Api::UploadAttachment(Call& c) {
  if (attachments_ == nullptr) return Unavailable("this server keeps no attachments");
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  int64_t leg = 0;
  for (const auto& [k, v] : c.req.query) {
    if (k != "leg") return InvalidArgument("unknown query parameter '" + k + "'", k);
    JIESU_ASSIGN_OR_RETURN(leg, PositiveId(v, "leg"));
  }
  JIESU_ASSIGN_OR_RETURN(std::string name, FileName(c.req));
  auto added = attachments_->Add(c.actor, id, static_cast<int>(std::min<int64_t>(leg, 1'000'000)),
                                 name, c.req.body);
  if (!added.ok()) return AboutHeader(added.error());
  return Created(*added, orders_.jurisdiction(),
                 "/api/v1/orders/" + std::to_string(id) + "/attachments/" +
                     std::to_string(added->id));
}

Result<HttpResponse> Api::DownloadAttachment(Call& c) {
  if (attachments_ == nullptr) return Unavailable("this server keeps no attachments");
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  JIESU_ASSIGN_OR_RETURN(int64_t aid, PositiveId(c.params.at("attachment"), "attachment"));
  if (!c.req.query.empty()) {
    return InvalidArgument("unknown query parameter '" + c.req.query.front().first + "'",
                           c.req.query.front().first);
  }
  JIESU_ASSIGN_OR_RETURN(service::Attachments::File file, attachments_->Read(c.actor, id, aid));
  HttpResponse r;
  r.status = 200;
  r.content_type = file.meta.type;
  r.body = std::move(file.bytes);
  r.headers.emplace_back("Content-Disposition", ContentDisposition(file.meta));
  r.headers.emplace_back("Cache-Control", "private, no-cache");
  // Whatever the bytes hold beyond their magic number, the page never runs them.
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  return r;
}

Result<HttpResponse> Api::PublicUpload(Call& c) {
  if (citizen_ == nullptr) return NotFound("this server has no public page");
  if (attachments_ == nullptr) return Unavailable("this server keeps no attachments");
  if (int64_t wait = public_uploads_.Take(c.req.remote_address, orders_.clock().Now())) {
    return TooMany(wait);
  }
  if (!c.req.query.empty()) {
    return InvalidArgument("unknown query parameter '" + c.req.query.front().first + "'",
                           c.req.query.front().first);
  }
  if (c.req.access_key.empty()) {
    return InvalidArgument("X-Access-Key is required: the key the request was made with",
                           "X-Access-Key");
  }
  JIESU_ASSIGN_OR_RETURN(domain::Order order,
                         citizen_->Track(c.params.at("code"), c.req.access_key, ""));
  JIESU_ASSIGN_OR_RETURN(std::string name, FileName(c.req));
  auto added = attachments_->AddForCitizen(order, name, c.req.body);
  if (!added.ok()) return AboutHeader(added.error());
  return Created(*added, orders_.jurisdiction(), "");
}

}  // namespace jiesu::api
