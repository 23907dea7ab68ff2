/** Migration 013 rebuilds print_jobs (new kind 'report'): every job, id, counter, index and trigger survives. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkout, createQueue, randomEventId, seededRandom, type EngineContext } from '../../shared/engine/index';
import { openDatabase } from '../../electron/backend/store/database';
import { MIGRATIONS } from '../../electron/backend/store/migrations/index';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';
import { verifyDatabase } from '../../electron/backend/store/verify';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qrc-m013-'));
  path = join(dir, 'cashier.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 013: print jobs may be shift reports', () => {
  it('keeps every existing print job with its id, reprint link, slip and state; counters and triggers still work', () => {
    const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 12) });
    const store = new SqliteQueueStore(old);
    const ctx: EngineContext = { store, queueId: 'q', timezone: 'Asia/Shanghai', random: seededRandom(1), newEventId: randomEventId };
    store.transaction(() => createQueue(store, 'q', { base: { extractionBp: 1000 }, cashier: {} }, 0));
    store.transaction(() => checkout(ctx, { orderId: 'o1', at: 1000, memberId: null, amountDueFen: 10000 }));
    const insert = old.prepare(
      `INSERT INTO print_jobs (queue_id, order_id, kind, copy, slip, reprint_of, state, printed_at, skip_reason, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)`,
    );
    insert.run('q', 'o1', 'receipt', 0, null, null, 'done', 5, null);
    insert.run('q', 'o1', 'receipt', 1, null, 1, 'skipped', null, '纸卡住');
    insert.run('q', 'o1', 'receipt', 0, 'refund', null, 'pending', null, null);
    insert.run('q', null, 'test', 0, null, null, 'failed', null, null);
    old.prepare('DELETE FROM print_jobs WHERE id = 4').run(); // the AUTOINCREMENT mark must stay past it
    insert.run('q', null, 'test', 0, null, null, 'failed', null, null);
    const before = old.prepare('SELECT id, queue_id, order_id, kind, copy, slip, reprint_of, state, skip_reason FROM print_jobs ORDER BY id').all();
    const countsBefore = old.prepare('SELECT * FROM print_job_counts ORDER BY state').all();
    old.close();

    // Migrated to 013 exactly (later migrations add their own indexes and triggers; 015 is checked at the end).
    const db = openDatabase(path, { migrations: MIGRATIONS.slice(0, 13) });
    expect(db.prepare('SELECT id, queue_id, order_id, kind, copy, slip, reprint_of, state, skip_reason FROM print_jobs ORDER BY id').all()).toEqual(before);
    expect(db.prepare('SELECT * FROM print_job_counts ORDER BY state').all()).toEqual(countsBefore);
    const names = (type: string) =>
      (db.prepare(`SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = 'print_jobs' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all(type) as { name: string }[]).map((r) => r.name);
    expect(names('index')).toEqual(['print_jobs_by_order', 'print_jobs_by_shift', 'print_jobs_due', 'print_jobs_open']);
    expect(names('trigger')).toEqual(['print_job_counts_delete', 'print_job_counts_insert', 'print_job_counts_update']);
    // The self-reference followed the rename.
    expect((db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'print_jobs'`).get() as { sql: string }).sql).not.toContain('print_jobs_new');
    expect(db.pragma('foreign_key_check')).toEqual([]);

    // A new job gets a fresh id, and the triggers count it.
    const id = Number(db.prepare(`INSERT INTO print_jobs (queue_id, order_id, kind, state, created_at, updated_at) VALUES ('q', NULL, 'test', 'pending', 2, 2)`).run().lastInsertRowid);
    expect(id).toBe(6);
    const pending = (db.prepare(`SELECT n FROM print_job_counts WHERE state = 'pending'`).get() as { n: number }).n;
    expect(pending).toBe(2);
    db.prepare(`UPDATE print_jobs SET state = 'done', printed_at = 3 WHERE id = ?`).run(id);
    expect((db.prepare(`SELECT n FROM print_job_counts WHERE state = 'pending'`).get() as { n: number }).n).toBe(1);

    // The CHECKs still hold: a receipt needs an order, a report needs its shift and figures.
    expect(() => db.prepare(`INSERT INTO print_jobs (queue_id, order_id, kind, state, created_at, updated_at) VALUES ('q', NULL, 'receipt', 'pending', 2, 2)`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO print_jobs (queue_id, kind, state, created_at, updated_at) VALUES ('q', 'report', 'pending', 2, 2)`).run()).toThrow(/CHECK/);
    db.close();

    // 015 counts the failed job waiting for the cashier (id 5) from the rows already there.
    const latest = openDatabase(path);
    expect(latest.prepare('SELECT n FROM print_jobs_needing_cashier').pluck().get()).toBe(1);
    // The full check (written for the latest schema) finds nothing wrong after the upgrade.
    expect(verifyDatabase(latest)).toEqual([]);
    latest.close();
  });
});
