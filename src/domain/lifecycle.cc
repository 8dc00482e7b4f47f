#include "domain/lifecycle.h"

#include <algorithm>
#include <cmath>

#include "base/utf8.h"

namespace jiesu::domain {
namespace {

using S = std::string;

const Transition* FindTransition(Action a) {
  for (const auto& t : TransitionTable()) {
    if (t.action == a) return &t;
  }
  return nullptr;
}

Status CheckRole(const Actor& actor, Action action, const Context& ctx) {
  if (!ctx.jurisdiction.roles.Allows(actor.role, action)) {
    return Forbidden("role '" + actor.role + "' may not " + S(Name(action)));
  }
  return Ok();
}

Status CheckFrom(Action action, std::string_view state) {
  const Transition* t = FindTransition(action);
  if (t != nullptr && std::find(t->from.begin(), t->from.end(), state) != t->from.end()) {
    return Ok();
  }
  return IllegalTransition(S(Name(action)) + " is not allowed in state " + S(state));
}

Status CheckText(const std::string& text, const char* field, size_t max_chars, bool required) {
  if (required && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument(S(field) + " is required", field);
  }
  if (!IsValidUtf8(text)) return InvalidArgument(S(field) + " is not valid UTF-8", field);
  if (Utf8Length(text) > max_chars) {
    return InvalidArgument(
        S(field) + " is longer than " + std::to_string(max_chars) + " characters", field);
  }
  return Ok();
}

RuleSubject SubjectOf(const Order& o, bool complex, const std::string& category) {
  return RuleSubject{o.draft.urgency, o.draft.request_type, o.draft.channel, category, complex};
}

Result<TimePoint> DueAt(Stage stage, const RuleSubject& subject, TimePoint start,
                        const Context& ctx, std::string* rule_names) {
  JIESU_ASSIGN_OR_RETURN(const LimitRule* rule, ctx.jurisdiction.limits.Find(stage, subject));
  if (rule_names != nullptr) {
    if (!rule_names->empty()) *rule_names += ", ";
    *rule_names += S(StageName(stage)) + "=" + rule->name + " (" + rule->limit.ToString() + ")";
  }
  return Deadline(ctx.jurisdiction.calendar, start, rule->limit);
}

// The contact deadline: its own rule when the jurisdiction has one, else the reply deadline.
Result<TimePoint> ContactDue(const RuleSubject& subject, TimePoint reply_due, const Context& ctx,
                             std::string* rule_names) {
  if (!ctx.jurisdiction.limits.Find(Stage::kContact, subject).ok()) return reply_due;
  return DueAt(Stage::kContact, subject, ctx.now, ctx, rule_names);
}

// Whether the hotline visits this order: all orders, or where a sample rule applies a fixed
// pseudo-random share of them (the same order always gets the same answer).
bool InVisitSample(const Order& o, const Unit& lead, const Evaluation& e) {
  const double share = e.VisitShare(lead.id, lead.unit_class, o.draft.category);
  if (share >= 1.0) return true;
  uint64_t x = static_cast<uint64_t>(o.id) * 0x9E3779B97F4A7C15ULL;  // Fibonacci hashing
  x ^= x >> 29;
  return static_cast<double>(x % 10000) < share * 10000.0;
}

WarnRule WarnRuleOf(const Policy& p) {
  constexpr int64_t kMinute = 60 * 1000;
  return WarnRule{int64_t{p.yellow_card_before_minutes} * kMinute,
                  int64_t{p.urge_every_minutes} * kMinute, p.max_urges};
}

class Builder {
 public:
  Builder(const Actor& actor, const Context& ctx) : actor_(actor), ctx_(ctx) {}

  Event& Add(const Order& o, EventType type, int leg, std::string_view from, std::string_view to) {
    Event e;
    e.order_id = o.id;
    e.seq = o.version + 1 + Count(o.id);
    e.type = type;
    e.leg = leg;
    e.actor = actor_;
    e.at = ctx_.now;
    e.from_state = S(from);
    e.to_state = S(to);
    events_.push_back(std::move(e));
    return events_.back();
  }
  Event& OrderEvent(const Order& o, EventType type, OrderState to) {
    return Add(o, type, 0, Name(o.state), Name(to));
  }
  Event& LegEvent(const Order& o, EventType type, const Leg& leg, LegState to) {
    return Add(o, type, leg.no, Name(leg.state), Name(to));
  }
  std::vector<Event> Take() { return std::move(events_); }

