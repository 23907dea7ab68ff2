/**
 * The queue-rebate domain: what the engine reads and writes.
 *
 * The engine never holds a whole queue in memory. It works through a
 * `QueueStore`: a transaction-scoped view of one queue's rows that answers
 * narrow, indexed questions ("the next few entries that may be paid", "this
 * member's settled spend in a window") and takes single-row writes. The
 * SQLite store implements it on the Node side; `memory-store.ts` implements
 * it in plain objects for tests that need no database.
 */
import type { Bp, Fen } from '../money';
import type { LotteryConfig, SettingsLayers } from '../settings';

export type EntryState = 'waiting' | 'completed' | 'exchanged' | 'cleared' | 'cancelled' | 'points';
export const FINISHED_STATES: readonly EntryState[] = ['completed', 'exchanged', 'cleared', 'cancelled', 'points'];

/** Which step of the priority chain (queue-rebate.md §5) gave an entry its ratio. */
export type RatioRule =
  | 'cashier.level'
  | 'base.level'
  | 'cashier.tiers'
  | 'cashier.lottery'
  | 'base.lottery'
  | 'cashier.default'
  | 'base.default';

export interface Member {
  id: string;
  level: string;
  /** Already masked by whoever supplied it (the central server, or a manager). */
  displayName?: string;
  maskedPhone?: string;
  memberCode?: string;
}

/** Milliseconds since the Unix epoch. Every instant in the engine is one of these. */
export type Instant = number;

export interface Order {
  queueId: string;
  id: string;
  memberId: string | null;
  amountDueFen: Fen;
  deductionFen: Fen;
  actualPaidFen: Fen;
  paidAt: Instant;
  /** The settlement event in force when the order was placed; it keeps it for life. */
  settlement: 'payment' | 'completion';
  settledAt: Instant | null;
  extractedFen: Fen;
  /** What this order's settlement paid to other customers' entries. */
  paidToQueueFen: Fen;
  completedAt: Instant | null;
  /** When the order completes by itself, fixed at payment from `autoCompleteMinutes`. */
  autoCompleteAt: Instant | null;
  refundedAt: Instant | null;
  /** Why the order earned no entitlement, when it did not (for the result panel). */
  noEntitlementReason: NoEntitlementReason | null;
}

export type NoEntitlementReason =
  | 'disabled'
  | 'walk-in'
  | 'deduction-excluded'
  | 'outside-window'
  | 'daily-limit'
  | 'total-limit'
  | 'zero-entitlement';

export interface Entry {
  queueId: string;
  /** Line order: the payment order of the queue, 1, 2, 3 … */
  seq: number;
  orderId: string;
  memberId: string | null;
  joinedAt: Instant;
  /** 1 + the waiting entries ahead of it when it joined (after its own order's payout). */
  position: number;
  /** Σ remaining of the waiting entries ahead of it when it joined. */
  aheadFen: Fen;
  /** The amount the ratio applies to (the order's actual paid amount). */
  baseFen: Fen;
  ratioBp: Bp;
  rule: RatioRule;
  /** A lottery entry that has not drawn yet (it carries the default ratio until then). */
  drawPending: boolean;
  /** The lottery the entry may draw from, as it was configured at checkout. */
  lottery: LotteryConfig | null;
  drawnAt: Instant | null;
  entitlementFen: Fen;
  receivedFen: Fen;
  state: EntryState;
  finishedAt: Instant | null;
  /** Denormalised from the order so "completed-first" ordering is one index walk. */
  orderCompleted: boolean;
}

export type LedgerKind =
  | 'extraction' // an order's share taken for the queue
  | 'pool_out' // the carried pool added to a settling order's share
  | 'payout' // order → entry
  | 'undistributed' // what no entry could take
  | 'pool_in' // what no entry could take, carried to the next order
  | 'exchange_points' // an entry's remaining converted to points
  | 'exchange_vouchers' // an entry's remaining converted to vouchers
  | 'random_points' // a random-return entry converted to points at once
  | 'clearing' // a scheduled reset forfeited an entry's remaining
  | 'cancellation'; // a refund forfeited an entry's remaining

export interface LedgerRow {
  queueId: string;
  kind: LedgerKind;
  at: Instant;
  /** The order whose operation moved the money (the payer for a payout). */
  orderId: string | null;
  /** The entry that received or lost the money, named by its order. */
  entryOrderId: string | null;
  amountFen: Fen;
  /** Points or vouchers issued by an exchange / random return (fen-valued units). */
  units: number;
}

