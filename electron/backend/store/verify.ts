/**
 * The invariants of queue-rebate.md §4, checked on a whole database. Every
 * figure the engine keeps as a counter is recomputed from the rows and the
 * append-only ledger; each disagreement is named.
 */
import type { Db } from './database';

export interface Violation {
  rule: string;
  detail: string;
}

interface Check {
  rule: string;
  sql: string;
  describe: (row: Record<string, unknown>) => string;
}

const CHECKS: Check[] = [
  {
    rule: 'Σ extracted = Σ paid out + undistributed + pool',
    sql: `SELECT id, extracted_fen, paid_out_fen, undistributed_fen, pool_fen FROM queues
          WHERE extracted_fen <> paid_out_fen + undistributed_fen + pool_fen`,
    describe: (r) => `queue ${r.id}: extracted ${r.extracted_fen} ≠ paid out ${r.paid_out_fen} + undistributed ${r.undistributed_fen} + pool ${r.pool_fen}`,
  },
  {
    rule: 'queue totals agree with the ledger',
    sql: `WITH l AS (
            SELECT queue_id,
              sum(CASE kind WHEN 'extraction' THEN amount_fen ELSE 0 END) AS extracted,
              sum(CASE kind WHEN 'payout' THEN amount_fen ELSE 0 END) AS paid,
              sum(CASE kind WHEN 'undistributed' THEN amount_fen ELSE 0 END) AS undistributed,
              sum(CASE kind WHEN 'pool_in' THEN amount_fen WHEN 'pool_out' THEN -amount_fen ELSE 0 END) AS pool,
              sum(CASE WHEN kind IN ('clearing', 'cancellation') THEN amount_fen ELSE 0 END) AS forfeited,
              sum(CASE WHEN kind IN ('exchange_points', 'exchange_vouchers') THEN amount_fen ELSE 0 END) AS exchanged,
              sum(CASE WHEN kind IN ('exchange_points', 'random_points') THEN units ELSE 0 END) AS points,
              sum(CASE WHEN kind = 'exchange_vouchers' THEN units ELSE 0 END) AS vouchers
            FROM ledger GROUP BY queue_id)
          SELECT q.id, q.extracted_fen, q.paid_out_fen, q.undistributed_fen, q.pool_fen, q.forfeited_fen, q.exchanged_fen,
                 q.points_issued, q.vouchers_issued, l.* FROM queues q LEFT JOIN l ON l.queue_id = q.id
          WHERE q.extracted_fen <> coalesce(l.extracted, 0) OR q.paid_out_fen <> coalesce(l.paid, 0)
             OR q.undistributed_fen <> coalesce(l.undistributed, 0) OR q.pool_fen <> coalesce(l.pool, 0)
             OR q.forfeited_fen <> coalesce(l.forfeited, 0) OR q.exchanged_fen <> coalesce(l.exchanged, 0)
             OR q.points_issued <> coalesce(l.points, 0) OR q.vouchers_issued <> coalesce(l.vouchers, 0)`,
    describe: (r) =>
      `queue ${r.id}: counters (extracted ${r.extracted_fen}, paid ${r.paid_out_fen}, undistributed ${r.undistributed_fen}, pool ${r.pool_fen}, ` +
      `forfeited ${r.forfeited_fen}, exchanged ${r.exchanged_fen}, points ${r.points_issued}, vouchers ${r.vouchers_issued}) ≠ ledger ` +
      `(${r.extracted ?? 0}, ${r.paid ?? 0}, ${r.undistributed ?? 0}, ${r.pool ?? 0}, ${r.forfeited ?? 0}, ${r.exchanged ?? 0}, ${r.points ?? 0}, ${r.vouchers ?? 0})`,
  },
  {
    rule: 'waiting count and amount owed agree with the entries',
    sql: `WITH w AS (SELECT queue_id, count(*) AS n, sum(entitlement_fen - received_fen) AS owed
                     FROM entries WHERE state = 'waiting' GROUP BY queue_id)
          SELECT q.id, q.waiting_count, q.owed_fen, coalesce(w.n, 0) AS n, coalesce(w.owed, 0) AS owed
          FROM queues q LEFT JOIN w ON w.queue_id = q.id
          WHERE q.waiting_count <> coalesce(w.n, 0) OR q.owed_fen <> coalesce(w.owed, 0)`,
    describe: (r) => `queue ${r.id}: waiting ${r.waiting_count} / owed ${r.owed_fen} on the counter, ${r.n} / ${r.owed} in the line`,
  },
  {
    rule: '0 ≤ received ≤ entitlement',
    sql: `SELECT queue_id, order_id, received_fen, entitlement_fen FROM entries
          WHERE received_fen < 0 OR received_fen > entitlement_fen`,
    describe: (r) => `entry of order ${r.order_id} (queue ${r.queue_id}): received ${r.received_fen} of ${r.entitlement_fen}`,
  },
  {
    rule: 'completed ⇔ received = entitlement',
    sql: `SELECT queue_id, order_id, state, received_fen, entitlement_fen FROM entries
          WHERE (state = 'completed') <> (received_fen = entitlement_fen)
            -- a lottery entry that never drew may start, and end, at 0 of 0
            AND NOT (draw_pending = 1 AND entitlement_fen = 0)
            AND state NOT IN ('points')`,
    describe: (r) => `entry of order ${r.order_id} (queue ${r.queue_id}) is ${r.state} with ${r.received_fen} of ${r.entitlement_fen}`,
  },
  {
    rule: 'an entry received exactly its payouts in the ledger',
    sql: `WITH p AS (SELECT queue_id, entry_order_id, sum(amount_fen) AS paid FROM ledger WHERE kind = 'payout' GROUP BY 1, 2)
          SELECT e.queue_id, e.order_id, e.received_fen, coalesce(p.paid, 0) AS paid
          FROM entries e LEFT JOIN p ON p.queue_id = e.queue_id AND p.entry_order_id = e.order_id
          WHERE e.received_fen <> coalesce(p.paid, 0)`,
    describe: (r) => `entry of order ${r.order_id} (queue ${r.queue_id}): received ${r.received_fen}, ledger payouts ${r.paid}`,
  },
  {
    rule: 'an order never pays its own entry',
    sql: `SELECT queue_id, order_id, amount_fen FROM ledger WHERE kind = 'payout' AND order_id = entry_order_id`,
    describe: (r) => `order ${r.order_id} (queue ${r.queue_id}) paid ${r.amount_fen} fen to its own entry`,
  },
  {
    rule: 'nothing in a finished state ever receives again',
    sql: `WITH finish AS (
            SELECT queue_id, entry_order_id, min(id) AS finished_by FROM ledger
            WHERE kind IN ('clearing', 'cancellation', 'exchange_points', 'exchange_vouchers', 'random_points')
            GROUP BY 1, 2)
          SELECT l.queue_id, l.entry_order_id, l.id FROM ledger l
          JOIN finish f ON f.queue_id = l.queue_id AND f.entry_order_id = l.entry_order_id
          WHERE l.kind = 'payout' AND l.id > f.finished_by`,
    describe: (r) => `entry of order ${r.entry_order_id} (queue ${r.queue_id}) received ledger row ${r.id} after it was finished`,
  },
  {
    rule: 'orders agree with the ledger',
    sql: `WITH x AS (SELECT queue_id, order_id,
              sum(CASE kind WHEN 'extraction' THEN amount_fen ELSE 0 END) AS extracted,
              sum(CASE kind WHEN 'payout' THEN amount_fen ELSE 0 END) AS paid
            FROM ledger WHERE order_id IS NOT NULL GROUP BY 1, 2)
          SELECT o.queue_id, o.id, o.extracted_fen, o.paid_to_queue_fen, coalesce(x.extracted, 0) AS extracted, coalesce(x.paid, 0) AS paid
          FROM orders o LEFT JOIN x ON x.queue_id = o.queue_id AND x.order_id = o.id
          WHERE o.extracted_fen <> coalesce(x.extracted, 0) OR o.paid_to_queue_fen <> coalesce(x.paid, 0)
             OR (o.settled_at IS NULL AND o.extracted_fen <> 0)`,
    describe: (r) => `order ${r.id} (queue ${r.queue_id}): extracted ${r.extracted_fen} / paid ${r.paid_to_queue_fen}, ledger ${r.extracted} / ${r.paid}`,
  },
  {
    // Migration 014: over all time, the dashboard's quarter-hour totals add up to the rows they count, and the
    // changes to the amount owed add up to what is owed now (it started at 0).
    rule: 'the dashboard totals agree with the rows',
    sql: `WITH t AS (SELECT queue_id, sum(orders) AS orders, sum(sales_fen) AS sales, sum(extracted_fen) AS extracted,
                            sum(paid_out_fen) AS paid, sum(owed_delta_fen) AS owed
                     FROM quarter_hour_totals GROUP BY queue_id),
               o AS (SELECT queue_id, count(*) AS orders, sum(actual_paid_fen) AS sales FROM orders GROUP BY queue_id)
          SELECT q.id, q.owed_fen, q.extracted_fen, q.paid_out_fen, coalesce(o.orders, 0) AS n, coalesce(o.sales, 0) AS sales,
                 coalesce(t.orders, 0) AS t_orders, coalesce(t.sales, 0) AS t_sales, coalesce(t.extracted, 0) AS t_extracted,
                 coalesce(t.paid, 0) AS t_paid, coalesce(t.owed, 0) AS t_owed
          FROM queues q LEFT JOIN t ON t.queue_id = q.id LEFT JOIN o ON o.queue_id = q.id
          WHERE coalesce(t.orders, 0) <> coalesce(o.orders, 0) OR coalesce(t.sales, 0) <> coalesce(o.sales, 0)
             OR coalesce(t.extracted, 0) <> q.extracted_fen OR coalesce(t.paid, 0) <> q.paid_out_fen OR coalesce(t.owed, 0) <> q.owed_fen`,
    describe: (r) =>
      `queue ${r.id}: dashboard totals (orders ${r.t_orders}, sales ${r.t_sales}, extracted ${r.t_extracted}, paid ${r.t_paid}, owed ${r.t_owed}) ≠ ` +
      `rows (${r.n}, ${r.sales}, ${r.extracted_fen}, ${r.paid_out_fen}, ${r.owed_fen})`,
  },
  {
    rule: 'the ledger is append-only',
    sql: `SELECT 'missing' AS what FROM (SELECT count(*) AS n FROM sqlite_master
            WHERE type = 'trigger' AND name IN ('ledger_is_append_only_update', 'ledger_is_append_only_delete')) WHERE n <> 2`,
    describe: () => 'the triggers that keep the ledger append-only are missing',
  },
];

const INTEGRITY_RULE = 'SQLite integrity';
const FOREIGN_KEYS_RULE = 'foreign keys';
/** Every rule a violation can name (the refusal page names each in Chinese: app/refusal-page.ts). */
export const CHECK_RULES: readonly string[] = [...CHECKS.map((c) => c.rule), INTEGRITY_RULE, FOREIGN_KEYS_RULE];

export function verifyDatabase(db: Db): Violation[] {
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    for (const row of db.prepare(check.sql).all() as Record<string, unknown>[]) {
      violations.push({ rule: check.rule, detail: check.describe(row) });
    }
  }
  const integrity = db.pragma('quick_check', { simple: true });
  if (integrity !== 'ok') violations.push({ rule: INTEGRITY_RULE, detail: String(integrity) });
  const foreignKeys = db.pragma('foreign_key_check') as unknown[];
  if (foreignKeys.length > 0) violations.push({ rule: FOREIGN_KEYS_RULE, detail: `${foreignKeys.length} rows point at missing rows` });
  return violations;
}
