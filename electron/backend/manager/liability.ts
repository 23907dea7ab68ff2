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
 * of day D = owed now − every change to it after D. All of it is read from
 * quarter_hour_totals (migration 014), whose rows triggers keep in the same
 * transaction as the orders, ledger rows and entries they count: one range
 * of the window's quarter hours (≤ 96 rows a day) folded into local days, so
 * the 90-day dashboard reads ≈ 4 000 small rows whatever the register's age
 * and never the ledger (test/perf/dashboard-plan.test.ts; its equality with
 * the former computation from the rows: test/perf/day-totals.test.ts).
 */
const B = BUCKET_MS;
export const DAY_TOTALS_SQL = `SELECT bucket AS b, orders, sales_fen, extracted_fen, paid_out_fen, owed_delta_fen FROM quarter_hour_totals
       WHERE queue_id = ? AND bucket >= ? ORDER BY bucket`;

export function dailyFigures(db: Db, queueId: string, days: readonly LocalDate[], owedNowFen: number): DayFigures[] {
  const figures: DayFigures[] = days.map((d) => ({ date: d.date, orders: 0, salesFen: 0, extractedFen: 0, paidOutFen: 0, owedEndFen: 0 }));
  const owedDelta = days.map(() => 0);
  if (days.length === 0) return figures;
  let i = 0;
  for (const r of db.prepare(DAY_TOTALS_SQL).all(queueId, Math.floor(days[0]!.start / B)) as {
    b: number;
    orders: number;
    sales_fen: number;
    extracted_fen: number;
    paid_out_fen: number;
    owed_delta_fen: number;
  }[]) {
    const at = r.b * B;
    while (i < days.length && at >= days[i]!.end) i++;
    if (i >= days.length) break;
    if (at < days[i]!.start) continue;
    const f = figures[i]!;
    f.orders += r.orders;
    f.salesFen += r.sales_fen;
    f.extractedFen += r.extracted_fen;
    f.paidOutFen += r.paid_out_fen;
    owedDelta[i]! += r.owed_delta_fen;
  }
  let owed = owedNowFen;
  for (let d = days.length - 1; d >= 0; d--) {
    figures[d]!.owedEndFen = owed;
    owed -= owedDelta[d]!;
  }
  return figures;
}
