#include "service/attachments.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/utf8.h"

namespace jiesu::service {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxNameChars = 200;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  std::string out(sizeof h * 2, '\0');
  sodium_bin2hex(out.data(), out.size() + 1, h, sizeof h);
  return out;
}

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Flushes the directory entry of a file just renamed into `dir`.
Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Unavailable(Errno("cannot open directory", dir));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Unavailable(Errno("cannot flush directory", dir));
  return Ok();
}

Status CheckName(const std::string& name) {
  if (name.empty()) return InvalidArgument("the file needs a name", "name");
  if (!IsValidUtf8(name)) return InvalidArgument("the file name is not valid UTF-8", "name");
  if (Utf8Length(name) > kMaxNameChars) {
    return InvalidArgument(
        "the file name is longer than " + std::to_string(kMaxNameChars) + " characters", "name");
  }
  for (unsigned char ch : name) {
    if (ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\') {
      return InvalidArgument("the file name may not hold control characters, '/' or '\\'", "name");
    }
  }
  if (name == "." || name == "..") return InvalidArgument("not a file name: " + name, "name");
  return Ok();
}

}  // namespace

std::optional<std::string> SniffMediaType(std::string_view b) {
  if (StartsWith(b, "\xFF\xD8\xFF")) return "image/jpeg";
  if (StartsWith(b, "\x89PNG\r\n\x1A\n")) return "image/png";
  if (b.size() >= 12 && StartsWith(b, "RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  if (StartsWith(b, "%PDF-")) return "application/pdf";
  return std::nullopt;
}

Result<std::unique_ptr<Attachments>> Attachments::Open(Orders& orders, AttachmentOptions options) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec || !fs::is_directory(options.dir)) {
    return Unavailable("cannot create the attachments directory " + options.dir +
                       (ec ? ": " + ec.message() : ""));
  }
  return std::unique_ptr<Attachments>(new Attachments(orders, std::move(options)));
}

std::string Attachments::PathOf(const std::string& sha256) const {
  return (fs::path(options_.dir) / sha256.substr(0, 2) / sha256).string();
}

