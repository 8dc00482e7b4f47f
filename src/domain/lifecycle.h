// The order lifecycle (SPEC §2) as decide/apply functions over an explicit transition table.
//
// Decide*() check a command against the actor's role and unit scope, the order's and leg's
// state and the jurisdiction's rules, and return the events it causes, or an error and no
// events. Apply() folds one event into an order. State is only ever changed by Apply, so an
// order is always the fold of its history. All functions are pure and thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/jurisdiction.h"
#include "domain/order.h"

namespace jiesu::domain {

struct Context {
  const Jurisdiction& jurisdiction;
  TimePoint now;
};

struct Command {
  Action action = Action::kSign;
  int leg = 0;                        // leg actions: the leg acted on
  std::string reason;                 // return, refusal, rejection, extension, reply rejection
  std::string text;                   // answer (直接答复) or reply (回复) text
  std::string public_text;            // reply: what the citizen may read (may be empty)
  // reply: ids of files that came with it; the caller checks that they are the order's (the
  // domain knows no files).
  std::vector<int64_t> attachments;
  std::string proper_channel;         // reject: where the citizen should turn instead
  std::string category;               // dispatch: confirm or correct the category
  std::string lead_unit;              // dispatch
  std::vector<std::string> co_units;  // dispatch
  bool complex = false;               // dispatch: 疑难 (longer limits, 2-day return window)
  std::string unit;                   // sub-dispatch target
  int days = 0;                       // extension
  int64_t parent_order = 0;           // merge
  std::optional<ReplyResult> reply_result;  // reply
  Visit visit;                              // visit (at and visitor_id are filled from the context)
};

// One row of the transition table: an action, the states it may start from, and the state it
// leads to (for actions whose outcome depends on the rules, the usual outcome).
struct Transition {
  Action action;
  bool on_leg;
  std::vector<std::string> from;
  std::string to;
};
const std::vector<Transition>& TransitionTable();

// Checks a draft against the jurisdiction (codes exist, sizes within policy) and fills in
// derivable fields (district from street). Errors name the field.
Status ValidateDraft(OrderDraft& draft, const Jurisdiction& j);

// The events that record a new order `id` with public `code`.
Result<std::vector<Event>> DecideIntake(int64_t id, const std::string& code, OrderDraft draft,
                                        const Actor& actor, const Context& ctx);

// The events `cmd` causes on `order`. For kMerge, `parent` is the order merged into, and the
// result holds events for both orders (each event names its order).
Result<std::vector<Event>> Decide(const Order& order, const Command& cmd, const Actor& actor,
                                  const Context& ctx, const Order* parent = nullptr);

// The citizen's own evaluation on the public page is a kVisit whose visit has channel kWeb, made
// by the public role: it is the return visit of its round, scored like the hotline's (SPEC §4).
// Decide() refuses it (no events) with the reasons below, and refuses a 重办 request
// (attributable) unless the rating is unsatisfied (kInvalidArgument, field "reopen"), the
// reopen limit is not reached and the request comes by CitizenReopenUntil (kIllegalTransition).

// Ok when the citizen may rate `order` now: it awaits its return visit (visiting). Otherwise
// kConflict when the citizen's rating already ended this round, else kIllegalTransition; the
// message says why in words for the citizen.
Status CitizenMayRate(const Order& order);

// Until when a citizen rating may ask for 重办: `citizen_reopen_days` after the lead leg's
// reply. Null when it may not at all (the reopen limit is reached, the policy allows none, or
// there is no reply).
std::optional<TimePoint> CitizenReopenUntil(const Order& order, const Policy& policy);

// Folds `e` into `order`. REQUIRES: e.seq == order.version + 1 and e.order_id == order.id
// (for the first event, order is default-constructed and e.type == kReceived).
void Apply(Order& order, const Event& e);

// The order that `events` (one order's, in seq order) describe.
Order Replay(const std::vector<Event>& events);

}  // namespace jiesu::domain
