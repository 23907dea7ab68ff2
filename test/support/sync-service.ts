/**
 * The real central service (central/service.ts) on PGlite for the
 * register-side sync tests: started in-process (so a test can watch each
 * commit) or as a child process of `npm run central` over a data folder (so
 * a test can SIGKILL it), registers enrolled with a one-time code the way an
 * alliance enrols them, and the service's view of a register's events read
 * back in arrival order. The old SQLite reference server is gone: these tests
 * exercise the product.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { addAdmin, addRegister, addStore } from '../../central/auth/registry';
import { openPglite, type SqlDb } from '../../central/db/adapter';
import { migrate } from '../../central/db/migrate';
import { startCentralService, type CentralService, type CentralServiceOptions } from '../../central/service';
import type { Db } from '../../electron/backend/store/database';
import { plainSecretBox, writeSyncConfig } from '../../electron/backend/sync/config';
import { enrolRegister } from '../../electron/backend/sync/enrol';
import { openTestDatabase, stopSharedPostgres } from '../central/databases';
import { enrolled } from '../central/fixtures';
import { Cleanup, REGISTER, STORE, createRegisterDb, kill, spawnTs, tempDir } from '../sync/helpers';

export interface HeldEvent {
  seq: number;
  id: string;
}

/** A register's events as the service holds them, in the order they arrived. */
export async function heldEvents(db: SqlDb, registerId = REGISTER, storeId = STORE): Promise<HeldEvent[]> {
  const { rows } = await db.query<HeldEvent>(
    `SELECT e.seq, e.event_id AS id FROM events e JOIN registers r ON r.id = e.register
     WHERE r.store_id = $1 AND r.register_id = $2 ORDER BY e.arrival`,
    [storeId, registerId],
  );
  return rows;
}

