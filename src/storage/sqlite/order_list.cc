// SqliteStore: listing orders — the category and district lists the writer fills behind
// intake, and the list query over them, the orders table and the index file.
#include "storage/sqlite/order_list.h"

#include <algorithm>
#include <variant>

#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

// List the orders above listed_through by category and district (migrations 12 and 14), sorted
// as the list is, so that each value's last leaf is written once for all of them.
constexpr Query kListNewOrders[] = {
    {"list_new_cat1", R"sql(
INSERT INTO list_cat1 (value, id) SELECT cat1, id FROM orders
WHERE id > (SELECT value FROM store_meta WHERE key = 'listed_through')
  AND id <= (SELECT value FROM store_meta WHERE key = 'listed_through') + ?1
ORDER BY 1, 2)sql"},
    {"list_new_cat2", R"sql(
INSERT INTO list_cat2 (value, id) SELECT cat2, id FROM orders
WHERE id > (SELECT value FROM store_meta WHERE key = 'listed_through')
  AND id <= (SELECT value FROM store_meta WHERE key = 'listed_through') + ?1
ORDER BY 1, 2)sql"},
    {"list_new_district", R"sql(
INSERT INTO list_district (value, id) SELECT district, id FROM orders
WHERE id > (SELECT value FROM store_meta WHERE key = 'listed_through')
  AND id <= (SELECT value FROM store_meta WHERE key = 'listed_through') + ?1
ORDER BY 1, 2)sql"},
};
constexpr Query kSetListedThrough{"set_listed_through", R"sql(
UPDATE store_meta SET value = min(value + ?1, (SELECT COALESCE(MAX(id), 0) FROM orders))
WHERE key = 'listed_through'
RETURNING value < (SELECT COALESCE(MAX(id), 0) FROM orders))sql"};
constexpr Query kLegUnits{"leg_units", "SELECT unit_id FROM legs WHERE order_id = ?1 ORDER BY no"};

// Builds the dynamic SQL of a list query; parameters are bound in order.
struct ListQuery {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> params;

  void Add(const std::string& clause) { sql += " AND " + clause; }
  void Add(const std::string& clause, std::variant<int64_t, std::string> p) {
    Add(clause);
    params.push_back(std::move(p));
  }
};

bool NeedsFtsFallback(const std::string& text) {
  // The trigram tokenizer matches only queries of three or more characters.
  size_t chars = 0;
  for (unsigned char ch : text) chars += (ch & 0xC0) != 0x80;
  return chars < 3;
}

// `s` as one FTS5 string: quoted, its quotes doubled.
std::string FtsPhrase(const std::string& s) {
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + '"';
}

// "路灯不亮" → "\"路灯不\" AND \"灯不亮\"": every trigram of the text, each quoted.
std::string TrigramQuery(const std::string& text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  std::string q;
  for (size_t i = 0; i + 3 < starts.size(); ++i) {
    if (!q.empty()) q += " AND ";
    q += FtsPhrase(text.substr(starts[i], starts[i + 3] - starts[i]));
  }
  return q;
}

