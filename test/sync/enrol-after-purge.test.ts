/**
 * A register that ran without a server long enough to delete its oldest
 * events unsent (docs/sync.md "Without a server") is enrolled later: the
 * service, holding nothing of it yet, takes its events from the first one it
 * still has instead of waiting for seq 1 for ever (which stopped sync as
 * `blocked`). A service that already holds events keeps its own mark.
 */
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../electron/backend/sync/outbox';
import { syncServiceHooks, startSyncService } from '../support/sync-service';
import { addOutboxEvents, outboxCount, startSyncClient, waitFor } from './helpers';

const cleanup = syncServiceHooks();

describe('enrolled after a purge without a server', () => {
  it('the service starts after the purged seqs; every event still on the register arrives once; sync is not blocked', async () => {
    const server = await startSyncService(cleanup);
    const db = await server.newRegister();
    const gone = addOutboxEvents(db, 30);
    // The oldest 20 went unsent (the events are dated 2025: far past 90 days today).
    expect(new Outbox(db).purgeWithoutServer(Date.now(), { maxRows: 20 })).toBe(20);
    expect(new Outbox(db).state().purgedUnsentThroughSeq).toBe(20);
    const kept = [...gone.slice(20), ...addOutboxEvents(db, 5)];

    const client = startSyncClient(cleanup, db, server.url);
    await waitFor(() => outboxCount(db) === 0, 90_000, 'the outbox to empty');
    expect(client.status().blocked).toBe(false);
    const held = await server.events();
    expect(held.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => 21 + i));
    expect(held.map((e) => e.id)).toEqual(kept);
  }, 180_000);

  it('a service that holds events of the register keeps its own mark', async () => {
    const server = await startSyncService(cleanup);
    const db = await server.newRegister();
    const first = addOutboxEvents(db, 5);
    const client = startSyncClient(cleanup, db, server.url);
    await waitFor(() => outboxCount(db) === 0, 90_000, 'the first events to arrive');
    await client.stop();
    // A purged-through mark beyond what the service holds must not move the service's mark.
    db.prepare('UPDATE sync_state SET purged_unsent_through_seq = 50').run();
    const later = addOutboxEvents(db, 3);
    const again = startSyncClient(cleanup, db, server.url);
    await waitFor(() => outboxCount(db) === 0, 90_000, 'the later events to arrive');
    expect(again.status().blocked).toBe(false);
    await server.expectHoldsExactly([...first, ...later]);
    const mark = await server.db.query<{ last_seq: number }>('SELECT last_seq FROM registers');
    expect(mark.rows.map((r) => Number(r.last_seq))).toEqual([8]);
  }, 180_000);
});
