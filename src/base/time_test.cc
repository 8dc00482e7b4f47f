#include "base/time.h"

#include <gtest/gtest.h>

namespace jiesu {
namespace {

TEST(TimeTest, ParsesAndFormatsRfc3339) {
  auto t = ParseRfc3339("2025-09-30T10:00:00+08:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatRfc3339(*t, 0), "2025-09-30T02:00:00Z");
  EXPECT_EQ(FormatRfc3339(*t, 480), "2025-09-30T10:00:00+08:00");
  auto z = ParseRfc3339("2025-09-30T02:00:00.5Z");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(ToUnixMillis(*z) - ToUnixMillis(*t), 500);
  EXPECT_EQ(FormatRfc3339(*z, 480), "2025-09-30T10:00:00.500+08:00");
  EXPECT_EQ(FormatRfc3339(*z, -330), "2025-09-29T20:30:00.500-05:30");
  auto late = ParseRfc3339("1999-12-31T23:59:59.007+14:00");
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(FormatRfc3339(*late, 840), "1999-12-31T23:59:59.007+14:00");
  EXPECT_EQ(FormatRfc3339(*late, 0), "1999-12-31T09:59:59.007Z");
  EXPECT_EQ(FormatDate(*ParseDate("0999-01-02")), "0999-01-02");
  for (const char* text :
       {"2025-01-01T00:00:00Z", "1970-01-01T00:00:00.001Z", "2026-02-28T12:34:56.789+08:00"}) {
    auto t2 = ParseRfc3339(text);
    ASSERT_TRUE(t2.ok()) << text;
    EXPECT_EQ(*ParseRfc3339(FormatRfc3339(*t2, 480)), *t2) << text;
  }
}

TEST(TimeTest, RejectsMalformedInstants) {
  for (const char* bad :
       {"", "2025-09-30", "2025-09-30T10:00:00", "2025-02-30T10:00:00Z", "2025-09-30T25:00:00Z",
        "2025-09-30T10:00:00+8", "x025-09-30T10:00:00Z", "2025-09-30T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
  }
}

TEST(TimeTest, LocalDateUsesOffset) {
  auto t = ParseRfc3339("2025-09-30T23:30:00+08:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatDate(LocalDate(*t, 480)), "2025-09-30");
  EXPECT_EQ(FormatDate(LocalDate(*t, 0)), "2025-09-30");
  auto early = ParseRfc3339("2025-10-01T01:00:00+08:00");
  EXPECT_EQ(FormatDate(LocalDate(*early, 480)), "2025-10-01");
  EXPECT_EQ(FormatDate(LocalDate(*early, 0)), "2025-09-30");
  EXPECT_EQ(FormatRfc3339(StartOfLocalDay(*ParseDate("2025-10-01"), 480), 480),
            "2025-10-01T00:00:00+08:00");
}

TEST(TimeTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(FromUnixMillis(1000));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1000);
  clock.Advance(Millis(250));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1250);
}

}  // namespace
}  // namespace jiesu
