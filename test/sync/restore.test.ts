/**
 * A register restored from a backup meets the central service, which holds
 * the events made after the backup (docs/sync.md "After a restore",
 * docs/security.md §5): the register stops numbering over them, sync goes
 * on, and the status says in Chinese what happened and what to do.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeVerifiedBackup } from '../../electron/backend/app/backups';
import { restoreBackup } from '../../electron/backend/app/restore';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { plainSecretBox, writeSyncConfig } from '../../electron/backend/sync/config';
import { readRestoreGap, restoreMarker, restoreProblem } from '../../electron/backend/sync/restore-gap';
import { SyncSupervisor } from '../../electron/backend/sync/supervisor';
import { messageText } from '../../renderer/i18n/messages';
import { startSyncService, type SyncService, syncServiceHooks } from '../support/sync-service';
import { addOutboxEvents, createRegisterDb, startSyncClient, tempDir, waitFor } from './helpers';

const cleanup = syncServiceHooks();

const startClient = (db: Db, url: string) => startSyncClient(cleanup, db, url, { pollIntervalMs: 50 });

/**
 * Register events 1–3, a backup, events 4–7, all synced; then the database is
 * lost and the backup restored (its outbox holds 1–3, not yet acknowledged).
 */
async function restoredRegister(): Promise<{ db: Db; file: string; url: string; server: SyncService; before: string[] }> {
  const dir = tempDir(cleanup);
  const server = await startSyncService(cleanup);
  const file = path.join(dir, 'register.db');
  const db = createRegisterDb(file);
  // Enrolled before the backup, so the backup holds the token too.
  await server.enrol(db);
  db.prepare("INSERT INTO cashiers (id, name, role, pin_hash, created_at) VALUES ('m1', '店长', 'manager', 'scrypt$1024$8$1$AAAA$AAAA', 0)").run();
  // The manager's own event (migration 017) is dropped and its number given back: this test counts only the events it adds.
  db.prepare("DELETE FROM outbox WHERE type = 'staff.changed'").run();
  db.prepare("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'outbox'").run();
  const before = addOutboxEvents(db, 3);
  const backup = path.join(dir, 'backup.db');
  await writeVerifiedBackup(file, backup);
  before.push(...addOutboxEvents(db, 4));
  const client = startClient(db, server.url);
  await waitFor(async () => (await server.held()) === 7, 30_000, 'the 7 events on the server');
  await client.stop();
  db.close();
  await restoreBackup(backup, file);
  const restored = openDatabase(file);
  cleanup.add(() => restored.close());
  return { db: restored, file, url: server.url, server, before };
}

describe('sync after a restore', () => {
  it('events numbered after the restore are renumbered past the server’s, sent, and the status says what happened (conflict path)', async () => {
    const r = await restoredRegister();
    expect(restoreMarker(r.db)).toBe(3);
    const after = addOutboxEvents(r.db, 2); // numbered 4 and 5: the server holds other events under those seqs
    const client = startClient(r.db, r.url);
    await waitFor(async () => (await r.server.held()) === 9, 30_000, 'the 2 new events on the server');
    await r.server.expectHoldsExactly([...r.before, ...after]);
    const gap = readRestoreGap(r.db);
    expect(gap).toMatchObject({ fromSeq: 4, toSeq: 7, nextSeq: 8 });
    expect(restoreMarker(r.db)).toBeNull();
    // Later events continue after them, never over the server's.
    const later = addOutboxEvents(r.db, 1);
    client.notify();
    await waitFor(async () => (await r.server.held()) === 10, 30_000, 'a later event');
    expect((await r.server.events()).at(-1)).toEqual({ seq: 10, id: later[0] });
    // What the status bar says, in Chinese: what happened and what to do.
    const text = messageText(restoreProblem(gap!), 'zh-CN');
    expect(text).toContain('第 4–7 号');
    expect(text).toContain('第 8 号');
    expect(text).toContain('联系联盟运营方');
    expect(text).not.toMatch(/[A-Za-z]/);
  }, 90_000);

  it('with nothing new, the server’s acknowledgement beyond the backup is taken once and the status keeps the notice (ack path)', async () => {
    const r = await restoredRegister();
    const supervisor = new SyncSupervisor(r.db, plainSecretBox);
    cleanup.add(() => supervisor.stop());
    // The supervisor reads the URL from the settings (the token, entered before any address, binds to it).
    writeSyncConfig(r.db, { url: r.url }, plainSecretBox);
    supervisor.refresh();
    await waitFor(() => readRestoreGap(r.db), 30_000, 'the restore gap');
    expect(readRestoreGap(r.db)).toMatchObject({ fromSeq: 4, toSeq: 7, nextSeq: 8 });
    const more = addOutboxEvents(r.db, 2);
    supervisor.refresh();
    await waitFor(async () => (await r.server.held()) === 9, 30_000, 'the new events');
    await r.server.expectHoldsExactly([...r.before, ...more]);
    await waitFor(() => supervisor.status().lastError === null, 5_000, 'the retry to succeed');
    expect(supervisor.status().problem).toMatchObject({ code: 'sync.restoredBehindServer', params: { fromSeq: 4, toSeq: 7, nextSeq: 8 } });
  }, 90_000);
});