/** How many events of the register the service holds (0 before it ever sent). */
export async function heldCount(db: SqlDb, registerId = REGISTER, storeId = STORE): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM events e JOIN registers r ON r.id = e.register WHERE r.store_id = $1 AND r.register_id = $2',
    [storeId, registerId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * The service's view: every event exactly once, seq 1..n in arrival order,
 * with exactly the ids the register wrote, in the order it wrote them.
 */
export async function expectServerHoldsExactly(db: SqlDb, ids: string[], registerId = REGISTER): Promise<void> {
  const events = await heldEvents(db, registerId);
  const problems: string[] = [];
  if (events.length !== ids.length) problems.push(`server holds ${events.length} events, the register wrote ${ids.length}`);
  const seen = new Set<string>();
  events.forEach((e, i) => {
    if (seen.has(e.id)) problems.push(`event ${e.id} held twice`);
    seen.add(e.id);
    if (e.seq !== i + 1) problems.push(`arrival #${i + 1} has seq ${e.seq}`);
    if (ids[i] !== e.id) problems.push(`arrival #${i + 1} is ${e.id}, expected ${ids[i]}`);
  });
  expect(problems, 'server content').toEqual([]);
}

/** Adds the store (if new) and the register to the service's database: the one-time enrolment code. */
export async function enrolmentCode(db: SqlDb, registerId = REGISTER, storeId = STORE): Promise<string> {
  const now = Date.now();
  await db.transaction(async (tx) => {
    const { rows } = await tx.query('SELECT 1 FROM stores WHERE id = $1', [storeId]);
    if (rows.length === 0) await addStore(tx, storeId, `门店 ${storeId}`, now);
  });
  return (await db.transaction((tx) => addRegister(tx, storeId, registerId, now))).code;
}

/**
 * The hooks of a test file that runs the service: the file's shared PGlite
 * started before its tests (10–30 s on a loaded machine, so no single test
 * pays for it within its own timeout) and closed after them, and a Cleanup
 * run after each test. Call once, at the top of the file.
 */
export function syncServiceHooks(): Cleanup {
  const cleanup = new Cleanup();
  beforeAll(async () => {
    await (await openTestDatabase('PGlite')).close();
  });
  afterEach(() => cleanup.run());
  afterAll(() => stopSharedPostgres());
  return cleanup;
}

export interface SyncService {
  service: CentralService;
  db: SqlDb;
  url: string;
  port: number;
  /** Enrols the register database through the service's /enrol with a fresh code (address, ids and token saved together). */
  enrol(register: Db, registerId?: string): Promise<string>;
  /** A new register database in a temp dir (closed after the test), enrolled as REGISTER. */
  newRegister(): Promise<Db>;
  /** A token for a register without a database (bare socket.io clients). */
  token(registerId?: string): Promise<string>;
  /** An admin credential (made once). */
  adminToken(): Promise<string>;
  held(registerId?: string): Promise<number>;
  events(registerId?: string): Promise<HeldEvent[]>;
  expectHoldsExactly(ids: string[], registerId?: string): Promise<void>;
}

/**
 * The service in this process on a fresh PGlite schema (one PGlite per test
 * file: call `stopSharedPostgres` from test/central/databases.ts in afterAll),
 * or on `db` when given (a second start over the same data).
 */
export async function startSyncService(cleanup: Cleanup, options: Partial<CentralServiceOptions> = {}): Promise<SyncService> {
  let db = options.db;
  if (!db) {
    const opened = await openTestDatabase('PGlite');
    cleanup.add(() => opened.close());
    db = opened;
  }
  const service = await startCentralService({ port: 0, ...options, db });
  cleanup.add(() => service.close());
  return syncServiceOver(cleanup, service);
}

function syncServiceOver(cleanup: Cleanup, service: CentralService): SyncService {
  const { db } = service;
  let admin: Promise<string> | null = null;
  const enrol = async (register: Db, registerId = REGISTER) => {
    const code = await enrolmentCode(db, registerId);
    await enrolRegister(register, { url: service.url, code, box: plainSecretBox });
    return (register.prepare("SELECT value FROM app_meta WHERE key = 'sync.token'").pluck().get() as string).replace(/^plain:/, '');
  };
  return {
    service,
    db,
    url: service.url,
    port: service.port,
    enrol,
    async newRegister() {
      const register = createRegisterDb(path.join(tempDir(cleanup), 'register.db'));
      cleanup.add(() => register.close());
      await enrol(register);
      return register;
    },
    token: (registerId = REGISTER) => enrolled(db, STORE, registerId),
    adminToken: () => (admin ??= addAdmin(db, `test-${Date.now()}`, Date.now())),
    held: (registerId) => heldCount(db, registerId),
    events: (registerId) => heldEvents(db, registerId),
    expectHoldsExactly: (ids, registerId) => expectServerHoldsExactly(db, ids, registerId),
  };
}

/**
 * A PGlite data folder with the service's schema and REGISTER enrolled, for
 * a service run as a child process: the register database gets the token
 * (there is no service yet to call /enrol on); returns an admin credential.
 */
export async function prepareDataDir(dataDir: string, register: Db): Promise<{ adminToken: string }> {
  const db = await openPglite(dataDir);
  try {
    await migrate(db);
    const token = await enrolled(db, STORE, REGISTER);
    writeSyncConfig(register, { token }, plainSecretBox);
    return { adminToken: await addAdmin(db, 'test', Date.now()) };
  } finally {
    await db.close();
  }
}

/** The highest seq of REGISTER a running service holds, through its admin API. */
export async function heldSeqOver(url: string, adminToken: string): Promise<number> {
  const res = await fetch(`${url}/admin/registers`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`GET /admin/registers: HTTP ${res.status}`);
  const { registers } = (await res.json()) as { registers: { storeId: string; registerId: string; lastSeq: number }[] };
  return registers.find((r) => r.storeId === STORE && r.registerId === REGISTER)?.lastSeq ?? 0;
}

/** Opens a stopped service's data folder in this process and checks what it holds. */
export async function expectDataDirHoldsExactly(dataDir: string, ids: string[]): Promise<void> {
  const db = await openPglite(dataDir);
  try {
    await expectServerHoldsExactly(db, ids);
  } finally {
    await db.close();
  }
}

/** `npm run central` on a PGlite data folder as a child process (one process, so SIGKILL really kills it); resolves once it listens. */
export async function spawnSyncService(cleanup: Cleanup, dataDir: string, port = 0): Promise<{ child: ChildProcess; url: string; port: number }> {
  const child = spawnTs('central/main.ts', ['--port', String(port), '--data', dataDir]);
  cleanup.add(() => kill(child));
  let buffer = '';
  const listening = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the central service did not start: ${child.output()}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; port: number });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the central service exited with ${code}: ${child.output()}`));
    });
  });
  return { child, ...listening };
}
