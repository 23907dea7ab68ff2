/**
 * Real parts for the sync tests: register databases in temp dirs, outbox rows
 * written with SQL, the reference server in-process or as a child process
 * (so it can be SIGKILLed), the pos CLI as a child process, a TCP proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { plainSecretBox, writeSyncConfig } from '../../electron/backend/sync/config';
import type { CentralStore, StoredEvent } from '../../central/store';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOKEN = 'test-token-0123456789';
export const STORE = 'store-1';
export const REGISTER = 'register-1';
export const QUEUE = 'cashier-1';

/** Everything a test opened, closed again in reverse order by `cleanup()`. */
export class Cleanup {
  private readonly steps: (() => unknown)[] = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    while (this.steps.length > 0) {
      try {
        await this.steps.pop()!();
      } catch {
        // keep cleaning
      }
    }
  }
}

export function tempDir(cleanup: Cleanup): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sync-test-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A register database with one queue, configured to sync as STORE/REGISTER. */
export function createRegisterDb(file: string, options: { url?: string; registerId?: string } = {}): Db {
  const db = openDatabase(file);
  db.prepare(
    `INSERT INTO queues (id, base_settings, cashier_settings, next_seq, waiting_count, owed_fen, pool_fen, extracted_fen,
       paid_out_fen, undistributed_fen, forfeited_fen, exchanged_fen, points_issued, vouchers_issued)
     VALUES (?, ?, ?, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT DO NOTHING`,
  ).run(QUEUE, JSON.stringify({ extractionBp: 1000, defaultRatioBp: 10000 }), JSON.stringify({ extractionBp: 500, rebateName: '本店返利' }));
  writeSyncConfig(
    db,
    { storeId: STORE, registerId: options.registerId ?? REGISTER, token: TOKEN, ...(options.url ? { url: options.url } : {}) },
    plainSecretBox,
  );
  return db;
}

let orderCounter = 0;

/** Writes `count` outbox events the way the engine would (one row each); returns their ids in seq order. */
export function addOutboxEvents(db: Db, count: number, payloadBytes = 0): string[] {
  const insert = db.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)');
  const ids: string[] = [];
  const padding = 'x'.repeat(payloadBytes);
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const n = ++orderCounter;
      const payload = {
        orderId: `o-${n}`,
        memberId: n % 3 === 0 ? null : `m-${n % 17}`,
        amountDueFen: 10_000 + n,
        deductionFen: 0,
        actualPaidFen: 10_000 + n,
        extractedFen: 1000,
        payouts: [{ entryOrderId: `o-${n - 1}`, amountFen: 1000 }],
        ...(padding ? { note: padding } : {}),
      };
      insert.run(id, QUEUE, 'order.checkout', 1_760_000_000_000 + n, JSON.stringify(payload));
      ids.push(id);
    }
  })();
  return ids;
}

/** Events still to send (acknowledged rows stay in the outbox for the retention, docs/sync.md). */
export function outboxCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM outbox WHERE seq > (SELECT last_acked_seq FROM sync_state WHERE id = 1)').pluck().get() as number;
}

export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, what: string, intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function postJson<T = unknown>(url: string, body: unknown, token = TOKEN): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * The central server's view: every event exactly once, seq 1..n in arrival
 * order, with exactly the ids the register wrote, in the order it wrote them.
 */
export async function expectServerHoldsExactly(server: string | CentralStore, ids: string[], registerId = REGISTER): Promise<void> {
  const events =
    typeof server === 'string'
      ? (await getJson<{ events: StoredEvent[] }>(`${server}/events?store=${STORE}&register=${registerId}`)).events
      : server.events({ storeId: STORE, registerId });
  const problems: string[] = [];
  if (events.length !== ids.length) problems.push(`server holds ${events.length} events, the register wrote ${ids.length}`);
  const seen = new Set<string>();
  events.forEach((e, i) => {
    if (seen.has(e.id)) problems.push(`event ${e.id} held twice`);
    seen.add(e.id);
    if (e.seq !== i + 1) problems.push(`arrival #${i + 1} has seq ${e.seq}`);
    if (ids[i] !== e.id) problems.push(`arrival #${i + 1} is ${e.id}, expected ${ids[i]}`);
  });
  if (problems.length > 0) throw new Error(`server content is wrong:\n  ${problems.slice(0, 10).join('\n  ')}${problems.length > 10 ? `\n  … ${problems.length - 10} more` : ''}`);
}

/** A child process running TypeScript through tsx's loader (one process, so SIGKILL really kills it). */
export function spawnTs(script: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill(signal);
  await done;
}

/** The reference server as a child process; resolves once it printed its address. */
export async function spawnCentral(cleanup: Cleanup, dbPath: string, port: number, extra: string[] = []): Promise<{ child: ChildProcess; url: string; port: number }> {
  // Tokens never on argv (docs/security.md §3): the environment.
  const child = spawnTs('central/server.ts', ['--port', String(port), '--db', dbPath, ...extra], { env: { CENTRAL_TOKENS: TOKEN } });
  cleanup.add(() => kill(child));
  let buffer = '';
  const listening = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`central server did not start: ${buffer}`)), 15_000);
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
      reject(new Error(`central server exited with ${code}: ${child.output?.() ?? buffer}`));
    });
  });
  return { child, ...listening };
}

/** A port that was free a moment ago (for "server down at start"). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP proxy on 127.0.0.1 that can cut every open connection, optionally
 * after forwarding only part of the chunk in flight (a torn frame).
 */
interface ProxiedPair {
  client: net.Socket;
  upstream: net.Socket;
  tearNext: boolean;
}

export class CuttingProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<ProxiedPair>();
  /** Connections the proxy cut (each one counted once). */
  cuts = 0;
  connections = 0;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      const pair: ProxiedPair = { client, upstream, tearNext: false };
      this.pairs.add(pair);
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on('data', (chunk: Buffer) => {
          if (pair.tearNext && chunk.length > 1) {
            to.write(chunk.subarray(0, Math.floor(Math.random() * chunk.length)));
            this.destroy(pair, true);
            return;
          }
          to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      const close = () => this.destroy(pair, false);
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Cuts every open connection now, or with `tear` at its next chunk, part-way through it. */
  cut(tear = false): void {
    for (const pair of this.pairs) {
      if (pair.tearNext) continue;
      if (tear) pair.tearNext = true;
      else this.destroy(pair, true);
    }
  }

  private destroy(pair: ProxiedPair, byCut: boolean): void {
    if (!this.pairs.delete(pair)) return;
    if (byCut) this.cuts++;
    pair.client.destroy();
    pair.upstream.destroy();
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.destroy(pair, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