 private:
  int64_t Count(int64_t order_id) const {
    return std::count_if(events_.begin(), events_.end(),
                         [&](const Event& e) { return e.order_id == order_id; });
  }
  const Actor& actor_;
  const Context& ctx_;
  std::vector<Event> events_;
};

bool HasActiveLegFor(const Order& o, const std::string& unit) {
  return std::any_of(o.legs.begin(), o.legs.end(),
                     [&](const Leg& l) { return l.unit_id == unit && IsActive(l.state); });
}

Result<std::vector<Event>> DecideLeg(const Order& order, const Command& cmd, const Actor& actor,
                                     const Context& ctx) {
  const Jurisdiction& j = ctx.jurisdiction;
  const Leg* leg = order.FindLeg(cmd.leg);
  if (leg == nullptr) {
    return NotFound("order " + std::to_string(order.id) + " has no leg " + std::to_string(cmd.leg));
  }
  const RoleDef* role = j.roles.Find(actor.role);
  if (role != nullptr && role->unit_scoped && actor.unit_id != leg->unit_id) {
    return Forbidden("leg " + std::to_string(leg->no) + " belongs to unit " + leg->unit_id +
                     ", not to " + (actor.unit_id.empty() ? "no unit" : actor.unit_id));
  }
  JIESU_RETURN_IF_ERROR(CheckFrom(cmd.action, Name(leg->state)));
  if (IsTerminal(order.state)) {
    return IllegalTransition(S(Name(cmd.action)) + " is not allowed on an order in state " +
                             S(Name(order.state)));
  }
  const Policy& p = j.policy;
  Builder b(actor, ctx);
  switch (cmd.action) {
    case Action::kSign:
      b.LegEvent(order, EventType::kSigned, *leg, LegState::kSigned);
      break;
    case Action::kContact:
      b.LegEvent(order, EventType::kContacted, *leg, LegState::kHandling);
      break;
    case Action::kRequestReturn: {
      if (leg->role == LegRole::kSub) {
        return IllegalTransition(
            "a sub-dispatched leg cannot be returned; the unit above handles it");
      }
      if (leg->designated) {
        return IllegalTransition("the handler was designated after " +
                                 std::to_string(p.max_failed_dispatches) +
                                 " failed dispatches; this leg cannot be returned");
      }
      if (ctx.now > leg->return_until) {
        return IllegalTransition("the return window closed at " +
                                 FormatRfc3339(leg->return_until, j.utc_offset_minutes));
      }
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, true));
      b.LegEvent(order, EventType::kReturnRequested, *leg, LegState::kReturnRequested).reason =
          cmd.reason;
      break;
    }
    case Action::kApproveReturn: {
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, false));
      b.LegEvent(order, EventType::kReturnApproved, *leg, LegState::kReturned).reason = cmd.reason;
      if (leg->role == LegRole::kLead) {
        for (const Leg& other : order.legs) {
          if (other.no != leg->no && other.dispatch_round == leg->dispatch_round &&
              IsActive(other.state)) {
            b.LegEvent(order, EventType::kLegCancelled, other, LegState::kCancelled).reason =
                "lead unit's return approved";
          }
        }
        Event& e = b.OrderEvent(order, EventType::kOrderReturned, OrderState::kDispatching);
        e.flag = order.failed_dispatches + 1 >= p.max_failed_dispatches;
        e.reason = "lead unit " + leg->unit_id + " returned the order";
      }
      break;
    }
    case Action::kRefuseReturn:
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, false));
      b.LegEvent(order, EventType::kReturnRefused, *leg, leg->prior_state).reason = cmd.reason;
      break;
    case Action::kRequestExtension: {
      if (ctx.now >= leg->reply_due) {
        return IllegalTransition("an extension must be requested before the deadline " +
                                 FormatRfc3339(leg->reply_due, j.utc_offset_minutes));
      }
      if (leg->extension_count >= p.max_extensions_per_leg) {
        return IllegalTransition("leg " + std::to_string(leg->no) + " already had " +
                                 std::to_string(leg->extension_count) + " extensions");
      }
      if (cmd.days < 1 || cmd.days > p.max_extension_days) {
        return InvalidArgument("days must be between 1 and " + std::to_string(p.max_extension_days),
                               "days");
      }
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, true));
      Event& e =
          b.LegEvent(order, EventType::kExtensionRequested, *leg, LegState::kExtensionRequested);
      e.reason = cmd.reason;
      e.number = cmd.days;
      break;
    }
    case Action::kApproveExtension: {
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, false));
      Event& e = b.LegEvent(order, EventType::kExtensionApproved, *leg, leg->prior_state);
      e.number = leg->requested_extension_days;
      e.deadline =
          Deadline(j.calendar, leg->reply_due,
                   TimeLimit{leg->requested_extension_days, LimitUnit::kWorkingDays, false});
      e.reason = cmd.reason;
      break;
    }
    case Action::kRefuseExtension:
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, false));
      b.LegEvent(order, EventType::kExtensionRefused, *leg, leg->prior_state).reason = cmd.reason;
      break;
    case Action::kSubDispatch: {
      if (j.units.Find(cmd.unit) == nullptr) {
        return InvalidArgument("unknown unit '" + cmd.unit + "'", "unit");
      }
      if (!j.units.IsBelow(cmd.unit, leg->unit_id)) {
        return InvalidArgument("unit " + cmd.unit + " is not under " + leg->unit_id, "unit");
      }
      if (HasActiveLegFor(order, cmd.unit)) {
        return Conflict("unit " + cmd.unit + " already has an active leg on this order", "unit");
      }
      Leg child;
      child.no = static_cast<int>(order.legs.size()) + 1;
      child.unit_id = cmd.unit;
      child.role = LegRole::kSub;
      child.parent_no = leg->no;
      child.dispatch_round = leg->dispatch_round;
      child.designated = true;
      child.dispatched_at = ctx.now;
      std::string rules;
      JIESU_ASSIGN_OR_RETURN(
          child.sign_due, DueAt(Stage::kSign, SubjectOf(order, order.complex, order.draft.category),
                                ctx.now, ctx, &rules));
      child.reply_due = leg->reply_due;
      child.reply_from = ctx.now;
      JIESU_ASSIGN_OR_RETURN(
          child.contact_due,
          ContactDue(SubjectOf(order, order.complex, order.draft.category), child.reply_due, ctx,
                     &rules));
      child.warn = WarnRuleOf(p);
      child.return_until = ctx.now;
      Event& e = b.LegEvent(order, EventType::kSubDispatched, *leg, LegState::kSubDispatched);
      e.new_legs.push_back(child);
      e.text = rules;
      e.reason = cmd.reason;
      break;
    }
    case Action::kReply: {
      JIESU_RETURN_IF_ERROR(CheckText(cmd.text, "text", p.max_text_chars, true));
      JIESU_RETURN_IF_ERROR(CheckText(cmd.public_text, "public_text", p.max_text_chars, false));
      if (!cmd.reply_result) return InvalidArgument("result is required", "result");
      Event& e = b.LegEvent(order, EventType::kLegReplied, *leg, LegState::kReplied);
      e.text = cmd.text;
      e.attachments = cmd.attachments;
      // Blank is nothing: the citizen is never shown the internal text in its place.
      if (cmd.public_text.find_first_not_of(" \t\r\n") != std::string::npos) {
        e.public_text = cmd.public_text;
      }
      e.reply_result = cmd.reply_result;
      if (leg->parent_no != 0) {
        const Leg* parent = order.FindLeg(leg->parent_no);
        bool siblings_active = std::any_of(order.legs.begin(), order.legs.end(), [&](const Leg& l) {
          return l.parent_no == leg->parent_no && l.no != leg->no && IsActive(l.state);
        });
        if (parent != nullptr && parent->state == LegState::kSubDispatched && !siblings_active) {
          b.LegEvent(order, EventType::kSubReplyReceived, *parent, LegState::kHandling).text =
              cmd.text;
        }
      } else if (leg->role == LegRole::kLead &&
                 (order.state == OrderState::kInProgress || order.state == OrderState::kReopened)) {
        b.OrderEvent(order, EventType::kOrderReplied, OrderState::kReplied);
      }
      break;
    }
    default:
      return Internal("not a leg action: " + S(Name(cmd.action)));
  }
  return b.Take();
}

}  // namespace

