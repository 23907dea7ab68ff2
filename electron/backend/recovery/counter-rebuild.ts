/**
 * The counter's own rows rebuilt from the counter events of migration 017
 * (docs/sync.md "Counter events"): people (their PINs unsealed with the key
 * of the token the recovery was given), shifts and their Z reports, the
 * manager audit log, each order's cashier, shift, deductions, change, tenders
 * and ratio steps, each refund with its tenders and approver, and the daily
 * order numbers.
 *
 * Events from registers older than migration 017 carry none of this; their
 * orders come back without tenders or cashier, and a refund whose shift or
 * people the events never named is left out (the engine's refund itself — the
 * order refunded, the entry cancelled — is still applied by rebuild.ts).
 */
import type { EventPayloads } from '../../../shared/sync/events';
import type { WireEvent } from '../../../shared/sync/protocol';
import type { Db } from '../store/database';
import { openPin, PIN_NOT_RECOVERED } from '../sync/pin-seal';

export interface CounterRebuildResult {
  people: number;
  /** People whose PIN did not come back (no token then, or another token): they cannot sign in until a manager sets a new PIN. */
  pinsNotRecovered: string[];
  shifts: number;
  auditRows: number;
  tenderedOrders: number;
  refunds: number;
  /** At least one manager not disabled has a PIN that came back (else nobody can approve or set PINs: see `pos recover` POS_NEW_MANAGER_PIN). */
  managerCanSignIn: boolean;
}

export class CounterRebuilder {
  readonly result: CounterRebuildResult = { people: 0, pinsNotRecovered: [], shifts: 0, auditRows: 0, tenderedOrders: 0, refunds: 0, managerCanSignIn: false };
  private readonly people = new Set<string>();

  constructor(
    private readonly db: Db,
    /** The key of the token this recovery runs with (sync/pin-seal.ts), or null. */
    private readonly pinKey: Buffer | null,
  ) {}

  private exists(table: 'cashiers' | 'shifts', id: string | number | null): boolean {
    return id !== null && this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;
  }

