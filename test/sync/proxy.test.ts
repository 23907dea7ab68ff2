/**
 * A TCP proxy on 127.0.0.1 between the register and the central service cuts the
 * connection at random moments — sometimes part-way through a frame — at
 * least 200 times while the register keeps writing new events. Afterwards the
 * server holds every event exactly once, in order, and the outbox is empty.
 */
import { describe, expect, it } from 'vitest';
import { startSyncService, syncServiceHooks } from '../support/sync-service';
import { CuttingProxy } from '../support/tcp-proxy';
import { addOutboxEvents, outboxCount, startSyncClient, waitFor } from './helpers';

const cleanup = syncServiceHooks();

const CUTS = 200;
const CUT_PHASE_LIMIT_MS = 90_000;
/** At most this many cuts in a row without a batch getting through. */
const CUTS_WITHOUT_PROGRESS = 10;

describe('a connection cut at random', () => {
  it(`survives ${CUTS} cuts with nothing lost and nothing twice`, async () => {
    let committedBatches = 0;
    let duplicates = 0;
    const server = await startSyncService(cleanup, {
      onBatchCommitted: (_r, answer) => {
        committedBatches++;
        if (answer.ok) duplicates += answer.duplicates;
      },
    });
    const proxy = new CuttingProxy(server.port);
    const proxyPort = await proxy.listen();
    cleanup.add(() => proxy.close());

    const db = await server.newRegister();
    const ids = addOutboxEvents(db, 1000);
    const client = startSyncClient(cleanup, db, `http://127.0.0.1:${proxyPort}`, {
      batchSize: 40,
      ackTimeoutMs: 1_000,
      connectTimeoutMs: 1_000,
      pollIntervalMs: 50,
      backoff: { initialMs: 5, maxMs: 40 },
    });

    const started = Date.now();
    let checkpoint = { cuts: 0, batches: 0 };
    while (proxy.cuts < CUTS) {
      if (Date.now() - started > CUT_PHASE_LIMIT_MS) throw new Error(`only ${proxy.cuts} cuts in ${CUT_PHASE_LIMIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 25));
      if (proxy.cuts - checkpoint.cuts >= CUTS_WITHOUT_PROGRESS) {
        // On a loaded machine a reconnection (the service checks the token in
        // its database) and a commit can take longer than the gap between
        // cuts: let a batch through now and then, so cuts land on moving batches.
        const before = checkpoint.batches;
        if (committedBatches === before) await waitFor(() => committedBatches > before, 30_000, 'a batch to get through between cuts');
        checkpoint = { cuts: proxy.cuts, batches: committedBatches };
      }
      proxy.cut(Math.random() < 0.3);
      if (Math.random() < 0.2) {
        ids.push(...addOutboxEvents(db, 1 + Math.floor(Math.random() * 30)));
        client.notify();
      }
    }
    const batchesDuringCuts = committedBatches;

    await waitFor(() => outboxCount(db) === 0, 60_000, 'the outbox to empty after the cuts');
    await server.expectHoldsExactly(ids);
    expect(proxy.cuts).toBeGreaterThanOrEqual(CUTS);
    // Each cut ended a connection of its own (a tear still pending may land on the last one after the drain).
    expect(proxy.connections).toBeGreaterThanOrEqual(proxy.cuts);
    // The cuts landed while batches were moving, not only between them.
    expect(batchesDuringCuts).toBeGreaterThan(10);
    expect(duplicates).toBeGreaterThanOrEqual(0);
  }, 240_000);
});
