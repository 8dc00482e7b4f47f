#include "domain/order.h"

#include <algorithm>
#include <array>
#include <utility>

namespace jiesu::domain {
namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 28> kEventTypes{{
    {EventType::kReceived, "received"},
    {EventType::kAnswered, "answered"},
    {EventType::kRejected, "rejected"},
    {EventType::kSentToDispatch, "sent_to_dispatch"},
    {EventType::kDispatched, "dispatched"},
    {EventType::kMerged, "merged"},
    {EventType::kChildMerged, "child_merged"},
    {EventType::kSigned, "signed"},
    {EventType::kContacted, "contacted"},
    {EventType::kReturnRequested, "return_requested"},
    {EventType::kReturnApproved, "return_approved"},
    {EventType::kReturnRefused, "return_refused"},
    {EventType::kLegCancelled, "leg_cancelled"},
    {EventType::kOrderReturned, "order_returned"},
    {EventType::kExtensionRequested, "extension_requested"},
    {EventType::kExtensionApproved, "extension_approved"},
    {EventType::kExtensionRefused, "extension_refused"},
    {EventType::kSubDispatched, "sub_dispatched"},
    {EventType::kSubReplyReceived, "sub_reply_received"},
    {EventType::kLegReplied, "leg_replied"},
    {EventType::kOrderReplied, "order_replied"},
    {EventType::kReplyAccepted, "reply_accepted"},
    {EventType::kReplyRejected, "reply_rejected"},
    {EventType::kLegReopened, "leg_reopened"},
    {EventType::kVisited, "visited"},
    {EventType::kReopened, "reopened"},
    {EventType::kClosed, "closed"},
    {EventType::kCardIssued, "card_issued"},
}};

}  // namespace

std::string_view Name(EventType t) {
  for (const auto& [e, n] : kEventTypes) {
    if (e == t) return n;
  }
  return "?";
}

std::optional<EventType> ParseEventType(std::string_view s) {
  for (const auto& [e, n] : kEventTypes) {
    if (n == s) return e;
  }
  return std::nullopt;
}

Leg* Order::FindLeg(int no) {
  return no >= 1 && no <= static_cast<int>(legs.size()) ? &legs[no - 1] : nullptr;
}
const Leg* Order::FindLeg(int no) const {
  return no >= 1 && no <= static_cast<int>(legs.size()) ? &legs[no - 1] : nullptr;
}

const Leg* Order::LeadLeg() const {
  const Leg* lead = nullptr;
  for (const Leg& l : legs) {
    if (l.role == LegRole::kLead && l.state != LegState::kReturned &&
        l.state != LegState::kCancelled &&
        (lead == nullptr || l.dispatch_round > lead->dispatch_round)) {
      lead = &l;
    }
  }
  return lead;
}

std::string Order::PublicReply() const {
  if (state != OrderState::kVisiting && state != OrderState::kClosed) return "";
  const Leg* lead = LeadLeg();
  if (lead == nullptr) return "";
  if (lead->state == LegState::kReplied && !lead->public_reply_text.empty()) {
    return lead->public_reply_text;
  }
  std::string joined;
  for (const Leg& l : legs) {
    if (l.dispatch_round != lead->dispatch_round || l.role == LegRole::kSub ||
        l.state != LegState::kReplied || l.public_reply_text.empty()) {
      continue;
    }
    if (!joined.empty()) joined += "\n";
    joined += l.public_reply_text;
  }
  return joined;
}

bool Order::IsOverdue(TimePoint now) const {
  return std::any_of(legs.begin(), legs.end(),
                     [&](const Leg& l) { return IsActive(l.state) && now > l.reply_due; });
}

}  // namespace jiesu::domain
