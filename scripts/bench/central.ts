/**
 * `npx tsx scripts/bench/central.ts [--registers N] [--seconds S] [--offline N] [--offline-events N] [--offline-batch N] [--offline-inflight N] [--without-admission] [--targets postgres,pglite] [--cases steady,offline,mixed] [--server-node-args a,b]`
 * (also run by `npm run bench`): the central service on a real PostgreSQL
 * (started from Debian's package into a temp dir, fsync on) and on embedded
 * PGlite, in the same run. (It also ran the old SQLite reference server
 * beside them until that was retired; its last figures are in
 * docs/central.md, and `--targets reference` now only says so.)
 *
 *   steady   N registers (default 1 000) connected at once, each sending one
 *            checkout every 6 s (a busy counter: 600 an hour) for S seconds;
 *   offline  N registers (default 100) back after a day offline, each with a
 *            day of events (default 1 500), all sending at once in batches of 100 (--offline-batch),
 *            each asking the service to admit its large batches as the register's client does
 *            (--without-admission: as registers of before that), one batch awaiting its ack at a time (--offline-inflight);
 *   mixed    both at once: the 1 000 steady registers keep sending while 100
 *            other registers return from their day offline (starting 3 s
 *            in) — the steady registers' acks and the event loop while large
 *            batches are ingested (issue #13 §3).
 *
 * Each server runs as its own process (as in production), the simulated
 * registers in this one. Prints one JSON line per case: events/s, ack
 * p50/p99 (ms; in `mixed` apart for the steady registers and the returning
 * ones), the server's longest event-loop stall (monitorEventLoopDelay, read
 * from GET /admin/stats), the bench process's own (its 1 000 sockets share
 * the machine), events lost or duplicated (counted in the database
 * afterwards), the server's and PostgreSQL's CPU seconds, and the 1-minute
 * load average at the start and end of the case.
 * Unknown arguments (run-all passes its own to every bench) are ignored.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { addAdmin, addRegister, addStore, enrol } from '../../central/auth/registry';
import { openPglite, openPostgres, type SqlDb } from '../../central/db/adapter';
import { migrate } from '../../central/db/migrate';
import { MESSAGES, PROTOCOL_VERSION, type WireEvent } from '../../shared/sync/protocol';
import { checkoutEvent } from '../../test/support/checkout-event';
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
/** As the register client sends (electron/backend/sync/client.ts `batchSize`). */
const OFFLINE_BATCH = arg('offline-batch', 100);
/** Batches each returning register has awaiting their ack (the client's default is 8; 1 as in the earlier runs). */
const OFFLINE_IN_FLIGHT = arg('offline-inflight', 1);
/** The returning registers send as registers of before `sync:admit` did: without asking. */
const WITHOUT_ADMISSION = process.argv.includes('--without-admission');
const CHECKOUT_EVERY_MS = 6000;
const MIXED_BURST_AFTER_MS = 3000;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
function listArg(name: string, fallback: string): string[] {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1]! : fallback).split(',').filter(Boolean);
}
const TARGETS = listArg('targets', 'postgres,pglite');
/** Which cases to run (default all three, in this order). */
const CASES = listArg('cases', 'steady,offline,mixed') as ('steady' | 'offline' | 'mixed')[];
/** Extra node flags for the server process only, e.g. `--server-node-args --cpu-prof,--cpu-prof-dir=/tmp/prof` (a profile of the service under the burst). */
const SERVER_NODE_ARGS = listArg('server-node-args', '');

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0);
const round = (x: number) => Math.round(x * 10) / 10;
const load1 = () => round(loadavg()[0]!);

interface Target {
  name: string;
  /** The server's longest event-loop stall since the last call (ms, wall) and the most CPU one loop turn used (ms), when it can tell. */
  loopStall?: () => Promise<{ delayMs: number; busyMs: number }>;
  /** Processes whose CPU time is the server's, and the database's (PostgreSQL). */
  serverPids: () => number[];
  databasePids: () => number[];
  url: string;
  token(register: string): string;
  /** Stops the server. */
  close(): Promise<void>;
  /** Events held for these registers (after close; for lost / duplicated). */
  count(names: string[]): Promise<{ events: number; distinct: number }>;
  /** Releases the database (after counting). */
  dispose(): Promise<void>;
}

