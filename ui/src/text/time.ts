/** Short relative times for a dense UI: "now", "5 min", "3 h", "2 d", then a date. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function parse(when: string | number | Date): number {
  if (when instanceof Date) return when.getTime();
  if (typeof when === "number") return when;
  return Date.parse(when);
}

/**
 * How old something is, for the ticket list: "now", "12 min", "3 h", "2 d", "5 w" (under two
 * months), then "14 Mar", or "14 Mar 2024" in another year. Times in the future (clock skew)
 * count as now.
 */
export function age(when: string | number | Date, now: number | Date = Date.now()): string {
  const t = parse(when);
  const n = parse(now);
  if (Number.isNaN(t)) return "";
  const d = n - t;
  if (d < MINUTE) return "now";
  if (d < HOUR) return `${Math.floor(d / MINUTE)} min`;
  if (d < DAY) return `${Math.floor(d / HOUR)} h`;
  if (d < 14 * DAY) return `${Math.floor(d / DAY)} d`;
  if (d < 60 * DAY) return `${Math.floor(d / (7 * DAY))} w`;
  const date = new Date(t);
  const day = `${date.getDate()} ${MONTHS[date.getMonth()]}`;
  return date.getFullYear() === new Date(n).getFullYear() ? day : `${day} ${date.getFullYear()}`;
}

/** The same with "ago" where it reads naturally: "just now", "3 h ago", "14 Mar". */
export function ago(when: string | number | Date, now: number | Date = Date.now()): string {
  const short = age(when, now);
  if (short === "now") return "just now";
  if (/^\d+ (min|h|d|w)$/.test(short)) return `${short} ago`;
  return short;
}

/** A full local date and time for tooltips: "2026-11-23 14:05". */
export function fullDate(when: string | number | Date): string {
  const t = parse(when);
  if (Number.isNaN(t)) return "";
  const d = new Date(t);
  const p = (x: number) => String(x).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