std::string EscapeLike(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

// How a list query treats its text filter.
enum class TextMode {
  kScan,     // LIKE while walking ids newest first (short texts, and the recent window)
  kIndexed,  // candidates from the trigram index, confirmed by LIKE
};

// The category or district list that the listed orders are read from (migration 14), and the
// value looked for in it; a category is preferred when both are given.
struct ListChoice {
  std::string table, value;

  void Use(const char* t, const std::string& v) {
    if (!table.empty()) return;
    table = t;
    value = v;
  }
};

constexpr const char* kListColumns =
    "SELECT o.id, o.code, o.state, o.channel, o.urgency, o.request_type, o.category, o.district, "
    "o.street, o.title, substr(o.content, 1, 120), o.confidential, o.created_at, o.updated_at, "
    "o.reply_due FROM ";

// Filters are written so that SQLite walks an (x, id) index in id order and stops at the page
// size: equality on a column indexed with id. Other conditions are marked with '+' so the
// planner does not pick an index that would need every match sorted.
void AddCategoryFilter(const OrderFilter& f, ListQuery& q, ListChoice& list) {
  if (f.category_prefix.empty()) return;
  const std::string& p = f.category_prefix;
  if (f.category_is_leaf && p.size() >= 4) {
    // Leaves under one second-level class are few: walk that class, test the code.
    q.Add("o.cat2 = ?", p.substr(0, 4));
    q.Add("+o.category = ?", p);
    list.Use("list_cat2", p.substr(0, 4));
  } else if (p.size() == 2) {
    q.Add("o.cat1 = ?", p);
    list.Use("list_cat1", p);
  } else if (p.size() == 4) {
    q.Add("o.cat2 = ?", p);
    list.Use("list_cat2", p);
  } else {
    q.Add("o.category >= ?", p);
    q.Add("o.category < ?", p + "\x7f");
  }
}

// Streets are not indexed on their own (a street index costs a page write per order at
// intake): a street filter walks its district's list, which holds ~20 streets.
void AddAreaFilter(const OrderFilter& f, ListQuery& q, ListChoice& list) {
  if (!f.district_code.empty()) {
    q.Add("o.district = ?", f.district_code);
    list.Use("list_district", f.district_code);
  }
  if (!f.street_code.empty()) {
    if (f.district_code.empty()) {
      q.Add("o.district = ?", f.street_code.substr(0, 6));
      list.Use("list_district", f.street_code.substr(0, 6));
    }
    q.Add("+o.street = ?", f.street_code);
  }
}

// The creation window and the reply deadline.
void AddTimeFilters(const OrderFilter& f, ListQuery& q) {
  // A bounded window of at most a month is read through the created_at index; an open or
  // long one is met while walking ids newest first (ids grow with creation time).
  const bool narrow_window = f.created_from && f.created_to &&
                             *f.created_to - *f.created_from <= std::chrono::hours(24 * 31);
  const char* created = narrow_window ? "o.created_at" : "+o.created_at";
  if (f.created_from) q.Add(std::string(created) + " >= ?", ToUnixMillis(*f.created_from));
  if (f.created_to) q.Add(std::string(created) + " < ?", ToUnixMillis(*f.created_to));
  if (f.overdue) {
    if (*f.overdue) {
      q.Add("o.reply_due < ?", ToUnixMillis(f.now));
    } else {
      q.Add("(o.reply_due IS NULL OR o.reply_due >= ?)", ToUnixMillis(f.now));
    }
  }
}

void AddTextFilter(const OrderFilter& f, TextMode mode, ListQuery& q) {
  if (f.text.empty()) return;
  const std::string like = "%" + EscapeLike(f.text) + "%";
  if (mode == TextMode::kIndexed) {
    // The index (detail=none) narrows the candidates to orders holding every trigram of
    // the text; orders above the watermark are not indexed yet and are all candidates.
    q.Add(
        "o.id IN (SELECT rowid FROM idx.orders_fts WHERE orders_fts MATCH ? UNION ALL "
        "SELECT id FROM orders WHERE id > (SELECT value FROM idx.index_meta WHERE key = "
        "'watermark'))",
        TrigramQuery(f.text));
  }
  // LIKE confirms the substring in every mode.
  q.Add(
      "(o.title LIKE ? ESCAPE '\\' OR o.content LIKE ? ESCAPE '\\' OR o.address LIKE ? ESCAPE "
      "'\\')");
  for (int i = 0; i < 3; ++i) q.params.emplace_back(like);
}

void AddCallerFilter(const OrderFilter& f, ListQuery& q) {
  if (f.caller_hash.empty()) return;
  // The caller's indexed orders, and every order above the watermark; the hash confirms.
  q.Add(
      "o.id IN (SELECT rowid FROM idx.caller_tokens WHERE caller_tokens MATCH "
      "hex(substr(?, 1, 16)) UNION ALL SELECT id FROM orders WHERE id > (SELECT value FROM "
      "idx.index_meta WHERE key = 'watermark'))",
      f.caller_hash);
  q.Add("+o.caller_hash = ?", f.caller_hash);
}

// `q`'s filters (every one tested on the order's row) over the newest orders and `list`. The
// lists hold the listed orders only (migrations 12 and 14): the newest, unlisted ones are read
// by a scan above listed_through, the others by walking the list newest first, and every id of
// the first part is above every id of the second.
ListQuery ThroughList(const ListQuery& filters, const ListChoice& list, int64_t floor,
                      int64_t ceiling, int rows) {
  const std::string scan = std::string(kListColumns) + "orders o WHERE 1 = 1";
  std::string walk = kListColumns + list.table +
                     " l CROSS JOIN orders o ON o.id = l.id WHERE l.value = ?" +
                     " AND l.id <= (SELECT value FROM store_meta WHERE key = 'listed_through')";
  decltype(filters.params) walk_params{list.value};
  if (floor > 0) {
    walk += " AND l.id >= ?";
    walk_params.emplace_back(floor);
  }
  if (ceiling > 0) {
    walk += " AND l.id < ?";
    walk_params.emplace_back(ceiling);
  }
  ListQuery q;
  q.sql = "SELECT * FROM (" + scan + filters.sql +
          " AND o.id > (SELECT value FROM store_meta WHERE key = 'listed_through')"
          " ORDER BY o.id DESC LIMIT ?) UNION ALL SELECT * FROM (" +
          walk + filters.sql + " ORDER BY l.id DESC LIMIT ?) ORDER BY 1 DESC LIMIT ?";
  q.params = filters.params;
  q.params.emplace_back(int64_t{rows});
  q.params.insert(q.params.end(), walk_params.begin(), walk_params.end());
  q.params.insert(q.params.end(), filters.params.begin(), filters.params.end());
  q.params.emplace_back(int64_t{rows});
  q.params.emplace_back(int64_t{rows});
  return q;
}

// The SQL of one list query: every filter of `f`, ids in [floor, ceiling), newest first, at
// most `rows` rows.
ListQuery BuildListQuery(const OrderFilter& f, TextMode mode, int64_t floor, int64_t ceiling,
                         int rows) {
  ListQuery q;
  ListChoice list;
  if (!f.states.empty()) {
    std::string in = "o.state IN (";
    for (size_t i = 0; i < f.states.size(); ++i) {
      in += i ? ", ?" : "?";
      q.params.emplace_back(std::string(domain::Name(f.states[i])));
    }
    q.Add(in + ")");
  }
  if (!f.leg_states.empty()) {
    // One arm per state, its name written into the SQL (a closed set of words) so that the
    // planner can use that state's partial index (migration 15).
    std::string arms;
    for (const domain::LegState s : f.leg_states) {
      if (!arms.empty()) arms += " UNION ALL ";
      arms += "SELECT order_id FROM legs WHERE state = '" + std::string(domain::Name(s)) + "'";
      if (!f.unit.empty()) {
        arms += " AND unit_id = ?";
        q.params.emplace_back(f.unit);
      }
    }
    q.Add("o.id IN (" + arms + ")");
  } else if (!f.unit.empty()) {
    q.Add("o.id IN (SELECT order_id FROM legs WHERE unit_id = ?)", f.unit);
  }
  AddCategoryFilter(f, q, list);
  AddAreaFilter(f, q, list);
  if (f.channel) q.Add("o.channel = ?", std::string(domain::Name(*f.channel)));
  if (f.urgency) q.Add("o.urgency = ?", std::string(domain::Name(*f.urgency)));
  AddTimeFilters(f, q);
  AddTextFilter(f, mode, q);
  AddCallerFilter(f, q);
  if (floor > 0) q.Add("o.id >= ?", floor);
  if (ceiling > 0) q.Add("o.id < ?", ceiling);
  if (!list.table.empty()) return ThroughList(q, list, floor, ceiling, rows);
  q.sql =
      std::string(kListColumns) + "orders o WHERE 1 = 1" + q.sql + " ORDER BY o.id DESC LIMIT ?";
  q.params.emplace_back(int64_t{rows});
  return q;
}

// Runs `q` on `c`, appending the rows to `out`.
Status RunListQuery(Connection& c, const ListQuery& q, std::vector<OrderSummary>& out) {
  JIESU_ASSIGN_OR_RETURN(sqlite3_stmt * raw, c.PrepareUncached(q.sql));
  OwnedStmt owned(raw);
  Statement st(c.raw(), raw, "list_orders");
  for (size_t i = 0; i < q.params.size(); ++i) {
    const int idx = static_cast<int>(i + 1);
    std::visit([&](const auto& v) { st.Bind(idx, v); }, q.params[i]);
  }
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Ok();
    OrderSummary s;
    s.id = st.Int(0);
    s.code = st.Text(1);
    s.state = domain::ParseOrderState(st.Text(2)).value_or(domain::OrderState::kReceived);
    s.channel = domain::ParseChannel(st.Text(3)).value_or(domain::Channel::kPhone);
    s.urgency = domain::ParseUrgency(st.Text(4)).value_or(domain::Urgency::kNormal);
    s.request_type = domain::ParseRequestType(st.Text(5)).value_or(domain::RequestType::kOther);
    s.category = st.Text(6);
    s.district_code = st.Text(7);
    s.street_code = st.Text(8);
    s.title = st.Text(9);
    s.content = st.Text(10);
    s.confidential = st.Int(11) != 0;
    s.created_at = FromUnixMillis(st.Int(12));
    s.updated_at = FromUnixMillis(st.Int(13));
    if (!st.IsNull(14)) s.reply_due = FromUnixMillis(st.Int(14));
    out.push_back(std::move(s));
  }
}

}  // namespace

