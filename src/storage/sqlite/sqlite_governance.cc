// SqliteStore: governance data — early warnings, external events, topics, and the caller
// counts the 一人多诉 detector reads.
#include <algorithm>
#include <charconv>

#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

std::string JoinIds(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) {
    if (!s.empty()) s += ',';
    s += std::to_string(id);
  }
  return s;
}

std::vector<int64_t> SplitIds(const std::string& s) {
  std::vector<int64_t> ids;
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    int64_t v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc()) break;
    ids.push_back(v);
    p = next + 1;  // past the comma
  }
  return ids;
}

std::optional<int64_t> Millis(const std::optional<TimePoint>& t) {
  return t ? std::optional<int64_t>(ToUnixMillis(*t)) : std::nullopt;
}

constexpr const char* kWarningColumns =
    "id, kind, key, title, category, district, window_from, window_to, expected, observed, "
    "p_value, explanation, orders, status, created_at, updated_at, acknowledged_by, "
    "acknowledged_at, note, supervision_id";

// On a known key the evidence is brought up to date; an acknowledged warning that now sees
// more is open again (the analyst acknowledged what was seen then).
constexpr Query kUpsertWarning{"upsert_warning", R"sql(
INSERT INTO warnings (kind, key, title, category, district, window_from, window_to, expected,
                      observed, p_value, explanation, orders, status, created_at, updated_at,
                      acknowledged_by, acknowledged_at, note, supervision_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'open', ?13, ?13, 0, NULL, '', 0)
ON CONFLICT (key) DO UPDATE SET
  title = excluded.title, window_from = excluded.window_from, window_to = excluded.window_to,
  expected = excluded.expected, observed = excluded.observed, p_value = excluded.p_value,
  explanation = excluded.explanation, orders = excluded.orders, updated_at = excluded.updated_at,
  status = CASE WHEN warnings.status = 'acknowledged' AND excluded.observed > warnings.observed
                THEN 'open' ELSE warnings.status END
RETURNING id, created_at)sql"};
constexpr Query kSelectWarning{"select_warning", R"sql(
SELECT id, kind, key, title, category, district, window_from, window_to, expected, observed,
       p_value, explanation, orders, status, created_at, updated_at, acknowledged_by,
       acknowledged_at, note, supervision_id
FROM warnings WHERE id = ?1)sql"};
constexpr Query kListWarnings{"list_warnings", R"sql(
SELECT id, kind, key, title, category, district, window_from, window_to, expected, observed,
       p_value, explanation, orders, status, created_at, updated_at, acknowledged_by,
       acknowledged_at, note, supervision_id
FROM warnings
WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR kind = ?2) AND (?3 = '' OR district = ?3)
  AND (?4 = '' OR substr(category, 1, length(?4)) = ?4)
  AND (?5 IS NULL OR window_to >= ?5) AND (?6 IS NULL OR window_from < ?6)
  AND (?7 = 0 OR id < ?7)
ORDER BY id DESC LIMIT ?8)sql"};
constexpr Query kUpdateWarningStatus{"update_warning_status", R"sql(
UPDATE warnings SET status = ?2, acknowledged_by = ?3, acknowledged_at = ?4, note = ?5,
                    supervision_id = ?6, updated_at = ?7
WHERE id = ?1)sql"};

