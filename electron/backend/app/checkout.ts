/**
 * The checkout: member lookup, tender rules, order numbers and the one
 * transaction that records a sale with everything it implies (engine rows,
 * ledger, outbox event, tenders, ratio steps, receipt print job).
 */
import type { CheckoutOutcome, CommandOutput, MemberView, ParsedCommandInput } from '../../../shared/contract';
import { checkout, complete, localParts } from '../../../shared/engine/index';
import { digestOfTypedPhone, type PhoneKey } from '../members/phone-digest';
import { enqueueReceipt } from '../printing/index';
import type { Db } from '../store/database';
import type { SqliteQueueStore } from '../store/queue-store';
import { AppError } from './errors';
import { newLookupCode } from './lookup-code';
import { msg } from '../../../shared/messages/catalogue';
import type { RegisterBackend } from './register';
import { entryView, memberView, ratioStepView } from './views';

export class Checkout {
  constructor(private readonly core: RegisterBackend) {}

  private get db() {
    return this.core.db;
  }

  lookupMember(input: ParsedCommandInput<'members.lookup'>): MemberView | null {
    this.core.requireSession();
    return this.lookupMemberUnchecked(input.query);
  }

  /** The lookup itself, without the session check (the CLI and tests). */
  lookupMemberUnchecked(query: string): MemberView | null {
    const member = findMember(this.db, this.core.store, query, this.core.phoneKey);
    return member ? memberView(member) : null;
  }

  /** `<register>-<yyyymmdd>-<nnnnnn>`, counted per register and local day. */
  private nextOrderId(at: number): string {
    const { registerId } = this.core;
    const p = localParts(at, this.core.timezone);
    const day = `${p.year}${String(p.month).padStart(2, '0')}${String(p.day).padStart(2, '0')}`;
    for (;;) {
      const row = this.core.sql('SELECT last FROM order_numbers WHERE register_id = ? AND day = ?').get(registerId, day) as { last: number } | undefined;
      const next = (row?.last ?? 0) + 1;
      if (next > 999_999) throw new AppError('rule', msg('checkout.orderNumbersExhausted', { day }), { rule: 'order-numbers-exhausted' });
      this.core
        .sql('INSERT INTO order_numbers (register_id, day, last) VALUES (?, ?, ?) ON CONFLICT (register_id, day) DO UPDATE SET last = excluded.last')
        .run(registerId, day, next);
      const id = `${registerId}-${day}-${String(next).padStart(6, '0')}`;
      // An id typed in by hand may already hold this number: skip it.
      if (!this.core.store.getOrder(this.core.queueId, id)) return id;
    }
  }

  /** A fresh 查询码 (60 random bits; a collision is astronomically rare but checked, the column is UNIQUE). */
  private uniqueLookupCode(): string {
    const taken = this.core.sql('SELECT 1 FROM orders WHERE lookup_code = ?');
    for (;;) {
      const code = newLookupCode();
      if (!taken.get(code)) return code;
    }
  }

