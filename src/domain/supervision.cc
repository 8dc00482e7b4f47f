#include "domain/supervision.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/utf8.h"
#include "domain/calendar.h"

namespace jiesu::domain {
namespace {

constexpr std::array<std::pair<PartState, std::string_view>, 6> kPartStates{{
    {PartState::kIssued, "issued"},
    {PartState::kHandling, "handling"},
    {PartState::kReturnRequested, "return_requested"},
    {PartState::kReturned, "returned"},
    {PartState::kReplied, "replied"},
    {PartState::kDone, "done"},
}};
constexpr std::array<std::pair<SupervisionStep, std::string_view>, 9> kSteps{{
    {SupervisionStep::kOpened, "opened"},
    {SupervisionStep::kAccepted, "accepted"},
    {SupervisionStep::kReturnRequested, "return_requested"},
    {SupervisionStep::kReturnApproved, "return_approved"},
    {SupervisionStep::kReturnRefused, "return_refused"},
    {SupervisionStep::kReplied, "replied"},
    {SupervisionStep::kReplyApproved, "reply_approved"},
    {SupervisionStep::kReplyRejected, "reply_rejected"},
    {SupervisionStep::kClosed, "closed"},
}};

// Each part action: who takes it (the unit or the supervisor), from which states, the step it
// records and the state it leads to, and whether it needs a text.
struct PartRule {
  PartAction action;
  std::string_view name;
  bool by_unit;
  std::vector<PartState> from;
  SupervisionStep step;
  PartState to;
  const char* text_field;  // nullptr: no text needed
};
const std::vector<PartRule>& PartRules() {
  static const std::vector<PartRule> kRules = {
      {PartAction::kAccept, "accept", true, {PartState::kIssued}, SupervisionStep::kAccepted,
       PartState::kHandling, nullptr},
      {PartAction::kRequestReturn, "request_return", true,
       {PartState::kIssued, PartState::kHandling}, SupervisionStep::kReturnRequested,
       PartState::kReturnRequested, "reason"},
      {PartAction::kApproveReturn, "approve_return", false, {PartState::kReturnRequested},
       SupervisionStep::kReturnApproved, PartState::kReturned, nullptr},
      {PartAction::kRefuseReturn, "refuse_return", false, {PartState::kReturnRequested},
       SupervisionStep::kReturnRefused, PartState::kHandling, "reason"},
      {PartAction::kReply, "reply", true, {PartState::kHandling}, SupervisionStep::kReplied,
       PartState::kReplied, "text"},
      {PartAction::kApproveReply, "approve_reply", false, {PartState::kReplied},
       SupervisionStep::kReplyApproved, PartState::kDone, nullptr},
      {PartAction::kRejectReply, "reject_reply", false, {PartState::kReplied},
       SupervisionStep::kReplyRejected, PartState::kHandling, "reason"},
  };
  return kRules;
}

template <class E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& t, E v) {
  for (const auto& [e, n] : t) {
    if (e == v) return n;
  }
  return "?";
}
template <class E, size_t N>
std::optional<E> ParseOf(const std::array<std::pair<E, std::string_view>, N>& t,
                         std::string_view s) {
  for (const auto& [e, n] : t) {
    if (n == s) return e;
  }
  return std::nullopt;
}

Status CheckText(const std::string& text, const std::string& field, size_t max, bool required) {
  if (required && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument(field + " is required", field);
  }
  if (!IsValidUtf8(text)) return InvalidArgument(field + " is not valid UTF-8", field);
  if (Utf8Length(text) > max) {
    return InvalidArgument(field + " is longer than " + std::to_string(max) + " characters",
                           field);
  }
  return Ok();
}

bool Settled(PartState s) { return s == PartState::kDone || s == PartState::kReturned; }

}  // namespace

std::string_view Name(PartState s) { return NameOf(kPartStates, s); }
std::optional<PartState> ParsePartState(std::string_view s) { return ParseOf(kPartStates, s); }
std::string_view Name(SupervisionStep s) { return NameOf(kSteps, s); }
std::optional<SupervisionStep> ParseSupervisionStep(std::string_view s) {
  return ParseOf(kSteps, s);
}
std::string_view Name(PartAction a) {
  for (const auto& r : PartRules()) {
    if (r.action == a) return r.name;
  }
  return "?";
}
std::optional<PartAction> ParsePartAction(std::string_view s) {
  for (const auto& r : PartRules()) {
    if (r.name == s) return r.action;
  }
  return std::nullopt;
}

SupervisionPart* Supervision::Part(const std::string& unit) {
  for (auto& p : parts) {
    if (p.unit_id == unit) return &p;
  }
  return nullptr;
}
const SupervisionPart* Supervision::Part(const std::string& unit) const {
  return const_cast<Supervision*>(this)->Part(unit);
}

