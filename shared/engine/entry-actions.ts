/**
 * What a waiting entry can do after checkout: draw its lottery ratio (抽奖)
 * and exchange what it is still owed for points or vouchers (兑换).
 */
import { addFen, applyBp, subFen, type Bp, type Fen } from '../money';
import type { EffectiveSettings } from '../settings';
import { run } from './due';
import { drawFromLottery, lotteryAllows } from './ratio';
import { emit, record, requireOrder, type Session } from './session';
import { finishEntry } from './settlement';
import { RuleError, type EngineContext, type Entry, type Instant } from './types';

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

