// Files that come with an order (SPEC §2: every transition may carry attachments): photos of
// the problem, a unit's evidence with its reply, scanned letters.
//
// The bytes are kept in a directory outside the database, named by their SHA-256
// (<dir>/<first two hex digits>/<sha256>), so the same file uploaded twice is stored once. A
// file is written to a temporary name, flushed to disk and renamed before its metadata row is
// committed, so a row never names a file a crash lost. The type is sniffed from the first bytes
// (JPEG, PNG, WebP, PDF), whatever the client declared; nothing else is accepted.
//
// Who may add a file: hotline roles to any order they see; a unit-scoped role to its own leg
// (not returned or cancelled); the citizen on the public page, images only and at most
// `max_citizen_files` per request while it is open. Whoever may read an order may read its
// files. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "service/orders.h"
#include "storage/store.h"

namespace jiesu::service {

struct AttachmentOptions {
  std::string dir;                      // created when missing
  int64_t max_bytes = 10 * 1024 * 1024;  // per file
  int max_citizen_files = 5;            // per request, from the public page
};

// The media type of `bytes` by its magic numbers: image/jpeg, image/png, image/webp or
// application/pdf; nullopt for anything else.
std::optional<std::string> SniffMediaType(std::string_view bytes);

class Attachments {
 public:
  // kUnavailable when `options.dir` cannot be created.
  static Result<std::unique_ptr<Attachments>> Open(Orders& orders, AttachmentOptions options);

  // Adds `bytes` named `name` to order `order_id`, on leg `leg` (0: none; a unit-scoped role
  // without one gets its own active leg). kNotFound when the actor cannot see the order,
  // kForbidden when it may not add files there, kInvalidArgument (field "leg" or "name") for a
  // bad leg or name, kTooLarge past max_bytes, kUnsupportedType for a type not sniffed as one
  // of the four, kUnavailable when the file cannot be written.
  Result<storage::Attachment> Add(const domain::Actor& actor, int64_t order_id, int leg,
                                  const std::string& name, const std::string& bytes);
  // The same for the citizen of `order` (already authenticated by its tracking code and key):
  // images only; kIllegalTransition once the request is finished, kConflict past
  // max_citizen_files.
  Result<storage::Attachment> AddForCitizen(const domain::Order& order, const std::string& name,
                                            const std::string& bytes);

  struct File {
    storage::Attachment meta;
    std::string bytes;
  };
  // Attachment `id` of order `order_id` with its bytes. kNotFound when the actor cannot see the
  // order or the attachment is not the order's; kUnavailable when the file cannot be read.
  Result<File> Read(const domain::Actor& actor, int64_t order_id, int64_t id);

  const AttachmentOptions& options() const { return options_; }

 private:
  Attachments(Orders& orders, AttachmentOptions options)
      : orders_(orders), options_(std::move(options)) {}
  // Checks size, type and name; writes the file durably; records the row.
  Result<storage::Attachment> Save(storage::Attachment meta, const std::string& bytes,
                                   bool images_only, int max_by_role);
  std::string PathOf(const std::string& sha256) const;
  Status WriteDurably(const std::string& sha256, const std::string& bytes) const;

  Orders& orders_;
  AttachmentOptions options_;
};

}  // namespace jiesu::service
