// Times as the API gives them (RFC 3339 with the jurisdiction's offset, e.g.
// 2026-12-08T08:40:42.797+08:00) are shown as the jurisdiction's wall clock, whatever the
// browser's time zone: "2026-12-08 08:40".
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** True when `iso` lies before `now` (an unparsable time is never past). */
export function isPast(iso: string | null | undefined, now: number = Date.now()): boolean {
  if (!iso) return false;
  const t = Date.parse(iso);
  return Number.isFinite(t) && t < now;
}

/** True when `done` came after `due` (both present). */
export function isLate(done: string | null | undefined, due: string | null | undefined): boolean {
  if (!done || !due) return false;
  const a = Date.parse(done);
  const b = Date.parse(due);
  return Number.isFinite(a) && Number.isFinite(b) && a > b;
}
