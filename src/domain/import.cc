#include "domain/import.h"

#include <algorithm>

namespace jiesu::domain {

Result<std::vector<Event>> DecideImport(int64_t id, const std::string& code,
                                        const ImportedCase& c, const Context& ctx) {
  const Jurisdiction& j = ctx.jurisdiction;
  OrderDraft draft = c.draft;
  JIESU_RETURN_IF_ERROR(ValidateDraft(draft, j));
  if (draft.category.empty()) return InvalidArgument("a category is required", "category");
  if (j.units.Find(c.unit) == nullptr) return InvalidArgument("unknown unit '" + c.unit + "'", "unit");
  const Actor actor{0, "import:" + c.source, "import", ""};
  const TimePoint t0 = c.received_at;
  std::vector<Event> events;
  auto add = [&](EventType type, TimePoint at, int leg, std::string from, std::string to) -> Event& {
    Event e;
    e.order_id = id;
    e.seq = static_cast<int64_t>(events.size()) + 1;
    e.type = type;
    e.leg = leg;
    e.actor = actor;
    e.at = at;
    e.from_state = std::move(from);
    e.to_state = std::move(to);
    events.push_back(std::move(e));
    return events.back();
  };
  Event& received = add(EventType::kReceived, t0, 0, "", "received");
  received.code = code;
  received.deadline = t0;
  received.text = "imported from " + c.source + " case " + c.key;
  received.draft = draft;

  Leg leg;
  leg.no = 1;
  leg.unit_id = c.unit;
  leg.role = LegRole::kLead;
  leg.dispatch_round = 1;
  leg.designated = true;
  leg.dispatched_at = t0;
  leg.sign_due = t0;
  leg.contact_due = t0;
  leg.return_until = t0;
  leg.reply_from = t0;
  leg.state = LegState::kHandling;  // signed and contacted at once: the source has no such steps
  leg.prior_state = LegState::kHandling;
  leg.signed_at = t0;
  leg.contacted_at = t0;
  if (c.due_at) {
    leg.reply_due = std::max(*c.due_at, t0);
  } else {
    RuleSubject subject{draft.urgency, draft.request_type, draft.channel, draft.category, false};
    JIESU_ASSIGN_OR_RETURN(const LimitRule* rule, j.limits.Find(Stage::kReply, subject));
    leg.reply_due = Deadline(j.calendar, t0, rule->limit);
  }
  std::optional<TimePoint> closed;
  if (c.closed_at) {
    // The unit's reply is the source's closure: recorded on the leg, then the order closes.
    closed = std::max(*c.closed_at, t0);
    leg.state = leg.prior_state = LegState::kReplied;
    leg.replied_at = closed;
    leg.reply_text = c.reply_text;
    leg.reply_result = ReplyResult::kResolved;
  }
  Event& dispatched = add(EventType::kDispatched, t0, 0, "received", "in_progress");
  dispatched.new_legs.push_back(leg);
  dispatched.text = draft.category;
  dispatched.reason = "imported: handled by " + c.unit;
  if (closed) {
    add(EventType::kClosed, *closed, 0, "in_progress", "closed").reason = "closed in " + c.source;
  }
  return events;
}

}  // namespace jiesu::domain
