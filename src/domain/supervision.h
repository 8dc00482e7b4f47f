// 督办 (supervision orders, SPEC §3): a supervisor opens one on an order or on a unit, names
// one unit or several (联合督办), a demand and a time limit. Each unit's part has its own small
// lifecycle — 下发 issued → 办理 handling → 申请办结 replied → 审核 (the supervisor accepts:
// done, or sends it back to handling); a unit may ask to return its part (申请退回), which the
// supervisor approves (returned) or refuses (handling). The supervision is 办结 (closed) when
// every part is done or returned. Like orders, state is the fold of an append-only history.
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/lifecycle.h"
#include "domain/order.h"

namespace jiesu::domain {

enum class PartState { kIssued, kHandling, kReturnRequested, kReturned, kReplied, kDone };
std::string_view Name(PartState s);
std::optional<PartState> ParsePartState(std::string_view s);

enum class SupervisionStep {
  kOpened,
  kAccepted,
  kReturnRequested,
  kReturnApproved,
  kReturnRefused,
  kReplied,
  kReplyApproved,
  kReplyRejected,
  kClosed,
};
std::string_view Name(SupervisionStep s);
std::optional<SupervisionStep> ParseSupervisionStep(std::string_view s);

struct SupervisionPart {
  std::string unit_id;
  PartState state = PartState::kIssued;
  std::string reply;
  std::optional<TimePoint> replied_at;
};

struct Supervision {
  int64_t id = 0;
  int64_t version = 0;
  int64_t order_id = 0;  // 0 when the supervision is about units rather than one order
  std::string title;
  std::string demand;  // 督办要求
  TimePoint created_at{};
  TimePoint due{};
  bool closed = false;
  std::optional<TimePoint> closed_at;
  int64_t opened_by = 0;
  std::vector<SupervisionPart> parts;

  SupervisionPart* Part(const std::string& unit);
  const SupervisionPart* Part(const std::string& unit) const;
  bool Overdue(TimePoint now) const { return !closed && now > due; }
};

struct SupervisionEvent {
  int64_t supervision_id = 0;
  int64_t seq = 0;
  SupervisionStep step = SupervisionStep::kOpened;
  std::string unit_id;  // the part it concerns; "" for the supervision itself
  Actor actor;
  TimePoint at{};
  std::string from_state;
  std::string to_state;
  std::string text;  // reason, reply or decision
  std::optional<Supervision> opened;  // kOpened: everything the supervision starts with
};

struct SupervisionRequest {
  int64_t order_id = 0;
  std::vector<std::string> units;
  std::string title;
  std::string demand;
  int working_days = 0;  // the time limit, counted on the working-day calendar
};

// The events opening supervision `id`. `order` is the order it is about, when there is one
// (the caller checks it exists).
Result<std::vector<SupervisionEvent>> DecideOpenSupervision(int64_t id,
                                                            const SupervisionRequest& req,
                                                            const Actor& actor,
                                                            const Context& ctx);

// The part actions. A unit's actor acts only on its own unit's part.
enum class PartAction { kAccept, kRequestReturn, kApproveReturn, kRefuseReturn, kReply,
                        kApproveReply, kRejectReply };
std::string_view Name(PartAction a);
std::optional<PartAction> ParsePartAction(std::string_view s);

Result<std::vector<SupervisionEvent>> DecideSupervision(const Supervision& s, PartAction action,
                                                        const std::string& unit,
                                                        const std::string& text,
                                                        const Actor& actor, const Context& ctx);

void Apply(Supervision& s, const SupervisionEvent& e);
Supervision ReplaySupervision(const std::vector<SupervisionEvent>& events);

}  // namespace jiesu::domain
