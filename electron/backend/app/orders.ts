/**
 * Orders (订单): every order of the register, walk-ins included, found
 * again by number, by the receipt's 查询码 or its scanned QR; an order's
 * details; and the refund, which says first what goes back and how.
 *
 * Paging is keyset on (paid_at, id), newest first, over `orders_newest`
 * (migration 006): a page costs the same on the first day and after years.
 *
 * Refund rules (docs/app.md "Orders and refunds"):
 *  - the whole order is refunded, behind any active manager's PIN, into the
 *    open shift;
 *  - the money goes back the way it came, per tender of the original order:
 *    each non-cash tender in full to its channel, cash net of the change
 *    (Σ = what was actually paid); deductions are not money and stay with
 *    the membership system;
 *  - refused with the reason: already refunded; an order of a closed day
 *    (its shift's Z report printed, or no shift) while the store setting
 *    `refund.closedDays` is `forbid`;
 *  - one transaction: the engine's refund (its waiting entry cancelled),
 *    the counter's refund row and its tenders, the refund slip's print job,
 *    the audit row naming the approving manager.
 */
import type { CommandOutput, OrderDetailsView, OrderSummaryView, ParsedCommandInput, RefundPlanView, TenderKind, TenderLine } from '../../../shared/contract';
import { refund } from '../../../shared/engine/index';
import { parseDateKey } from '../../../shared/manager/days';
import { formatLookupCode, parseLookupCode } from '../../../shared/lookup-code';
import { orderIdMatches, orderIdOn, parseOrderNumber } from '../../../shared/order-number';
import { enqueueSlip, listJobs } from '../printing/index';
import { msg, type Message } from '../../../shared/messages/catalogue';
import { AppError } from './errors';
import type { RegisterBackend } from './register';
import { entryView, memberView, payoutView, type PayoutRow } from './views';

/** How far back part of an order number is looked for when no day is chosen. */
export const PART_NUMBER_DAYS = 31;

/** app_meta: may an order of a closed day (its shift closed) be refunded? 'allow' (default) or 'forbid'. */
export const REFUND_CLOSED_DAYS_META = 'refund.closedDays';

interface OrderRow {
  id: string;
  paid_at: number;
  amount_due_fen: number;
  deduction_fen: number;
  actual_paid_fen: number;
  member_id: string | null;
  cashier_id: string | null;
  shift_id: number | null;
  points_deduction_fen: number;
  love_deduction_fen: number;
  change_fen: number;
  refunded_at: number | null;
  settled_at: number | null;
  extracted_fen: number;
  paid_to_queue_fen: number;
  no_entitlement_reason: string | null;
  lookup_code: string | null;
}

interface SummaryRow {
  id: string;
  paid_at: number;
  amount_due_fen: number;
  actual_paid_fen: number;
  cashier_name: string | null;
  cashier_id: string | null;
  member_id: string | null;
  display_name: string | null;
  masked_phone: string | null;
  refunded_at: number | null;
  kinds: string | null;
}

/** `QR:<queue>:<order>` (shared/receipt receiptQrPayload), parts percent-encoded. */
export function parseReceiptQr(text: string): { queueId: string; orderId: string } | null {
  const m = /^QR:([^:]+):([^:]+)$/.exec(text.trim());
  if (!m) return null;
  try {
    return { queueId: decodeURIComponent(m[1]!), orderId: decodeURIComponent(m[2]!) };
  } catch {
    return null;
  }
}

export class Orders {
  constructor(private readonly core: RegisterBackend) {}

  // -------------------------------------------------------------------------
  // Finding orders.

