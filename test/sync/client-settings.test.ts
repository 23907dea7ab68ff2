/**
 * The sync client's defaults as a register runs them (client-options.ts) and
 * the hourly purge of acknowledged rows (acked-retention.ts). The default
 * batch size is a measured choice (docs/central.md: 100 registers back from a
 * day offline at once), so a change of it should be a decision, not a slip.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AckedRetention, PURGE_INTERVAL_MS } from '../../electron/backend/sync/acked-retention';
import { CLIENT_DEFAULTS, clientSettings } from '../../electron/backend/sync/client-options';
import { SyncClient } from '../../electron/backend/sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { Outbox } from '../../electron/backend/sync/outbox';
import { startHostileServer } from '../support/hostile-server';
import { Cleanup, addOutboxEvents, createRegisterDb, outboxCount, tempDir, waitFor } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('sync client settings', () => {
  it('sends a day offline in batches of at most 100 events by default, one after the other in seq order', async () => {
    const db = createRegisterDb(path.join(tempDir(cleanup), 'register.db'));
    cleanup.add(() => db.close());
    addOutboxEvents(db, 250);
    const batches: number[][] = [];
    const server = await startHostileServer(cleanup, {
      onBatch: (batch, ack) => {
        const seqs = (batch as { events: { seq: number }[] }).events.map((event) => event.seq);
        batches.push(seqs);
        ack({ ok: true, appliedSeq: seqs[seqs.length - 1], duplicates: 0 });
      },
    });
    const client = new SyncClient({ db, config: completeSyncConfig({ ...readSyncConfig(db, plainSecretBox), url: server.url }) });
    cleanup.add(() => client.stop());
    client.start();
    await waitFor(() => outboxCount(db) === 0, 15_000, 'the outbox sent');
    expect(batches.map((seqs) => seqs.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('fills in the defaults and refuses settings the loop cannot run with', () => {
    const settings = clientSettings({});
    expect(settings).toMatchObject(CLIENT_DEFAULTS);
    expect(CLIENT_DEFAULTS.batchSize).toBe(100);
    expect(clientSettings({ batchSize: 7, inFlight: 1 })).toMatchObject({ batchSize: 7, inFlight: 1 });
    expect(() => clientSettings({ batchSize: 0 })).toThrow(RangeError);
    expect(() => clientSettings({ batchSize: 2.5 })).toThrow(RangeError);
    expect(() => clientSettings({ inFlight: 0 })).toThrow(RangeError);
  });
});

describe('acknowledged rows past the retention', () => {
  it('are purged at most once an hour, and a failed purge is logged and tried again an hour later', () => {
    let now = 1_000_000_000_000;
    const calls: number[] = [];
    let failNext = false;
    const outbox = {
      purgeExpired: (at: number, days: number) => {
        expect(days).toBe(30);
        calls.push(at);
        if (failNext) {
          failNext = false;
          throw new Error('disk I/O error');
        }
        return 0;
      },
    } as unknown as Outbox;
    const warnings: string[] = [];
    const retention = new AckedRetention(outbox, 30, () => now, { info: () => {}, warn: (m) => warnings.push(m), error: () => {} });
    retention.purgeWhenDue();
    now += 1_000;
    retention.purgeWhenDue();
    expect(calls).toHaveLength(1);
    now += PURGE_INTERVAL_MS;
    failNext = true;
    retention.purgeWhenDue();
    expect(calls).toHaveLength(2);
    expect(warnings.join()).toMatch(/tried again in an hour/);
    now += PURGE_INTERVAL_MS - 1;
    retention.purgeWhenDue();
    expect(calls).toHaveLength(2);
    now += 1;
    retention.purgeWhenDue();
    expect(calls).toHaveLength(3);
  });
});
