/**
 * Local time in an IANA zone, without a date library: day boundaries for
 * limits, `[from, to)` time windows and the instants of scheduled resets.
 * Uses only `Intl`, so it runs the same in Node and in the renderer.
 */
import type { ResetSchedule, TimeWindow } from '../settings';
import type { Instant } from './types';

export interface LocalParts {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the zone (a scenario or setting naming another is refused). */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

export function localParts(at: Instant, timezone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(new Date(at))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in ms (Shanghai: +8 h). */
function offsetAt(at: Instant, timezone: string): number {
  const p = localParts(at, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant a local wall-clock time happens (the earlier one across a DST fold). */
export function localToInstant(year: number, month: number, day: number, hour: number, minute: number, timezone: string): Instant {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const firstGuess = wall - offsetAt(wall, timezone);
  const corrected = wall - offsetAt(firstGuess, timezone);
  return corrected;
}

/** Local midnight that starts the day `at` falls in, and the next one. */
export function localDay(at: Instant, timezone: string): { start: Instant; end: Instant } {
  const p = localParts(at, timezone);
  const start = localToInstant(p.year, p.month, p.day, 0, 0, timezone);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  const end = localToInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timezone);
  return { start, end };
}

export function parseClock(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}

/** Windows are local `[from, to)`; one whose `from` is after its `to` runs across midnight. No windows = always. */
export function insideWindows(at: Instant, windows: readonly TimeWindow[], timezone: string): boolean {
  if (windows.length === 0) return true;
  const p = localParts(at, timezone);
  const minute = p.hour * 60 + p.minute;
  return windows.some(({ from, to }) => {
    const start = parseClock(from);
    const end = parseClock(to);
    return start < end ? minute >= start && minute < end : minute >= start || minute < end;
  });
}

function addLocalDays(p: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The latest instant at or before `limit` at which the schedule resets,
 * or null when it never has by then.
 */
export function latestResetAtOrBefore(schedule: ResetSchedule, limit: Instant, timezone: string): Instant | null {
  switch (schedule.kind) {
    case 'off':
      return null;
    case 'once': {
      const at = Date.parse(schedule.at);
      return at <= limit ? at : null;
    }
    case 'daily':
    case 'weekly':
    case 'monthly': {
      const minuteOfDay = parseClock(schedule.at);
      const today = localParts(limit, timezone);
      // Walk back day by day (at most a month and a bit) to the newest matching day.
      for (let back = 0; back <= 62; back++) {
        const date = addLocalDays(today, -back);
        if (!matchesDay(schedule, date)) continue;
        const at = localToInstant(date.year, date.month, date.day, Math.floor(minuteOfDay / 60), minuteOfDay % 60, timezone);
        if (at <= limit) return at;
      }
      return null;
    }
  }
}

function matchesDay(schedule: ResetSchedule, date: { year: number; month: number; day: number }): boolean {
  if (schedule.kind === 'daily') return true;
  if (schedule.kind === 'monthly') return date.day === schedule.day;
  if (schedule.kind === 'weekly') {
    const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay(); // 0 = Sunday
    return (weekday === 0 ? 7 : weekday) === schedule.weekday;
  }
  return false;
}

/** The first instant strictly after `after` at which the schedule resets (null: never). */
export function nextResetAfter(schedule: ResetSchedule, after: Instant, timezone: string): Instant | null {
  if (schedule.kind === 'off') return null;
  if (schedule.kind === 'once') {
    const at = Date.parse(schedule.at);
    return at > after ? at : null;
  }
  // Look ahead far enough to pass the next monthly occurrence, then take the earliest after `after`.
  let candidate = latestResetAtOrBefore(schedule, after + 32 * DAY, timezone);
  let next: Instant | null = null;
  while (candidate !== null && candidate > after) {
    next = candidate;
    candidate = latestResetAtOrBefore(schedule, candidate - MINUTE, timezone);
  }
  return next;
}

export const TIME = { MINUTE, DAY } as const;
