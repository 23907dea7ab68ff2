/**
 * Issue 15 §2/§3: the what-if runs in a worker thread with its own
 * connection, so a checkout answers while it replays; the fast replay gives
 * the same figures as the durable one; a heavy task can be cancelled.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateOnDatabase } from '../../electron/backend/cli/simulate';
import { buildScenario, readHistory } from '../../electron/backend/manager/what-if';
import { HeavyTaskCancelled, runHeavy } from '../../electron/backend/heavy/run';
import { parseScenario } from '../../shared/scenario';
import { configure, type Harness } from '../app/helpers';
import { addMember, DAY0, HOUR, MANAGER_PIN, managerHarness } from '../manager/helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

let h: Harness;
const dir = mkdtempSync(path.join(tmpdir(), 'qrc-heavy-test-'));
const ORDERS = 400;

beforeAll(async () => {
  h = await managerHarness(path.join(dir, 'cashier.db'));
  await h.ok('manager.unlock', { pin: MANAGER_PIN });
  configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10_000 });
  for (let m = 1; m <= 20; m++) addMember(h.backend.db, { id: `M${m}` });
  for (let i = 0; i < ORDERS; i++) {
    h.clock.now = DAY0 + 10 * HOUR + i * 60_000;
    const fen = 1000 + ((i * 7919) % 20_000);
    await h.ok('checkout.submit', { amountDueFen: fen, memberId: `M${1 + (i % 20)}`, tenders: [{ kind: 'cash', amountFen: fen }] });
  }
}, 120_000);
afterAll(() => {
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('heavy work off the counter', () => {
  it('a checkout answers while the what-if replays in its worker thread', async () => {
    const cashier = h.backend.store.loadQueue(h.backend.queueId)!.layers.cashier;
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    let whatIfDone = 0;
    const whatIf = h.ok('manager.whatIf', { days: 2, cashier: { ...cashier, extractionBp: 2000 } }).then((r) => {
      whatIfDone = Date.now();
      return r;
    });
    // Give the thread a moment to start, then sell while it works.
    await new Promise((r) => setTimeout(r, 20));
    h.clock.now += 60_000;
    const started = Date.now();
    await h.ok('checkout.submit', { amountDueFen: 5000, memberId: 'M1', tenders: [{ kind: 'cash', amountFen: 5000 }] });
    const checkoutDone = Date.now();
    const result = await whatIf;
    expect(result.orders).toBe(ORDERS);
    // The checkout did not wait for the replay: it finished first, and quickly.
    expect(checkoutDone).toBeLessThan(whatIfDone);
    expect(checkoutDone - started).toBeLessThan(whatIfDone - started);
  }, 120_000);

  it('the fast replay (no durability, one outer transaction) gives exactly the durable replay figures', () => {
    const queue = h.backend.store.loadQueue(h.backend.queueId)!;
    const history = readHistory(h.file, h.backend.queueId, DAY0, h.clock.now + 1);
    const doc = buildScenario(history, { base: queue.layers.base, cashier: { ...queue.layers.cashier, extractionBp: 2500 } }, { timezone: 'Asia/Shanghai', to: h.clock.now + 1, pinRandomReturn: true });
    const slow = simulateOnDatabase(parseScenario(doc), path.join(dir, 'slow.db'));
    const progress: number[] = [];
    const fast = simulateOnDatabase(parseScenario(doc), path.join(dir, 'fast.db'), { fast: true, onProgress: (d) => progress.push(d) });
    expect(fast).toEqual(slow);
    expect(fast.totals.paidOutFen).toBeGreaterThan(0);
  });

  it('a heavy task is cancelled at once', async () => {
    const job = runHeavy('fullCheck', { file: h.file, now: h.clock.now });
    job.cancel();
    await expect(job.promise).rejects.toBeInstanceOf(HeavyTaskCancelled);
  });
});
