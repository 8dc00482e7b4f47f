// Time left to a deadline the way the hotline counts it: only time that falls on working days
// (Monday to Friday, minus the calendar's holidays, plus its make-up working days), in the
// jurisdiction's UTC offset — the same rule as the server's WorkCalendar (src/domain/calendar.h).

export interface Calendar {
  utc_offset_minutes: number;
  holidays: string[];
  workdays: string[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export class WorkingDays {
  private readonly offset: number;
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;

  constructor(cal: Calendar) {
    this.offset = cal.utc_offset_minutes * 60_000;
    this.holidays = new Set(cal.holidays);
    this.workdays = new Set(cal.workdays);
  }

  /** Whether the civil day (local midnight `dayStart`, in ms since the epoch, local frame) works. */
  private works(localDay: number): boolean {
    const iso = new Date(localDay).toISOString().slice(0, 10);
    if (this.workdays.has(iso)) return true;
    if (this.holidays.has(iso)) return false;
    const weekday = new Date(localDay).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** Milliseconds of working-day time in [from, to); negative when `to` is before `from`. */
  between(from: number, to: number): number {
    if (to < from) return -this.between(to, from);
    let total = 0;
    let t = from + this.offset; // local frame: a day is [k·DAY, (k+1)·DAY)
    const end = to + this.offset;
    while (t < end) {
      const dayStart = Math.floor(t / DAY) * DAY;
      const next = Math.min(dayStart + DAY, end);
      if (this.works(dayStart)) total += next - t;
      t = next;
    }
    return total;
  }
}

export interface TimeLeft {
  overdue: boolean;
  /** Counted in working days and hours, or in natural hours and minutes (see below). */
  working: boolean;
  days: number;
  hours: number;
  minutes: number;
}

/**
 * Time from `now` to `due`. A deadline less than a natural day away is shown in natural hours
 * and minutes (the limits of urgent and utility requests run on natural time, and inside one
 * working day both counts agree); a farther one in working days and hours, which is how the
 * hotline states its limits. Past the deadline, how long ago, counted the same way.
 */
export function timeLeft(cal: WorkingDays, now: number, due: number): TimeLeft {
  const natural = due - now;
  const overdue = natural < 0;
  if (Math.abs(natural) < DAY) {
    const ms = Math.abs(natural);
    return { overdue, working: false, days: 0, hours: Math.floor(ms / HOUR), minutes: Math.floor((ms % HOUR) / 60_000) };
  }
  const ms = Math.abs(cal.between(now, due));
  return { overdue, working: true, days: Math.floor(ms / DAY), hours: Math.floor((ms % DAY) / HOUR), minutes: 0 };
}
