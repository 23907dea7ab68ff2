/**
 * `npx tsx scripts/bench/central.ts [--registers N] [--seconds S] [--offline N] [--offline-events N]`
 * (also run by `npm run bench`): the central service on a real PostgreSQL
 * (started from Debian's package into a temp dir, fsync on), side by side
 * with the SQLite reference server (the test double) in the same run:
 *
 *   steady   N registers (default 1 000) connected at once, each sending one
 *            checkout every 6 s (a busy counter: 600 an hour) for S seconds;
 *   offline  N registers (default 100) back after a day offline, each with a
 *            day of events (default 1 500), all sending at once in batches of 500.
 *
 * Each server runs as its own process (as in production), the simulated
 * registers in this one. Prints one JSON line per case: events/s, ack
 * p50/p99 (ms), batches that failed (and were not retried), events lost or
 * duplicated (counted in the database afterwards), the server process's CPU
 * seconds and, for PostgreSQL, the database processes' CPU seconds.
 * Unknown arguments (run-all passes its own to every bench) are ignored.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { addAdmin, addRegister, addStore, enrol } from '../../central/auth/registry';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { openPostgres, type SqlDb } from '../../central/db/adapter';
import { migrate } from '../../central/db/migrate';
import { MESSAGES, PROTOCOL_VERSION, type WireEvent } from '../../shared/sync/protocol';
import { startPostgres } from '../../test/central/databases';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}
const REGISTERS = arg('registers', 1000);
const SECONDS = arg('seconds', 20);
const OFFLINE = arg('offline', 100);
const OFFLINE_EVENTS = arg('offline-events', 1500);
const CHECKOUT_EVERY_MS = 6000;
const REF_TOKEN = 'bench-reference-token';

/** A valid order.checkout event (docs/sync.md "Event payloads"): a 100.00 order joining the line, 10 % extracted. */
function checkoutEvent(register: string, seq: number, at: number): WireEvent {
  const orderId = `${register}-o${seq}`;
  const queueId = 'cashier-1';
  return {
    id: `${register}-e${seq}`,
    seq,
    queueId,
    type: 'order.checkout',
    at,
    payload: {
      order: { queueId, id: orderId, memberId: null, amountDueFen: 10_000, deductionFen: 0, actualPaidFen: 10_000, paidAt: at, settlement: 'payment', settledAt: at, extractedFen: 1000, paidToQueueFen: 1000, completedAt: null, autoCompleteAt: null, refundedAt: null, noEntitlementReason: null },
      entry: { queueId, seq, orderId, memberId: null, joinedAt: at, position: 1, aheadFen: 0, baseFen: 10_000, ratioBp: 10_000, rule: 'base.default', drawPending: false, lottery: null, drawnAt: null, entitlementFen: 10_000, receivedFen: 0, state: 'waiting', finishedAt: null, orderCompleted: false },
      settlement: { extractedFen: 1000, poolUsedFen: 0, payouts: seq > 1 ? [{ entryOrderId: `${register}-o${seq - 1}`, amountFen: 1000, completed: false }] : [], paidFen: seq > 1 ? 1000 : 0, leftoverFen: seq > 1 ? 0 : 1000, leftoverTo: seq > 1 ? null : 'undistributed' },
      ledger: [
        { queueId, kind: 'extraction', at, orderId, entryOrderId: null, amountFen: 1000, units: 0 },
        seq > 1
          ? { queueId, kind: 'payout', at, orderId, entryOrderId: `${register}-o${seq - 1}`, amountFen: 1000, units: 0 }
          : { queueId, kind: 'undistributed', at, orderId, entryOrderId: null, amountFen: 1000, units: 0 },
      ],
    },
  };
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0);
const round = (x: number) => Math.round(x * 10) / 10;

interface Target {
  name: string;
  /** The server's longest event-loop stall since the last call (ms), when it can tell. */
  loopStall?: () => Promise<number | null>;
  /** Processes whose CPU time is the server's, and the database's (PostgreSQL). */
  serverPids: () => number[];
  databasePids: () => number[];
  url: string;
  token(register: string): string;
  /** Events held per register afterwards (for lost / duplicated). */
  count(names: string[]): Promise<{ events: number; distinct: number }>;
  close(): Promise<void>;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

async function spawnServer(script: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${out}`)), 120_000);
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
  });
}

/** CPU seconds (user + system) a process and its children used so far, from /proc. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

async function connect(url: string, storeId: string, registerId: string, token: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { storeId, registerId, token, protocolVersion: PROTOCOL_VERSION, lastAckedSeq: 0 } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

let failedBatches = 0;

async function send(socket: Socket, events: WireEvent[], latencies: number[]): Promise<boolean> {
  const t = performance.now();
  try {
    const ack = (await socket.timeout(120_000).emitWithAck(MESSAGES.batch, { events })) as { ok: boolean; error?: unknown };
    latencies.push(performance.now() - t);
    if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack.error)}`);
    return true;
  } catch (error) {
    failedBatches += 1;
    if (failedBatches <= 3) process.stderr.write(`central bench: a batch failed: ${String(error)}\n`);
    return false;
  }
}

