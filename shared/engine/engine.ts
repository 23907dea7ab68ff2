/**
 * The queue-rebate engine: plain synchronous functions over integer fen.
 *
 * Every public operation runs against a `QueueStore` that the caller has
 * opened inside one transaction. An operation that breaks a rule throws a
 * `RuleError`; the caller rolls the transaction back, so a refused operation
 * changes nothing. Before an operation, everything that fell due at or
 * before its instant (automatic completions, scheduled resets) is applied at
 * its own instant, in time order.
 *
 * This file holds queue creation, checkout, completion and refund; beside it:
 * session.ts (one operation's view of the queue, ledger rows and events),
 * due.ts (what falls due by itself, and `run`), settlement.ts (extraction
 * and first-come distribution), entry-actions.ts (draw, exchange),
 * settings-change.ts. Callers import all of it from here or from index.ts.
 */
import { addFen, applyBp, fen, paymentFen, subFen, ZERO_FEN, type Bp, type Fen } from '../money';
import type { SettingsLayers } from '../settings';
import { run } from './due';
import { decideRatio, defaultRatio, lotteryMax, type RatioDecision } from './ratio';
import { emit, record, requireOrder, type Session } from './session';
import { completeOrder, finishEntry, settle, type Settlement } from './settlement';
import { insideWindows, localDay, TIME } from './time';
import { RuleError, type EngineContext, type Entry, type Instant, type Member, type NoEntitlementReason, type Order, type QueueState } from './types';

const ORDER_ID = /^[\w.:#\-/]{1,64}$/;

export interface CheckoutInput {
  orderId: string;
  at: Instant;
  memberId: string | null;
  amountDueFen: number;
  deductionFen?: number;
  /** Fixes a random-return outcome (a replay can pin what the counter draws). */
  randomReturn?: 'cash' | 'points';
}

export interface CheckoutResult {
  order: Order;
  entry: Entry | null;
  ratio: RatioDecision | null;
  settlement: Settlement | null;
}

export type { Payout, Settlement } from './settlement';
export { advanceTo } from './due';
export { canDraw, draw, exchange, exchangeQuote } from './entry-actions';
export { changeSettings, type SettingsChangeInput } from './settings-change';

// ---------------------------------------------------------------------------
// Queue creation.

export function createQueue(store: EngineContext['store'], queueId: string, layers: SettingsLayers, at: Instant): QueueState {
  if (store.loadQueue(queueId)) throw new RuleError('invalid-input', `queue "${queueId}" already exists`);
  const queue: QueueState = {
    id: queueId,
    layers: { base: { ...layers.base }, cashier: { ...layers.cashier } },
    nextSeq: 1,
    waitingCount: 0,
    owedFen: ZERO_FEN,
    poolFen: ZERO_FEN,
    extractedFen: ZERO_FEN,
    paidOutFen: ZERO_FEN,
    undistributedFen: ZERO_FEN,
    forfeitedFen: ZERO_FEN,
    exchangedFen: ZERO_FEN,
    pointsIssued: 0,
    vouchersIssued: 0,
    randomGroup: null,
    resetAnchor: at,
    clock: null,
  };
  store.saveQueue(queue);
  return queue;
}

// ---------------------------------------------------------------------------
// Checkout.

function validateCheckout(input: CheckoutInput): { amountDue: Fen; deduction: Fen } {
  if (typeof input.orderId !== 'string' || !ORDER_ID.test(input.orderId)) {
    throw new RuleError('invalid-input', `an order id must be 1–64 letters, digits or . : # - / _, got ${JSON.stringify(input.orderId)}`);
  }
  if (input.memberId !== null && (typeof input.memberId !== 'string' || input.memberId.length === 0)) {
    throw new RuleError('invalid-input', 'a member must be a member id or null for a walk-in customer');
  }
  if (input.randomReturn !== undefined && input.randomReturn !== 'cash' && input.randomReturn !== 'points') {
    throw new RuleError('invalid-input', `randomReturn must be "cash" or "points", got ${JSON.stringify(input.randomReturn)}`);
  }
  const amountDue = wrapMoney(() => paymentFen(input.amountDueFen, 'amount due (fen)'));
  const deduction = wrapMoney(() => fen(input.deductionFen ?? 0, 'deduction (fen)'));
  if (deduction > amountDue) throw new RuleError('invalid-input', `the deduction (${deduction} fen) is more than the amount due (${amountDue} fen)`);
  return { amountDue, deduction };
}

function wrapMoney<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new RuleError('invalid-input', (error as Error).message);
  }
}

