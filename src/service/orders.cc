#include "service/orders.h"

#include <algorithm>
#include <cstdio>

#include "base/wait.h"

namespace jiesu::service {

std::string Orders::CodeFor(int64_t id, TimePoint t) const {
  std::string date = FormatDate(LocalDate(t, j_.utc_offset_minutes));
  date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
  char buf[64];
  std::snprintf(buf, sizeof buf, "JS%s%08lld", date.c_str(), static_cast<long long>(id));
  return buf;
}

bool Orders::Visible(const domain::Actor& actor, const domain::Order& o) const {
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role == nullptr) return false;
  if (!role->unit_scoped) return true;
  return std::any_of(o.legs.begin(), o.legs.end(),
                     [&](const domain::Leg& l) { return l.unit_id == actor.unit_id; });
}

Result<storage::Created> Orders::Intake(const domain::Actor& actor, domain::OrderDraft draft,
                                        const std::string& idempotency_key,
                                        const std::string& request_hash) {
  return WaitFor<Result<storage::Created>>([&](std::function<void(Result<storage::Created>)> done) {
    IntakeAsync(
        actor, std::move(draft), idempotency_key, request_hash,
        [](std::function<void()> f) { f(); }, std::move(done));
  });
}

void Orders::IntakeAsync(const domain::Actor& actor, domain::OrderDraft draft,
                         const std::string& idempotency_key, const std::string& request_hash,
                         Post post, std::function<void(Result<storage::Created>)> done) {
  draft.caller.phone_hash = hasher_.Hash(draft.caller.phone);
  std::optional<storage::IdempotencyKey> key;
  if (!idempotency_key.empty())
    key = storage::IdempotencyKey{actor.user_id, idempotency_key, request_hash};
  const TimePoint now = clock_.Now();
  draft.suggested = {};
  if (suggester_ != nullptr) {
    draft.suggested = suggester_->Summarize(
        suggester_->Suggest(draft.title + " " + draft.content, draft.location.address, now,
                            draft.location.lat, draft.location.lon));
  }
  auto decide = [this, actor, now, draft = std::move(draft)](int64_t id) {
    return domain::DecideIntake(id, CodeFor(id, now), draft, actor, domain::Context{j_, now});
  };
  // On the writer thread: hand the result over at once; the rest runs where `post` says.
  auto finish = [this, actor, done = std::move(done)](Result<storage::Created> created) {
    if (created.ok() && created->replayed && !Visible(actor, created->order)) {
      done(NotFound("order not found"));
      return;
    }
    if (created.ok() && !created->replayed && suggester_ != nullptr) {
      suggester_->Remember(created->order.id, created->order.draft, created->order.created_at);
    }
    done(std::move(created));
  };
  store_.CreateOrderAsync(
      key, std::move(decide),
      [post = std::move(post), finish = std::move(finish)](Result<storage::Created> r) mutable {
        post([finish = std::move(finish), r = std::move(r)]() mutable { finish(std::move(r)); });
      });
}

Result<domain::Order> Orders::Act(const domain::Actor& actor, int64_t order_id,
                                  const domain::Command& cmd) {
  std::vector<int64_t> ids{order_id};
  if (cmd.action == domain::Action::kMerge) {
    if (cmd.parent_order <= 0) return InvalidArgument("parent order id is required", "parent");
    if (cmd.parent_order == order_id)
      return InvalidArgument("an order cannot merge into itself", "parent");
    ids.push_back(cmd.parent_order);
  }
  if (!cmd.attachments.empty()) {
    // Attachments are never moved or deleted, so checking them before the write is enough.
    JIESU_RETURN_IF_ERROR(Get(actor, order_id));
    if (cmd.attachments.size() > 20) {
      return InvalidArgument("at most 20 attachments go with one reply", "attachments");
    }
    for (size_t i = 0; i < cmd.attachments.size(); ++i) {
      const int64_t a = cmd.attachments[i];
      if (std::find(cmd.attachments.begin(), cmd.attachments.begin() + i, a) !=
          cmd.attachments.begin() + i) {
        return InvalidArgument("attachment " + std::to_string(a) + " is named twice",
                               "attachments");
      }
      auto file = store_.GetAttachment(a);
      if (!file.ok() || file->order_id != order_id) {
        return InvalidArgument("attachment " + std::to_string(a) + " is not one of this order's",
                               "attachments");
      }
    }
  }
  const TimePoint now = clock_.Now();
  auto result = store_.UpdateOrders(
      ids, [&](const std::vector<domain::Order>& orders) -> Result<std::vector<domain::Event>> {
        for (const auto& o : orders) {
          if (!Visible(actor, o)) return NotFound("order " + std::to_string(o.id) + " not found");
        }
        return domain::Decide(orders[0], cmd, actor, domain::Context{j_, now},
                              orders.size() > 1 ? &orders[1] : nullptr);
      });
  if (!result.ok()) return result.error();
  return std::move(result->front());
}

Result<domain::Order> Orders::Get(const domain::Actor& actor, int64_t order_id) {
  auto o = store_.GetOrder(order_id);
  if (!o.ok()) return o.error();
  if (!Visible(actor, *o)) return NotFound("order " + std::to_string(order_id) + " not found");
  return o;
}

Status Orders::NoteCallerShown(const domain::Actor& actor, const domain::Order& o) {
  if (domain::CallerViewFor(j_, actor.role, o.draft.confidential) != domain::CallerView::kFull)
    return Ok();
  const auto has_identity = [](const domain::Caller& c) {
    return !c.name.empty() || !c.phone.empty();
  };
  if (!has_identity(o.draft.caller) &&
      std::none_of(o.extra_callers.begin(), o.extra_callers.end(), has_identity)) {
    return Ok();
  }
  return store_.RecordAccess(
      {0, clock_.Now(), actor.user_id, actor.username, actor.role, "view_caller", o.id});
}

Result<std::vector<storage::AccessRecord>> Orders::CallerAccessLog(const domain::Actor& actor,
                                                                   int64_t order_id, int limit) {
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role == nullptr || !role->view_audit)
    return Forbidden("role '" + actor.role + "' may not read the access log");
  JIESU_RETURN_IF_ERROR(store_.GetOrder(order_id));
  return store_.ListAccess(order_id, limit);
}

Result<std::vector<domain::Event>> Orders::History(const domain::Actor& actor, int64_t order_id) {
  JIESU_RETURN_IF_ERROR(Get(actor, order_id));
  return store_.GetEvents(order_id);
}

Result<storage::OrderPage> Orders::List(const domain::Actor& actor, storage::OrderFilter filter) {
  const domain::RoleDef* role = j_.roles.Find(actor.role);
  if (role == nullptr) return Forbidden("unknown role");
  if (role->unit_scoped) {
    if (!filter.unit.empty() && filter.unit != actor.unit_id) {
      return Forbidden("a unit user may list only its own unit's orders");
    }
    filter.unit = actor.unit_id;
  }
  filter.now = clock_.Now();
  if (!filter.category_prefix.empty()) {
    const auto& all = j_.taxonomy.all();
    const std::string& p = filter.category_prefix;
    filter.category_is_leaf =
        j_.taxonomy.Find(p) != nullptr &&
        std::none_of(all.begin(), all.end(), [&](const domain::Category& c) {
          return c.code.size() > p.size() && c.code.compare(0, p.size(), p) == 0;
        });
  }
  return store_.ListOrders(filter);
}

}  // namespace jiesu::service
