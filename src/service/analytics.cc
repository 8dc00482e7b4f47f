#include "service/analytics.h"

namespace jiesu::service {

Result<std::vector<storage::RollupGroup>> Analytics::Query(const domain::Actor& actor,
                                                           AnalyticsQuery q) {
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role == nullptr) return Forbidden("unknown role " + actor.role);
  if (role->unit_scoped) {
    if (!q.unit.empty() && q.unit != actor.unit_id) {
      return Forbidden("a unit sees only its own figures");
    }
    q.unit = actor.unit_id;
  } else if (!role->hotline && !j_.roles.Allows(actor.role, domain::Action::kViewScores)) {
    return Forbidden("role " + actor.role + " may not read analytics");
  }
  if (q.to < q.from) return InvalidArgument("to is before from", "to");
  if ((q.to - q.from).count() > 3 * 366) return InvalidArgument("at most three years", "to");
  if (q.top < 1 || q.top > 10000) return InvalidArgument("top must be between 1 and 10000", "top");
  storage::RollupQuery r;
  r.from_day = static_cast<int32_t>(q.from.time_since_epoch().count());
  r.to_day = static_cast<int32_t>(q.to.time_since_epoch().count()) + 1;
  r.group_by = q.by;
  r.category_prefix = q.category;
  r.district = q.district;
  r.unit = q.unit;
  r.channel = q.channel;
  r.limit = q.top;
  return store_.QueryRollups(r);
}

}  // namespace jiesu::service