  apply(event: WireEvent): void {
    switch (event.type) {
      case 'staff.changed':
        return this.staff(event.payload as EventPayloads['staff.changed']);
      case 'shift.opened': {
        const s = (event.payload as EventPayloads['shift.opened']).shift;
        this.db
          .prepare('INSERT INTO shifts (id, register_id, cashier_id, opened_at, opening_float_fen) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
          .run(s.id, s.registerId, s.cashierId, s.openedAt, s.openingFloatFen);
        this.result.shifts += 1;
        return;
      }
      case 'shift.closed': {
        const p = event.payload as EventPayloads['shift.closed'];
        this.db
          .prepare('UPDATE shifts SET closed_at = ?, closed_by = ?, counted_cash_fen = ?, z_report = ? WHERE id = ? AND closed_at IS NULL')
          .run(p.closedAt, p.closedBy, p.countedCashFen, JSON.stringify(p.zReport), p.shiftId);
        return;
      }
      case 'audit.recorded': {
        const a = (event.payload as EventPayloads['audit.recorded']).audit;
        this.db
          .prepare('INSERT INTO manager_audit (id, at, manager_id, cashier_id, action, detail) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
          .run(a.id, a.at, this.exists('cashiers', a.managerId) ? a.managerId : null, a.cashierId, a.action, JSON.stringify(a.detail ?? {}));
        this.result.auditRows += 1;
        return;
      }
      case 'order.checkout': {
        const p = event.payload as EventPayloads['order.checkout'];
        if (p.counter) this.checkoutCounter(p.order.queueId, p.order.id, p.counter);
        return;
      }
      case 'order.refunded': {
        const p = event.payload as EventPayloads['order.refunded'];
        if (p.refund) this.refund(event.queueId, p.orderId, p.refund);
        return;
      }
      default:
        return;
    }
  }

  private staff(p: EventPayloads['staff.changed']): void {
    const person = p.person;
    const sealedHash = p.pin && this.pinKey ? openPin(this.pinKey, person.id, p.pin) : null;
    const had = this.db.prepare('SELECT pin_hash FROM cashiers WHERE id = ?').pluck().get(person.id) as string | undefined;
    // No PIN in the event (sealed before any token): keep the one the database has (a restored backup), if any.
    // A PIN sealed under another token cannot be opened: the person must be given a new one.
    const pinHash = sealedHash ?? (p.pin === null && had !== undefined ? had : PIN_NOT_RECOVERED);
    this.db
      .prepare(
        `INSERT INTO cashiers (id, name, role, pin_hash, created_at, created_by, disabled_at, disabled_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash,
           disabled_at = excluded.disabled_at, disabled_by = excluded.disabled_by`,
      )
      .run(
        person.id,
        person.name,
        person.role,
        pinHash,
        person.createdAt,
        this.exists('cashiers', person.createdBy) ? person.createdBy : null,
        person.disabledAt,
        this.exists('cashiers', person.disabledBy) ? person.disabledBy : null,
      );
    this.people.add(person.id);
  }

  private checkoutCounter(queueId: string, orderId: string, c: NonNullable<EventPayloads['order.checkout']['counter']>): void {
    this.db
      .prepare('UPDATE orders SET cashier_id = ?, shift_id = ?, points_deduction_fen = ?, love_deduction_fen = ?, change_fen = ? WHERE queue_id = ? AND id = ?')
      .run(c.cashierId, c.shiftId, c.pointsDeductionFen, c.loveDeductionFen, c.changeFen, queueId, orderId);
    const tender = this.db.prepare('INSERT INTO order_tenders (queue_id, order_id, line, kind, amount_fen) VALUES (?, ?, ?, ?, ?)');
    c.tenders.forEach((t, i) => tender.run(queueId, orderId, i + 1, t.kind, t.amountFen));
    this.db
      .prepare('INSERT INTO checkout_details (queue_id, order_id, ratio_steps) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(queueId, orderId, JSON.stringify(c.ratioSteps ?? []));
    this.result.tenderedOrders += 1;
  }

  private refund(queueId: string, orderId: string, r: NonNullable<EventPayloads['order.refunded']['refund']>): void {
    if (!this.exists('shifts', r.shiftId) || !this.exists('cashiers', r.cashierId) || !this.exists('cashiers', r.approvedBy)) return;
    this.db
      .prepare('INSERT INTO refunds (queue_id, order_id, shift_id, cashier_id, approved_by, at, amount_fen, cash_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(queueId, orderId, r.shiftId, r.cashierId, r.approvedBy, r.at, r.amountFen, r.cashFen);
    const line = this.db.prepare('INSERT INTO refund_tenders (queue_id, order_id, line, kind, amount_fen) VALUES (?, ?, ?, ?, ?)');
    r.tenders.forEach((t, i) => line.run(queueId, orderId, i + 1, t.kind, t.amountFen));
    this.result.refunds += 1;
  }

  /** The daily order numbers (`<register>-<yyyymmdd>-<nnnnnn>`), so the next sale of a day continues after the last one. */
  finish(registerId: string | null): void {
    this.result.people = this.people.size;
    this.result.pinsNotRecovered = (
      this.db.prepare('SELECT name FROM cashiers WHERE pin_hash = ? ORDER BY name').pluck().all(PIN_NOT_RECOVERED) as string[]
    );
    this.result.managerCanSignIn =
      this.db.prepare("SELECT 1 FROM cashiers WHERE role = 'manager' AND disabled_at IS NULL AND pin_hash <> ?").get(PIN_NOT_RECOVERED) !== undefined;
    if (registerId === null) return;
    const numbers = this.db.prepare('SELECT id FROM orders WHERE id GLOB ?').pluck().all(`${registerId.replace(/[[*?]/g, '[$&]')}-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]`) as string[];
    const last = new Map<string, number>();
    for (const id of numbers) {
      const day = id.slice(registerId.length + 1, registerId.length + 9);
      const n = Number(id.slice(registerId.length + 10));
      if (n > (last.get(day) ?? 0)) last.set(day, n);
    }
    const upsert = this.db.prepare(
      'INSERT INTO order_numbers (register_id, day, last) VALUES (?, ?, ?) ON CONFLICT (register_id, day) DO UPDATE SET last = max(last, excluded.last)',
    );
    for (const [day, n] of last) upsert.run(registerId, day, n);
  }
}
