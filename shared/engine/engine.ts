/**
 * The queue-rebate engine: plain synchronous functions over integer fen.
 *
 * Every public operation runs against a `QueueStore` that the caller has
 * opened inside one transaction. An operation that breaks a rule throws a
 * `RuleError`; the caller rolls the transaction back, so a refused operation
 * changes nothing. Before an operation, everything that fell due at or
 * before its instant (automatic completions, scheduled resets) is applied at
 * its own instant, in time order.
 */
import { addFen, applyBp, fen, minFen, paymentFen, subFen, ZERO_FEN, type Bp, type Fen } from '../money';
import {
  applySettingsChange,
  parseSettingsChange,
  resolveSettings,
  type EffectiveSettings,
  type SettingsChange,
  type SettingsLayer,
  type SettingsLayers,
} from '../settings';
import { decideRatio, defaultRatio, drawFromLottery, lotteryAllows, lotteryMax, type RatioDecision } from './ratio';
import { insideWindows, latestResetAtOrBefore, localDay, TIME } from './time';
import {
  RuleError,
  type EngineContext,
  type Entry,
  type Instant,
  type LedgerKind,
  type LedgerRow,
  type Member,
  type NoEntitlementReason,
  type Order,
  type QueueEvent,
  type QueueState,
} from './types';

/**
 * How many head-of-line entries are read per query while paying out: most
 * payments are taken whole by the head entry, so the first read is small and
 * later reads (a large payment flowing on down the line) are larger.
 */
