/**
 * The app's sync supervisor: not configured → says why and keeps the outbox;
 * configured → a real client drains to the central service; settings changed
 * → the client is replaced.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyncClient } from '../../electron/backend/sync/client';
import { plainSecretBox, readSyncConfig, writeSyncConfig } from '../../electron/backend/sync/config';
import { SyncSupervisor, type SupervisedStatus } from '../../electron/backend/sync/supervisor';
import { openDatabase } from '../../electron/backend/store/database';
import { startSyncService, syncServiceHooks } from '../support/sync-service';
import { addOutboxEvents, outboxCount, tempDir, waitFor } from './helpers';

const cleanup = syncServiceHooks();

const FAST = { backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 50, connectTimeoutMs: 2_000, ackTimeoutMs: 2_000 };

describe('sync supervisor', () => {
  it('without settings: reports "not configured" with the reason and leaves the outbox alone', async () => {
    const dir = tempDir(cleanup);
    const db = openDatabase(path.join(dir, 'register.db'));
    cleanup.add(() => db.close());
    db.exec("INSERT INTO queues (id, next_seq, waiting_count, owed_fen, pool_fen, extracted_fen, paid_out_fen, undistributed_fen, forfeited_fen, exchanged_fen, points_issued, vouchers_issued) VALUES ('q', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
    addOutboxEvents(db, 3);
    const statuses: SupervisedStatus[] = [];
    const supervisor = new SyncSupervisor(db, plainSecretBox, (s) => statuses.push(s), FAST);
    cleanup.add(() => supervisor.stop());
    supervisor.refresh();
    expect(supervisor.status()).toMatchObject({ configured: false, connection: 'stopped', waiting: 3 });
    expect(supervisor.status().lastError).toMatch(/sync\.url/);
    expect(statuses).toHaveLength(1);
    expect(outboxCount(db)).toBe(3);
  });

  it('configured: drains to the server; a changed server address replaces the client', async () => {
    const server = await startSyncService(cleanup);
    // Enrolled with a one-time code: the service's address, the register's ids and its token saved together.
    const db = await server.newRegister();
    const token = readSyncConfig(db, plainSecretBox).token!;
    const urls: string[] = [];
    const supervisor = new SyncSupervisor(db, plainSecretBox, () => {}, FAST, (options) => {
      urls.push(options.config.url);
      return new SyncClient(options);
    });
    cleanup.add(() => supervisor.stop());

    const early = addOutboxEvents(db, 5);
    supervisor.refresh();
    await waitFor(() => supervisor.status().connection === 'online' && supervisor.status().waiting === 0, 30_000, 'first drain');
    await server.expectHoldsExactly(early);

    // The same server under another name: the settings changed, so the client is replaced.
    const renamed = server.url.replace('127.0.0.1', 'localhost');
    expect(renamed).not.toBe(server.url);
    // Another address clears the token (docs/security.md §3): the manager enters it again with the address.
    writeSyncConfig(db, { url: renamed, token }, plainSecretBox);
    const late = addOutboxEvents(db, 4);
    supervisor.refresh();
    await waitFor(() => supervisor.status().connection === 'online' && supervisor.status().waiting === 0, 30_000, 'second drain');
    // Exactly one new client, for the new address; an unchanged refresh only nudged the running one.
    supervisor.refresh();
    expect(urls).toEqual([server.url, renamed]);
    // The new client resumed from what the server had acknowledged: every event once, in order.
    await server.expectHoldsExactly([...early, ...late]);
  }, 60_000);
});
