/**
 * One engine operation's view of the queue (a "session"): the queue's counters
 * and settings as loaded at its start, and the ledger rows it has written so
 * far, which go out with its outbox event. Every operation in engine.ts,
 * entry-actions.ts and settings-change.ts runs through `run` (due.ts).
 */
import { resolveSettings, type EffectiveSettings } from '../settings';
import type { Fen } from '../money';
import { RuleError, type EngineContext, type Instant, type LedgerKind, type LedgerRow, type Order, type QueueEvent, type QueueState } from './types';

export interface Session {
  ctx: EngineContext;
  queue: QueueState;
  settings: EffectiveSettings;
  /** Ledger rows written by the operation now running, for its outbox event. */
  ledger: LedgerRow[];
}

export function openSession(ctx: EngineContext, at: Instant): Session {
  if (!Number.isSafeInteger(at)) throw new RuleError('invalid-input', `the time of an operation must be a whole number of ms, got ${String(at)}`);
  const queue = ctx.store.loadQueue(ctx.queueId);
  if (!queue) throw new RuleError('unknown-queue', `no queue "${ctx.queueId}"`);
  if (queue.clock !== null && at < queue.clock) {
    throw new RuleError('time-backwards', `time went backwards: ${new Date(at).toISOString()} is before the last operation at ${new Date(queue.clock).toISOString()}`);
  }
  return { ctx, queue, settings: resolveSettings(queue.layers), ledger: [] };
}

export function closeSession(s: Session, at: Instant): void {
  s.queue.clock = Math.max(s.queue.clock ?? at, at);
  s.ctx.store.saveQueue(s.queue);
}

export function record(s: Session, kind: LedgerKind, at: Instant, amountFen: Fen, refs: { orderId?: string | null; entryOrderId?: string | null; units?: number } = {}): void {
  const row: LedgerRow = {
    queueId: s.queue.id,
    kind,
    at,
    orderId: refs.orderId ?? null,
    entryOrderId: refs.entryOrderId ?? null,
    amountFen,
    units: refs.units ?? 0,
  };
  s.ctx.store.appendLedger(row);
  s.ledger.push(row);
}

export function emit(s: Session, type: QueueEvent['type'], at: Instant, payload: Record<string, unknown>): void {
  s.ctx.store.appendOutbox({ id: s.ctx.newEventId(), queueId: s.queue.id, type, at, payload: { ...payload, ledger: s.ledger } });
  s.ledger = [];
}

/** The operation's order, or the engine's refusal (`unknown-order`). */
export function requireOrder(s: Session, orderId: unknown): Order {
  if (typeof orderId !== 'string') throw new RuleError('invalid-input', 'an order id is required');
  const order = s.ctx.store.getOrder(s.queue.id, orderId);
  if (!order) throw new RuleError('unknown-order', `unknown order ${orderId}`);
  return order;
}

