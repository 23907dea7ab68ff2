/**
 * Rebuilds a register's rows from the events the central service holds of it
 * (issue 14 §1, docs/central.md "Disaster recovery").
 *
 * Why the events' after-images and not the engine's decisions: an event says
 * what the engine decided (the order as settled, the entry as it joined, every
 * ledger row), so applying it needs none of what the decision depended on —
 * the member's level at that moment, the time zone, settings from before the
 * first event, the random draw. Re-running the engine would need all of them
 * and could only come out equal by luck. Applying the after-images is the
 * rule docs/sync.md "Event payloads" gives and `central/ingest/project.ts`
 * follows: a checkout adds its order and entry; each ledger row is appended
 * as it was and moves its entry (payout → received, finishing kinds → the
 * entry's end state); completions, refunds and draws change their order or
 * entry as the engine did. The queue's counters are then recomputed from the
 * rows (exactly what `pos verify` checks them against).
 *
 * One transaction for the whole rebuild: a failure leaves the database as it
 * was.
 */
import { createQueue } from '../../../shared/engine/index';
import type { Entry, LedgerRow, Order, QueueState, SettingsAuditRow } from '../../../shared/engine/types';
import { EMPTY_LAYERS, applySettingsChange, resolveSettings, type SettingsChange, type SettingsLayer } from '../../../shared/settings';
import { eventPayloadSchemas, type EventPayloads, type LedgerRowPayload } from '../../../shared/sync/events';
import { membersPushSchema, wireEventSchema, type WireEvent } from '../../../shared/sync/protocol';
import type { Db } from '../store/database';
import { SqliteQueueStore } from '../store/queue-store';
import { applyMembersPush } from '../sync/apply';
import { REPLAYING_META } from '../sync/pin-seal';
import { CounterRebuilder, type CounterRebuildResult } from './counter-rebuild';

export class RecoveryError extends Error {
  override name = 'RecoveryError';
}

export interface RecoveredPush {
  id: number;
  message: string;
  body: Record<string, unknown>;
}

export interface RebuildResult {
  events: number;
  orders: number;
  entries: number;
  ledgerRows: number;
  membersEnrolled: number;
  memberPushes: number;
  /** Members an order named that the service never sent back (kept as plain rows so the order stays). */
  placeholderMembers: number;
  queues: string[];
  /** People, shifts, audit rows, tenders and refunds (the counter events of migration 017). */
  counter: CounterRebuildResult;
}

export interface RebuildOptions {
  /** The key of the token the recovery runs with, to open the people's sealed PINs (sync/pin-seal.ts). */
  pinKey?: Buffer | null;
  /** This register's id: the daily order numbers are rebuilt from its orders' numbers. */
  registerId?: string | null;
}

/** Written by the counter, about the register rather than its queue: no queue row, no ledger, no queue clock. */
export const COUNTER_ONLY: ReadonlySet<WireEvent['type']> = new Set<WireEvent['type']>(['staff.changed', 'shift.opened', 'shift.closed', 'audit.recorded']);