type EntitlementDecision =
  | { earns: false; reason: NoEntitlementReason }
  | { earns: true; ratio: RatioDecision; entitlementFen: Fen };

function decideEntitlement(s: Session, member: Member | undefined, paidAt: Instant, actualPaid: Fen, deduction: Fen): EntitlementDecision {
  const { settings, queue, ctx } = s;
  if (!settings.enabled) return { earns: false, reason: 'disabled' };
  if (!member) return { earns: false, reason: 'walk-in' };
  if (settings.deductionRule === 'excluded' && deduction > 0) return { earns: false, reason: 'deduction-excluded' };
  if (!insideWindows(paidAt, settings.windows, ctx.timezone)) return { earns: false, reason: 'outside-window' };
  const { perMemberPerDay, perMemberTotal } = settings.limits;
  if (perMemberPerDay !== undefined) {
    const today = localDay(paidAt, ctx.timezone);
    if (ctx.store.memberEntitlementCount(queue.id, member.id, { from: today.start, to: today.end }) >= perMemberPerDay) {
      return { earns: false, reason: 'daily-limit' };
    }
  }
  if (perMemberTotal !== undefined && ctx.store.memberEntitlementCount(queue.id, member.id) >= perMemberTotal) {
    return { earns: false, reason: 'total-limit' };
  }
  const ratio = decideRatio({
    layers: queue.layers,
    member,
    spendInLastDays: (days) => ctx.store.memberSettledSpend(queue.id, member.id, paidAt - days * TIME.DAY, paidAt),
  });
  const entitlementFen = applyBp(actualPaid, ratio.ratioBp);
  const couldEverEarn = entitlementFen > 0 || (ratio.lottery !== null && applyBp(actualPaid, lotteryMax(ratio.lottery)) > 0);
  if (!couldEverEarn) return { earns: false, reason: 'zero-entitlement' };
  return { earns: true, ratio, entitlementFen };
}

/** Random return (随机返): within each group of earning orders, `pointsCount` of them become points at once. */
function randomReturnOutcome(s: Session, fixed: 'cash' | 'points' | undefined): 'cash' | 'points' {
  const config = s.settings.randomReturn;
  if (!config) return 'cash';
  let group = s.queue.randomGroup;
  if (!group || group.pointsLeft + group.cashLeft === 0) group = { pointsLeft: config.pointsCount, cashLeft: config.cashCount };
  const places = group.pointsLeft + group.cashLeft;
  const outcome = fixed ?? (s.ctx.random.int(places) < group.pointsLeft ? 'points' : 'cash');
  // A pinned outcome is obeyed; it uses a place of its own kind while one is left, else one of the other kind.
  const usePoints = outcome === 'points' ? group.pointsLeft > 0 : group.cashLeft === 0;
  s.queue.randomGroup = usePoints ? { ...group, pointsLeft: group.pointsLeft - 1 } : { ...group, cashLeft: group.cashLeft - 1 };
  return outcome;
}

export function checkout(ctx: EngineContext, input: CheckoutInput): CheckoutResult {
  const { amountDue, deduction } = validateCheckout(input);
  return run(ctx, input.at, (s) => {
    const { store } = ctx;
    if (store.getOrder(s.queue.id, input.orderId)) throw new RuleError('duplicate-order', `order ${input.orderId} already exists`);
    const member = input.memberId === null ? undefined : store.getMember(input.memberId);
    if (input.memberId !== null && !member) throw new RuleError('unknown-member', `unknown member ${input.memberId}`);

    const actualPaid = subFen(amountDue, deduction);
    const decision = decideEntitlement(s, member, input.at, actualPaid, deduction);
    const autoMinutes = s.settings.autoCompleteMinutes;
    const completesAtPayment = autoMinutes === 0;
    const order: Order = {
      queueId: s.queue.id,
      id: input.orderId,
      memberId: input.memberId,
      amountDueFen: amountDue,
      deductionFen: deduction,
      actualPaidFen: actualPaid,
      paidAt: input.at,
      settlement: s.settings.settlement,
      settledAt: null,
      extractedFen: ZERO_FEN,
      paidToQueueFen: ZERO_FEN,
      completedAt: completesAtPayment ? input.at : null,
      autoCompleteAt: autoMinutes === undefined ? null : input.at + autoMinutes * TIME.MINUTE,
      refundedAt: null,
      noEntitlementReason: decision.earns ? null : decision.reason,
    };
    store.insertOrder(order);

    // The order pays the line before its own entry joins: it never pays itself,
    // and its place counts the entries still waiting after its payout.
    const settlesNow = order.settlement === 'payment' || completesAtPayment;
    const settlement = settlesNow ? settle(s, order, input.at) : null;
    const entry = decision.earns ? joinLine(s, order, decision, input.randomReturn) : null;
    emit(s, 'order.checkout', input.at, { order, entry, settlement });
    return { order, entry, ratio: decision.earns ? decision.ratio : null, settlement };
  });
}

