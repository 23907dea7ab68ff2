/**
 * The line (排队): paging through entries, an entry's details, and what a
 * cashier does to one after the sale — draw, exchange, refund (behind a
 * manager's PIN).
 */
import { parseOrderNumber } from '../../../shared/order-number';
import { parseLookupCode } from '../../../shared/lookup-code';
import type { CommandOutput, LineMemberView, ParsedCommandInput } from '../../../shared/contract';
import { draw, exchange, exchangeQuote, type Entry } from '../../../shared/engine/index';
import { enqueueSlip } from '../printing/index';
import { entryFromRow, type EntryRow } from '../store/queue-store';
import { findMember } from './checkout';
import { AppError } from './errors';
import { shownMembers } from './shown-members';
import { msg } from '../../../shared/messages/catalogue';
import { withExplanation } from '../../../shared/messages/ratio-steps';
import type { RegisterBackend } from './register';
import { entryView, memberView, payoutView, type PayoutRow } from './views';

export class Line {
  constructor(private readonly core: RegisterBackend) {}

  private entryRow(orderId: string): Entry {
    const { store, queueId } = this.core;
    const entry = store.getEntryByOrder(queueId, orderId);
    if (!entry) {
      if (!store.getOrder(queueId, orderId)) throw new AppError('not-found', msg('order.notFound', { orderId }));
      throw new AppError('not-found', msg('order.noEntitlement', { orderId }));
    }
    return entry;
  }

  listQueue(input: ParsedCommandInput<'queue.list'>): CommandOutput<'queue.list'> {
    this.core.requireSession();
    let query = input;
    if (input.memberId !== undefined) {
      // The cashier types who (a phone number, a member code or an id), the line filters by the member found.
      const member = findMember(this.core.db, this.core.store, input.memberId, this.core.phoneKey);
      if (!member) throw new AppError('not-found', msg('line.memberNotFound'));
      query = { ...input, memberId: member.id };
    }
    const { sql, params } = lineQuery(this.core.queueId, query);
    const rows = this.core.sql(sql).all(...params) as EntryRow[];
    const members = this.lineMembers(rows);
    const entries = rows.map((r) => ({ ...entryView(entryFromRow(r)), member: r.member_id ? (members.get(r.member_id) ?? null) : null }));
    const queue = this.core.store.loadQueue(this.core.queueId);
    return {
      entries,
      nextAfterSeq: rows.length === input.limit ? rows[rows.length - 1]!.seq : null,
      totalWaiting: queue?.waitingCount ?? 0,
    };
  }

  /** The page's members as the line shows them: one read of at most a page of ids, whatever the history. */
  private lineMembers(rows: EntryRow[]): Map<string, LineMemberView> {
    return shownMembers(this.core.db, rows.map((r) => r.member_id).filter((m): m is string => m !== null));
  }

  entryDetails(input: ParsedCommandInput<'queue.entry'>): CommandOutput<'queue.entry'> {
    this.core.requireSession();
    const { queueId } = this.core;
    const entry = this.entryRow(input.orderId);
    const payouts = (column: 'entry_order_id' | 'order_id') =>
      (
        this.core
          .sql(`SELECT order_id, entry_order_id, amount_fen, at FROM ledger WHERE queue_id = ? AND ${column} = ? AND kind = 'payout' ORDER BY id`)
          .all(queueId, input.orderId) as PayoutRow[]
      ).map(payoutView);
    const details = this.core.sql('SELECT ratio_steps FROM checkout_details WHERE queue_id = ? AND order_id = ?').get(queueId, input.orderId) as
      | { ratio_steps: string }
      | undefined;
    const member = entry.memberId ? this.core.store.getMember(entry.memberId) : undefined;
    return {
      entry: entryView(entry),
      received: payouts('entry_order_id'),
      caused: payouts('order_id'),
      ratioSteps: details ? (JSON.parse(details.ratio_steps) as CommandOutput<'queue.entry'>['ratioSteps']).map(withExplanation) : [],
      member: member ? memberView(member) : null,
      // Who sold it, by name (history keeps a disabled person's name).
      cashierName: this.core.staff.nameOf((this.core.sql('SELECT cashier_id FROM orders WHERE queue_id = ? AND id = ?').get(queueId, input.orderId) as { cashier_id: string | null } | undefined)?.cashier_id ?? null),
    };
  }

  drawEntry(input: ParsedCommandInput<'queue.draw'>): CommandOutput<'queue.draw'> {
    this.core.requireSession();
    // The customer's draw slip commits with the draw, or neither does (issue 10 §7).
    const result = this.core.store.transaction(() => {
      const drawn = draw(this.core.ctx(), { orderId: input.orderId, at: this.core.now() });
      enqueueSlip(this.core.db, { queueId: this.core.queueId, orderId: input.orderId, slip: 'draw', now: this.core.wallNow() });
      return drawn;
    });
    this.core.notifyChanged();
    this.core.customerDisplay.drawn(result.entry, result.drawnBp);
    return { entry: entryView(result.entry), drawnBp: result.drawnBp };
  }

