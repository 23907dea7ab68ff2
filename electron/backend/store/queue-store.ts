/**
 * The engine's `QueueStore` on SQLite. Every statement is prepared once and
 * touches rows by primary key or walks a partial index, so a checkout costs
 * the same with a thousand or a million entries waiting.
 */
import type { Fen } from '../../../shared/money';
import type { SettingsLayer } from '../../../shared/settings';
import type {
  Entry,
  Instant,
  LedgerRow,
  Member,
  Order,
  PayableQuery,
  QueueEvent,
  QueueState,
  QueueStore,
  SettingsAuditRow,
} from '../../../shared/engine/types';
import type { ReplayStore } from '../../../shared/scenario';
import type { Db } from './database';

interface QueueRow {
  id: string;
  base_settings: string;
  cashier_settings: string;
  next_seq: number;
  waiting_count: number;
  owed_fen: number;
  pool_fen: number;
  extracted_fen: number;
  paid_out_fen: number;
  undistributed_fen: number;
  forfeited_fen: number;
  exchanged_fen: number;
  points_issued: number;
  vouchers_issued: number;
  random_points_left: number | null;
  random_cash_left: number | null;
  reset_anchor: number | null;
  clock: number | null;
}

export interface OrderRow {
  queue_id: string;
  id: string;
  member_id: string | null;
  amount_due_fen: number;
  deduction_fen: number;
  actual_paid_fen: number;
  paid_at: number;
  settlement: 'payment' | 'completion';
  settled_at: number | null;
  extracted_fen: number;
  paid_to_queue_fen: number;
  completed_at: number | null;
  auto_complete_at: number | null;
  refunded_at: number | null;
  no_entitlement_reason: string | null;
}

export interface EntryRow {
  queue_id: string;
  seq: number;
  order_id: string;
  member_id: string | null;
  joined_at: number;
  position: number;
  ahead_fen: number;
  base_fen: number;
  ratio_bp: number;
  rule: string;
  draw_pending: number;
  lottery: string | null;
  drawn_at: number | null;
  entitlement_fen: number;
  received_fen: number;
  state: string;
  finished_at: number | null;
  order_completed: number;
}

export function orderFromRow(r: OrderRow): Order {
  return {
    queueId: r.queue_id,
    id: r.id,
    memberId: r.member_id,
    amountDueFen: r.amount_due_fen as Fen,
    deductionFen: r.deduction_fen as Fen,
    actualPaidFen: r.actual_paid_fen as Fen,
    paidAt: r.paid_at,
    settlement: r.settlement,
    settledAt: r.settled_at,
    extractedFen: r.extracted_fen as Fen,
    paidToQueueFen: r.paid_to_queue_fen as Fen,
    completedAt: r.completed_at,
    autoCompleteAt: r.auto_complete_at,
    refundedAt: r.refunded_at,
    noEntitlementReason: r.no_entitlement_reason as Order['noEntitlementReason'],
  };
}

export function entryFromRow(r: EntryRow): Entry {
  return {
    queueId: r.queue_id,
    seq: r.seq,
    orderId: r.order_id,
    memberId: r.member_id,
    joinedAt: r.joined_at,
    position: r.position,
    aheadFen: r.ahead_fen as Fen,
    baseFen: r.base_fen as Fen,
    ratioBp: r.ratio_bp as Entry['ratioBp'],
    rule: r.rule as Entry['rule'],
    drawPending: r.draw_pending === 1,
    lottery: r.lottery === null ? null : (JSON.parse(r.lottery) as Entry['lottery']),
    drawnAt: r.drawn_at,
    entitlementFen: r.entitlement_fen as Fen,
    receivedFen: r.received_fen as Fen,
    state: r.state as Entry['state'],
    finishedAt: r.finished_at,
    orderCompleted: r.order_completed === 1,
  };
}

