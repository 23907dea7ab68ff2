/**
 * Issue 15 §1: nothing on the counter's path reads a number of rows that
 * grows with history. Each counter path is checked two ways: its query plan
 * (EXPLAIN QUERY PLAN names an index or the counters table, never a SCAN of
 * a growing table) and its value (the triggers' counters equal a full count
 * after checkouts, previews, refunds and rollbacks).
 */
import { describe, expect, it } from 'vitest';
import { jobsNeedingCashier, oldestFailedJob } from '../../electron/backend/printing/failures';
import { jobCounts } from '../../electron/backend/printing/jobs';
import { PrintWorker } from '../../electron/backend/printing/worker';
import { Outbox, waitingEvents } from '../../electron/backend/sync/outbox';
import type { Db } from '../../electron/backend/store/database';
import { addMember, configure, openHarness, readyToSell, T0 } from '../app/helpers';

function plan(db: Db, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

/** Every table that grows with the register's history. */
const GROWING = ['print_jobs', 'outbox', 'ledger', 'entries', 'orders'];
function expectNoScanOfGrowingTable(p: string): void {
  for (const table of GROWING) expect(p).not.toMatch(new RegExp(`SCAN ${table}\\b`));
  expect(p).not.toBe('');
}

const sale = { amountDueFen: 10_000, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: 10_000 }] };

describe('query plans on the counter path', () => {
  it('the print worker finds its head through print_jobs_due, not by walking every job', async () => {
    const h = openHarness();
    const head = `SELECT * FROM print_jobs INDEXED BY print_jobs_due WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL ORDER BY id LIMIT 1`;
    const p = plan(h.backend.db, head);
    // A walk of print_jobs_due holds only jobs still to print, however many have printed.
    expect(p).toBe('SCAN print_jobs USING INDEX print_jobs_due');
    // The worker's own statement is the planned one (a drifted copy would fail INDEXED BY or this match).
    expect(PrintWorker.prototype.step.toString()).toContain("INDEXED BY print_jobs_due WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL ORDER BY id LIMIT 1");
    expectNoScanOfGrowingTable(plan(h.backend.db, 'SELECT state, n FROM print_job_counts'));
    h.close();
  });

  it("the status snapshot's print failures: a counter row and one entry of print_jobs_failed (migration 015)", () => {
    const h = openHarness();
    const db = h.backend.db;
    expect(plan(db, "SELECT * FROM print_jobs INDEXED BY print_jobs_failed WHERE state = 'failed' ORDER BY id LIMIT 1")).toBe('SCAN print_jobs USING INDEX print_jobs_failed');
    expect(plan(db, 'SELECT n FROM print_jobs_needing_cashier WHERE id = 1')).toMatch(/SEARCH print_jobs_needing_cashier USING INTEGER PRIMARY KEY/);
    // The functions the snapshot calls use those statements (no count over print_jobs left).
    expect(oldestFailedJob.toString()).toContain('INDEXED BY print_jobs_failed');
    expect(jobsNeedingCashier.toString()).toContain('print_jobs_needing_cashier');
    expect(jobsNeedingCashier.toString()).not.toMatch(/count\(/);
    h.close();
  });

  it('the outbox backlog is read from min/max seq, not counted', () => {
    const h = openHarness();
    const p = plan(
      h.backend.db,
      'SELECT (SELECT min(seq) FROM outbox) AS lo, (SELECT max(seq) FROM outbox) AS hi, (SELECT coalesce(max(last_acked_seq), 0) FROM sync_state) AS acked',
    );
    expectNoScanOfGrowingTable(p);
    h.close();
  });

  it('the dashboard totals read the counters tables', () => {
    const h = openHarness();
    expectNoScanOfGrowingTable(plan(h.backend.db, 'SELECT kind, amount_fen AS amount, units FROM ledger_totals WHERE queue_id = ?', 'q'));
    expectNoScanOfGrowingTable(plan(h.backend.db, 'SELECT n FROM entry_completed WHERE queue_id = ?', 'q'));
    h.close();
  });
});

describe('counters agree with their rows', () => {
  it('after checkouts, previews, a refund and a rolled-back checkout', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10_000 });
    addMember(h.backend.db, { id: 'M1' });
    const orders: string[] = [];
    for (let i = 0; i < 12; i++) {
      h.clock.now = T0 + i * 60_000;
      orders.push((await h.ok('checkout.submit', { ...sale, memberId: 'M1', amountDueFen: 10_000 + i * 100, tenders: [{ kind: 'cash', amountFen: 10_000 + i * 100 }] })).orderId);
    }
    await h.ok('queue.refund', { orderId: orders[3]!, managerPin: '2468' });
    // A refused checkout (short tender) rolls back its triggers' work too.
    expect((await h.call('checkout.submit', { ...sale, tenders: [{ kind: 'cash', amountFen: 1 }] })).ok).toBe(false);
    const db = h.backend.db;
    // No printer configured: the worker previews every job (the state that grew without bound).
    const worker = new PrintWorker(db, { idleMs: 5, statusPollMs: 0, now: () => h.backend.viewNow() });
    for (let i = 0; i < 20; i++) await worker.step();
    expectCountersMatch(db);
    // 12 receipts and the refund's slip.
    expect(jobCounts(db).previewed).toBeGreaterThanOrEqual(12);
    expect(db.prepare("SELECT count(*) FROM entries WHERE state = 'completed'").pluck().get()).toBeGreaterThan(0);
    db.prepare("UPDATE print_jobs SET state = 'pending', next_attempt_at = 1 WHERE id <= 2").run();
    db.prepare('DELETE FROM print_jobs WHERE id = 3').run();
    expectCountersMatch(db);
    // Failures waiting for the cashier come and go (failed with no retry, retried, skipped, deleted).
    db.prepare("UPDATE print_jobs SET state = 'failed', next_attempt_at = NULL, last_error = 'x' WHERE id BETWEEN 4 AND 8").run();
    db.prepare("UPDATE print_jobs SET state = 'failed', next_attempt_at = 5, last_error = 'x' WHERE id = 9").run();
    expect(jobsNeedingCashier(db)).toBe(5);
    expect(oldestFailedJob(db)?.id).toBe(4);
    db.prepare('UPDATE print_jobs SET next_attempt_at = 7 WHERE id = 4').run();
    db.prepare("UPDATE print_jobs SET state = 'skipped', skip_reason = 'r' WHERE id = 5").run();
    db.prepare('DELETE FROM print_jobs WHERE id = 6').run();
    expect(() => db.transaction(() => {
      db.prepare("UPDATE print_jobs SET state = 'failed', next_attempt_at = NULL WHERE id = 10").run();
      throw new Error('rolled back');
    })()).toThrow('rolled back');
    expectCountersMatch(db);
    expect(jobsNeedingCashier(db)).toBe(2);
    expect(new Outbox(db).waiting()).toBe((db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n);
    h.close();
  });

  it('waitingEvents: acked rows waiting for the purge and rows already purged are not counted', () => {
    expect(waitingEvents({ lo: null, hi: null, acked: 0 })).toBe(0);
    expect(waitingEvents({ lo: 1, hi: 10, acked: 0 })).toBe(10);
    expect(waitingEvents({ lo: 1, hi: 10, acked: 4 })).toBe(6);
    expect(waitingEvents({ lo: 7, hi: 10, acked: 4 })).toBe(4);
    expect(waitingEvents({ lo: 7, hi: 10, acked: 12 })).toBe(0);
  });
});