// Lists up to `limit` new orders; returns whether more are left.
Result<bool> ListNewOrders(Connection& c, int64_t limit) {
  for (const Query& q : kListNewOrders) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(q));
    st->Bind(1, limit);
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSetListedThrough));
  st->Bind(1, limit);
  JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
  const bool more = row && st->Int(0) != 0;
  JIESU_ASSIGN_OR_RETURN(bool done, st->Step());  // RETURNING: the statement runs to its end
  (void)done;
  return more;
}

Result<OrderPage> SqliteStore::ListOrders(const OrderFilter& f) {
  if (f.limit < 1 || f.limit > 200)
    return InvalidArgument("limit must be between 1 and 200", "limit");
  const int want = f.limit + 1;  // one more than a page tells whether there is a next page
  auto r = AcquireReader();
  std::vector<OrderSummary> rows;
  if (f.text.empty() || NeedsFtsFallback(f.text)) {
    JIESU_RETURN_IF_ERROR(
        RunListQuery(*r, BuildListQuery(f, TextMode::kScan, 0, f.before_id, want), rows));
  } else {
    // A common text is found fastest by scanning the newest orders; a rare one through the
    // index. Scan a recent window first, then ask the index for the rest of the page.
    int64_t ceiling = f.before_id;
    if (ceiling <= 0) {
      JIESU_ASSIGN_OR_RETURN(const int64_t newest, SelectInt(*r, kMaxOrderId));
      ceiling = newest + 1;
    }
    const int64_t floor =
        std::max<int64_t>(1, ceiling - std::max<int64_t>(1, options_.text_scan_window));
    JIESU_RETURN_IF_ERROR(
        RunListQuery(*r, BuildListQuery(f, TextMode::kScan, floor, ceiling, want), rows));
    if (static_cast<int>(rows.size()) < want && floor > 1) {
      const int rest = want - static_cast<int>(rows.size());
      JIESU_RETURN_IF_ERROR(
          RunListQuery(*r, BuildListQuery(f, TextMode::kIndexed, 0, floor, rest), rows));
    }
  }
  OrderPage page;
  if (static_cast<int>(rows.size()) > f.limit) {
    rows.resize(static_cast<size_t>(f.limit));
    page.next_cursor = rows.back().id;
  }
  page.orders = std::move(rows);
  for (auto& s : page.orders) {
    JIESU_ASSIGN_OR_RETURN(auto units, r->Prepare(kLegUnits));
    units->Bind(1, s.id);
    while (true) {
      JIESU_ASSIGN_OR_RETURN(bool row, units->Step());
      if (!row) break;
      s.units.push_back(units->Text(0));
    }
  }
  return page;
}

}  // namespace jiesu::storage::sqlite
