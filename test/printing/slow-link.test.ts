/**
 * Issue 11 §4: the printer deadline is on silence, not on the transfer. A
 * printer that keeps reading — slowly — finishes its receipts, each printed
 * once and on the first attempt; one that stops reading is given up on after
 * the idle limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueReceipt, getJob, listJobs, PrintWorker, setMeta } from '../../electron/backend/printing/index';
import { confirmPieces } from '../../electron/backend/printing/transport-tcp';
import { decodeEscPos } from '../support/escpos-decoder';
import { FakePrinter } from '../support/fake-printer';
import { QUEUE, seedOrder, seedStore, tempDb, waitFor, type TempDb } from './fixtures';

const IDLE_MS = 900;

let t: TempDb;
let printer: FakePrinter | undefined;
let worker: PrintWorker | undefined;

beforeEach(() => {
  t = tempDb();
  seedStore(t.db);
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await printer?.stop();
  printer = undefined;
  t.cleanup();
});

function checkout(id: string): void {
  t.db.transaction(() => {
    seedOrder(t.db, { id, tenders: [{ kind: 'cash', amountFen: 20000 }], changeFen: 3200 });
    enqueueReceipt(t.db, { queueId: QUEUE, orderId: id });
  })();
}

describe('slow links', () => {
  it('a printer reading 1 600 bytes a second takes a 3-copy job longer than the limit, yet prints it once, first time', async () => {
    printer = await FakePrinter.start({ mode: 'slow', bytesPerSecond: 1600 });
    setMeta(t.db, 'printer.uri', printer.uri);
    setMeta(t.db, 'printer.copies', '3');
    checkout('S1');
    checkout('S2');
    const started = performance.now();
    worker = new PrintWorker(t.db, { backoff: { baseMs: 30, maxMs: 120 }, idleMs: 20, statusPollMs: 0, timeoutMs: IDLE_MS });
    worker.start();
    await waitFor(() => listJobs(t.db).every((j) => j.state === 'done'), 30_000, 'both jobs printed');
    const took = performance.now() - started;
    const decoded = decodeEscPos(printer.bytes).receipts.filter((r) => r.cut);
    // The whole transfer took well over the limit: a deadline on the transfer would have failed it.
    expect(took).toBeGreaterThan(IDLE_MS * 2);
    expect(decoded.map((r) => r.qr[0])).toEqual([
      'https://q.example.cn/q/S1', 'https://q.example.cn/q/S1', 'https://q.example.cn/q/S1',
      'https://q.example.cn/q/S2', 'https://q.example.cn/q/S2', 'https://q.example.cn/q/S2',
    ]);
    expect(getJob(t.db, 1)!.attempts).toBe(1);
    expect(getJob(t.db, 2)!.attempts).toBe(1);
    expect(printer.connections.length).toBe(2); // one connection per job, no resend
  }, 60_000);

  it('a printer that stops reading mid-job fails after the idle limit, not before', async () => {
    printer = await FakePrinter.start({ mode: 'slow', bytesPerSecond: 1600 });
    setMeta(t.db, 'printer.uri', printer.uri);
    setMeta(t.db, 'printer.copies', '3');
    checkout('T1');
    worker = new PrintWorker(t.db, { backoff: { baseMs: 60_000, maxMs: 60_000 }, idleMs: 20, statusPollMs: 0, timeoutMs: IDLE_MS });
    worker.start();
    await waitFor(() => printer!.bytes.length > 600, 10_000, 'the printer read part of the job');
    printer.bytesPerSecond = 0; // stops reading
    const stoppedAt = performance.now();
    await waitFor(() => getJob(t.db, 1)!.state === 'failed', 10_000, 'the job failed');
    const after = performance.now() - stoppedAt;
    expect(after).toBeGreaterThan(IDLE_MS * 0.5);
    expect(getJob(t.db, 1)!.lastError).toMatch(/无响应/);
  }, 60_000);

  it('progress pieces are cut only where a command ends', () => {
    expect(confirmPieces(1000, [100, 300, 600, 700, 1000], 512)).toEqual([300, 1000]);
    expect(confirmPieces(50, [10, 20], 512)).toEqual([50]);
    expect(confirmPieces(2000, undefined, 512)).toEqual([2000]);
    const ends = confirmPieces(5000, Array.from({ length: 100 }, (_, i) => (i + 1) * 50), 512);
    expect(ends.at(-1)).toBe(5000);
    for (const e of ends.slice(0, -1)) expect(e % 50).toBe(0);
  });
});