constexpr Query kInsertEvent{"insert_external_event", R"sql(
INSERT INTO external_events (kind, title, description, district, category, place, lat, lon,
                             starts_at, ends_at, created_by, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql"};
constexpr Query kUpdateEvent{"update_external_event", R"sql(
UPDATE external_events SET kind = ?2, title = ?3, description = ?4, district = ?5, category = ?6,
                           place = ?7, lat = ?8, lon = ?9, starts_at = ?10, ends_at = ?11
WHERE id = ?1)sql"};
constexpr Query kSelectEvent{"select_external_event", R"sql(
SELECT id, kind, title, description, district, category, place, lat, lon, starts_at, ends_at,
       created_by, created_at
FROM external_events WHERE id = ?1)sql"};
constexpr Query kListEvents{"list_external_events", R"sql(
SELECT id, kind, title, description, district, category, place, lat, lon, starts_at, ends_at,
       created_by, created_at
FROM external_events WHERE starts_at < ?2 AND ends_at >= ?1 ORDER BY starts_at, id LIMIT ?3)sql"};
constexpr Query kDeleteEvent{"delete_external_event", "DELETE FROM external_events WHERE id = ?1"};

constexpr Query kInsertTopic{"insert_topic", R"sql(
INSERT INTO topics (kind, title, category, district, unit_id, month, status, note, score, orders,
                    warning_id, created_by, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))sql"};
constexpr Query kUpdateTopic{"update_topic", R"sql(
UPDATE topics SET kind = ?2, title = ?3, category = ?4, district = ?5, unit_id = ?6, month = ?7,
                  status = ?8, note = ?9, score = ?10, orders = ?11, warning_id = ?12
WHERE id = ?1)sql"};
constexpr Query kSelectTopic{"select_topic", R"sql(
SELECT id, kind, title, category, district, unit_id, month, status, note, score, orders,
       warning_id, created_by, created_at
FROM topics WHERE id = ?1)sql"};
constexpr Query kListTopics{"list_topics", R"sql(
SELECT id, kind, title, category, district, unit_id, month, status, note, score, orders,
       warning_id, created_by, created_at
FROM topics WHERE ?1 = '' OR status = ?1 ORDER BY id DESC)sql"};

// The callers active since ?1 (a short scan of the creation index), then each one's orders
// since ?2: those in the index file's caller tokens (one lookup per caller), and every order
// above its watermark.
constexpr Query kFrequentCallers{"frequent_callers", R"sql(
WITH active(caller_hash) AS MATERIALIZED (
  SELECT DISTINCT caller_hash FROM orders WHERE created_at >= ?1 AND caller_hash <> '')
SELECT caller_hash, group_concat(id) FROM (
  SELECT o.caller_hash, o.id FROM orders o
  WHERE o.id IN (SELECT t.rowid FROM active a, idx.caller_tokens t
                 WHERE caller_tokens MATCH hex(substr(a.caller_hash, 1, 16))
                 UNION ALL
                 SELECT id FROM orders
                 WHERE id > (SELECT value FROM idx.index_meta WHERE key = 'watermark'))
    AND +o.caller_hash IN active
    AND +o.created_at >= ?2
  ORDER BY o.caller_hash, o.id)
GROUP BY caller_hash HAVING count(*) >= ?3
ORDER BY count(*) DESC, caller_hash LIMIT ?4)sql"};

Warning ReadWarning(const Statement& st) {
  Warning w;
  w.id = st.Int(0);
  w.kind = st.Text(1);
  w.key = st.Text(2);
  w.title = st.Text(3);
  w.category = st.Text(4);
  w.district = st.Text(5);
  w.window_from = FromUnixMillis(st.Int(6));
  w.window_to = FromUnixMillis(st.Int(7));
  w.expected = st.Double(8);
  w.observed = st.Double(9);
  w.p_value = st.Double(10);
  w.explanation = st.Text(11);
  w.orders = SplitIds(st.Text(12));
  w.status = st.Text(13);
  w.created_at = FromUnixMillis(st.Int(14));
  w.updated_at = FromUnixMillis(st.Int(15));
  w.acknowledged_by = st.Int(16);
  if (!st.IsNull(17)) w.acknowledged_at = FromUnixMillis(st.Int(17));
  w.note = st.Text(18);
  w.supervision_id = st.Int(19);
  return w;
}

ExternalEvent ReadEvent(const Statement& st) {
  ExternalEvent e;
  e.id = st.Int(0);
  e.kind = st.Text(1);
  e.title = st.Text(2);
  e.description = st.Text(3);
  e.district = st.Text(4);
  e.category = st.Text(5);
  e.place = st.Text(6);
  if (!st.IsNull(7)) e.lat = st.Double(7);
  if (!st.IsNull(8)) e.lon = st.Double(8);
  e.starts_at = FromUnixMillis(st.Int(9));
  e.ends_at = FromUnixMillis(st.Int(10));
  e.created_by = st.Int(11);
  e.created_at = FromUnixMillis(st.Int(12));
  return e;
}

Topic ReadTopic(const Statement& st) {
  Topic t;
  t.id = st.Int(0);
  t.kind = st.Text(1);
  t.title = st.Text(2);
  t.category = st.Text(3);
  t.district = st.Text(4);
  t.unit_id = st.Text(5);
  t.month = st.Text(6);
  t.status = st.Text(7);
  t.note = st.Text(8);
  t.score = st.Double(9);
  t.orders = SplitIds(st.Text(10));
  t.warning_id = st.Int(11);
  t.created_by = st.Int(12);
  t.created_at = FromUnixMillis(st.Int(13));
  return t;
}

template <class T>
Result<T> LoadOne(Connection& c, const Query& q, int64_t id, T (*read)(const Statement&),
                  const char* what) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
  st->Bind(1, id);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return NotFound(std::string("no ") + what + " " + std::to_string(id));
  return read(*st);
}

}  // namespace

