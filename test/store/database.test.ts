/**
 * The SQLite store: migrations tracked in user_version, a newer database
 * refused, the schema's own guards on money, the append-only ledger, and
 * `pos verify` naming each broken invariant.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkout, createQueue, randomEventId, seededRandom, type EngineContext } from '../../shared/engine/index';
import { DatabaseVersionError, openDatabase, schemaVersion, type Db } from '../../electron/backend/store/database';
import { MIGRATIONS } from '../../electron/backend/store/migrations/index';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';
import { verifyDatabase } from '../../electron/backend/store/verify';

const exec = promisify(execFile);
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qrc-db-'));
  path = join(dir, 'cashier.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function seeded(db: Db, orders = 5): SqliteQueueStore {
  const store = new SqliteQueueStore(db);
  const ctx: EngineContext = { store, queueId: 'q', timezone: 'Asia/Shanghai', random: seededRandom(1), newEventId: randomEventId };
  store.transaction(() => {
    createQueue(store, 'q', { base: { extractionBp: 1000 }, cashier: {} }, 0);
    store.putMember({ id: 'm1', level: 'gold' });
  });
  for (let i = 1; i <= orders; i++) {
    store.transaction(() => checkout(ctx, { orderId: `o${i}`, at: 1_000 * i, memberId: 'm1', amountDueFen: 10000 }));
  }
  return store;
}

describe('opening a database', () => {
  it('runs every migration once and records it in user_version', () => {
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    const again = openDatabase(path);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
  });

  it('refuses a database written by a newer version, and leaves it alone', () => {
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(path)).toThrow(/newer version/);
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    check.close();
  });

  it('a failing migration leaves the database at the last good version', () => {
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE t (x INTEGER); SELECT nonsense FROM nowhere;' }];
    expect(() => openDatabase(path, { migrations: broken })).toThrow();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('a table rebuild that would leave dangling references is rolled back; foreign keys are enforced again afterwards', () => {
    const base = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'parent and child', sql: 'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id)); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1);' }];
    openDatabase(path, { migrations: base }).close();
    const dropsParent = [...base, { version: base.length + 1, name: 'rebuild p, losing its row', sql: 'CREATE TABLE p2 (id INTEGER PRIMARY KEY); DROP TABLE p; ALTER TABLE p2 RENAME TO p;' }];
    expect(() => openDatabase(path, { migrations: dropsParent })).toThrow(/rebuild p, losing its row.*1 rows of c pointing at missing p/);
    const db = openDatabase(path, { migrations: base });
    expect(schemaVersion(db)).toBe(base.length);
    expect(db.prepare('SELECT count(*) AS n FROM p').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare('INSERT INTO c VALUES (2)').run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it("migration 013's rebuild of print_jobs stays linear: 20 000 jobs in seconds, not the hours of a quadratic DROP TABLE", () => {
    const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 12) });
    old.exec("INSERT INTO queues (id, next_seq, waiting_count, owed_fen, pool_fen, extracted_fen, paid_out_fen, undistributed_fen, forfeited_fen, exchanged_fen, points_issued, vouchers_issued) VALUES ('q', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
    old.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
      INSERT INTO print_jobs (queue_id, kind, state, created_at, updated_at) SELECT 'q', 'test', 'previewed', i, i FROM n`);
    old.close();
    const t0 = performance.now();
    const db = openDatabase(path, { migrations: MIGRATIONS.slice(0, 13) });
    const took = performance.now() - t0;
    expect(db.prepare('SELECT count(*) AS n FROM print_jobs').get()).toEqual({ n: 20_000 });
    db.close();
    // With foreign keys enforced the DROP TABLE checked every deleted job against every other (≈ 60 s here for 20 000).
    expect(took).toBeLessThan(15_000);
  });
});

describe('the schema guards money', () => {
  it('refuses fractional, negative and textual fen, and keeps the ledger append-only', () => {
    const db = openDatabase(path);
    seeded(db, 2);
    const row = "INSERT INTO ledger (queue_id, kind, at, order_id, entry_order_id, amount_fen, units) VALUES ('q', 'payout', 1, 'o1', 'o2', ?, 0)";
    expect(() => db.prepare(row).run(10.5)).toThrow(/INTEGER|datatype/i);
    expect(() => db.prepare(row).run(-1)).toThrow(/CHECK/);
    expect(() => db.prepare(row).run('abc')).toThrow(/INTEGER|datatype/i);
    expect(() => db.prepare('UPDATE ledger SET amount_fen = amount_fen + 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE entries SET received_fen = entitlement_fen + 1 WHERE order_id = 'o1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE orders SET actual_paid_fen = 1 WHERE id = 'o1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE entries SET state = 'completed' WHERE order_id = 'o2'").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('verify', () => {
  it('passes on a database the engine wrote', () => {
    const db = openDatabase(path);
    seeded(db, 20);
    expect(verifyDatabase(db)).toEqual([]);
    db.close();
  });

  it.each([
    ['a queue counter', "UPDATE queues SET paid_out_fen = paid_out_fen + 1", /extracted .* paid out|counters/],
    ['an entry paid behind the ledger’s back', "UPDATE entries SET received_fen = received_fen + 1 WHERE order_id = 'o3'", /ledger payouts/],
    ['the amount owed', "UPDATE queues SET owed_fen = owed_fen - 1", /owed/],
    ['the waiting count', 'UPDATE queues SET waiting_count = waiting_count + 1', /waiting/],
    ['an order’s extraction', "UPDATE orders SET extracted_fen = 7 WHERE id = 'o2'", /order o2/],
  ])('names the violation when %s is tampered with', (_, tamper, message) => {
    const db = openDatabase(path);
    seeded(db);
    db.exec(tamper);
    const violations = verifyDatabase(db);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.map((v) => `${v.rule}: ${v.detail}`).join('\n')).toMatch(message);
    db.close();
  });

  it('pos verify exits 0 on a good database and 1 naming each violation', async () => {
    const db = openDatabase(path);
    seeded(db);
    db.close();
    const cli = [join(__dirname, '..', '..', 'electron', 'backend', 'cli', 'pos.ts'), 'verify', '--db', path];
    const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const ok = await exec(tsx, cli, { timeout: 30_000 });
    expect(ok.stdout).toMatch(/every invariant holds/);
    const broken = new Database(path);
    broken.exec("UPDATE queues SET undistributed_fen = undistributed_fen + 5; UPDATE entries SET received_fen = 1 WHERE order_id = 'o5'");
    broken.close();
    const failed = await exec(tsx, cli, { timeout: 30_000 }).catch((e: { code: number; stdout: string }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stdout).toMatch(/VIOLATION \[Σ extracted/);
    expect(failed.stdout).toMatch(/VIOLATION \[an entry received exactly its payouts/);
  });

  it('pos verify refuses a missing database with a usage error', async () => {
    const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const result = await exec(tsx, [join(__dirname, '..', '..', 'electron', 'backend', 'cli', 'pos.ts'), 'verify', '--db', join(dir, 'none.db')], { timeout: 30_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect('code' in result && result.code).toBe(2);
    expect(result.stderr).toMatch(/no database/);
  });
});
