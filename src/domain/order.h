// The work order (工单), its legs (one per unit it is dispatched to) and the append-only
// events from which both are derived. Plain values: no I/O, no JSON, no SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "domain/enums.h"

namespace jiesu::domain {

struct Caller {
  std::string name;
  std::string phone;
  bool anonymous = false;  // the caller gave no identity
  std::string phone_hash;  // keyed hash of the normalised phone, for caller history look-ups
};

struct Location {
  std::string address;
  std::string district_code;   // 6 digits
  std::string street_code;     // 9 digits
  std::string community_code;  // 12 digits
  std::optional<double> lat;
  std::optional<double> lon;
};

// What jiesu's text understanding suggested when the order was taken (service/suggest.h),
// kept beside what the agent chose so that agreement can be measured.
struct Suggested {
  bool present = false;
  std::string category;  // taxonomy code of the top category; empty without a classifier
  double category_confidence = 0;
  std::string request_type;  // 咨询/求助/投诉/举报/建议/表扬, or empty
  std::string urgency;       // 特急/紧急, or empty
  std::string district_code;
  std::string street_code;
  std::string lead_unit;
  std::vector<int64_t> duplicates;  // likely duplicate orders, best first
};

// What the agent records at intake: SPEC §1's five elements and the classifying fields.
struct OrderDraft {
  Channel channel = Channel::kPhone;
  RequestType request_type = RequestType::kOther;
  Urgency urgency = Urgency::kNormal;
  std::string category;  // taxonomy code; may be empty until the dispatcher sets it
  std::string title;
  std::string content;
  Caller caller;
  Location location;
  std::vector<std::string> requester_tags;
  bool confidential = false;  // 保密
  std::string call_id;
  std::string recording_id;
  std::optional<TimePoint> occurred_at;  // when it happened, if the caller said
  Suggested suggested;                   // set by intake, never by the client
};

struct Actor {
  int64_t user_id = 0;
  std::string username;
  std::string role;
  std::string unit_id;  // for unit-scoped roles
};

// How the scheduler warns about a leg's deadlines, fixed from the policy when the leg is made
// (so a later policy change does not move warnings already promised).
struct WarnRule {
  int64_t yellow_before_ms = 0;  // 黄牌 this long before a deadline (at most half the span); 0 = none
  int64_t urge_every_ms = 0;     // 催办 this often while the reply is overdue; 0 = never
  int max_urges = 0;
};

struct Leg {
  int no = 0;  // 1-based within the order
  std::string unit_id;
  LegRole role = LegRole::kLead;
  int parent_no = 0;        // the leg that sub-dispatched this one, or 0
  int dispatch_round = 0;   // which dispatch of the order created it (1-based)
  bool designated = false;  // 指定承办: the unit may not ask to return it
  LegState state = LegState::kPendingSign;
  LegState prior_state = LegState::kPendingSign;  // where a refused request goes back to
  TimePoint dispatched_at{};
  TimePoint sign_due{};
  TimePoint reply_due{};
  TimePoint return_until{};
  TimePoint contact_due{};  // the unit must have contacted the caller by then (响应)
  TimePoint reply_from{};   // when the current reply deadline started (dispatch or 重办)
  WarnRule warn;
  bool overdue = false;  // a red card was issued for the current reply deadline
  std::optional<TimePoint> signed_at;
  std::optional<TimePoint> contacted_at;
  std::optional<TimePoint> replied_at;
  int extension_count = 0;
  int requested_extension_days = 0;
  std::string reply_text;         // the unit's reply for the hotline (may name staff, numbers)
  std::string public_reply_text;  // what the citizen may read of it; empty: nothing
  std::vector<int64_t> reply_attachments;  // the files that came with the reply
  std::optional<ReplyResult> reply_result;
};

struct Visit {
  TimePoint at{};
  int64_t visitor_id = 0;
  bool reached = false;
  bool contacted = false;  // 是否联系: the unit contacted the citizen
  bool solved = false;     // 是否解决
  std::optional<Satisfaction> satisfaction;
  bool attributable = false;  // dissatisfaction is the unit's doing (grounds for 重办)
  std::string comment;
  // How it was made: kPhone, the hotline's visitor calling back; kWeb, the citizen's own
  // evaluation on the public page (then `attributable` is the citizen asking for 重办).
  Channel channel = Channel::kPhone;
};

// A warning the scheduler issued: for which deadline, when it was due, when it was issued.
struct Card {
  CardKind kind = CardKind::kSignYellow;
  int leg = 0;  // 0 for the order's dispatch deadline
  TimePoint deadline{};
  TimePoint fire_at{};
  TimePoint at{};
  int number = 0;  // 催办: 1 for the first reminder of this deadline, 2 for the second …
};

struct Order {
  int64_t id = 0;
  std::string code;     // the public tracking code
  int64_t version = 0;  // number of events applied
  OrderDraft draft;
  OrderState state = OrderState::kReceived;
  OrderState prior_state = OrderState::kReceived;
  TimePoint created_at{};
  TimePoint updated_at{};
  TimePoint dispatch_due{};
  int dispatch_rounds = 0;
  int failed_dispatches = 0;
  bool designated = false;
  bool complex = false;
  int reopen_count = 0;
  int visit_attempts = 0;
  std::optional<TimePoint> completed_at;  // closed (办结) or answered directly (直接办结)
  std::string answer;          // 直接答复 text
  std::string reject_reason;   // 不予受理 reason
  std::string proper_channel;  // where the citizen should go instead (诉讼, 信访, 110 …)
  std::string close_reason;
  int64_t merged_into = 0;
  std::vector<int64_t> merged_children;
  std::vector<Caller> extra_callers;  // callers of merged duplicates, all to be informed
  std::vector<Leg> legs;
  std::vector<Visit> visits;
  std::vector<Card> cards;

