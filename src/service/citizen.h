// The public citizen page's use cases (no log-in): a challenge that proves work instead of a
// captcha service, submitting a request, following it with its tracking code, and the open
// requests near a place (SPEC §1, §9).
//
// A request made here is an order of channel `web`, taken by the jurisdiction's public role
// (RoleDef::is_public). Its citizen gets the order's tracking code and an access key: a keyed
// MAC of the code, so the server stores nothing more and no one can derive it from the
// (sequential) code. A request taken by phone is followed with the code and the caller's
// phone number instead. Nothing returned here carries a caller's name or phone.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "service/orders.h"

namespace jiesu::service {

struct CitizenOptions {
  // Leading zero bits of SHA-256(challenge ":" nonce) a submission must show: 2^bits hashes
  // on average (16: ~65,000, well under a second in a phone's browser).
  int challenge_bits = 16;
  std::chrono::seconds challenge_ttl{600};
  std::chrono::days nearby_window{30};
};

struct Challenge {
  std::string token;  // "<expiry ms>.<random hex>.<mac hex>"
  int bits = 0;
  TimePoint expires_at{};
};

struct CitizenRequest {
  std::string content;
  domain::Location location;
  std::string name;
  std::string phone;
  bool confidential = false;
  std::string challenge;  // a Challenge::token
  std::string nonce;      // the work that answers it
};

// The citizen's own evaluation of the handling (SPEC §4), made on the public page.
struct CitizenRating {
  domain::Satisfaction satisfaction = domain::Satisfaction::kSatisfied;
  bool solved = false;
  bool contacted = false;  // the unit contacted the citizen
  std::string comment;
  bool reopen = false;  // 重办: send it back to the unit (only with kUnsatisfied)
};

// What the citizen may do with a request now.
struct RatingOffer {
  bool can_rate = false;
  std::optional<TimePoint> reopen_until;  // null: a rating cannot ask for 重办
  bool can_reopen = false;                // reopen_until has not passed
};

struct Submitted {
  domain::Order order;
  std::string access_key;
  bool replayed = false;
};

// An open request near a place, as anyone may see it: no caller, no unit staff, and only a
// short excerpt of the text with long digit runs (phone and ID numbers) masked.
struct NearbyRequest {
  std::string code;
  std::string category;  // taxonomy code
  std::string street_code;
  std::string district_code;
  domain::OrderState state = domain::OrderState::kReceived;
  TimePoint created_at{};
  std::string excerpt;
  bool similar_text = false;  // the duplicate finder thinks it is about the same thing
};

class Citizen {
 public:
  // `suggester` may be null: nearby requests are then found by place only.
  Citizen(Orders& orders, const CallerHasher& hasher, const Clock& clock, Suggester* suggester,
          CitizenOptions options = {});

  // kNotFound when the jurisdiction has no public role (no public page).
  Result<Challenge> NewChallenge();
  // Checks the challenge (signed, unexpired, unused, enough work), then takes the request.
  // A retry with the same idempotency key and body returns the first order.
  Result<Submitted> Submit(CitizenRequest r, const std::string& idempotency_key,
                           const std::string& request_hash);
  // The order behind `code` when `access_key` is its key or `phone` its caller's number;
  // kNotFound otherwise (the same answer as for a code that does not exist).
  Result<domain::Order> Track(const std::string& code, const std::string& access_key,
                              const std::string& phone);
  Result<std::vector<domain::Event>> History(const domain::Order& order);
  // Records the citizen's rating of the request behind `code` (authenticated as Track does,
  // with the same kNotFound) as the return visit of its round: a kVisit of channel web by the
  // public role, through the lifecycle (domain::CitizenMayRate says when it is refused).
  // kForbidden when the jurisdiction's public role may not visit (its page takes no ratings).
  Result<domain::Order> Rate(const std::string& code, const std::string& access_key,
                             const std::string& phone, const CitizenRating& rating);
  // Whether `order` may be rated now, and until when a rating may ask for 重办.
  RatingOffer Offer(const domain::Order& order) const;
  // Open requests of the last `nearby_window` in the street (else the district) of
  // `location`, those whose text the duplicate finder matches with `text` first; at most 10.
  Result<std::vector<NearbyRequest>> Nearby(const domain::Location& location,
                                            const std::string& text);

  std::string AccessKeyFor(const std::string& code) const;
  // The nonce that answers `token` (what the page computes; for tests and tools).
  static std::string Solve(const std::string& token, int bits);

 private:
  Result<domain::Actor> PublicActor() const;
  // `retry` ("<idempotency key> <request hash>", or empty) lets the retry of a submission
  // present the challenge it used once more, so that intake can answer it with the first order.
  Status CheckChallenge(const std::string& token, const std::string& nonce,
                        const std::string& retry);

  Orders& orders_;
  const CallerHasher& hasher_;
  const Clock& clock_;
  Suggester* suggester_;
  CitizenOptions options_;
  std::mutex mu_;
  struct Used {
    TimePoint expires_at{};
    std::string retry;
  };
  std::unordered_map<std::string, Used> used_;  // answered challenges, until they expire
};

}  // namespace jiesu::service