const std::vector<Transition>& TransitionTable() {
  static const std::vector<Transition> kTable = {
      {Action::kAnswer, false, {"received"}, "answered_directly"},
      {Action::kReject, false, {"received"}, "rejected"},
      {Action::kSendToDispatch, false, {"received"}, "dispatching"},
      {Action::kDispatch, false, {"dispatching"}, "in_progress"},
      {Action::kMerge, false, {"received", "dispatching"}, "merged"},
      {Action::kAcceptReply, false, {"replied"}, "visiting"},
      {Action::kRejectReply, false, {"replied"}, "in_progress"},
      {Action::kVisit, false, {"visiting"}, "closed"},
      {Action::kSign, true, {"pending_sign"}, "signed"},
      {Action::kContact, true, {"signed"}, "handling"},
      {Action::kRequestReturn, true, {"pending_sign", "signed", "handling"}, "return_requested"},
      {Action::kApproveReturn, true, {"return_requested"}, "returned"},
      {Action::kRefuseReturn, true, {"return_requested"}, "handling"},
      {Action::kRequestExtension, true, {"signed", "handling"}, "extension_requested"},
      {Action::kApproveExtension, true, {"extension_requested"}, "handling"},
      {Action::kRefuseExtension, true, {"extension_requested"}, "handling"},
      {Action::kSubDispatch, true, {"signed", "handling"}, "sub_dispatched"},
      {Action::kReply, true, {"signed", "handling"}, "replied"},
  };
  return kTable;
}