  /** The order whose receipt carries this 查询码 (stored with the order, unique index). */
  private findByCode(code: string): string | null {
    const row = this.core.sql('SELECT id FROM orders WHERE lookup_code = ? AND queue_id = ?').get(code, this.core.queueId) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /**
   * The order a printed order number names (`1-20260302-0123`, shared/order-number.ts): first the id
   * this register gives that day and sequence; else an order of that day under another register id
   * (the register was renamed since), looked for among the orders paid within a day of that date.
   */
  private findByNumber(search: string): string | null {
    const number = parseOrderNumber(search);
    if (!number) return null;
    const own = orderIdOn(this.core.registerId, number);
    if (orderIdMatches(own, number) && this.core.store.getOrder(this.core.queueId, own)) return own;
    let day;
    try {
      day = parseDateKey(`${number.day.slice(0, 4)}-${number.day.slice(4, 6)}-${number.day.slice(6)}`, this.core.timezone);
    } catch {
      return null;
    }
    const rows = this.core
      .sql("SELECT id FROM orders WHERE queue_id = ? AND paid_at >= ? AND paid_at < ? AND id LIKE ? ORDER BY paid_at DESC")
      .all(this.core.queueId, day.start - 86_400_000, day.end + 86_400_000, `%-${number.day}-${String(number.seq).padStart(6, '0')}`) as { id: string }[];
    return rows.find((r) => orderIdMatches(r.id, number))?.id ?? null;
  }

  private summaries(where: string[], params: (string | number)[], limit: number): SummaryRow[] {
    return this.core
      .sql(
        `SELECT o.id, o.paid_at, o.amount_due_fen, o.actual_paid_fen, o.cashier_id, c.name AS cashier_name, o.member_id,
                m.display_name, m.masked_phone, o.refunded_at,
                (SELECT group_concat(t.kind) FROM order_tenders t WHERE t.queue_id = o.queue_id AND t.order_id = o.id) AS kinds
         FROM orders o LEFT JOIN cashiers c ON c.id = o.cashier_id LEFT JOIN members m ON m.id = o.member_id
         WHERE ${where.join(' AND ')}
         ORDER BY o.paid_at DESC, o.id DESC LIMIT ?`,
      )
      .all(...params, limit) as SummaryRow[];
  }

  private summaryView(r: SummaryRow): OrderSummaryView {
    const kinds = [...new Set((r.kinds ?? '').split(',').filter(Boolean))] as TenderKind[];
    return {
      orderId: r.id,
      paidAt: r.paid_at,
      amountDueFen: r.amount_due_fen,
      actualPaidFen: r.actual_paid_fen,
      tenders: kinds,
      cashierName: r.cashier_name ?? r.cashier_id,
      member: r.member_id ? { displayName: r.display_name, maskedPhone: r.masked_phone } : null,
      refunded: r.refunded_at !== null,
    };
  }

  /** One order found exactly (QR, order number, 查询码), or null. */
  private exactMatch(search: string): { orderId: string; matchedBy: 'qr' | 'order' | 'code' } | null {
    const { store, queueId } = this.core;
    const qr = parseReceiptQr(search);
    if (qr && qr.queueId === queueId && store.getOrder(queueId, qr.orderId)) return { orderId: qr.orderId, matchedBy: 'qr' };
    if (store.getOrder(queueId, search)) return { orderId: search, matchedBy: 'order' };
    const numbered = this.findByNumber(search);
    if (numbered) return { orderId: numbered, matchedBy: 'order' };
    const code = parseLookupCode(search);
    if (code) {
      const orderId = this.findByCode(code);
      if (orderId) return { orderId, matchedBy: 'code' };
    }
    return null;
  }

  list(input: ParsedCommandInput<'orders.list'>): CommandOutput<'orders.list'> {
    this.core.requireSession();
    const where = ['o.queue_id = ?'];
    const params: (string | number)[] = [this.core.queueId];
    let matchedBy: CommandOutput<'orders.list'>['matchedBy'] = null;
    if (input.search) {
      const exact = this.exactMatch(input.search);
      if (exact) {
        // A scanned or typed code names one order: the filters do not hide it.
        const rows = this.summaries(['o.queue_id = ?', 'o.id = ?'], [this.core.queueId, exact.orderId], 1);
        return { orders: rows.map((r) => this.summaryView(r)), next: null, matchedBy: exact.matchedBy };
      }
      // Part of an order number (the digits at its end, usually): a scan along the newest-first index.
      where.push("o.id LIKE ? ESCAPE '\\'");
      params.push(`%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      matchedBy = 'number';
      // A LIKE walks rows one by one: without a day it looks through the last
      // PART_NUMBER_DAYS days only (older orders: pick the day, or type the whole number / 查询码).
      if (!input.day) {
        where.push('o.paid_at >= ?');
        params.push(this.core.viewNow() - PART_NUMBER_DAYS * 86_400_000);
      }
    }
    if (input.before) {
      where.push('(o.paid_at, o.id) < (?, ?)');
      params.push(input.before.paidAt, input.before.orderId);
    }
    if (input.day) {
      let day;
      try {
        day = parseDateKey(input.day, this.core.timezone);
      } catch {
        throw new AppError('rule', msg('order.badDay', { day: input.day }), { rule: 'bad-date' });
      }
      where.push('o.paid_at >= ? AND o.paid_at < ?');
      params.push(day.start, day.end);
    }
    if (input.cashierId !== undefined) {
      where.push('o.cashier_id = ?');
      params.push(input.cashierId);
    }
    if (input.refunded === true) where.push('o.refunded_at IS NOT NULL');
    if (input.refunded === false) where.push('o.refunded_at IS NULL');
    if (input.tender !== undefined) {
      where.push('EXISTS (SELECT 1 FROM order_tenders t WHERE t.queue_id = o.queue_id AND t.order_id = o.id AND t.kind = ?)');
      params.push(input.tender);
    }
    const rows = this.summaries(where, params, input.limit);
    const last = rows[rows.length - 1];
    return {
      orders: rows.map((r) => this.summaryView(r)),
      next: rows.length === input.limit && last ? { paidAt: last.paid_at, orderId: last.id } : null,
      matchedBy,
    };
  }

  // -------------------------------------------------------------------------
  // One order.

  private requireOrder(orderId: string): OrderRow {
    const row = this.core.sql('SELECT * FROM orders WHERE queue_id = ? AND id = ?').get(this.core.queueId, orderId) as OrderRow | undefined;
    if (!row) throw new AppError('not-found', msg('order.notFound', { orderId }));
    return row;
  }

  private tenders(orderId: string): TenderLine[] {
    return (
      this.core.sql('SELECT kind, amount_fen FROM order_tenders WHERE queue_id = ? AND order_id = ? ORDER BY line').all(this.core.queueId, orderId) as {
        kind: TenderKind;
        amount_fen: number;
      }[]
    ).map((t) => ({ kind: t.kind, amountFen: t.amount_fen }));
  }

  /** Per tender of the order: non-cash in full, cash (all cash lines as one) net of the change. Σ = actual paid. */
  handBack(order: OrderRow): TenderLine[] {
    const out: TenderLine[] = [];
    let cash = 0;
    let cashAt = -1;
    for (const t of this.tenders(order.id)) {
      if (t.kind === 'cash') {
        if (cashAt < 0) {
          cashAt = out.length;
          out.push({ kind: 'cash', amountFen: 0 });
        }
        cash += t.amountFen;
      } else {
        out.push({ kind: t.kind, amountFen: t.amountFen });
      }
    }
    if (cashAt >= 0) out[cashAt]!.amountFen = Math.max(0, cash - order.change_fen);
    return out;
  }

  /** Why this order cannot be refunded now, or null. */
  private refundBlocked(order: OrderRow): { rule: string; message: Message } | null {
    if (order.refunded_at !== null) return { rule: 'already-refunded', message: msg('order.alreadyRefunded', { orderId: order.id }) };
    if (this.core.meta(REFUND_CLOSED_DAYS_META) === 'forbid') {
      const shift = order.shift_id === null ? null : (this.core.sql('SELECT closed_at FROM shifts WHERE id = ?').get(order.shift_id) as { closed_at: number | null } | undefined);
      if (!shift || shift.closed_at !== null) {
        return { rule: 'refund-closed-day', message: msg('order.refundClosedDay', { orderId: order.id }) };
      }
    }
    if (!this.core.shifts.openShift()) return { rule: 'no-shift', message: msg('order.refundNeedsShift') };
    return null;
  }

  details(input: ParsedCommandInput<'orders.get'>): OrderDetailsView {
    this.core.requireSession();
    const { queueId, store } = this.core;
    const order = this.requireOrder(input.orderId);
    const entry = store.getEntryByOrder(queueId, order.id);
    const member = order.member_id ? store.getMember(order.member_id) : undefined;
    const payouts = (
      this.core.sql("SELECT order_id, entry_order_id, amount_fen, at FROM ledger WHERE queue_id = ? AND order_id = ? AND kind = 'payout' ORDER BY id").all(queueId, order.id) as PayoutRow[]
    ).map(payoutView);
    const refundRow = this.core
      .sql(
        `SELECT r.at, r.amount_fen, c.name AS cashier_name, m.name AS manager_name FROM refunds r
         LEFT JOIN cashiers c ON c.id = r.cashier_id LEFT JOIN cashiers m ON m.id = r.approved_by WHERE r.queue_id = ? AND r.order_id = ?`,
      )
      .get(queueId, order.id) as { at: number; amount_fen: number; cashier_name: string | null; manager_name: string | null } | undefined;
    const refundTenders = (
      this.core.sql('SELECT kind, amount_fen FROM refund_tenders WHERE queue_id = ? AND order_id = ? ORDER BY line').all(queueId, order.id) as { kind: TenderKind; amount_fen: number }[]
    ).map((t) => ({ kind: t.kind, amountFen: t.amount_fen }));
    const blocked = this.refundBlocked(order);
    return {
      orderId: order.id,
      paidAt: order.paid_at,
      amountDueFen: order.amount_due_fen,
      pointsDeductionFen: order.points_deduction_fen,
      loveDeductionFen: order.love_deduction_fen,
      otherDeductionFen: order.deduction_fen - order.points_deduction_fen - order.love_deduction_fen,
      actualPaidFen: order.actual_paid_fen,
      changeFen: order.change_fen,
      tenders: this.tenders(order.id),
      cashierName: this.core.staff.nameOf(order.cashier_id),
      shiftId: order.shift_id,
      member: member ? memberView(member) : null,
      receiptCode: order.lookup_code === null ? null : formatLookupCode(order.lookup_code),
      rebate: {
        name: this.core.settings().rebateName,
        settled: order.settled_at !== null,
        extractedFen: order.extracted_fen,
        paidToQueueFen: order.paid_to_queue_fen,
        payouts,
        entry: entry ? entryView(entry) : null,
        noEntitlementReason: order.no_entitlement_reason,
      },
      printJobs: listJobs(this.core.db, { queueId, orderId: order.id, limit: 50 }).map((j) => ({
        id: j.id,
        slip: j.slip,
        copy: j.copy,
        state: j.state,
        attempts: j.attempts,
        lastError: j.lastError,
        createdAt: j.createdAt,
        printedAt: j.printedAt,
      })),
      refund: refundRow
        ? { at: refundRow.at, amountFen: refundRow.amount_fen, cashierName: refundRow.cashier_name, approvedByName: refundRow.manager_name, tenders: refundTenders }
        : null,
      refundBlocked: blocked?.rule ?? null,
    };
  }

  // -------------------------------------------------------------------------
  // Refund.

  private plan(order: OrderRow): RefundPlanView {
    const entry = this.core.store.getEntryByOrder(this.core.queueId, order.id);
    const handBack = this.handBack(order);
    return {
      orderId: order.id,
      handBack,
      handBackFen: handBack.reduce((sum, t) => sum + t.amountFen, 0),
      deductions: { pointsFen: order.points_deduction_fen, loveFen: order.love_deduction_fen },
      line: {
        settled: order.settled_at !== null,
        entryState: entry?.state ?? null,
        forfeitsFen: entry && entry.state === 'waiting' ? entry.entitlementFen - entry.receivedFen : 0,
        keepsReceivedFen: entry?.receivedFen ?? 0,
        paidToOthersFen: order.paid_to_queue_fen,
      },
    };
  }

  private requireRefundable(orderId: string): OrderRow {
    const order = this.requireOrder(orderId);
    const blocked = this.refundBlocked(order);
    if (blocked) {
      if (blocked.rule === 'no-shift') throw new AppError('no-shift', blocked.message);
      throw new AppError('rule', blocked.message, { rule: blocked.rule });
    }
    return order;
  }

  refundPreview(input: ParsedCommandInput<'orders.refundPreview'>): RefundPlanView {
    this.core.requireSession();
    return this.plan(this.requireRefundable(input.orderId));
  }

  /** The whole order back, the way it was paid; behind any active manager's PIN. */
  async refund(input: ParsedCommandInput<'orders.refund'>): Promise<CommandOutput<'orders.refund'>> {
    const cashier = this.core.requireSession();
    // Refused before the PIN is even checked: nothing to approve.
    this.requireRefundable(input.orderId);
    const manager = await this.core.checkManagerPin(input.managerPin);
    const { queueId, db } = this.core;
    const result = this.core.store.transaction(() => {
      // Read again inside the transaction: the PIN check awaited (docs/security.md "Parallel commands").
      this.core.staff.requireSameSession(cashier);
      this.core.staff.requireApprover(manager);
      const order = this.requireRefundable(input.orderId);
      const shift = this.core.shifts.requireShift();
      const at = this.core.now();
      const handBack = this.handBack(order);
      const outcome = refund(this.core.ctx(), { orderId: order.id, at });
      const cashBack = handBack.filter((t) => t.kind === 'cash').reduce((sum, t) => sum + t.amountFen, 0);
      this.core
        .sql('INSERT INTO refunds (queue_id, order_id, shift_id, cashier_id, approved_by, at, amount_fen, cash_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(queueId, order.id, shift.id, cashier.id, manager.id, at, order.actual_paid_fen, Math.min(cashBack, order.actual_paid_fen));
      const line = this.core.sql('INSERT INTO refund_tenders (queue_id, order_id, line, kind, amount_fen) VALUES (?, ?, ?, ?, ?)');
      handBack.forEach((t, i) => line.run(queueId, order.id, i + 1, t.kind, t.amountFen));
      const slipJobId = enqueueSlip(db, { queueId, orderId: order.id, slip: 'refund', now: this.core.wallNow() });
      this.core
        .sql('INSERT INTO manager_audit (at, manager_id, cashier_id, action, detail) VALUES (?, ?, ?, ?, ?)')
        .run(at, manager.id, cashier.id, 'order.refund', JSON.stringify({ orderId: order.id, amountFen: order.actual_paid_fen, handBack, forfeitedFen: outcome.forfeitedFen }));
      return { forfeitedFen: outcome.forfeitedFen as number, handBack, slipJobId };
    });
    this.core.notifyChanged();
    return { orderId: input.orderId, forfeitedFen: result.forfeitedFen, handBack: result.handBack, approvedByName: manager.name, slipJobId: result.slipJobId };
  }
}
