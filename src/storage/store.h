// The store: where orders, their histories, users and sessions are kept.
//
// One interface, two backends (SQLite embedded, PostgreSQL later), one contract test suite
// (store_contract.h) that every backend runs. Writes that change an order happen inside the
// store's own transaction: the caller passes a function that sees the current orders and
// returns the events to append, so deciding and appending are atomic without the caller
// holding a lock. An acknowledged write (a call that returned ok) is durable.
//
// Thread-safety: every method may be called from any thread concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/order.h"
#include "domain/rollup.h"
#include "domain/score.h"
#include "domain/supervision.h"

namespace jiesu::storage {

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::string unit_id;
  std::string password_hash;  // argon2id encoded string (libsodium crypto_pwhash_str)
  bool active = true;
  TimePoint created_at{};
};

struct Session {
  std::string token_hash;  // hex SHA-256 of the bearer token; the token itself is never stored
  int64_t user_id = 0;
  TimePoint created_at{};
  TimePoint expires_at{};
};

// A client-supplied idempotency key, scoped to the user who sent it. `request_hash`
// fingerprints the request so that the same key with a different body is refused.
struct IdempotencyKey {
  int64_t user_id = 0;
  std::string key;
  std::string request_hash;
};

// One view of a caller's identity (or one export), kept for the audit of SPEC §9.
struct AccessRecord {
  int64_t id = 0;
  TimePoint at{};
  int64_t user_id = 0;
  std::string username;
  std::string role;
  std::string action;  // "view_caller", later "export"
  int64_t order_id = 0;
};

struct OrderSummary {
  int64_t id = 0;
  std::string code;
  domain::OrderState state = domain::OrderState::kReceived;
  domain::Channel channel = domain::Channel::kPhone;
  domain::Urgency urgency = domain::Urgency::kNormal;
  domain::RequestType request_type = domain::RequestType::kOther;
  std::string category;
  std::string district_code;
  std::string street_code;
  std::string title;
  std::string content;
  bool confidential = false;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> reply_due;  // earliest reply deadline over the active legs
  std::vector<std::string> units;      // units with a leg on the order
};

// An order's stored suggestion beside the order as it is now (see ScanSuggestionOutcomes).
struct SuggestionOutcome {
  int64_t order_id = 0;
  domain::OrderState state = domain::OrderState::kReceived;
  domain::Suggested suggested;
  std::string category;  // the order's category, request type, urgency and district now
  domain::RequestType request_type = domain::RequestType::kOther;
  domain::Urgency urgency = domain::Urgency::kNormal;
  std::string district_code;
  std::string lead_unit;  // the unit of the order's latest lead leg; empty when it has none
};

struct OrderFilter {
  std::vector<domain::OrderState> states;
  std::string unit;               // has a leg for this unit
  // Has a leg in one of these states (a leg of `unit`, when that is set). Indexed for the
  // states that wait for the dispatcher (return_requested, extension_requested).
  std::vector<domain::LegState> leg_states;
  std::string category_prefix;    // category code starts with
  bool category_is_leaf = false;  // the prefix is a whole code with no children (faster)
  std::string district_code;
  std::string street_code;
  std::optional<domain::Channel> channel;
  std::optional<domain::Urgency> urgency;
  std::optional<TimePoint> created_from;  // inclusive
  std::optional<TimePoint> created_to;    // exclusive
  std::optional<bool> overdue;            // an active leg's reply deadline is before `now`
  TimePoint now{};
  std::string text;         // substring of title, content or address
  std::string caller_hash;  // orders by this caller
  int64_t before_id = 0;    // cursor: only ids below this (0 = from the newest)
  int limit = 20;           // 1..200
};

struct OrderPage {
  std::vector<OrderSummary> orders;  // newest first
  int64_t next_cursor = 0;           // pass as before_id for the next page; 0 when no more
};

// An order whose next deadline warning is due (see domain/alarms.h).
struct DueTimer {
  int64_t order_id = 0;
  TimePoint fire_at{};
};

