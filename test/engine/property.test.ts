/**
 * Property-based test (issue 2 §5): random sequences of checkouts,
 * completions, refunds, draws, exchanges, settings changes and clock moves
 * run through the real engine on the real SQLite store. After every step:
 *  - the invariants of queue-rebate.md §4 hold on what SQLite holds;
 *  - the engine agrees with the deliberately naive model (naive-model.ts):
 *    same refusals (by error code), same entries (state, received,
 *    entitlement, position, ratio, rule…), same orders, same totals.
 * At the end of each run `verifyDatabase` must report nothing.
 *
 * Random choices (lottery draws, unpinned random return) come from one
 * seeded stream per run; the engine and the model each get their own copy,
 * so they agree only if they draw the same numbers for the same reasons.
 *
 * Random times never land on a boundary, so some checkouts are placed on
 * one on purpose: exactly k days after an earlier order of the same member
 * (the edge of a tier window), or so that their automatic completion falls
 * on the next scheduled reset (the completion goes first). Mutating the
 * model (completed-first ignored, a limit off by one, tier window edge,
 * completion/reset order, completion rule) makes this test fail within the
 * default number of runs (the rarest, the reset tie, in most runs).
 *
 * PROPERTY_RUNS / PROPERTY_FILE_RUNS override the number of sequences. On a
 * failure the shrunk counterexample is printed as a scenario file
 * (scenario-format.md) with every random outcome pinned, ready for
 * `npm run --silent simulate`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  advanceTo,
  changeSettings,
  checkout,
  complete,
  createQueue,
  draw,
  exchange,
  refund,
  RuleError,
  type EngineContext,
  type Entry,
  type Order,
} from '../../shared/engine/index';
import { queueTotals } from '../../shared/scenario';
import { parseSettingsLayer, type SettingsLayer } from '../../shared/settings';
import { openDatabase } from '../../electron/backend/store/database';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { NaiveModel, type Layer, type LayerChange, type ModelOp, type Outcome } from './naive-model';

const QUEUE = 'prop';
const T0 = Date.parse('2026-01-05T08:00:00+08:00'); // a Monday
const MEMBERS = new Map([
  ['m1', 'gold'],
  ['m2', 'silver'],
  ['m3', 'bronze'],
]);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// ---------------------------------------------------------------------------
// Generators.

const weighted = <T>(...pairs: [fc.Arbitrary<T>, number][]) => fc.oneof(...pairs.map(([arbitrary, weight]) => ({ arbitrary, weight })));
const rewardBp = weighted([fc.constantFrom(0, 1000, 5000, 10_000, 13_000, 20_000), 3], [fc.integer({ min: 0, max: 100_000 }), 1]);
const clockTime = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const isoLocal = (at: number) => new Date(at + 8 * HOUR).toISOString().replace('Z', '+08:00');

const fieldArbs: { [K in keyof Layer]-?: fc.Arbitrary<NonNullable<Layer[K]>> } = {
  enabled: weighted([fc.constant(true), 4], [fc.constant(false), 1]),
  extractionBp: weighted([fc.constantFrom(0, 1000, 3000, 6500, 10_000), 3], [fc.integer({ min: 0, max: 10_000 }), 1]),
  defaultRatioBp: rewardBp,
  levelRatiosBp: fc.dictionary(fc.constantFrom('gold', 'silver', 'bronze', 'platinum'), rewardBp, { maxKeys: 3 }),
  tiers: fc.array(fc.record({ days: fc.integer({ min: 1, max: 3 }), minSpendFen: fc.integer({ min: 0, max: 30_000 }), ratioBp: rewardBp }), { maxLength: 3 }),
  lottery: fc.oneof(
    fc.record({ fixedBp: fc.array(rewardBp, { minLength: 1, maxLength: 4 }) }),
    fc.tuple(rewardBp, rewardBp).map(([a, b]) => ({ minBp: Math.min(a, b), maxBp: Math.max(a, b) })),
  ),
  settlement: fc.constantFrom('payment', 'completion'),
  autoCompleteMinutes: weighted([fc.constant(0), 1], [fc.integer({ min: 1, max: 24 * 60 }), 3]),
  ordering: fc.constantFrom('queue', 'completedFirst'),
  deductionRule: fc.constantFrom('participates', 'excluded'),
  leftover: fc.constantFrom('undistributed', 'carry'),
  windows: fc.array(
    fc.tuple(clockTime, clockTime).filter(([a, b]) => a !== b).map(([from, to]) => ({ from, to })),
    { maxLength: 2 },
  ),
  limits: fc.record({ perMemberPerDay: fc.integer({ min: 0, max: 3 }), perMemberTotal: fc.integer({ min: 0, max: 6 }) }, { requiredKeys: [] }),
  randomReturn: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).filter(([c, p]) => c + p > 0).map(([cashCount, pointsCount]) => ({ cashCount, pointsCount })),
  exchange: fc.record({ pointsBp: rewardBp, vouchersBp: rewardBp }, { requiredKeys: [] }),
  reset: fc.oneof(
    fc.constant({ kind: 'off' as const }),
    clockTime.map((at) => ({ kind: 'daily' as const, at })),
    fc.tuple(fc.integer({ min: 1, max: 7 }), clockTime).map(([weekday, at]) => ({ kind: 'weekly' as const, weekday, at })),
    fc.tuple(fc.integer({ min: 1, max: 28 }), clockTime).map(([day, at]) => ({ kind: 'monthly' as const, day, at })),
    fc.integer({ min: 0, max: 12 * 24 }).map((h) => ({ kind: 'once' as const, at: isoLocal(T0 + h * HOUR) })),
  ),
  paused: weighted([fc.constant(false), 4], [fc.constant(true), 1]),
};
const FIELDS = Object.keys(fieldArbs) as (keyof Layer)[];

/** A change of 1–3 fields, each set to a value or (sometimes) unset with null. */
const layerChange: fc.Arbitrary<LayerChange> = fc.subarray(FIELDS, { minLength: 1, maxLength: 3 }).chain((fields) =>
  fc.record(Object.fromEntries(fields.map((f) => [f, weighted([fieldArbs[f] as fc.Arbitrary<unknown>, 4], [fc.constant(null), 1])])) as Record<string, fc.Arbitrary<unknown>>),
) as fc.Arbitrary<LayerChange>;

