// Rollups (SPEC §8): what one order contributes to the daily counts that dashboards read, as a
// pure function of the order. The store keeps the sum of every order's contribution in the
// same transaction as the order's events (subtracting what the order contributed before), so
// dashboard queries never scan orders, and the sums can be recomputed from the event log.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"
#include "domain/order.h"

namespace jiesu::domain {

// Duration buckets (to complete, sign, reply), upper bounds in hours (the last is open-ended).
inline constexpr std::array<int, 7> kDurationBucketHours = {1, 4, 24, 72, 168, 360, 720};
inline constexpr size_t kDurationBuckets = kDurationBucketHours.size() + 1;

struct RollupKey {
  int32_t day = 0;  // local civil date as days since 1970-01-01
  std::string category;
  std::string district;
  std::string unit;  // lead unit of the latest dispatch; "" before any
  std::string channel;
  auto operator<=>(const RollupKey&) const = default;
};

struct RollupMeasures {
  int64_t received = 0;
  int64_t completed = 0;          // closed or answered directly, on this day
  int64_t completed_ms = 0;       // Σ time from receipt to completion
  int64_t completed_on_time = 0;  // completed by the lead leg's reply deadline (or undispatched)
  std::array<int64_t, kDurationBuckets> buckets{};  // completions by time taken
  // The lead leg of the latest dispatch: signed (签收) and replied (办结反馈) on this day, with
  // the time from its dispatch and the same buckets.
  int64_t signed_count = 0;
  int64_t signed_ms = 0;
  std::array<int64_t, kDurationBuckets> sign_buckets{};
  int64_t replied = 0;
  int64_t replied_ms = 0;
  std::array<int64_t, kDurationBuckets> reply_buckets{};
  RollupMeasures& operator+=(const RollupMeasures& o);
  RollupMeasures Negated() const;
  bool operator==(const RollupMeasures&) const = default;
};

struct RollupRow {
  RollupKey key;
  RollupMeasures m;
};

// Requests received per requester tag (an order with two tags counts under each).
struct TagRow {
  int32_t day = 0;
  std::string tag;
  std::string category;
  std::string district;
  auto operator<=>(const TagRow&) const = default;
};

struct Contribution {
  std::vector<RollupRow> rows;
  std::vector<TagRow> tags;
};

Contribution ContributionOf(const Order& o, int utc_offset_minutes);

// The bucket of a duration: the first upper bound it is under, or the open-ended last one.
size_t DurationBucket(int64_t ms);

}  // namespace jiesu::domain
