/**
 * The sync client on a REAL full disk (tmpfs, test/support/small-disk.ts):
 * the server confirms a batch, but the register cannot record the
 * confirmation. Nothing is marked sent and nothing is dropped — every event
 * stays in the outbox, the status says why in Chinese (sync.diskRefused) —
 * and once space is back the events go again (the server recognises what
 * it holds) and are settled. Skipped, with the reason in its name, where
 * tmpfs cannot be mounted.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messageText } from '../../renderer/i18n/messages';
import { startHostileServer } from '../support/hostile-server';
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../support/small-disk';
import { addOutboxEvents, Cleanup, createRegisterDb, outboxCount, startSyncClient, waitFor } from '../sync/helpers';

const unavailable = smallDiskUnavailable();
const cleanup = new Cleanup();
let disk: SmallDisk | null = null;
afterEach(async () => {
  await cleanup.run();
  disk?.cleanup();
  disk = null;
});

describe.skipIf(unavailable)(unavailable ? `sync on a full disk (tmpfs) — skipped: ${unavailable}` : 'sync on a full disk (tmpfs)', () => {
  it('keeps every event when the disk refuses to record the acknowledgement, and settles them once space is back', async () => {
    disk = mountSmallDisk(16 * 1024);
    const small = disk;
    const db = createRegisterDb(path.join(small.dir, 'cashier.db'));
    cleanup.add(() => db.close());
    addOutboxEvents(db, 10);
    const batches: number[][] = [];
    const server = await startHostileServer(cleanup, {
      onBatch: (batch, ack) => {
        const seqs = (batch as { events: { seq: number }[] }).events.map((e) => e.seq);
        batches.push(seqs);
        // The first batch arrives; the register's disk fills before the confirmation comes back.
        if (batches.length === 1) small.fill();
        ack({ ok: true, appliedSeq: seqs.at(-1), duplicates: batches.length > 1 ? seqs.length : 0 });
      },
    });
    const client = startSyncClient(cleanup, db, server.url);
    const failed = await waitFor(() => (client.status().problem?.code === 'sync.diskRefused' ? client.status() : null), 20_000, 'the disk refusal in the sync status');
    expect(messageText(failed.problem, 'zh-CN')).toMatch(/磁盘已满或无法写入.*所有记录都还在本机.*自动重新发送/);
    expect(failed.blocked).toBe(false);
    // Nothing marked sent, nothing dropped.
    expect(outboxCount(db)).toBe(10);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(10);
    expect(db.prepare('SELECT last_acked_seq FROM sync_state WHERE id = 1').pluck().get()).toBe(0);

    small.free();
    await waitFor(() => outboxCount(db) === 0 || null, 20_000, 'the events settled after space came back');
    expect(batches.length).toBeGreaterThanOrEqual(2);
    // Sent again from the first one: the server recognises what it holds.
    expect(batches.at(-1)![0]).toBe(1);
    expect(client.status().problem).toBeNull();
  });
});
