#include "service/supervisions.h"

namespace jiesu::service {

bool Supervisions::Visible(const domain::Actor& actor, const domain::Supervision& s) const {
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role == nullptr) return false;
  return !role->unit_scoped || s.Part(actor.unit_id) != nullptr;
}

Result<domain::Supervision> Supervisions::Open(const domain::Actor& actor,
                                               const domain::SupervisionRequest& r) {
  if (r.order_id < 0) return InvalidArgument("order_id must be positive", "order_id");
  if (r.order_id > 0 && !store_.GetOrder(r.order_id).ok()) {
    return InvalidArgument("order " + std::to_string(r.order_id) + " does not exist", "order_id");
  }
  const TimePoint now = clock_.Now();
  return store_.CreateSupervision([&](int64_t id) {
    return domain::DecideOpenSupervision(id, r, actor, domain::Context{j_, now});
  });
}

Result<domain::Supervision> Supervisions::Act(const domain::Actor& actor, int64_t id,
                                              domain::PartAction action, const std::string& unit,
                                              const std::string& text) {
  const TimePoint now = clock_.Now();
  return store_.UpdateSupervision(
      id, [&](const domain::Supervision& s) -> Result<std::vector<domain::SupervisionEvent>> {
        if (!Visible(actor, s)) return NotFound("no supervision order " + std::to_string(id));
        return domain::DecideSupervision(s, action, unit, text, actor, domain::Context{j_, now});
      });
}

Result<domain::Supervision> Supervisions::Get(const domain::Actor& actor, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto s, store_.GetSupervision(id));
  if (!Visible(actor, s)) return NotFound("no supervision order " + std::to_string(id));
  return s;
}

Result<std::vector<domain::SupervisionEvent>> Supervisions::History(const domain::Actor& actor,
                                                                    int64_t id) {
  JIESU_RETURN_IF_ERROR(Get(actor, id).status());
  return store_.GetSupervisionEvents(id);
}

Result<std::vector<domain::Supervision>> Supervisions::List(const domain::Actor& actor,
                                                            storage::SupervisionFilter filter) {
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role == nullptr) return Forbidden("unknown role " + actor.role);
  if (role->unit_scoped) {
    if (!filter.unit_id.empty() && filter.unit_id != actor.unit_id) {
      return Forbidden("a unit sees only its own supervision orders");
    }
    filter.unit_id = actor.unit_id;
  }
  return store_.ListSupervisions(filter);
}

}  // namespace jiesu::service
