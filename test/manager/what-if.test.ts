/**
 * What-if: the last N days replayed on temporary databases under the current
 * and an edited settings copy. The register's database stays byte-for-byte
 * unchanged; with the settings unchanged the replay reproduces the real
 * figures; the exported scenario reruns with `npm run simulate`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../shared/scenario';
import { simulateOnDatabase } from '../../electron/backend/cli/simulate';
import type { Harness } from '../app/helpers';
import { dbHash, fileHash, MANAGER_PIN, managerHarness, seedStore, tempDir } from './helpers';

let h: Harness;
// Not test/app's tempDir(): that one is removed after each test, and this database lives for the whole file.
const dir = mkdtempSync(path.join(tmpdir(), 'qrc-whatif-test-'));

beforeAll(async () => {
  h = await managerHarness(path.join(dir, 'cashier.db'));
  await seedStore(h);
  await h.ok('manager.unlock', { pin: MANAGER_PIN });
}, 60_000);
afterAll(() => {
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('what-if replay', () => {
  it('leaves the real database (file and -wal) byte-for-byte unchanged', async () => {
    const beforeFile = fileHash(h.file);
    const beforeRows = dbHash(h.backend.db);
    const cashier = h.backend.store.loadQueue(h.backend.queueId)!.layers.cashier;
    const result = await h.ok('manager.whatIf', { days: 10, cashier: { ...cashier, extractionBp: 3000 } });
    expect(result.orders).toBe(200);
    expect(fileHash(h.file)).toBe(beforeFile);
    expect(dbHash(h.backend.db)).toBe(beforeRows);
    // A higher extraction pays the line more and leaves less owed.
    expect(result.edited.paidOutFen).toBeGreaterThan(result.current.paidOutFen);
    expect(result.edited.entriesCompleted).toBeGreaterThan(result.current.entriesCompleted);
    expect(result.edited.tail).toHaveLength(2);
  });

  it('with the settings unchanged, the replay reproduces the real figures', async () => {
    const queue = h.backend.store.loadQueue(h.backend.queueId)!;
    const result = await h.ok('manager.whatIf', { days: 10, cashier: queue.layers.cashier });
    const completed = h.backend.store.listEntries(h.backend.queueId).filter((e) => e.state === 'completed').length;
    for (const side of [result.current, result.edited]) {
      expect(side).toMatchObject({
        paidOutFen: queue.paidOutFen,
        owedFen: queue.owedFen,
        extractedFen: queue.extractedFen,
        undistributedFen: queue.undistributedFen,
        forfeitedFen: queue.forfeitedFen,
        waitingEntries: queue.waitingCount,
        entriesCompleted: completed,
        refusedEvents: 0,
      });
    }
    const real = await h.ok('manager.dashboard', {});
    expect(result.current.tail.map((p) => p.ordersNeeded)).toEqual(real.tail!.projections.map((p) => p.ordersNeeded));
  });

  it('the exported scenario reruns with simulate and gives the same totals; members are pseudonymous', async () => {
    const { lottery: _lottery, ...cashier } = h.backend.store.loadQueue(h.backend.queueId)!.layers.cashier;
    const result = await h.ok('manager.whatIf', { days: 10, cashier: { ...cashier, defaultRatioBp: 5000 } });

    const doc = JSON.parse(result.scenario.current) as { members: { id: string }[] };
    expect(doc.members.every((m) => /^m\d+$/.test(m.id))).toBe(true);
    const again = simulateOnDatabase(parseScenarioText(result.scenario.edited));
    expect(again.totals.paidOutFen).toBe(result.edited.paidOutFen);
    expect(again.totals.owedFen).toBe(result.edited.owedFen);
    const file = path.join(tempDir(), 'current.scenario.json');
    writeFileSync(file, result.scenario.current);
    const out = execFileSync('npm', ['run', '--silent', 'simulate', '--', file], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
    const report = JSON.parse(out) as { totals: { paidOutFen: number; owedFen: number }; errors: unknown[] };
    expect(report.totals).toMatchObject({ paidOutFen: result.current.paidOutFen, owedFen: result.current.owedFen });
    expect(report.errors).toEqual([]);
  }, 60_000);

  it('refuses an invalid settings copy before anything runs', async () => {
    expect(await h.call('manager.whatIf', { days: 10, cashier: { extractionBp: 20_000 } })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', issues: [{ path: 'cashier.extractionBp' }] },
    });
    expect(await h.call('manager.whatIf', { days: 0, cashier: {} })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
