// SqliteStore: queries over the daily rollups.
#include <map>

#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {

Result<std::vector<RollupGroup>> SqliteStore::QueryRollups(const RollupQuery& q) {
  static const std::map<std::string, std::string> kColumns = {
      {"day", "day"},
      {"category", "category"},
      {"category1", "substr(category, 1, 2)"},
      {"category2", "substr(category, 1, 4)"},
      {"district", "district"},
      {"unit", "unit"},
      {"channel", "channel"},
  };
  if (q.limit < 1 || q.limit > 100000) {
    return InvalidArgument("limit must be between 1 and 100000", "limit");
  }
  std::string keys;
  for (const auto& g : q.group_by) {
    auto it = kColumns.find(g);
    if (it == kColumns.end()) {
      return InvalidArgument("cannot group by '" + g +
                                 "' (day, category, category1, category2, district, unit, channel)",
                             "by");
    }
    keys += (keys.empty() ? "" : ", ") + it->second;
  }
  // The smaller table serves every query that needs neither unit nor channel.
  bool coarse = q.unit.empty() && q.channel.empty();
  for (const auto& g : q.group_by) coarse = coarse && g != "unit" && g != "channel";
  std::string sql = "SELECT ";
  if (!keys.empty()) sql += keys + ", ";
  sql +=
      "sum(received), sum(completed), sum(completed_ms), sum(completed_on_time), sum(b0), "
      "sum(b1), sum(b2), sum(b3), sum(b4), sum(b5), sum(b6), sum(b7), sum(signed), "
      "sum(signed_ms), sum(s0), sum(s1), sum(s2), sum(s3), sum(s4), sum(s5), sum(s6), sum(s7), "
      "sum(replied), sum(replied_ms), sum(r0), sum(r1), sum(r2), sum(r3), sum(r4), sum(r5), "
      "sum(r6), sum(r7) FROM ";
  sql += coarse ? "rollup_area" : "rollup_daily";
  sql += " WHERE day >= ?1 AND day < ?2";
  if (!q.category_prefix.empty()) sql += " AND substr(category, 1, length(?3)) = ?3";
  if (!q.district.empty()) sql += " AND district = ?4";
  if (!q.unit.empty()) sql += " AND unit = ?5";
  if (!q.channel.empty()) sql += " AND channel = ?6";
  const size_t nk = q.group_by.size();
  if (!keys.empty()) sql += " GROUP BY " + keys;
  // Most received first, then the keys for a stable result.
  sql += " ORDER BY " + std::to_string(nk + 1) + " DESC" + (keys.empty() ? "" : ", " + keys) +
         " LIMIT ?7";
  auto r = AcquireReader();
  JIESU_ASSIGN_OR_RETURN(sqlite3_stmt * raw, r->PrepareUncached(sql));
  OwnedStmt owned(raw);
  Statement st(r->raw(), raw, "query_rollups");
  st.Bind(1, int64_t{q.from_day}).Bind(2, int64_t{q.to_day});
  if (!q.category_prefix.empty()) st.Bind(3, q.category_prefix);
  if (!q.district.empty()) st.Bind(4, q.district);
  if (!q.unit.empty()) st.Bind(5, q.unit);
  if (!q.channel.empty()) st.Bind(6, q.channel);
  st.Bind(7, int64_t{q.limit});
  std::vector<RollupGroup> out;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    RollupGroup g;
    for (size_t i = 0; i < nk; ++i) g.keys.push_back(st.Text(static_cast<int>(i)));
    const int b = static_cast<int>(nk);
    g.m.received = st.Int(b);
    g.m.completed = st.Int(b + 1);
    g.m.completed_ms = st.Int(b + 2);
    g.m.completed_on_time = st.Int(b + 3);
    const int nb = static_cast<int>(domain::kDurationBuckets);
    for (int k = 0; k < nb; ++k) g.m.buckets[static_cast<size_t>(k)] = st.Int(b + 4 + k);
    const int sign = b + 4 + nb;
    g.m.signed_count = st.Int(sign);
    g.m.signed_ms = st.Int(sign + 1);
    for (int k = 0; k < nb; ++k) g.m.sign_buckets[static_cast<size_t>(k)] = st.Int(sign + 2 + k);
    const int reply = sign + 2 + nb;
    g.m.replied = st.Int(reply);
    g.m.replied_ms = st.Int(reply + 1);
    for (int k = 0; k < nb; ++k) g.m.reply_buckets[static_cast<size_t>(k)] = st.Int(reply + 2 + k);
    if (nk == 0 && g.m.received == 0 && st.IsNull(b)) return out;  // no rows at all
    out.push_back(std::move(g));
  }
}

}  // namespace jiesu::storage::sqlite
