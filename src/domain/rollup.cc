#include "domain/rollup.h"

namespace jiesu::domain {

RollupMeasures& RollupMeasures::operator+=(const RollupMeasures& o) {
  received += o.received;
  completed += o.completed;
  completed_ms += o.completed_ms;
  completed_on_time += o.completed_on_time;
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += o.buckets[i];
  return *this;
}

RollupMeasures RollupMeasures::Negated() const {
  RollupMeasures n;
  n += *this;
  n.received = -n.received;
  n.completed = -n.completed;
  n.completed_ms = -n.completed_ms;
  n.completed_on_time = -n.completed_on_time;
  for (auto& b : n.buckets) b = -b;
  return n;
}

Contribution ContributionOf(const Order& o, int offset) {
  Contribution c;
  if (o.id == 0 || o.state == OrderState::kMerged) return c;  // a merged duplicate counts once
  auto day = [&](TimePoint t) {
    return static_cast<int32_t>(LocalDate(t, offset).time_since_epoch().count());
  };
  const Leg* lead = o.LeadLeg();
  RollupKey key{day(o.created_at), o.draft.category, o.draft.location.district_code,
                lead != nullptr ? lead->unit_id : std::string(), std::string(Name(o.draft.channel))};
  RollupRow received{key, {}};
  received.m.received = 1;
  c.rows.push_back(received);
  if (o.completed_at && (o.state == OrderState::kClosed || o.state == OrderState::kAnsweredDirectly)) {
    RollupRow done{key, {}};
    done.key.day = day(*o.completed_at);
    const int64_t ms = std::max<int64_t>(0, (*o.completed_at - o.created_at).count());
    done.m.completed = 1;
    done.m.completed_ms = ms;
    done.m.completed_on_time = (lead == nullptr || !lead->replied_at ||
                                *lead->replied_at <= lead->reply_due)
                                   ? 1
                                   : 0;
    size_t b = 0;
    while (b < kDurationBucketHours.size() &&
           ms >= int64_t{kDurationBucketHours[b]} * 3'600'000) {
      ++b;
    }
    done.m.buckets[b] = 1;
    c.rows.push_back(done);
  }
  for (const auto& t : o.draft.requester_tags) {
    c.tags.push_back(TagRow{key.day, t, o.draft.category, o.draft.location.district_code});
  }
  return c;
}

}  // namespace jiesu::domain
