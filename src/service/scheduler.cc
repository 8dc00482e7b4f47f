#include "service/scheduler.h"

#include <cstdio>
#include <set>

#include "domain/alarms.h"

namespace jiesu::service {

Result<int64_t> Scheduler::Tick() {
  std::lock_guard tick_lock(tick_mu_);
  const TimePoint now = clock_.Now();
  int64_t issued = 0;
  std::set<int64_t> seen;  // an order comes back only if its timer did not move: stop there
  while (true) {
    JIESU_ASSIGN_OR_RETURN(auto due, store_.DueTimers(now, options_.batch * 4));
    std::vector<int64_t> ids;
    for (const auto& t : due) {
      if (seen.insert(t.order_id).second) ids.push_back(t.order_id);
    }
    if (ids.empty()) return issued;
    for (size_t i = 0; i < ids.size(); i += static_cast<size_t>(options_.batch)) {
      std::vector<int64_t> batch(
          ids.begin() + static_cast<std::ptrdiff_t>(i),
          ids.begin() + static_cast<std::ptrdiff_t>(
                            std::min(ids.size(), i + static_cast<size_t>(options_.batch))));
      int64_t cards = 0;
      auto r = store_.UpdateOrders(batch, [&](const std::vector<domain::Order>& orders) {
        std::vector<domain::Event> events;
        for (const auto& o : orders) {
          auto e = domain::DecideAlarms(o, now);
          events.insert(events.end(), e.begin(), e.end());
        }
        cards = static_cast<int64_t>(events.size());
        return Result<std::vector<domain::Event>>(std::move(events));
      });
      if (!r.ok()) return r.error();
      issued += cards;
    }
  }
}

void Scheduler::Start() {
  thread_.Start("jiesu-deadlines", options_.interval, [this] {
    auto r = Tick();
    if (!r.ok()) std::fprintf(stderr, "scheduler: %s\n", r.error().ToString().c_str());
  });
}

void Scheduler::Stop() { thread_.Stop(); }

}  // namespace jiesu::service