/** Values the spec refuses; the model is told they are invalid (`invalid: true`), the engine must refuse them. */
const invalidChange: fc.Arbitrary<Record<string, unknown>> = fc.constantFrom<Record<string, unknown>>(
  { extractionBp: 10_001 },
  { extractionBp: 12.5 },
  { defaultRatioBp: 100_001 },
  { defaultRatioBp: -1 },
  { windows: [{ from: '10:00', to: '10:00' }] },
  { lottery: { minBp: 500, maxBp: 100 } },
  { lottery: { fixedBp: [] } },
  { randomReturn: { cashCount: 0, pointsCount: 0 } },
  { tiers: [{ days: 0, minSpendFen: 0, ratioBp: 100 }] },
  { reset: { kind: 'weekly', weekday: 8, at: '00:00' } },
  { reset: { kind: 'daily', at: '24:00' } },
  { autoCompleteMinutes: -1 },
  { limits: { perMemberPerDay: 1.5 } },
  { settlement: 'later' },
);

const initialLayer = (required: Partial<Record<keyof Layer, fc.Arbitrary<unknown>>>) =>
  fc.subarray(FIELDS, { maxLength: 4 }).chain((fields) =>
    fc.record({ ...Object.fromEntries(fields.map((f) => [f, fieldArbs[f] as fc.Arbitrary<unknown>])), ...required } as Record<string, fc.Arbitrary<unknown>>),
  ) as fc.Arbitrary<Layer>;

