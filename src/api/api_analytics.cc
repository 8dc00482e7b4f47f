// GET /api/v1/analytics: breakdowns, daily series and the distributions of the time to sign,
// reply and complete, over the rollups.
#include <algorithm>
#include <cmath>

#include "api/api.h"
#include "api/views.h"
#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;

Result<HttpResponse> Api::AnalyticsQuery(Call& c) {
  service::AnalyticsQuery q;
  std::string from, to, top;
  for (const auto& [k, v] : c.req.query) {
    if (!IsValidUtf8(v)) return InvalidArgument(k + " is not valid UTF-8", k);
    if (k == "from" || k == "to") {
      auto d = ParseDate(v);
      if (!d.ok()) return InvalidArgument(k + " must be a date as YYYY-MM-DD", k);
      (k == "from" ? q.from : q.to) = *d;
      (k == "from" ? from : to) = v;
    } else if (k == "by") {
      size_t i = 0;
      while (i < v.size()) {
        size_t j = v.find(',', i);
        if (j == std::string::npos) j = v.size();
        q.by.push_back(v.substr(i, j - i));
        i = j + 1;
      }
    } else if (k == "category") {
      q.category = v;
    } else if (k == "district") {
      q.district = v;
    } else if (k == "unit") {
      q.unit = v;
    } else if (k == "channel") {
      q.channel = v;
    } else if (k == "top") {
      JIESU_ASSIGN_OR_RETURN(int64_t n, PositiveId(v, "top"));
      q.top = static_cast<int>(std::min<int64_t>(n, 100000));
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  if (from.empty() || to.empty()) return InvalidArgument("from and to are required", "from");
  JIESU_ASSIGN_OR_RETURN(auto groups, analytics_.Query(c.actor, q));
  const auto& j = orders_.jurisdiction();
  json::array rows;
  for (const auto& g : groups) {
    json::object row;
    for (size_t i = 0; i < q.by.size() && i < g.keys.size(); ++i) {
      if (q.by[i] == "day") {
        row["day"] = FormatDate(Date(std::chrono::days(std::stoi(g.keys[i]))));
      } else {
        row[q.by[i]] = g.keys[i];
        if (q.by[i].rfind("category", 0) == 0) {
          const domain::Category* cat = j.taxonomy.Find(g.keys[i]);
          row[q.by[i] + "_name"] = cat != nullptr ? cat->name : "";
        }
      }
    }
    row["received"] = g.m.received;
    // 万人诉求比: requests per 10,000 residents, where the group is one district of known size.
    for (size_t i = 0; i < q.by.size() && i < g.keys.size(); ++i) {
      if (q.by[i] != "district") continue;
      const domain::Area* a = j.FindArea(g.keys[i]);
      if (a != nullptr && a->population > 0) {
        row["per_10k_residents"] =
            std::round(static_cast<double>(g.m.received) * 1e4 / a->population * 100) / 100;
      }
    }
    // Counts, mean hours and the distribution over the duration buckets of one measure.
    auto durations = [&](const std::string& name, const char* mean, int64_t n, int64_t ms,
                         const auto& buckets) {
      row[name] = n;
      row[mean] = n > 0 ? json::value(static_cast<double>(ms) / static_cast<double>(n) / 3.6e6)
                        : json::value(nullptr);
      json::array a;
      for (auto b : buckets) a.emplace_back(b);
      row[name + "_by_hours"] = std::move(a);
    };
    durations("completed", "mean_hours_to_complete", g.m.completed, g.m.completed_ms, g.m.buckets);
    row["completed_on_time"] = g.m.completed_on_time;
    durations("signed", "mean_hours_to_sign", g.m.signed_count, g.m.signed_ms, g.m.sign_buckets);
    durations("replied", "mean_hours_to_reply", g.m.replied, g.m.replied_ms, g.m.reply_buckets);
    rows.emplace_back(std::move(row));
  }
  json::array bounds;
  for (int h : domain::kDurationBucketHours) bounds.emplace_back(h);
  return JsonResponse(200, json::object{{"from", from},
                                        {"to", to},
                                        {"bucket_upper_hours", std::move(bounds)},
                                        {"groups", std::move(rows)}});
}

}  // namespace jiesu::api
