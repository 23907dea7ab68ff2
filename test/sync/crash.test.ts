/**
 * Kill -9 in the middle: the central service (PGlite in its data folder) as a
 * child process killed mid-batch and restarted; the `pos sync` CLI as a child process killed
 * mid-batch and restarted. Afterwards the server holds every event exactly
 * once, in order, and the outbox is empty. Also the CLI's exit codes.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectDataDirHoldsExactly, heldSeqOver, prepareDataDir, spawnSyncService, startSyncService, syncServiceHooks } from '../support/sync-service';
import { TOKEN, addOutboxEvents, createRegisterDb, exited, freePort, kill, outboxCount, spawnTs, startSyncClient, tempDir, waitFor } from './helpers';

const cleanup = syncServiceHooks();
const randomMs = (max: number) => new Promise((r) => setTimeout(r, Math.random() * max));

describe('crashes in the middle of a batch', () => {
  it('server killed (SIGKILL) mid-batch and restarted, three times: nothing lost, nothing twice', async () => {
    const dir = tempDir(cleanup);
    const data = path.join(dir, 'central-data');
    const db = createRegisterDb(path.join(dir, 'register.db'));
    cleanup.add(() => db.close());
    const { adminToken } = await prepareDataDir(data, db);
    let central = await spawnSyncService(cleanup, data);
    const port = central.port;
    const ids = addOutboxEvents(db, 3000);
    const client = startSyncClient(cleanup, db, central.url, { ackTimeoutMs: 2_000 });

    for (let round = 1; round <= 3; round++) {
      await waitFor(async () => (await heldSeqOver(central.url, adminToken)) >= round * 600, 60_000, `the server to hold ${round * 600} events`);
      await randomMs(20);
      await kill(central.child);
      await waitFor(() => !client.status().online, 5_000, 'the client to notice');
      expect(outboxCount(db)).toBeGreaterThan(0);
      // The same data folder on the same port: PostgreSQL's own crash recovery, then the register resends.
      central = await spawnSyncService(cleanup, data, port);
    }
    await waitFor(() => outboxCount(db) === 0, 60_000, 'the outbox to empty');
    await kill(central.child, 'SIGTERM');
    await expectDataDirHoldsExactly(data, ids);
  }, 300_000);

  it('client (pos sync) killed (SIGKILL) mid-batch and restarted, three times: nothing lost, nothing twice', async () => {
    const dir = tempDir(cleanup);
    // Round 1 kills the client right after the server committed a batch and
    // before the ack left; rounds 2 and 3 at a random moment.
    let duplicates = 0;
    let killAfterCommit: (() => void) | null = null;
    const server = await startSyncService(cleanup, {
      // Called after the commit and before the ack goes: a SIGKILL here loses the ack, never the events.
      onBatchCommitted: (_register, answer) => {
        if (answer.ok) duplicates += answer.duplicates;
        killAfterCommit?.();
        killAfterCommit = null;
      },
    });
    const dbPath = path.join(dir, 'register.db');
    const db = createRegisterDb(dbPath);
    cleanup.add(() => db.close());
    await server.enrol(db);
    const ids = addOutboxEvents(db, 3000);
    const runCli = () => {
      const child = spawnTs('electron/backend/cli/pos.ts', ['sync', '--db', dbPath, '--server', server.url, '--until-empty', '--batch-size', '100', '--timeout', '120']);
      cleanup.add(() => kill(child));
      return child;
    };

    for (let round = 1; round <= 3; round++) {
      const child = runCli();
      await waitFor(async () => (await server.held()) >= round * 700, 60_000, `the server to hold ${round * 700} events`);
      if (round === 1) {
        await new Promise<void>((resolve) => (killAfterCommit = () => (child.kill('SIGKILL'), resolve())));
      } else {
        await randomMs(25);
      }
      await kill(child);
      expect(child.signalCode).toBe('SIGKILL');
      expect(outboxCount(db)).toBeGreaterThan(0);
    }
    const last = runCli();
    expect(await exited(last)).toBe(0);
    expect(last.output()).toMatch(/pos sync: outbox empty/);
    expect(outboxCount(db)).toBe(0);
    await server.expectHoldsExactly(ids);
    // What was committed but never acknowledged came again and was recognised.
    expect(duplicates).toBeGreaterThanOrEqual(100);
  }, 300_000);
});

describe('pos sync --until-empty', () => {
  it('exits 1 with a clear message when the server cannot be reached in time', async () => {
    const dir = tempDir(cleanup);
    const dbPath = path.join(dir, 'register.db');
    const db = createRegisterDb(dbPath);
    addOutboxEvents(db, 5);
    db.close();
    const port = await freePort();
    const child = spawnTs('electron/backend/cli/pos.ts', ['sync', '--db', dbPath, '--server', `http://127.0.0.1:${port}`, '--until-empty', '--timeout', '2'], { env: { POS_SYNC_TOKEN: TOKEN } });
    cleanup.add(() => kill(child));
    expect(await exited(child)).toBe(1);
    expect(child.output()).toMatch(/pos sync: gave up after 2 s: 5 event\(s\) still in the outbox; last error: cannot reach http:\/\/127\.0\.0\.1:\d+/);
  }, 20_000);

  it('exits 1 at once when the server refuses the token, and refuses insecure addresses before dialling', async () => {
    const dir = tempDir(cleanup);
    const server = await startSyncService(cleanup);
    const dbPath = path.join(dir, 'register.db');
    const registerDb = createRegisterDb(dbPath);
    const token = await server.enrol(registerDb);
    registerDb.close();

    const refused = spawnTs('electron/backend/cli/pos.ts', ['sync', '--db', dbPath, '--server', server.url, '--until-empty'], { env: { POS_SYNC_TOKEN: 'wrong' } });
    cleanup.add(() => kill(refused));
    expect(await exited(refused)).toBe(1);
    expect(refused.output()).toMatch(/pos sync: cannot sync: the server refused this register \(bad-token\)/);

    const insecure = spawnTs('electron/backend/cli/pos.ts', ['sync', '--db', dbPath, '--server', 'ws://192.0.2.1:4000', '--until-empty'], { env: { POS_SYNC_TOKEN: token } });
    cleanup.add(() => kill(insecure));
    expect(await exited(insecure)).toBe(1);
    expect(insecure.output()).toMatch(/pos sync: refusing the unencrypted address ws:\/\/192\.0\.2\.1:4000/);

    // With an empty outbox it exits 0 once it has talked to the server.
    const empty = spawnTs('electron/backend/cli/pos.ts', ['sync', '--db', dbPath, '--server', server.url, '--until-empty'], { env: { POS_SYNC_TOKEN: token } });
    cleanup.add(() => kill(empty));
    expect(await exited(empty)).toBe(0);
    expect(empty.output()).toMatch(/outbox empty: 0 event\(s\) sent/);
  }, 90_000);
});
