/**
 * A central service rebuilt from its registers (issue 14 §2), on real
 * PostgreSQL with three registers of two stores:
 *
 *  1. the registers sync a day each; the operator backs the database up with
 *     `pg_dump` while the service runs;
 *  2. the registers sync more (the backup misses it); one register also sells
 *     while the service is down;
 *  3. the database is lost; `pg_restore` into a new database; the service
 *     starts on it (its epoch moves on: a new database oid);
 *  4. each register reconnects: the service sees from the hello that it lost
 *     events, asks for them again (`sync:resend`), and takes what is new.
 *
 * Then the service holds every event of every register exactly once, in seq
 * order with the registers' ids, and its projections (orders, entries, each
 * register's money, the stores' liability) equal those of a service that
 * never lost anything: a second database fed the same registers' events.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addRegister, addStore } from '../../central/auth/registry';
import { storesPage } from '../../central/admin/reads';
import { openPostgres, type SqlDb } from '../../central/db/adapter';
import { startCentralService, type CentralService } from '../../central/service';
import { enrolRegister } from '../../electron/backend/sync/enrol';
import { completeSyncConfig, plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { SyncClient } from '../../electron/backend/sync/client';
import type { Db } from '../../electron/backend/store/database';
import { Cleanup, createRegisterDb, outboxCount, tempDir, waitFor } from '../sync/helpers';
import { engineDay } from '../central/fixtures';
import { startPostgres, type TestPostgres } from '../central/databases';

/** A fixed "now" for the liability's last-7-days figures, so both services are read alike. */
const T_NOW = Date.UTC(2026, 10, 3);
const PG_BIN = process.env.CENTRAL_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const cleanup = new Cleanup();
afterEach(() => cleanup.run());
let pg: TestPostgres | null = null;
afterAll(async () => pg?.stop());

const REGISTERS = [
  { storeId: 'S1', registerId: 'R1' },
  { storeId: 'S1', registerId: 'R2' },
  { storeId: 'S2', registerId: 'R3' },
] as const;

interface Register {
  storeId: string;
  registerId: string;
  db: Db;
}

/** Writes a day of real engine events into the register's outbox (its own queue per phase). */
function sell(reg: Register, phase: string, orders: number): void {
  const events = engineDay(`${reg.registerId}-${phase}`, orders, `${reg.registerId}${phase}-`).events;
  const insert = reg.db.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)');
  // Stamped now: the register keeps acknowledged events 30 days by this time (the engine's day is in the past).
  reg.db.transaction(() => {
    for (const e of events) insert.run(e.id, e.queueId, e.type, Date.now(), JSON.stringify(e.payload));
  })();
}

async function held(db: SqlDb, registerId: string): Promise<number> {
  const { rows } = await db.query<{ last_seq: number }>('SELECT last_seq FROM registers WHERE register_id = $1', [registerId]);
  return Number(rows[0]?.last_seq ?? -1);
}

/** Syncs every register until the service holds all it numbered. */
async function syncAll(registers: Register[], service: CentralService, what: string): Promise<void> {
  const clients = registers.map((reg) => {
    const config = completeSyncConfig({ ...readSyncConfig(reg.db, plainSecretBox), url: service.url });
    const client = new SyncClient({ db: reg.db, config, batchSize: 7, backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 50 });
    client.start();
    return client;
  });
  try {
    await waitFor(
      async () => {
        for (const reg of registers) {
          const numbered = reg.db.prepare('SELECT max(seq) FROM outbox').pluck().get() as number;
          if (outboxCount(reg.db) !== 0 || (await held(service.db, reg.registerId)) !== numbered) return null;
        }
        return true;
      },
      60_000,
      what,
    ).catch(async (error: unknown) => {
      const state = await Promise.all(registers.map(async (r, i) => `${r.registerId}: numbered ${String(r.db.prepare('SELECT max(seq) FROM outbox').pluck().get())}, held ${await held(service.db, r.registerId)}, ${JSON.stringify(clients[i]!.status())}`));
      throw new Error(`${String(error)}\n${state.join('\n')}`);
    });
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
  }
}

async function enrolAll(db: SqlDb, url: string, dir: string, name: string): Promise<Register[]> {
  const now = Date.now();
  for (const storeId of ['S1', 'S2']) await db.transaction((tx) => addStore(tx, storeId, `门店 ${storeId}`, now));
  const registers: Register[] = [];
  for (const r of REGISTERS) {
    const { code } = await db.transaction((tx) => addRegister(tx, r.storeId, r.registerId, now));
    const regDb = createRegisterDb(path.join(dir, `${name}-${r.registerId}.db`));
    cleanup.add(() => regDb.close());
    await enrolRegister(regDb, { url, code, box: plainSecretBox });
    registers.push({ ...r, db: regDb });
  }
  return registers;
}