// A warning card as a notice to the unit it concerns (or to the hotline, for dispatch cards).
struct Notice {
  int64_t id = 0;
  TimePoint at{};
  std::string unit_id;  // "" for the hotline
  int64_t order_id = 0;
  int leg = 0;
  domain::CardKind kind = domain::CardKind::kSignYellow;
  TimePoint deadline{};
  int number = 0;
};

// A knowledge point (知识点): a question citizens ask and the answer the hotline gives, with
// its policy basis, the unit that owns it and how long it is valid.
struct KnowledgePoint {
  int64_t id = 0;
  std::string question;
  std::string answer;
  std::string basis;       // 政策依据
  std::string owner_unit;  // the unit responsible for the answer
  std::optional<TimePoint> valid_from;
  std::optional<TimePoint> valid_to;  // exclusive
  std::string status = "published";   // draft | published | retired
  TimePoint created_at{};
  TimePoint updated_at{};
};

// An early warning (预警, SPEC §8) raised by a detector, with its evidence. Its key says what
// and when it is about (kind, subject, day): a later detection of the same key updates the
// evidence instead of raising it again.
struct Warning {
  int64_t id = 0;
  std::string kind;  // high_frequency, sudden_change, one_caller_many, many_callers_one,
                     // repeat_calls
  std::string key;
  std::string title;
  std::string category;     // "" when not about one category
  std::string district;     // "" when city-wide
  TimePoint window_from{};  // the span the evidence covers
  TimePoint window_to{};
  double expected = 0;
  double observed = 0;
  double p_value = 1;  // how unlikely `observed` was (1 for counting detectors)
  std::string explanation;
  std::vector<int64_t> orders;  // the orders behind it
  std::string status = "open";  // open | acknowledged | supervised
  TimePoint created_at{};
  TimePoint updated_at{};
  int64_t acknowledged_by = 0;
  std::optional<TimePoint> acknowledged_at;
  std::string note;
  int64_t supervision_id = 0;  // the 督办 it was turned into
};

struct WarningFilter {
  std::string status;
  std::string kind;
  std::string district;
  std::string category_prefix;
  std::optional<TimePoint> from;  // window_to on or after
  std::optional<TimePoint> to;    // window_from before
  int64_t before_id = 0;
  int limit = 50;
};

// Something outside the hotline that explains or predicts requests: a weather warning, a works
// notice (a heating-pipe test that will vent steam), a planned outage.
struct ExternalEvent {
  int64_t id = 0;
  std::string kind;  // weather | works | outage | other
  std::string title;
  std::string description;
  std::string district;  // "" for the whole city
  std::string category;  // the category it is expected to raise, or ""
  std::string place;
  std::optional<double> lat, lon;
  TimePoint starts_at{};
  TimePoint ends_at{};
  int64_t created_by = 0;
  TimePoint created_at{};
};

// A governance topic an analyst promoted from a candidate: 每月一题 (a problem, by category)
// or 治理类街乡 (a street or township to improve). Its monthly volume is tracked against the
// months before `month`.
struct Topic {
  int64_t id = 0;
  std::string kind;  // monthly | street
  std::string title;
  std::string category;           // monthly: the problem's category
  std::string district;           // monthly: optional area
  std::string unit_id;            // street: the street's unit
  std::string month;              // YYYY-MM it was chosen in
  std::string status = "active";  // active | closed
  std::string note;
  double score = 0;  // the candidate score it was chosen with
  std::vector<int64_t> orders;
  int64_t warning_id = 0;  // when promoted from a warning
  int64_t created_by = 0;
  TimePoint created_at{};
};

// A file that came with an order (a photo, a scanned letter): its metadata. The bytes are kept
// outside the database, named by `sha256` (service/attachments.h).
struct Attachment {
  int64_t id = 0;
  int64_t order_id = 0;
  int leg = 0;  // the leg it came with, or 0
  std::string name;  // as uploaded, UTF-8, no path
  std::string type;  // the sniffed media type: image/jpeg, image/png, image/webp, application/pdf
  int64_t size = 0;
  std::string sha256;  // hex
  int64_t uploaded_by = 0;  // user id; 0 for the citizen on the public page
  std::string uploader;     // username, or "public"
  std::string uploader_role;
  TimePoint uploaded_at{};
};

