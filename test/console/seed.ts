/**
 * A week of a register's trading made by the real engine, one day after
 * another (checkouts, completions, a refund, an exchange, lottery draws), so
 * the console's day-by-day liability has every kind of flow to add up.
 */
import { advanceTo, canDraw, checkout, complete, createQueue, draw, exchange, refund } from '../../shared/engine/engine';
import { MemoryQueueStore } from '../../shared/engine/memory-store';
import type { EngineContext, QueueEvent } from '../../shared/engine/types';
import type { SettingsLayer } from '../../shared/settings';
import { testLookupCode } from '../central/fixtures';

export const DAY = 86_400_000;

export function engineWeek(queueId: string, start: number, days: number, perDay: number): QueueEvent[] {
  const store = new MemoryQueueStore();
  const base = { extractionBp: 2000, defaultRatioBp: 10000, settlement: 'payment', exchange: { pointsBp: 10000 }, levelRatiosBp: { gold: 12000 }, lottery: { fixedBp: [5000, 15000] } } as unknown as SettingsLayer;
  store.transaction(() => {
    store.putMember({ id: 'm-1', level: 'gold' });
    store.putMember({ id: 'm-2', level: 'normal' });
    createQueue(store, queueId, { base, cashier: {} as SettingsLayer }, start);
  });
  let n = 0;
  const ctx: EngineContext = { store, queueId, timezone: 'Asia/Shanghai', random: { int: () => 1 }, newEventId: () => `${queueId}-w-${++n}` };
  let order = 0;
  for (let d = 0; d < days; d++) {
    let at = start + d * DAY;
    for (let i = 0; i < perDay; i++) {
      at += 10 * 60_000;
      order++;
      store.transaction(() => checkout(ctx, { orderId: `w${order}`, at, memberId: order % 3 === 0 ? 'm-2' : 'm-1', amountDueFen: 5_000 + order * 137 }));
      if (order % 4 === 0) store.transaction(() => complete(ctx, { orderId: `w${order - 1}`, at: at + 1 }));
    }
    for (const entry of store.listEntries(queueId)) {
      if (canDraw(entry)) store.transaction(() => draw(ctx, { orderId: entry.orderId, at: at + 2 }));
    }
    if (d === 1) store.transaction(() => refund(ctx, { orderId: `w${order}`, at: at + 3 }));
    if (d === 2) {
      try {
        store.transaction(() => exchange(ctx, { orderId: `w${order - 1}`, at: at + 4, to: 'points' }));
      } catch {
        // not exchangeable (already paid in full): the other flows still count
      }
    }
    store.transaction(() => advanceTo(ctx, at + 5));
  }
  return store.outbox.map((e) =>
    e.type === 'order.checkout' ? { ...e, payload: { ...e.payload, lookupCode: testLookupCode(`${queueId}:${(e.payload.order as { id: string }).id}`) } } : e,
  );
}
