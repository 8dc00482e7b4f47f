#include "domain/alarms.h"

#include <algorithm>

#include "domain/lifecycle.h"

namespace jiesu::domain {
namespace {

bool Issued(const Order& o, CardKind kind, int leg, TimePoint deadline, int number = 0) {
  return std::any_of(o.cards.begin(), o.cards.end(), [&](const Card& c) {
    return c.kind == kind && c.leg == leg && c.deadline == deadline && c.number == number;
  });
}

int UrgesIssued(const Order& o, int leg, TimePoint deadline) {
  return static_cast<int>(std::count_if(o.cards.begin(), o.cards.end(), [&](const Card& c) {
    return c.kind == CardKind::kUrge && c.leg == leg && c.deadline == deadline;
  }));
}

// 黄牌 instant: `before` ahead of the deadline, but never before half of the time allowed.
TimePoint YellowAt(TimePoint start, TimePoint deadline, int64_t before_ms) {
  const auto half = (deadline - start) / 2;
  const auto before = std::min<Millis>(Millis(before_ms), half);
  return deadline - std::max<Millis>(before, Millis::zero());
}

}  // namespace

std::vector<Alarm> PendingAlarms(const Order& o) {
  std::vector<Alarm> out;
  auto add = [&](CardKind kind, int leg, TimePoint deadline, TimePoint fire_at, int number = 0) {
    if (!Issued(o, kind, leg, deadline, number)) out.push_back({kind, leg, deadline, fire_at, number});
  };
  if ((o.state == OrderState::kReceived || o.state == OrderState::kDispatching) &&
      o.dispatch_due != TimePoint{}) {
    add(CardKind::kDispatchRed, 0, o.dispatch_due, o.dispatch_due);
  }
  if (!IsTerminal(o.state)) {
    for (const Leg& l : o.legs) {
      if (!IsActive(l.state)) continue;
      const int64_t before = l.warn.yellow_before_ms;
      if (l.state == LegState::kPendingSign && !l.signed_at && l.sign_due != TimePoint{}) {
        if (before > 0) {
          add(CardKind::kSignYellow, l.no, l.sign_due, YellowAt(l.dispatched_at, l.sign_due, before));
        }
        add(CardKind::kSignRed, l.no, l.sign_due, l.sign_due);
      }
      if (!l.replied_at && l.reply_due != TimePoint{}) {
        if (before > 0) {
          add(CardKind::kReplyYellow, l.no, l.reply_due, YellowAt(l.reply_from, l.reply_due, before));
        }
        add(CardKind::kReplyRed, l.no, l.reply_due, l.reply_due);
        if (Issued(o, CardKind::kReplyRed, l.no, l.reply_due) && l.warn.urge_every_ms > 0) {
          const int n = UrgesIssued(o, l.no, l.reply_due);
          if (n < l.warn.max_urges) {
            add(CardKind::kUrge, l.no, l.reply_due,
                l.reply_due + Millis(l.warn.urge_every_ms * (n + 1)), n + 1);
          }
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Alarm& a, const Alarm& b) { return a.fire_at < b.fire_at; });
  return out;
}

std::optional<TimePoint> NextAlarm(const Order& o) {
  auto alarms = PendingAlarms(o);
  if (alarms.empty()) return std::nullopt;
  return alarms.front().fire_at;
}

std::vector<Event> DecideAlarms(const Order& order, TimePoint now) {
  std::vector<Event> events;
  Order o = order;  // applying each card may make the next one (a 催办) due
  while (true) {
    auto alarms = PendingAlarms(o);
    if (alarms.empty() || alarms.front().fire_at > now) break;
    const Alarm& a = alarms.front();
    Event e;
    e.order_id = o.id;
    e.seq = o.version + 1;
    e.type = EventType::kCardIssued;
    e.leg = a.leg;
    e.actor = Actor{0, "scheduler", "system", ""};
    e.at = now;
    if (const Leg* l = o.FindLeg(a.leg)) {
      e.from_state = e.to_state = std::string(Name(l->state));
      e.reason = l->unit_id;
    } else {
      e.from_state = e.to_state = std::string(Name(o.state));
    }
    e.text = std::string(Name(a.kind));
    e.card = Card{a.kind, a.leg, a.deadline, a.fire_at, now, a.number};
    Apply(o, e);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace jiesu::domain
