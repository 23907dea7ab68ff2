/** Shared parts of the console tests: an alliance on the real service (PostgreSQL), a signed-in HTTP session. */
import { addAdmin, addRegister, addStore } from '../../central/auth/registry';
import type { SqlDb } from '../../central/db/adapter';
import type { CentralService } from '../../central/service';
import type { DatabaseKind } from '../central/databases';
import { enrolled, rawClient, serviceOn, toWire } from '../central/fixtures';
import type { Cleanup } from '../sync/helpers';
import { DAY, engineWeek } from './seed';

/** The console's "now": a week after the seeded trading started. */
export const WEEK_START = Date.UTC(2026, 10, 20, 1, 0, 0);
export const NOW = WEEK_START + 7 * DAY;
export const PHONE_KEY = Buffer.alloc(32, 7);

export interface Alliance {
  db: SqlDb;
  service: CentralService;
  admin: string;
  tokens: { s1r1: string; s2r1: string };
  /** Moves the service's clock on. */
  advance(ms: number): void;
}

/** Two stores, three registers (one never enrolled, one silent for two days), a week of S001/R01's trading synced. */
export async function alliance(kind: DatabaseKind, cleanup: Cleanup): Promise<Alliance> {
  let clock = NOW;
  const { db, service } = await serviceOn(kind, cleanup, { now: () => clock++, phoneKey: PHONE_KEY });
  await db.transaction((tx) => addStore(tx, 'S001', '人民路店', NOW));
  await db.transaction((tx) => addStore(tx, 'S002', '解放路店', NOW));
  const s1r1 = await enrolled(db, 'S001', 'R01');
  const s2r1 = await enrolled(db, 'S002', 'R01');
  await db.transaction((tx) => addRegister(tx, 'S002', 'R02', NOW)); // a code never used
  const socket = await rawClient(cleanup, service.url, { storeId: 'S001', registerId: 'R01', token: s1r1 });
  const events = toWire(engineWeek('cashier-1', WEEK_START, 7, 6));
  const ack = (await socket.timeout(30_000).emitWithAck('sync:batch', { events })) as { ok: boolean };
  if (!ack.ok) throw new Error(`the seeded batch was refused: ${JSON.stringify(ack)}`);
  socket.close();
  // S002/R01 once sent a batch with a hole before it: refused (gap), counted for the console.
  const other = await rawClient(cleanup, service.url, { storeId: 'S002', registerId: 'R01', token: s2r1 });
  const gap = (await other.timeout(30_000).emitWithAck('sync:batch', { events: toWire(engineWeek('cashier-2', WEEK_START, 1, 2), 5) })) as { ok: boolean; error?: { code: string } };
  if (gap.ok || gap.error?.code !== 'gap') throw new Error(`the batch after a hole was not refused as a gap: ${JSON.stringify(gap)}`);
  // …and said it still held 1 500 events before it went quiet.
  other.emit('sync:status', { waiting: 1500 });
  for (let i = 0; i < 100 && (await db.query('SELECT 1 FROM registers WHERE outbox_waiting IS NOT NULL')).rows.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  other.close();
  for (let i = 0; i < 100 && (await db.query('SELECT 1 FROM register_refusals')).rows.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  // S002/R01 was enrolled and then went quiet two days ago.
  await db.query(`UPDATE registers SET last_seen_at = $1, last_sync_at = $1 WHERE store_id = 'S002' AND register_id = 'R01'`, [NOW - 2 * DAY]);
  await db.query(`UPDATE register_refusals SET last_at = $1`, [NOW - 2 * DAY]);
  await db.query(`UPDATE registers SET waiting_reported_at = $1 WHERE outbox_waiting IS NOT NULL`, [NOW - 2 * DAY]);
  const admin = await addAdmin(db, '运营小王', NOW);
  return { db, service, admin, tokens: { s1r1, s2r1 }, advance: (ms) => void (clock += ms) };
}

export interface HttpSession {
  cookie: string;
  csrf: string;
  get(path: string): Promise<Response>;
  post(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
}

export async function signIn(url: string, admin: string): Promise<HttpSession> {
  const login = await fetch(`${url}/console/login`, { method: 'POST', body: new URLSearchParams({ token: admin }), redirect: 'manual' });
  if (login.status !== 303) throw new Error(`login answered ${login.status}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const home = await (await fetch(`${url}/console`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(home)?.[1];
  if (!csrf) throw new Error('no CSRF token on the console page');
  return {
    cookie,
    csrf,
    get: (path) => fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' }),
    post: (path, fields, headers = {}) => fetch(`${url}${path}`, { method: 'POST', body: new URLSearchParams(fields), headers: { cookie, ...headers }, redirect: 'manual' }),
  };
}
