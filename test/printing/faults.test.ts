/**
 * The printer is the least reliable part of the counter. Whatever it does —
 * not there, refusing, accepting and never reading, dropping the connection
 * mid-job — the checkout goes on, no job is lost, and once the printer is
 * back every receipt prints exactly once (a reprint is the only second copy).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueReceipt, getJob, listJobs, PrintWorker, reprintJob, setMeta } from '../../electron/backend/printing/index';
import { decodeEscPos } from '../support/escpos-decoder';
import { FakePrinter, freePort } from '../support/fake-printer';
import { QUEUE, seedOrder, seedStore, tempDb, waitFor, type TempDb } from './fixtures';

/**
 * Long enough that a loaded CI machine answers a normal job in time (a
 * confirmation that arrives after the deadline would make the retry print a
 * second original — the one window the status query cannot close), short
 * enough to keep the hang tests quick.
 */
const TIMEOUT_MS = 800;

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

function startWorker(): PrintWorker {
  worker = new PrintWorker(t.db, { backoff: { baseMs: 30, maxMs: 120 }, idleMs: 20, statusPollMs: 0, timeoutMs: TIMEOUT_MS });
  worker.start();
  return worker;
}

/** A checkout as the engine will do it: the order and its print job in one transaction. Returns how long it took. */
function checkout(id: string): number {
  const started = performance.now();
  t.db.transaction(() => {
    seedOrder(t.db, { id, tenders: [{ kind: 'cash', amountFen: 20000 }], changeFen: 3200 });
    enqueueReceipt(t.db, { queueId: QUEUE, orderId: id });
  })();
  return performance.now() - started;
}