const FINISHING: Partial<Record<LedgerRowPayload['kind'], Entry['state']>> = {
  clearing: 'cleared',
  cancellation: 'cancelled',
  exchange_points: 'exchanged',
  exchange_vouchers: 'exchanged',
};

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Checks every event before anything is written: a malformed one stops the recovery. */
export function checkRecoveredEvents(events: unknown[]): WireEvent[] {
  return events.map((raw, i) => {
    const parsed = wireEventSchema.safeParse(raw);
    if (!parsed.success) throw new RecoveryError(`the service sent a malformed event (#${i + 1}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const schema = eventPayloadSchemas[parsed.data.type as keyof typeof eventPayloadSchemas];
    const payload = schema.safeParse(parsed.data.payload);
    if (!payload.success) throw new RecoveryError(`event ${parsed.data.seq} (${parsed.data.type}) has a payload this register cannot apply: ${payload.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  });
}

class Rebuilder {
  private readonly store: SqliteQueueStore;
  private readonly queues = new Map<string, QueueState>();
  readonly counter: CounterRebuilder;
  readonly result: RebuildResult;

  constructor(
    private readonly db: Db,
    pinKey: Buffer | null,
  ) {
    this.store = new SqliteQueueStore(db);
    this.counter = new CounterRebuilder(db, pinKey);
    this.result = { events: 0, orders: 0, entries: 0, ledgerRows: 0, membersEnrolled: 0, memberPushes: 0, placeholderMembers: 0, queues: [], counter: this.counter.result };
  }

  queue(queueId: string, at: number): QueueState {
    let q = this.queues.get(queueId) ?? this.store.loadQueue(queueId);
    if (!q) {
      // No event says how a queue began: it starts empty, as a register's first queue does (register.ts).
      q = createQueue(this.store, queueId, EMPTY_LAYERS, at);
      this.result.queues.push(queueId);
    }
    this.queues.set(queueId, q);
    return q;
  }

  enrolMember(event: WireEvent): void {
    const p = event.payload as EventPayloads['member.enrolled'];
    const m = p.member;
    this.db
      .prepare(
        `INSERT INTO members (id, level, display_name, masked_phone, member_code, phone_digest, phone_key_id, source, updated_at, enrolled_at, enrolled_by)
         VALUES (?, ?, ?, ?, NULL, ?, ?, 'local', ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(m.id, m.level, m.displayName ?? null, m.maskedPhone ?? null, m.phoneDigest, m.phoneKeyId ?? null, event.at, event.at, p.cashierId ?? null);
    this.result.membersEnrolled += 1;
  }

  private ensureMember(memberId: string | null, at: number): void {
    if (memberId === null || this.store.getMember(memberId)) return;
    this.db.prepare("INSERT INTO members (id, level, source, updated_at) VALUES (?, 'normal', 'local', ?)").run(memberId, at);
    this.result.placeholderMembers += 1;
  }

  apply(event: WireEvent): void {
    this.result.events += 1;
    if (event.type === 'member.enrolled') return; // applied before the pushes (see rebuildFromEvents)
    if (COUNTER_ONLY.has(event.type)) return this.counter.apply(event);
    const q = this.queue(event.queueId, event.at);
    switch (event.type) {
      case 'order.checkout': {
        const p = event.payload as EventPayloads['order.checkout'];
        this.ensureMember(p.order.memberId, event.at);
        this.store.insertOrder(p.order as Order);
        if (p.lookupCode) this.db.prepare('UPDATE orders SET lookup_code = ? WHERE queue_id = ? AND id = ?').run(p.lookupCode, p.order.queueId, p.order.id);
        this.result.orders += 1;
        if (p.entry) {
          this.store.insertEntry(p.entry as Entry);
          this.result.entries += 1;
          this.followRandomGroup(q, p.entry.state === 'points');
        }
        break;
      }
      case 'order.completed': {
        const p = event.payload as EventPayloads['order.completed'];
        const order = this.order(event.queueId, p.orderId, event);
        order.completedAt = event.at;
        if (p.settlement) {
          order.settledAt = event.at;
          order.extractedFen = p.settlement.extractedFen as Order['extractedFen'];
          order.paidToQueueFen = (order.paidToQueueFen + p.settlement.paidFen) as Order['paidToQueueFen'];
        }
        this.store.updateOrder(order);
        const entry = this.store.getEntryByOrder(event.queueId, p.orderId);
        if (entry && !entry.orderCompleted) {
          entry.orderCompleted = true;
          this.store.updateEntry(entry);
        }
        break;
      }
      case 'order.refunded': {
        const p = event.payload as EventPayloads['order.refunded'];
        const order = this.order(event.queueId, p.orderId, event);
        order.refundedAt = event.at;
        this.store.updateOrder(order);
        break;
      }
      case 'entry.drawn': {
        const p = event.payload as EventPayloads['entry.drawn'];
        const entry = this.entry(event.queueId, p.orderId, event);
        entry.ratioBp = p.drawnBp as Entry['ratioBp'];
        entry.entitlementFen = p.entitlementFen as Entry['entitlementFen'];
        entry.drawPending = false;
        entry.drawnAt = event.at;
        if (entry.entitlementFen === 0) {
          entry.state = 'completed';
          entry.finishedAt = event.at;
        }
        this.store.updateEntry(entry);
        break;
      }
      case 'queue.reset':
        q.resetAnchor = event.at;
        break;
      case 'queue.settings':
        this.changeSettings(q, event);
        break;
      default:
        break; // entry.exchanged: its ledger row says it all
    }
    for (const row of (event.payload as { ledger?: LedgerRowPayload[] }).ledger ?? []) this.ledger(row, event);
    // The counter's part of a checkout or refund (tenders, cashier, shift), once the order is there.
    this.counter.apply(event);
    q.clock = Math.max(q.clock ?? event.at, event.at);
  }

  private order(queueId: string, orderId: string, event: WireEvent): Order {
    const order = this.store.getOrder(queueId, orderId);
    if (!order) throw new RecoveryError(`event ${event.seq} (${event.type}) names order ${orderId}, which no earlier event created`);
    return order;
  }

  private entry(queueId: string, orderId: string, event: WireEvent): Entry {
    const entry = this.store.getEntryByOrder(queueId, orderId);
    if (!entry) throw new RecoveryError(`event ${event.seq} (${event.type}) names the entry of order ${orderId}, which no earlier event created`);
    return entry;
  }

  private ledger(row: LedgerRowPayload, event: WireEvent): void {
    this.store.appendLedger(row as LedgerRow);
    this.result.ledgerRows += 1;
    if (row.entryOrderId === null || (row.kind !== 'payout' && !FINISHING[row.kind])) return;
    const entry = this.entry(row.queueId, row.entryOrderId, event);
    if (row.kind === 'payout') {
      entry.receivedFen = (entry.receivedFen + row.amountFen) as Entry['receivedFen'];
      if (entry.receivedFen === entry.entitlementFen) {
        entry.state = 'completed';
        entry.finishedAt = row.at;
      }
    } else {
      entry.state = FINISHING[row.kind]!;
      entry.finishedAt = row.at;
    }
    this.store.updateEntry(entry);
  }

  /** The random-return group, as `randomReturnOutcome` in the engine moves it. */
  private followRandomGroup(q: QueueState, points: boolean): void {
    const config = resolveSettings(q.layers).randomReturn;
    if (!config) return;
    let group = q.randomGroup;
    if (!group || group.pointsLeft + group.cashLeft === 0) group = { pointsLeft: config.pointsCount, cashLeft: config.cashCount };
    const usePoints = points ? group.pointsLeft > 0 : group.cashLeft === 0;
    q.randomGroup = usePoints ? { ...group, pointsLeft: group.pointsLeft - 1 } : { ...group, cashLeft: group.cashLeft - 1 };
  }

  private changeSettings(q: QueueState, event: WireEvent): void {
    const p = event.payload as EventPayloads['queue.settings'];
    const before = resolveSettings(q.layers);
    const changes = p.changes as Partial<Record<'base' | 'cashier', SettingsChange>>;
    const next = { ...q.layers };
    for (const layer of ['base', 'cashier'] as const) {
      const change = changes[layer];
      if (!change) continue;
      const current = q.layers[layer];
      const updated: SettingsLayer = applySettingsChange(current, change);
      for (const field of Object.keys(change) as (keyof SettingsLayer)[]) {
        const oldValue = current[field] === undefined ? null : JSON.stringify(current[field]);
        const newValue = updated[field] === undefined ? null : JSON.stringify(updated[field]);
        if (oldValue === newValue) continue;
        this.store.appendSettingsAudit({ queueId: q.id, layer, field, oldValue, newValue, actor: p.actor, source: p.source as SettingsAuditRow['source'], at: event.at });
      }
      next[layer] = updated;
    }
    q.layers = next;
    const after = resolveSettings(next);
    if (canonical(before.reset) !== canonical(after.reset)) q.resetAnchor = event.at;
    if (canonical(before.randomReturn) !== canonical(after.randomReturn)) q.randomGroup = null;
  }

  /** The counters `pos verify` checks, recomputed from the rows themselves. */
  finish(): void {
    const sum = (queueId: string, kinds: string[], column: 'amount_fen' | 'units' = 'amount_fen') =>
      this.db.prepare(`SELECT COALESCE(SUM(${column}), 0) FROM ledger WHERE queue_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})`).pluck().get(queueId, ...kinds) as number;
    for (const q of this.queues.values()) {
      const line = this.db
        .prepare("SELECT COUNT(*) AS n, COALESCE(SUM(entitlement_fen - received_fen), 0) AS owed FROM entries WHERE queue_id = ? AND state = 'waiting'")
        .get(q.id) as { n: number; owed: number };
      const lastSeq = this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM entries WHERE queue_id = ?').pluck().get(q.id) as number;
      q.nextSeq = lastSeq + 1;
      q.waitingCount = line.n;
      q.owedFen = line.owed as QueueState['owedFen'];
      q.extractedFen = sum(q.id, ['extraction']) as QueueState['extractedFen'];
      q.paidOutFen = sum(q.id, ['payout']) as QueueState['paidOutFen'];
      q.undistributedFen = sum(q.id, ['undistributed']) as QueueState['undistributedFen'];
      q.poolFen = (sum(q.id, ['pool_in']) - sum(q.id, ['pool_out'])) as QueueState['poolFen'];
      q.forfeitedFen = sum(q.id, ['clearing', 'cancellation']) as QueueState['forfeitedFen'];
      q.exchangedFen = sum(q.id, ['exchange_points', 'exchange_vouchers']) as QueueState['exchangedFen'];
      q.pointsIssued = sum(q.id, ['exchange_points', 'random_points'], 'units');
      q.vouchersIssued = sum(q.id, ['exchange_vouchers'], 'units');
      this.store.saveQueue(q);
    }
  }
}

/**
 * Applies `events` (seq order) and the member pushes the register had
 * answered to `db`, in one transaction. Members enrolled at the counter go
 * in first, then the pushes (so a pushed canonical member finds the local row
 * it maps onto, as it did the first time), then everything else in seq order.
 */
export function rebuildFromEvents(db: Db, events: WireEvent[], pushes: RecoveredPush[], at: number, options: RebuildOptions = {}): RebuildResult {
  return db
    .transaction((): RebuildResult => {
      // The counter's triggers (migration 017) stay silent: these rows are the service's events, not new ones.
      db.prepare("INSERT INTO app_meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING").run(REPLAYING_META);
      const rebuilder = new Rebuilder(db, options.pinKey ?? null);
      for (const event of events) if (event.type === 'member.enrolled') rebuilder.enrolMember(event);
      for (const push of pushes) {
        if (push.message !== 'sync:members') continue;
        const parsed = membersPushSchema.safeParse({ ...push.body, pushId: push.id, issuedAt: 0 });
        if (!parsed.success) throw new RecoveryError(`members push ${push.id} from the service is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        applyMembersPush(db, push.message, parsed.data, at);
        rebuilder.result.memberPushes += 1;
      }
      for (const event of events) rebuilder.apply(event);
      rebuilder.finish();
      rebuilder.counter.finish(options.registerId ?? null);
      db.prepare('DELETE FROM app_meta WHERE key = ?').run(REPLAYING_META);
      return rebuilder.result;
    })
    .immediate();
}
