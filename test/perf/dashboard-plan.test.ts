/**
 * Issue 15, years of use: the dashboard's day-by-day figures read the
 * quarter-hour totals of their window (migration 014), never the rows of the
 * register's history (before migration 012 the lottery draws of the window
 * walked the whole line; before 014 the window's orders, ledger rows and
 * entries were summed).
 */
import { describe, expect, it } from 'vitest';
import { DAY_TOTALS_SQL } from '../../electron/backend/manager/liability';
import type { Db } from '../../electron/backend/store/database';
import { openHarness } from '../app/helpers';

function plan(db: Db, sql: string, params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe("the dashboard's day-by-day statements", () => {
  it.each([
    ['quarter-hour totals of the window', DAY_TOTALS_SQL, /SEARCH quarter_hour_totals USING PRIMARY KEY \(queue_id=\? AND bucket>\?\)/],
  ])('%s: a range on the time index of the window, no SCAN of a growing table', (_label, sql, expected) => {
    const h = openHarness();
    const p = plan(h.backend.db, sql, [h.backend.queueId, 0]);
    expect(p).toMatch(expected);
    for (const table of ['orders', 'ledger', 'entries']) expect(p).not.toMatch(new RegExp(`SCAN ${table}\\b`));
    expect(p).not.toMatch(/USING PRIMARY KEY \(queue_id=\?\)/);
    h.close();
  });
});
