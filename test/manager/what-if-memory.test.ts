/**
 * Issue 15 §3: the what-if replays in memory (MemoryQueueStore, no SQLite).
 * Property: on generated histories — checkouts by members and walk-ins,
 * manual and automatic completions, refunds, draws, exchanges, settings
 * changes, resets, ticks, and events the engine refuses — the in-memory
 * replay gives exactly what the replay through SQLite gives: the whole
 * scenario report (every entry and order, to the fen), the refusals, the
 * books (ledger, outbox, settings audit) and the what-if's figures with the
 * tail projection the dashboard computes from SQLite.
 *
 * PROPERTY_RUNS overrides the number of histories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateOnDatabase } from '../../electron/backend/cli/simulate';
import { replayOnSqlite } from '../../electron/backend/manager/what-if';
import { openDatabase } from '../../electron/backend/store/database';
import { MemoryQueueStore } from '../../shared/engine/memory-store';
import type { Order } from '../../shared/engine/types';
import { fen } from '../../shared/money';
import { replayInMemory } from '../../shared/manager/what-if-replay';
import { parseScenario, replayScenario } from '../../shared/scenario';

const dir = mkdtempSync(join(tmpdir(), 'qrc-whatif-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (at: number) => new Date(at + 8 * HOUR).toISOString().replace('Z', '+08:00');
const MEMBERS = [
  { id: 'm1', level: 'gold' },
  { id: 'm2', level: 'silver' },
  { id: 'm3', level: 'normal' },
  { id: 'm4', level: 'normal' },
];

const bp = fc.constantFrom(0, 1000, 5000, 10_000, 12_000, 20_000);
const clock = fc.constantFrom('00:00', '03:00', '12:30', '22:00');
const layer = fc.record(
  {
    extractionBp: fc.constantFrom(0, 500, 1000, 3000, 10_000),
    defaultRatioBp: bp,
    levelRatiosBp: fc.dictionary(fc.constantFrom('gold', 'silver'), bp, { maxKeys: 2 }),
    tiers: fc.array(fc.record({ days: fc.integer({ min: 1, max: 3 }), minSpendFen: fc.integer({ min: 0, max: 30_000 }), ratioBp: bp }), { maxLength: 2 }),
    lottery: fc.oneof(fc.record({ fixedBp: fc.array(bp, { minLength: 1, maxLength: 3 }) }), fc.constant({ minBp: 1000, maxBp: 15_000 })),
    settlement: fc.constantFrom('payment', 'completion'),
    autoCompleteMinutes: fc.constantFrom(0, 5, 90, 24 * 60),
    ordering: fc.constantFrom('queue', 'completedFirst'),
    leftover: fc.constantFrom('undistributed', 'carry'),
    limits: fc.record({ perMemberPerDay: fc.integer({ min: 1, max: 4 }), perMemberTotal: fc.integer({ min: 2, max: 10 }) }, { requiredKeys: [] }),
    randomReturn: fc.constantFrom({ cashCount: 2, pointsCount: 1 }, { cashCount: 1, pointsCount: 1 }),
    exchange: fc.record({ pointsBp: bp, vouchersBp: bp }, { requiredKeys: [] }),
    reset: fc.oneof(fc.constant({ kind: 'off' }), clock.map((at) => ({ kind: 'daily', at })), fc.constant({ kind: 'weekly', weekday: 3, at: '03:00' })),
    paused: fc.constantFrom(false, false, false, true),
  },
  { requiredKeys: [] },
);

type Op =
  | { kind: 'checkout'; dt: number; member: string | null; amount: number; deduction: number; pin?: 'cash' | 'points' }
  | { kind: 'complete' | 'refund' | 'draw'; dt: number; ref: number }
  | { kind: 'exchange'; dt: number; ref: number; to: 'points' | 'vouchers' }
  | { kind: 'settings'; dt: number; cashier: Record<string, unknown> }
  | { kind: 'tick'; dt: number };

const dt = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 600 }).map((s) => s * 1000), weight: 6 }, { arbitrary: fc.integer({ min: 10, max: 600 }).map((m) => m * MINUTE), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 72 }).map((h) => h * HOUR), weight: 1 });
const ref = fc.integer({ min: 0, max: 12 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('checkout' as const),
      dt,
      member: fc.constantFrom('m1', 'm2', 'm3', 'm4', null, 'ghost'),
      amount: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 500, max: 60_000 })),
      deduction: fc.constantFrom(0, 0, 0, 100),
      pin: fc.constantFrom<('cash' | 'points')[]>('cash', 'points'),
    }, { requiredKeys: ['kind', 'dt', 'member', 'amount', 'deduction'] }),
    weight: 12,
  },
  { arbitrary: fc.record({ kind: fc.constantFrom('complete' as const, 'refund' as const, 'draw' as const), dt, ref }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('exchange' as const), dt, ref, to: fc.constantFrom('points' as const, 'vouchers' as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('settings' as const), dt, cashier: fc.subarray(['limits', 'ordering', 'autoCompleteMinutes', 'reset', 'lottery', 'defaultRatioBp', 'paused'] as const, { minLength: 1, maxLength: 2 }).chain((keys) => layer.map((l) => Object.fromEntries(keys.filter((k) => k in l).map((k) => [k, l[k]])))) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), dt }), weight: 1 },
);

/** The base always extracts and rewards something (else most histories would make no entries); the cashier layer overrides some fields. */
const base = fc.tuple(layer, fc.constantFrom(1000, 3000, 10_000), fc.constantFrom(5000, 10_000, 12_000)).map(([l, extractionBp, defaultRatioBp]) => ({ ...l, extractionBp, defaultRatioBp, paused: false }));
const cashier = fc.subarray(['limits', 'ordering', 'autoCompleteMinutes', 'reset', 'exchange', 'leftover', 'tiers'] as const, { maxLength: 3 }).chain((keys) =>
  layer.map((l) => Object.fromEntries(keys.filter((k) => k in l).map((k) => [k, l[k]]))),
);
const history = fc.record({ base, cashier, seed: fc.integer(), ops: fc.array(op, { minLength: 5, maxLength: 150, size: 'max' }) });