/** Time between operations: mostly seconds to minutes, sometimes hours, now and then days (resets, auto-completion). */
const dt = weighted(
  [fc.integer({ min: 1, max: 600 }).map((s) => s * SECOND), 6],
  [fc.integer({ min: 10, max: 6 * 60 }).map((m) => m * MINUTE), 3],
  [fc.integer({ min: 1, max: 3 * 24 }).map((h) => h * HOUR), 1],
);
/** Which earlier order an operation names: 0 = the newest; past the oldest = an unknown order. */
const ref = weighted([fc.integer({ min: 0, max: 4 }), 4], [fc.integer({ min: 0, max: 40 }), 1]);
const amount = weighted(
  [fc.integer({ min: 1, max: 500 }), 2],
  [fc.integer({ min: 500, max: 50_000 }), 4],
  [fc.constantFrom(10_000, 16_800), 2],
  [fc.integer({ min: 50_000, max: 1_000_000_000 }), 1],
);

type GenOp =
  | {
      kind: 'checkout';
      dt: number;
      member: string | null;
      amount: number;
      deduction: 'none' | 'part' | 'all';
      part: number;
      pin: 'cash' | 'points' | undefined;
      odd: 'none' | 'duplicate' | 'zero' | 'too-big' | 'fraction' | 'over-deduct' | 'backwards';
      /** Boundaries random times never hit: exactly k days after an earlier order (tier windows), or
       * paid so that its automatic completion falls on the next reset instant (which goes first). */
      align: { kind: 'none' } | { kind: 'days-after'; ref: number; days: number } | { kind: 'reset-tie' };
    }
  | { kind: 'complete' | 'refund'; dt: number; ref: number }
  | { kind: 'draw'; dt: number; ref: number; fixed: 'random' | 'allowed' | 'disallowed'; pick: number }
  | { kind: 'exchange'; dt: number; ref: number; to: 'points' | 'vouchers' }
  | { kind: 'settings'; dt: number; base?: LayerChange; cashier?: LayerChange; invalid?: Record<string, unknown> }
  | { kind: 'tick'; dt: number };

const genOp: fc.Arbitrary<GenOp> = weighted<GenOp>(
  [
    fc.record({
      kind: fc.constant('checkout' as const),
      dt,
      member: weighted<string | null>([fc.constantFrom('m1', 'm2', 'm3'), 14], [fc.constant(null), 4], [fc.constant('ghost'), 1]),
      amount,
      deduction: weighted([fc.constant('none' as const), 6], [fc.constant('part' as const), 2], [fc.constant('all' as const), 1]),
      part: fc.integer({ min: 1, max: 99 }),
      pin: weighted<'cash' | 'points' | undefined>([fc.constant(undefined), 3], [fc.constantFrom('cash' as const, 'points' as const), 1]),
      odd: weighted(
        [fc.constant('none' as const), 40],
        [fc.constantFrom('duplicate' as const, 'zero' as const, 'too-big' as const, 'fraction' as const, 'over-deduct' as const, 'backwards' as const), 1],
      ),
      align: weighted<{ kind: 'none' } | { kind: 'days-after'; ref: number; days: number } | { kind: 'reset-tie' }>(
        [fc.constant({ kind: 'none' as const }), 8],
        [fc.record({ kind: fc.constant('days-after' as const), ref: fc.integer({ min: 0, max: 6 }), days: fc.integer({ min: 1, max: 3 }) }), 2],
        [fc.constant({ kind: 'reset-tie' as const }), 2],
      ),
    }),
    12,
  ],
  [fc.record({ kind: fc.constantFrom('complete' as const, 'refund' as const), dt, ref }), 5],
  [fc.record({ kind: fc.constant('draw' as const), dt, ref, fixed: fc.constantFrom('random' as const, 'allowed' as const, 'disallowed' as const), pick: fc.nat(100) }), 3],
  [fc.record({ kind: fc.constant('exchange' as const), dt, ref, to: fc.constantFrom('points' as const, 'vouchers' as const) }), 2],
  [
    weighted<GenOp>(
      [fc.record({ kind: fc.constant('settings' as const), dt, cashier: layerChange }), 3],
      [fc.record({ kind: fc.constant('settings' as const), dt, base: layerChange }), 2],
      [fc.record({ kind: fc.constant('settings' as const), dt, base: layerChange, cashier: layerChange }), 1],
      [fc.record({ kind: fc.constant('settings' as const), dt, invalid: invalidChange }), 1],
    ),
    3,
  ],
  [fc.record({ kind: fc.constant('tick' as const), dt }), 2],
);

