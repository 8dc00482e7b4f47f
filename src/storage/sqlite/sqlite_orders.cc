// SqliteStore: orders — created and changed by their events in the writer's transaction, with
// their rows in orders and legs, and read back by replaying the events.
#include <algorithm>
#include <memory>

#include "base/wait.h"
#include "domain/lifecycle.h"
#include "storage/event_codec.h"
#include "storage/sqlite/order_rows.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::storage::sqlite {
namespace {

using domain::Event;
using domain::Order;

constexpr Query kNextOrderId{"next_order_id", "SELECT COALESCE(MAX(id), 0) + 1 FROM orders"};
constexpr Query kInsertOrder{"insert_order", R"sql(
INSERT INTO orders (id, code, state, channel, urgency, request_type, category, district, street,
                    title, content, address, confidential, caller_hash, created_at, updated_at,
                    reply_due, version, cat1, cat2)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        substr(?7, 1, 2), substr(?7, 1, 4)))sql"};
constexpr Query kUpdateOrder{"update_order", R"sql(
UPDATE orders SET state = ?2, category = ?3, cat1 = substr(?3, 1, 2), cat2 = substr(?3, 1, 4),
                  updated_at = ?4, reply_due = ?5, version = ?6
WHERE id = ?1)sql"};
constexpr Query kUpsertLeg{"upsert_leg", R"sql(
INSERT INTO legs (order_id, no, unit_id, role, state, sign_due, reply_due)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (order_id, no) DO UPDATE SET state = excluded.state, reply_due = excluded.reply_due)sql"};
constexpr Query kInsertEvent{"insert_event", R"sql(
INSERT INTO events (order_id, seq, type, leg, at, actor_id, actor_role, body)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql"};
constexpr Query kSelectEvents{"select_events",
                              "SELECT seq, body FROM events WHERE order_id = ?1 ORDER BY seq"};
constexpr Query kSelectIdem{
    "select_idem",
    "SELECT request_hash, order_id FROM idempotency WHERE user_id = ?1 AND key = ?2"};
constexpr Query kInsertIdem{"insert_idem", R"sql(
INSERT INTO idempotency (user_id, key, request_hash, order_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5))sql"};

std::optional<int64_t> EarliestReplyDue(const Order& o) {
  std::optional<int64_t> due;
  for (const auto& l : o.legs) {
    if (!domain::IsActive(l.state)) continue;
    int64_t d = ToUnixMillis(l.reply_due);
    if (!due || d < *due) due = d;
  }
  return due;
}

Status InsertEvents(Connection& c, const std::vector<Event>& events) {
  for (const Event& e : events) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertEvent));
    st->Bind(1, e.order_id)
        .Bind(2, e.seq)
        .Bind(3, domain::Name(e.type))
        .Bind(4, int64_t{e.leg})
        .Bind(5, ToUnixMillis(e.at))
        .Bind(6, e.actor.user_id)
        .Bind(7, e.actor.role)
        .Bind(8, EncodeEvent(e));
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  return Ok();
}

Status UpsertLegs(Connection& c, const Order& o) {
  for (const auto& l : o.legs) {
    JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kUpsertLeg));
    st->Bind(1, o.id)
        .Bind(2, int64_t{l.no})
        .Bind(3, l.unit_id)
        .Bind(4, domain::Name(l.role))
        .Bind(5, domain::Name(l.state))
        .Bind(6, ToUnixMillis(l.sign_due))
        .Bind(7, ToUnixMillis(l.reply_due));
    JIESU_RETURN_IF_ERROR(st->Run());
  }
  return Ok();
}

