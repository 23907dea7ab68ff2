/**
 * X (mid-shift) and Z (close) reports, computed from the database.
 *
 * A shift's figures are those of the orders checked out in it (orders.shift_id)
 * and the refunds made in it (refunds.shift_id):
 *  - salesFen: Σ actual paid of the shift's orders (refunded ones included;
 *    refunds are listed on their own in the shift they were made in);
 *  - tenders: Σ per tender kind, cash NET of change, so Σ tenders = salesFen;
 *  - expectedCashFen = opening float + net cash − cash handed back by refunds;
 *  - rebate: what the shift's orders extracted and paid to the line (so far,
 *    for settlement "on completion"), and the entitlements they created
 *    (random-return entries converted to points at once are not counted).
 * A Z report is stored on the shift when it closes and never recomputed.
 */
import { TENDER_KINDS, type ShiftReport, type TenderKind } from '../../../shared/contract';
import type { Db } from '../store/database';
import { shiftView, type ShiftRow } from './views';

export function computeShiftReport(db: Db, shift: ShiftRow, kind: 'X' | 'Z', close?: { closedAt: number; countedCashFen: number; closedBy: string }): ShiftReport {
  const orders = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(actual_paid_fen), 0) AS sales, coalesce(sum(points_deduction_fen), 0) AS points,
              coalesce(sum(love_deduction_fen), 0) AS love, coalesce(sum(change_fen), 0) AS change,
              coalesce(sum(extracted_fen), 0) AS extracted, coalesce(sum(paid_to_queue_fen), 0) AS paid
       FROM orders WHERE shift_id = ?`,
    )
    .get(shift.id) as { n: number; sales: number; points: number; love: number; change: number; extracted: number; paid: number };
  const tenders = Object.fromEntries(TENDER_KINDS.map((k) => [k, 0])) as Record<TenderKind, number>;
  const tenderRows = db
    .prepare(
      `SELECT t.kind AS kind, sum(t.amount_fen) AS total FROM order_tenders t
       JOIN orders o ON o.queue_id = t.queue_id AND o.id = t.order_id
       WHERE o.shift_id = ? GROUP BY t.kind`,
    )
    .all(shift.id) as { kind: TenderKind; total: number }[];
  for (const row of tenderRows) tenders[row.kind] = row.total;
  tenders.cash -= orders.change;
  const refunds = db
    .prepare('SELECT count(*) AS n, coalesce(sum(amount_fen), 0) AS amount, coalesce(sum(cash_fen), 0) AS cash FROM refunds WHERE shift_id = ?')
    .get(shift.id) as { n: number; amount: number; cash: number };
  const entries = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(e.entitlement_fen), 0) AS entitled FROM entries e
       JOIN orders o ON o.queue_id = e.queue_id AND o.id = e.order_id
       WHERE o.shift_id = ? AND e.state <> 'points'`,
    )
    .get(shift.id) as { n: number; entitled: number };
  const expectedCashFen = shift.opening_float_fen + tenders.cash - refunds.cash;
  const cashierName = (db.prepare('SELECT name FROM cashiers WHERE id = ?').get(shift.cashier_id) as { name: string } | undefined)?.name ?? null;
  const view = shiftView(
    close ? { ...shift, cashier_name: cashierName, closed_at: close.closedAt, counted_cash_fen: close.countedCashFen, closed_by: close.closedBy } : { ...shift, cashier_name: cashierName },
  );
  return {
    kind,
    shift: view,
    orders: orders.n,
    salesFen: orders.sales,
    tenders,
    expectedCashFen,
    cashDifferenceFen: close ? close.countedCashFen - expectedCashFen : null,
    refunds: refunds.n,
    refundedFen: refunds.amount,
    deductions: { pointsFen: orders.points, loveFen: orders.love },
    rebate: { extractedFen: orders.extracted, paidOutFen: orders.paid, newEntitlementsFen: entries.entitled, newEntries: entries.n },
  };
}
