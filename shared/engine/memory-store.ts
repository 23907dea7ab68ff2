/**
 * A `QueueStore` over plain objects, for engine tests that need no database
 * and for quick what-if runs in the renderer. Indexes are emulated by scans:
 * it is for small queues only. `transaction` snapshots the data so a refused
 * operation leaves it exactly as it was, as SQLite's rollback does.
 */
import { addFen, ZERO_FEN, type Fen } from '../money';
import type { Entry, Instant, LedgerRow, Member, Order, PayableQuery, QueueEvent, QueueState, QueueStore, SettingsAuditRow } from './types';

interface Data {
  queues: Map<string, QueueState>;
  members: Map<string, Member>;
  orders: Map<string, Order>;
  entries: Map<string, Entry>;
  ledger: LedgerRow[];
  outbox: QueueEvent[];
  audit: SettingsAuditRow[];
}

const key = (queueId: string, orderId: string) => `${queueId}\u0000${orderId}`;
/** Rows are plain JSON data, so a JSON round trip is a deep copy. */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));
const copyMap = <V>(map: Map<string, V>): Map<string, V> => new Map([...map].map(([k, v]) => [k, copy(v)]));

function snapshot(data: Data): Data {
  return {
    queues: copyMap(data.queues),
    members: copyMap(data.members),
    orders: copyMap(data.orders),
    entries: copyMap(data.entries),
    ledger: [...data.ledger],
    outbox: [...data.outbox],
    audit: [...data.audit],
  };
}

export class MemoryQueueStore implements QueueStore {
  // Also satisfies the replay store of `../scenario` (transaction, putMember, listEntries, listOrders).
  private data: Data = { queues: new Map(), members: new Map(), orders: new Map(), entries: new Map(), ledger: [], outbox: [], audit: [] };

  /** Runs `body`; if it throws, every change it made is undone. */
  transaction<T>(body: () => T): T {
    const saved = snapshot(this.data);
    try {
      return body();
    } catch (error) {
      this.data = saved;
      throw error;
    }
  }

  putMember(member: Member): void {
    this.data.members.set(member.id, copy(member));
  }

  get ledger(): readonly LedgerRow[] {
    return this.data.ledger;
  }
  get outbox(): readonly QueueEvent[] {
    return this.data.outbox;
  }
  get audit(): readonly SettingsAuditRow[] {
    return this.data.audit;
  }
  listEntries(queueId: string): Entry[] {
    return [...this.data.entries.values()].filter((e) => e.queueId === queueId).sort((a, b) => a.seq - b.seq).map(copy);
  }
  listOrders(queueId: string): Order[] {
    return [...this.data.orders.values()].filter((o) => o.queueId === queueId).map(copy);
  }

  loadQueue(queueId: string): QueueState | undefined {
    const queue = this.data.queues.get(queueId);
    return queue && copy(queue);
  }
  saveQueue(queue: QueueState): void {
    this.data.queues.set(queue.id, copy(queue));
  }
  getMember(memberId: string): Member | undefined {
    const member = this.data.members.get(memberId);
    return member && copy(member);
  }
  getOrder(queueId: string, orderId: string): Order | undefined {
    const order = this.data.orders.get(key(queueId, orderId));
    return order && copy(order);
  }
  insertOrder(order: Order): void {
    const k = key(order.queueId, order.id);
    if (this.data.orders.has(k)) throw new Error(`order ${order.id} exists`);
    this.data.orders.set(k, copy(order));
  }
  updateOrder(order: Order): void {
    this.data.orders.set(key(order.queueId, order.id), copy(order));
  }
  getEntryByOrder(queueId: string, orderId: string): Entry | undefined {
    const entry = this.data.entries.get(key(queueId, orderId));
    return entry && copy(entry);
  }
  insertEntry(entry: Entry): void {
    this.data.entries.set(key(entry.queueId, entry.orderId), copy(entry));
  }
  updateEntry(entry: Entry): void {
    this.data.entries.set(key(entry.queueId, entry.orderId), copy(entry));
  }
  payableEntries(queueId: string, query: PayableQuery): Entry[] {
    return this.listEntries(queueId)
      .filter(
        (e) =>
          e.state === 'waiting' &&
          e.seq > query.afterSeq &&
          e.orderId !== query.excludeOrderId &&
          e.receivedFen < e.entitlementFen &&
          (!query.completedOrdersOnly || e.orderCompleted),
      )
      .slice(0, query.limit);
  }
  waitingEntries(queueId: string, afterSeq: number, limit: number): Entry[] {
    return this.listEntries(queueId)
      .filter((e) => e.state === 'waiting' && e.seq > afterSeq)
      .slice(0, limit);
  }
  memberSettledSpend(queueId: string, memberId: string, fromExclusive: Instant, toExclusive: Instant): Fen {
    let total = ZERO_FEN;
    for (const o of this.data.orders.values()) {
      if (o.queueId !== queueId || o.memberId !== memberId || o.settledAt === null || o.refundedAt !== null) continue;
      if (o.paidAt > fromExclusive && o.paidAt < toExclusive) total = addFen(total, o.actualPaidFen);
    }
    return total;
  }
  memberEntitlementCount(queueId: string, memberId: string, range?: { from: Instant; to: Instant }): number {
    return this.listEntries(queueId).filter(
      (e) => e.memberId === memberId && e.state !== 'cancelled' && (!range || (e.joinedAt >= range.from && e.joinedAt < range.to)),
    ).length;
  }
  nextAutoCompletion(queueId: string, atOrBefore: Instant): Order | undefined {
    let next: Order | undefined;
    for (const o of this.data.orders.values()) {
      if (o.queueId !== queueId || o.autoCompleteAt === null || o.completedAt !== null || o.refundedAt !== null) continue;
      if (o.autoCompleteAt > atOrBefore) continue;
      if (!next || o.autoCompleteAt < next.autoCompleteAt! || (o.autoCompleteAt === next.autoCompleteAt && o.paidAt < next.paidAt)) next = o;
    }
    return next && copy(next);
  }
  appendLedger(row: LedgerRow): void {
    this.data.ledger.push(copy(row));
  }
  appendOutbox(event: QueueEvent): void {
    this.data.outbox.push(copy(event));
  }
  appendSettingsAudit(row: SettingsAuditRow): void {
    this.data.audit.push(copy(row));
  }
}