Status ValidateDraft(OrderDraft& d, const Jurisdiction& j) {
  const Policy& p = j.policy;
  JIESU_RETURN_IF_ERROR(CheckText(d.content, "content", p.max_content_chars, true));
  JIESU_RETURN_IF_ERROR(CheckText(d.title, "title", 200, false));
  JIESU_RETURN_IF_ERROR(CheckText(d.location.address, "location.address", 500, false));
  JIESU_RETURN_IF_ERROR(CheckText(d.caller.name, "caller.name", 100, false));
  JIESU_RETURN_IF_ERROR(CheckText(d.call_id, "call_id", 100, false));
  JIESU_RETURN_IF_ERROR(CheckText(d.recording_id, "recording_id", 200, false));
  if (d.caller.phone.size() > 32 ||
      d.caller.phone.find_first_not_of("0123456789+- ") != std::string::npos) {
    return InvalidArgument("caller.phone may hold only digits, spaces, '+' and '-' (at most 32)",
                           "caller.phone");
  }
  if (!d.category.empty() && j.taxonomy.Find(d.category) == nullptr) {
    return InvalidArgument("unknown category '" + d.category + "'", "category");
  }
  Location& loc = d.location;
  if (!loc.community_code.empty()) {
    const Area* a = j.FindArea(loc.community_code);
    if (a == nullptr) {
      return InvalidArgument("unknown community code '" + loc.community_code + "'",
                             "location.community_code");
    }
    if (loc.street_code.empty()) loc.street_code = a->parent_code;
  }
  if (!loc.street_code.empty()) {
    const Area* a = j.FindArea(loc.street_code);
    if (a == nullptr) {
      return InvalidArgument("unknown street code '" + loc.street_code + "'",
                             "location.street_code");
    }
    if (loc.district_code.empty()) loc.district_code = a->parent_code;
    if (a->parent_code != loc.district_code) {
      return InvalidArgument(
          "street " + loc.street_code + " is not in district " + loc.district_code,
          "location.street_code");
    }
  }
  if (!loc.district_code.empty() && j.FindArea(loc.district_code) == nullptr) {
    return InvalidArgument("unknown district code '" + loc.district_code + "'",
                           "location.district_code");
  }
  if (loc.lat.has_value() != loc.lon.has_value()) {
    return InvalidArgument("lat and lon go together", loc.lat ? "location.lon" : "location.lat");
  }
  if (loc.lat && (!std::isfinite(*loc.lat) || *loc.lat < -90 || *loc.lat > 90)) {
    return InvalidArgument("lat must be between -90 and 90", "location.lat");
  }
  if (loc.lon && (!std::isfinite(*loc.lon) || *loc.lon < -180 || *loc.lon > 180)) {
    return InvalidArgument("lon must be between -180 and 180", "location.lon");
  }
  if (d.requester_tags.size() > 10) {
    return InvalidArgument("at most 10 requester tags", "requester_tags");
  }
  for (const auto& t : d.requester_tags) {
    JIESU_RETURN_IF_ERROR(CheckText(t, "requester_tags", 32, true));
  }
  return Ok();
}