Result<Warning> SqliteStore::UpsertWarning(const Warning& w, bool* created) {
  int64_t id = 0;
  bool is_new = false;
  Status st = Write([&](Connection& c) -> Status {
    JIESU_ASSIGN_OR_RETURN(auto up, c.Prepare(kUpsertWarning));
    up->Bind(1, w.kind)
        .Bind(2, w.key)
        .Bind(3, w.title)
        .Bind(4, w.category)
        .Bind(5, w.district)
        .Bind(6, ToUnixMillis(w.window_from))
        .Bind(7, ToUnixMillis(w.window_to))
        .BindDouble(8, w.expected)
        .BindDouble(9, w.observed)
        .BindDouble(10, w.p_value)
        .Bind(11, w.explanation)
        .Bind(12, JoinIds(w.orders))
        .Bind(13, ToUnixMillis(w.updated_at));
    JIESU_ASSIGN_OR_RETURN(bool row, up->Step());
    if (!row) return Internal("upsert of warning " + w.key + " returned nothing");
    id = up->Int(0);
    is_new = up->Int(1) == ToUnixMillis(w.updated_at);
    JIESU_ASSIGN_OR_RETURN(bool more, up->Step());
    (void)more;
    return {};
  });
  if (!st.ok()) return st.error();
  if (created != nullptr) *created = is_new;
  return GetWarning(id);
}

Result<Warning> SqliteStore::GetWarning(int64_t id) {
  auto r = AcquireReader();
  return LoadOne<Warning>(*r, kSelectWarning, id, &ReadWarning, "warning");
}

Result<std::vector<Warning>> SqliteStore::ListWarnings(const WarningFilter& f) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kListWarnings));
  st->Bind(1, f.status)
      .Bind(2, f.kind)
      .Bind(3, f.district)
      .Bind(4, f.category_prefix)
      .Bind(5, Millis(f.from))
      .Bind(6, Millis(f.to))
      .Bind(7, f.before_id)
      .Bind(8, static_cast<int64_t>(f.limit));
  std::vector<Warning> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadWarning(*st));
  }
  return out;
}

Result<Warning> SqliteStore::UpdateWarningStatus(const Warning& w) {
  Status st = Write([&](Connection& c) -> Status {
    JIESU_RETURN_IF_ERROR(
        LoadOne<Warning>(c, kSelectWarning, w.id, &ReadWarning, "warning").status());
    JIESU_ASSIGN_OR_RETURN(auto up, c.Prepare(kUpdateWarningStatus));
    up->Bind(1, w.id)
        .Bind(2, w.status)
        .Bind(3, w.acknowledged_by)
        .Bind(4, Millis(w.acknowledged_at))
        .Bind(5, w.note)
        .Bind(6, w.supervision_id)
        .Bind(7, ToUnixMillis(w.updated_at));
    return up->Run();
  });
  if (!st.ok()) return st.error();
  return GetWarning(w.id);
}

Result<ExternalEvent> SqliteStore::SaveExternalEvent(ExternalEvent e) {
  Status st = Write([&](Connection& c) -> Status {
    std::unique_ptr<Statement> s;
    int i = 1;
    if (e.id == 0) {
      JIESU_ASSIGN_OR_RETURN(s, c.Prepare(kInsertEvent));
    } else {
      JIESU_ASSIGN_OR_RETURN(ExternalEvent old,
                             LoadOne<ExternalEvent>(c, kSelectEvent, e.id, &ReadEvent, "event"));
      e.created_by = old.created_by;
      e.created_at = old.created_at;
      JIESU_ASSIGN_OR_RETURN(s, c.Prepare(kUpdateEvent));
      s->Bind(i++, e.id);
    }
    s->Bind(i, e.kind)
        .Bind(i + 1, e.title)
        .Bind(i + 2, e.description)
        .Bind(i + 3, e.district)
        .Bind(i + 4, e.category)
        .Bind(i + 5, e.place)
        .BindDouble(i + 6, e.lat)
        .BindDouble(i + 7, e.lon)
        .Bind(i + 8, ToUnixMillis(e.starts_at))
        .Bind(i + 9, ToUnixMillis(e.ends_at));
    if (e.id == 0) s->Bind(11, e.created_by).Bind(12, ToUnixMillis(e.created_at));
    JIESU_RETURN_IF_ERROR(s->Run());
    if (e.id == 0) e.id = sqlite3_last_insert_rowid(c.raw());
    return {};
  });
  if (!st.ok()) return st.error();
  return e;
}

