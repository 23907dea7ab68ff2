/** Which backups are kept: 7 daily, 4 weekly (Monday weeks), 12 monthly — a pure rule. */
import { describe, expect, it } from 'vitest';
import { backupDaysToKeep } from '../../electron/backend/app/backup-generations';

/** Every day from `from` for `count` days, as YYYY-MM-DD. */
function days(from: string, count: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

describe('backup generations', () => {
  it('a year of daily backups keeps the last 7 days, the newest of 4 weeks and of 12 months', () => {
    const all = days('2025-12-01', 400); // up to 2027-01-04 (a Monday)
    const kept = [...backupDaysToKeep(all)].sort();
    const last7 = all.slice(-7);
    for (const d of last7) expect(kept).toContain(d);
    // Weeks (Monday–Sunday): the current week (2027-01-04), then the Sundays before it.
    for (const d of ['2027-01-04', '2027-01-03', '2026-12-27', '2026-12-20']) expect(kept).toContain(d);
    expect(kept).not.toContain('2026-12-13');
    // Months: January 2027 (its newest day), then the last day of each month back to February 2026.
    for (const d of ['2026-12-31', '2026-11-30', '2026-06-30', '2026-02-28']) expect(kept).toContain(d);
    expect(kept).not.toContain('2026-01-31');
    expect(kept).not.toContain('2026-12-15');
    // 7 daily + 2 older weekly (12-27, 12-20) + 11 older monthly (12-31 is within 7 days? no: 12-31 is a daily) → bounded.
    expect(kept.length).toBeLessThanOrEqual(7 + 4 + 12);
    expect(new Set(kept)).toEqual(backupDaysToKeep(all));
  });

  it('a problem found after a week still has a good copy from before it', () => {
    const all = days('2026-03-01', 30);
    const kept = backupDaysToKeep(all);
    // 2026-03-30 today; the day 8 days ago (2026-03-22, a Sunday) is kept by the weekly rule.
    expect(kept.has('2026-03-22')).toBe(true);
    expect(kept.has('2026-03-15')).toBe(true);
  });

  it('few backups are all kept; duplicates and malformed names never cause a deletion', () => {
    expect([...backupDaysToKeep(['2026-03-01', '2026-03-01', '2026-02-01'])].sort()).toEqual(['2026-02-01', '2026-03-01']);
    expect(backupDaysToKeep(['not-a-day', ...days('2026-01-01', 60)]).has('not-a-day')).toBe(true);
    expect(backupDaysToKeep([])).toEqual(new Set());
  });

  it('with gaps (register closed for weeks) the newest backups still count as the daily generation', () => {
    const sparse = ['2026-01-05', '2026-02-10', '2026-03-20', '2026-03-21'];
    expect([...backupDaysToKeep(sparse)].sort()).toEqual(sparse);
  });
});
