/**
 * Settlement: a payment's extraction and its strict first-come distribution
 * to the waiting line (spec: 抽成 and 排队返还), and completing an order, which
 * settles it when it settles at completion.
 */
import { addFen, applyBp, minFen, subFen, ZERO_FEN, type Fen } from '../money';
import { emit, record, type Session } from './session';
import type { Entry, Instant, Order } from './types';

/**
 * How many head-of-line entries are read per query while paying out: most
 * payments are taken whole by the head entry, so the first read is small and
 * later reads (a large payment flowing on down the line) are larger.
 */
const FIRST_PAYOUT_PAGE = 2;
const NEXT_PAYOUT_PAGE = 32;

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

export function settle(s: Session, order: Order, at: Instant): Settlement {
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
export function finishEntry(s: Session, entry: Entry, state: Exclude<Entry['state'], 'waiting'>, at: Instant): Fen {
  const remaining = subFen(entry.entitlementFen, entry.receivedFen);
  entry.state = state;
  entry.finishedAt = at;
  s.queue.waitingCount -= 1;
  s.queue.owedFen = subFen(s.queue.owedFen, remaining);
  return remaining;
}

export function completeOrder(s: Session, order: Order, at: Instant, how: 'confirm' | 'auto'): Settlement | null {
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

