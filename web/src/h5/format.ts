/**
 * A server time as the city's clock shows it, to the minute: the server writes times with the
 * jurisdiction's offset (2026-12-05T16:30:00+08:00), and a citizen reads 2026-12-05 16:30
 * whatever the phone's own time zone.
 */
export function formatTime(iso: string | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}
