/**
 * The manager console on a real SQLite file: the counter's test harness
 * (test/app/helpers.ts) plus a console with cheap scrypt and the plain
 * SecretBox, and a seeded store built through the real commands (engine
 * underneath): ~200 checkouts over 5 local days with refunds, lottery draws,
 * exchanges, random return and a scheduled reset, one shift per day.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { configureManager } from '../../electron/backend/manager/index';
import { plainSecretBox } from '../../electron/backend/sync/config';
import type { SettingsChange } from '../../shared/settings';
import { addMember, CHEAP_SCRYPT, openHarness, readyToSell, type Harness } from '../app/helpers';

export { addMember, CHEAP_SCRYPT, dbHash, openHarness, readyToSell, tempDir, T0, type Harness } from '../app/helpers';

export const MANAGER_PIN = '2468';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** 2026-03-02 00:00 in Shanghai (no DST: every local day is 24 h). */
export const DAY0 = Date.parse('2026-03-02T00:00:00+08:00');

/**
 * The console's monotonic clock follows the harness's wall clock unless a
 * separate one is given (the tests of wall-clock moves give one).
 */
export function withConsole(h: Harness, mono?: { now: number }): Harness {
  configureManager(h.backend, { scryptCost: CHEAP_SCRYPT, secretBox: plainSecretBox, monotonicNow: () => (mono ?? h.clock).now });
  return h;
}

/** A fresh register with a manager signed in, a shift open and the manager console set up. */
export async function managerHarness(file?: string): Promise<Harness> {
  // The register starts before the seed's first day, so no operation is clamped to a later clock.
  const clock = { now: DAY0 - DAY + 20 * HOUR };
  const h = withConsole(file ? openHarness(file, clock) : openHarness(undefined, clock));
  await readyToSell(h);
  return h;
}

/** SHA-256 of the database file and its -wal, byte for byte. */
export function fileHash(file: string): string {
  const hash = createHash('sha256');
  for (const f of [file, `${file}-wal`]) {
    hash.update(`${f}\n`);
    if (existsSync(f)) hash.update(readFileSync(f));
  }
  return hash.digest('hex');
}

/** A small deterministic generator (the seed is the same on every run). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface SeedResult {
  /** Owed (queue counter) right after each local day's last operation and a tick at 23:59. */
  owedAtEndOfDay: Record<string, number>;
  orders: string[];
  refunded: string[];
  drawn: string[];
  exchanged: string[];
  days: string[];
}

export const SEED_SETTINGS: SettingsChange = {
  extractionBp: 1500,
  defaultRatioBp: 10_000,
  levelRatiosBp: { gold: 13_000 },
  lottery: { fixedBp: [5000, 10_000, 20_000] },
  exchange: { pointsBp: 10_000, vouchersBp: 12_000 },
  randomReturn: { cashCount: 9, pointsCount: 1 },
  leftover: 'carry',
  rebateName: '排队返利',
  reset: { kind: 'once', at: '2026-03-04T15:00:00+08:00' },
};

/**
 * Seeds 5 days × 40 checkouts (09:00–18:45, every 15 min). Members m1–m30
 * (every 3rd gold, every 3rd silver → lottery, the rest normal → lottery),
 * every 7th order a walk-in, every 5th member's order with a points deduction. Every
 * 17th order is refunded 5 minutes later; every other lottery entry draws;
 * every 23rd order's entry is exchanged (points / vouchers alternately) if
 * still waiting. `midwayChange` raises extraction to 2000 bp on day 2.
 */
export async function seedStore(h: Harness, options: { midwayChange?: boolean } = {}): Promise<SeedResult> {
  const rnd = lcg(20260302);
  for (let i = 1; i <= 30; i++) addMember(h.backend.db, { id: `m${i}`, level: i % 3 === 0 ? 'gold' : i % 3 === 1 ? 'silver' : 'normal' });
  h.clock.now = DAY0 + 8 * HOUR;
  await h.ok('manager.settings.save', { managerPin: MANAGER_PIN, changes: SEED_SETTINGS });
  const result: SeedResult = { owedAtEndOfDay: {}, orders: [], refunded: [], drawn: [], exchanged: [], days: [] };
  let n = 0;
  for (let day = 0; day < 5; day++) {
    const dayStart = DAY0 + day * DAY;
    const date = new Date(dayStart + 8 * HOUR).toISOString().slice(0, 10);
    result.days.push(date);
    h.clock.now = dayStart + 8 * HOUR + 30 * 60_000;
    if (day > 0) await h.ok('shift.open', { openingFloatFen: 50_000 });
    if (options.midwayChange && day === 1) await h.ok('manager.settings.save', { managerPin: MANAGER_PIN, changes: { extractionBp: 2000, levelRatiosBp: { gold: 15_000 } } });
    for (let k = 0; k < 40; k++) {
      n += 1;
      h.clock.now = dayStart + 9 * HOUR + k * 15 * 60_000;
      const amount = 1000 + Math.floor(rnd() * 49_000);
      const memberId = n % 7 === 0 ? null : `m${1 + Math.floor(rnd() * 30)}`;
      // Points are a member's balance: a walk-in pays no points.
      const points = n % 5 === 0 && memberId !== null ? Math.floor(amount / 10) : 0;
      const out = await h.ok('checkout.submit', {
        amountDueFen: amount,
        memberId,
        pointsDeductionFen: points,
        tenders: [{ kind: 'cash', amountFen: amount - points }],
      });
      result.orders.push(out.orderId);
      if (out.entry?.canDraw && n % 2 === 0) {
        h.clock.now += 60_000;
        await h.ok('queue.draw', { orderId: out.orderId });
        result.drawn.push(out.orderId);
      }
      if (n % 23 === 0) {
        const target = result.orders[result.orders.length - 3]!;
        const entry = h.backend.store.getEntryByOrder(h.backend.queueId, target);
        if (entry?.state === 'waiting' && entry.entitlementFen > entry.receivedFen) {
          h.clock.now += 60_000;
          await h.ok('queue.exchange', { orderId: target, to: n % 2 === 0 ? 'points' : 'vouchers' });
          result.exchanged.push(target);
        }
      }
      if (n % 17 === 0) {
        h.clock.now += 5 * 60_000;
        await h.ok('queue.refund', { orderId: out.orderId, managerPin: MANAGER_PIN });
        result.refunded.push(out.orderId);
      }
    }
    h.clock.now = dayStart + 23 * HOUR + 59 * 60_000;
    h.backend.tick();
    result.owedAtEndOfDay[date] = h.backend.store.loadQueue(h.backend.queueId)!.owedFen;
    if (day < 4) await h.ok('shift.close', { countedCashFen: 50_000 });
  }
  return result;
}