function queueFromRow(r: QueueRow): QueueState {
  return {
    id: r.id,
    layers: { base: JSON.parse(r.base_settings) as SettingsLayer, cashier: JSON.parse(r.cashier_settings) as SettingsLayer },
    nextSeq: r.next_seq,
    waitingCount: r.waiting_count,
    owedFen: r.owed_fen as Fen,
    poolFen: r.pool_fen as Fen,
    extractedFen: r.extracted_fen as Fen,
    paidOutFen: r.paid_out_fen as Fen,
    undistributedFen: r.undistributed_fen as Fen,
    forfeitedFen: r.forfeited_fen as Fen,
    exchangedFen: r.exchanged_fen as Fen,
    pointsIssued: r.points_issued,
    vouchersIssued: r.vouchers_issued,
    randomGroup: r.random_points_left === null || r.random_cash_left === null ? null : { pointsLeft: r.random_points_left, cashLeft: r.random_cash_left },
    resetAnchor: r.reset_anchor,
    clock: r.clock,
  };
}

const ENTRY_COLUMNS = `queue_id, seq, order_id, member_id, joined_at, position, ahead_fen, base_fen, ratio_bp, rule,
  draw_pending, lottery, drawn_at, entitlement_fen, received_fen, state, finished_at, order_completed`;

function entryParams(e: Entry) {
  return {
    queue_id: e.queueId,
    seq: e.seq,
    order_id: e.orderId,
    member_id: e.memberId,
    joined_at: e.joinedAt,
    position: e.position,
    ahead_fen: e.aheadFen,
    base_fen: e.baseFen,
    ratio_bp: e.ratioBp,
    rule: e.rule,
    draw_pending: e.drawPending ? 1 : 0,
    lottery: e.lottery === null ? null : JSON.stringify(e.lottery),
    drawn_at: e.drawnAt,
    entitlement_fen: e.entitlementFen,
    received_fen: e.receivedFen,
    state: e.state,
    finished_at: e.finishedAt,
    order_completed: e.orderCompleted ? 1 : 0,
  };
}

function orderParams(o: Order) {
  return {
    queue_id: o.queueId,
    id: o.id,
    member_id: o.memberId,
    amount_due_fen: o.amountDueFen,
    deduction_fen: o.deductionFen,
    actual_paid_fen: o.actualPaidFen,
    paid_at: o.paidAt,
    settlement: o.settlement,
    settled_at: o.settledAt,
    extracted_fen: o.extractedFen,
    paid_to_queue_fen: o.paidToQueueFen,
    completed_at: o.completedAt,
    auto_complete_at: o.autoCompleteAt,
    refunded_at: o.refundedAt,
    no_entitlement_reason: o.noEntitlementReason,
  };
}