// One caller's orders (by caller hash), oldest first.
struct CallerOrders {
  std::string caller_hash;
  std::vector<int64_t> orders;
};

// 考核申诉 (appeal) or 不合理诉求 (unreasonable request) claim by a unit about one order.
enum class ClaimKind { kAppeal, kUnreasonable };
enum class ClaimState { kPending, kUpheld, kDismissed };
std::string_view Name(ClaimKind k);
std::optional<ClaimKind> ParseClaimKind(std::string_view s);
std::string_view Name(ClaimState s);
std::optional<ClaimState> ParseClaimState(std::string_view s);

struct Claim {
  int64_t id = 0;
  ClaimKind kind = ClaimKind::kAppeal;
  int64_t order_id = 0;
  std::string unit_id;
  std::string period;  // YYYY-MM: the month of the unit's scores the claim is about
  std::string reason;
  std::string evidence;  // references to attachments, call recordings, photos …
  ClaimState state = ClaimState::kPending;
  int64_t created_by = 0;
  TimePoint created_at{};
  int64_t decided_by = 0;
  std::optional<TimePoint> decided_at;
  std::string decision;  // the supervisor's reason
};

struct ClaimFilter {
  std::optional<ClaimState> state;
  std::string unit_id;
  std::string period;
  int64_t before_id = 0;
  int limit = 50;
};

// One change to a unit's scores, with the figures before and after (JSON documents).
struct ScoreAudit {
  int64_t id = 0;
  TimePoint at{};
  std::string unit_id;
  std::string period;
  int64_t claim_id = 0;
  int64_t order_id = 0;
  int64_t actor_id = 0;
  std::string note;
  std::string before;
  std::string after;
};

// A fact (order, unit, period) taken out of the unit's scores by an upheld claim.
struct Exclusion {
  int64_t order_id = 0;
  std::string unit_id;
  std::string period;
  int64_t claim_id = 0;
};

struct SupervisionFilter {
  std::string unit_id;         // has a part for this unit
  std::optional<bool> closed;  // 办结 or not
  int64_t order_id = 0;        // about this order
  int64_t before_id = 0;       // cursor
  int limit = 50;
};

// A query over the daily rollups: sums of the measures over days [from_day, to_day) grouped by
// some of: day, category (whole code), category1 / category2 (its first one or two levels),
// district, unit, channel; filtered by category prefix, district, unit, channel.
struct RollupQuery {
  int32_t from_day = 0;
  int32_t to_day = 0;
  std::vector<std::string> group_by;
  std::string category_prefix, district, unit, channel;
  int limit = 1000;  // the groups with most requests received, at most this many
};
struct RollupGroup {
  std::vector<std::string> keys;  // in the order of group_by
  domain::RollupMeasures m;
};

// Returns the events opening supervision `id`.
using OpenSupervisionFn = std::function<Result<std::vector<domain::SupervisionEvent>>(int64_t id)>;
// Returns the events to append, given the supervision's current state.
using SupervisionFn =
    std::function<Result<std::vector<domain::SupervisionEvent>>(const domain::Supervision&)>;

struct Created {
  domain::Order order;
  bool replayed = false;  // the idempotency key had been used: this is the earlier order
};

// Returns the events recording a new order with the given id.
using CreateFn = std::function<Result<std::vector<domain::Event>>(int64_t id)>;
// Returns the events to append, given the current state of the named orders (same order).
using UpdateFn =
    std::function<Result<std::vector<domain::Event>>(const std::vector<domain::Order>& orders)>;

class Store {
 public:
  virtual ~Store() = default;

  // Creates an order. With a key already used by the same user: the earlier order with
  // replayed = true if the request hash matches, kConflict if it does not. Errors from `fn`
  // are returned unchanged and nothing is written.
  virtual Result<Created> CreateOrder(const std::optional<IdempotencyKey>& key, CreateFn fn) = 0;
  // The same without waiting: `done` is called once with what CreateOrder would return, when
  // the order is durable (or the write failed). It may run on the store's writer thread, so it
  // must be quick and must not call the store; `fn` runs there too.
  virtual void CreateOrderAsync(const std::optional<IdempotencyKey>& key, CreateFn fn,
                                std::function<void(Result<Created>)> done) = 0;

