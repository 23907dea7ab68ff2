/**
 * Real parts for the sync tests: register databases in temp dirs, outbox rows
 * written with SQL, child processes (the pos CLI, the central service) that
 * can be SIGKILLed. The central service itself: test/support/sync-service.ts;
 * the TCP proxy that cuts and delays: test/support/tcp-proxy.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { SyncClient, type SyncClientOptions } from '../../electron/backend/sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig, writeSyncConfig } from '../../electron/backend/sync/config';

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

/**
 * An `order.checkout` payload as the engine writes it for a paid order that
 * earned nothing (a walk-in): the smallest event the service's schema
 * (shared/sync/events.ts) accepts and projects.
 */
export function checkoutPayload(orderId: string, at: number, paidFen: number): Record<string, unknown> {
  return {
    order: {
      queueId: QUEUE,
      id: orderId,
      memberId: null,
      amountDueFen: paidFen,
      deductionFen: 0,
      actualPaidFen: paidFen,
      paidAt: at,
      settlement: 'payment',
      settledAt: at,
      extractedFen: 0,
      paidToQueueFen: 0,
      completedAt: null,
      autoCompleteAt: null,
      refundedAt: null,
      noEntitlementReason: 'walk-in',
    },
    entry: null,
    settlement: null,
    ledger: [],
  };
}

/**
 * A started SyncClient for the register database, sending to `url` (the
 * stored address may differ: a new port each start), quick to retry;
 * stopped after the test.
 */
export function startSyncClient(cleanup: Cleanup, db: Db, url: string, extra: Partial<SyncClientOptions> = {}): SyncClient {
  const config = completeSyncConfig({ ...readSyncConfig(db, plainSecretBox), url });
  const client = new SyncClient({ db, config, batchSize: 100, backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 100, ...extra });
  cleanup.add(() => client.stop());
  client.start();
  return client;
}

let orderCounter = 0;

/** Writes `count` outbox events the way the engine would (one row each); returns their ids in seq order. */
export function addOutboxEvents(db: Db, count: number): string[] {
  const insert = db.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)');
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const n = ++orderCounter;
      const at = 1_760_000_000_000 + n;
      const payload = checkoutPayload(`o-${n}`, at, 10_000 + n);
      insert.run(id, QUEUE, 'order.checkout', at, JSON.stringify(payload));
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


/** A port that was free a moment ago (for "server down at start"). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
