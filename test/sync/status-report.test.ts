/**
 * The register's outbox count (`sync:status`, docs/sync.md "The register's
 * outbox count") while it catches up: at once on connecting, at once when
 * drained, and in between at most once per `statusReportEveryMs`, not
 * after every acknowledged batch (each report is an UPDATE on the service,
 * during the very burst its admission smooths). A bare socket.io server
 * acknowledges every batch after a short delay and notes each report and
 * when it came.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../shared/sync/protocol';
import { startHostileServer } from '../support/hostile-server';
import { addOutboxEvents, Cleanup, createRegisterDb, outboxCount, startSyncClient, tempDir, waitFor } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const EVENTS = 1200;
const BATCH = 10;
const ACK_DELAY_MS = 15;
const EVERY_MS = 400;

/** Catches up EVENTS events, one 10-event batch at a time, each acknowledged after ACK_DELAY_MS: what the server heard. */
async function catchUp(statusReportEveryMs: number) {
  let acks = 0;
  let lastAckAt = 0;
  const server = await startHostileServer(cleanup, {
    onBatch: (batch, ack) => {
      const events = (batch as { events: { seq: number }[] }).events;
      setTimeout(() => {
        acks += 1;
        lastAckAt = performance.now();
        ack({ ok: true, appliedSeq: events[events.length - 1]!.seq, duplicates: 0 });
      }, ACK_DELAY_MS);
    },
  });
  const reports: { waiting: number; at: number }[] = [];
  server.io.on('connection', (socket) => socket.on(MESSAGES.status, (report: { waiting: number }) => reports.push({ waiting: report.waiting, at: performance.now() })));
  const db = createRegisterDb(path.join(tempDir(cleanup), 'register.db'));
  cleanup.add(() => db.close());
  addOutboxEvents(db, EVENTS);
  const start = performance.now();
  const client = startSyncClient(cleanup, db, server.url, { batchSize: BATCH, inFlight: 1, statusReportEveryMs });
  await new Promise<void>((resolve) => client.once('drained', () => resolve()));
  // The drained report is sent with 'drained'; let it cross the wire.
  await waitFor(() => reports.at(-1)?.waiting === 0, 5_000, 'the drained report');
  expect(outboxCount(db)).toBe(0);
  return { reports, acks, catchUpMs: lastAckAt - start, lastAckAt };
}

describe("the register's outbox count while it catches up", () => {
  it(`is sent on connecting, at most once per ${EVERY_MS} ms meanwhile, and 0 at once when drained`, async () => {
    const { reports, acks, catchUpMs, lastAckAt } = await catchUp(EVERY_MS);
    console.info(`${acks} acks over ${Math.round(catchUpMs)} ms: ${reports.length} reports (${reports.map((r) => r.waiting).join(', ')})`);
    expect(acks).toBe(EVENTS / BATCH);
    // A long catch-up, or the throttle would have nothing to do.
    expect(catchUpMs).toBeGreaterThan(3 * EVERY_MS);
    expect(reports[0]!.waiting).toBe(EVENTS);
    expect(reports.at(-1)!.waiting).toBe(0);
    // The last count arrives right after the last ack, not when the next report would be due.
    expect(reports.at(-1)!.at - lastAckAt).toBeLessThan(EVERY_MS);
    // In between: counts going down, never two within EVERY_MS (a little less: the server notes arrival, not sending).
    const between = reports.slice(1, -1);
    expect(between.length).toBeGreaterThan(0);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.waiting).toBeLessThan(reports[i - 1]!.waiting);
    for (let i = 1; i < reports.length - 1; i++) expect(reports[i]!.at - reports[i - 1]!.at).toBeGreaterThan(EVERY_MS - 50);
    expect(reports.length).toBeLessThanOrEqual(Math.ceil(catchUpMs / EVERY_MS) + 2);
  }, 60_000);

  it('without the throttle the same catch-up reports after every acknowledged batch (what the throttle saves)', async () => {
    const { reports, acks } = await catchUp(0);
    console.info(`unthrottled: ${acks} acks, ${reports.length} reports`);
    expect(reports.length).toBe(acks + 1);
    expect(reports.at(-1)!.waiting).toBe(0);
  }, 60_000);
});