async function runCase(target: Target, kind: 'steady' | 'offline', names: string[]): Promise<void> {
  const sockets = [];
  for (let i = 0; i < names.length; i += 50) sockets.push(...(await Promise.all(names.slice(i, i + 50).map((n) => connect(target.url, 'BENCH', n, target.token(n))))));
  const latencies: number[] = [];
  failedBatches = 0;
  await target.loopStall?.();
  const cpuBefore = { server: cpuSeconds(target.serverPids()), db: cpuSeconds(target.databasePids()) };
  const start = performance.now();
  let sent = 0;
  if (kind === 'steady') {
    const end = start + SECONDS * 1000;
    await Promise.all(
      sockets.map(async (socket, i) => {
        let seq = 0;
        // Spread the registers over the interval so they do not all fire together.
        await new Promise((r) => setTimeout(r, (i * CHECKOUT_EVERY_MS) / sockets.length));
        while (performance.now() < end) {
          const next = performance.now() + CHECKOUT_EVERY_MS;
          seq += 1;
          if (!(await send(socket, [checkoutEvent(names[i]!, seq, Date.now())], latencies))) return;
          sent += 1;
          await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
        }
      }),
    );
  } else {
    const day = Date.now() - 86_400_000;
    await Promise.all(
      sockets.map(async (socket, i) => {
        for (let from = 1; from <= OFFLINE_EVENTS; from += 500) {
          const batch = [];
          for (let s = from; s < from + 500 && s <= OFFLINE_EVENTS; s++) batch.push(checkoutEvent(names[i]!, s, day + s * 20_000));
          if (!(await send(socket, batch, latencies))) return;
          sent += batch.length;
        }
      }),
    );
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = { server: cpuSeconds(target.serverPids()) - cpuBefore.server, db: cpuSeconds(target.databasePids()) - cpuBefore.db };
  for (const s of sockets) s.close();
  latencies.sort((a, b) => a - b);
  const held = await target.count(names);
  const stall = (await target.loopStall?.()) ?? null;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'central',
      case: kind,
      server: target.name,
      registers: names.length,
      events: sent,
      seconds: round(seconds),
      eventsPerSecond: Math.round(sent / seconds),
      ackP50Ms: round(pct(latencies, 50)),
      ackP99Ms: round(pct(latencies, 99)),
      // Acknowledged but not held (must be 0); held beyond what was acknowledged is a batch whose ack was lost (sent again in real life).
      lost: Math.max(0, sent - held.distinct),
      heldUnacknowledged: Math.max(0, held.distinct - sent),
      duplicated: held.events - held.distinct,
      failedBatches,
      serverLoopStallMaxMs: stall,
      serverCpuSeconds: round(cpu.server),
      databaseCpuSeconds: round(cpu.db),
    })}\n`,
  );
}

async function serviceTarget(db: SqlDb, databaseUrl: string, names: string[]): Promise<Target> {
  await migrate(db);
  const now = Date.now();
  const tokens = new Map<string, string>();
  await db.transaction((tx) => addStore(tx, 'BENCH', '压测门店', now)).catch(() => {});
  for (const n of names) {
    const { code } = await db.transaction((tx) => addRegister(tx, 'BENCH', n, now));
    tokens.set(n, (await db.transaction((tx) => enrol(tx, code, now))).token);
  }
  const adminToken = await addAdmin(db, 'bench', now);
  const { child, url } = await spawnServer('central/main.ts', ['--port', '0'], { CENTRAL_DATABASE_URL: databaseUrl });
  return {
    name: 'service (PostgreSQL)',
    url,
    loopStall: async () => {
      const res = await fetch(`${url}/admin/stats`, { headers: { authorization: `Bearer ${adminToken}` } });
      return ((await res.json()) as { loopDelayMaxMs: number }).loopDelayMaxMs;
    },
    serverPids: () => [child.pid!],
    databasePids: postgresPids,
    token: (n) => tokens.get(n)!,
    count: async (names) => {
      const { rows } = await db.query<{ n: number; d: number }>(
        `SELECT count(*) AS n, count(DISTINCT (register, seq)) AS d FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = ANY($1::text[])`,
        [names],
      );
      return { events: rows[0]!.n, distinct: rows[0]!.d };
    },
    close: async () => {
      child.kill('SIGTERM');
    },
  };
}

async function referenceTarget(dir: string): Promise<Target> {
  const file = path.join(dir, 'reference.db');
  const { child, url } = await spawnServer('central/server.ts', ['--port', '0', '--db', file], { CENTRAL_TOKENS: REF_TOKEN });
  return {
    name: 'reference (SQLite)',
    url,
    serverPids: () => [child.pid!],
    databasePids: () => [],
    token: () => REF_TOKEN,
    count: async (names) => {
      const db = new Database(file, { readonly: true });
      try {
        const row = db
          .prepare(`SELECT count(*) AS n, count(DISTINCT e.register || ':' || e.seq) AS d FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id IN (SELECT value FROM json_each(?))`)
          .get(JSON.stringify(names)) as { n: number; d: number };
        return { events: row.n, distinct: row.d };
      } finally {
        db.close();
      }
    },
    close: async () => {
      child.kill('SIGTERM');
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'central-bench-'));
  const pg = await startPostgres({ durable: true });
  const databaseUrl = await pg.newDatabaseUrl();
  const db = openPostgres(databaseUrl, { max: 4 });
  try {
    const steady = Array.from({ length: REGISTERS }, (_, i) => `steady-${i}`);
    const offline = Array.from({ length: OFFLINE }, (_, i) => `offline-${i}`);
    const service = await serviceTarget(db, databaseUrl, [...steady, ...offline]);
    const reference = await referenceTarget(dir);
    for (const target of [service, reference]) {
      await runCase(target, 'steady', steady);
      await runCase(target, 'offline', offline);
    }
    await service.close();
    await reference.close();
  } finally {
    await db.close();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`central bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