  Leg* FindLeg(int no);
  const Leg* FindLeg(int no) const;
  // The active lead leg of the current dispatch round, if any.
  const Leg* LeadLeg() const;
  // True when any active leg's reply deadline is before `now`.
  bool IsOverdue(TimePoint now) const;
  // What the citizen may read of the units' replies, once the hotline has accepted the reply
  // (visiting or closed): the lead leg's public text or, when it has none, the public texts of
  // the other replied legs of the same dispatch, one per line. Empty when there is none: the
  // internal reply text is never a fallback.
  std::string PublicReply() const;
};

enum class EventType {
  kReceived,
  kAnswered,
  kRejected,
  kSentToDispatch,
  kDispatched,
  kMerged,
  kChildMerged,
  kSigned,
  kContacted,
  kReturnRequested,
  kReturnApproved,
  kReturnRefused,
  kLegCancelled,
  kOrderReturned,
  kExtensionRequested,
  kExtensionApproved,
  kExtensionRefused,
  kSubDispatched,
  kSubReplyReceived,
  kLegReplied,
  kOrderReplied,
  kReplyAccepted,
  kReplyRejected,
  kLegReopened,
  kVisited,
  kReopened,
  kClosed,
  kCardIssued,
};
std::string_view Name(EventType t);
std::optional<EventType> ParseEventType(std::string_view s);

// One entry of an order's append-only history. State is derived by applying events in `seq`
// order; each event carries every value its application needs (deadlines included), so
// replaying old events never depends on today's configuration.
struct Event {
  int64_t order_id = 0;
  int64_t seq = 0;  // 1-based, gap-free per order
  EventType type = EventType::kReceived;
  int leg = 0;  // the leg it concerns, or 0 for the order itself
  Actor actor;
  TimePoint at{};
  std::string from_state;  // of the leg when leg != 0, else of the order
  std::string to_state;
  std::string reason;

  // Payload; each type uses the fields its Apply case reads.
  std::optional<OrderDraft> draft;          // kReceived
  std::string code;                         // kReceived
  std::string text;                         // answer, reply, proper channel, rule names
  std::string public_text;                  // kLegReplied: the reply as the citizen may read it
  std::vector<int64_t> attachments;         // kLegReplied: the files that came with it
  std::vector<Leg> new_legs;                // kDispatched, kSubDispatched
  std::optional<TimePoint> deadline;        // kReceived (dispatch due), extension, reopen
  int number = 0;                           // extension days
  int64_t other_order = 0;                  // kMerged (parent), kChildMerged (child)
  std::optional<Caller> other_caller;       // kChildMerged
  std::optional<Visit> visit;               // kVisited
  std::optional<ReplyResult> reply_result;  // kLegReplied
  bool flag = false;  // kOrderReturned: handler now designated; kDispatched: complex
  std::optional<Card> card;  // kCardIssued
};

}  // namespace jiesu::domain
