/**
 * Which backups to keep: generations, so a problem found after a week (or a
 * month) still has a good copy from before it (docs/security.md §5).
 *
 * Pure: it sees only the local days the backups were taken on
 * (`YYYY-MM-DD`) and answers the days to keep. The rule ("grandfather –
 * father – son"):
 *   - daily:   the newest `daily` (7) days that have a backup;
 *   - weekly:  the newest backup of each of the newest `weekly` (4) weeks
 *              (weeks start on Monday) that have one;
 *   - monthly: the newest backup of each of the newest `monthly` (12)
 *              calendar months that have one.
 * A day kept by any rule is kept. Everything else may be deleted.
 */
export interface Generations {
  daily: number;
  weekly: number;
  monthly: number;
}

export const DEFAULT_GENERATIONS: Generations = { daily: 7, weekly: 4, monthly: 12 };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a calendar day, or null for a malformed one. */
function dayNumber(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? Math.round(ms / 86_400_000) : null;
}

/** The Monday-based week a day belongs to (1970-01-01 was a Thursday, so +3 puts Mondays on multiples of 7). */
function weekOf(dayNo: number): number {
  return Math.floor((dayNo + 3) / 7);
}

/** The newest day of each group, for the newest `count` groups. */
function newestPerGroup(daysNewestFirst: readonly string[], group: (day: string) => string | number, count: number): string[] {
  const seen = new Set<string | number>();
  const kept: string[] = [];
  for (const day of daysNewestFirst) {
    const key = group(day);
    if (seen.has(key)) continue;
    if (seen.size >= count) break;
    seen.add(key);
    kept.push(day);
  }
  return kept;
}

/** The days (of `days`) whose backups are kept; malformed days are never deleted by this rule. */
export function backupDaysToKeep(days: readonly string[], generations: Generations = DEFAULT_GENERATIONS): Set<string> {
  const valid = [...new Set(days)].filter((d) => dayNumber(d) !== null);
  const newestFirst = valid.sort().reverse();
  const keep = new Set<string>(days.filter((d) => dayNumber(d) === null));
  for (const d of newestFirst.slice(0, Math.max(0, generations.daily))) keep.add(d);
  for (const d of newestPerGroup(newestFirst, (day) => weekOf(dayNumber(day)!), Math.max(0, generations.weekly))) keep.add(d);
  for (const d of newestPerGroup(newestFirst, (day) => day.slice(0, 7), Math.max(0, generations.monthly))) keep.add(d);
  return keep;
}
