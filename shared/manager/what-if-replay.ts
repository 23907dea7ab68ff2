/**
 * The what-if's replay in memory (issue 15 §3): a scenario replayed through
 * the real engine on `MemoryQueueStore` — no database, no durability, no
 * ledger or outbox rows — and the figures the manager compares, including
 * the tail projection the dashboard computes from SQLite
 * (electron/backend/manager/liability.ts `tailView`), here computed from the
 * replayed rows. test/manager/what-if-memory.test.ts checks both, to the fen,
 * against the replay through SQLite on generated histories.
 */
import type { WhatIfResult } from '../contract-manager';
import { MemoryQueueStore } from '../engine/memory-store';
import { nextResetAfter, TIME, type Entry, type Order, type QueueState } from '../engine/index';
import { replayScenario, SCENARIO_QUEUE_ID, type Scenario, type ScenarioReport } from '../scenario';
import { resolveSettings } from '../settings';
import { projectTail, type RateWindow, type TailProjection } from './liability';

/** The windows of the tail projection, as the dashboard's (PROJECTION_WINDOWS in liability.ts). */
const PROJECTION_WINDOWS = [7, 30] as const;

export function whatIfResult(report: ScenarioReport, tail: TailProjection[]): WhatIfResult {
  let completed = 0;
  for (const e of report.entries) if (e.state === 'completed') completed += 1;
  return {
    paidOutFen: report.totals.paidOutFen,
    owedFen: report.totals.owedFen,
    extractedFen: report.totals.extractedFen,
    undistributedFen: report.totals.undistributedFen,
    forfeitedFen: report.totals.forfeitedFen,
    entriesTotal: report.entries.length,
    entriesCompleted: completed,
    waitingEntries: report.totals.waitingEntries,
    refusedEvents: report.errors.length,
    tail,
  };
}

/** rateWindow of liability.ts over the replayed orders: orders paid in (now − days, now], over the span really covered. */
function rateWindow(orders: readonly Readonly<Order>[], firstPaidAt: number | null, now: number, days: number): RateWindow {
  const spanMs = Math.min(days * TIME.DAY, firstPaidAt === null ? days * TIME.DAY : Math.max(TIME.DAY, now - firstPaidAt));
  let n = 0;
  let extracted = 0;
  const from = now - days * TIME.DAY;
  for (const o of orders) {
    if (o.paidAt > from && o.paidAt <= now) {
      n += 1;
      extracted += o.extractedFen;
    }
  }
  return { days, spanMs, orders: n, extractedFen: extracted };
}

/** tailView of liability.ts (its projections) over the replayed rows: when the newest waiting entry would be repaid. */
export function tailFromRows(entries: readonly Readonly<Entry>[], orders: readonly Readonly<Order>[], queue: QueueState, now: number, timezone: string): TailProjection[] {
  let newest: Readonly<Entry> | undefined;
  for (let i = entries.length - 1; i >= 0 && !newest; i--) if (entries[i]!.state === 'waiting') newest = entries[i];
  if (!newest) return [];
  const own = newest.entitlementFen - newest.receivedFen;
  const settings = resolveSettings(queue.layers);
  let aheadFen: number;
  if (settings.ordering === 'completedFirst') {
    aheadFen = 0;
    for (const e of entries) if (e.state === 'waiting' && e.orderCompleted && e.seq < newest.seq) aheadFen += e.entitlementFen - e.receivedFen;
  } else {
    aheadFen = queue.owedFen - own;
  }
  let first: number | null = null;
  for (const o of orders) if (first === null || o.paidAt < first) first = o.paidAt;
  const nextResetAt = nextResetAfter(settings.reset, now, timezone);
  return PROJECTION_WINDOWS.map((days) =>
    projectTail({
      needFen: aheadFen + own,
      poolFen: queue.poolFen,
      window: rateWindow(orders, first, now, days),
      enabled: settings.enabled,
      paused: settings.paused,
      extractionBp: settings.extractionBp,
      now,
      nextResetAt,
    }),
  );
}

/** Replays one scenario in memory and reads the what-if's figures from it. */
export function replayInMemory(scenario: Scenario, to: number, onProgress?: (done: number, total: number) => void): WhatIfResult {
  const store = new MemoryQueueStore({ keepBooks: false });
  const report = replayScenario(scenario, store, onProgress);
  const queue = store.loadQueue(SCENARIO_QUEUE_ID)!;
  const tail = tailFromRows(store.entriesView(SCENARIO_QUEUE_ID), store.ordersView(SCENARIO_QUEUE_ID), queue, to, scenario.timezone);
  return whatIfResult(report, tail);
}