const runArb = fc.record({
  base: initialLayer({ extractionBp: fieldArbs.extractionBp, defaultRatioBp: fieldArbs.defaultRatioBp }),
  cashier: initialLayer({}),
  seed: fc.integer(),
  ops: fc.array(genOp, { minLength: 10, maxLength: 80, size: 'max' }),
});

// ---------------------------------------------------------------------------
// Running one sequence.

/** The same stream of random numbers for the engine and the model (mulberry32). */
function stream(seed: number): (maxExclusive: number) => number {
  let a = seed >>> 0;
  return (maxExclusive) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % maxExclusive);
  };
}

/** The instant an aligned checkout happens (never before `at`, so time still only moves forward). */
function aligned(align: Extract<GenOp, { kind: 'checkout' }>['align'], at: number, orderIds: string[], model: NaiveModel): number {
  if (align.kind === 'days-after') {
    const earlier = model.orders.find((o) => o.id === orderIds[orderIds.length - 1 - align.ref]);
    const target = earlier ? earlier.paidAt + align.days * 24 * HOUR : at;
    return target >= at ? target : at;
  }
  if (align.kind === 'reset-tie') {
    const { reset, autoCompleteMinutes } = model.effective();
    if (autoCompleteMinutes === undefined || autoCompleteMinutes === 0) return at;
    const from = at + autoCompleteMinutes * MINUTE;
    let next: number | null = null;
    for (let d = 0; d <= 35 && next === null; d++) {
      const r = model.latestReset(reset, from + d * 24 * HOUR);
      if (r !== null && r > from) next = r;
    }
    // The first reset after `from`: walk back from the first day that has one.
    if (next !== null) {
      for (let r = model.latestReset(reset, next - 1); r !== null && r > from; r = model.latestReset(reset, r - 1)) next = r;
      return next - autoCompleteMinutes * MINUTE;
    }
  }
  return at;
}

/** Turns generated choices into a concrete operation, given the orders placed so far. */
function concretize(op: GenOp, at: number, orderIds: string[], nextId: () => string, model: NaiveModel): ModelOp {
  const named = (r: number) => orderIds[orderIds.length - 1 - r] ?? 'no-such-order';
  switch (op.kind) {
    case 'checkout': {
      let amountFen = op.amount;
      let deductionFen = op.deduction === 'none' ? 0 : op.deduction === 'all' ? amountFen : Math.floor((amountFen * op.part) / 100);
      let id = nextId();
      let when = aligned(op.align, at, orderIds, model);
      if (op.odd === 'duplicate' && orderIds.length > 0) id = orderIds[0]!;
      if (op.odd === 'zero') amountFen = 0;
      if (op.odd === 'too-big') amountFen = 1_000_000_001;
      if (op.odd === 'fraction') amountFen += 0.5;
      if (op.odd === 'over-deduct') deductionFen = amountFen + 1;
      if (op.odd === 'backwards') when = at - 2 * HOUR;
      // Exactly k days after a member's order: the same member, so the tier window's edge matters.
      let member = op.member;
      const align = op.align;
      if (align.kind === 'days-after' && member !== 'ghost') member = model.orders.find((o) => o.id === orderIds[orderIds.length - 1 - align.ref])?.memberId ?? member;
      return { type: 'checkout', at: when, id, member, amountFen, deductionFen, ...(op.pin ? { randomReturn: op.pin } : {}) };
    }
    case 'complete':
    case 'refund':
      return { type: op.kind, at, order: named(op.ref) };
    case 'draw': {
      const order = named(op.ref);
      if (op.fixed === 'random') return { type: 'draw', at, order };
      const lottery = model.entries.find((e) => e.orderId === order)?.lottery;
      const allowed = lottery ? ('fixedBp' in lottery ? lottery.fixedBp[op.pick % lottery.fixedBp.length]! : lottery.minBp + (op.pick % (lottery.maxBp - lottery.minBp + 1))) : 5000;
      const disallowed = lottery ? ('fixedBp' in lottery ? Math.max(...lottery.fixedBp) + 1 : lottery.maxBp + 1) : 100_001;
      return { type: 'draw', at, order, ratioBp: op.fixed === 'allowed' ? allowed : disallowed };
    }
    case 'exchange':
      return { type: 'exchange', at, order: named(op.ref), to: op.to };
    case 'settings':
      if (op.invalid) return { type: 'settings', at, cashier: op.invalid as LayerChange, invalid: true };
      return { type: 'settings', at, ...(op.base ? { base: op.base } : {}), ...(op.cashier ? { cashier: op.cashier } : {}) };
    case 'tick':
      return { type: 'tick', at };
  }
}

