// The closed vocabularies of a work order, with their stable wire names.
//
// Wire names are lower-case ASCII ("in_progress"), used in the API, the database and config.
// Display labels (已受理 …) are configuration, not code.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace jiesu::domain {

enum class OrderState {
  kReceived,          // 已受理
  kAnsweredDirectly,  // 直接办结
  kRejected,          // 不予受理
  kDispatching,       // 待派单
  kInProgress,        // 办理中
  kReplied,           // 已回复
  kVisiting,          // 待回访
  kClosed,            // 已办结
  kReopened,          // 重办
  kMerged,            // 已并单
};

enum class LegState {
  kPendingSign,         // 待签收
  kSigned,              // 已签收
  kHandling,            // 办理中
  kReplied,             // 已回复
  kReturnRequested,     // 申请退回
  kReturned,            // 已退回
  kExtensionRequested,  // 申请延期
  kSubDispatched,       // 已下派
  kCancelled,           // 已撤销 (the lead's return took the whole dispatch back)
};

enum class LegRole { kLead, kCo, kSub };  // 主办, 协办, 下派

enum class Channel {
  kPhone,
  kWeb,
  kApp,
  kOpenApi,
  kOpen311,
  kEmail,
  kSms,
  kImport,
  kOffline,
  kPolice110,
  kSuperior,
  kGrid,
  kTrustedReporter,
};

enum class RequestType { kConsult, kHelp, kComplaint, kReport, kSuggestion, kPraise, kOther };

enum class Urgency { kNormal, kUrgent, kCritical };  // 一般, 紧急, 特急

enum class Satisfaction { kSatisfied, kBasicallySatisfied, kUnsatisfied };

enum class ReplyResult { kResolved, kExplained, kUnresolved };  // 已解决, 已解释说明, 未解决

enum class UnitClass { kDistrict, kStreet, kCityDepartment, kStateEnterprise };

// Warnings the deadline scheduler issues (SPEC §3): 黄牌 before a deadline, 红牌 at the first
// overdue moment, 催办 reminders while a reply stays overdue.
enum class CardKind { kDispatchRed, kSignYellow, kSignRed, kReplyYellow, kReplyRed, kUrge };

// Every action a person can take on an order. Roles are granted actions in configuration.
enum class Action {
  kIntake,
  kAnswer,
  kReject,
  kSendToDispatch,
  kDispatch,
  kMerge,
  kSign,
  kContact,
  kRequestReturn,
  kApproveReturn,
  kRefuseReturn,
  kRequestExtension,
  kApproveExtension,
  kRefuseExtension,
  kSubDispatch,
  kReply,
  kAcceptReply,
  kRejectReply,
  kVisit,
  // Not order transitions: evaluation.
  kViewScores,   // every unit's drill-down, claims and score audit (units see their own)
  kFileClaim,    // 考核申诉 / 不合理诉求 for the actor's own unit
  kDecideClaim,  // uphold or dismiss a claim
  // 督办: supervision orders.
  kSupervise,          // open one, decide returns and review replies
  kHandleSupervision,  // a unit accepts, asks to return or replies to its part
  // Knowledge base.
  kManageKnowledge,  // create, change and delete knowledge points
  // Governance data (SPEC §8).
  kAnalyze,  // early warnings, external events, topics, forecasts and the monthly report
};

#define JIESU_DECLARE_ENUM_NAMES(Type)                 \
  std::string_view Name(Type v);                       \
  std::optional<Type> Parse##Type(std::string_view s); \
  std::span<const Type> All##Type##s();

JIESU_DECLARE_ENUM_NAMES(OrderState)
JIESU_DECLARE_ENUM_NAMES(LegState)
JIESU_DECLARE_ENUM_NAMES(LegRole)
JIESU_DECLARE_ENUM_NAMES(Channel)
JIESU_DECLARE_ENUM_NAMES(RequestType)
JIESU_DECLARE_ENUM_NAMES(Urgency)
JIESU_DECLARE_ENUM_NAMES(Satisfaction)
JIESU_DECLARE_ENUM_NAMES(ReplyResult)
JIESU_DECLARE_ENUM_NAMES(UnitClass)
JIESU_DECLARE_ENUM_NAMES(CardKind)
JIESU_DECLARE_ENUM_NAMES(Action)

#undef JIESU_DECLARE_ENUM_NAMES

// True for the states an order can never leave.
bool IsTerminal(OrderState s);
// True once the hotline has decided what an order is (answered, dispatched or later): not while
// it waits at intake, nor when it was refused or merged into another.
bool HotlineDecided(OrderState s);
// True for leg states in which the unit still owes work.
bool IsActive(LegState s);

}  // namespace jiesu::domain