Status Attachments::WriteDurably(const std::string& sha256, const std::string& bytes) const {
  const std::string path = PathOf(sha256);
  std::error_code ec;
  // Named by content: a file already there holds these bytes (it was renamed in whole).
  if (fs::file_size(path, ec) == bytes.size() && !ec) return Ok();
  const std::string dir = fs::path(path).parent_path().string();
  const bool new_dir = !fs::is_directory(dir);
  fs::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  if (new_dir) JIESU_RETURN_IF_ERROR(SyncDir(options_.dir));
  unsigned char rnd[8];
  randombytes_buf(rnd, sizeof rnd);
  char hex[sizeof rnd * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
  const std::string tmp = dir + "/.tmp-" + hex;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return Unavailable(Errno("cannot create", tmp));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = Errno("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Unavailable(why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = Errno("cannot flush", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Unavailable(why);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = Errno("cannot rename into", path);
    ::unlink(tmp.c_str());
    return Unavailable(why);
  }
  return SyncDir(dir);
}

Result<storage::Attachment> Attachments::Save(storage::Attachment meta, const std::string& bytes,
                                              bool images_only, int max_by_role) {
  if (bytes.empty()) return InvalidArgument("the file is empty", "body");
  if (static_cast<int64_t>(bytes.size()) > options_.max_bytes) {
    return Error{ErrorCode::kTooLarge,
                 "the file is larger than " + std::to_string(options_.max_bytes) + " bytes",
                 {}};
  }
  std::optional<std::string> type = SniffMediaType(bytes);
  if (!type || (images_only && !StartsWith(*type, "image/"))) {
    return Error{ErrorCode::kUnsupportedType,
                 images_only ? "only photos can be added here: JPEG, PNG or WebP"
                             : "only JPEG, PNG, WebP images and PDF documents can be attached",
                 {}};
  }
  JIESU_RETURN_IF_ERROR(CheckName(meta.name));
  meta.type = *type;
  meta.size = static_cast<int64_t>(bytes.size());
  meta.sha256 = Sha256Hex(bytes);
  meta.uploaded_at = orders_.clock().Now();
  JIESU_RETURN_IF_ERROR(WriteDurably(meta.sha256, bytes));
  return orders_.store().AddAttachment(std::move(meta), max_by_role);
}

Result<storage::Attachment> Attachments::Add(const domain::Actor& actor, int64_t order_id, int leg,
                                             const std::string& name, const std::string& bytes) {
  JIESU_ASSIGN_OR_RETURN(domain::Order order, orders_.Get(actor, order_id));
  const domain::RoleDef* role = orders_.jurisdiction().roles.Find(actor.role);
  if (role == nullptr || role->is_public) return Forbidden("unknown role");
  if (leg != 0 && order.FindLeg(leg) == nullptr) {
    return InvalidArgument("order " + std::to_string(order_id) + " has no leg " +
                               std::to_string(leg),
                           "leg");
  }
  const auto gone = [](const domain::Leg& l) {
    return l.state == domain::LegState::kReturned || l.state == domain::LegState::kCancelled;
  };
  if (role->unit_scoped) {
    if (leg == 0) {
      for (const auto& l : order.legs) {
        if (l.unit_id == actor.unit_id && !gone(l)) leg = l.no;
      }
      if (leg == 0) return Forbidden("unit " + actor.unit_id + " has no active leg on this order");
    }
    const domain::Leg* l = order.FindLeg(leg);
    if (l->unit_id != actor.unit_id) {
      return Forbidden("leg " + std::to_string(leg) + " belongs to unit " + l->unit_id);
    }
    if (gone(*l)) {
      return Forbidden("leg " + std::to_string(leg) + " is " + std::string(domain::Name(l->state)) +
                       "; files go with a leg the unit still has");
    }
  } else if (!role->hotline) {
    return Forbidden("role '" + actor.role + "' may not add files to orders");
  }
  storage::Attachment meta;
  meta.order_id = order.id;
  meta.leg = leg;
  meta.name = name;
  meta.uploaded_by = actor.user_id;
  meta.uploader = actor.username;
  meta.uploader_role = actor.role;
  return Save(std::move(meta), bytes, false, 0);
}

Result<storage::Attachment> Attachments::AddForCitizen(const domain::Order& order,
                                                       const std::string& name,
                                                       const std::string& bytes) {
  const domain::RoleDef* role = orders_.jurisdiction().roles.PublicRole();
  if (role == nullptr) return NotFound("this jurisdiction has no public page");
  if (domain::IsTerminal(order.state)) {
    return IllegalTransition("this request is finished (" + std::string(domain::Name(order.state)) +
                             "); photos can no longer be added");
  }
  storage::Attachment meta;
  meta.order_id = order.id;
  meta.name = name;
  meta.uploaded_by = 0;
  meta.uploader = "public";
  meta.uploader_role = role->name;
  return Save(std::move(meta), bytes, true, options_.max_citizen_files);
}

Result<Attachments::File> Attachments::Read(const domain::Actor& actor, int64_t order_id,
                                            int64_t id) {
  JIESU_RETURN_IF_ERROR(orders_.Get(actor, order_id));
  auto meta = orders_.store().GetAttachment(id);
  if (!meta.ok() || meta->order_id != order_id) {
    return NotFound("order " + std::to_string(order_id) + " has no attachment " +
                    std::to_string(id));
  }
  const std::string path = PathOf(meta->sha256);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in || static_cast<int64_t>(data.str().size()) != meta->size) {
    return Unavailable("the file of attachment " + std::to_string(id) + " cannot be read");
  }
  return File{std::move(*meta), data.str()};
}

}  // namespace jiesu::service
