/** The refund slip's facts, read from the order, its refund and the refund's tenders (migration 006). */
import type { Db } from '../store/database';
import { fen, type Fen } from '../../../shared/money';
import { EMPTY_LAYERS, parseSettingsLayer, resolveSettings } from '../../../shared/settings';
import type { RefundSlipData } from '../../../shared/receipt/refund-slip';
import type { TenderKind } from '../../../shared/receipt/index';
import { getMeta, META_KEYS } from './settings';

export class RefundSlipSourceError extends Error {
  override name = 'RefundSlipSourceError';
}

export function loadRefundSlipData(db: Db, ref: { queueId: string; orderId: string }): RefundSlipData {
  const row = db
    .prepare(
      `SELECT o.paid_at, o.actual_paid_fen, o.points_deduction_fen, o.love_deduction_fen, r.at, c.name AS cashier_name, m.name AS manager_name,
              (SELECT l.amount_fen FROM ledger l WHERE l.queue_id = o.queue_id AND l.order_id = o.id AND l.kind = 'cancellation' LIMIT 1) AS forfeited
       FROM refunds r JOIN orders o ON o.queue_id = r.queue_id AND o.id = r.order_id
       LEFT JOIN cashiers c ON c.id = r.cashier_id LEFT JOIN cashiers m ON m.id = r.approved_by
       WHERE r.queue_id = ? AND r.order_id = ?`,
    )
    .get(ref.queueId, ref.orderId) as
    | { paid_at: number; actual_paid_fen: number; points_deduction_fen: number; love_deduction_fen: number; at: number; cashier_name: string | null; manager_name: string | null; forfeited: number | null }
    | undefined;
  if (!row) throw new RefundSlipSourceError(`order ${JSON.stringify(ref.orderId)} has no refund to print`);
  const handBack = db
    .prepare('SELECT kind, amount_fen FROM refund_tenders WHERE queue_id = ? AND order_id = ? ORDER BY line')
    .all(ref.queueId, ref.orderId) as { kind: TenderKind; amount_fen: number }[];
  const queue = db.prepare('SELECT base_settings, cashier_settings FROM queues WHERE id = ?').get(ref.queueId) as
    | { base_settings: string; cashier_settings: string }
    | undefined;
  const layers = queue ? { base: parseSettingsLayer(JSON.parse(queue.base_settings)), cashier: parseSettingsLayer(JSON.parse(queue.cashier_settings)) } : EMPTY_LAYERS;
  return {
    store: { name: getMeta(db, META_KEYS.storeName) ?? '', address: getMeta(db, META_KEYS.storeAddress) ?? null },
    registerId: getMeta(db, META_KEYS.registerId) ?? ref.queueId,
    orderId: ref.orderId,
    paidAt: row.paid_at,
    refundedAt: row.at,
    timezone: getMeta(db, META_KEYS.timezone) ?? 'Asia/Shanghai',
    cashier: row.cashier_name,
    approvedBy: row.manager_name,
    actualPaidFen: fen(row.actual_paid_fen),
    handBack: handBack.map((t) => ({ kind: t.kind, amountFen: fen(t.amount_fen) })),
    deductions: { points: fen(row.points_deduction_fen), love: fen(row.love_deduction_fen) },
    forfeitedFen: fen(row.forfeited ?? 0) as Fen,
    rebateName: resolveSettings(layers).rebateName,
  };
}
