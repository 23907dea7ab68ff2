/**
 * Issue 15, years of use: the dashboard's day-by-day figures read the rows of
 * their window through a time index, never every row of the register's
 * history (before migration 012 the lottery draws of the window walked the
 * whole line).
 */
import { describe, expect, it } from 'vitest';
import { DAY_DRAWN_SQL, DAY_JOINED_SQL, DAY_LEDGER_SQL, DAY_ORDERS_SQL } from '../../electron/backend/manager/liability';
import type { Db } from '../../electron/backend/store/database';
import { openHarness } from '../app/helpers';

function plan(db: Db, sql: string, params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe("the dashboard's day-by-day statements", () => {
  it.each([
    ['orders by day', DAY_ORDERS_SQL, /SEARCH orders USING (COVERING )?INDEX orders_by_paid_at \(queue_id=\? AND paid_at>\?\)/],
    ['ledger by day', DAY_LEDGER_SQL, /SEARCH ledger USING (COVERING )?INDEX ledger_by_at \(queue_id=\? AND at>\?\)/],
    ['entries joined by day', DAY_JOINED_SQL, /SEARCH entries USING (COVERING )?INDEX entries_by_joined_at \(queue_id=\? AND joined_at>\?\)/],
    ['lottery entries drawn in the window', DAY_DRAWN_SQL, /SEARCH entries USING (COVERING )?INDEX entries_by_drawn_at \(queue_id=\? AND drawn_at>\?\)/],
  ])('%s: a range on the time index of the window, no SCAN of a growing table', (_label, sql, expected) => {
    const h = openHarness();
    const p = plan(h.backend.db, sql, [h.backend.queueId, 0]);
    expect(p).toMatch(expected);
    for (const table of ['orders', 'ledger', 'entries']) expect(p).not.toMatch(new RegExp(`SCAN ${table}\\b`));
    expect(p).not.toMatch(/USING PRIMARY KEY \(queue_id=\?\)/);
    h.close();
  });
});
