/**
 * One test (or a few) per rule of queue-rebate.md §2–§6 and docs/rules.md,
 * each replaying a small scenario through the real engine on the in-memory
 * store. Expected figures are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { MemoryQueueStore } from '../../shared/engine/index';
import { parseScenario, replayScenario } from '../../shared/scenario';
import { at, entry, MEMBERS, order, pay, run } from '../support/scenario-helpers';

const TEN_PERCENT = { defaultRatioBp: 10000, extractionBp: 1000 };

describe('§2 money: floor rounding to the fen', () => {
  it('rounds extraction and entitlement down', () => {
    // 999 × 10 % = 99.9 → 99; 999 × 133.33 % = 1331.97 → 1331
    const r = run({ base: { extractionBp: 1000 }, cashier: { defaultRatioBp: 13333 }, events: [pay('o1', '10:00', 999)] });
    expect(order(r, 'o1').extractedFen).toBe(99);
    expect(entry(r, 'o1').entitlementFen).toBe(1331);
  });

  it('keeps exact integers at the largest payment and ratio', () => {
    // 10,000,000.00 yuan × 1000 % = 10^10 fen, beyond 2^32 but exact.
    const r = run({ cashier: { defaultRatioBp: 100000, extractionBp: 9999 }, events: [pay('o1', '10:00', 1_000_000_000)] });
    expect(entry(r, 'o1').entitlementFen).toBe(10_000_000_000);
    expect(order(r, 'o1').extractedFen).toBe(999_900_000);
  });
});

describe('§4 distribution', () => {
  it('seed example: A gets 10.00 from each of B, C and D', () => {
    const r = run({ base: TEN_PERCENT, events: [pay('A', '10:00', 10000, 'm1'), pay('B', '10:01', 10000, 'm2'), pay('C', '10:02', 10000, 'm3'), pay('D', '10:03', 10000, 'm4')] });
    expect(entry(r, 'A').receivedFen).toBe(3000);
    expect(entry(r, 'B').receivedFen).toBe(0);
    // A's own 10.00 found nobody ahead of it.
    expect(r.totals.undistributedFen).toBe(1000);
  });

  it('seed example 2: 168.00 at 130 % / 65 % is repaid after two later orders', () => {
    const r = run({ cashier: { defaultRatioBp: 13000, extractionBp: 6500 }, events: [pay('o1', '11:00', 16800), pay('o2', '11:01', 16800, 'm2'), pay('o3', '11:02', 16800, 'm3')] });
    expect(entry(r, 'o1')).toMatchObject({ entitlementFen: 21840, receivedFen: 21840, state: 'completed' });
    expect(order(r, 'o2').extractedFen).toBe(10920);
  });

  it('a payment larger than the head entry needs flows on to the next entry in the same step', () => {
    // o1, o2 earn 100.00 each; o2 pays o1 10.00; o3 pays 1500.00 at 10 % = 150.00: the 90.00 o1 still
    // needs (completed), then 60.00 to o2.
    const r = run({ base: TEN_PERCENT, events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), pay('o3', '10:02', 150000, 'm3')] });
    expect(entry(r, 'o1')).toMatchObject({ receivedFen: 10000, state: 'completed' });
    expect(entry(r, 'o2')).toMatchObject({ receivedFen: 6000, state: 'waiting' });
    // o3 joins behind o2 only: position 2.
    expect(entry(r, 'o3').position).toBe(2);
  });

  it('R6: an order never pays its own entry, even when it is the only one waiting', () => {
    const r = run({ base: TEN_PERCENT, events: [pay('o1', '10:00', 10000)] });
    expect(entry(r, 'o1').receivedFen).toBe(0);
    expect(r.totals).toMatchObject({ extractedFen: 1000, paidOutFen: 0, undistributedFen: 1000 });
  });

  it('walk-in customers earn nothing but still pay the line', () => {
    const r = run({ base: TEN_PERCENT, events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, null)] });
    expect(r.entries.map((e) => e.order)).toEqual(['o1']);
    expect(entry(r, 'o1').receivedFen).toBe(1000);
  });

  it('carry over: the leftover goes to the pool and is added to the next settled order', () => {
    const r = run({ base: { ...TEN_PERCENT, leftover: 'carry' }, events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2')] });
    // o1's 10.00 → pool; o2's 10.00 + pool 10.00 → o1.
    expect(entry(r, 'o1').receivedFen).toBe(2000);
    expect(r.totals).toMatchObject({ extractedFen: 2000, paidOutFen: 2000, poolFen: 0, undistributedFen: 0 });
  });

  it('pause: entries still join, nothing is paid, the share goes to the leftover account', () => {
    const r = run({ base: { ...TEN_PERCENT, paused: true }, events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2')] });
    expect(r.entries).toHaveLength(2);
    expect(r.totals).toMatchObject({ paidOutFen: 0, undistributedFen: 2000 });
  });

  it('R9: a pool carried while paused reaches the line when rewards resume', () => {
    const r = run({
      base: { ...TEN_PERCENT, paused: true, leftover: 'carry' },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'settings', at: at('10:05'), base: { paused: null } }, pay('o3', '10:06', 10000, 'm3')],
    });
    // pool 20.00 after two paused orders; o3's 10.00 + 20.00 → o1.
    expect(entry(r, 'o1').receivedFen).toBe(3000);
    expect(r.totals.poolFen).toBe(0);
  });

  it('R4: disabled — nothing earned, nothing extracted', () => {
    const r = run({ base: { ...TEN_PERCENT, enabled: false }, events: [pay('o1', '10:00', 10000)] });
    expect(r.entries).toHaveLength(0);
    expect(order(r, 'o1')).toMatchObject({ settled: true, extractedFen: 0 });
  });
});

describe('§5 the priority chain', () => {
  it('cashier level ratio beats base level ratio; a level without a ratio falls to the default', () => {
    const r = run({
      base: { levelRatiosBp: { gold: 5000 } },
      cashier: { levelRatiosBp: { gold: 8000 } },
      events: [pay('o1', '10:00', 10000, 'm1'), pay('o2', '10:01', 10000, 'm4')],
    });
    expect(entry(r, 'o1')).toMatchObject({ rule: 'cashier.level', ratioBp: 8000, entitlementFen: 8000 });
    expect(entry(r, 'o2')).toMatchObject({ rule: 'base.default', ratioBp: 10000 });
  });

  it('base level ratio applies when the register has none for that level', () => {
    const r = run({ base: { levelRatiosBp: { gold: 5000 } }, cashier: { levelRatiosBp: { normal: 3000 }, tiers: [{ days: 1, minSpendFen: 0, ratioBp: 9000 }] }, events: [pay('o1', '10:00', 10000, 'm1')] });
    expect(entry(r, 'o1')).toMatchObject({ rule: 'base.level', ratioBp: 5000 });
  });

  it('cumulative-spend tiers: the highest qualifying tier over settled spend, this order excluded', () => {
    const tiers = [
      { days: 7, minSpendFen: 20000, ratioBp: 15000 },
      { days: 30, minSpendFen: 10000, ratioBp: 12000 },
    ];
    const events = [
      { type: 'checkout', id: 'o1', at: at('10:00', 5), member: 'm4', amountFen: 10000 },
      { type: 'checkout', id: 'o2', at: at('10:00', 6), member: 'm4', amountFen: 10000 },
      { type: 'checkout', id: 'o3', at: at('10:00', 7), member: 'm4', amountFen: 10000 },
    ];
    const r = run({ cashier: { tiers }, events });
    expect(entry(r, 'o1')).toMatchObject({ rule: 'base.default', ratioBp: 10000 });
    expect(entry(r, 'o2')).toMatchObject({ rule: 'cashier.tiers', ratioBp: 12000 }); // 100.00 in 30 days
    expect(entry(r, 'o3')).toMatchObject({ rule: 'cashier.tiers', ratioBp: 15000 }); // 200.00 in 7 days
  });

  it('tiers ignore refunded orders and orders older than the window', () => {
    const tiers = [{ days: 1, minSpendFen: 10000, ratioBp: 15000 }];
    const events = [
      { type: 'checkout', id: 'o1', at: at('10:00', 5), member: 'm4', amountFen: 10000 },
      { type: 'checkout', id: 'o2', at: at('10:00', 6), member: 'm4', amountFen: 10000 }, // exactly 24 h later: o1 is outside (open window)
      { type: 'refund', order: 'o2', at: at('10:30', 6) },
      { type: 'checkout', id: 'o3', at: at('11:00', 6), member: 'm4', amountFen: 10000 }, // o2 refunded, o1 too old
    ];
    const r = run({ cashier: { tiers }, events });
    expect(entry(r, 'o2').rule).toBe('base.default');
    expect(entry(r, 'o3').rule).toBe('base.default');
  });

  it('tiers count only settled orders (settlement on completion)', () => {
    const r = run({
      base: { settlement: 'completion' },
      cashier: { tiers: [{ days: 7, minSpendFen: 10000, ratioBp: 15000 }] },
      events: [pay('o1', '10:00', 10000, 'm4'), pay('o2', '10:01', 10000, 'm4'), { type: 'complete', order: 'o1', at: at('10:02') }, pay('o3', '10:03', 10000, 'm4')],
    });
    expect(entry(r, 'o2').rule).toBe('base.default');
    expect(entry(r, 'o3').rule).toBe('cashier.tiers');
  });

  it('lottery: the entry starts at the default ratio, draws once, and the entitlement is recomputed', () => {
    const r = run({
      cashier: { lottery: { fixedBp: [1000, 2000, 5000] }, defaultRatioBp: 3000 },
      events: [pay('o1', '10:00', 10000, 'm4'), { type: 'draw', order: 'o1', at: at('10:01'), ratioBp: 5000 }, { type: 'draw', order: 'o1', at: at('10:02'), ratioBp: 2000 }],
    });
    expect(entry(r, 'o1')).toMatchObject({ rule: 'cashier.lottery', ratioBp: 5000, entitlementFen: 5000, drawPending: false });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.event).toBe(2);
  });

  it('lottery: an undrawn entry shows the lottery rule, the default ratio and drawPending', () => {
    const r = run({ base: { lottery: { minBp: 1000, maxBp: 2000 } }, events: [pay('o1', '10:00', 10000, 'm4')] });
    expect(entry(r, 'o1')).toMatchObject({ rule: 'base.lottery', ratioBp: 10000, entitlementFen: 10000, drawPending: true });
  });

  it('R18: a fixed draw must be an outcome the lottery allows; a range allows any whole bp inside it', () => {
    const r = run({
      base: { lottery: { minBp: 1000, maxBp: 2000 } },
      events: [pay('o1', '10:00', 10000, 'm4'), { type: 'draw', order: 'o1', at: at('10:01'), ratioBp: 2500 }, { type: 'draw', order: 'o1', at: at('10:02'), ratioBp: 1234 }],
    });
    expect(r.errors.map((e) => e.event)).toEqual([1]);
    expect(entry(r, 'o1')).toMatchObject({ ratioBp: 1234, entitlementFen: 1234 });
  });

  it('a random draw lands on one of the fixed outcomes', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = run({ seed, cashier: { lottery: { fixedBp: [1000, 2000, 5000] } }, events: [pay('o1', '10:00', 10000, 'm4'), { type: 'draw', order: 'o1', at: at('10:01') }] });
      expect([1000, 2000, 5000]).toContain(entry(r, 'o1').ratioBp);
      expect(entry(r, 'o1').entitlementFen).toBe(entry(r, 'o1').ratioBp);
    }
  });

  it('R10/R16: an entry that received a payout can no longer draw', () => {
    const r = run({
      base: { ...TEN_PERCENT, lottery: { fixedBp: [5000] } },
      events: [pay('o1', '10:00', 10000, 'm4'), pay('o2', '10:01', 10000, null), { type: 'draw', order: 'o1', at: at('10:02'), ratioBp: 5000 }],
    });
    expect(r.errors.map((e) => e.event)).toEqual([2]);
    expect(entry(r, 'o1')).toMatchObject({ receivedFen: 1000, ratioBp: 10000, drawPending: true });
  });

  it('a draw on an entry that is not a lottery entry is refused', () => {
    const r = run({ events: [pay('o1', '10:00', 10000), { type: 'draw', order: 'o1', at: at('10:01'), ratioBp: 5000 }] });
    expect(r.errors).toHaveLength(1);
  });

  it('R1/R17: a lottery that may still pay joins at zero; drawing zero completes it', () => {
    const r = run({
      cashier: { defaultRatioBp: 0, lottery: { fixedBp: [0, 20000] } },
      events: [pay('o1', '10:00', 10000, 'm4'), pay('o2', '10:01', 10000, 'm5'), { type: 'draw', order: 'o1', at: at('10:02'), ratioBp: 0 }, { type: 'draw', order: 'o2', at: at('10:03'), ratioBp: 20000 }],
    });
    expect(entry(r, 'o1')).toMatchObject({ state: 'completed', entitlementFen: 0 });
    expect(entry(r, 'o2')).toMatchObject({ state: 'waiting', entitlementFen: 20000 });
    expect(r.totals.owedFen).toBe(20000);
  });

  it('R1: a zero entitlement is no entry', () => {
    const r = run({ base: { defaultRatioBp: 5000 }, events: [pay('o1', '10:00', 1)] });
    expect(r.entries).toHaveLength(0);
  });
});

describe('§6 settlement and ordering', () => {
  it('settlement on completion: extraction only when the order completes, never to its own entry', () => {
    const r = run({
      base: { ...TEN_PERCENT, settlement: 'completion' },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'complete', order: 'o1', at: at('10:02') }, { type: 'complete', order: 'o2', at: at('10:03') }],
    });
    // o1 completes: 10.00 skips o1's own entry and goes to o2; o2 completes: 10.00 to o1.
    expect(entry(r, 'o1').receivedFen).toBe(1000);
    expect(entry(r, 'o2').receivedFen).toBe(1000);
    expect(entry(r, 'o2').position).toBe(2);
    expect(r.totals).toMatchObject({ extractedFen: 2000, paidOutFen: 2000 });
  });

  it('a refund before settlement cancels the entry and extracts nothing, then or later', () => {
    const r = run({
      base: { ...TEN_PERCENT, settlement: 'completion', autoCompleteMinutes: 30 },
      events: [pay('o1', '10:00', 10000), { type: 'refund', order: 'o1', at: at('10:10') }, { type: 'tick', at: at('12:00') }],
    });
    expect(entry(r, 'o1').state).toBe('cancelled');
    expect(order(r, 'o1')).toMatchObject({ settled: false, extractedFen: 0, refunded: true });
    expect(r.totals).toMatchObject({ extractedFen: 0, forfeitedFen: 10000 });
  });

  it('automatic completion settles the order by itself after N minutes', () => {
    const r = run({
      base: { ...TEN_PERCENT, settlement: 'completion', autoCompleteMinutes: 60 },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:30', 10000, 'm2'), { type: 'tick', at: at('11:00') }],
    });
    expect(order(r, 'o1')).toMatchObject({ settled: true, completed: true, extractedFen: 1000 });
    expect(order(r, 'o2').settled).toBe(false);
    expect(entry(r, 'o2').receivedFen).toBe(1000);
  });

  it('R7: autoCompleteMinutes 0 under completion settles at payment, before joining', () => {
    const r = run({ base: { ...TEN_PERCENT, settlement: 'completion', autoCompleteMinutes: 0 }, events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2')] });
    expect(entry(r, 'o1').receivedFen).toBe(1000);
    expect(order(r, 'o2')).toMatchObject({ settled: true, completed: true });
  });

  it('completed-first: entries of orders not yet completed are skipped until they are', () => {
    const r = run({
      base: { ...TEN_PERCENT, ordering: 'completedFirst' },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'complete', order: 'o1', at: at('10:02') }, pay('o3', '10:03', 10000, 'm3')],
    });
    expect(entry(r, 'o1').receivedFen).toBe(1000); // only from o3
    expect(r.totals).toMatchObject({ extractedFen: 3000, paidOutFen: 1000, undistributedFen: 2000 });
  });

  it('completed-first with automatic completion: due completions apply before the next payment', () => {
    const r = run({
      base: { ...TEN_PERCENT, ordering: 'completedFirst', autoCompleteMinutes: 60 },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:30', 10000, 'm2'), pay('o3', '11:00', 10000, 'm3')],
    });
    expect(entry(r, 'o1').receivedFen).toBe(1000);
    expect(entry(r, 'o2').receivedFen).toBe(0);
  });

  it('queue ordering pays entries whose orders are not settled yet', () => {
    const r = run({ base: { ...TEN_PERCENT, settlement: 'completion' }, cashier: { autoCompleteMinutes: 0 }, events: [{ type: 'settings', at: at('09:00'), cashier: { autoCompleteMinutes: null } }, pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'complete', order: 'o2', at: at('10:02') }] });
    expect(order(r, 'o1').settled).toBe(false);
    expect(entry(r, 'o1').receivedFen).toBe(1000);
  });

  it('completing or refunding twice is refused', () => {
    const r = run({ events: [pay('o1', '10:00', 10000), { type: 'complete', order: 'o1', at: at('10:01') }, { type: 'complete', order: 'o1', at: at('10:02') }, { type: 'refund', order: 'o1', at: at('10:03') }, { type: 'refund', order: 'o1', at: at('10:04') }, { type: 'complete', order: 'zz', at: at('10:05') }] });
    expect(r.errors.map((e) => e.event)).toEqual([2, 4, 5]);
  });

  it('deduction rule "participates": the entitlement is on the actual paid amount', () => {
    const r = run({ base: TEN_PERCENT, events: [pay('o1', '10:00', 10000, 'm1', { deductionFen: 2000 })] });
    expect(entry(r, 'o1').entitlementFen).toBe(8000);
    expect(order(r, 'o1')).toMatchObject({ actualPaidFen: 8000, extractedFen: 800 });
  });

  it('deduction rule "excluded": a deducted order earns nothing but still extracts', () => {
    const r = run({ base: { ...TEN_PERCENT, deductionRule: 'excluded' }, events: [pay('o1', '10:00', 10000, 'm1', { deductionFen: 1 }), pay('o2', '10:01', 10000, 'm2')] });
    expect(r.entries.map((e) => e.order)).toEqual(['o2']);
    expect(order(r, 'o1').extractedFen).toBe(999);
    expect(entry(r, 'o2').position).toBe(1);
  });

  it('time windows are [from, to) local time', () => {
    const r = run({
      cashier: { windows: [{ from: '10:00', to: '14:00' }] },
      events: [pay('a', '09:59', 10000), pay('b', '10:00', 10000), pay('c', '13:59', 10000), pay('d', '14:00', 10000)],
    });
    expect(r.entries.map((e) => e.order)).toEqual(['b', 'c']);
  });

  it('a window whose start is after its end runs across midnight', () => {
    const r = run({
      cashier: { windows: [{ from: '22:00', to: '02:00' }], extractionBp: 1000 },
      events: [
        { type: 'checkout', id: 'a', at: at('21:59', 5), member: 'm1', amountFen: 10000 },
        { type: 'checkout', id: 'b', at: at('23:00', 5), member: 'm1', amountFen: 10000 },
        { type: 'checkout', id: 'c', at: at('01:59', 6), member: 'm1', amountFen: 10000 },
        { type: 'checkout', id: 'd', at: at('02:00', 6), member: 'm1', amountFen: 10000 },
      ],
    });
    expect(r.entries.map((e) => e.order)).toEqual(['b', 'c']);
    // orders outside the window still extract
    expect(order(r, 'a').extractedFen).toBe(1000);
  });

  it('per-member per-day limit counts by the local day and frees up after a refund', () => {
    const r = run({
      cashier: { limits: { perMemberPerDay: 1 } },
      events: [
        { type: 'checkout', id: 'o1', at: at('10:00', 5), member: 'm1', amountFen: 10000 },
        { type: 'checkout', id: 'o2', at: at('23:59', 5), member: 'm1', amountFen: 10000 }, // same local day
        { type: 'checkout', id: 'o3', at: at('00:01', 6), member: 'm1', amountFen: 10000 }, // same UTC day as o2, next local day
        { type: 'refund', order: 'o3', at: at('00:02', 6) },
        { type: 'checkout', id: 'o4', at: at('00:03', 6), member: 'm1', amountFen: 10000 },
        { type: 'checkout', id: 'o5', at: at('00:04', 6), member: 'm2', amountFen: 10000 },
      ],
    });
    expect(r.entries.map((e) => `${e.order}:${e.state}`)).toEqual(['o1:waiting', 'o3:cancelled', 'o4:waiting', 'o5:waiting']);
  });

  it('per-member total limit', () => {
    const r = run({
      cashier: { limits: { perMemberTotal: 2 } },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000), pay('o3', '10:02', 10000), pay('o4', '10:03', 10000, 'm2')],
    });
    expect(r.entries.map((e) => e.order)).toEqual(['o1', 'o2', 'o4']);
  });

  it('random return with pinned outcomes: points entries convert at once and never wait', () => {
    const r = run({
      cashier: { randomReturn: { cashCount: 1, pointsCount: 1 }, exchange: { pointsBp: 20000 } },
      events: [pay('o1', '10:00', 10000, 'm1', { randomReturn: 'points' }), pay('o2', '10:01', 10000, 'm2', { randomReturn: 'cash' })],
    });
    expect(entry(r, 'o1')).toMatchObject({ state: 'points', receivedFen: 0, position: 1 });
    expect(entry(r, 'o2')).toMatchObject({ state: 'waiting', position: 1 });
    expect(r.totals).toMatchObject({ pointsIssued: 20000, owedFen: 10000, exchangedFen: 0 });
  });

  it('random return draws exactly pointsCount per group', () => {
    for (const seed of [1, 7, 42, 99]) {
      const events = Array.from({ length: 9 }, (_, i) => pay(`o${i + 1}`, `10:0${i}`, 10000, `m${i + 1}`));
      const r = run({ seed, cashier: { randomReturn: { cashCount: 2, pointsCount: 1 } }, events });
      for (let group = 0; group < 3; group++) {
        const states = r.entries.slice(group * 3, group * 3 + 3).map((e) => e.state);
        expect(states.filter((s) => s === 'points')).toHaveLength(1);
      }
    }
  });

  it('exchange converts the remaining amount at the configured rate, once', () => {
    const r = run({
      base: { ...TEN_PERCENT, exchange: { pointsBp: 10000, vouchersBp: 5000 } },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'exchange', order: 'o1', at: at('10:02'), to: 'vouchers' }, { type: 'exchange', order: 'o1', at: at('10:03'), to: 'points' }, pay('o3', '10:04', 10000, 'm3')],
    });
    expect(entry(r, 'o1')).toMatchObject({ state: 'exchanged', receivedFen: 1000 });
    expect(entry(r, 'o2').receivedFen).toBe(1000); // o3 pays past the exchanged entry
    expect(r.totals).toMatchObject({ exchangedFen: 9000, vouchersIssued: 4500, pointsIssued: 0, owedFen: 19000 });
    expect(r.errors.map((e) => e.event)).toEqual([3]);
  });

  it('exchange without a configured rate is refused', () => {
    const r = run({ base: { exchange: { vouchersBp: 5000 } }, events: [pay('o1', '10:00', 10000), { type: 'exchange', order: 'o1', at: at('10:01'), to: 'points' }] });
    expect(r.errors).toHaveLength(1);
    expect(entry(r, 'o1').state).toBe('waiting');
  });

  it('refund after settlement: the waiting entry is cancelled, nothing is clawed back', () => {
    const r = run({ base: TEN_PERCENT, events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'refund', order: 'o1', at: at('10:02') }, { type: 'refund', order: 'o2', at: at('10:03') }] });
    expect(entry(r, 'o1')).toMatchObject({ state: 'cancelled', receivedFen: 1000 });
    expect(order(r, 'o2')).toMatchObject({ refunded: true, settled: true, extractedFen: 1000 });
    expect(r.totals).toMatchObject({ paidOutFen: 1000, forfeitedFen: 9000 + 10000, owedFen: 0 });
  });

  it('R23: refunding an order whose entry is complete leaves the entry alone', () => {
    const r = run({ cashier: { defaultRatioBp: 1000, extractionBp: 1000 }, events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'refund', order: 'o1', at: at('10:02') }] });
    expect(entry(r, 'o1').state).toBe('completed');
    expect(r.totals.forfeitedFen).toBe(0);
  });
});

describe('§6 scheduled resets', () => {
  const withReset = (reset: object) => ({ ...TEN_PERCENT, reset });

  it('a daily reset forfeits every waiting entry; the pool stays', () => {
    const r = run({
      base: { ...withReset({ kind: 'daily', at: '00:00' }), leftover: 'carry' },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'tick', at: at('00:00', 6) }, pay('o3', '09:00', 10000, 'm3')].map((e, i) =>
        i === 3 ? { ...e, at: at('09:00', 6) } : e,
      ),
    });
    expect(entry(r, 'o1')).toMatchObject({ state: 'cleared', receivedFen: 2000 });
    expect(entry(r, 'o2').state).toBe('cleared');
    expect(entry(r, 'o3')).toMatchObject({ position: 1, state: 'waiting' });
    // o1's 10.00 went to the pool, o2 paid 20.00 to o1; reset took 80.00 + 100.00; o3's 10.00 back to the pool.
    expect(r.totals).toMatchObject({ forfeitedFen: 18000, poolFen: 1000, owedFen: 10000 });
  });

  it('R12: resets missed for days are applied once', () => {
    const store = new MemoryQueueStore();
    replayScenario(
      parseScenario({ base: withReset({ kind: 'daily', at: '03:00' }), members: MEMBERS, events: [pay('o1', '10:00', 10000), { type: 'tick', at: at('12:00', 9) }] }),
      store,
    );
    expect(store.outbox.filter((e) => e.type === 'queue.reset')).toHaveLength(1);
    expect(store.outbox.find((e) => e.type === 'queue.reset')!.at).toBe(Date.parse(at('03:00', 9)));
  });

  it('R13: a schedule set later never fires for times before it was set', () => {
    const r = run({
      base: TEN_PERCENT,
      events: [pay('o1', '10:00', 10000), { type: 'settings', at: at('12:00'), cashier: { reset: { kind: 'daily', at: '11:00' } } }, { type: 'tick', at: at('23:00') }],
    });
    expect(entry(r, 'o1').state).toBe('waiting');
    const later = run({
      base: TEN_PERCENT,
      events: [pay('o1', '10:00', 10000), { type: 'settings', at: at('12:00'), cashier: { reset: { kind: 'daily', at: '11:00' } } }, { type: 'tick', at: at('11:00', 6) }],
    });
    expect(entry(later, 'o1').state).toBe('cleared');
  });

  it('weekly reset on its weekday (1 = Monday): 2026-01-07 is a Wednesday', () => {
    const before = run({ base: withReset({ kind: 'weekly', weekday: 3, at: '12:00' }), events: [pay('o1', '10:00', 10000), { type: 'tick', at: at('11:59', 7) }] });
    expect(entry(before, 'o1').state).toBe('waiting');
    const after = run({ base: withReset({ kind: 'weekly', weekday: 3, at: '12:00' }), events: [pay('o1', '10:00', 10000), { type: 'tick', at: at('12:00', 7) }] });
    expect(entry(after, 'o1').state).toBe('cleared');
  });

  it('monthly reset on its day', () => {
    const r = run({ base: withReset({ kind: 'monthly', day: 10, at: '08:00' }), events: [pay('o1', '10:00', 10000), { type: 'tick', at: at('07:59', 10) }, pay('o2', '07:59', 10000, 'm2')].map((e, i) => (i === 2 ? { ...e, at: at('07:59', 10) } : e)) });
    expect(entry(r, 'o1').state).toBe('waiting');
    const r2 = run({ base: withReset({ kind: 'monthly', day: 10, at: '08:00' }), events: [pay('o1', '10:00', 10000), { type: 'tick', at: at('08:00', 10) }] });
    expect(entry(r2, 'o1').state).toBe('cleared');
  });

  it('a one-off reset fires once at its instant', () => {
    const r = run({
      base: withReset({ kind: 'once', at: '2026-01-06T09:00:00+08:00' }),
      events: [pay('o1', '10:00', 10000), { type: 'checkout', id: 'o2', at: at('10:00', 6), member: 'm2', amountFen: 10000 }, { type: 'tick', at: at('10:00', 8) }],
    });
    expect(entry(r, 'o1').state).toBe('cleared');
    expect(entry(r, 'o2').state).toBe('waiting');
  });

  it('R11: a completion due at the reset instant is applied before the reset', () => {
    // o1 completes by itself at 00:00 (14 h after 10:00) and pays o2 before the line is cleared;
    // o2 completes at 00:01, after the reset: nobody is waiting, its share is undistributed.
    const r = run({
      base: { ...withReset({ kind: 'daily', at: '00:00' }), settlement: 'completion', autoCompleteMinutes: 840 },
      events: [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), { type: 'tick', at: at('01:00', 6) }],
    });
    expect(entry(r, 'o2')).toMatchObject({ state: 'cleared', receivedFen: 1000 });
    expect(r.totals).toMatchObject({ extractedFen: 2000, paidOutFen: 1000, undistributedFen: 1000, forfeitedFen: 19000 });
  });
});

describe('refused events change nothing', () => {
  const good = [pay('o1', '10:00', 10000), pay('o2', '10:01', 10000, 'm2'), pay('o3', '10:02', 10000, 'm3')];
  const bad = [
    pay('x1', '10:01', 0),
    pay('x2', '10:01', 1_000_000_001),
    pay('x3', '10:01', 100.5),
    pay('x4', '10:01', -5),
    { ...pay('x5', '10:01', 10000), amountFen: '10000' },
    pay('x6', '10:01', 10000, 'm1', { deductionFen: 10001 }),
    pay('x7', '10:01', 10000, 'nobody'),
    pay('o1', '10:01', 10000),
    { type: 'complete', order: 'nope', at: at('10:01') },
    { type: 'exchange', order: 'o1', at: at('10:01'), to: 'gold' },
    { type: 'settings', at: at('10:01'), base: { extractionBp: 10001 } },
    { type: 'settings', at: at('10:01'), cashier: { nonsense: 1 } },
    pay('x8', '09:00', 10000),
  ];

  it('each bad event is listed with its index and the outcome equals the run without it', () => {
    const clean = run({ base: TEN_PERCENT, events: good });
    const mixed = run({ base: TEN_PERCENT, events: [good[0]!, ...bad, good[1]!, good[2]!] });
    expect(mixed.errors.map((e) => e.event)).toEqual(bad.map((_, i) => i + 1));
    for (const error of mixed.errors) expect(error.message.length).toBeGreaterThan(5);
    expect({ ...mixed, errors: [] }).toEqual({ ...clean, errors: [] });
  });
});