/** A generated history as a scenario document (the what-if's own format). */
function toScenario(h: { base: Record<string, unknown>; cashier: Record<string, unknown>; seed: number; ops: Op[] }) {
  let at = T0;
  const ids: string[] = [];
  const events = h.ops.map((o) => {
    at += o.dt;
    const named = (r: number) => ids[ids.length - 1 - r] ?? 'no-such-order';
    switch (o.kind) {
      case 'checkout': {
        const id = `o${ids.length + 1}`;
        ids.push(id);
        return { type: 'checkout', at: iso(at), id, member: o.member, amountFen: o.amount, deductionFen: Math.min(o.deduction, o.amount), ...(o.pin ? { randomReturn: o.pin } : {}) };
      }
      case 'exchange':
        return { type: 'exchange', at: iso(at), order: named(o.ref), to: o.to };
      case 'settings':
        return { type: 'settings', at: iso(at), cashier: o.cashier };
      case 'tick':
        return { type: 'tick', at: iso(at) };
      default:
        return { type: o.kind, at: iso(at), order: named(o.ref) };
    }
  });
  // The window ends a minute after the last event, as a what-if's "now": orders still pending stay pending.
  events.push({ type: 'tick', at: iso(at + MINUTE) });
  return { scenario: parseScenario({ timezone: 'Asia/Shanghai', seed: h.seed, base: h.base, cashier: h.cashier, members: MEMBERS, events }), end: at + MINUTE };
}

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
let file = 0;

