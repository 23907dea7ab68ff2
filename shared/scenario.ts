/**
 * Scenario files (scenario-format.md): parsing, and the replay through the
 * real engine against any store that can run a transaction. The `simulate`
 * command runs it on the SQLite store; the manager's what-if runs it on a
 * temporary database; tests also run it on the in-memory store.
 */
import { z } from 'zod';
import { parseSettingsLayer, ISO_WITH_OFFSET, SettingsError, type SettingsLayer } from './settings';
import {
  advanceTo,
  changeSettings,
  checkout,
  complete,
  createQueue,
  draw,
  exchange,
  isValidTimezone,
  refund,
  RuleError,
  seededRandom,
  type EngineContext,
  type Entry,
  type Member,
  type Order,
  type QueueState,
  type QueueStore,
} from './engine/index';

export const SCENARIO_QUEUE_ID = 'scenario';

/** A store the replay can use: the engine's view plus transactions and whole-queue reads for the report. */
export interface ReplayStore extends QueueStore {
  transaction<T>(body: () => T): T;
  putMember(member: Member): void;
  listEntries(queueId: string): Entry[];
  listOrders(queueId: string): Order[];
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const eventTime = z.string({ error: 'each event needs "at"' }).regex(ISO_WITH_OFFSET, { error: '"at" must be ISO-8601 with an offset' });
const orderRef = z.unknown();

const eventSchema = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('checkout'), at: eventTime, id: z.unknown(), member: z.unknown(), amountFen: z.unknown(), deductionFen: z.unknown().optional(), randomReturn: z.unknown().optional() }),
    z.looseObject({ type: z.literal('complete'), at: eventTime, order: orderRef }),
    z.looseObject({ type: z.literal('refund'), at: eventTime, order: orderRef }),
    z.looseObject({ type: z.literal('draw'), at: eventTime, order: orderRef, ratioBp: z.unknown().optional() }),
    z.looseObject({ type: z.literal('exchange'), at: eventTime, order: orderRef, to: z.unknown() }),
    z.looseObject({ type: z.literal('settings'), at: eventTime, base: z.unknown().optional(), cashier: z.unknown().optional() }),
    z.looseObject({ type: z.literal('tick'), at: eventTime }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'event "type" must be checkout, complete, refund, draw, exchange, settings or tick' : undefined) },
);

const scenarioSchema = z.looseObject({
  timezone: z.string().refine(isValidTimezone, { error: 'unknown time zone' }).default('Asia/Shanghai'),
  seed: z.number().int({ error: 'seed must be a whole number' }).default(0),
  base: z.unknown().optional(),
  cashier: z.unknown().optional(),
  members: z
    .array(z.looseObject({ id: z.string().min(1).max(64), level: z.string().min(1).max(40), displayName: z.string().max(40).optional() }))
    .default([])
    .refine((members) => new Set(members.map((m) => m.id)).size === members.length, { error: 'member ids must be unique' }),
  events: z.array(eventSchema, { error: '"events" must be a list' }),
});

export type ScenarioEvent = z.infer<typeof eventSchema>;

export interface Scenario {
  timezone: string;
  seed: number;
  base: SettingsLayer;
  cashier: SettingsLayer;
  members: Member[];
  events: ScenarioEvent[];
}

/** Checks a parsed JSON value; throws `ScenarioError` naming what is wrong. Events' own values are checked at replay. */
export function parseScenario(value: unknown): Scenario {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScenarioError('a scenario must be a JSON object');
  const result = scenarioSchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ScenarioError(`not a valid scenario: ${first.join('; ')}`);
  }
  const data = result.data;
  try {
    return {
      timezone: data.timezone,
      seed: data.seed,
      base: parseSettingsLayer(data.base, 'base'),
      cashier: parseSettingsLayer(data.cashier, 'cashier'),
      members: data.members.map((m) => ({ id: m.id, level: m.level, ...(m.displayName ? { displayName: m.displayName } : {}) })),
      events: data.events,
    };
  } catch (error) {
    if (error instanceof SettingsError) throw new ScenarioError(`not a valid scenario: ${error.message}`);
    throw error;
  }
}

export function parseScenarioText(text: string): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(value);
}

export interface ScenarioReport {
  entries: {
    order: string;
    member: string | null;
    position: number;
    state: Entry['state'];
    ratioBp: number;
    rule: Entry['rule'];
    drawPending: boolean;
    entitlementFen: number;
    receivedFen: number;
    aheadFen: number;
  }[];
  orders: {
    id: string;
    member: string | null;
    amountDueFen: number;
    deductionFen: number;
    actualPaidFen: number;
    settled: boolean;
    extractedFen: number;
    paidToQueueFen: number;
    completed: boolean;
    refunded: boolean;
  }[];
  totals: {
    extractedFen: number;
    paidOutFen: number;
    undistributedFen: number;
    poolFen: number;
    owedFen: number;
    forfeitedFen: number;
    exchangedFen: number;
    pointsIssued: number;
    vouchersIssued: number;
    waitingEntries: number;
  };
  errors: { event: number; message: string }[];
}