function run(bin: string, args: string[]): void {
  const result = spawnSync(path.join(PG_BIN, bin), args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${bin} failed: ${result.stderr || result.stdout}`);
}

/** The projections, keyed by store and register names (the bigint register ids differ between databases). */
async function projections(db: SqlDb): Promise<Record<string, unknown[]>> {
  // Every column but the bigint register id, which differs between the two databases.
  const q = async (sql: string) =>
    (await db.query<Record<string, unknown>>(sql)).rows.map(({ register: _register, ...row }) => JSON.parse(JSON.stringify(row)) as unknown);
  return {
    orders: await q('SELECT r.register_id, o.* FROM orders o JOIN registers r ON r.id = o.register ORDER BY r.register_id, o.queue_id, o.order_id'),
    entries: await q('SELECT r.register_id, e.* FROM entries e JOIN registers r ON r.id = e.register ORDER BY r.register_id, e.queue_id, e.order_id'),
    money: await q('SELECT r.register_id, m.* FROM register_money m JOIN registers r ON r.id = m.register ORDER BY r.register_id'),
    // What the operator reads: each store's liability (owed, paid out, forfeited, e/r, the tail's wait).
    liability: await storesPage(db, '', 100, T_NOW),
  };
}

describe('a central service restored from a pg_dump backup (PostgreSQL, three registers)', () => {
  it('is sent again what it lost, ends with every event exactly once, and its projections equal a service that lost nothing', async () => {
    pg = await startPostgres();
    const dir = tempDir(cleanup);
    const liveUrl = await pg.newDatabaseUrl();
    let db = openPostgres(liveUrl);
    let service = await startCentralService({ db, port: 0 });
    const registers = await enrolAll(db, service.url, dir, 'live');
    const epochOf = async (d: SqlDb) => (await d.query<{ epoch: string }>('SELECT epoch FROM service_epoch')).rows[0]!.epoch;
    const epochBefore = await epochOf(db);

    for (const reg of registers) sell(reg, 'a', 10);
    await syncAll(registers, service, 'day 1 at the service');
    const backup = path.join(dir, 'central.dump');
    run('pg_dump', ['--format=custom', '--file', backup, liveUrl]);
    const atBackup = await Promise.all(registers.map((r) => held(db, r.registerId)));

    for (const reg of registers) sell(reg, 'b', 8);
    await syncAll(registers, service, 'day 2 at the service (not in the backup)');
    await service.close();
    await db.close();
    // Sold while the service is down: never sent before the restore.
    sell(registers[2]!, 'c', 5);

    // The database is lost; the backup goes into a new database.
    const restoredUrl = await pg.newDatabaseUrl();
    run('pg_restore', ['--no-owner', '--dbname', restoredUrl, backup]);
    db = openPostgres(restoredUrl);
    cleanup.add(() => db.close());
    service = await startCentralService({ db, port: 0 });
    cleanup.add(() => service.close());
    expect(await epochOf(db)).not.toBe(epochBefore);
    expect(await Promise.all(registers.map((r) => held(db, r.registerId)))).toEqual(atBackup);

    await syncAll(registers, service, 'every register sent again what the restore lost');

    for (const reg of registers) {
      const ids = reg.db.prepare('SELECT event_id FROM outbox ORDER BY seq').pluck().all() as string[];
      const { rows } = await db.query<{ n: number; ids: number; lo: number; hi: number }>(
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, min(seq) AS lo, max(seq) AS hi
         FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = $1`,
        [reg.registerId],
      );
      expect(rows[0]!, reg.registerId).toEqual({ n: ids.length, ids: ids.length, lo: 1, hi: ids.length });
      const heldIds = await db.query<{ event_id: string }>(
        'SELECT event_id FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = $1 ORDER BY seq',
        [reg.registerId],
      );
      expect(heldIds.rows.map((r) => r.event_id), reg.registerId).toEqual(ids);
    }

    // A service that never lost anything: the same registers' events, sent once, to a database of its own.
    const controlDb = openPostgres(await pg.newDatabaseUrl());
    cleanup.add(() => controlDb.close());
    const control = await startCentralService({ db: controlDb, port: 0 });
    cleanup.add(() => control.close());
    const twins = await enrolAll(controlDb, control.url, dir, 'twin');
    for (const [i, twin] of twins.entries()) {
      const rows = registers[i]!.db.prepare('SELECT seq, event_id, queue_id, type, at, payload FROM outbox ORDER BY seq').all();
      const insert = twin.db.prepare('INSERT INTO outbox (seq, event_id, queue_id, type, at, payload) VALUES (@seq, @event_id, @queue_id, @type, @at, @payload)');
      twin.db.transaction(() => rows.forEach((r) => insert.run(r)))();
    }
    await syncAll(twins, control, 'the twin registers at the control service');
    const restored = await projections(db);
    expect((restored.orders as unknown[]).length).toBe(3 * 18 + 5);
    expect(restored).toEqual(await projections(controlDb));
  }, 240_000);
});