describe('the in-memory what-if replay equals the SQLite replay', () => {
  it('same report, books and what-if figures (with the tail projection) on generated histories', () => {
    let refused = 0;
    let entries = 0;
    let tails = 0;
    fc.assert(
      fc.property(history, (h) => {
        const { scenario, end } = toScenario(h);
        const n = ++file;
        // The scenario report and the books: in memory (keeping its books) against the durable SQLite store.
        const memory = new MemoryQueueStore();
        const inMemory = replayScenario(scenario, memory);
        const dbFile = join(dir, `durable-${n}.db`);
        const onSqlite = simulateOnDatabase(scenario, dbFile);
        expect(inMemory).toEqual(onSqlite);
        const db = openDatabase(dbFile, { readonly: true });
        try {
          const ledger = db.prepare('SELECT kind, at, order_id AS orderId, entry_order_id AS entryOrderId, amount_fen AS amountFen, units FROM ledger ORDER BY id').all();
          expect(memory.ledger.map(({ queueId: _q, ...row }) => row)).toEqual(ledger);
          const outbox = db.prepare('SELECT event_id AS id, type, at, payload FROM outbox ORDER BY seq').all() as { payload: string }[];
          expect(memory.outbox.map(({ queueId: _q, ...e }) => e)).toEqual(outbox.map((e) => ({ ...e, payload: JSON.parse(e.payload) as unknown })));
          expect(memory.audit.length).toBe((db.prepare('SELECT count(*) AS n FROM settings_audit').get() as { n: number }).n);
        } finally {
          db.close();
        }
        // The what-if's figures: the lean in-memory replay against the fast SQLite replay with its tailView.
        const whatIfMemory = replayInMemory(scenario, end);
        const whatIfSqlite = replayOnSqlite(scenario, join(dir, `fast-${n}.db`), scenario.timezone, end);
        expect(whatIfMemory).toEqual(whatIfSqlite);
        refused += inMemory.errors.length;
        entries += inMemory.entries.length;
        if (whatIfMemory.tail.length > 0) tails += 1;
      }),
      { numRuns: RUNS },
    );
    // The generator reaches both refusals and entries (else the property says little).
    expect(refused).toBeGreaterThan(0);
    expect(entries).toBeGreaterThan(RUNS);
    expect(tails).toBeGreaterThan(0);
  }, 600_000);

  it('completed-first: the tail counts only the waiting entries of completed orders ahead of the newest', () => {
    const pay = (n: number, minutes: number) => ({ type: 'checkout', at: iso(T0 + minutes * MINUTE), id: `p${n}`, member: MEMBERS[n % 4]!.id, amountFen: 10_000 * n });
    const events = [pay(1, 0), pay(2, 1), pay(3, 2), { type: 'complete', at: iso(T0 + 3 * MINUTE), order: 'p2' }, pay(4, 4), pay(5, 5), { type: 'tick', at: iso(T0 + 6 * MINUTE) }];
    const scenario = parseScenario({ timezone: 'Asia/Shanghai', base: { extractionBp: 1000, defaultRatioBp: 10_000, ordering: 'completedFirst', autoCompleteMinutes: 600 }, cashier: {}, members: MEMBERS, events });
    const memory = replayInMemory(scenario, T0 + 6 * MINUTE);
    expect(memory).toEqual(replayOnSqlite(scenario, join(dir, 'completed-first.db'), scenario.timezone, T0 + 6 * MINUTE));
    expect(memory.tail[0]!.ordersNeeded).toBeGreaterThan(0);
  });

  it('the undo log: a nested transaction that throws undoes its updates, even of a row the outer one inserted', () => {
    const store = new MemoryQueueStore();
    const order: Order = { queueId: 'q', id: 'o1', memberId: 'm1', amountDueFen: fen(100), deductionFen: fen(0), actualPaidFen: fen(100), paidAt: T0, settlement: 'payment', settledAt: null, extractedFen: fen(0), paidToQueueFen: fen(0), completedAt: null, autoCompleteAt: T0 + MINUTE, refundedAt: null, noEntitlementReason: null };
    store.transaction(() => {
      store.insertOrder(order);
      store.updateOrder({ ...order, extractedFen: fen(10) });
      expect(() =>
        store.transaction(() => {
          store.updateOrder({ ...order, extractedFen: fen(99), completedAt: T0 });
          throw new Error('refused');
        }),
      ).toThrow('refused');
      expect(store.getOrder('q', 'o1')).toMatchObject({ extractedFen: 10, completedAt: null });
      expect(store.nextAutoCompletion('q', T0 + MINUTE)?.id).toBe('o1');
    });
    expect(() =>
      store.transaction(() => {
        store.updateOrder({ ...order, completedAt: T0 + 2 * MINUTE });
        expect(store.nextAutoCompletion('q', T0 + MINUTE)).toBeUndefined();
        throw new Error('refused');
      }),
    ).toThrow('refused');
    // Rolled back: pending again, and the completion heap gives it back.
    expect(store.nextAutoCompletion('q', T0 + MINUTE)?.id).toBe('o1');
    expect(() =>
      store.transaction(() => {
        store.insertOrder({ ...order, id: 'o2' });
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(store.listOrders('q').map((o) => o.id)).toEqual(['o1']);
  });

  it('a refused event inside the replay leaves the in-memory rows exactly as before it', () => {
    const events = [
      { type: 'checkout', at: iso(T0), id: 'a', member: 'm1', amountFen: 10_000 },
      { type: 'checkout', at: iso(T0 + MINUTE), id: 'b', member: 'm2', amountFen: 20_000 },
      // An exchange with no exchange configured, a duplicate order, a refund of an unknown order: each refused.
      { type: 'exchange', at: iso(T0 + 2 * MINUTE), order: 'a', to: 'points' },
      { type: 'checkout', at: iso(T0 + 3 * MINUTE), id: 'a', member: 'm1', amountFen: 5_000 },
      { type: 'refund', at: iso(T0 + 4 * MINUTE), order: 'zzz' },
      { type: 'checkout', at: iso(T0 + 5 * MINUTE), id: 'c', member: null, amountFen: 30_000 },
    ];
    const scenario = parseScenario({ timezone: 'Asia/Shanghai', base: { extractionBp: 1000, defaultRatioBp: 10_000, autoCompleteMinutes: 2 }, cashier: {}, members: MEMBERS, events });
    const report = replayScenario(scenario, new MemoryQueueStore());
    expect(report.errors.map((e) => e.event)).toEqual([2, 3, 4]);
    expect(report).toEqual(simulateOnDatabase(scenario, join(dir, 'refused.db')));
  });
});
