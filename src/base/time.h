// Instants, civil dates and the injectable clock.
//
// An instant is milliseconds since the Unix epoch (UTC). Civil dates and times of day are
// always interpreted in a jurisdiction's fixed UTC offset: China has one time zone and no
// daylight saving, so a fixed offset (minutes east of UTC, default +480) is exact there.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace jiesu {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;
using Date = std::chrono::sys_days;  // a civil date (no time zone attached)

inline int64_t ToUnixMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromUnixMillis(int64_t ms) { return TimePoint(Millis(ms)); }

// The civil date on which instant `t` falls at UTC offset `offset_minutes`.
Date LocalDate(TimePoint t, int offset_minutes);
// The instant at which civil date `d` begins (00:00 local) at `offset_minutes`.
TimePoint StartOfLocalDay(Date d, int offset_minutes);

// "2025-09-30" → Date. Errors name the text.
Result<Date> ParseDate(std::string_view text);
std::string FormatDate(Date d);

// RFC 3339 instants: "2025-09-30T10:00:00+08:00", "...Z", optional fraction of seconds.
Result<TimePoint> ParseRfc3339(std::string_view text);
// Formats in the given offset with milliseconds only when non-zero: "2025-09-30T10:00:00+08:00".
std::string FormatRfc3339(TimePoint t, int offset_minutes);

// The source of "now". Every time rule takes its instants from a Clock so tests can drive a
// month of deadlines without sleeping. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  }
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_ms_(ToUnixMillis(start)) {}
  TimePoint Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Set(TimePoint t) { now_ms_.store(ToUnixMillis(t)); }
  void Advance(Millis d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace jiesu
