#include "domain/calendar.h"

#include <chrono>

namespace jiesu::domain {

bool WorkCalendar::IsWorkingDay(Date d) const {
  if (workdays_.count(d)) return true;
  if (holidays_.count(d)) return false;
  std::chrono::weekday wd(d);
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

const char* LimitUnitName(LimitUnit u) {
  switch (u) {
    case LimitUnit::kMinutes:
      return "minutes";
    case LimitUnit::kHours:
      return "hours";
    case LimitUnit::kCalendarDays:
      return "calendar_days";
    case LimitUnit::kWorkingDays:
      return "working_days";
  }
  return "working_days";
}

Result<LimitUnit> ParseLimitUnit(std::string_view s) {
  if (s == "minutes") return LimitUnit::kMinutes;
  if (s == "hours") return LimitUnit::kHours;
  if (s == "calendar_days") return LimitUnit::kCalendarDays;
  if (s == "working_days") return LimitUnit::kWorkingDays;
  return InvalidArgument("unknown time unit '" + std::string(s) +
                         "' (expected minutes, hours, calendar_days or working_days)");
}

std::string TimeLimit::ToString() const {
  std::string s = std::to_string(amount) + " " + LimitUnitName(unit);
  if (from_next_day) s += " from next day";
  return s;
}

TimePoint Deadline(const WorkCalendar& calendar, TimePoint start, const TimeLimit& limit) {
  using std::chrono::days;
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const int offset = calendar.utc_offset_minutes();
  switch (limit.unit) {
    case LimitUnit::kMinutes:
      return start + minutes(limit.amount);
    case LimitUnit::kHours:
      return start + hours(limit.amount);
    case LimitUnit::kCalendarDays:
      if (limit.from_next_day) {
        Date last = LocalDate(start, offset) + days(limit.amount);
        return StartOfLocalDay(last + days(1), offset) - seconds(1);
      }
      return start + days(limit.amount);
    case LimitUnit::kWorkingDays:
      break;
  }
  if (limit.from_next_day) {
    Date d = LocalDate(start, offset);
    for (int64_t counted = 0; counted < limit.amount;) {
      d += days(1);
      if (calendar.IsWorkingDay(d)) ++counted;
    }
    return StartOfLocalDay(d + days(1), offset) - seconds(1);
  }
  Millis remaining = days(limit.amount);
  TimePoint t = start;
  while (true) {
    Date d = LocalDate(t, offset);
    TimePoint day_end = StartOfLocalDay(d + days(1), offset);
    if (calendar.IsWorkingDay(d)) {
      Millis available = day_end - t;
      if (remaining <= available) return t + remaining;
      remaining -= available;
    }
    t = day_end;
  }
}

}  // namespace jiesu::domain
