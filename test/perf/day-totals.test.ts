/**
 * Issue 15: the dashboard's day-by-day figures come from quarter_hour_totals
 * (migration 014), kept by triggers in the checkout's transaction. They must
 * equal what the dashboard computed before from the rows themselves (orders,
 * ledger, entries, the pre-draw entitlement of drawn lottery entries) — the
 * former computation is kept here, verbatim, as the reference — both as the
 * triggers keep them and as the migration backfills them on an existing
 * register.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RatioStepView } from '../../shared/contract';
import type { DayFigures } from '../../shared/contract-manager';
import { defaultRatio } from '../../shared/engine/index';
import { BUCKET_MS, lastDays, type LocalDate } from '../../shared/manager/days';
import { applyBp, type Bp, type Fen } from '../../shared/money';
import { managerFor, settingsAt } from '../../electron/backend/manager/index';
import { DAY_TOTALS_SQL, dailyFigures } from '../../electron/backend/manager/liability';
import type { Db } from '../../electron/backend/store/database';
import { MIGRATIONS } from '../../electron/backend/store/migrations/index';
import { verifyDatabase } from '../../electron/backend/store/verify';
import type { Harness } from '../app/helpers';
import { managerHarness, seedStore, tempDir } from '../manager/helpers';

/** The dashboard's day-by-day figures before migration 014: sums over the window's rows through the time indexes. */
function dailyFiguresFromRows(h: Harness, days: readonly LocalDate[], owedNowFen: number): DayFigures[] {
  const db = h.backend.db;
  const queueId = h.backend.queueId;
  const c = managerFor(h.backend)!;
  const stepsOf = db.prepare('SELECT ratio_steps FROM checkout_details WHERE queue_id = ? AND order_id = ?');
  const preDraw = (e: { orderId: string; joinedAt: number; baseFen: number }): number => {
    const row = stepsOf.get(queueId, e.orderId) as { ratio_steps: string } | undefined;
    const steps = row ? (JSON.parse(row.ratio_steps) as RatioStepView[]) : [];
    const lotteryStep = steps.find((s) => s.applies && (s.rule === 'cashier.lottery' || s.rule === 'base.lottery'));
    const bp = lotteryStep?.ratioBp ?? defaultRatio(settingsAt(c, e.joinedAt)).ratioBp;
    return applyBp(e.baseFen as Fen, bp as Bp);
  };
  const B = BUCKET_MS;
  const figures: DayFigures[] = days.map((d) => ({ date: d.date, orders: 0, salesFen: 0, extractedFen: 0, paidOutFen: 0, owedEndFen: 0 }));
  const owedDelta = days.map(() => 0);
  const start = days[0]!.start;
  const dayOf = (at: number): number => days.findIndex((d) => d.start <= at && at < d.end);
  for (const r of db.prepare(`SELECT paid_at / ${B} AS b, count(*) AS n, sum(actual_paid_fen) AS s FROM orders WHERE queue_id = ? AND paid_at >= ? GROUP BY b`).all(queueId, start) as {
    b: number;
    n: number;
    s: number;
  }[]) {
    const i = dayOf(r.b * B);
    if (i < 0) continue;
    figures[i]!.orders += r.n;
    figures[i]!.salesFen += r.s;
  }
  for (const r of db.prepare(`SELECT at / ${B} AS b, kind, sum(amount_fen) AS s FROM ledger WHERE queue_id = ? AND at >= ? GROUP BY b, kind`).all(queueId, start) as {
    b: number;
    kind: string;
    s: number;
  }[]) {
    const i = dayOf(r.b * B);
    if (i < 0) continue;
    if (r.kind === 'extraction') figures[i]!.extractedFen += r.s;
    if (r.kind === 'payout') figures[i]!.paidOutFen += r.s;
    if (['payout', 'clearing', 'cancellation', 'exchange_points', 'exchange_vouchers'].includes(r.kind)) owedDelta[i]! -= r.s;
  }
  for (const r of db
    .prepare(`SELECT joined_at / ${B} AS b, sum(entitlement_fen) AS s FROM entries WHERE queue_id = ? AND joined_at >= ? AND state <> 'points' AND drawn_at IS NULL GROUP BY b`)
    .all(queueId, start) as { b: number; s: number }[]) {
    const i = dayOf(r.b * B);
    if (i >= 0) owedDelta[i]! += r.s;
  }
  for (const e of db
    .prepare(`SELECT order_id, joined_at, drawn_at, base_fen, entitlement_fen FROM entries WHERE queue_id = ? AND drawn_at >= ? AND state <> 'points'`)
    .all(queueId, start) as { order_id: string; joined_at: number; drawn_at: number; base_fen: number; entitlement_fen: number }[]) {
    const pre = preDraw({ orderId: e.order_id, joinedAt: e.joined_at, baseFen: e.base_fen });
    const joinedDay = dayOf(e.joined_at);
    if (joinedDay >= 0) owedDelta[joinedDay]! += pre;
    const drawnDay = dayOf(e.drawn_at);
    if (drawnDay >= 0) owedDelta[drawnDay]! += e.entitlement_fen - pre;
  }
  let owed = owedNowFen;
  for (let i = days.length - 1; i >= 0; i--) {
    figures[i]!.owedEndFen = owed;
    owed -= owedDelta[i]!;
  }
  return figures;
}

