/**
 * A `QueueStore` over plain objects: the engine tests' store, the scenario
 * replay's store and the manager's what-if (issue 15 §3: 100 000 orders in
 * ≤ 5 s, which a replay through SQLite cannot reach).
 *
 * It keeps the indexes the SQLite store's statements use, so every engine
 * question is answered without scanning history:
 *  - the line as an array in seq order with a "head" before which no entry
 *    waits (entries never go back to waiting), so the payout and reset pages
 *    start at the first waiting entry;
 *  - each member's orders and entries in time order (the engine's clock never
 *    goes back, so appends keep them sorted), read backwards from now for the
 *    tier windows and the daily limit;
 *  - a min-heap of automatic completions (auto_complete_at, paid_at), pruned
 *    lazily when its top is no longer pending.
 *
 * Rows are copied on the way in and out (the engine mutates what it loads and
 * then saves it), with shallow copies: the engine replaces nested values
 * (layers, randomGroup, lottery) rather than mutating them.
 *
 * `transaction` keeps an undo log instead of copying the data: each write
 * inside it records how to take itself back, and a throw replays the log
 * backwards, so a refused operation leaves everything exactly as it was, as
 * SQLite's rollback does — at the cost of one closure per write, not a copy
 * of the store per operation.
 */
import { addFen, ZERO_FEN, type Fen } from '../money';
import type { Entry, Instant, LedgerRow, Member, Order, PayableQuery, QueueEvent, QueueState, QueueStore, SettingsAuditRow } from './types';

interface Due {
  order: Order;
  at: Instant;
  paidAt: Instant;
  /** Insertion number: equal (auto_complete_at, paid_at) go in the order they were paid, as SQLite's index returns them. */
  n: number;
}