function applyToEngine(ctx: EngineContext, op: ModelOp): void {
  switch (op.type) {
    case 'checkout':
      checkout(ctx, { orderId: op.id, at: op.at, memberId: op.member, amountDueFen: op.amountFen, deductionFen: op.deductionFen, ...(op.randomReturn ? { randomReturn: op.randomReturn } : {}) });
      return;
    case 'complete':
      complete(ctx, { orderId: op.order, at: op.at });
      return;
    case 'refund':
      refund(ctx, { orderId: op.order, at: op.at });
      return;
    case 'draw':
      draw(ctx, { orderId: op.order, at: op.at, ...(op.ratioBp !== undefined ? { ratioBp: op.ratioBp } : {}) });
      return;
    case 'exchange':
      exchange(ctx, { orderId: op.order, at: op.at, to: op.to });
      return;
    case 'settings':
      changeSettings(ctx, { at: op.at, ...(op.base ? { base: op.base } : {}), ...(op.cashier ? { cashier: op.cashier } : {}), actor: 'property-test', source: 'manager' });
      return;
    case 'tick':
      advanceTo(ctx, op.at);
      return;
  }
}

/** The counterexample as a scenario file, every random outcome pinned. */
function toScenario(base: Layer, cashier: Layer, ops: { op: ModelOp; outcome: Outcome }[]): string {
  const events = ops.map(({ op, outcome }) => {
    const at = isoLocal(op.at);
    switch (op.type) {
      case 'checkout': {
        const pinned = op.randomReturn ?? (outcome.ok ? outcome.randomReturn : undefined);
        return { type: 'checkout', id: op.id, at, member: op.member, amountFen: op.amountFen, deductionFen: op.deductionFen, ...(pinned ? { randomReturn: pinned } : {}) };
      }
      case 'draw': {
        const ratioBp = op.ratioBp ?? (outcome.ok ? outcome.drawnBp : undefined);
        return { type: 'draw', order: op.order, at, ...(ratioBp !== undefined ? { ratioBp } : {}) };
      }
      case 'settings':
        return { type: 'settings', at, ...(op.base ? { base: op.base } : {}), ...(op.cashier ? { cashier: op.cashier } : {}) };
      case 'tick':
        return { type: 'tick', at };
      default:
        return { ...op, at };
    }
  });
  return JSON.stringify({ timezone: 'Asia/Shanghai', seed: 1, base, cashier, members: [...MEMBERS].map(([id, level]) => ({ id, level })), events });
}

interface EngineView {
  entries: Entry[];
  orders: Order[];
}

