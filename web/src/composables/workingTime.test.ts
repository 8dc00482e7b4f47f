import { describe, expect, it } from "vitest";
import { WorkingDays, timeLeft } from "./workingTime";

// Beijing time; 2026-09-25..27 中秋 and 2026-10-01..07 国庆 are holidays, 2026-09-20 (Sunday)
// and 2026-10-10 (Saturday) make-up working days.
const cal = new WorkingDays({
  utc_offset_minutes: 480,
  holidays: ["2026-09-25", "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02", "2026-10-03",
    "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"],
  workdays: ["2026-09-20", "2026-10-10"],
});
const at = (s: string) => Date.parse(s);
const H = 3_600_000;

describe("working time", () => {
  it("counts a plain week: Monday 09:00 to Tuesday 15:00 is 30 hours", () => {
    expect(cal.between(at("2026-12-07T09:00:00+08:00"), at("2026-12-08T15:00:00+08:00"))).toBe(30 * H);
  });

  it("skips a weekend in the jurisdiction's time zone, not the browser's", () => {
    // Friday 20:00 → Monday 10:00 Beijing: 4 h of Friday and 10 h of Monday.
    expect(cal.between(at("2026-12-04T20:00:00+08:00"), at("2026-12-07T10:00:00+08:00"))).toBe(14 * H);
  });

  it("skips holidays and counts make-up working days", () => {
    // Thursday 2026-10-01 00:00 → Sunday 10-11 00:00: only Saturday 10-10 works (10-08/09 too).
    expect(cal.between(at("2026-10-01T00:00:00+08:00"), at("2026-10-11T00:00:00+08:00"))).toBe(3 * 24 * H);
    // Sunday 2026-09-20 is a working day.
    expect(cal.between(at("2026-09-20T00:00:00+08:00"), at("2026-09-20T12:00:00+08:00"))).toBe(12 * H);
  });

  it("states far deadlines in working days and hours, near ones in natural hours and minutes", () => {
    const now = at("2026-12-04T20:00:00+08:00");
    expect(timeLeft(cal, now, at("2026-12-09T10:00:00+08:00"))).toEqual({
      overdue: false, working: true, days: 2, hours: 14, minutes: 0,
    });
    expect(timeLeft(cal, now, at("2026-12-05T01:30:00+08:00"))).toEqual({
      overdue: false, working: false, days: 0, hours: 5, minutes: 30,
    });
    expect(timeLeft(cal, now, at("2026-12-04T19:15:00+08:00"))).toEqual({
      overdue: true, working: false, days: 0, hours: 0, minutes: 45,
    });
  });
});
