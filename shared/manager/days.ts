/**
 * Local calendar days for the manager's reports and dashboard, in the
 * register's IANA time zone (no date library: the engine's `Intl` helpers).
 */
import { localDay, localParts, localToInstant, type Instant } from '../engine/index';

export const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Every zone in use has offsets that are whole quarter hours, so day boundaries fall on 15-minute buckets. */
export const BUCKET_MS = 15 * 60 * 1000;

export interface LocalDate {
  /** YYYY-MM-DD */
  date: string;
  start: Instant;
  end: Instant;
}

export function dateKey(at: Instant, timezone: string): string {
  const p = localParts(at, timezone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The local day named by `YYYY-MM-DD` (refuses a date that does not exist). */
export function parseDateKey(key: string, timezone: string): LocalDate {
  const m = DATE_KEY.exec(key);
  if (!m) throw new Error(`a date must be YYYY-MM-DD, got ${JSON.stringify(key)}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new Error(`${key} is not a real date`);
  }
  const start = localToInstant(year, month, day, 0, 0, timezone);
  return { date: key, start, end: localDay(start, timezone).end };
}

/** The local days from `from` to `to`, both included, oldest first. */
export function daysBetween(from: string, to: string, timezone: string): LocalDate[] {
  const first = parseDateKey(from, timezone);
  const last = parseDateKey(to, timezone);
  if (last.start < first.start) throw new Error(`the range ends (${to}) before it starts (${from})`);
  const days: LocalDate[] = [];
  let day = first;
  for (;;) {
    days.push(day);
    if (day.date === last.date) return days;
    day = { date: dateKey(day.end, timezone), start: day.end, end: localDay(day.end, timezone).end };
  }
}

/** The last `count` local days ending with the one `now` falls in (today included), oldest first. */
export function lastDays(now: Instant, count: number, timezone: string): LocalDate[] {
  const today = localDay(now, timezone);
  const days: LocalDate[] = [{ date: dateKey(now, timezone), ...today }];
  while (days.length < count) {
    const next = days[0]!;
    const start = localDay(next.start - 1, timezone).start;
    days.unshift({ date: dateKey(start, timezone), start, end: next.start });
  }
  return days;
}

/** Formats an instant as local `YYYY-MM-DD HH:MM:SS` for reports. */
export function localDateTime(at: Instant, timezone: string): string {
  const p = localParts(at, timezone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}
