#include "domain/calendar.h"

#include <gtest/gtest.h>

#include "domain/test_jurisdiction.h"

namespace jiesu::domain {
namespace {

TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }
std::string Local(TimePoint t) { return FormatRfc3339(t, 480); }

class CalendarTest : public ::testing::Test {
 protected:
  WorkCalendar cal_ = testing::MakeTestJurisdiction().calendar;
};

TEST_F(CalendarTest, HolidaysAndMakeUpDays) {
  EXPECT_FALSE(cal_.IsWorkingDay(*ParseDate("2025-10-01")));  // Wednesday, National Day
  EXPECT_FALSE(cal_.IsWorkingDay(*ParseDate("2025-10-08")));  // Wednesday, still holiday
  EXPECT_TRUE(cal_.IsWorkingDay(*ParseDate("2025-09-28")));   // Sunday, make-up day
  EXPECT_TRUE(cal_.IsWorkingDay(*ParseDate("2025-10-11")));   // Saturday, make-up day
  EXPECT_FALSE(cal_.IsWorkingDay(*ParseDate("2025-10-12")));  // ordinary Sunday
  EXPECT_TRUE(cal_.IsWorkingDay(*ParseDate("2025-10-09")));   // ordinary Thursday
}

TEST_F(CalendarTest, SevenWorkingDaysFromNextDayAcrossNationalDay) {
  // Started Tuesday 2025-09-30: 10-01..10-08 are holidays; counting 10-09 (1), 10-10 (2),
  // 10-11 make-up Saturday (3), 10-13 (4), 10-14 (5), 10-15 (6), 10-16 (7).
  TimeLimit seven{7, LimitUnit::kWorkingDays, true};
  EXPECT_EQ(Local(Deadline(cal_, At("2025-09-30T10:00:00+08:00"), seven)),
            "2025-10-16T23:59:59+08:00");
}

TEST_F(CalendarTest, MakeUpSundayCountsBeforeTheHoliday) {
  // Started Friday 2025-09-26: Saturday 27 is off, Sunday 28 is a make-up day (1), Monday 29 (2).
  TimeLimit two{2, LimitUnit::kWorkingDays, true};
  EXPECT_EQ(Local(Deadline(cal_, At("2025-09-26T16:00:00+08:00"), two)),
            "2025-09-29T23:59:59+08:00");
}

TEST_F(CalendarTest, ElapsedWorkingTimeKeepsTheClockTime) {
  TimeLimit one{1, LimitUnit::kWorkingDays, false};
  // Tuesday 10:00 + one working day skips the whole holiday week to Thursday 10-09 10:00.
  EXPECT_EQ(Local(Deadline(cal_, At("2025-09-30T10:00:00+08:00"), one)),
            "2025-10-09T10:00:00+08:00");
  // Started on a holiday: counting begins at the next working day's midnight.
  EXPECT_EQ(Local(Deadline(cal_, At("2025-10-03T15:00:00+08:00"), one)),
            "2025-10-10T00:00:00+08:00");
  // Friday 10-10 16:00 + 1: the make-up Saturday 10-11 counts.
  EXPECT_EQ(Local(Deadline(cal_, At("2025-10-10T16:00:00+08:00"), one)),
            "2025-10-11T16:00:00+08:00");
}

TEST_F(CalendarTest, NaturalTimeUnitsIgnoreHolidays) {
  TimePoint start = At("2025-09-30T23:00:00+08:00");
  EXPECT_EQ(Local(Deadline(cal_, start, {2, LimitUnit::kHours, false})),
            "2025-10-01T01:00:00+08:00");
  EXPECT_EQ(Local(Deadline(cal_, start, {15, LimitUnit::kMinutes, false})),
            "2025-09-30T23:15:00+08:00");
  EXPECT_EQ(Local(Deadline(cal_, start, {7, LimitUnit::kCalendarDays, false})),
            "2025-10-07T23:00:00+08:00");
  EXPECT_EQ(Local(Deadline(cal_, start, {7, LimitUnit::kCalendarDays, true})),
            "2025-10-07T23:59:59+08:00");
}

TEST_F(CalendarTest, LocalDayBoundaryUsesJurisdictionOffset) {
  // 2025-10-08T17:30Z is already 10-09 01:30 in Beijing, so counting from the next day
  // starts on 10-10; read in UTC it would start on 10-09 and end a day early.
  TimeLimit one{1, LimitUnit::kWorkingDays, true};
  EXPECT_EQ(Local(Deadline(cal_, At("2025-10-08T17:30:00Z"), one)), "2025-10-10T23:59:59+08:00");
}

}  // namespace
}  // namespace jiesu::domain