/** The counters of one queue, kept on one row so no checkout needs to scan the line. */
export interface QueueState {
  id: string;
  layers: SettingsLayers;
  nextSeq: number;
  waitingCount: number;
  /** Σ (entitlement − received) over waiting entries. */
  owedFen: Fen;
  poolFen: Fen;
  extractedFen: Fen;
  paidOutFen: Fen;
  undistributedFen: Fen;
  forfeitedFen: Fen;
  exchangedFen: Fen;
  pointsIssued: number;
  vouchersIssued: number;
  /** The random-return group being filled: how many points and cash places are left in it. */
  randomGroup: { pointsLeft: number; cashLeft: number } | null;
  /** Resets fall due strictly after this instant (the last reset applied, or when the schedule was set). */
  resetAnchor: Instant | null;
  /** The last instant an operation was applied at; time never goes back before it. */
  clock: Instant | null;
}

/** What the engine hands the outbox: one event per operation, in the same transaction. */
export interface QueueEvent {
  id: string;
  queueId: string;
  type:
    | 'order.checkout'
    | 'order.completed'
    | 'order.refunded'
    | 'entry.drawn'
    | 'entry.exchanged'
    | 'queue.reset'
    | 'queue.settings'
    /** Written by the counter, not the engine: a member enrolled at this register (app/members.ts). */
    | 'member.enrolled'
    /** Written by the counter's triggers (migration 017), not the engine: people, shifts, the audit log. */
    | 'staff.changed'
    | 'shift.opened'
    | 'shift.closed'
    | 'audit.recorded';
  at: Instant;
  payload: Record<string, unknown>;
}

export interface SettingsAuditRow {
  queueId: string;
  layer: 'base' | 'cashier';
  field: string;
  /** JSON text of the old and new values; null = not set. */
  oldValue: string | null;
  newValue: string | null;
  actor: string;
  source: 'manager' | 'server' | 'scenario' | 'system';
  at: Instant;
}

export interface PayableQuery {
  /** Only entries whose order is completed ("completed-first" ordering). */
  completedOrdersOnly: boolean;
  /** An order never pays its own entry. */
  excludeOrderId: string;
  /** Entries strictly after this line position. */
  afterSeq: number;
  limit: number;
}

/** A transaction-scoped view of one queue's rows. All methods are synchronous. */
export interface QueueStore {
  loadQueue(queueId: string): QueueState | undefined;
  saveQueue(queue: QueueState): void;
  getMember(memberId: string): Member | undefined;
  getOrder(queueId: string, orderId: string): Order | undefined;
  insertOrder(order: Order): void;
  updateOrder(order: Order): void;
  getEntryByOrder(queueId: string, orderId: string): Entry | undefined;
  insertEntry(entry: Entry): void;
  updateEntry(entry: Entry): void;
  /** Waiting entries with something left to receive, in line order, a page at a time. */
  payableEntries(queueId: string, query: PayableQuery): Entry[];
  /** Waiting entries in line order after `afterSeq`, a page at a time (for resets). */
  waitingEntries(queueId: string, afterSeq: number, limit: number): Entry[];
  /** Σ actual paid of the member's settled, unrefunded orders paid in (from, to), both open. */
  memberSettledSpend(queueId: string, memberId: string, fromExclusive: Instant, toExclusive: Instant): Fen;
  /** The member's entries not cancelled by a refund, joined in [from, to) (or ever, without bounds). */
  memberEntitlementCount(queueId: string, memberId: string, range?: { from: Instant; to: Instant }): number;
  /** The pending order that completes by itself first, if it is due at or before `atOrBefore`. */
  nextAutoCompletion(queueId: string, atOrBefore: Instant): Order | undefined;
  appendLedger(row: LedgerRow): void;
  appendOutbox(event: QueueEvent): void;
  appendSettingsAudit(row: SettingsAuditRow): void;
}

/** Where random choices come from: a CSPRNG at the counter, a seeded one in a replay. */
export interface RandomSource {
  /** A uniformly random integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

export interface EngineContext {
  store: QueueStore;
  queueId: string;
  /** IANA time zone for day boundaries, windows and resets. */
  timezone: string;
  random: RandomSource;
  newEventId(): string;
}

/** An operation that breaks a rule. It changed nothing; the message says why. */
export class RuleError extends Error {
  override name = 'RuleError';
  constructor(
    readonly code: RuleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type RuleErrorCode =
  | 'invalid-input'
  | 'unknown-queue'
  | 'unknown-order'
  | 'unknown-member'
  | 'duplicate-order'
  | 'time-backwards'
  | 'already-completed'
  | 'already-refunded'
  | 'no-entry'
  | 'not-drawable'
  | 'draw-not-allowed'
  | 'not-exchangeable'
  | 'exchange-not-configured';
