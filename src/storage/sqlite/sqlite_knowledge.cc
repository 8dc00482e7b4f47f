// SqliteStore: the knowledge base — a row per knowledge point and an FTS5 index of its
// segmented words, written in one transaction.
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

constexpr Query kInsertKnowledge{"insert_knowledge", R"sql(
INSERT INTO knowledge (question, answer, basis, owner_unit, valid_from, valid_to, status,
                       created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8))sql"};
constexpr Query kUpdateKnowledge{"update_knowledge", R"sql(
UPDATE knowledge SET question = ?2, answer = ?3, basis = ?4, owner_unit = ?5, valid_from = ?6,
                     valid_to = ?7, status = ?8, updated_at = ?9
WHERE id = ?1)sql"};
constexpr Query kSelectKnowledge{"select_knowledge", R"sql(
SELECT id, question, answer, basis, owner_unit, valid_from, valid_to, status, created_at, updated_at
FROM knowledge WHERE id = ?1)sql"};
constexpr Query kListKnowledge{"list_knowledge", R"sql(
SELECT id, question, answer, basis, owner_unit, valid_from, valid_to, status, created_at, updated_at
FROM knowledge WHERE id > ?1 ORDER BY id LIMIT ?2)sql"};
constexpr Query kDeleteKnowledge{"delete_knowledge", "DELETE FROM knowledge WHERE id = ?1"};
constexpr Query kDeleteKnowledgeFts{"delete_knowledge_fts",
                                    "DELETE FROM knowledge_fts WHERE rowid = ?1"};
constexpr Query kInsertKnowledgeFts{
    "insert_knowledge_fts",
    "INSERT INTO knowledge_fts (rowid, question, answer) VALUES (?1, ?2, ?3)"};
// The best-ranked matches first (FTS5 alone), then their rows: joining every match to its row
// before ranking cost a B-tree lookup per matching point. A window of 20 × limit leaves room
// for drafts and expired points among the best.
constexpr Query kSearchKnowledge{"search_knowledge", R"sql(
SELECT k.id, k.question, k.answer, k.basis, k.owner_unit, k.valid_from, k.valid_to, k.status,
       k.created_at, k.updated_at, f.score
FROM (SELECT rowid, -bm25(knowledge_fts, 3.0, 1.0) AS score FROM knowledge_fts
      WHERE knowledge_fts MATCH ?1 ORDER BY bm25(knowledge_fts, 3.0, 1.0) LIMIT ?4 * 20) f
JOIN knowledge k ON k.id = f.rowid
WHERE (?2 = 0 OR (k.status = 'published' AND (k.valid_from IS NULL OR k.valid_from <= ?3)
                  AND (k.valid_to IS NULL OR k.valid_to > ?3)))
ORDER BY f.score DESC LIMIT ?4)sql"};

std::optional<int64_t> Millis(const std::optional<TimePoint>& t) {
  return t ? std::optional<int64_t>(ToUnixMillis(*t)) : std::nullopt;
}

KnowledgePoint ReadPoint(const Statement& st) {
  KnowledgePoint p;
  p.id = st.Int(0);
  p.question = st.Text(1);
  p.answer = st.Text(2);
  p.basis = st.Text(3);
  p.owner_unit = st.Text(4);
  if (!st.IsNull(5)) p.valid_from = FromUnixMillis(st.Int(5));
  if (!st.IsNull(6)) p.valid_to = FromUnixMillis(st.Int(6));
  p.status = st.Text(7);
  p.created_at = FromUnixMillis(st.Int(8));
  p.updated_at = FromUnixMillis(st.Int(9));
  return p;
}

Result<KnowledgePoint> LoadPoint(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSelectKnowledge));
  st->Bind(1, id);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFound("no knowledge point " + std::to_string(id));
  return ReadPoint(*st);
}

}  // namespace

Result<KnowledgePoint> SqliteStore::SaveKnowledge(KnowledgePoint p,
                                                  const std::string& question_words,
                                                  const std::string& answer_words) {
  Status st = Write([&](Connection& c) -> Status {
    if (p.id == 0) {
      JIESU_ASSIGN_OR_RETURN(auto ins, c.Prepare(kInsertKnowledge));
      ins->Bind(1, p.question)
          .Bind(2, p.answer)
          .Bind(3, p.basis)
          .Bind(4, p.owner_unit)
          .Bind(5, Millis(p.valid_from))
          .Bind(6, Millis(p.valid_to))
          .Bind(7, p.status)
          .Bind(8, ToUnixMillis(p.updated_at));
      JIESU_RETURN_IF_ERROR(ins->Run());
      p.id = sqlite3_last_insert_rowid(c.raw());
      p.created_at = p.updated_at;
    } else {
      JIESU_ASSIGN_OR_RETURN(KnowledgePoint old, LoadPoint(c, p.id));
      p.created_at = old.created_at;
      JIESU_ASSIGN_OR_RETURN(auto up, c.Prepare(kUpdateKnowledge));
      up->Bind(1, p.id)
          .Bind(2, p.question)
          .Bind(3, p.answer)
          .Bind(4, p.basis)
          .Bind(5, p.owner_unit)
          .Bind(6, Millis(p.valid_from))
          .Bind(7, Millis(p.valid_to))
          .Bind(8, p.status)
          .Bind(9, ToUnixMillis(p.updated_at));
      JIESU_RETURN_IF_ERROR(up->Run());
      JIESU_ASSIGN_OR_RETURN(auto del, c.Prepare(kDeleteKnowledgeFts));
      del->Bind(1, p.id);
      JIESU_RETURN_IF_ERROR(del->Run());
    }
    JIESU_ASSIGN_OR_RETURN(auto fts, c.Prepare(kInsertKnowledgeFts));
    fts->Bind(1, p.id).Bind(2, question_words).Bind(3, answer_words);
    return fts->Run();
  });
  if (!st.ok()) return st.error();
  return p;
}

Result<KnowledgePoint> SqliteStore::GetKnowledge(int64_t id) {
  auto r = AcquireReader();
  return LoadPoint(*r, id);
}

Result<std::vector<KnowledgePoint>> SqliteStore::ListKnowledge(int64_t after_id, int limit) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kListKnowledge));
  st->Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
  std::vector<KnowledgePoint> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return out;
    out.push_back(ReadPoint(*st));
  }
}

Status SqliteStore::DeleteKnowledge(int64_t id) {
  return Write([&](Connection& c) -> Status {
    JIESU_RETURN_IF_ERROR(LoadPoint(c, id).status());
    for (const Query* q : {&kDeleteKnowledge, &kDeleteKnowledgeFts}) {
      JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(*q));
      st->Bind(1, id);
      JIESU_RETURN_IF_ERROR(st->Run());
    }
    return Ok();
  });
}

Result<std::vector<KnowledgeHit>> SqliteStore::SearchKnowledge(const std::string& match,
                                                               bool current_only, TimePoint now,
                                                               int limit) {
  if (limit < 1 || limit > 100) return InvalidArgument("limit must be between 1 and 100", "limit");
  std::vector<KnowledgeHit> out;
  if (match.empty()) return out;
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kSearchKnowledge));
  st->Bind(1, match)
      .Bind(2, int64_t{current_only})
      .Bind(3, ToUnixMillis(now))
      .Bind(4, int64_t{limit});
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back({ReadPoint(*st), st->Double(10)});
  }
  return out;
}

}  // namespace jiesu::storage::sqlite