function applyEvent(ctx: EngineContext, event: ScenarioEvent, at: number): void {
  switch (event.type) {
    case 'checkout':
      checkout(ctx, {
        orderId: event.id as string,
        at,
        memberId: (event.member ?? null) as string | null,
        amountDueFen: event.amountFen as number,
        deductionFen: (event.deductionFen ?? 0) as number,
        ...(event.randomReturn !== undefined ? { randomReturn: event.randomReturn as 'cash' | 'points' } : {}),
      });
      return;
    case 'complete':
      complete(ctx, { orderId: event.order as string, at });
      return;
    case 'refund':
      refund(ctx, { orderId: event.order as string, at });
      return;
    case 'draw':
      if (event.ratioBp !== undefined && typeof event.ratioBp !== 'number') throw new RuleError('invalid-input', 'ratioBp must be a number');
      draw(ctx, { orderId: event.order as string, at, ...(event.ratioBp !== undefined ? { ratioBp: event.ratioBp as number } : {}) });
      return;
    case 'exchange':
      exchange(ctx, { orderId: event.order as string, at, to: event.to as 'points' | 'vouchers' });
      return;
    case 'settings':
      changeSettings(ctx, { at, base: event.base, cashier: event.cashier, actor: 'scenario', source: 'scenario' });
      return;
    case 'tick':
      advanceTo(ctx, at);
      return;
  }
}

/** Replays a scenario on an empty store and reports what the engine decided. */
export function replayScenario(scenario: Scenario, store: ReplayStore, onProgress?: (done: number, total: number) => void): ScenarioReport {
  let eventNumber = 0;
  const ctx: EngineContext = {
    store,
    queueId: SCENARIO_QUEUE_ID,
    timezone: scenario.timezone,
    random: seededRandom(scenario.seed),
    newEventId: () => `scenario-event-${++eventNumber}`,
  };
  const firstAt = scenario.events.length > 0 ? Date.parse(scenario.events[0]!.at) : 0;
  store.transaction(() => {
    for (const member of scenario.members) store.putMember(member);
    createQueue(store, SCENARIO_QUEUE_ID, { base: scenario.base, cashier: scenario.cashier }, firstAt);
  });
  const errors: ScenarioReport['errors'] = [];
  const total = scenario.events.length;
  scenario.events.forEach((event, index) => {
    try {
      store.transaction(() => applyEvent(ctx, event, Date.parse(event.at)));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      errors.push({ event: index, message: error.message });
    }
    if (onProgress && (index + 1) % 2000 === 0) onProgress(index + 1, total);
  });
  return report(store, store.loadQueue(SCENARIO_QUEUE_ID)!, errors);
}

function report(store: ReplayStore, queue: QueueState, errors: ScenarioReport['errors']): ScenarioReport {
  return {
    entries: store.listEntries(queue.id).map((e) => ({
      order: e.orderId,
      member: e.memberId,
      position: e.position,
      state: e.state,
      ratioBp: e.ratioBp,
      rule: e.rule,
      drawPending: e.drawPending,
      entitlementFen: e.entitlementFen,
      receivedFen: e.receivedFen,
      aheadFen: e.aheadFen,
    })),
    orders: store.listOrders(queue.id).map((o) => ({
      id: o.id,
      member: o.memberId,
      amountDueFen: o.amountDueFen,
      deductionFen: o.deductionFen,
      actualPaidFen: o.actualPaidFen,
      settled: o.settledAt !== null,
      extractedFen: o.extractedFen,
      paidToQueueFen: o.paidToQueueFen,
      completed: o.completedAt !== null,
      refunded: o.refundedAt !== null,
    })),
    totals: queueTotals(queue),
    errors,
  };
}

/** The report's totals: the queue's own counters, named as scenario-format.md names them. */
export function queueTotals(queue: QueueState): ScenarioReport['totals'] {
  return {
    extractedFen: queue.extractedFen,
    paidOutFen: queue.paidOutFen,
    undistributedFen: queue.undistributedFen,
    poolFen: queue.poolFen,
    owedFen: queue.owedFen,
    forfeitedFen: queue.forfeitedFen,
    exchangedFen: queue.exchangedFen,
    pointsIssued: queue.pointsIssued,
    vouchersIssued: queue.vouchersIssued,
    waitingEntries: queue.waitingCount,
  };
}