Result<std::vector<Event>> DecideIntake(int64_t id, const std::string& code, OrderDraft draft,
                                        const Actor& actor, const Context& ctx) {
  JIESU_RETURN_IF_ERROR(CheckRole(actor, Action::kIntake, ctx));
  JIESU_RETURN_IF_ERROR(ValidateDraft(draft, ctx.jurisdiction));
  Order blank;
  blank.id = id;
  Builder b(actor, ctx);
  Event& e = b.Add(blank, EventType::kReceived, 0, "", Name(OrderState::kReceived));
  std::string rules;
  Order probe;
  probe.draft = draft;
  JIESU_ASSIGN_OR_RETURN(
      TimePoint due,
      DueAt(Stage::kDispatch, SubjectOf(probe, false, draft.category), ctx.now, ctx, &rules));
  e.deadline = due;
  e.text = rules;
  e.code = code;
  e.draft = std::move(draft);
  return b.Take();
}

Result<std::vector<Event>> Decide(const Order& order, const Command& cmd, const Actor& actor,
                                  const Context& ctx, const Order* parent) {
  JIESU_RETURN_IF_ERROR(CheckRole(actor, cmd.action, ctx));
  const Transition* t = FindTransition(cmd.action);
  if (t == nullptr)
    return InvalidArgument("action " + S(Name(cmd.action)) + " is not a transition");
  if (t->on_leg) return DecideLeg(order, cmd, actor, ctx);

  const Jurisdiction& j = ctx.jurisdiction;
  const Policy& p = j.policy;
  const bool by_citizen = cmd.action == Action::kVisit && cmd.visit.channel == Channel::kWeb;
  if (by_citizen) JIESU_RETURN_IF_ERROR(CitizenMayRate(order));
  JIESU_RETURN_IF_ERROR(CheckFrom(cmd.action, Name(order.state)));
  Builder b(actor, ctx);
  switch (cmd.action) {
    case Action::kAnswer:
      JIESU_RETURN_IF_ERROR(CheckText(cmd.text, "text", p.max_text_chars, true));
      b.OrderEvent(order, EventType::kAnswered, OrderState::kAnsweredDirectly).text = cmd.text;
      break;
    case Action::kReject: {
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, true));
      JIESU_RETURN_IF_ERROR(CheckText(cmd.proper_channel, "proper_channel", 200, false));
      Event& e = b.OrderEvent(order, EventType::kRejected, OrderState::kRejected);
      e.reason = cmd.reason;
      e.text = cmd.proper_channel;
      break;
    }
    case Action::kSendToDispatch:
      b.OrderEvent(order, EventType::kSentToDispatch, OrderState::kDispatching).reason = cmd.reason;
      break;
    case Action::kDispatch: {
      std::string category = cmd.category.empty() ? order.draft.category : cmd.category;
      if (category.empty())
        return InvalidArgument("a category is required to dispatch", "category");
      if (j.taxonomy.Find(category) == nullptr) {
        return InvalidArgument("unknown category '" + category + "'", "category");
      }
      if (j.units.Find(cmd.lead_unit) == nullptr) {
        return InvalidArgument("unknown lead unit '" + cmd.lead_unit + "'", "lead_unit");
      }
      std::vector<std::string> seen{cmd.lead_unit};
      for (const auto& u : cmd.co_units) {
        if (j.units.Find(u) == nullptr)
          return InvalidArgument("unknown co-unit '" + u + "'", "co_units");
        if (std::find(seen.begin(), seen.end(), u) != seen.end()) {
          return InvalidArgument("unit '" + u + "' is named twice", "co_units");
        }
        seen.push_back(u);
      }
      const bool complex = cmd.complex || order.complex;
      RuleSubject subject = SubjectOf(order, complex, category);
      const int round = order.dispatch_rounds + 1;
      const bool designated = order.designated;
      std::string rules;
      Event& e = b.OrderEvent(order, EventType::kDispatched, OrderState::kInProgress);
      for (size_t i = 0; i < seen.size(); ++i) {
        Leg leg;
        leg.no = static_cast<int>(order.legs.size() + i + 1);
        leg.unit_id = seen[i];
        leg.role = i == 0 ? LegRole::kLead : LegRole::kCo;
        leg.dispatch_round = round;
        leg.designated = designated;
        leg.dispatched_at = ctx.now;
        std::string* names = i == 0 ? &rules : nullptr;
        JIESU_ASSIGN_OR_RETURN(leg.sign_due, DueAt(Stage::kSign, subject, ctx.now, ctx, names));
        JIESU_ASSIGN_OR_RETURN(leg.reply_due, DueAt(Stage::kReply, subject, ctx.now, ctx, names));
        JIESU_ASSIGN_OR_RETURN(leg.return_until,
                               DueAt(Stage::kReturnWindow, subject, ctx.now, ctx, names));
        JIESU_ASSIGN_OR_RETURN(leg.contact_due, ContactDue(subject, leg.reply_due, ctx, names));
        leg.reply_from = ctx.now;
        leg.warn = WarnRuleOf(p);
        e.new_legs.push_back(std::move(leg));
      }
      e.flag = complex;
      e.text = category;
      e.reason = rules + (designated ? "; handler designated (指定承办)" : "");
      break;
    }
    case Action::kMerge: {
      if (parent == nullptr) return NotFound("parent order " + std::to_string(cmd.parent_order));
      if (parent->id == order.id)
        return InvalidArgument("an order cannot merge into itself", "parent");
      if (parent->state == OrderState::kMerged || parent->state == OrderState::kRejected ||
          parent->state == OrderState::kAnsweredDirectly) {
        return IllegalTransition("cannot merge into an order in state " + S(Name(parent->state)));
      }
      Event& e = b.OrderEvent(order, EventType::kMerged, OrderState::kMerged);
      e.other_order = parent->id;
      e.reason = cmd.reason;
      Event& pe =
          b.Add(*parent, EventType::kChildMerged, 0, Name(parent->state), Name(parent->state));
      pe.other_order = order.id;
      pe.other_caller = order.draft.caller;
      break;
    }
    case Action::kAcceptReply: {
      b.OrderEvent(order, EventType::kReplyAccepted, OrderState::kVisiting);
      const Leg* lead = order.LeadLeg();
      const Unit* unit = lead != nullptr ? j.units.Find(lead->unit_id) : nullptr;
      if (unit != nullptr && !InVisitSample(order, *unit, j.evaluation)) {
        b.Add(order, EventType::kClosed, 0, Name(OrderState::kVisiting), Name(OrderState::kClosed))
            .reason = "closed without a return visit: not in the visit sample of " + unit->id;
      }
      break;
    }
    case Action::kRejectReply: {
      JIESU_RETURN_IF_ERROR(CheckText(cmd.reason, "reason", p.max_text_chars, true));
      const Leg* lead = order.LeadLeg();
      if (lead == nullptr) return Internal("replied order without a lead leg");
      b.OrderEvent(order, EventType::kReplyRejected, order.prior_state).reason = cmd.reason;
      b.LegEvent(order, EventType::kLegReopened, *lead, LegState::kHandling).reason = cmd.reason;
      break;
    }
    case Action::kVisit: {
      Visit v = cmd.visit;
      v.at = ctx.now;
      v.visitor_id = actor.user_id;
      JIESU_RETURN_IF_ERROR(CheckText(v.comment, "comment", p.max_text_chars, false));
      if (by_citizen) {
        v.reached = true;  // the citizen answers for themself
        if (v.attributable) {
          if (v.satisfaction != Satisfaction::kUnsatisfied) {
            return InvalidArgument("重办 can be asked only with an unsatisfied rating", "reopen");
          }
          const std::optional<TimePoint> until = CitizenReopenUntil(order, p);
          if (!until) {
            return IllegalTransition(
                order.reopen_count >= p.max_reopens
                    ? "this request was handled again " + std::to_string(order.reopen_count) +
                          " times already, the most allowed; rate it without asking for 重办"
                    : "重办 cannot be asked for on this page; rate it without asking for 重办");
          }
          if (ctx.now > *until) {
            return IllegalTransition("重办 could be asked until " +
                                     FormatRfc3339(*until, j.utc_offset_minutes) +
                                     "; rate it without asking for 重办");
          }
        }
      }
      if (v.reached && !v.satisfaction) {
        return InvalidArgument("satisfaction is required when the citizen was reached",
                               "satisfaction");
      }
      if (!v.reached) {
        v.satisfaction.reset();
        v.contacted = v.solved = v.attributable = false;
      }
      if (v.satisfaction != Satisfaction::kUnsatisfied) v.attributable = false;
      Event& ve = b.Add(order, EventType::kVisited, 0, Name(order.state), Name(order.state));
      ve.visit = v;
      if (!v.reached) {
        if (order.visit_attempts + 1 >= p.max_visit_attempts) {
          b.OrderEvent(order, EventType::kClosed, OrderState::kClosed).reason =
              "citizen not reached after " + std::to_string(order.visit_attempts + 1) + " attempts";
        }
      } else if (*v.satisfaction != Satisfaction::kUnsatisfied) {
        b.OrderEvent(order, EventType::kClosed, OrderState::kClosed).reason =
            "visited: " + S(Name(*v.satisfaction));
      } else if (v.attributable && order.reopen_count < p.max_reopens) {
        const Leg* lead = order.LeadLeg();
        if (lead == nullptr) return Internal("visited order without a lead leg");
        b.OrderEvent(order, EventType::kReopened, OrderState::kReopened).reason =
            by_citizen ? "the citizen, unsatisfied, asked for 重办 by " + lead->unit_id
                       : "citizen unsatisfied for a reason attributable to " + lead->unit_id;
        std::string rules;
        Event& le = b.LegEvent(order, EventType::kLegReopened, *lead, LegState::kHandling);
        JIESU_ASSIGN_OR_RETURN(
            TimePoint due,
            DueAt(Stage::kReply, SubjectOf(order, order.complex, order.draft.category), ctx.now,
                  ctx, &rules));
        le.deadline = due;
        le.text = rules;
        le.reason = "重办";
      } else {
        b.OrderEvent(order, EventType::kClosed, OrderState::kClosed).reason =
            v.attributable ? "unsatisfied; reopen limit reached"
            : by_citizen   ? "unsatisfied; the citizen did not ask for 重办"
                           : "unsatisfied; not attributable to the unit";
      }
      break;
    }
    default:
      return Internal("unhandled action " + S(Name(cmd.action)));
  }
  return b.Take();
}