Status InsertOrderRow(Connection& c, const Order& o) {
  const auto& d = o.draft;
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertOrder));
  st->Bind(1, o.id)
      .Bind(2, o.code)
      .Bind(3, domain::Name(o.state))
      .Bind(4, domain::Name(d.channel))
      .Bind(5, domain::Name(d.urgency))
      .Bind(6, domain::Name(d.request_type))
      .Bind(7, d.category)
      .Bind(8, d.location.district_code)
      .Bind(9, d.location.street_code)
      .Bind(10, d.title)
      .Bind(11, d.content)
      .Bind(12, d.location.address)
      .Bind(13, int64_t{d.confidential})
      .Bind(14, d.caller.phone_hash)
      .Bind(15, ToUnixMillis(o.created_at))
      .Bind(16, ToUnixMillis(o.updated_at))
      .Bind(17, EarliestReplyDue(o))
      .Bind(18, o.version);
  JIESU_RETURN_IF_ERROR(st->Run());
  return UpsertLegs(c, o);
}

Status UpdateOrderRow(Connection& c, const Order& o) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kUpdateOrder));
  st->Bind(1, o.id)
      .Bind(2, domain::Name(o.state))
      .Bind(3, o.draft.category)
      .Bind(4, ToUnixMillis(o.updated_at))
      .Bind(5, EarliestReplyDue(o))
      .Bind(6, o.version);
  JIESU_RETURN_IF_ERROR(st->Run());
  return UpsertLegs(c, o);
}

}  // namespace

Result<std::vector<Event>> LoadEvents(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSelectEvents));
  st->Bind(1, id);
  std::vector<Event> events;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    JIESU_ASSIGN_OR_RETURN(Event e, DecodeEvent(id, st->Int(0), st->Text(1)));
    events.push_back(std::move(e));
  }
  if (events.empty()) return NotFound("order " + std::to_string(id) + " does not exist");
  return events;
}

Result<Order> LoadOrder(Connection& c, int64_t id) {
  JIESU_ASSIGN_OR_RETURN(auto events, LoadEvents(c, id));
  return domain::Replay(events);
}

// Without a savepoint: everything that can refuse the order (the idempotency key, `fn`'s
// decision, the sequence checks) does so before the first change.
Result<Created> SqliteStore::CreateOrder(const std::optional<IdempotencyKey>& key, CreateFn fn) {
  return WaitFor<Result<Created>>([&](std::function<void(Result<Created>)> done) {
    CreateOrderAsync(key, std::move(fn), std::move(done));
  });
}

void SqliteStore::CreateOrderAsync(const std::optional<IdempotencyKey>& key, CreateFn fn,
                                   std::function<void(Result<Created>)> done) {
  // The write fills `created` on the writer thread; `done` reads it after the commit.
  auto created = std::make_shared<Created>();
  WriteAsync(
      [this, created, key, fn = std::move(fn)](Connection& c) -> Status {
        if (key) {
          JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kSelectIdem));
          st->Bind(1, key->user_id).Bind(2, key->key);
          JIESU_ASSIGN_OR_RETURN(bool found, st->Step());
          if (found) {
            if (st->Text(0) != key->request_hash) {
              return Conflict(
                  "Idempotency-Key '" + key->key + "' was already used for a different request",
                  "Idempotency-Key");
            }
            int64_t existing = st->Int(1);
            st.reset();
            JIESU_ASSIGN_OR_RETURN(created->order, LoadOrder(c, existing));
            created->replayed = true;
            return Ok();
          }
        }
        int64_t id = 0;
        {
          JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kNextOrderId));
          JIESU_ASSIGN_OR_RETURN(bool row, st->Step());
          if (!row) return Internal("no next order id");
          id = st->Int(0);
        }
        JIESU_ASSIGN_OR_RETURN(std::vector<Event> events, fn(id));
        if (events.empty() || events.front().type != domain::EventType::kReceived) {
          return Internal("a new order's history must start with a 'received' event");
        }
        Order o;
        for (const Event& e : events) {
          if (e.order_id != id || e.seq != o.version + 1) return Internal("event out of sequence");
          domain::Apply(o, e);
        }
        JIESU_RETURN_IF_ERROR(InsertOrderRow(c, o));
        JIESU_RETURN_IF_ERROR(InsertEvents(c, events));
        std::vector<const Event*> appended;
        for (const Event& e : events) appended.push_back(&e);
        JIESU_RETURN_IF_ERROR(WriteDerived(c, nullptr, o, appended, Gathered()));
        if (key) {
          JIESU_ASSIGN_OR_RETURN(auto st, c.Prepare(kInsertIdem));
          st->Bind(1, key->user_id)
              .Bind(2, key->key)
              .Bind(3, key->request_hash)
              .Bind(4, id)
              .Bind(5, ToUnixMillis(o.created_at));
          JIESU_RETURN_IF_ERROR(st->Run());
        }
        created->order = std::move(o);
        created->replayed = false;
        return Ok();
      },
      Undo::kNoneUnlessPartial,
      [created, done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(s.error());
        } else {
          done(std::move(*created));
        }
      });
}