function joinLine(s: Session, order: Order, decision: Extract<EntitlementDecision, { earns: true }>, pinned: 'cash' | 'points' | undefined): Entry {
  const { queue, ctx } = s;
  const outcome = randomReturnOutcome(s, pinned);
  const isLottery = decision.ratio.lottery !== null && outcome === 'cash';
  const entry: Entry = {
    queueId: queue.id,
    seq: queue.nextSeq,
    orderId: order.id,
    memberId: order.memberId,
    joinedAt: order.paidAt,
    position: queue.waitingCount + 1,
    aheadFen: queue.owedFen,
    baseFen: order.actualPaidFen,
    ratioBp: decision.ratio.ratioBp,
    rule: decision.ratio.rule,
    drawPending: isLottery,
    lottery: isLottery ? decision.ratio.lottery : null,
    drawnAt: null,
    entitlementFen: decision.entitlementFen,
    receivedFen: ZERO_FEN,
    state: 'waiting',
    finishedAt: null,
    orderCompleted: order.completedAt !== null,
  };
  queue.nextSeq += 1;
  if (outcome === 'points') {
    const units = applyBp(entry.entitlementFen, (s.settings.exchange?.pointsBp ?? 10_000) as Bp);
    entry.state = 'points';
    entry.finishedAt = order.paidAt;
    queue.pointsIssued += units;
    ctx.store.insertEntry(entry);
    record(s, 'random_points', order.paidAt, entry.entitlementFen, { orderId: order.id, entryOrderId: order.id, units });
    return entry;
  }
  queue.waitingCount += 1;
  queue.owedFen = addFen(queue.owedFen, entry.entitlementFen);
  ctx.store.insertEntry(entry);
  return entry;
}

// ---------------------------------------------------------------------------
// Completion and refund.

export function complete(ctx: EngineContext, input: { orderId: string; at: Instant }): { order: Order; settlement: Settlement | null } {
  return run(ctx, input.at, (s) => {
    const order = requireOrder(s, input.orderId);
    if (order.refundedAt !== null) throw new RuleError('already-refunded', `order ${order.id} was refunded`);
    if (order.completedAt !== null) throw new RuleError('already-completed', `order ${order.id} is already completed`);
    const settlement = completeOrder(s, order, input.at, 'confirm');
    return { order, settlement };
  });
}

export interface RefundResult {
  order: Order;
  entry: Entry | null;
  /** What the cancelled entry lost; what it received and what the order paid to others stay. */
  forfeitedFen: Fen;
  settledBeforeRefund: boolean;
}

export function refund(ctx: EngineContext, input: { orderId: string; at: Instant }): RefundResult {
  return run(ctx, input.at, (s) => {
    const order = requireOrder(s, input.orderId);
    if (order.refundedAt !== null) throw new RuleError('already-refunded', `order ${order.id} is already refunded`);
    order.refundedAt = input.at;
    ctx.store.updateOrder(order);
    const entry = ctx.store.getEntryByOrder(s.queue.id, order.id) ?? null;
    let forfeited = ZERO_FEN;
    if (entry && entry.state === 'waiting') {
      forfeited = finishEntry(s, entry, 'cancelled', input.at);
      ctx.store.updateEntry(entry);
      s.queue.forfeitedFen = addFen(s.queue.forfeitedFen, forfeited);
      record(s, 'cancellation', input.at, forfeited, { orderId: order.id, entryOrderId: order.id });
    }
    const settledBeforeRefund = order.settledAt !== null;
    emit(s, 'order.refunded', input.at, { orderId: order.id, settledBeforeRefund, forfeitedFen: forfeited });
    return { order, entry, forfeitedFen: forfeited, settledBeforeRefund };
  });
}

export { defaultRatio };
