/**
 * The liability dashboard on a seeded database (engine underneath the real
 * commands: 200 checkouts over 5 days, refunds, draws, exchanges, random
 * return, a reset, a mid-way settings change), against independent SQL sums,
 * the owed amounts observed at the end of each day while seeding, and a
 * brute-force walk of the line for the tail's wait. Also "why this ratio?".
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { DashboardView } from '../../shared/contract-manager';
import type { Harness } from '../app/helpers';
import { DAY, DAY0, MANAGER_PIN, managerHarness, seedStore, type SeedResult } from './helpers';

let h: Harness;
let seed: SeedResult;
let d: DashboardView;

beforeAll(async () => {
  h = await managerHarness();
  seed = await seedStore(h, { midwayChange: true });
  d = await h.ok('manager.dashboard', { managerPin: MANAGER_PIN, days: 7 });
});
afterAll(() => h.close());

const one = (sql: string, ...params: unknown[]) => Object.values(h.backend.db.prepare(sql).get(...params) as Record<string, number>)[0] ?? 0;

describe('liability dashboard on a seeded database', () => {
  it('the seed has what it should: 200 orders, refunds, draws, exchanges, random-return points, a reset', () => {
    expect(seed.orders).toHaveLength(200);
    expect(seed.refunded.length).toBeGreaterThan(5);
    expect(seed.drawn.length).toBeGreaterThan(10);
    expect(seed.exchanged.length).toBeGreaterThan(2);
    expect(one("SELECT count(*) FROM entries WHERE state = 'cleared'")).toBeGreaterThan(10);
    expect(one("SELECT count(*) FROM entries WHERE state = 'points'")).toBeGreaterThan(5);
  });

  it('now: every figure equals an independent SQL sum', () => {
    const n = d.now;
    expect(n.owedFen).toBe(one("SELECT sum(entitlement_fen - received_fen) FROM entries WHERE state = 'waiting'"));
    expect(n.waitingEntries).toBe(one("SELECT count(*) FROM entries WHERE state = 'waiting'"));
    expect(n.paidOutFen).toBe(one("SELECT sum(received_fen) FROM entries"));
    expect(n.extractedFen).toBe(one('SELECT sum(extracted_fen) FROM orders'));
    expect(n.undistributedFen).toBe(one("SELECT coalesce(sum(amount_fen), 0) FROM ledger WHERE kind = 'undistributed'"));
    expect(n.poolFen).toBe(one("SELECT coalesce(sum(CASE kind WHEN 'pool_in' THEN amount_fen ELSE -amount_fen END), 0) FROM ledger WHERE kind IN ('pool_in', 'pool_out')"));
    expect(n.extractedFen).toBe(n.paidOutFen + n.undistributedFen + n.poolFen);
    // Forfeits from the entries themselves (not the ledger the dashboard reads).
    expect(n.forfeitedByResetsFen).toBe(one("SELECT sum(entitlement_fen - received_fen) FROM entries WHERE state = 'cleared'"));
    expect(n.forfeitedByRefundsFen).toBe(one("SELECT sum(entitlement_fen - received_fen) FROM entries WHERE state = 'cancelled'"));
    expect(n.forfeitedFen).toBe(n.forfeitedByResetsFen + n.forfeitedByRefundsFen);
    expect(n.exchangedFen).toBe(one("SELECT sum(entitlement_fen - received_fen) FROM entries WHERE state = 'exchanged'"));
    expect(n.pointsIssued).toBe(n.pointsFromExchangeUnits + n.pointsFromRandomReturnUnits);
    // Random return converts the whole entitlement at pointsBp 10000: units = entitlement.
    expect(n.pointsFromRandomReturnUnits).toBe(one("SELECT sum(entitlement_fen) FROM entries WHERE state = 'points'"));
    expect(n.vouchersIssued).toBe(one("SELECT coalesce(sum(units), 0) FROM ledger WHERE kind = 'exchange_vouchers'"));
    expect(n.entriesCompleted).toBe(one("SELECT count(*) FROM entries WHERE state = 'completed'"));
    expect(n.entriesTotal).toBe(one('SELECT count(*) FROM entries'));
  });

  it('e/r: the extraction in force over the amount-weighted reward ratio of recent entries, with a plain sentence', () => {
    const r = Math.floor((one("SELECT sum(entitlement_fen) FROM entries WHERE state <> 'points'") * 10_000) / one("SELECT sum(base_fen) FROM entries WHERE state <> 'points'"));
    expect(d.coverage).toMatchObject({ extractionBp: 2000, averageRewardBp: r, ratioBp: Math.floor((2000 * 10_000) / r), code: 'partial', owedGrowthPer100YuanFen: r - 2000 });
    // The meaning travels as a code with integer fen / bp, never as a sentence.
    expect(d.coverage.message).toEqual({ code: 'dashboard.coverage.partial', params: { shareBp: Math.min(d.coverage.ratioBp!, 10_000), salesFen: 10_000, growthFen: r - 2000 } });
    expect(JSON.stringify(d.coverage)).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('day by day: sales and extraction per local day from SQL, owed at the end of each day as observed while seeding', () => {
    expect(d.days.map((x) => x.date)).toEqual(['2026-02-28', '2026-03-01', ...seed.days]);
    seed.days.forEach((date, i) => {
      const start = DAY0 + i * DAY;
      const day = d.days.find((x) => x.date === date)!;
      expect(day.orders).toBe(40);
      expect(day.salesFen).toBe(one('SELECT sum(actual_paid_fen) FROM orders WHERE paid_at >= ? AND paid_at < ?', start, start + DAY));
      expect(day.extractedFen).toBe(one('SELECT sum(extracted_fen) FROM orders WHERE paid_at >= ? AND paid_at < ?', start, start + DAY));
      expect(day.paidOutFen).toBe(one("SELECT coalesce(sum(amount_fen), 0) FROM ledger WHERE kind = 'payout' AND at >= ? AND at < ?", start, start + DAY));
      expect(day.owedEndFen, date).toBe(seed.owedAtEndOfDay[date]);
    });
    expect(d.days[0]).toEqual({ date: '2026-02-28', orders: 0, salesFen: 0, extractedFen: 0, paidOutFen: 0, owedEndFen: 0 });
  });

  it("the tail's wait equals a brute-force walk of the line and a payout-by-payout simulation", () => {
    const entries = h.backend.store.listEntries(h.backend.queueId).filter((e) => e.state === 'waiting');
    const newest = entries[entries.length - 1]!;
    const need = entries.reduce((sum, e) => sum + e.entitlementFen - e.receivedFen, 0);
    expect(d.tail).toMatchObject({ newestOrderId: newest.orderId, entriesAhead: entries.length - 1, needFen: need, ownRemainingFen: newest.entitlementFen - newest.receivedFen });
    const now = d.generatedAt;
    const orders = h.backend.store.listOrders(h.backend.queueId);
    for (const p of d.tail!.projections) {
      const inWindow = orders.filter((o) => o.paidAt > now - p.windowDays * DAY && o.paidAt <= now);
      const extracted = inWindow.reduce((s, o) => s + o.extractedFen, 0);
      expect(p.orders).toBe(inWindow.length);
      expect(p.extractedFen).toBe(extracted);
      // Pay the line order by order at the window's average (exact fraction), walking the real entries.
      const remaining = entries.map((e) => e.entitlementFen - e.receivedFen);
      let paidSoFarTimesN = d.now.poolFen * inWindow.length; // in units of 1/n fen
      let k = 0;
      let head = 0;
      let consumedTimesN = 0;
      while (head < remaining.length) {
        k += 1;
        paidSoFarTimesN += extracted;
        while (head < remaining.length && paidSoFarTimesN - consumedTimesN >= remaining[head]! * inWindow.length) {
          consumedTimesN += remaining[head]! * inWindow.length;
          head += 1;
        }
      }
      expect(p.ordersNeeded).toBe(k);
      const firstPaid = Math.min(...orders.map((o) => o.paidAt));
      const spanMs = Math.min(p.windowDays * DAY, now - firstPaid);
      expect(p.days).toBe(Math.ceil((k * spanMs * 10) / (inWindow.length * DAY)) / 10);
      expect(p.never).toBe(false);
    }
    // 200 orders in 5 days: both windows see the same history, so the same rate.
    expect(d.tail!.projections[0]!.days).toBe(d.tail!.projections[1]!.days);
  });

  it('"never at the current rate" when rewards are paused or extraction is 0', async () => {
    await h.ok('manager.settings.save', { managerPin: MANAGER_PIN, changes: { paused: true } });
    let view = await h.ok('manager.dashboard', {});
    expect(view.tail!.projections.map((p) => [p.never, p.neverReason, p.ordersNeeded])).toEqual([
      [true, 'paused', null],
      [true, 'paused', null],
    ]);
    await h.ok('manager.settings.save', { changes: { paused: null, extractionBp: 0 } });
    view = await h.ok('manager.dashboard', {});
    expect(view.tail!.projections.every((p) => p.never && p.neverReason === 'no-extraction')).toBe(true);
    expect(view.coverage.code).toBe('no-extraction');
    h.clock.now += 40 * DAY;
    // 40 days without an operation: the counter asks a manager to confirm its clock first.
    await h.ok('manager.clock.confirm', { managerPin: MANAGER_PIN });
    await h.ok('manager.settings.save', { managerPin: MANAGER_PIN, changes: { extractionBp: 2000 } });
    view = await h.ok('manager.dashboard', {});
    expect(view.tail!.projections.every((p) => p.never && p.neverReason === 'no-orders')).toBe(true);
  });

  it('"why this ratio?" shows the recorded chain and the re-evaluation from settings_audit agrees for every entry', async () => {
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const entries = h.backend.store.listEntries(h.backend.queueId);
    const rules = new Set<string>();
    for (const e of entries) {
      const why = await h.ok('manager.whyRatio', { orderId: e.orderId });
      expect(why.source).toBe('recorded');
      expect(why.agrees, e.orderId).toBe(true);
      expect(why.winner!.rule).toBe(e.rule);
      // Who paid, as the dialog shows them: the member's facts (none recorded for these), never the id.
      expect(why.member).toEqual({ displayName: null, maskedPhone: null, code: null });
      if (!e.drawPending && e.drawnAt === null) expect(why.winner!.ratioBp).toBe(e.ratioBp);
      rules.add(e.rule);
    }
    expect([...rules].sort()).toEqual(['cashier.level', 'cashier.lottery']);
    // Gold members earned 130 % before the mid-way change and 150 % after it: the chain shows which.
    const gold = entries.filter((e) => e.rule === 'cashier.level').map((e) => e.ratioBp);
    expect(new Set(gold)).toEqual(new Set([13_000, 15_000]));
    const walkIn = h.backend.store.listOrders(h.backend.queueId).find((o) => o.memberId === null)!;
    expect(await h.ok('manager.whyRatio', { orderId: walkIn.id })).toMatchObject({ source: 'none', steps: [], noEntitlementReason: 'walk-in', entry: null, member: null });
  });
});