/** A binary min-heap of automatic completions. */
class DueHeap {
  private items: Due[] = [];
  get top(): Due | undefined {
    return this.items[0];
  }
  private static less(a: Due, b: Due): boolean {
    return a.at < b.at || (a.at === b.at && (a.paidAt < b.paidAt || (a.paidAt === b.paidAt && a.n < b.n)));
  }
  push(item: Due): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!DueHeap.less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): Due | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && DueHeap.less(items[l]!, items[m]!)) m = l;
        if (r < items.length && DueHeap.less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** One queue's rows and their indexes. */
class QueueRows {
  orders = new Map<string, Order>();
  /** Insertion order (SQLite's rowid order) for `listOrders`. */
  orderList: Order[] = [];
  entries = new Map<string, Entry>();
  /** Every entry in seq order. */
  line: Entry[] = [];
  /** No entry before this index of `line` is waiting. */
  head = 0;
  memberOrders = new Map<string, Order[]>();
  memberEntries = new Map<string, Entry[]>();
  due = new DueHeap();
}

const copyQueue = (q: QueueState): QueueState => ({ ...q, randomGroup: q.randomGroup && { ...q.randomGroup } });

function listOf<V>(map: Map<string, V[]>, key: string): V[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/** The index of the first entry of `line` with seq > `afterSeq` (line is sorted by seq). */
function firstAfter(line: readonly Entry[], afterSeq: number): number {
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (line[mid]!.seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface MemoryStoreOptions {
  /**
   * Keep the ledger, outbox and settings audit rows (default true). A what-if
   * reports from the rows and the queue's counters, so it drops them, as its
   * SQLite replay did (electron/backend/cli/simulate.ts, `fast`).
   */
  keepBooks?: boolean;
}

export class MemoryQueueStore implements QueueStore {
  // Also satisfies the replay store of `../scenario` (transaction, putMember, listEntries, listOrders).
  private readonly queues = new Map<string, QueueState>();
  private readonly rows = new Map<string, QueueRows>();
  private readonly members = new Map<string, Member>();
  private readonly ledgerRows: LedgerRow[] = [];
  private readonly outboxRows: QueueEvent[] = [];
  private readonly auditRows: SettingsAuditRow[] = [];
  private readonly keepBooks: boolean;
  /** How to take back each write made inside the open transactions, oldest first. */
  private undo: (() => void)[] = [];
  private depth = 0;
  /** Rows inserted inside the open transaction: an update of one needs no undo of its own (undoing the insert removes it). */
  private fresh = new Set<object>();
  private dueCounter = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.keepBooks = options.keepBooks ?? true;
  }

  /** Runs `body`; if it throws, every change it made is undone. Nests (an inner throw undoes only the inner body). */
  transaction<T>(body: () => T): T {
    const mark = this.undo.length;
    this.depth += 1;
    try {
      return body();
    } catch (error) {
      while (this.undo.length > mark) this.undo.pop()!();
      throw error;
    } finally {
      this.depth -= 1;
      if (this.depth === 0) {
        this.undo.length = 0;
        this.fresh.clear();
      }
    }
  }

  private onUndo(step: () => void): void {
    if (this.depth > 0) this.undo.push(step);
  }

  /** Records a row inserted inside a transaction (see `fresh`). Only the outermost transaction's inserts count: a nested rollback must still restore updates made to rows an outer level inserted. */
  private inserted(row: object): void {
    if (this.depth === 1) this.fresh.add(row);
  }

  private queueRows(queueId: string): QueueRows {
    let rows = this.rows.get(queueId);
    if (!rows) {
      rows = new QueueRows();
      this.rows.set(queueId, rows);
    }
    return rows;
  }

  putMember(member: Member): void {
    const before = this.members.get(member.id);
    this.members.set(member.id, { ...member });
    this.onUndo(() => (before ? this.members.set(member.id, before) : this.members.delete(member.id)));
  }

  get ledger(): readonly LedgerRow[] {
    return this.ledgerRows;
  }
  get outbox(): readonly QueueEvent[] {
    return this.outboxRows;
  }
  get audit(): readonly SettingsAuditRow[] {
    return this.auditRows;
  }
  listEntries(queueId: string): Entry[] {
    return (this.rows.get(queueId)?.line ?? []).map((e) => ({ ...e }));
  }
  listOrders(queueId: string): Order[] {
    return (this.rows.get(queueId)?.orderList ?? []).map((o) => ({ ...o }));
  }

  /** The line and the orders as stored, without copies, for reading a finished replay (do not modify them). */
  entriesView(queueId: string): readonly Readonly<Entry>[] {
    return this.rows.get(queueId)?.line ?? [];
  }
  ordersView(queueId: string): readonly Readonly<Order>[] {
    return this.rows.get(queueId)?.orderList ?? [];
  }

  loadQueue(queueId: string): QueueState | undefined {
    const queue = this.queues.get(queueId);
    return queue && copyQueue(queue);
  }
  saveQueue(queue: QueueState): void {
    const before = this.queues.get(queue.id);
    this.queues.set(queue.id, copyQueue(queue));
    this.onUndo(() => (before ? this.queues.set(queue.id, before) : this.queues.delete(queue.id)));
  }
  getMember(memberId: string): Member | undefined {
    const member = this.members.get(memberId);
    return member && { ...member };
  }

  getOrder(queueId: string, orderId: string): Order | undefined {
    const order = this.rows.get(queueId)?.orders.get(orderId);
    return order && { ...order };
  }
  insertOrder(input: Order): void {
    const rows = this.queueRows(input.queueId);
    if (rows.orders.has(input.id)) throw new Error(`order ${input.id} exists`);
    const order = { ...input };
    rows.orders.set(order.id, order);
    rows.orderList.push(order);
    const mine = order.memberId === null ? null : listOf(rows.memberOrders, order.memberId);
    mine?.push(order);
    if (order.autoCompleteAt !== null) rows.due.push({ order, at: order.autoCompleteAt, paidAt: order.paidAt, n: ++this.dueCounter });
    this.inserted(order);
    this.onUndo(() => {
      rows.orders.delete(order.id);
      rows.orderList.pop();
      mine?.pop();
      // Its heap item goes stale (the order is no longer in `orders`) and is pruned when it reaches the top.
    });
  }
  updateOrder(input: Order): void {
    const rows = this.rows.get(input.queueId);
    const order = rows?.orders.get(input.id);
    if (!rows || !order) return; // as SQLite's UPDATE of no row
    const autoCompleteAt = order.autoCompleteAt;
    if (this.depth === 1 && this.fresh.has(order)) Object.assign(order, input);
    else {
      const before = { ...order };
      Object.assign(order, input);
      this.onUndo(() => Object.assign(order, before));
    }
    if (order.autoCompleteAt !== null && order.autoCompleteAt !== autoCompleteAt) {
      rows.due.push({ order, at: order.autoCompleteAt, paidAt: order.paidAt, n: ++this.dueCounter });
    }
  }

  getEntryByOrder(queueId: string, orderId: string): Entry | undefined {
    const entry = this.rows.get(queueId)?.entries.get(orderId);
    return entry && { ...entry };
  }
  insertEntry(input: Entry): void {
    const rows = this.queueRows(input.queueId);
    if (rows.entries.has(input.orderId)) throw new Error(`the entry of order ${input.orderId} exists`);
    const entry = { ...input };
    rows.entries.set(entry.orderId, entry);
    const at = firstAfter(rows.line, entry.seq);
    if (at > 0 && rows.line[at - 1]!.seq === entry.seq) throw new Error(`entry seq ${entry.seq} exists`);
    rows.line.splice(at, 0, entry); // at the end in practice: seq grows
    if (entry.state === 'waiting' && at < rows.head) rows.head = at;
    const headBefore = rows.head;
    const mine = entry.memberId === null ? null : listOf(rows.memberEntries, entry.memberId);
    mine?.push(entry);
    this.inserted(entry);
    this.onUndo(() => {
      rows.entries.delete(entry.orderId);
      rows.line.splice(rows.line.indexOf(entry, at), 1);
      rows.head = Math.min(rows.head, headBefore);
      mine?.pop();
    });
  }
  updateEntry(input: Entry): void {
    const rows = this.rows.get(input.queueId);
    const entry = rows?.entries.get(input.orderId);
    if (!rows || !entry) return;
    if (this.depth === 1 && this.fresh.has(entry)) {
      Object.assign(entry, input);
      return;
    }
    const before = { ...entry };
    Object.assign(entry, input);
    this.onUndo(() => {
      Object.assign(entry, before);
      // The entry may be waiting again: move the head back so the scans see it.
      if (entry.state === 'waiting') rows.head = Math.min(rows.head, firstAfter(rows.line, entry.seq - 1));
    });
  }

  /** The index of the first waiting entry after `afterSeq`, moving the head past finished entries on the way. */
  private scanStart(rows: QueueRows, afterSeq: number): number {
    const line = rows.line;
    let head = rows.head;
    while (head < line.length && line[head]!.state !== 'waiting') head += 1;
    rows.head = head;
    return afterSeq === 0 ? head : Math.max(head, firstAfter(line, afterSeq));
  }

  payableEntries(queueId: string, query: PayableQuery): Entry[] {
    const rows = this.rows.get(queueId);
    if (!rows) return [];
    const page: Entry[] = [];
    const line = rows.line;
    for (let i = this.scanStart(rows, query.afterSeq); i < line.length && page.length < query.limit; i++) {
      const e = line[i]!;
      if (e.state !== 'waiting' || e.orderId === query.excludeOrderId || e.receivedFen >= e.entitlementFen) continue;
      if (query.completedOrdersOnly && !e.orderCompleted) continue;
      page.push({ ...e });
    }
    return page;
  }
  waitingEntries(queueId: string, afterSeq: number, limit: number): Entry[] {
    const rows = this.rows.get(queueId);
    if (!rows) return [];
    const page: Entry[] = [];
    const line = rows.line;
    for (let i = this.scanStart(rows, afterSeq); i < line.length && page.length < limit; i++) {
      if (line[i]!.state === 'waiting') page.push({ ...line[i]! });
    }
    return page;
  }
  memberSettledSpend(queueId: string, memberId: string, fromExclusive: Instant, toExclusive: Instant): Fen {
    const orders = this.rows.get(queueId)?.memberOrders.get(memberId) ?? [];
    let total = ZERO_FEN;
    // Newest first, stopping at the window's start: the member's orders are in paid_at order.
    for (let i = orders.length - 1; i >= 0; i--) {
      const o = orders[i]!;
      if (o.paidAt <= fromExclusive) break;
      if (o.paidAt < toExclusive && o.settledAt !== null && o.refundedAt === null) total = addFen(total, o.actualPaidFen);
    }
    return total;
  }
  memberEntitlementCount(queueId: string, memberId: string, range?: { from: Instant; to: Instant }): number {
    const entries = this.rows.get(queueId)?.memberEntries.get(memberId) ?? [];
    let n = 0;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (range && e.joinedAt < range.from) break; // joined_at order, as seq
      if (e.state !== 'cancelled' && (!range || e.joinedAt < range.to)) n += 1;
    }
    return n;
  }
  nextAutoCompletion(queueId: string, atOrBefore: Instant): Order | undefined {
    const rows = this.rows.get(queueId);
    if (!rows) return undefined;
    for (;;) {
      const top = rows.due.top;
      if (!top) return undefined;
      const o = top.order;
      const pending = rows.orders.get(o.id) === o && o.autoCompleteAt === top.at && o.completedAt === null && o.refundedAt === null;
      if (pending) return top.at <= atOrBefore ? { ...o } : undefined;
      rows.due.pop();
      // A rollback may make it pending again: put it back then.
      this.onUndo(() => rows.due.push(top));
    }
  }
  appendLedger(row: LedgerRow): void {
    if (!this.keepBooks) return;
    this.ledgerRows.push({ ...row });
    this.onUndo(() => this.ledgerRows.pop());
  }
  appendOutbox(event: QueueEvent): void {
    if (!this.keepBooks) return;
    this.outboxRows.push(event);
    this.onUndo(() => this.outboxRows.pop());
  }
  appendSettingsAudit(row: SettingsAuditRow): void {
    if (!this.keepBooks) return;
    this.auditRows.push({ ...row });
    this.onUndo(() => this.auditRows.pop());
  }
}