Status CitizenMayRate(const Order& o) {
  if (o.state == OrderState::kVisiting) return Ok();
  const Visit* last = o.visits.empty() ? nullptr : &o.visits.back();
  if (last != nullptr && last->channel == Channel::kWeb &&
      (o.state == OrderState::kClosed || o.state == OrderState::kReopened)) {
    return Conflict(o.state == OrderState::kReopened
                        ? "this request was rated already and is being handled again (重办); "
                          "it can be rated again after the new reply"
                        : "this request was rated already");
  }
  switch (o.state) {
    case OrderState::kClosed:
    case OrderState::kAnsweredDirectly:
    case OrderState::kRejected:
    case OrderState::kMerged:
      return IllegalTransition("this request is finished (" + S(Name(o.state)) +
                               ") and can no longer be rated");
    default:
      return IllegalTransition("this request cannot be rated yet (" + S(Name(o.state)) +
                               "): it can be rated once the unit's reply has been accepted");
  }
}

std::optional<TimePoint> CitizenReopenUntil(const Order& o, const Policy& p) {
  if (p.citizen_reopen_days <= 0 || o.reopen_count >= p.max_reopens) return std::nullopt;
  const Leg* lead = o.LeadLeg();
  if (lead == nullptr || !lead->replied_at) return std::nullopt;
  return *lead->replied_at + std::chrono::hours(24) * p.citizen_reopen_days;
}

