/**
 * A central service restored from a backup holds fewer events than its
 * registers sent; the registers keep acknowledged events (docs/sync.md "A
 * restored service"), are asked to send again from the service's last seq,
 * and the service ends with every event exactly once.
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addRegister } from '../../central/auth/registry';
import { openPglite, type SqlDb } from '../../central/db/adapter';
import { startCentralService, type CentralService } from '../../central/service';
import { enrolRegister } from '../../electron/backend/sync/enrol';
import { completeSyncConfig, plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { SyncClient } from '../../electron/backend/sync/client';
import { Outbox } from '../../electron/backend/sync/outbox';
import type { Db } from '../../electron/backend/store/database';
import { Cleanup, createRegisterDb, outboxCount, tempDir, waitFor } from '../sync/helpers';
import { enrolled, engineDay } from './fixtures';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function addEngineEvents(reg: Db, queueId: string, prefix: string): string[] {
  const events = engineDay(queueId, 8, prefix).events;
  const insert = reg.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)');
  for (const e of events) insert.run(e.id, e.queueId, e.type, Date.now(), JSON.stringify(e.payload));
  return events.map((e) => e.id);
}

async function syncAll(reg: Db, service: CentralService, what: string): Promise<void> {
  const config = completeSyncConfig({ ...readSyncConfig(reg, plainSecretBox), url: service.url }); // a new port each start
  const client = new SyncClient({ db: reg, config, batchSize: 5, backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 50 });
  client.start();
  try {
    await waitFor(async () => {
      const held = await service.db.query<{ last_seq: number }>("SELECT last_seq FROM registers WHERE register_id = 'R1'");
      const numbered = reg.prepare('SELECT max(seq) FROM outbox').pluck().get() as number;
      return outboxCount(reg) === 0 && held.rows[0]?.last_seq === numbered ? true : null;
    }, 30_000, what);
  } finally {
    await client.stop();
  }
}

describe('a central service restored from a backup', () => {
  it('is sent again what it lost and ends with every event exactly once', async () => {
    const dir = tempDir(cleanup);
    const data = path.join(dir, 'central-data');
    const backup = path.join(dir, 'central-backup');
    let db: SqlDb = await openPglite(data);
    let service = await startCentralService({ db, port: 0 });
    await enrolled(db, 'S1', 'seed');
    const { code } = await db.transaction((tx) => addRegister(tx, 'S1', 'R1', Date.now()));
    const reg = createRegisterDb(path.join(dir, 'register.db'));
    cleanup.add(() => reg.close());
    await enrolRegister(reg, { url: service.url, code, box: plainSecretBox });

    const ids = addEngineEvents(reg, 'cashier-1', 'a');
    await syncAll(reg, service, 'the first events on the service');
    const atBackup = ids.length;
    // The backup: the data directory copied while the service is stopped.
    await service.close();
    await db.close();
    cpSync(data, backup, { recursive: true });

    db = await openPglite(data);
    service = await startCentralService({ db, port: 0 });
    ids.push(...addEngineEvents(reg, 'cashier-2', 'b'));
    await syncAll(reg, service, 'the later events on the service');
    expect(new Outbox(reg).state().lastAckedSeq).toBe(ids.length);
    // Acknowledged rows are kept (not purged within the retention).
    expect(reg.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(ids.length);
    await service.close();
    await db.close();

    // The disk is lost; the backup comes back.
    rmSync(data, { recursive: true, force: true });
    cpSync(backup, data, { recursive: true });
    db = await openPglite(data);
    cleanup.add(() => db.close());
    service = await startCentralService({ db, port: 0 });
    cleanup.add(() => service.close());
    const before = await db.query<{ n: number }>('SELECT count(*) AS n FROM events');
    expect(before.rows[0]!.n).toBe(atBackup);
    // Nothing new to send: only the hello tells the service's loss.
    await syncAll(reg, service, 'the lost events sent again');

    const { rows } = await db.query<{ n: number; ids: number; lo: number; hi: number }>(
      "SELECT count(*) AS n, count(DISTINCT event_id) AS ids, min(seq) AS lo, max(seq) AS hi FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = 'R1'",
    );
    expect(rows[0]).toEqual({ n: ids.length, ids: ids.length, lo: 1, hi: ids.length });
    const held = await db.query<{ event_id: string }>("SELECT event_id FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = 'R1' ORDER BY seq");
    expect(held.rows.map((r) => r.event_id)).toEqual(ids);
  }, 120_000);

  it('purges acknowledged rows only past the retention, from the oldest, leaving unacknowledged ones', () => {
    const dir = tempDir(cleanup);
    const reg = createRegisterDb(path.join(dir, 'register.db'));
    cleanup.add(() => reg.close());
    const day = 86_400_000;
    const now = Date.UTC(2026, 11, 1);
    const insert = reg.prepare("INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, 'cashier-1', 'order.checkout', ?, '{}')");
    for (let i = 0; i < 10; i++) insert.run(`e${i}`, now - (40 - i * 2) * day); // 40, 38, … 22 days old
    const outbox = new Outbox(reg);
    outbox.acknowledge(6, now);
    expect(outbox.purgeExpired(now, 30)).toBe(5); // 40…32 days old (seq 1–5); 30 days is seq 6, kept
    expect(reg.prepare('SELECT min(seq) FROM outbox').pluck().get()).toBe(6);
    expect(outbox.waiting()).toBe(4);
    expect(outbox.purgeExpired(now + 100 * day, 30)).toBe(1); // only acknowledged rows go, however old
    expect(outbox.waiting()).toBe(4);
    expect(outbox.resendFrom(3)).toBe(false); // purged: cannot be sent again
    expect(outbox.resendFrom(7)).toBe(false); // not acknowledged yet: nothing to do
  });
});