function expectCountersMatch(db: Db): void {
  const jobs = Object.fromEntries((db.prepare('SELECT state, count(*) AS n FROM print_jobs GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
  const counted = jobCounts(db);
  expect(jobsNeedingCashier(db)).toBe(db.prepare("SELECT count(*) FROM print_jobs WHERE state = 'failed' AND next_attempt_at IS NULL").pluck().get());
  expect(oldestFailedJob(db)?.id).toBe(db.prepare("SELECT min(id) FROM print_jobs WHERE state = 'failed'").pluck().get() ?? undefined);
  for (const state of Object.keys(counted) as (keyof typeof counted)[]) expect(counted[state], state).toBe(jobs[state] ?? 0);
  const ledger = db
    .prepare("SELECT queue_id, kind, sum(amount_fen) AS a, sum(units) AS u, count(*) AS n FROM ledger WHERE kind IN ('clearing', 'cancellation', 'exchange_points', 'random_points') GROUP BY 1, 2 ORDER BY 1, 2")
    .all();
  expect(ledger.length).toBeGreaterThan(0);
  expect(db.prepare('SELECT queue_id, kind, amount_fen AS a, units AS u, rows AS n FROM ledger_totals WHERE rows > 0 ORDER BY 1, 2').all()).toEqual(ledger);
  const entries = db.prepare("SELECT q.id AS queue_id, q.next_seq - 1 AS n, (SELECT count(*) FROM entries e WHERE e.queue_id = q.id) AS counted, (SELECT count(*) FROM entries e WHERE e.queue_id = q.id AND state = 'completed') AS completed FROM queues q").all() as { n: number; counted: number; completed: number; queue_id: string }[];
  for (const q of entries) {
    expect(q.n).toBe(q.counted);
    expect(db.prepare('SELECT coalesce((SELECT n FROM entry_completed WHERE queue_id = ?), 0)').pluck().get(q.queue_id)).toBe(q.completed);
  }
}

describe('one clock (issue 15 §5)', () => {
  it('a receipt stamped by the register clock ahead of the wall clock is taken at once by a worker on the register clock', async () => {
    const h = openHarness();
    await readyToSell(h);
    h.clock.now = T0 + 10 * 60_000;
    await h.ok('checkout.submit', sale);
    // The wall clock steps back 10 minutes: the register's clock stays at its last operation.
    h.clock.now = T0;
    const db = h.backend.db;
    const onWall = new PrintWorker(db, { idleMs: 5, statusPollMs: 0, now: () => h.clock.now });
    expect(await onWall.step()).toBeGreaterThan(0);
    expect(jobCounts(db).pending).toBe(1);
    const onRegister = new PrintWorker(db, { idleMs: 5, statusPollMs: 0, now: () => h.backend.viewNow() });
    expect(await onRegister.step()).toBe(0);
    expect(jobCounts(db).previewed).toBe(1);
    h.close();
  });

  it('the shell wires the print worker to the register clock', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('electron/shell/main.ts', 'utf8')).toMatch(/new PrintWorker\(backend\.db, \{ now: \(\) => backend\.viewNow\(\)/);
  });
});
