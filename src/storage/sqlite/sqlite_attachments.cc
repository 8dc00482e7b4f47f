// SqliteStore: attachments' metadata (the files themselves are kept by service::Attachments).
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

constexpr Query kCountByRole{
    "count_attachments_by_role",
    "SELECT count(*) FROM attachments WHERE order_id = ?1 AND uploader_role = ?2"};
constexpr Query kInsertAttachment{"insert_attachment", R"sql(
INSERT INTO attachments (order_id, leg, name, type, size, sha256, uploaded_by, uploader,
                         uploader_role, uploaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10))sql"};
constexpr Query kSelectAttachment{"select_attachment", R"sql(
SELECT id, order_id, leg, name, type, size, sha256, uploaded_by, uploader, uploader_role,
       uploaded_at
FROM attachments WHERE id = ?1)sql"};
constexpr Query kListAttachments{"list_attachments", R"sql(
SELECT id, order_id, leg, name, type, size, sha256, uploaded_by, uploader, uploader_role,
       uploaded_at
FROM attachments WHERE order_id = ?1 ORDER BY id)sql"};

Attachment ReadAttachment(const Statement& st) {
  Attachment a;
  a.id = st.Int(0);
  a.order_id = st.Int(1);
  a.leg = st.IsNull(2) ? 0 : static_cast<int>(st.Int(2));
  a.name = st.Text(3);
  a.type = st.Text(4);
  a.size = st.Int(5);
  a.sha256 = st.Text(6);
  a.uploaded_by = st.Int(7);
  a.uploader = st.Text(8);
  a.uploader_role = st.Text(9);
  a.uploaded_at = FromUnixMillis(st.Int(10));
  return a;
}

}  // namespace

Result<Attachment> SqliteStore::AddAttachment(Attachment a, int max_by_role) {
  Status s = Write([&](Connection& c) -> Status {
    if (max_by_role > 0) {
      JIESU_ASSIGN_OR_RETURN(auto count, c.Prepare(kCountByRole));
      count->Bind(1, a.order_id).Bind(2, a.uploader_role);
      JIESU_ASSIGN_OR_RETURN(bool row, count->Step());
      if (row && count->Int(0) >= max_by_role) {
        return Conflict("this request has " + std::to_string(count->Int(0)) +
                        " files already, the most allowed");
      }
    }
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertAttachment));
    st->Bind(1, a.order_id)
        .Bind(2, a.leg == 0 ? std::nullopt : std::optional<int64_t>(a.leg))
        .Bind(3, a.name)
        .Bind(4, a.type)
        .Bind(5, a.size)
        .Bind(6, a.sha256)
        .Bind(7, a.uploaded_by)
        .Bind(8, a.uploader)
        .Bind(9, a.uploader_role)
        .Bind(10, ToUnixMillis(a.uploaded_at));
    JIESU_RETURN_IF_ERROR(st->Run());
    a.id = sqlite3_last_insert_rowid(c.raw());
    return Ok();
  });
  if (!s.ok()) return s.error();
  return a;
}

Result<Attachment> SqliteStore::GetAttachment(int64_t id) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kSelectAttachment));
  st->Bind(1, id);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFound("no attachment " + std::to_string(id));
  return ReadAttachment(*st);
}

Result<std::vector<Attachment>> SqliteStore::ListAttachments(int64_t order_id) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kListAttachments));
  st->Bind(1, order_id);
  std::vector<Attachment> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    out.push_back(ReadAttachment(*st));
  }
}

}  // namespace jiesu::storage::sqlite