/** Complete receipts (ending with a cut) per order, from what the printer read. */
function printedCounts(p: FakePrinter, commandSet: 'epson' | 'star' = 'epson'): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of decodeEscPos(p.bytes, commandSet).receipts) {
    if (!r.cut) continue;
    const key = r.qr[0] ?? '?';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const allDone = () => listJobs(t.db).every((j) => j.state === 'done');

describe('printer faults', () => {
  it('listener down: jobs fail with backoff and keep their order; when the printer comes up each prints once', async () => {
    const port = await freePort();
    setMeta(t.db, 'printer.uri', `tcp://127.0.0.1:${port}`);
    checkout('D1');
    checkout('D2');
    const w = startWorker();
    await waitFor(() => (getJob(t.db, 1)?.attempts ?? 0) >= 3, 3000, 'several attempts');
    const head = getJob(t.db, 1)!;
    expect(head.state === 'failed' || head.state === 'printing').toBe(true);
    expect(getJob(t.db, 2)!.attempts).toBe(0); // in order: D2 waits behind D1
    expect(w.printerState.online).toBe(false);
    expect(w.printerState.lastError).toMatch(/refused/);
    expect(checkout('D3')).toBeLessThan(200); // the counter never waits on the printer
    printer = await FakePrinter.start({ port });
    await waitFor(allDone, 3000, 'all printed');
    expect(printedCounts(printer)).toEqual({ 'https://q.example.cn/q/D1': 1, 'https://q.example.cn/q/D2': 1, 'https://q.example.cn/q/D3': 1 });
    expect(decodeEscPos(printer.bytes).receipts.map((r) => r.qr[0])).toEqual(['https://q.example.cn/q/D1', 'https://q.example.cn/q/D2', 'https://q.example.cn/q/D3']);
    expect(w.printerState).toMatchObject({ online: true, lastError: null });
  });

  it('refusing: a printer that closes its port mid-shift loses nothing', async () => {
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    startWorker();
    checkout('F1');
    worker!.kick();
    await waitFor(allDone, 3000, 'F1 printed');
    await printer.setMode('refuse');
    checkout('F2');
    checkout('F3');
    worker!.kick();
    await waitFor(() => getJob(t.db, 2)!.state === 'failed' && getJob(t.db, 2)!.attempts >= 2, 3000, 'F2 failing');
    expect(getJob(t.db, 2)!.lastError).toMatch(/拒绝连接|refused/);
    await printer.setMode('normal');
    await waitFor(allDone, 3000, 'all printed');
    expect(printedCounts(printer)).toEqual({ 'https://q.example.cn/q/F1': 1, 'https://q.example.cn/q/F2': 1, 'https://q.example.cn/q/F3': 1 });
  });

  it('hanging: a printer that accepts and never reads times out, blocks nothing, and prints once when it recovers', async () => {
    printer = await FakePrinter.start({ mode: 'hang' });
    setMeta(t.db, 'printer.uri', printer.uri);
    checkout('H1');
    checkout('H2');
    const w = startWorker();
    await waitFor(() => getJob(t.db, 1)!.state === 'failed', TIMEOUT_MS + 2000, 'H1 timed out');
    expect(getJob(t.db, 1)!.lastError).toMatch(/打印机无响应：0\.8 秒内没有接收数据/);
    expect(printer.accepted).toBeGreaterThanOrEqual(1);
    // While the printer hangs, checkouts commit at once and the database is free.
    const took = checkout('H3');
    expect(took).toBeLessThan(200);
    expect(t.db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 3 });
    expect(w.printerState.online).toBe(false);
    await printer.setMode('normal');
    await waitFor(allDone, 4000, 'all printed');
    expect(printedCounts(printer)).toEqual({ 'https://q.example.cn/q/H1': 1, 'https://q.example.cn/q/H2': 1, 'https://q.example.cn/q/H3': 1 });
    // A reprint is the only way to a second paper.
    reprintJob(t.db, 1);
    w.kick();
    await waitFor(allDone, 3000, 'reprint');
    expect(printedCounts(printer)['https://q.example.cn/q/H1']).toBe(2);
  });

  it('hanging: stopping the app mid-job returns within the timeout and the job is kept', async () => {
    printer = await FakePrinter.start({ mode: 'hang' });
    setMeta(t.db, 'printer.uri', printer.uri);
    checkout('X1');
    startWorker();
    await waitFor(() => getJob(t.db, 1)!.state === 'printing', 2000, 'printing');
    const started = performance.now();
    await worker!.stop();
    worker = undefined;
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 700);
    expect(['failed', 'pending']).toContain(getJob(t.db, 1)!.state);
  });

  it('closing mid-job: the cut-off receipt is retried and printed whole exactly once', async () => {
    printer = await FakePrinter.start({ mode: 'close-mid-job', closeAfterBytes: 300 });
    setMeta(t.db, 'printer.uri', printer.uri);
    checkout('M1');
    checkout('M2');
    startWorker();
    await waitFor(() => getJob(t.db, 1)!.attempts >= 2, 3000, 'M1 cut off twice');
    expect(getJob(t.db, 1)!.lastError).toMatch(/断开|closed/);
    const partial = decodeEscPos(printer.bytes).receipts;
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.every((r) => !r.cut)).toBe(true); // half receipts, no cut
    await printer.setMode('normal');
    await waitFor(allDone, 3000, 'all printed');
    expect(printedCounts(printer)).toEqual({ 'https://q.example.cn/q/M1': 1, 'https://q.example.cn/q/M2': 1 });
  });

  it('a STAR printer: the same queue, Star commands, status from the ASB', async () => {
    printer = await FakePrinter.start({ commandSet: 'star' });
    printer.status = { paper: 'near-end', coverOpen: false };
    setMeta(t.db, 'printer.uri', printer.uri);
    setMeta(t.db, 'printer.commandSet', 'star');
    checkout('ST1');
    const w = startWorker();
    await waitFor(allDone, 3000, 'printed');
    expect(printedCounts(printer, 'star')).toEqual({ 'https://q.example.cn/q/ST1': 1 });
    expect(decodeEscPos(printer.bytes, 'star').receipts[0]!.drawer).toBe(true);
    expect(w.printerState).toMatchObject({ online: true, paper: 'near-end', coverOpen: false });
    printer.status = { paper: 'ok', coverOpen: true };
    expect(await w.checkStatus()).toMatchObject({ online: false, coverOpen: true });
  });
});