void Apply(Order& o, const Event& e) {
  o.version = e.seq;
  o.updated_at = e.at;
  Leg* leg = e.leg != 0 ? o.FindLeg(e.leg) : nullptr;
  if (e.type == EventType::kReceived) {
    o.id = e.order_id;
    o.code = e.code;
    if (e.draft) o.draft = *e.draft;
    o.created_at = e.at;
    if (e.deadline) o.dispatch_due = *e.deadline;
  }
  if (!e.to_state.empty()) {
    if (leg != nullptr) {
      if (e.from_state != e.to_state) leg->prior_state = leg->state;
      if (auto s = ParseLegState(e.to_state)) leg->state = *s;
    } else if (auto s = ParseOrderState(e.to_state)) {
      if (e.from_state != e.to_state) o.prior_state = o.state;
      o.state = *s;
    }
  }
  switch (e.type) {
    case EventType::kAnswered:
      o.answer = e.text;
      o.completed_at = e.at;
      break;
    case EventType::kRejected:
      o.reject_reason = e.reason;
      o.proper_channel = e.text;
      break;
    case EventType::kDispatched:
      o.dispatch_rounds += 1;
      o.complex = e.flag;
      if (!e.text.empty()) o.draft.category = e.text;
      o.legs.insert(o.legs.end(), e.new_legs.begin(), e.new_legs.end());
      break;
    case EventType::kSubDispatched:
      o.legs.insert(o.legs.end(), e.new_legs.begin(), e.new_legs.end());
      break;
    case EventType::kMerged:
      o.merged_into = e.other_order;
      break;
    case EventType::kChildMerged:
      o.merged_children.push_back(e.other_order);
      if (e.other_caller) o.extra_callers.push_back(*e.other_caller);
      break;
    case EventType::kSigned:
      if (leg != nullptr) leg->signed_at = e.at;
      break;
    case EventType::kContacted:
      if (leg != nullptr) leg->contacted_at = e.at;
      break;
    case EventType::kExtensionRequested:
      if (leg != nullptr) leg->requested_extension_days = e.number;
      break;
    case EventType::kExtensionApproved:
      if (leg != nullptr) {
        leg->extension_count += 1;
        leg->requested_extension_days = 0;
        if (e.deadline) leg->reply_due = *e.deadline;
      }
      break;
    case EventType::kExtensionRefused:
      if (leg != nullptr) leg->requested_extension_days = 0;
      break;
    case EventType::kOrderReturned:
      o.failed_dispatches += 1;
      if (e.flag) o.designated = true;
      break;
    case EventType::kLegReplied:
      if (leg != nullptr) {
        leg->replied_at = e.at;
        leg->reply_text = e.text;
        leg->public_reply_text = e.public_text;
        leg->reply_attachments = e.attachments;
        leg->reply_result = e.reply_result;
      }
      break;
    case EventType::kLegReopened:
      if (leg != nullptr) {
        leg->replied_at.reset();
        leg->reply_from = e.at;
        leg->overdue = false;
        if (e.deadline) leg->reply_due = *e.deadline;
      }
      break;
    case EventType::kVisited:
      if (e.visit) {
        o.visits.push_back(*e.visit);
        if (!e.visit->reached) o.visit_attempts += 1;
      }
      break;
    case EventType::kReopened:
      o.reopen_count += 1;
      o.visit_attempts = 0;
      break;
    case EventType::kClosed:
      o.close_reason = e.reason;
      o.completed_at = e.at;
      break;
    case EventType::kCardIssued:
      if (e.card) {
        o.cards.push_back(*e.card);
        if (leg != nullptr && e.card->kind == CardKind::kReplyRed) leg->overdue = true;
      }
      break;
    default:
      break;
  }
}

Order Replay(const std::vector<Event>& events) {
  Order o;
  for (const Event& e : events) Apply(o, e);
  return o;
}

}  // namespace jiesu::domain