const FIRST_PAYOUT_PAGE = 2;
const NEXT_PAYOUT_PAGE = 32;
/** How many waiting entries a reset clears per query. */
const RESET_PAGE = 500;
const ORDER_ID = /^[\w.:#\-/]{1,64}$/;

export interface Payout {
  entryOrderId: string;
  amountFen: Fen;
  /** The entry was fully repaid by this payout. */
  completed: boolean;
}

export interface Settlement {
  extractedFen: Fen;
  poolUsedFen: Fen;
  payouts: Payout[];
  paidFen: Fen;
  leftoverFen: Fen;
  leftoverTo: 'undistributed' | 'pool' | null;
}

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

// ---------------------------------------------------------------------------
// Session: one operation's view of the queue.

interface Session {
  ctx: EngineContext;
  queue: QueueState;
  settings: EffectiveSettings;
  /** Ledger rows written by the operation now running, for its outbox event. */
  ledger: LedgerRow[];
}

function openSession(ctx: EngineContext, at: Instant): Session {
  if (!Number.isSafeInteger(at)) throw new RuleError('invalid-input', `the time of an operation must be a whole number of ms, got ${String(at)}`);
  const queue = ctx.store.loadQueue(ctx.queueId);
  if (!queue) throw new RuleError('unknown-queue', `no queue "${ctx.queueId}"`);
  if (queue.clock !== null && at < queue.clock) {
    throw new RuleError('time-backwards', `time went backwards: ${new Date(at).toISOString()} is before the last operation at ${new Date(queue.clock).toISOString()}`);
  }
  return { ctx, queue, settings: resolveSettings(queue.layers), ledger: [] };
}

function closeSession(s: Session, at: Instant): void {
  s.queue.clock = Math.max(s.queue.clock ?? at, at);
  s.ctx.store.saveQueue(s.queue);
}

function record(s: Session, kind: LedgerKind, at: Instant, amountFen: Fen, refs: { orderId?: string | null; entryOrderId?: string | null; units?: number } = {}): void {
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

function emit(s: Session, type: QueueEvent['type'], at: Instant, payload: Record<string, unknown>): void {
  s.ctx.store.appendOutbox({ id: s.ctx.newEventId(), queueId: s.queue.id, type, at, payload: { ...payload, ledger: s.ledger } });
  s.ledger = [];
}

/** Runs one operation: opens the session, applies what fell due, runs `body`, saves the counters. */
function run<T>(ctx: EngineContext, at: Instant, body: (s: Session) => T): T {
  const s = openSession(ctx, at);
  applyDue(s, at);
  const result = body(s);
  closeSession(s, at);
  return result;
}

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
// Settlement: extraction and strict first-come distribution.

function settle(s: Session, order: Order, at: Instant): Settlement {
  const { store } = s.ctx;
  const { settings, queue } = s;
  order.settledAt = at;
  if (!settings.enabled) {
    store.updateOrder(order);
    return { extractedFen: ZERO_FEN, poolUsedFen: ZERO_FEN, payouts: [], paidFen: ZERO_FEN, leftoverFen: ZERO_FEN, leftoverTo: null };
  }
  const extracted = applyBp(order.actualPaidFen, settings.extractionBp);
  order.extractedFen = extracted;
  queue.extractedFen = addFen(queue.extractedFen, extracted);
  if (extracted > 0) record(s, 'extraction', at, extracted, { orderId: order.id });

  let available = extracted;
  let poolUsed = ZERO_FEN;
  if (!settings.paused && queue.poolFen > 0) {
    poolUsed = queue.poolFen;
    record(s, 'pool_out', at, poolUsed, { orderId: order.id });
    queue.poolFen = ZERO_FEN;
    available = addFen(available, poolUsed);
  }
  const payouts = settings.paused ? [] : distribute(s, order.id, available, at);
  const paid = payouts.reduce((sum, p) => addFen(sum, p.amountFen), ZERO_FEN);
  order.paidToQueueFen = addFen(order.paidToQueueFen, paid);
  const leftover = subFen(available, paid);
  let leftoverTo: Settlement['leftoverTo'] = null;
  if (leftover > 0) {
    if (settings.leftover === 'carry') {
      queue.poolFen = addFen(queue.poolFen, leftover);
      record(s, 'pool_in', at, leftover, { orderId: order.id });
      leftoverTo = 'pool';
    } else {
      queue.undistributedFen = addFen(queue.undistributedFen, leftover);
      record(s, 'undistributed', at, leftover, { orderId: order.id });
      leftoverTo = 'undistributed';
    }
  }
  store.updateOrder(order);
  return { extractedFen: extracted, poolUsedFen: poolUsed, payouts, paidFen: paid, leftoverFen: leftover, leftoverTo };
}

/** Pays `amount` to eligible waiting entries in line order; never to the paying order's own entry. */
function distribute(s: Session, payingOrderId: string, amount: Fen, at: Instant): Payout[] {
  const { store } = s.ctx;
  const payouts: Payout[] = [];
  let left = amount;
  let afterSeq = 0;
  const completedOrdersOnly = s.settings.ordering === 'completedFirst';
  while (left > 0) {
    const limit = afterSeq === 0 ? FIRST_PAYOUT_PAGE : NEXT_PAYOUT_PAGE;
    const page = store.payableEntries(s.queue.id, { completedOrdersOnly, excludeOrderId: payingOrderId, afterSeq, limit });
    if (page.length === 0) break;
    for (const entry of page) {
      afterSeq = entry.seq;
      const remaining = subFen(entry.entitlementFen, entry.receivedFen);
      if (remaining === 0) continue;
      const pay = minFen(left, remaining);
      entry.receivedFen = addFen(entry.receivedFen, pay);
      s.queue.owedFen = subFen(s.queue.owedFen, pay);
      s.queue.paidOutFen = addFen(s.queue.paidOutFen, pay);
      left = subFen(left, pay);
      record(s, 'payout', at, pay, { orderId: payingOrderId, entryOrderId: entry.orderId });
      const completed = entry.receivedFen === entry.entitlementFen;
      if (completed) finishEntry(s, entry, 'completed', at);
      store.updateEntry(entry);
      payouts.push({ entryOrderId: entry.orderId, amountFen: pay, completed });
      if (left === 0) break;
    }
  }
  return payouts;
}

/** Moves a waiting entry to a finished state, keeping the queue's counters true. */
function finishEntry(s: Session, entry: Entry, state: Exclude<Entry['state'], 'waiting'>, at: Instant): Fen {
  const remaining = subFen(entry.entitlementFen, entry.receivedFen);
  entry.state = state;
  entry.finishedAt = at;
  s.queue.waitingCount -= 1;
  s.queue.owedFen = subFen(s.queue.owedFen, remaining);
  return remaining;
}

// ---------------------------------------------------------------------------
// Things that fall due by themselves.

/** Applies automatic completions and scheduled resets due at or before `now`, each at its own instant. */
function applyDue(s: Session, now: Instant): void {
  for (;;) {
    const nextCompletion = s.ctx.store.nextAutoCompletion(s.queue.id, now);
    // A completion and a reset at the same instant: the completion goes first,
    // so the payment it settles still reaches the line before the line is cleared.
    const resetLimit = nextCompletion ? Math.min(now, nextCompletion.autoCompleteAt! - 1) : now;
    const resetAt = latestResetAtOrBefore(s.settings.reset, resetLimit, s.ctx.timezone);
    if (resetAt !== null && (s.queue.resetAnchor === null || resetAt > s.queue.resetAnchor)) {
      applyReset(s, resetAt);
      continue;
    }
    if (!nextCompletion) return;
    completeOrder(s, nextCompletion, nextCompletion.autoCompleteAt!, 'auto');
  }
}

/** Advances the queue's clock to `at`, applying whatever fell due (a `tick`). */
export function advanceTo(ctx: EngineContext, at: Instant): void {
  run(ctx, at, () => undefined);
}

function applyReset(s: Session, at: Instant): void {
  const { store } = s.ctx;
  let afterSeq = 0;
  let cleared = 0;
  let forfeited = ZERO_FEN;
  for (;;) {
    const page = store.waitingEntries(s.queue.id, afterSeq, RESET_PAGE);
    if (page.length === 0) break;
    for (const entry of page) {
      afterSeq = entry.seq;
      const remaining = finishEntry(s, entry, 'cleared', at);
      store.updateEntry(entry);
      record(s, 'clearing', at, remaining, { entryOrderId: entry.orderId });
      forfeited = addFen(forfeited, remaining);
      cleared += 1;
    }
  }
  s.queue.forfeitedFen = addFen(s.queue.forfeitedFen, forfeited);
  s.queue.resetAnchor = at;
  // One event for the whole reset: the ledger rows name every entry it cleared.
  emit(s, 'queue.reset', at, { schedule: s.settings.reset, clearedEntries: cleared, forfeitedFen: forfeited });
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

function requireOrder(s: Session, orderId: unknown): Order {
  if (typeof orderId !== 'string') throw new RuleError('invalid-input', 'an order id is required');
  const order = s.ctx.store.getOrder(s.queue.id, orderId);
  if (!order) throw new RuleError('unknown-order', `unknown order ${orderId}`);
  return order;
}

function completeOrder(s: Session, order: Order, at: Instant, how: 'confirm' | 'auto'): Settlement | null {
  order.completedAt = at;
  const settlement = order.settledAt === null ? settle(s, order, at) : null;
  s.ctx.store.updateOrder(order);
  const entry = s.ctx.store.getEntryByOrder(s.queue.id, order.id);
  if (entry && !entry.orderCompleted) {
    entry.orderCompleted = true;
    s.ctx.store.updateEntry(entry);
  }
  emit(s, 'order.completed', at, { orderId: order.id, how, settlement });
  return settlement;
}

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

// ---------------------------------------------------------------------------
// Lottery draw and exchange.

function requireEntry(s: Session, orderId: unknown): Entry {
  const order = requireOrder(s, orderId);
  const entry = s.ctx.store.getEntryByOrder(s.queue.id, order.id);
  if (!entry) throw new RuleError('no-entry', `order ${order.id} earned no entitlement`);
  return entry;
}

/** Whether the entry may still draw: a lottery entry, waiting, not drawn, and paid nothing yet. */
export function canDraw(entry: Entry): boolean {
  return entry.drawPending && entry.state === 'waiting' && entry.receivedFen === 0 && entry.lottery !== null;
}

export function draw(ctx: EngineContext, input: { orderId: string; at: Instant; ratioBp?: number }): { entry: Entry; drawnBp: Bp; source: 'random' | 'fixed' } {
  return run(ctx, input.at, (s) => {
    const entry = requireEntry(s, input.orderId);
    if (!canDraw(entry)) {
      const why = !entry.lottery ? 'its ratio did not come from a lottery' : !entry.drawPending ? 'it has drawn already' : entry.state !== 'waiting' ? `it is ${entry.state}` : 'it has received payouts already';
      throw new RuleError('not-drawable', `the entry of order ${entry.orderId} cannot draw: ${why}`);
    }
    const lottery = entry.lottery!;
    let drawnBp: Bp;
    if (input.ratioBp !== undefined) {
      if (!lotteryAllows(lottery, input.ratioBp)) throw new RuleError('draw-not-allowed', `${String(input.ratioBp)} bp is not an outcome this lottery allows`);
      drawnBp = input.ratioBp as Bp;
    } else {
      drawnBp = drawFromLottery(lottery, (n) => ctx.random.int(n));
    }
    const oldEntitlement = entry.entitlementFen;
    entry.ratioBp = drawnBp;
    entry.entitlementFen = applyBp(entry.baseFen, drawnBp);
    entry.drawPending = false;
    entry.drawnAt = input.at;
    s.queue.owedFen = addFen(subFen(s.queue.owedFen, oldEntitlement), entry.entitlementFen);
    if (entry.entitlementFen === 0) finishEntry(s, entry, 'completed', input.at);
    ctx.store.updateEntry(entry);
    const source = input.ratioBp !== undefined ? 'fixed' : 'random';
    emit(s, 'entry.drawn', input.at, { orderId: entry.orderId, drawnBp, source, entitlementFen: entry.entitlementFen });
    return { entry, drawnBp, source };
  });
}

export function exchange(ctx: EngineContext, input: { orderId: string; at: Instant; to: 'points' | 'vouchers' }): { entry: Entry; convertedFen: Fen; units: number } {
  if (input.to !== 'points' && input.to !== 'vouchers') throw new RuleError('invalid-input', `exchange to must be "points" or "vouchers", got ${JSON.stringify(input.to)}`);
  return run(ctx, input.at, (s) => {
    const entry = requireEntry(s, input.orderId);
    const preview = exchangeQuote(s.settings, entry, input.to);
    const converted = finishEntry(s, entry, 'exchanged', input.at);
    ctx.store.updateEntry(entry);
    s.queue.exchangedFen = addFen(s.queue.exchangedFen, converted);
    if (input.to === 'points') s.queue.pointsIssued += preview.units;
    else s.queue.vouchersIssued += preview.units;
    record(s, input.to === 'points' ? 'exchange_points' : 'exchange_vouchers', input.at, converted, { entryOrderId: entry.orderId, units: preview.units });
    emit(s, 'entry.exchanged', input.at, { orderId: entry.orderId, to: input.to, convertedFen: converted, units: preview.units });
    return { entry, convertedFen: converted, units: preview.units };
  });
}

/** What an exchange would give, without doing it (the confirmation dialog shows this). */
export function exchangeQuote(settings: EffectiveSettings, entry: Entry, to: 'points' | 'vouchers'): { remainingFen: Fen; units: number } {
  if (entry.state !== 'waiting') throw new RuleError('not-exchangeable', `the entry of order ${entry.orderId} is ${entry.state}, not waiting`);
  const remaining = subFen(entry.entitlementFen, entry.receivedFen);
  if (remaining === 0) throw new RuleError('not-exchangeable', `the entry of order ${entry.orderId} has nothing left to exchange`);
  const rate = to === 'points' ? settings.exchange?.pointsBp : settings.exchange?.vouchersBp;
  if (rate === undefined) throw new RuleError('exchange-not-configured', `exchange to ${to} is not set up`);
  return { remainingFen: remaining, units: applyBp(remaining, rate) };
}

// ---------------------------------------------------------------------------
// Settings.

export interface SettingsChangeInput {
  at: Instant;
  base?: unknown;
  cashier?: unknown;
  actor: string;
  source: 'manager' | 'server' | 'scenario' | 'system';
}

export function changeSettings(ctx: EngineContext, input: SettingsChangeInput): SettingsLayers {
  const changes: Partial<Record<'base' | 'cashier', SettingsChange>> = {};
  try {
    if (input.base !== undefined) changes.base = parseSettingsChange(input.base, 'base settings');
    if (input.cashier !== undefined) changes.cashier = parseSettingsChange(input.cashier, 'cashier settings');
  } catch (error) {
    throw new RuleError('invalid-input', (error as Error).message);
  }
  return run(ctx, input.at, (s) => {
    const before = s.settings;
    const next: SettingsLayers = { ...s.queue.layers };
    for (const layer of ['base', 'cashier'] as const) {
      const change = changes[layer];
      if (!change) continue;
      next[layer] = applyLayerChange(s, layer, s.queue.layers[layer], change, input);
    }
    s.queue.layers = next;
    s.settings = resolveSettings(next);
    // A newly set schedule counts from now: resets it would have had in the past are not owed.
    if (JSON.stringify(before.reset) !== JSON.stringify(s.settings.reset)) s.queue.resetAnchor = input.at;
    if (JSON.stringify(before.randomReturn) !== JSON.stringify(s.settings.randomReturn)) s.queue.randomGroup = null;
    emit(s, 'queue.settings', input.at, { changes, actor: input.actor, source: input.source });
    return next;
  });
}

function applyLayerChange(s: Session, layer: 'base' | 'cashier', current: SettingsLayer, change: SettingsChange, input: SettingsChangeInput): SettingsLayer {
  let updated: SettingsLayer;
  try {
    updated = applySettingsChange(current, change);
  } catch (error) {
    throw new RuleError('invalid-input', (error as Error).message);
  }
  for (const field of Object.keys(change) as (keyof SettingsLayer)[]) {
    const oldValue = current[field] === undefined ? null : JSON.stringify(current[field]);
    const newValue = updated[field] === undefined ? null : JSON.stringify(updated[field]);
    if (oldValue === newValue) continue;
    s.ctx.store.appendSettingsAudit({ queueId: s.queue.id, layer, field, oldValue, newValue, actor: input.actor, source: input.source, at: input.at });
  }
  return updated;
}

export { defaultRatio };
