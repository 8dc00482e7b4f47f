// 督办 use cases: supervisors open supervision orders on an order or on units and review the
// units' parts; units see and act on their own parts only. Thin: the rules are in
// domain/supervision.h. Thread-safe.
#pragma once

#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/supervision.h"
#include "storage/store.h"

namespace jiesu::service {

class Supervisions {
 public:
  Supervisions(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock)
      : store_(store), j_(j), clock_(clock) {}

  Result<domain::Supervision> Open(const domain::Actor& actor, const domain::SupervisionRequest& r);
  Result<domain::Supervision> Act(const domain::Actor& actor, int64_t id,
                                  domain::PartAction action, const std::string& unit,
                                  const std::string& text);
  // kNotFound when it does not exist or the actor's unit has no part in it.
  Result<domain::Supervision> Get(const domain::Actor& actor, int64_t id);
  Result<std::vector<domain::SupervisionEvent>> History(const domain::Actor& actor, int64_t id);
  // Unit-scoped actors see only supervisions with a part for their unit.
  Result<std::vector<domain::Supervision>> List(const domain::Actor& actor,
                                                storage::SupervisionFilter filter);

 private:
  bool Visible(const domain::Actor& actor, const domain::Supervision& s) const;

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
};

}  // namespace jiesu::service