let h: Harness;
let drawn = 0;

beforeAll(async () => {
  h = await managerHarness();
  const seed = await seedStore(h, { midwayChange: true });
  drawn = seed.drawn.length;
});
afterAll(() => h.close());

const owedNow = (db: Db, queueId: string): number => (db.prepare('SELECT owed_fen FROM queues WHERE id = ?').get(queueId) as { owed_fen: number }).owed_fen;

describe('quarter-hour totals (migration 014)', () => {
  it.each([3, 7, 30, 90])('the %i-day figures kept by the triggers equal the former computation from the rows', (n) => {
    const days = lastDays(h.clock.now, n, h.backend.timezone);
    const owed = owedNow(h.backend.db, h.backend.queueId);
    const kept = dailyFigures(h.backend.db, h.backend.queueId, days, owed);
    expect(kept).toEqual(dailyFiguresFromRows(h, days, owed));
    expect(drawn).toBeGreaterThan(10);
    // Not trivially equal: the window has sales, payouts and days whose owed amount differs.
    expect(kept.filter((d) => d.orders > 0).length).toBeGreaterThanOrEqual(Math.min(n, 5));
    expect(new Set(kept.map((d) => d.owedEndFen)).size).toBeGreaterThanOrEqual(Math.min(n, 4));
  });

  it('a window that ends before today and one that starts mid-history agree too', () => {
    const owed = owedNow(h.backend.db, h.backend.queueId);
    const days = lastDays(h.clock.now, 30, h.backend.timezone);
    for (const slice of [days.slice(-4), days.slice(-6, -2)]) {
      // The owed figures are anchored at "now", so compare the activity columns; owed is covered by the windows ending today.
      const strip = (f: DayFigures[]) => f.map(({ owedEndFen: _o, ...rest }) => rest);
      expect(strip(dailyFigures(h.backend.db, h.backend.queueId, slice, owed))).toEqual(strip(dailyFiguresFromRows(h, slice, owed)));
    }
  });

  it('the migration backfills the same totals on a register that had none', () => {
    // VACUUM INTO: the harness's own directory is removed after the first test (the open connection still reads it).
    const copy = path.join(tempDir(), 'before-014.db');
    h.backend.db.prepare('VACUUM INTO ?').run(copy);
    // Take migration 014's work away from the copy, then run 014 again on it: its backfill from the rows.
    const db = new Database(copy);
    try {
      for (const t of ['quarter_hour_orders', 'quarter_hour_ledger', 'quarter_hour_joined', 'quarter_hour_entitlement']) db.exec(`DROP TRIGGER ${t}`);
      db.exec('DROP TABLE quarter_hour_totals');
      const m014 = MIGRATIONS.find((m) => m.version === 14)!;
      expect(m014.name).toMatch(/quarter-hour totals/);
      db.transaction(() => db.exec(m014.sql))();
      const all = (d: Db) => d.prepare('SELECT * FROM quarter_hour_totals ORDER BY queue_id, bucket').all();
      expect(all(db)).toEqual(all(h.backend.db));
      expect(all(db).length).toBeGreaterThan(50);
    } finally {
      db.close();
    }
  });

  it('the full check finds the totals in agreement with the rows, and names a tampered quarter hour', () => {
    const copy = path.join(tempDir(), 'tampered.db');
    h.backend.db.prepare('VACUUM INTO ?').run(copy);
    const db = new Database(copy);
    expect(verifyDatabase(db)).toEqual([]);
    const first = db.prepare('SELECT queue_id, bucket FROM quarter_hour_totals ORDER BY queue_id, bucket LIMIT 1').get() as { queue_id: string; bucket: number };
    db.prepare('UPDATE quarter_hour_totals SET owed_delta_fen = owed_delta_fen + 1 WHERE queue_id = ? AND bucket = ?').run(first.queue_id, first.bucket);
    try {
      expect(verifyDatabase(db).map((v) => v.rule)).toEqual(['the dashboard totals agree with the rows']);
    } finally {
      db.close();
    }
  });

  it('the 90-day read is one range of the totals table, no other table', () => {
    const plan = (h.backend.db.prepare(`EXPLAIN QUERY PLAN ${DAY_TOTALS_SQL}`).all(h.backend.queueId, 0) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/SEARCH quarter_hour_totals USING PRIMARY KEY \(queue_id=\? AND bucket>\?\)/);
    expect(plan).not.toMatch(/orders|ledger|entries|TEMP B-TREE/);
  });
});