  // Loads the orders `ids` (kNotFound if one is missing), calls `fn`, appends the events it
  // returns and updates the orders' indexes, all in one transaction. Returns the orders after
  // the change, in the order of `ids`. An error from `fn` is returned and nothing is written.
  virtual Result<std::vector<domain::Order>> UpdateOrders(const std::vector<int64_t>& ids,
                                                          UpdateFn fn) = 0;

  virtual Result<domain::Order> GetOrder(int64_t id) = 0;
  virtual Result<std::vector<domain::Event>> GetEvents(int64_t id) = 0;
  virtual Result<OrderPage> ListOrders(const OrderFilter& filter) = 0;

  // kConflict when the username is taken. Returns the user with its id.
  virtual Result<User> CreateUser(User user) = 0;
  virtual Result<User> FindUserByName(const std::string& username) = 0;
  virtual Result<User> FindUser(int64_t id) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;

  // Durably records an access; returns once it is committed.
  virtual Status RecordAccess(const AccessRecord& record) = 0;
  // The accesses to an order's caller data, newest first, at most `limit`.
  virtual Result<std::vector<AccessRecord>> ListAccess(int64_t order_id, int limit) = 0;

  // --- Deadline warnings. Every order write keeps one timer per order at its next pending
  // warning (domain::NextAlarm), and one notice per card issued.
  // Timers due at `now`, earliest first, at most `limit`.
  virtual Result<std::vector<DueTimer>> DueTimers(TimePoint now, int limit) = 0;
  // Notices for `unit_id` ("" = the hotline's; "*" = all), newest first, below `before_id`.
  virtual Result<std::vector<Notice>> ListNotices(const std::string& unit_id, int64_t before_id,
                                                  int limit) = 0;

  // --- Evaluation facts (domain/score.h), kept by every order write.
  // The unit's leg facts with dispatched_at in [from, to), and its visit facts with the visit
  // in [from, to), in time order.
  virtual Status ScanLegFacts(const std::string& unit_id, TimePoint from, TimePoint to,
                              const std::function<void(const domain::LegFact&)>& fn) = 0;
  virtual Status ScanVisitFacts(const std::string& unit_id, TimePoint from, TimePoint to,
                                const std::function<void(const domain::VisitFact&)>& fn) = 0;

  // --- What text understanding suggested at intake (the `suggested` of each order's received
  // event) beside what the order says now, for orders created in [from, to) with one, by id.
  virtual Status ScanSuggestionOutcomes(
      TimePoint from, TimePoint to, const std::function<void(const SuggestionOutcome&)>& fn) = 0;

  // --- Claims and score audit.
  virtual Result<Claim> CreateClaim(Claim claim) = 0;
  virtual Result<Claim> GetClaim(int64_t id) = 0;
  virtual Result<std::vector<Claim>> ListClaims(const ClaimFilter& filter) = 0;
  // Records the decision on a pending claim (kConflict when it is no longer pending), the
  // exclusion an upheld claim makes and the audit entry, in one transaction.
  virtual Result<Claim> DecideClaim(const Claim& decided, const ScoreAudit& audit) = 0;
  virtual Result<std::vector<Exclusion>> ListExclusions(const std::string& period) = 0;
  virtual Result<std::vector<ScoreAudit>> ListScoreAudit(const std::string& unit_id,
                                                         const std::string& period) = 0;

  // --- Rollups (domain/rollup.h), kept by every order write. Groups ordered by received, most
  // first. kInvalidArgument for an unknown group name or a limit outside 1..100000.
  virtual Result<std::vector<RollupGroup>> QueryRollups(const RollupQuery& q) = 0;

