// The order use cases: intake, transitions, reading and listing, with the visibility rules
// of SPEC §9 (a unit-scoped role sees only orders that have a leg of its unit). Thin: the
// rules live in domain/, persistence in storage/. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "domain/lifecycle.h"
#include "service/auth.h"
#include "service/suggest.h"
#include "storage/store.h"

namespace jiesu::service {

class Orders {
 public:
  Orders(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
         const CallerHasher& hasher)
      : store_(store), j_(j), clock_(clock), hasher_(hasher) {}

  // With a suggester, intake stores its suggestion in the order (OrderDraft::suggested) and
  // adds the order to its duplicate index. Set once, before serving.
  void set_suggester(Suggester* s) { suggester_ = s; }

  // Records a new order. `idempotency_key` (may be empty) with `request_hash` makes a retry
  // return the first order (Created::replayed).
  Result<storage::Created> Intake(const domain::Actor& actor, domain::OrderDraft draft,
                                  const std::string& idempotency_key,
                                  const std::string& request_hash);
  // The same without waiting for the durable commit: the suggestion is made on the calling
  // thread, the write is queued, and `done` gets the result through `post`, which must run
  // what it is given soon on a thread of the caller's choosing (it is called on the store's
  // writer thread, so it must not run heavy work there).
  using Post = std::function<void(std::function<void()>)>;
  void IntakeAsync(const domain::Actor& actor, domain::OrderDraft draft,
                   const std::string& idempotency_key, const std::string& request_hash, Post post,
                   std::function<void(Result<storage::Created>)> done);

  // Applies one transition. kNotFound when the order (or, for merge, the parent) does not
  // exist or is not visible to the actor.
  Result<domain::Order> Act(const domain::Actor& actor, int64_t order_id,
                            const domain::Command& cmd);

  Result<domain::Order> Get(const domain::Actor& actor, int64_t order_id);
  Result<std::vector<domain::Event>> History(const domain::Actor& actor, int64_t order_id);
  // Unit-scoped actors are limited to their unit whatever the filter says.
  Result<storage::OrderPage> List(const domain::Actor& actor, storage::OrderFilter filter);

  // Records that `actor` was shown the caller identity of `order`, when it was: a role that
  // sees callers in full, and an order with a caller name or number (SPEC §9). Call it
  // whenever an order is shown, before the response leaves.
  Status NoteCallerShown(const domain::Actor& actor, const domain::Order& order);
  // Who was shown an order's caller, newest first: roles with view_audit only.
  Result<std::vector<storage::AccessRecord>> CallerAccessLog(const domain::Actor& actor,
                                                             int64_t order_id, int limit);

  // The public tracking code of order `id` created at `t`: "JS" + local date + 8-digit id.
  std::string CodeFor(int64_t id, TimePoint t) const;

  const domain::Jurisdiction& jurisdiction() const { return j_; }
  const CallerHasher& hasher() const { return hasher_; }
  const Clock& clock() const { return clock_; }
  storage::Store& store() const { return store_; }

 private:
  bool Visible(const domain::Actor& actor, const domain::Order& o) const;

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  const CallerHasher& hasher_;
  Suggester* suggester_ = nullptr;
};

}  // namespace jiesu::service
