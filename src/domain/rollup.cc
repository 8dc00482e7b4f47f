#include "domain/rollup.h"

namespace jiesu::domain {

RollupMeasures& RollupMeasures::operator+=(const RollupMeasures& o) {
  received += o.received;
  completed += o.completed;
  completed_ms += o.completed_ms;
  completed_on_time += o.completed_on_time;
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += o.buckets[i];
  signed_count += o.signed_count;
  signed_ms += o.signed_ms;
  for (size_t i = 0; i < sign_buckets.size(); ++i) sign_buckets[i] += o.sign_buckets[i];
  replied += o.replied;
  replied_ms += o.replied_ms;
  for (size_t i = 0; i < reply_buckets.size(); ++i) reply_buckets[i] += o.reply_buckets[i];
  return *this;
}

RollupMeasures RollupMeasures::Negated() const {
  RollupMeasures n;
  n.received = -received;
  n.completed = -completed;
  n.completed_ms = -completed_ms;
  n.completed_on_time = -completed_on_time;
  n.signed_count = -signed_count;
  n.signed_ms = -signed_ms;
  n.replied = -replied;
  n.replied_ms = -replied_ms;
  for (size_t i = 0; i < kDurationBuckets; ++i) {
    n.buckets[i] = -buckets[i];
    n.sign_buckets[i] = -sign_buckets[i];
    n.reply_buckets[i] = -reply_buckets[i];
  }
  return n;
}

size_t DurationBucket(int64_t ms) {
  size_t b = 0;
  while (b < kDurationBucketHours.size() && ms >= int64_t{kDurationBucketHours[b]} * 3'600'000) {
    ++b;
  }
  return b;
}

Contribution ContributionOf(const Order& o, int offset) {
  Contribution c;
  if (o.id == 0 || o.state == OrderState::kMerged) return c;  // a merged duplicate counts once
  auto day = [&](TimePoint t) {
    return static_cast<int32_t>(LocalDate(t, offset).time_since_epoch().count());
  };
  const Leg* lead = o.LeadLeg();
  RollupKey key{day(o.created_at), o.draft.category, o.draft.location.district_code,
                lead != nullptr ? lead->unit_id : std::string(),
                std::string(Name(o.draft.channel))};
  RollupRow received{key, {}};
  received.m.received = 1;
  c.rows.push_back(received);
  if (o.completed_at &&
      (o.state == OrderState::kClosed || o.state == OrderState::kAnsweredDirectly)) {
    RollupRow done{key, {}};
    done.key.day = day(*o.completed_at);
    const int64_t ms = std::max<int64_t>(0, (*o.completed_at - o.created_at).count());
    done.m.completed = 1;
    done.m.completed_ms = ms;
    done.m.completed_on_time =
        (lead == nullptr || !lead->replied_at || *lead->replied_at <= lead->reply_due) ? 1 : 0;
    done.m.buckets[DurationBucket(ms)] = 1;
    c.rows.push_back(done);
  }
  if (lead != nullptr && lead->signed_at) {
    RollupRow sign{key, {}};
    sign.key.day = day(*lead->signed_at);
    const int64_t ms = std::max<int64_t>(0, (*lead->signed_at - lead->dispatched_at).count());
    sign.m.signed_count = 1;
    sign.m.signed_ms = ms;
    sign.m.sign_buckets[DurationBucket(ms)] = 1;
    c.rows.push_back(sign);
  }
  if (lead != nullptr && lead->replied_at) {
    RollupRow reply{key, {}};
    reply.key.day = day(*lead->replied_at);
    const int64_t ms = std::max<int64_t>(0, (*lead->replied_at - lead->dispatched_at).count());
    reply.m.replied = 1;
    reply.m.replied_ms = ms;
    reply.m.reply_buckets[DurationBucket(ms)] = 1;
    c.rows.push_back(reply);
  }
  for (const auto& t : o.draft.requester_tags) {
    c.tags.push_back(TagRow{key.day, t, o.draft.category, o.draft.location.district_code});
  }
  return c;
}

}  // namespace jiesu::domain