async function spawnServer(script: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, '--import', 'tsx', path.join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
        // Anything the server prints after (e.g. --trace-gc through --server-node-args) goes to our stderr.
        child.stdout!.removeAllListeners('data');
        child.stdout!.pipe(process.stderr);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * CPU seconds (user + system) the processes used so far, from /proc, with
 * their children that have exited (cutime + cstime: PostgreSQL backends of
 * closed connections count into the postmaster's).
 */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/** Our PostgreSQL server's processes: the postmaster (started with `-p PORT`) and its children (backends, writers). */
function postgresPids(port: number): number[] {
  const procs: { pid: number; ppid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      procs.push({ pid: Number(entry), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8') });
    } catch {
      // gone
    }
  }
  const postmaster = procs.find((p) => p.cmd.includes(`\0-p\0${port}\0`));
  return postmaster ? [postmaster.pid, ...procs.filter((p) => p.ppid === postmaster.pid).map((p) => p.pid)] : [];
}

async function connect(url: string, storeId: string, registerId: string, token: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { storeId, registerId, token, protocolVersion: PROTOCOL_VERSION, lastAckedSeq: 0 } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function connectAll(target: Target, names: string[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < names.length; i += 50) sockets.push(...(await Promise.all(names.slice(i, i + 50).map((n) => connect(target.url, 'BENCH', n, target.token(n))))));
  return sockets;
}

let failedBatches = 0;

async function send(socket: Socket, events: WireEvent[], latencies: number[]): Promise<boolean> {
  const t = performance.now();
  try {
    const ack = (await socket.timeout(180_000).emitWithAck(MESSAGES.batch, { events })) as { ok: boolean; error?: unknown };
    latencies.push(performance.now() - t);
    if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack.error)}`);
    return true;
  } catch (error) {
    failedBatches += 1;
    if (failedBatches <= 3) process.stderr.write(`central bench: a batch failed: ${String(error)}\n`);
    return false;
  }
}

/** Next seq per register name (the steady registers send in two cases). */
const nextSeq = new Map<string, number>();
/** Events acknowledged per register name, over every case of a target (for lost / duplicated). */
const acked = new Map<string, number>();
const ackedEvents = (name: string, n: number) => acked.set(name, (acked.get(name) ?? 0) + n);

/** Each register sends one checkout every CHECKOUT_EVERY_MS until `end`; returns the events acknowledged. */
async function steadyLoad(sockets: Socket[], names: string[], end: number, latencies: number[]): Promise<number> {
  let sent = 0;
  await Promise.all(
    sockets.map(async (socket, i) => {
      // Spread the registers over the interval so they do not all fire together.
      await new Promise((r) => setTimeout(r, (i * CHECKOUT_EVERY_MS) / sockets.length));
      while (performance.now() < end) {
        const next = performance.now() + CHECKOUT_EVERY_MS;
        const name = names[i]!;
        const seq = (nextSeq.get(name) ?? 0) + 1;
        nextSeq.set(name, seq);
        if (!(await send(socket, [checkoutEvent(name, seq, Date.now())], latencies))) return;
        sent += 1;
        ackedEvents(name, 1);
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next, end) - performance.now())));
      }
    }),
  );
  return sent;
}

interface BurstResult {
  latencies: number[];
  acked: Record<string, number>;
  failed: number;
  seconds: number;
  loopStallMaxMs: number;
}

/**
 * The returning registers (each a day's events in batches of OFFLINE_BATCH,
 * all at once) in a child process (central-parts/burst.ts): their large
 * encodings would otherwise stall this process and pollute the steady
 * registers' ack times. Resolves once they are connected; `go()` runs them.
 */
async function startBurst(target: Target, names: string[]): Promise<{ go(): Promise<BurstResult> }> {
  const config = { url: target.url, storeId: 'BENCH', registers: names.map((name) => ({ name, token: target.token(name) })), events: OFFLINE_EVENTS, batch: OFFLINE_BATCH, inFlight: OFFLINE_IN_FLIGHT, admission: !WITHOUT_ADMISSION };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/central-parts/burst.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_BURST: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      messages.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const next = async (key: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = messages.find((m) => m[key]);
      if (found) return found;
      const code = await Promise.race([new Promise<'more'>((resolve) => waiters.push(() => resolve('more'))), exited]);
      if (code !== 'more') throw new Error(`the burst process exited (${code}) before saying ${key}`);
    }
  };
  await next('ready');
  return {
    async go() {
      child.stdin!.write('go\n');
      return (await next('done')) as unknown as BurstResult;
    },
  };
}

async function runCase(target: Target, kind: 'steady' | 'offline' | 'mixed', steadyNames: string[], offlineNames: string[]): Promise<Record<string, unknown>> {
  const steadySockets = kind === 'offline' ? [] : await connectAll(target, steadyNames);
  const burstRun = kind === 'steady' ? null : await startBurst(target, offlineNames);
  const steadyLatencies: number[] = [];
  let burstLatencies: number[] = [];
  failedBatches = 0;
  await target.loopStall?.();
  const ownLoop = monitorEventLoopDelay({ resolution: 10 });
  ownLoop.enable();
  const loadStart = load1();
  const cpuBefore = { server: cpuSeconds(target.serverPids()), db: cpuSeconds(target.databasePids()) };
  const start = performance.now();
  let sent = 0;
  let burstSeconds: number | null = null;
  let burstLoopStallMs: number | null = null;
  const burst = async () => {
    const result = await burstRun!.go();
    burstLatencies = result.latencies;
    burstSeconds = result.seconds;
    burstLoopStallMs = result.loopStallMaxMs;
    failedBatches += result.failed;
    for (const [name, n] of Object.entries(result.acked)) {
      ackedEvents(name, n);
      sent += n;
    }
  };
  if (kind === 'steady') sent += await steadyLoad(steadySockets, steadyNames, start + SECONDS * 1000, steadyLatencies);
  else if (kind === 'offline') await burst();
  else {
    const steady = steadyLoad(steadySockets, steadyNames, start + SECONDS * 1000, steadyLatencies).then((n) => {
      sent += n;
    });
    await new Promise((r) => setTimeout(r, MIXED_BURST_AFTER_MS));
    await Promise.all([burst(), steady]);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = { server: cpuSeconds(target.serverPids()) - cpuBefore.server, db: cpuSeconds(target.databasePids()) - cpuBefore.db };
  ownLoop.disable();
  const stall = (await target.loopStall?.()) ?? null;
  const loadEnd = load1();
  for (const s of steadySockets) s.close();
  steadyLatencies.sort((a, b) => a - b);
  burstLatencies.sort((a, b) => a - b);
  const acks = kind === 'offline' ? burstLatencies : steadyLatencies;
  return {
    bench: 'central',
    case: kind,
    server: target.name,
    registers: steadySockets.length + (burstRun ? offlineNames.length : 0),
    events: sent,
    seconds: round(seconds),
    eventsPerSecond: Math.round(sent / seconds),
    // steady / offline: every ack; mixed: the steady registers' acks (the returning ones' below).
    ackP50Ms: round(pct(acks, 50)),
    ackP99Ms: round(pct(acks, 99)),
    ...(kind === 'mixed' ? { burstAckP50Ms: round(pct(burstLatencies, 50)), burstAckP99Ms: round(pct(burstLatencies, 99)), burstSeconds: burstSeconds === null ? null : round(burstSeconds) } : {}),
    failedBatches,
    // Wall time (includes waiting for a core on a loaded machine) and the CPU of the busiest loop turn.
    serverLoopStallMaxMs: stall?.delayMs ?? null,
    serverLoopBusyMaxMs: stall?.busyMs ?? null,
    // The steady registers' process and the returning registers' (their own stalls add to the ack times they measure).
    benchLoopStallMaxMs: round(ownLoop.max / 1e6),
    ...(burstLoopStallMs === null ? {} : { burstProcessLoopStallMaxMs: round(burstLoopStallMs) }),
    serverCpuSeconds: round(cpu.server),
    databaseCpuSeconds: round(cpu.db),
    loadAverage1m: [loadStart, loadEnd],
  };
}

/** Adds the registers and enrols each (before the server starts: PGlite is one process's). */
async function enrolAll(db: SqlDb, names: string[]): Promise<{ tokens: Map<string, string>; adminToken: string }> {
  await migrate(db);
  const now = Date.now();
  const tokens = new Map<string, string>();
  await db.transaction((tx) => addStore(tx, 'BENCH', '压测门店', now)).catch(() => {});
  for (const n of names) {
    const { code } = await db.transaction((tx) => addRegister(tx, 'BENCH', n, now));
    tokens.set(n, (await db.transaction((tx) => enrol(tx, code, now))).token);
  }
  return { tokens, adminToken: await addAdmin(db, 'bench', now) };
}

const countSql = `SELECT count(*) AS n, count(DISTINCT (register, seq)) AS d FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = ANY($1::text[])`;

async function countIn(db: SqlDb, names: string[]): Promise<{ events: number; distinct: number }> {
  const { rows } = await db.query<{ n: number; d: number }>(countSql, [names]);
  return { events: rows[0]!.n, distinct: rows[0]!.d };
}

function stallReader(url: string, adminToken: string): () => Promise<{ delayMs: number; busyMs: number }> {
  return async () => {
    const res = await fetch(`${url}/admin/stats`, { headers: { authorization: `Bearer ${adminToken}` } });
    const stats = (await res.json()) as { loopDelayMaxMs: number; loopBusyMaxMs: number };
    return { delayMs: stats.loopDelayMaxMs, busyMs: stats.loopBusyMaxMs };
  };
}

async function postgresTarget(names: string[]): Promise<Target> {
  const pg = await startPostgres({ durable: true });
  const databaseUrl = await pg.newDatabaseUrl();
  const db = openPostgres(databaseUrl, { max: 4 });
  const { tokens, adminToken } = await enrolAll(db, names);
  const { child, url } = await spawnServer('central/main.ts', ['--port', '0'], { CENTRAL_DATABASE_URL: databaseUrl });
  return {
    name: 'service (PostgreSQL)',
    url,
    loopStall: stallReader(url, adminToken),
    serverPids: () => [child.pid!],
    databasePids: () => postgresPids(pg.port),
    token: (n) => tokens.get(n)!,
    close: () => stopChild(child),
    count: (names) => countIn(db, names),
    dispose: async () => {
      await db.close();
      await pg.stop();
    },
  };
}

async function pgliteTarget(dir: string, names: string[]): Promise<Target> {
  const dataDir = path.join(dir, 'pglite');
  const setup = await openPglite(dataDir);
  const { tokens, adminToken } = await enrolAll(setup, names);
  await setup.close();
  const { child, url } = await spawnServer('central/main.ts', ['--port', '0', '--data', dataDir]);
  let reopened: SqlDb | null = null;
  return {
    name: 'service (PGlite)',
    url,
    loopStall: stallReader(url, adminToken),
    serverPids: () => [child.pid!],
    databasePids: () => [],
    token: (n) => tokens.get(n)!,
    close: () => stopChild(child),
    count: async (names) => {
      reopened ??= await openPglite(dataDir);
      return countIn(reopened, names);
    },
    dispose: async () => {
      await reopened?.close();
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'central-bench-'));
  const steady = Array.from({ length: REGISTERS }, (_, i) => `steady-${i}`);
  const offline = Array.from({ length: OFFLINE }, (_, i) => `offline-${i}`);
  const returning = Array.from({ length: OFFLINE }, (_, i) => `returning-${i}`);
  const all = [...steady, ...offline, ...returning];
  try {
    for (const which of TARGETS) {
      if (which === 'reference') {
        // The old SQLite reference server (central/server.ts) was retired; its last figures are in docs/central.md.
        process.stdout.write(`${JSON.stringify({ bench: 'central', case: 'skipped', server: 'reference (SQLite)', reason: 'the SQLite reference server was retired: no comparison any more' })}\n`);
        continue;
      }
      const target = which === 'postgres' ? await postgresTarget(all) : which === 'pglite' ? await pgliteTarget(dir, all) : null;
      if (!target) throw new Error(`unknown target ${which}: postgres, pglite`);
      nextSeq.clear();
      acked.clear();
      const lines: Record<string, unknown>[] = [];
      try {
        for (const kind of CASES) lines.push(await runCase(target, kind, steady, kind === 'mixed' ? returning : offline));
      } finally {
        await target.close();
      }
      for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
      // Every case's registers, counted in the database after the server stopped.
      const held = await target.count(all);
      const sent = [...acked.values()].reduce((a, b) => a + b, 0);
      process.stdout.write(
        `${JSON.stringify({
          bench: 'central',
          case: 'integrity',
          server: target.name,
          acknowledged: sent,
          // Acknowledged but not held (must be 0); held beyond what was acknowledged is a batch whose ack was lost (sent again in real life).
          lost: Math.max(0, sent - held.distinct),
          heldUnacknowledged: Math.max(0, held.distinct - sent),
          duplicated: held.events - held.distinct,
        })}\n`,
      );
      await target.dispose();
    }
  } finally {
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
