/** The canonical dump the recovery tests compare (issue 14 §1). */
import type { Db } from '../../electron/backend/store/database';

/** JSON text columns as values: the service keeps payloads as jsonb, which does not keep key order. */
function parsed<T extends Record<string, unknown>>(rows: unknown[], ...columns: (keyof T)[]): unknown[] {
  return (rows as T[]).map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of columns) if (typeof r[c] === 'string') out[c as string] = JSON.parse(r[c] as string);
    return out;
  });
}

/** Everything the issue asks to come back, in a stable order (members' updated_at is when a push arrived here, not history). */
export function canonicalDump(db: Db): Record<string, unknown[]> {
  return {
    orders: db
      .prepare(
        `SELECT queue_id, id, member_id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at, settlement, settled_at, extracted_fen,
           paid_to_queue_fen, completed_at, auto_complete_at, refunded_at, no_entitlement_reason, lookup_code,
           cashier_id, shift_id, points_deduction_fen, love_deduction_fen, change_fen FROM orders ORDER BY queue_id, id`,
      )
      .all(),
    // The counter's own records (migration 017's events): people with their PIN hashes, shifts with their Z reports,
    // tenders, ratio steps, refunds, the audit log and the daily order numbers. Not print jobs (docs/central.md).
    staff: db.prepare('SELECT id, name, role, pin_hash, created_at, created_by, disabled_at, disabled_by FROM cashiers ORDER BY id').all(),
    shifts: parsed(db.prepare('SELECT * FROM shifts ORDER BY id').all(), 'z_report'),
    tenders: db.prepare('SELECT * FROM order_tenders ORDER BY queue_id, order_id, line').all(),
    checkoutDetails: parsed(db.prepare('SELECT * FROM checkout_details ORDER BY queue_id, order_id').all(), 'ratio_steps'),
    refunds: db.prepare('SELECT * FROM refunds ORDER BY queue_id, order_id').all(),
    refundTenders: db.prepare('SELECT * FROM refund_tenders ORDER BY queue_id, order_id, line').all(),
    audit: parsed(db.prepare('SELECT * FROM manager_audit ORDER BY id').all(), 'detail'),
    orderNumbers: db.prepare('SELECT * FROM order_numbers ORDER BY register_id, day').all(),
    entries: db.prepare('SELECT * FROM entries ORDER BY queue_id, seq').all(),
    ledger: db.prepare('SELECT * FROM ledger ORDER BY id').all(),
    members: db
      .prepare(
        `SELECT id, level, display_name, masked_phone, member_code, phone_digest, phone_key_id, source, enrolled_at, enrolled_by, canonical_id
         FROM members ORDER BY id`,
      )
      .all(),
    queues: db
      .prepare(
        `SELECT id, base_settings, cashier_settings, next_seq, waiting_count, owed_fen, pool_fen, extracted_fen, paid_out_fen, undistributed_fen,
           forfeited_fen, exchanged_fen, points_issued, vouchers_issued, random_points_left, random_cash_left FROM queues ORDER BY id`,
      )
      .all(),
    // Fields of one change in name order: the service keeps payloads as jsonb, which does not keep key order.
    settingsAudit: db.prepare('SELECT queue_id, layer, field, old_value, new_value, actor, source, at FROM settings_audit ORDER BY at, queue_id, layer, field').all(),
  };
}