  checkoutSubmit(input: ParsedCommandInput<'checkout.submit'>): CheckoutOutcome {
    const cashier = this.core.requireSession();
    const shift = this.core.shifts.requireShift();
    const { queueId, store } = this.core;
    const deductionFen = input.pointsDeductionFen + input.loveDeductionFen;
    if (deductionFen > input.amountDueFen) {
      throw new AppError('rule', msg('checkout.deductionExceeds', { deductionFen, amountDueFen: input.amountDueFen }), { rule: 'deduction-exceeds' });
    }
    // Points and love value are a member's balance (walk-ins earn nothing, §4): with no member there is
    // nobody whose balance pays, and the order would record a discount no account can be reconciled with.
    if (input.memberId === null && deductionFen > 0) {
      throw new AppError('rule', msg('checkout.deductionNeedsMember'), { rule: 'deduction-needs-member' });
    }
    const actualPaidFen = input.amountDueFen - deductionFen;
    const { changeFen } = checkTenders(input.tenders, actualPaidFen);
    if (input.memberId !== null && !store.getMember(input.memberId)) {
      throw new AppError('unknown-member', msg('checkout.unknownMember', { memberId: input.memberId }));
    }
    const result = store.transaction(() => {
      const at = this.core.now();
      const orderId = input.orderId ?? this.nextOrderId(at);
      const lookupCode = this.uniqueLookupCode();
      const outcome = checkout(this.core.ctx(), { orderId, at, memberId: input.memberId, amountDueFen: input.amountDueFen, deductionFen });
      this.core
        .sql(
          `UPDATE orders SET cashier_id = ?, shift_id = ?, points_deduction_fen = ?, love_deduction_fen = ?, change_fen = ?, lookup_code = ?
           WHERE queue_id = ? AND id = ?`,
        )
        .run(cashier.id, shift.id, input.pointsDeductionFen, input.loveDeductionFen, changeFen, lookupCode, queueId, orderId);
      // The 查询码 travels with the order's event, so the central service can answer it (docs/sync.md).
      this.core
        .sql("UPDATE outbox SET payload = json_set(payload, '$.lookupCode', ?) WHERE seq = (SELECT MAX(seq) FROM outbox) AND type = 'order.checkout'")
        .run(lookupCode);
      const tender = this.core.sql('INSERT INTO order_tenders (queue_id, order_id, line, kind, amount_fen) VALUES (?, ?, ?, ?, ?)');
      input.tenders.forEach((t, i) => tender.run(queueId, orderId, i + 1, t.kind, t.amountFen));
      const steps = outcome.ratio?.steps.map(ratioStepView) ?? [];
      this.core.sql('INSERT INTO checkout_details (queue_id, order_id, ratio_steps) VALUES (?, ?, ?)').run(queueId, orderId, JSON.stringify(steps));
      // The receipt job commits with the order, or neither does.
      enqueueReceipt(this.db, { queueId, orderId, copy: false, now: at });
      return { outcome, steps };
    });
    this.core.notifyChanged();
    const { order, entry, settlement } = result.outcome;
    const member = order.memberId ? store.getMember(order.memberId) : undefined;
    const outcome: CheckoutOutcome = {
      orderId: order.id,
      paidAt: order.paidAt,
      amountDueFen: order.amountDueFen,
      deductionFen: order.deductionFen,
      actualPaidFen: order.actualPaidFen,
      changeFen,
      member: member ? memberView(member) : null,
      extractedFen: order.extractedFen,
      paidToQueueFen: order.paidToQueueFen,
      payouts: (settlement?.payouts ?? []).map((p) => ({ fromOrderId: order.id, toOrderId: p.entryOrderId, amountFen: p.amountFen, at: order.paidAt })),
      entry: entry ? entryView(entry) : null,
      noEntitlementReason: order.noEntitlementReason,
      ratioSteps: result.steps,
      rebateName: this.core.settings().rebateName,
      receiptLines: this.core.receipts.receiptLines(order.id, false),
    };
    this.core.customerDisplay.paid(outcome);
    return outcome;
  }

  /** Completes an order paid under the on-completion settlement mode (its extraction settles now). */
  completeOrder(input: ParsedCommandInput<'order.complete'>): CommandOutput<'order.complete'> {
    this.core.requireSession();
    const { settlement } = this.core.store.transaction(() => complete(this.core.ctx(), { orderId: input.orderId, at: this.core.now() }));
    this.core.notifyChanged();
    return { orderId: input.orderId, extractedFen: settlement?.extractedFen ?? 0, paidToQueueFen: settlement?.paidFen ?? 0 };
  }
}

/**
 * Tender rules: split tender allowed; Σ tenders must cover what is paid;
 * only cash may exceed it (the excess is change, given in cash); non-cash
 * tenders together may not exceed what is paid.
 */
export function checkTenders(tenders: readonly { kind: string; amountFen: number }[], actualPaidFen: number): { changeFen: number } {
  let total = 0;
  let cash = 0;
  for (const t of tenders) {
    total += t.amountFen;
    if (t.kind === 'cash') cash += t.amountFen;
  }
  const nonCash = total - cash;
  if (nonCash > actualPaidFen) {
    throw new AppError('rule', msg('checkout.tenderExceeds', { nonCashFen: nonCash, actualPaidFen }), {
      rule: 'tender-exceeds',
    });
  }
  if (total < actualPaidFen) {
    throw new AppError('rule', msg('checkout.tenderShort', { tenderedFen: total, actualPaidFen }), { rule: 'tender-short' });
  }
  return { changeFen: total - actualPaidFen };
}

const QR_PREFIX = /^(?:member|mbr|m)[:：]\s*/i;

/**
 * A member by id, member code (also as a scanned `member:<code>` QR), the
 * central service's id of a member enrolled here, or a mainland mobile number
 * (matched by its keyed digest; the register keeps no phone numbers).
 */
export function findMember(db: Db, store: SqliteQueueStore, rawQuery: string, phoneKey: PhoneKey | null) {
  const query = rawQuery.trim().replace(QR_PREFIX, '');
  if (!query) return undefined;
  const byId = store.getMember(query);
  if (byId) return byId;
  const byCode = db.prepare('SELECT id FROM members WHERE member_code = ? OR canonical_id = ?').get(query, query) as { id: string } | undefined;
  if (byCode) return store.getMember(byCode.id);
  const digest = phoneKey ? digestOfTypedPhone(phoneKey, query) : null;
  if (digest) {
    const byPhone = db.prepare('SELECT id FROM members WHERE phone_digest = ?').get(digest) as { id: string } | undefined;
    if (byPhone) return store.getMember(byPhone.id);
  }
  return undefined;
}