Result<int64_t> SqliteStore::RebuildDerivedTables() {
  int64_t n = 0;
  Status s = Write([&](Connection& c) -> Status {
    // Inside the writer's transaction: RebuildDerived must not open its own.
    JIESU_ASSIGN_OR_RETURN(n, RebuildDerivedIn(
                                  c, [&](int64_t id) { return LoadOrder(c, id); }, Derived()));
    // The rebuilt tables hold every change so far: nothing gathered is to be added again.
    taken_rollups_ += std::move(pending_rollups_);
    batch_rollups_.clear();
    return Ok();
  });
  if (!s.ok()) return s.error();
  return n;
}

// Without a savepoint, as CreateOrder: loading and deciding come before the first change.
Result<std::vector<Order>> SqliteStore::UpdateOrders(const std::vector<int64_t>& ids, UpdateFn fn) {
  std::vector<Order> orders;
  Status s = Write(
      [&](Connection& c) -> Status {
        orders.clear();
        for (int64_t id : ids) {
          JIESU_ASSIGN_OR_RETURN(Order o, LoadOrder(c, id));
          orders.push_back(std::move(o));
        }
        JIESU_ASSIGN_OR_RETURN(std::vector<Event> events, fn(orders));
        const std::vector<Order> before = orders;  // the rollups change by after − before
        std::vector<bool> changed(orders.size(), false);
        for (const Event& e : events) {
          auto it = std::find(ids.begin(), ids.end(), e.order_id);
          if (it == ids.end()) return Internal("event for an order not in the update");
          size_t i = static_cast<size_t>(it - ids.begin());
          if (e.seq != orders[i].version + 1) return Internal("event out of sequence");
          domain::Apply(orders[i], e);
          changed[i] = true;
        }
        JIESU_RETURN_IF_ERROR(InsertEvents(c, events));
        for (size_t i = 0; i < orders.size(); ++i) {
          if (!changed[i]) {
            // Nothing happened to it, but whoever asked may have found its timer stale.
            if (events.empty()) {
              JIESU_RETURN_IF_ERROR(WriteDerived(c, &before[i], orders[i], {}, Gathered()));
            }
            continue;
          }
          JIESU_RETURN_IF_ERROR(UpdateOrderRow(c, orders[i]));
          std::vector<const Event*> appended;
          for (const Event& e : events) {
            if (e.order_id == orders[i].id) appended.push_back(&e);
          }
          JIESU_RETURN_IF_ERROR(WriteDerived(c, &before[i], orders[i], appended, Gathered()));
        }
        return Ok();
      },
      Undo::kNoneUnlessPartial);
  if (!s.ok()) return s.error();
  return orders;
}

Result<Order> SqliteStore::GetOrder(int64_t id) {
  auto r = AcquireReader();
  return LoadOrder(*r, id);
}

Result<std::vector<Event>> SqliteStore::GetEvents(int64_t id) {
  auto r = AcquireReader();
  return LoadEvents(*r, id);
}

}  // namespace jiesu::storage::sqlite