Result<std::vector<SupervisionEvent>> DecideOpenSupervision(int64_t id,
                                                            const SupervisionRequest& req,
                                                            const Actor& actor,
                                                            const Context& ctx) {
  const Jurisdiction& j = ctx.jurisdiction;
  if (!j.roles.Allows(actor.role, Action::kSupervise)) {
    return Forbidden("role '" + actor.role + "' may not open supervision orders");
  }
  JIESU_RETURN_IF_ERROR(CheckText(req.title, "title", 200, true));
  JIESU_RETURN_IF_ERROR(
      CheckText(req.demand, "demand", static_cast<size_t>(j.policy.max_text_chars), true));
  if (req.units.empty()) return InvalidArgument("at least one unit is required", "units");
  if (req.units.size() > 50) return InvalidArgument("at most 50 units", "units");
  if (req.working_days < 1 || req.working_days > 60) {
    return InvalidArgument("days must be between 1 and 60 working days", "days");
  }
  Supervision s;
  s.id = id;
  s.order_id = req.order_id;
  s.title = req.title;
  s.demand = req.demand;
  s.created_at = ctx.now;
  s.due = Deadline(j.calendar, ctx.now,
                   TimeLimit{req.working_days, LimitUnit::kWorkingDays, /*from_next_day=*/true});
  s.opened_by = actor.user_id;
  for (const auto& u : req.units) {
    if (j.units.Find(u) == nullptr) return InvalidArgument("unknown unit '" + u + "'", "units");
    if (s.Part(u) != nullptr) return InvalidArgument("unit '" + u + "' is named twice", "units");
    s.parts.push_back({u, PartState::kIssued, "", std::nullopt});
  }
  SupervisionEvent e;
  e.supervision_id = id;
  e.seq = 1;
  e.step = SupervisionStep::kOpened;
  e.actor = actor;
  e.at = ctx.now;
  e.to_state = "open";
  e.text = req.demand;
  e.opened = std::move(s);
  return std::vector<SupervisionEvent>{std::move(e)};
}

Result<std::vector<SupervisionEvent>> DecideSupervision(const Supervision& s, PartAction action,
                                                        const std::string& unit,
                                                        const std::string& text,
                                                        const Actor& actor, const Context& ctx) {
  const Jurisdiction& j = ctx.jurisdiction;
  const PartRule* rule = nullptr;
  for (const auto& r : PartRules()) {
    if (r.action == action) rule = &r;
  }
  if (rule == nullptr) return InvalidArgument("unknown supervision action");
  const Action needed = rule->by_unit ? Action::kHandleSupervision : Action::kSupervise;
  if (!j.roles.Allows(actor.role, needed)) {
    return Forbidden("role '" + actor.role + "' may not " + std::string(rule->name) +
                     " on a supervision order");
  }
  const RoleDef* role = j.roles.Find(actor.role);
  if (rule->by_unit && role != nullptr && role->unit_scoped && actor.unit_id != unit) {
    return Forbidden("a unit acts only on its own part of a supervision order");
  }
  const SupervisionPart* part = s.Part(unit);
  if (part == nullptr) return NotFound("unit " + unit + " has no part in this supervision order");
  if (s.closed) return IllegalTransition("the supervision order is closed (办结)");
  if (std::find(rule->from.begin(), rule->from.end(), part->state) == rule->from.end()) {
    return IllegalTransition(std::string(rule->name) + " is not allowed in state " +
                             std::string(Name(part->state)));
  }
  if (rule->text_field != nullptr) {
    JIESU_RETURN_IF_ERROR(
        CheckText(text, rule->text_field, static_cast<size_t>(j.policy.max_text_chars), true));
  } else {
    JIESU_RETURN_IF_ERROR(
        CheckText(text, "reason", static_cast<size_t>(j.policy.max_text_chars), false));
  }
  std::vector<SupervisionEvent> events;
  SupervisionEvent e;
  e.supervision_id = s.id;
  e.seq = s.version + 1;
  e.step = rule->step;
  e.unit_id = unit;
  e.actor = actor;
  e.at = ctx.now;
  e.from_state = std::string(Name(part->state));
  e.to_state = std::string(Name(rule->to));
  e.text = text;
  events.push_back(e);
  // 办结 when this settles the last open part.
  if (Settled(rule->to)) {
    const bool all = std::all_of(s.parts.begin(), s.parts.end(), [&](const SupervisionPart& p) {
      return p.unit_id == unit || Settled(p.state);
    });
    if (all) {
      SupervisionEvent c;
      c.supervision_id = s.id;
      c.seq = s.version + 2;
      c.step = SupervisionStep::kClosed;
      c.actor = actor;
      c.at = ctx.now;
      c.from_state = "open";
      c.to_state = "closed";
      events.push_back(c);
    }
  }
  return events;
}

void Apply(Supervision& s, const SupervisionEvent& e) {
  if (e.step == SupervisionStep::kOpened && e.opened) {
    s = *e.opened;
  }
  s.version = e.seq;
  if (e.step == SupervisionStep::kClosed) {
    s.closed = true;
    s.closed_at = e.at;
    return;
  }
  SupervisionPart* p = s.Part(e.unit_id);
  if (p == nullptr) return;
  if (auto st = ParsePartState(e.to_state)) p->state = *st;
  if (e.step == SupervisionStep::kReplied) {
    p->reply = e.text;
    p->replied_at = e.at;
  }
}

Supervision ReplaySupervision(const std::vector<SupervisionEvent>& events) {
  Supervision s;
  for (const auto& e : events) Apply(s, e);
  return s;
}

}  // namespace jiesu::domain