/** §4 invariants on what the database holds, plus "nothing finished receives again" against the step before. */
function checkInvariants(store: SqliteQueueStore, before: EngineView | null): EngineView {
  const queue = store.loadQueue(QUEUE)!;
  const entries = store.listEntries(QUEUE);
  const orders = store.listOrders(QUEUE);
  expect(queue.extractedFen, 'Σ extracted = Σ paid out + undistributed + pool').toBe(queue.paidOutFen + queue.undistributedFen + queue.poolFen);
  expect(entries.reduce((s, e) => s + e.receivedFen, 0), 'Σ received = Σ paid out').toBe(queue.paidOutFen);
  const waiting = entries.filter((e) => e.state === 'waiting');
  expect(queue.owedFen, 'owed = Σ remaining of waiting entries').toBe(waiting.reduce((s, e) => s + e.entitlementFen - e.receivedFen, 0));
  expect(queue.waitingCount).toBe(waiting.length);
  for (const e of entries) {
    const where = `entry of ${e.orderId} (${e.state} ${e.receivedFen}/${e.entitlementFen})`;
    expect(e.receivedFen >= 0 && e.receivedFen <= e.entitlementFen, `${where}: 0 ≤ received ≤ entitlement`).toBe(true);
    if (e.state === 'completed') expect(e.receivedFen, `${where}: completed ⇒ received = entitlement`).toBe(e.entitlementFen);
    // received = entitlement ⇒ completed, except where nothing was ever owed (a lottery entry at 0 % before its draw, or finished at 0).
    if (e.receivedFen === e.entitlementFen && e.state !== 'completed') {
      expect(e.entitlementFen, `${where}: fully repaid but not completed`).toBe(0);
      if (e.state === 'waiting') expect(e.drawPending, `${where}: waiting at 0 without a pending draw`).toBe(true);
    }
  }
  if (before) {
    for (const old of before.entries) {
      if (old.state === 'waiting') continue;
      const now = entries.find((e) => e.orderId === old.orderId)!;
      expect({ state: now.state, receivedFen: now.receivedFen }, `finished entry of ${old.orderId} changed`).toEqual({ state: old.state, receivedFen: old.receivedFen });
    }
  }
  return { entries, orders };
}

function compareWithModel(store: SqliteQueueStore, model: NaiveModel, view: EngineView): void {
  const queue = store.loadQueue(QUEUE)!;
  expect(
    view.entries.map((e) => ({ order: e.orderId, state: e.state, receivedFen: e.receivedFen, entitlementFen: e.entitlementFen, position: e.position, aheadFen: e.aheadFen, ratioBp: e.ratioBp, rule: e.rule, drawPending: e.drawPending })),
    'entries',
  ).toEqual(
    model.entries.map((e) => ({ order: e.orderId, state: e.state, receivedFen: e.receivedFen, entitlementFen: e.entitlementFen, position: e.position, aheadFen: e.aheadFen, ratioBp: e.ratioBp, rule: e.rule, drawPending: e.drawPending })),
  );
  const orderView = (o: Order | NaiveModel['orders'][number]) => ({
    id: o.id,
    actualPaidFen: o.actualPaidFen,
    settlement: o.settlement,
    settledAt: o.settledAt,
    extractedFen: o.extractedFen,
    paidToQueueFen: o.paidToQueueFen,
    completedAt: o.completedAt,
    autoCompleteAt: o.autoCompleteAt,
    refundedAt: o.refundedAt,
    noEntitlementReason: o.noEntitlementReason,
  });
  expect(view.orders.map(orderView), 'orders').toEqual(model.orders.map(orderView));
  expect(queueTotals(queue), 'totals').toEqual(model.totals());
}

interface RunInput {
  base: Layer;
  cashier: Layer;
  seed: number;
  ops: GenOp[];
}

let lastFailure: string | null = null;
/** fc.assert, printing the shrunk counterexample as a scenario file when it fails. */
function assertProperty(property: fc.IProperty<[RunInput]>, numRuns: number): void {
  lastFailure = null;
  try {
    fc.assert(property, { numRuns });
  } catch (error) {
    if (lastFailure) process.stderr.write(`\nproperty failure; the shrunk sequence as a scenario (random outcomes pinned):\n${lastFailure}\n`);
    throw error;
  }
}

