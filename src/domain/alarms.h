// Deadline warnings (SPEC §3) as a pure function of an order: which cards it is still owed and
// when. The scheduler keeps one timer per order at NextAlarm(); when it comes due it asks
// DecideAlarms() for the card events to append. A card records the deadline it was issued for,
// so each deadline gets each card at most once, however often or late the scheduler runs.
#pragma once

#include <optional>
#include <vector>

#include "base/time.h"
#include "domain/order.h"

namespace jiesu::domain {

struct Alarm {
  CardKind kind = CardKind::kSignYellow;
  int leg = 0;
  TimePoint deadline{};
  TimePoint fire_at{};
  int number = 0;  // 催办 sequence number
};

// Every card the order is still owed, earliest first (at most one 催办: the next one).
std::vector<Alarm> PendingAlarms(const Order& order);

// When the earliest pending card is due, or nothing when none is owed.
std::optional<TimePoint> NextAlarm(const Order& order);

// The card events due at `now`, in the order they fell due. Empty when none is due.
std::vector<Event> DecideAlarms(const Order& order, TimePoint now);

}  // namespace jiesu::domain
