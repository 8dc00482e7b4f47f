// The working-day calendar and deadline arithmetic (时限计算).
//
// A working day is Monday–Friday unless the calendar lists it as a holiday, plus any weekend
// day the calendar lists as a make-up working day (调休上班). Dates are civil dates in the
// jurisdiction's UTC offset.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "base/result.h"
#include "base/time.h"

namespace jiesu::domain {

class WorkCalendar {
 public:
  WorkCalendar() = default;
  WorkCalendar(int utc_offset_minutes, std::set<Date> holidays, std::set<Date> workdays)
      : offset_(utc_offset_minutes),
        holidays_(std::move(holidays)),
        workdays_(std::move(workdays)) {}

  bool IsWorkingDay(Date d) const;
  int utc_offset_minutes() const { return offset_; }
  const std::set<Date>& holidays() const { return holidays_; }
  const std::set<Date>& workdays() const { return workdays_; }

 private:
  int offset_ = 480;
  std::set<Date> holidays_;
  std::set<Date> workdays_;
};

enum class LimitUnit { kMinutes, kHours, kCalendarDays, kWorkingDays };

const char* LimitUnitName(LimitUnit u);
Result<LimitUnit> ParseLimitUnit(std::string_view s);

// A time limit such as "7 working days from the next day" or "2 hours".
struct TimeLimit {
  int64_t amount = 0;
  LimitUnit unit = LimitUnit::kWorkingDays;
  // 次日起算: counting starts at 00:00 of the day after the start, and the deadline is the last
  // second (23:59:59) of the final day counted. Only meaningful for day units.
  bool from_next_day = false;

  std::string ToString() const;
};

// The deadline of `limit` started at `start`.
//  - minutes, hours: natural time, start + amount.
//  - calendar days: start + amount × 24 h; with from_next_day, the end of date(start) + amount.
//  - working days: the instant at which `amount` whole working days of elapsed time have passed
//    since start, counting only time that falls on working days (a start on a holiday begins
//    counting at the next working day's 00:00); with from_next_day, the end of the amount-th
//    working day after the start date.
// REQUIRES: limit.amount >= 0 and at most 3660 days' worth (validated at config load).
TimePoint Deadline(const WorkCalendar& calendar, TimePoint start, const TimeLimit& limit);

}  // namespace jiesu::domain