  quoteExchange(input: ParsedCommandInput<'queue.exchangeQuote'>): CommandOutput<'queue.exchangeQuote'> {
    this.core.requireSession();
    const entry = this.entryRow(input.orderId);
    const quote = exchangeQuote(this.core.settings(), entry, input.to);
    return { orderId: input.orderId, to: input.to, remainingFen: quote.remainingFen, units: quote.units };
  }

  exchangeEntry(input: ParsedCommandInput<'queue.exchange'>): CommandOutput<'queue.exchange'> {
    this.core.requireSession();
    const result = this.core.store.transaction(() => {
      const exchanged = exchange(this.core.ctx(), { orderId: input.orderId, at: this.core.now(), to: input.to });
      enqueueSlip(this.core.db, { queueId: this.core.queueId, orderId: input.orderId, slip: 'exchange', now: this.core.wallNow() });
      return exchanged;
    });
    this.core.notifyChanged();
    return { entry: entryView(result.entry), convertedFen: result.convertedFen, units: result.units };
  }

  refundPreview(input: ParsedCommandInput<'queue.refundPreview'>): CommandOutput<'queue.refundPreview'> {
    this.core.requireSession();
    const { store, queueId } = this.core;
    const order = store.getOrder(queueId, input.orderId);
    if (!order) throw new AppError('not-found', msg('order.notFound', { orderId: input.orderId }));
    if (order.refundedAt !== null) throw new AppError('rule', msg('order.alreadyRefunded', { orderId: order.id }), { rule: 'already-refunded' });
    const entry = store.getEntryByOrder(queueId, order.id);
    return {
      orderId: order.id,
      settled: order.settledAt !== null,
      entryState: entry?.state ?? null,
      forfeitsFen: entry && entry.state === 'waiting' ? entry.entitlementFen - entry.receivedFen : 0,
      keepsReceivedFen: entry?.receivedFen ?? 0,
      paidToOthersFen: order.paidToQueueFen,
    };
  }

  /** Refund behind any manager's PIN: the orders module's refund (tenders, slip, audit), answered in the line's shape. */
  async refundOrder(input: ParsedCommandInput<'queue.refund'>): Promise<CommandOutput<'queue.refund'>> {
    const result = await this.core.orders.refund(input);
    return { orderId: result.orderId, forfeitedFen: result.forfeitedFen };
  }
}

/**
 * One page of the line as SQL, keyset-paged by seq (seq > afterSeq ORDER BY
 * seq LIMIT n: a page costs the same on day 1 and in year 3). Exported so the
 * query-plan test explains exactly the statement the line runs.
 */
export function lineQuery(queueId: string, input: ParsedCommandInput<'queue.list'>): { sql: string; params: (string | number)[] } {
  const where = ['queue_id = ?', 'seq > ?'];
  const params: (string | number)[] = [queueId, input.afterSeq];
  // One member's entries: only that member's rows are read (migration 011); without it the line walks every entry by seq.
  let from = 'entries';
  if (input.memberId !== undefined) {
    from = 'entries INDEXED BY entries_by_member_seq';
    where.push('member_id = ?');
    params.push(input.memberId);
  }
  if (input.state !== undefined) {
    where.push('state = ?');
    params.push(input.state);
  }
  if (input.from !== undefined) {
    where.push('joined_at >= ?');
    params.push(input.from);
  }
  if (input.to !== undefined) {
    where.push('joined_at < ?');
    params.push(input.to);
  }
  const code = input.search ? parseLookupCode(input.search) : null;
  if (code) {
    // The receipt's 查询码, typed or scanned (its QR): exactly that order (issue #12 §3). An equality on order_id
    // (the code is unique) lets SQLite look the entry up by (queue_id, order_id); a correlated IN walked the line.
    where.push('order_id = (SELECT id FROM orders WHERE lookup_code = ? AND queue_id = ?)');
    params.push(code, queueId);
  } else if (input.search && parseOrderNumber(input.search)) {
    // An order number as printed (`1-20260302-0123`, shared/order-number.ts): the order of that day and sequence.
    const number = parseOrderNumber(input.search)!;
    where.push('order_id LIKE ?');
    params.push(`%-${number.day}-${String(number.seq).padStart(6, '0')}`);
  } else if (input.search) {
    where.push("order_id LIKE ? ESCAPE '\\'");
    params.push(`%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return { sql: `SELECT * FROM ${from} WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`, params: [...params, input.limit] };
}
