/**
 * The liability figures, computed from a register database (the real one for
 * the dashboard, a temporary replay database for the what-if). Every figure
 * is an integer sum read from SQLite.
 */
import type { DayFigures, TailView } from '../../../shared/contract-manager';
import { nextResetAfter, TIME } from '../../../shared/engine/index';
import { BUCKET_MS, type LocalDate } from '../../../shared/manager/days';
import { projectTail, type RateWindow, type TailProjection } from '../../../shared/manager/liability';
import { resolveSettings, type SettingsLayers } from '../../../shared/settings';
import type { Db } from '../store/database';

export const PROJECTION_WINDOWS = [7, 30] as const;

/**
 * Orders paid in (now − days, now] and what they extracted: one range over
 * orders_by_paid_at. A register younger than the window counts its rate over
 * the time since its first order (a 5-day-old register's "30-day rate" is its
 * 5-day rate).
 */
export function rateWindow(db: Db, queueId: string, now: number, days: number): RateWindow {
  const first = (db.prepare('SELECT min(paid_at) AS t FROM orders INDEXED BY orders_by_paid_at WHERE queue_id = ?').get(queueId) as { t: number | null }).t;
  const spanMs = Math.min(days * TIME.DAY, first === null ? days * TIME.DAY : Math.max(TIME.DAY, now - first));
  const row = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(extracted_fen), 0) AS extracted FROM orders INDEXED BY orders_by_paid_at
       WHERE queue_id = ? AND paid_at > ? AND paid_at <= ?`,
    )
    .get(queueId, now - days * TIME.DAY, now) as { n: number; extracted: number };
  return { days, spanMs, orders: row.n, extractedFen: row.extracted };
}

/**
 * The newest waiting entry and what the line must still receive until it is
 * repaid: Σ remaining of the waiting entries ahead of it that will be paid
 * before it, plus its own remaining. Under queue ordering that is every
 * waiting entry, which the queue's own `owed_fen` counter already holds, so
 * nothing is scanned; under completed-first only the entries whose order is
 * completed count (assuming the newest's own order completes), summed over
 * the `entries_waiting_completed` partial index.
 */
export function tailView(db: Db, queueId: string, layers: SettingsLayers, poolFen: number, now: number, timezone: string): TailView | null {
  const newest = db
    .prepare(
      `SELECT seq, order_id, entitlement_fen - received_fen AS remaining FROM entries INDEXED BY entries_waiting
       WHERE queue_id = ? AND state = 'waiting' ORDER BY seq DESC LIMIT 1`,
    )
    .get(queueId) as { seq: number; order_id: string; remaining: number } | undefined;
  if (!newest) return null;
  const orderId = newest.order_id;
  const settings = resolveSettings(layers);
  const ahead =
    settings.ordering === 'completedFirst'
      ? (db
          .prepare(
            `SELECT count(*) AS n, coalesce(sum(entitlement_fen - received_fen), 0) AS remaining FROM entries INDEXED BY entries_waiting_completed
             WHERE queue_id = ? AND state = 'waiting' AND order_completed = 1 AND seq < ?`,
          )
          .get(queueId, newest.seq) as { n: number; remaining: number })
      : (db
          .prepare('SELECT waiting_count - 1 AS n, owed_fen - ? AS remaining FROM queues WHERE id = ?')
          .get(newest.remaining, queueId) as { n: number; remaining: number });
  const needFen = ahead.remaining + newest.remaining;
  const nextResetAt = nextResetAfter(settings.reset, now, timezone);
  const projections: TailProjection[] = PROJECTION_WINDOWS.map((days) =>
    projectTail({
      needFen,
      poolFen,
      window: rateWindow(db, queueId, now, days),
      enabled: settings.enabled,
      paused: settings.paused,
      extractionBp: settings.extractionBp,
      now,
      nextResetAt,
    }),
  );
  return {
    newestOrderId: orderId,
    newestSeq: newest.seq,
    entriesAhead: ahead.n,
    aheadFen: ahead.remaining,
    ownRemainingFen: newest.remaining,
    needFen,
    poolFen,
    ordering: settings.ordering,
    nextResetAt,
    projections,
  };
}

/**
 * Ledger totals of the kinds the queue row does not count (the ledger_totals rows a
 * trigger keeps, migrations 007/010): forfeits split by cause (clearing, cancellation),
 * points split by source (exchange_points, random_points). Other kinds are absent.
 */
export function ledgerTotals(db: Db, queueId: string): Record<string, { amount: number; units: number }> {
  const rows = db.prepare('SELECT kind, amount_fen AS amount, units FROM ledger_totals WHERE queue_id = ?').all(queueId) as {
    kind: string;
    amount: number;
    units: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.kind, { amount: r.amount, units: r.units }]));
}

/** Amount-weighted average reward ratio (Σ entitlement ÷ Σ base, bp) of the cash entries joined since `from`. */
export function averageRewardBp(db: Db, queueId: string, from: number): number | null {
  const row = db
    .prepare(
      `SELECT coalesce(sum(entitlement_fen), 0) AS entitled, coalesce(sum(base_fen), 0) AS base FROM entries INDEXED BY entries_by_joined_at
       WHERE queue_id = ? AND joined_at >= ? AND state <> 'points'`,
    )
    .get(queueId, from) as { entitled: number; base: number };
  if (row.base === 0) return null;
  return Number((BigInt(row.entitled) * 10_000n) / BigInt(row.base));
}

/**
 * Day by day: sales and orders (by payment time), extracted and paid out (by
 * ledger time), and the amount owed at the end of each day. Owed at the end
 * of day D = owed now − every change to it after D: + the entitlement of each
 * entry joining (its pre-draw entitlement if it drew later), + the change a
 * draw made, − payouts, − clearings, − cancellations, − exchanges. Rows are
 * summed in SQL by 15-minute buckets (local day boundaries fall on them),
 * then folded into local days.
 */
/**
 * The day-by-day statements, each a range read of the window through a time
 * index (queue_id, time): the dashboard reads the rows of its 7/30/90 days,
 * never the register's history (test/perf/dashboard-plan.test.ts explains
 * each). Summed in 15-minute buckets so any time zone's days can be built.
 */
const B = BUCKET_MS;
export const DAY_ORDERS_SQL = `SELECT paid_at / ${B} AS b, count(*) AS n, sum(actual_paid_fen) AS s FROM orders INDEXED BY orders_by_paid_at WHERE queue_id = ? AND paid_at >= ? GROUP BY b`;
export const DAY_LEDGER_SQL = `SELECT at / ${B} AS b, kind, sum(amount_fen) AS s FROM ledger INDEXED BY ledger_by_at WHERE queue_id = ? AND at >= ? GROUP BY b, kind`;
export const DAY_JOINED_SQL = `SELECT joined_at / ${B} AS b, sum(entitlement_fen) AS s FROM entries INDEXED BY entries_by_joined_at
       WHERE queue_id = ? AND joined_at >= ? AND state <> 'points' AND drawn_at IS NULL GROUP BY b`;
/** Lottery entries drawn in the window: through entries_by_drawn_at (migration 012); before it, this walked every entry ever made. */
export const DAY_DRAWN_SQL = `SELECT order_id, joined_at, drawn_at, base_fen, entitlement_fen FROM entries INDEXED BY entries_by_drawn_at WHERE queue_id = ? AND drawn_at >= ? AND state <> 'points'`;

export function dailyFigures(
  db: Db,
  queueId: string,
  days: readonly LocalDate[],
  owedNowFen: number,
  preDrawEntitlement: (entry: { orderId: string; joinedAt: number; baseFen: number }) => number,
): DayFigures[] {
  const figures: DayFigures[] = days.map((d) => ({ date: d.date, orders: 0, salesFen: 0, extractedFen: 0, paidOutFen: 0, owedEndFen: 0 }));
  const owedDelta = days.map(() => 0);
  if (days.length === 0) return figures;
  const start = days[0]!.start;
  const dayOf = (at: number): number => {
    let lo = 0;
    let hi = days.length - 1;
    if (at < days[0]!.start || at >= days[hi]!.end) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (days[mid]!.start <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const r of db
    .prepare(DAY_ORDERS_SQL)
    .all(queueId, start) as { b: number; n: number; s: number }[]) {
    const i = dayOf(r.b * B);
    if (i < 0) continue;
    figures[i]!.orders += r.n;
    figures[i]!.salesFen += r.s;
  }
  for (const r of db
    .prepare(DAY_LEDGER_SQL)
    .all(queueId, start) as { b: number; kind: string; s: number }[]) {
    const i = dayOf(r.b * B);
    if (i < 0) continue;
    if (r.kind === 'extraction') figures[i]!.extractedFen += r.s;
    if (r.kind === 'payout') figures[i]!.paidOutFen += r.s;
    if (['payout', 'clearing', 'cancellation', 'exchange_points', 'exchange_vouchers'].includes(r.kind)) owedDelta[i]! -= r.s;
  }
  for (const r of db
    .prepare(DAY_JOINED_SQL)
    .all(queueId, start) as { b: number; s: number }[]) {
    const i = dayOf(r.b * B);
    if (i >= 0) owedDelta[i]! += r.s;
  }
  for (const e of db
    .prepare(DAY_DRAWN_SQL)
    .all(queueId, start) as { order_id: string; joined_at: number; drawn_at: number; base_fen: number; entitlement_fen: number }[]) {
    const pre = preDrawEntitlement({ orderId: e.order_id, joinedAt: e.joined_at, baseFen: e.base_fen });
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
