/**
 * Issue 15 §1: the outbox of a register with no server set does not grow
 * without bound (docs/sync.md "Without a server"): events older than 90 days
 * go (acknowledged ones after 30), the seq through which unsent events went
 * is recorded in sync_state, and the purge runs in short batches off the
 * counter's path — never one giant DELETE.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { plainSecretBox } from '../../electron/backend/sync/config';
import { Outbox, UNSENT_RETENTION_DAYS } from '../../electron/backend/sync/outbox';
import { SyncSupervisor } from '../../electron/backend/sync/supervisor';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { Cleanup, createRegisterDb, tempDir, waitFor } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const DAY = 86_400_000;
const NOW = Date.parse('2027-06-01T12:00:00+08:00');

function registerDb(): Db {
  const db = openDatabase(path.join(tempDir(cleanup), 'register.db'));
  cleanup.add(() => db.close());
  return db;
}

/** `count` events spread evenly from `fromDaysAgo` to `toDaysAgo` (oldest first, seqs in time order). */
function addEvents(db: Db, count: number, fromDaysAgo: number, toDaysAgo: number): void {
  const insert = db.prepare("INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, 'q', 'order.checkout', ?, ?)");
  const first = (db.prepare('SELECT coalesce(max(seq), 0) FROM outbox').pluck().get() as number) + 1;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = NOW - fromDaysAgo * DAY + Math.floor(((fromDaysAgo - toDaysAgo) * DAY * i) / Math.max(1, count - 1));
      insert.run(`e-${first + i}`, at, JSON.stringify({ orderId: `o-${first + i}`, note: 'x'.repeat(200) }));
    }
  })();
}

const rows = (db: Db) => db.prepare('SELECT min(seq) AS lo, max(seq) AS hi, count(*) AS n, min(at) AS oldest FROM outbox').get() as { lo: number; hi: number; n: number; oldest: number };

describe('the outbox without a server', () => {
  it('one batch deletes at most maxRows of the oldest rows, only past 90 days (30 when acknowledged), and records the purged-through seq', () => {
    const db = registerDb();
    addEvents(db, 3_000, 400, 91); // older than 90 days
    addEvents(db, 500, 89, 0); // kept
    const outbox = new Outbox(db);
    expect(outbox.purgeWithoutServer(NOW, { maxRows: 1_000 })).toBe(1_000);
    expect(rows(db)).toMatchObject({ lo: 1_001, n: 2_500 });
    expect(outbox.state().purgedUnsentThroughSeq).toBe(1_000);
    expect(db.prepare('SELECT purged_unsent_at FROM sync_state').pluck().get()).toBe(NOW);
    while (outbox.purgeWithoutServer(NOW, { maxRows: 1_000 }) > 0);
    expect(rows(db)).toMatchObject({ lo: 3_001, hi: 3_500, n: 500 });
    expect(rows(db).oldest).toBeGreaterThanOrEqual(NOW - UNSENT_RETENTION_DAYS * DAY);
    expect(outbox.state().purgedUnsentThroughSeq).toBe(3_000);
    // What is left is still contiguous: the waiting count (min/max seq) is exact.
    expect(outbox.waiting()).toBe(500);

    // Acknowledged rows (a server was set once) go after 30 days; unacknowledged ones younger than 90 days stay.
    db.prepare('UPDATE sync_state SET last_acked_seq = 3300').run();
    while (outbox.purgeWithoutServer(NOW, { maxRows: 1_000 }) > 0);
    const left = rows(db);
    expect(left.hi).toBe(3_500);
    expect(db.prepare('SELECT count(*) FROM outbox WHERE seq <= 3300 AND at < ?').pluck().get(NOW - 30 * DAY)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM outbox WHERE seq > 3300').pluck().get()).toBe(200);
    // The acknowledged ones were sent: the purged-unsent mark does not move for them.
    expect(outbox.state().purgedUnsentThroughSeq).toBe(3_000);
    expect(outbox.waiting()).toBe(200);
  });

  it('an outbox younger than 90 days is left alone', () => {
    const db = registerDb();
    addEvents(db, 200, 80, 0);
    const outbox = new Outbox(db);
    expect(outbox.purgeWithoutServer(NOW)).toBe(0);
    expect(rows(db).n).toBe(200);
    expect(outbox.state().purgedUnsentThroughSeq).toBe(0);
  });

  it('the supervisor purges in batches, yielding between them: the event loop and new checkouts go on meanwhile', async () => {
    const db = registerDb();
    addEvents(db, 6_000, 500, 91);
    addEvents(db, 100, 30, 0);
    let statuses = 0;
    const supervisor = new SyncSupervisor(db, plainSecretBox, () => statuses++, { now: () => NOW }, undefined, { firstAfterMs: 60_000, batchRows: 500, pauseMs: 5 });
    cleanup.add(() => supervisor.stop());
    supervisor.refresh();
    // A "checkout" every millisecond while the purge runs: each commits between two batches.
    const inserted: number[] = [];
    let gaps = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const t = performance.now();
      gaps = Math.max(gaps, t - last);
      last = t;
      addEvents(db, 1, 0, 0);
      inserted.push(rows(db).hi);
    }, 1);
    const deleted = await supervisor.purgeWithoutServer();
    clearInterval(ticker);
    expect(deleted).toBe(6_000);
    // At least one checkout committed between batches (12 batches of 500, a pause after each).
    expect(inserted.length).toBeGreaterThanOrEqual(5);
    expect(rows(db).n).toBe(100 + inserted.length);
    expect(supervisor.status()).toMatchObject({ configured: false, waiting: 100 + inserted.length });
    expect(new Outbox(db).state().purgedUnsentThroughSeq).toBe(6_000);
    expect(statuses).toBeGreaterThanOrEqual(2);
    // No one batch held the loop long: the 1 ms ticker never waited a second (generous bound on a loaded machine).
    expect(gaps).toBeLessThan(1_000);
  });

  it('the supervisor runs the purge by itself after start (then hourly)', async () => {
    const db = registerDb();
    addEvents(db, 1_200, 300, 120);
    addEvents(db, 10, 10, 0);
    const supervisor = new SyncSupervisor(db, plainSecretBox, () => {}, { now: () => NOW }, undefined, { firstAfterMs: 20, batchRows: 500, pauseMs: 1 });
    cleanup.add(() => supervisor.stop());
    supervisor.refresh();
    await waitFor(() => rows(db).n === 10, 10_000, 'the scheduled purge');
    expect(new Outbox(db).state().purgedUnsentThroughSeq).toBe(1_200);
  });

  it('the supervisor does not purge unsent events while a server is set (the client sends them)', async () => {
    const db = createRegisterDb(path.join(tempDir(cleanup), 'register.db'), { url: 'ws://127.0.0.1:9' });
    cleanup.add(() => db.close());
    addEvents(db, 50, 200, 100);
    const fake = { on: () => fake, start: () => {}, stop: async () => {}, notify: () => {}, status: () => ({ connection: 'connecting', lastSyncAt: null, waiting: 50, lastError: null, problem: null }) };
    const supervisor = new SyncSupervisor(db, plainSecretBox, () => {}, { now: () => NOW }, () => fake as never, { firstAfterMs: 60_000 });
    cleanup.add(() => supervisor.stop());
    supervisor.refresh();
    expect(supervisor.status().configured).toBe(true);
    expect(await supervisor.purgeWithoutServer()).toBe(0);
    expect(rows(db).n).toBe(50);
  });
});
