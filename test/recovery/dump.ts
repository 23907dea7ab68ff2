/** The canonical dump the recovery tests compare (issue 14 §1). */
import type { Db } from '../../electron/backend/store/database';

/** Everything the issue asks to come back, in a stable order (members' updated_at is when a push arrived here, not history). */
export function canonicalDump(db: Db): Record<string, unknown[]> {
  return {
    orders: db
      .prepare(
        `SELECT queue_id, id, member_id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at, settlement, settled_at, extracted_fen,
           paid_to_queue_fen, completed_at, auto_complete_at, refunded_at, no_entitlement_reason, lookup_code FROM orders ORDER BY queue_id, id`,
      )
      .all(),
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