  // --- 督办 supervision orders: same pattern as orders (decide inside the transaction).
  virtual Result<domain::Supervision> CreateSupervision(OpenSupervisionFn fn) = 0;
  virtual Result<domain::Supervision> UpdateSupervision(int64_t id, SupervisionFn fn) = 0;
  virtual Result<domain::Supervision> GetSupervision(int64_t id) = 0;
  virtual Result<std::vector<domain::SupervisionEvent>> GetSupervisionEvents(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<domain::Supervision>> ListSupervisions(
      const SupervisionFilter& filter) = 0;

  // Knowledge base (searched by the service's in-memory index, built from ListKnowledge).
  // Saving with id 0 creates the point; otherwise replaces it (kNotFound when it does not
  // exist).
  Result<KnowledgePoint> SaveKnowledge(KnowledgePoint point) {
    std::vector<KnowledgePoint> one;
    one.push_back(std::move(point));
    JIESU_ASSIGN_OR_RETURN(auto saved, SaveKnowledgePoints(std::move(one)));
    return std::move(saved.front());
  }
  // The same for many points, in one transaction: all are saved or, on an error, none.
  virtual Result<std::vector<KnowledgePoint>> SaveKnowledgePoints(
      std::vector<KnowledgePoint> points) = 0;
  virtual Result<KnowledgePoint> GetKnowledge(int64_t id) = 0;
  // Points with ids above `after_id`, by id, at most `limit` (every status).
  virtual Result<std::vector<KnowledgePoint>> ListKnowledge(int64_t after_id, int limit) = 0;
  virtual Status DeleteKnowledge(int64_t id) = 0;

  // Early warnings. Inserts `w`, or when a warning with its key exists, updates its evidence
  // (title, window, expected, observed, p_value, explanation, orders) and, when it was
  // acknowledged and more is now observed, opens it again. `*created` says which.
  virtual Result<Warning> UpsertWarning(const Warning& w, bool* created) = 0;
  virtual Result<Warning> GetWarning(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<Warning>> ListWarnings(const WarningFilter& filter) = 0;
  // Writes status, acknowledged_by/at, note and supervision_id (kNotFound when missing).
  virtual Result<Warning> UpdateWarningStatus(const Warning& w) = 0;
  // External events: id 0 creates; otherwise replaces (kNotFound when missing).
  virtual Result<ExternalEvent> SaveExternalEvent(ExternalEvent e) = 0;
  virtual Result<ExternalEvent> GetExternalEvent(int64_t id) = 0;
  virtual Status DeleteExternalEvent(int64_t id) = 0;
  // Events whose [starts_at, ends_at] overlaps [from, to), by start.
  virtual Result<std::vector<ExternalEvent>> ListExternalEvents(TimePoint from, TimePoint to,
                                                                int limit) = 0;
  // Topics: id 0 creates; otherwise replaces (kNotFound when missing).
  virtual Result<Topic> SaveTopic(Topic t) = 0;
  virtual Result<Topic> GetTopic(int64_t id) = 0;
  // Newest first; `status` "" for all.
  virtual Result<std::vector<Topic>> ListTopics(const std::string& status) = 0;
  // Callers (by hash) with an order created on or after `active_since` and at least
  // `min_orders` orders created on or after `window_from`, with those orders.
  virtual Result<std::vector<CallerOrders>> FrequentCallers(TimePoint active_since,
                                                            TimePoint window_from, int min_orders,
                                                            int limit) = 0;

  // Attachments' metadata. Adds `a` (its id is assigned) unless `max_by_role` > 0 and the order
  // already has that many from `a.uploader_role` (kConflict); the check and the insert are one
  // transaction. REQUIRES: the file named by a.sha256 is durable before this is called.
  virtual Result<Attachment> AddAttachment(Attachment a, int max_by_role) = 0;
  virtual Result<Attachment> GetAttachment(int64_t id) = 0;
  // An order's attachments, by id.
  virtual Result<std::vector<Attachment>> ListAttachments(int64_t order_id) = 0;

  virtual Status SaveSession(const Session& session) = 0;
  // kNotFound when no such session exists or it expired before `now`.
  virtual Result<Session> FindSession(const std::string& token_hash, TimePoint now) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
};

}  // namespace jiesu::storage