function prepareStatements(db: Db) {
  return {
    loadQueue: db.prepare<[string], QueueRow>('SELECT * FROM queues WHERE id = ?'),
    // Most operations change only the counters; the settings JSON is rewritten only when it changed.
    saveCounters: db.prepare(`UPDATE queues SET next_seq = @next_seq, waiting_count = @waiting_count, owed_fen = @owed_fen,
        pool_fen = @pool_fen, extracted_fen = @extracted_fen, paid_out_fen = @paid_out_fen,
        undistributed_fen = @undistributed_fen, forfeited_fen = @forfeited_fen, exchanged_fen = @exchanged_fen,
        points_issued = @points_issued, vouchers_issued = @vouchers_issued, random_points_left = @random_points_left,
        random_cash_left = @random_cash_left, reset_anchor = @reset_anchor, clock = @clock
      WHERE id = @id AND base_settings = @base_settings AND cashier_settings = @cashier_settings`),
    saveQueue: db.prepare(`INSERT INTO queues (id, base_settings, cashier_settings, next_seq, waiting_count, owed_fen, pool_fen,
        extracted_fen, paid_out_fen, undistributed_fen, forfeited_fen, exchanged_fen, points_issued, vouchers_issued,
        random_points_left, random_cash_left, reset_anchor, clock)
      VALUES (@id, @base_settings, @cashier_settings, @next_seq, @waiting_count, @owed_fen, @pool_fen,
        @extracted_fen, @paid_out_fen, @undistributed_fen, @forfeited_fen, @exchanged_fen, @points_issued, @vouchers_issued,
        @random_points_left, @random_cash_left, @reset_anchor, @clock)
      ON CONFLICT (id) DO UPDATE SET base_settings = excluded.base_settings, cashier_settings = excluded.cashier_settings,
        next_seq = excluded.next_seq, waiting_count = excluded.waiting_count, owed_fen = excluded.owed_fen,
        pool_fen = excluded.pool_fen, extracted_fen = excluded.extracted_fen, paid_out_fen = excluded.paid_out_fen,
        undistributed_fen = excluded.undistributed_fen, forfeited_fen = excluded.forfeited_fen,
        exchanged_fen = excluded.exchanged_fen, points_issued = excluded.points_issued,
        vouchers_issued = excluded.vouchers_issued, random_points_left = excluded.random_points_left,
        random_cash_left = excluded.random_cash_left, reset_anchor = excluded.reset_anchor, clock = excluded.clock`),
    getMember: db.prepare<[string], { id: string; level: string; display_name: string | null; masked_phone: string | null; member_code: string | null }>(
      'SELECT id, level, display_name, masked_phone, member_code FROM members WHERE id = ?',
    ),
    putMember: db.prepare(`INSERT INTO members (id, level, display_name, masked_phone, member_code, source, updated_at)
      VALUES (@id, @level, @display_name, @masked_phone, @member_code, @source, @updated_at)
      ON CONFLICT (id) DO UPDATE SET level = excluded.level, display_name = excluded.display_name,
        masked_phone = excluded.masked_phone, member_code = excluded.member_code, source = excluded.source, updated_at = excluded.updated_at`),
    getOrder: db.prepare<[string, string], OrderRow>('SELECT * FROM orders WHERE queue_id = ? AND id = ?'),
    insertOrder: db.prepare(`INSERT INTO orders (queue_id, id, member_id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at,
        settlement, settled_at, extracted_fen, paid_to_queue_fen, completed_at, auto_complete_at, refunded_at, no_entitlement_reason)
      VALUES (@queue_id, @id, @member_id, @amount_due_fen, @deduction_fen, @actual_paid_fen, @paid_at,
        @settlement, @settled_at, @extracted_fen, @paid_to_queue_fen, @completed_at, @auto_complete_at, @refunded_at, @no_entitlement_reason)`),
    updateOrder: db.prepare(`UPDATE orders SET settled_at = @settled_at, extracted_fen = @extracted_fen,
        paid_to_queue_fen = @paid_to_queue_fen, completed_at = @completed_at, auto_complete_at = @auto_complete_at,
        refunded_at = @refunded_at, no_entitlement_reason = @no_entitlement_reason
      WHERE queue_id = @queue_id AND id = @id`),
    getEntryByOrder: db.prepare<[string, string], EntryRow>('SELECT * FROM entries WHERE queue_id = ? AND order_id = ?'),
    insertEntry: db.prepare(`INSERT INTO entries (${ENTRY_COLUMNS}) VALUES (@queue_id, @seq, @order_id, @member_id, @joined_at,
        @position, @ahead_fen, @base_fen, @ratio_bp, @rule, @draw_pending, @lottery, @drawn_at, @entitlement_fen, @received_fen,
        @state, @finished_at, @order_completed)`),
    updateEntry: db.prepare(`UPDATE entries SET ratio_bp = @ratio_bp, draw_pending = @draw_pending, drawn_at = @drawn_at,
        entitlement_fen = @entitlement_fen, received_fen = @received_fen, state = @state, finished_at = @finished_at,
        order_completed = @order_completed
      WHERE queue_id = @queue_id AND seq = @seq`),
    // The two payable queries are written out in full so each matches its partial index.
    payableAll: db.prepare<[string, number, string, number], EntryRow>(`SELECT * FROM entries INDEXED BY entries_waiting
      WHERE queue_id = ? AND state = 'waiting' AND seq > ? AND order_id <> ? AND received_fen < entitlement_fen
      ORDER BY seq LIMIT ?`),
    payableCompleted: db.prepare<[string, number, string, number], EntryRow>(`SELECT * FROM entries INDEXED BY entries_waiting_completed
      WHERE queue_id = ? AND state = 'waiting' AND order_completed = 1 AND seq > ? AND order_id <> ?
        AND received_fen < entitlement_fen
      ORDER BY seq LIMIT ?`),
    waiting: db.prepare<[string, number, number], EntryRow>(`SELECT * FROM entries INDEXED BY entries_waiting
      WHERE queue_id = ? AND state = 'waiting' AND seq > ? ORDER BY seq LIMIT ?`),
    memberSpend: db.prepare<[string, string, number, number], { total: number }>(`SELECT coalesce(sum(actual_paid_fen), 0) AS total
      FROM orders INDEXED BY orders_by_member
      WHERE queue_id = ? AND member_id = ? AND paid_at > ? AND paid_at < ?
        AND settled_at IS NOT NULL AND refunded_at IS NULL`),
    memberCountIn: db.prepare<[string, string, number, number], { n: number }>(`SELECT count(*) AS n FROM entries INDEXED BY entries_by_member
      WHERE queue_id = ? AND member_id = ? AND state <> 'cancelled' AND joined_at >= ? AND joined_at < ?`),
    memberCountAll: db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM entries INDEXED BY entries_by_member
      WHERE queue_id = ? AND member_id = ? AND state <> 'cancelled'`),
    nextAutoCompletion: db.prepare<[string, number], OrderRow>(`SELECT * FROM orders INDEXED BY orders_auto_completion
      WHERE queue_id = ? AND auto_complete_at IS NOT NULL AND completed_at IS NULL AND refunded_at IS NULL
        AND auto_complete_at <= ?
      ORDER BY auto_complete_at, paid_at LIMIT 1`),
    appendLedger: db.prepare(`INSERT INTO ledger (queue_id, kind, at, order_id, entry_order_id, amount_fen, units)
      VALUES (@queueId, @kind, @at, @orderId, @entryOrderId, @amountFen, @units)`),
    appendOutbox: db.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)'),
    appendAudit: db.prepare(`INSERT INTO settings_audit (queue_id, layer, field, old_value, new_value, actor, source, at)
      VALUES (@queueId, @layer, @field, @oldValue, @newValue, @actor, @source, @at)`),
    listEntries: db.prepare<[string], EntryRow>('SELECT * FROM entries WHERE queue_id = ? ORDER BY seq'),
    listOrders: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE queue_id = ? ORDER BY rowid'),
  };
}

export class SqliteQueueStore implements QueueStore, ReplayStore {
  private readonly sql: ReturnType<typeof prepareStatements>;

  constructor(readonly db: Db) {
    this.sql = prepareStatements(db);
  }

  /** One SQLite transaction (nested calls become savepoints). */
  transaction<T>(body: () => T): T {
    return this.db.transaction(body)();
  }

  loadQueue(queueId: string): QueueState | undefined {
    const row = this.sql.loadQueue.get(queueId);
    return row && queueFromRow(row);
  }

  saveQueue(q: QueueState): void {
    const row = {
      id: q.id,
      base_settings: JSON.stringify(q.layers.base),
      cashier_settings: JSON.stringify(q.layers.cashier),
      next_seq: q.nextSeq,
      waiting_count: q.waitingCount,
      owed_fen: q.owedFen,
      pool_fen: q.poolFen,
      extracted_fen: q.extractedFen,
      paid_out_fen: q.paidOutFen,
      undistributed_fen: q.undistributedFen,
      forfeited_fen: q.forfeitedFen,
      exchanged_fen: q.exchangedFen,
      points_issued: q.pointsIssued,
      vouchers_issued: q.vouchersIssued,
      random_points_left: q.randomGroup?.pointsLeft ?? null,
      random_cash_left: q.randomGroup?.cashLeft ?? null,
      reset_anchor: q.resetAnchor,
      clock: q.clock,
    };
    if (this.sql.saveCounters.run(row).changes === 0) this.sql.saveQueue.run(row);
  }

  getMember(memberId: string): Member | undefined {
    const row = this.sql.getMember.get(memberId);
    if (!row) return undefined;
    return {
      id: row.id,
      level: row.level,
      ...(row.display_name !== null ? { displayName: row.display_name } : {}),
      ...(row.masked_phone !== null ? { maskedPhone: row.masked_phone } : {}),
      ...(row.member_code !== null ? { memberCode: row.member_code } : {}),
    };
  }

  putMember(member: Member, source: 'local' | 'server' | 'scenario' = 'scenario', at: Instant = Date.now()): void {
    this.sql.putMember.run({
      id: member.id,
      level: member.level,
      display_name: member.displayName ?? null,
      masked_phone: member.maskedPhone ?? null,
      member_code: member.memberCode ?? null,
      source,
      updated_at: at,
    });
  }

  getOrder(queueId: string, orderId: string): Order | undefined {
    const row = this.sql.getOrder.get(queueId, orderId);
    return row && orderFromRow(row);
  }
  insertOrder(order: Order): void {
    this.sql.insertOrder.run(orderParams(order));
  }
  updateOrder(order: Order): void {
    this.sql.updateOrder.run(orderParams(order));
  }
  getEntryByOrder(queueId: string, orderId: string): Entry | undefined {
    const row = this.sql.getEntryByOrder.get(queueId, orderId);
    return row && entryFromRow(row);
  }
  insertEntry(entry: Entry): void {
    this.sql.insertEntry.run(entryParams(entry));
  }
  updateEntry(entry: Entry): void {
    this.sql.updateEntry.run(entryParams(entry));
  }
  payableEntries(queueId: string, q: PayableQuery): Entry[] {
    const statement = q.completedOrdersOnly ? this.sql.payableCompleted : this.sql.payableAll;
    return statement.all(queueId, q.afterSeq, q.excludeOrderId, q.limit).map(entryFromRow);
  }
  waitingEntries(queueId: string, afterSeq: number, limit: number): Entry[] {
    return this.sql.waiting.all(queueId, afterSeq, limit).map(entryFromRow);
  }
  memberSettledSpend(queueId: string, memberId: string, fromExclusive: Instant, toExclusive: Instant): Fen {
    return this.sql.memberSpend.get(queueId, memberId, fromExclusive, toExclusive)!.total as Fen;
  }
  memberEntitlementCount(queueId: string, memberId: string, range?: { from: Instant; to: Instant }): number {
    if (range) return this.sql.memberCountIn.get(queueId, memberId, range.from, range.to)!.n;
    return this.sql.memberCountAll.get(queueId, memberId)!.n;
  }
  nextAutoCompletion(queueId: string, atOrBefore: Instant): Order | undefined {
    const row = this.sql.nextAutoCompletion.get(queueId, atOrBefore);
    return row && orderFromRow(row);
  }
  appendLedger(row: LedgerRow): void {
    this.sql.appendLedger.run(row);
  }
  appendOutbox(event: QueueEvent): void {
    this.sql.appendOutbox.run(event.id, event.queueId, event.type, event.at, JSON.stringify(event.payload));
  }
  appendSettingsAudit(row: SettingsAuditRow): void {
    this.sql.appendAudit.run(row);
  }
  listEntries(queueId: string): Entry[] {
    return this.sql.listEntries.all(queueId).map(entryFromRow);
  }
  listOrders(queueId: string): Order[] {
    return this.sql.listOrders.all(queueId).map(orderFromRow);
  }
}
