/**
 * Issue 15, years of use: the line filtered by one member reads only that
 * member's entries (migration 011's index), whatever the length of the line.
 */
import { describe, expect, it } from 'vitest';
import { lineQuery } from '../../electron/backend/app/line';
import type { Db } from '../../electron/backend/store/database';
import { openHarness } from '../app/helpers';

function plan(db: Db, sql: string, params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe('the line filtered by one member', () => {
  it('pages through entries_by_member_seq: a range on seq, no SCAN of entries and no sort', () => {
    const h = openHarness();
    const q = lineQuery(h.backend.queueId, { afterSeq: 0, limit: 50, memberId: 'M00001' } as Parameters<typeof lineQuery>[1]);
    const p = plan(h.backend.db, q.sql, q.params);
    expect(p).toMatch(/SEARCH entries USING INDEX entries_by_member_seq \(queue_id=\? AND member_id=\? AND seq>\?\)/);
    expect(p).not.toMatch(/SCAN entries\b/);
    expect(p).not.toMatch(/TEMP B-TREE/);
    h.close();
  });

  it('keeps the plan with the other filters of the line (state, dates, order number)', () => {
    const h = openHarness();
    const q = lineQuery(h.backend.queueId, { afterSeq: 10, limit: 50, memberId: 'M00001', state: 'waiting', from: 0, to: 1, search: '0001' } as Parameters<typeof lineQuery>[1]);
    const p = plan(h.backend.db, q.sql, q.params);
    expect(p).toMatch(/SEARCH entries USING INDEX entries_by_member_seq/);
    expect(p).not.toMatch(/SCAN entries\b/);
    h.close();
  });

  it("the receipt's 查询码 looks the entry up by order, without walking the line", () => {
    const h = openHarness();
    const q = lineQuery(h.backend.queueId, { afterSeq: 0, limit: 50, search: 'ABCDEFGHJKMN' } as Parameters<typeof lineQuery>[1]);
    const p = plan(h.backend.db, q.sql, q.params);
    expect(p).toMatch(/SEARCH entries USING INDEX sqlite_autoindex_entries_2 \(queue_id=\? AND order_id=\?\)/);
    expect(p).toMatch(/SEARCH orders USING INDEX orders_by_lookup_code/);
    expect(p).not.toMatch(/SCAN entries\b|USING PRIMARY KEY/);
    h.close();
  });
});
