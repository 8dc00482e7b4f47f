#include "domain/enums.h"

#include <array>
#include <utility>

namespace jiesu::domain {
namespace {

// One table per enum: the value and its wire name, in declaration order.
template <class E, size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

constexpr Table<OrderState, 10> kOrderStates{{
    {OrderState::kReceived, "received"},
    {OrderState::kAnsweredDirectly, "answered_directly"},
    {OrderState::kRejected, "rejected"},
    {OrderState::kDispatching, "dispatching"},
    {OrderState::kInProgress, "in_progress"},
    {OrderState::kReplied, "replied"},
    {OrderState::kVisiting, "visiting"},
    {OrderState::kClosed, "closed"},
    {OrderState::kReopened, "reopened"},
    {OrderState::kMerged, "merged"},
}};
constexpr Table<LegState, 9> kLegStates{{
    {LegState::kPendingSign, "pending_sign"},
    {LegState::kSigned, "signed"},
    {LegState::kHandling, "handling"},
    {LegState::kReplied, "replied"},
    {LegState::kReturnRequested, "return_requested"},
    {LegState::kReturned, "returned"},
    {LegState::kExtensionRequested, "extension_requested"},
    {LegState::kSubDispatched, "sub_dispatched"},
    {LegState::kCancelled, "cancelled"},
}};
constexpr Table<LegRole, 3> kLegRoles{{
    {LegRole::kLead, "lead"},
    {LegRole::kCo, "co"},
    {LegRole::kSub, "sub"},
}};
constexpr Table<Channel, 13> kChannels{{
    {Channel::kPhone, "phone"},
    {Channel::kWeb, "web"},
    {Channel::kApp, "app"},
    {Channel::kOpenApi, "open_api"},
    {Channel::kOpen311, "open311"},
    {Channel::kEmail, "email"},
    {Channel::kSms, "sms"},
    {Channel::kImport, "import"},
    {Channel::kOffline, "offline"},
    {Channel::kPolice110, "police_110"},
    {Channel::kSuperior, "superior"},
    {Channel::kGrid, "grid"},
    {Channel::kTrustedReporter, "trusted_reporter"},
}};
constexpr Table<RequestType, 7> kRequestTypes{{
    {RequestType::kConsult, "consult"},
    {RequestType::kHelp, "help"},
    {RequestType::kComplaint, "complaint"},
    {RequestType::kReport, "report"},
    {RequestType::kSuggestion, "suggestion"},
    {RequestType::kPraise, "praise"},
    {RequestType::kOther, "other"},
}};
constexpr Table<Urgency, 3> kUrgencies{{
    {Urgency::kNormal, "normal"},
    {Urgency::kUrgent, "urgent"},
    {Urgency::kCritical, "critical"},
}};
constexpr Table<Satisfaction, 3> kSatisfactions{{
    {Satisfaction::kSatisfied, "satisfied"},
    {Satisfaction::kBasicallySatisfied, "basically_satisfied"},
    {Satisfaction::kUnsatisfied, "unsatisfied"},
}};
constexpr Table<ReplyResult, 3> kReplyResults{{
    {ReplyResult::kResolved, "resolved"},
    {ReplyResult::kExplained, "explained"},
    {ReplyResult::kUnresolved, "unresolved"},
}};
constexpr Table<UnitClass, 4> kUnitClasses{{
    {UnitClass::kDistrict, "district"},
    {UnitClass::kStreet, "street"},
    {UnitClass::kCityDepartment, "city_department"},
    {UnitClass::kStateEnterprise, "state_enterprise"},
}};
constexpr Table<CardKind, 6> kCardKinds{{
    {CardKind::kDispatchRed, "dispatch_red"},
    {CardKind::kSignYellow, "sign_yellow"},
    {CardKind::kSignRed, "sign_red"},
    {CardKind::kReplyYellow, "reply_yellow"},
    {CardKind::kReplyRed, "reply_red"},
    {CardKind::kUrge, "urge"},
}};
constexpr Table<Action, 26> kActions{{
    {Action::kIntake, "intake"},
    {Action::kAnswer, "answer"},
    {Action::kReject, "reject"},
    {Action::kSendToDispatch, "send_to_dispatch"},
    {Action::kDispatch, "dispatch"},
    {Action::kMerge, "merge"},
    {Action::kSign, "sign"},
    {Action::kContact, "contact"},
    {Action::kRequestReturn, "request_return"},
    {Action::kApproveReturn, "approve_return"},
    {Action::kRefuseReturn, "refuse_return"},
    {Action::kRequestExtension, "request_extension"},
    {Action::kApproveExtension, "approve_extension"},
    {Action::kRefuseExtension, "refuse_extension"},
    {Action::kSubDispatch, "sub_dispatch"},
    {Action::kReply, "reply"},
    {Action::kAcceptReply, "accept_reply"},
    {Action::kRejectReply, "reject_reply"},
    {Action::kVisit, "visit"},
    {Action::kViewScores, "view_scores"},
    {Action::kFileClaim, "file_claim"},
    {Action::kDecideClaim, "decide_claim"},
    {Action::kSupervise, "supervise"},
    {Action::kHandleSupervision, "handle_supervision"},
    {Action::kManageKnowledge, "manage_knowledge"},
    {Action::kAnalyze, "analyze"},
}};

template <class E, size_t N>
std::string_view NameIn(const Table<E, N>& t, E v) {
  for (const auto& [e, n] : t) {
    if (e == v) return n;
  }
  return "?";
}
template <class E, size_t N>
std::optional<E> ParseIn(const Table<E, N>& t, std::string_view s) {
  for (const auto& [e, n] : t) {
    if (n == s) return e;
  }
  return std::nullopt;
}
template <class E, size_t N>
std::span<const E> ValuesOf(const Table<E, N>& t) {
  static const auto values = [&] {
    std::array<E, N> v{};
    for (size_t i = 0; i < N; ++i) v[i] = t[i].first;
    return v;
  }();
  return values;
}

}  // namespace

#define JIESU_DEFINE_ENUM_NAMES(Type, table)                                        \
  std::string_view Name(Type v) { return NameIn(table, v); }                        \
  std::optional<Type> Parse##Type(std::string_view s) { return ParseIn(table, s); } \
  std::span<const Type> All##Type##s() { return ValuesOf(table); }

JIESU_DEFINE_ENUM_NAMES(OrderState, kOrderStates)
JIESU_DEFINE_ENUM_NAMES(LegState, kLegStates)
JIESU_DEFINE_ENUM_NAMES(LegRole, kLegRoles)
JIESU_DEFINE_ENUM_NAMES(Channel, kChannels)
JIESU_DEFINE_ENUM_NAMES(RequestType, kRequestTypes)
JIESU_DEFINE_ENUM_NAMES(Urgency, kUrgencies)
JIESU_DEFINE_ENUM_NAMES(Satisfaction, kSatisfactions)
JIESU_DEFINE_ENUM_NAMES(ReplyResult, kReplyResults)
JIESU_DEFINE_ENUM_NAMES(UnitClass, kUnitClasses)
JIESU_DEFINE_ENUM_NAMES(CardKind, kCardKinds)
JIESU_DEFINE_ENUM_NAMES(Action, kActions)

#undef JIESU_DEFINE_ENUM_NAMES

bool IsTerminal(OrderState s) {
  return s == OrderState::kAnsweredDirectly || s == OrderState::kRejected ||
         s == OrderState::kClosed || s == OrderState::kMerged;
}

bool HotlineDecided(OrderState s) {
  return s != OrderState::kReceived && s != OrderState::kRejected && s != OrderState::kMerged;
}

bool IsActive(LegState s) {
  return s != LegState::kReplied && s != LegState::kReturned && s != LegState::kCancelled;
}

}  // namespace jiesu::domain