Result<ExternalEvent> SqliteStore::GetExternalEvent(int64_t id) {
  auto r = AcquireReader();
  return LoadOne<ExternalEvent>(*r, kSelectEvent, id, &ReadEvent, "event");
}

Status SqliteStore::DeleteExternalEvent(int64_t id) {
  return Write([&](Connection& c) -> Status {
    JIESU_RETURN_IF_ERROR(
        LoadOne<ExternalEvent>(c, kSelectEvent, id, &ReadEvent, "event").status());
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kDeleteEvent));
    st->Bind(1, id);
    return st->Run();
  });
}

Result<std::vector<ExternalEvent>> SqliteStore::ListExternalEvents(TimePoint from, TimePoint to,
                                                                   int limit) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kListEvents));
  st->Bind(1, ToUnixMillis(from)).Bind(2, ToUnixMillis(to)).Bind(3, static_cast<int64_t>(limit));
  std::vector<ExternalEvent> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadEvent(*st));
  }
  return out;
}

Result<Topic> SqliteStore::SaveTopic(Topic t) {
  Status st = Write([&](Connection& c) -> Status {
    std::unique_ptr<Statement> s;
    int i = 1;
    if (t.id == 0) {
      JIESU_ASSIGN_OR_RETURN(s, c.Prepare(kInsertTopic));
    } else {
      JIESU_ASSIGN_OR_RETURN(Topic old, LoadOne<Topic>(c, kSelectTopic, t.id, &ReadTopic, "topic"));
      t.created_by = old.created_by;
      t.created_at = old.created_at;
      JIESU_ASSIGN_OR_RETURN(s, c.Prepare(kUpdateTopic));
      s->Bind(i++, t.id);
    }
    s->Bind(i, t.kind)
        .Bind(i + 1, t.title)
        .Bind(i + 2, t.category)
        .Bind(i + 3, t.district)
        .Bind(i + 4, t.unit_id)
        .Bind(i + 5, t.month)
        .Bind(i + 6, t.status)
        .Bind(i + 7, t.note)
        .BindDouble(i + 8, t.score)
        .Bind(i + 9, JoinIds(t.orders))
        .Bind(i + 10, t.warning_id);
    if (t.id == 0) s->Bind(12, t.created_by).Bind(13, ToUnixMillis(t.created_at));
    JIESU_RETURN_IF_ERROR(s->Run());
    if (t.id == 0) t.id = sqlite3_last_insert_rowid(c.raw());
    return {};
  });
  if (!st.ok()) return st.error();
  return t;
}

Result<Topic> SqliteStore::GetTopic(int64_t id) {
  auto r = AcquireReader();
  return LoadOne<Topic>(*r, kSelectTopic, id, &ReadTopic, "topic");
}

Result<std::vector<Topic>> SqliteStore::ListTopics(const std::string& status) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kListTopics));
  st->Bind(1, status);
  std::vector<Topic> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadTopic(*st));
  }
  return out;
}

Result<std::vector<CallerOrders>> SqliteStore::FrequentCallers(TimePoint active_since,
                                                               TimePoint window_from,
                                                               int min_orders, int limit) {
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(auto st, r->Prepare(kFrequentCallers));
  st->Bind(1, ToUnixMillis(active_since))
      .Bind(2, ToUnixMillis(window_from))
      .Bind(3, static_cast<int64_t>(min_orders))
      .Bind(4, static_cast<int64_t>(limit));
  std::vector<CallerOrders> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    CallerOrders co{st->Text(0), SplitIds(st->Text(1))};
    std::sort(co.orders.begin(), co.orders.end());
    out.push_back(std::move(co));
  }
  return out;
}

}  // namespace jiesu::storage::sqlite