const stats = { runs: 0, steps: 0, refused: 0, byType: new Map<string, number>(), codes: new Map<string, number>(), states: new Map<string, number>() };
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

function runSequence(input: RunInput, dbFile: string): void {
  const db = openDatabase(dbFile);
  const log: { op: ModelOp; outcome: Outcome }[] = [];
  try {
    const store = new SqliteQueueStore(db);
    const base = parseSettingsLayer(input.base) as Layer;
    const cashier = parseSettingsLayer(input.cashier) as Layer;
    store.transaction(() => {
      for (const [id, level] of MEMBERS) store.putMember({ id, level }, 'local', T0);
      createQueue(store, QUEUE, { base: base as SettingsLayer, cashier: cashier as SettingsLayer }, T0);
    });
    let eventNumber = 0;
    const ctx: EngineContext = { store, queueId: QUEUE, timezone: 'Asia/Shanghai', random: { int: stream(input.seed) }, newEventId: () => `prop-${++eventNumber}` };
    const model = new NaiveModel(base, cashier, T0, MEMBERS, stream(input.seed));
    const orderIds: string[] = [];
    let n = 0;
    let now = T0;
    let view: EngineView | null = null;
    try {
      for (const gen of input.ops) {
        now += gen.dt;
        const op = concretize(gen, now, orderIds, () => `o${++n}`, model);
        if (op.at > now) now = op.at;
        const expected = model.apply(op);
        let actual: Outcome;
        try {
          store.transaction(() => applyToEngine(ctx, op));
          actual = { ok: true };
        } catch (error) {
          if (!(error instanceof RuleError)) throw error;
          actual = { ok: false, code: error.code };
        }
        log.push({ op, outcome: expected });
        if (op.type === 'checkout' && !orderIds.includes(op.id) && model.orders.some((o) => o.id === op.id)) orderIds.push(op.id);
        expect(actual.ok ? 'done' : `refused: ${actual.code}`, `step ${log.length} (${op.type})`).toBe(expected.ok ? 'done' : `refused: ${expected.code}`);
        view = checkInvariants(store, view);
        compareWithModel(store, model, view);
        stats.steps += 1;
        bump(stats.byType, op.type);
        if (!expected.ok) {
          stats.refused += 1;
          bump(stats.codes, expected.code);
        }
      }
      for (const e of model.entries) bump(stats.states, e.state);
      expect(verifyDatabase(db)).toEqual([]);
      stats.runs += 1;
    } catch (error) {
      // Shrinking fails many times; the last failure is the smallest counterexample.
      lastFailure = toScenario(base, cashier, log);
      throw error;
    }
  } finally {
    db.close();
  }
}

afterAll(() => {
  // Coverage of the generated sequences, so a generator that stops producing something is noticed.
  process.stdout.write(
    `property runs: ${stats.runs}, steps: ${stats.steps}, refused: ${stats.refused}\n` +
      `  ops: ${JSON.stringify(Object.fromEntries(stats.byType))}\n  refusals: ${JSON.stringify(Object.fromEntries(stats.codes))}\n` +
      `  final entry states: ${JSON.stringify(Object.fromEntries(stats.states))}\n`,
  );
});

describe('the SQLite-backed engine agrees with the naive model and keeps the invariants', () => {
  it('on an in-memory database', () => {
    assertProperty(
      fc.property(runArb, (input) => runSequence(input, ':memory:')),
      Number(process.env['PROPERTY_RUNS'] ?? 200),
    );
  }, 120_000);

  const dir = mkdtempSync(join(tmpdir(), 'qrc-property-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on a real database file (WAL, synchronous=FULL)', () => {
    let k = 0;
    assertProperty(
      fc.property(runArb, (input) => runSequence(input, join(dir, `run-${++k}.db`))),
      Number(process.env['PROPERTY_FILE_RUNS'] ?? 10),
    );
  }, 120_000);
});
