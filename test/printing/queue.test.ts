import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  enqueueReceipt,
  enqueueTestPage,
  getJob,
  INTERRUPTED_ERROR,
  listJobs,
  loadReceiptData,
  PrintJobError,
  PrintWorker,
  reprintJob,
  reprintOrder,
  retryJob,
  setMeta,
  skipJob,
  type PrintEvent,
} from '../../electron/backend/printing/index';
import { COPY_MARK } from '../../shared/receipt/index';
import { decodeEscPos, layoutLines } from '../support/escpos-decoder';
import { FakePrinter } from '../support/fake-printer';
import { QUEUE, seedOrder, seedStore, tempDb, waitFor, type TempDb } from './fixtures';

let t: TempDb;
let printer: FakePrinter | undefined;
let worker: PrintWorker | undefined;
let events: PrintEvent[];

beforeEach(() => {
  t = tempDb();
  seedStore(t.db);
  events = [];
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await printer?.stop();
  printer = undefined;
  t.cleanup();
});

function startWorker(extra: ConstructorParameters<typeof PrintWorker>[1] = {}): PrintWorker {
  worker = new PrintWorker(t.db, {
    backoff: { baseMs: 20, maxMs: 100 },
    idleMs: 20,
    statusPollMs: 0,
    timeoutMs: 1000,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  worker.start();
  return worker;
}

const receiptsOf = (p: FakePrinter) => decodeEscPos(p.bytes, 'epson').receipts;

describe('receipt source', () => {
  it('loads an order, its tenders, entry, member, queue settings and store keys into ReceiptData', () => {
    seedOrder(t.db, {
      id: 'A1',
      pointsFen: 500,
      loveFen: 300,
      tenders: [
        { kind: 'cash', amountFen: 10000 },
        { kind: 'alipay', amountFen: 6000 },
      ],
      changeFen: 200,
      entry: { position: 2, aheadFen: 21840, ratioBp: 13000, rule: 'cashier.tiers' },
    });
    const d = loadReceiptData(t.db, { queueId: QUEUE, orderId: 'A1' });
    expect(d.store).toEqual({
      name: '幸福超市（人民路旗舰店）Happy Mart',
      address: '上海市黄浦区人民路１００号 B1-08',
      header: '欢迎光临 Welcome',
      footer: '谢谢惠顾，欢迎再来！\n客服 400-123-4567',
    });
    expect(d.registerId).toBe('1号收银台');
    expect(d.cashier).toBe('张三丰');
    expect(d.deductions).toEqual([
      { kind: 'points', amountFen: 500 },
      { kind: 'love', amountFen: 300 },
    ]);
    expect(d.actualPaidFen).toBe(16000);
    expect(d.tenders).toEqual([
      { kind: 'cash', amountFen: 10000 },
      { kind: 'alipay', amountFen: 6000 },
    ]);
    expect(d.changeFen).toBe(200);
    expect(d.member).toEqual({ maskedPhone: '138****5678', displayName: '王＊＊' });
    expect(d.rebate.name).toBe('排队返现'); // the queue's cashier-layer rebateName
    expect(d.rebate.entry).toMatchObject({ entitlementFen: 20800, ratioBp: 13000, rule: 'cashier.tiers', position: 2, aheadFen: 21840 });
    expect(d.rebate.paidToQueueFen).toBe(10400);
    for (const v of [d.amountDueFen, d.actualPaidFen, d.changeFen, d.rebate.paidToQueueFen, d.rebate.entry!.aheadFen]) expect(Number.isInteger(v)).toBe(true);
  });
});

describe('print queue', () => {
  it('enqueues inside the checkout transaction: a rolled-back checkout leaves no job', () => {
    const checkout = t.db.transaction((id: string, fail: boolean) => {
      seedOrder(t.db, { id });
      enqueueReceipt(t.db, { queueId: QUEUE, orderId: id });
      if (fail) throw new Error('checkout refused');
    });
    checkout('OK1', false);
    expect(() => checkout('BAD1', true)).toThrow('checkout refused');
    expect(listJobs(t.db).map((j) => [j.orderId, j.state])).toEqual([['OK1', 'pending']]);
    // The foreign key: a job for an order that does not exist is refused.
    expect(() => enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'NOPE' })).toThrow(/FOREIGN KEY/);
  });

  it('prints jobs in order, each once, and reports the printer online', async () => {
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    setMeta(t.db, 'printer.width', '58');
    for (const id of ['O1', 'O2', 'O3']) {
      seedOrder(t.db, { id, tenders: [{ kind: 'cash', amountFen: 16800 }] });
      enqueueReceipt(t.db, { queueId: QUEUE, orderId: id });
    }
    const w = startWorker();
    await waitFor(() => listJobs(t.db).every((j) => j.state === 'done'), 5000, 'all done');
    const receipts = receiptsOf(printer);
    expect(receipts).toHaveLength(3);
    expect(receipts.map((r) => r.qr[0])).toEqual(['https://q.example.cn/q/O1', 'https://q.example.cn/q/O2', 'https://q.example.cn/q/O3']);
    expect(receipts.every((r) => r.cut && r.drawer && r.chinese)).toBe(true);
    const lines = layoutLines(receipts[0]!.lines, 32);
    expect(lines.some((l) => l.startsWith('单号') && l.endsWith('O1'))).toBe(true);
    expect(w.printerState).toMatchObject({ configured: true, online: true, paper: 'ok', coverOpen: false, lastError: null });
    expect(listJobs(t.db).every((j) => j.attempts === 1 && j.printedAt !== null)).toBe(true);
  });

  it('with no printer configured, receipts go to the preview and are kept; retry prints them once a printer is set', async () => {
    seedOrder(t.db, { id: 'P1' });
    const job = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'P1' });
    startWorker();
    await waitFor(() => getJob(t.db, job)!.state === 'previewed', 3000, 'previewed');
    const shown = events.find((e) => e.type === 'previewed');
    expect(shown && shown.type === 'previewed' && shown.preview.lines.map((l) => l.text).join('\n')).toContain('【排队返现】');
    expect(worker!.printerState.configured).toBe(false);

    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    retryJob(t.db, job);
    worker!.kick();
    await waitFor(() => getJob(t.db, job)!.state === 'done', 3000, 'printed after retry');
    expect(receiptsOf(printer)).toHaveLength(1);
  });

  it('reprint makes a copy marked 副本 without a drawer kick; retry of a printed job is refused', async () => {
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    seedOrder(t.db, { id: 'R1', tenders: [{ kind: 'cash', amountFen: 16800 }] });
    const job = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'R1' });
    startWorker();
    await waitFor(() => getJob(t.db, job)!.state === 'done', 3000, 'original printed');
    expect(() => retryJob(t.db, job)).toThrow(PrintJobError);
    const copy = reprintJob(t.db, job);
    const copy2 = reprintOrder(t.db, { queueId: QUEUE, orderId: 'R1' });
    worker!.kick();
    await waitFor(() => getJob(t.db, copy)!.state === 'done' && getJob(t.db, copy2)!.state === 'done', 3000, 'copies printed');
    expect(getJob(t.db, copy)).toMatchObject({ copy: true, reprintOf: job });
    expect(getJob(t.db, copy2)).toMatchObject({ copy: true, reprintOf: job });
    const receipts = receiptsOf(printer);
    expect(receipts.map((r) => r.drawer)).toEqual([true, false, false]);
    expect(receipts.map((r) => r.lines[0]!.text === COPY_MARK)).toEqual([false, true, true]);
  });

  it('printer.copies prints extra copies marked 副本 in the same job', async () => {
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    setMeta(t.db, 'printer.copies', '2');
    seedOrder(t.db, { id: 'C1' });
    const job = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'C1' });
    startWorker();
    await waitFor(() => getJob(t.db, job)!.state === 'done', 3000, 'printed');
    expect(receiptsOf(printer).map((r) => r.lines[0]!.text === COPY_MARK)).toEqual([false, true]);
  });

  it('skip needs a reason, records it, and the job never prints', async () => {
    seedOrder(t.db, { id: 'S1' });
    seedOrder(t.db, { id: 'S2' });
    const j1 = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'S1' });
    const j2 = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'S2' });
    expect(() => skipJob(t.db, j1, { reason: '  ' })).toThrow(/reason/);
    expect(skipJob(t.db, j1, { reason: '顾客不要小票', by: 'cashier-7' })).toMatchObject({ state: 'skipped', skipReason: '顾客不要小票', skippedBy: 'cashier-7' });
    expect(() => retryJob(t.db, j1)).toThrow(/skipped/);
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    startWorker();
    await waitFor(() => getJob(t.db, j2)!.state === 'done', 3000, 'S2 printed');
    expect(receiptsOf(printer).map((r) => r.qr[0])).toEqual(['https://q.example.cn/q/S2']);
    expect(getJob(t.db, j1)!.state).toBe('skipped');
  });

  it('a job whose order cannot be printed fails for the cashier and does not hold up the next one', async () => {
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    // B1 lives in a queue whose stored settings no longer parse: its receipt cannot be built.
    t.db
      .prepare(
        `INSERT INTO queues (id, base_settings, cashier_settings, next_seq, waiting_count, owed_fen, pool_fen, extracted_fen, paid_out_fen,
           undistributed_fen, forfeited_fen, exchanged_fen, points_issued, vouchers_issued)
         VALUES ('q-bad', '{}', '{"rebateName": 5}', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)`,
      )
      .run();
    t.db
      .prepare(
        `INSERT INTO orders (queue_id, id, member_id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at, settlement, settled_at,
           extracted_fen, paid_to_queue_fen) VALUES ('q-bad', 'B1', NULL, 100, 0, 100, 0, 'payment', 0, 0, 0)`,
      )
      .run();
    seedOrder(t.db, { id: 'B2' });
    const bad = enqueueReceipt(t.db, { queueId: 'q-bad', orderId: 'B1' });
    const good = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'B2' });
    startWorker();
    await waitFor(() => getJob(t.db, good)!.state === 'done', 3000, 'B2 printed');
    expect(getJob(t.db, bad)).toMatchObject({ state: 'failed', nextAttemptAt: null, attempts: 0 });
    expect(getJob(t.db, bad)!.lastError).toMatch(/rebateName/);
    expect(receiptsOf(printer).map((r) => r.qr[0])).toEqual(['https://q.example.cn/q/B2']);
  });

  it('a printer out of paper or with its cover open gets nothing; the job waits and prints once fixed', async () => {
    printer = await FakePrinter.start();
    printer.status = { paper: 'out', coverOpen: false };
    setMeta(t.db, 'printer.uri', printer.uri);
    seedOrder(t.db, { id: 'N1' });
    const job = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'N1' });
    const w = startWorker();
    await waitFor(() => getJob(t.db, job)!.state === 'failed', 3000, 'failed for paper');
    expect(getJob(t.db, job)!.lastError).toContain('缺纸');
    expect(w.printerState).toMatchObject({ online: false, paper: 'out' });
    printer.status = { paper: 'ok', coverOpen: true };
    await waitFor(() => (getJob(t.db, job)!.lastError ?? '').includes('cover'), 3000, 'cover error');
    expect(w.printerState.coverOpen).toBe(true);
    expect(receiptsOf(printer)).toHaveLength(0);
    printer.status = { paper: 'near-end', coverOpen: false };
    await waitFor(() => getJob(t.db, job)!.state === 'done', 3000, 'printed');
    expect(receiptsOf(printer)).toHaveLength(1);
    expect(w.printerState).toMatchObject({ online: true, paper: 'near-end' });
  });

  it('checkStatus reports the status bar state: not configured, online, unreachable', async () => {
    const w = startWorker();
    expect((await w.checkStatus()).configured).toBe(false);
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    expect(await w.checkStatus()).toMatchObject({ configured: true, online: true, paper: 'ok' });
    await printer.setMode('refuse');
    const down = await w.checkStatus();
    expect(down).toMatchObject({ configured: true, online: false });
    expect(down.lastError).toContain('refused');
  });

  it('a test page goes through the same queue', async () => {
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    const job = enqueueTestPage(t.db, { queueId: QUEUE });
    startWorker();
    await waitFor(() => getJob(t.db, job)!.state === 'done', 3000, 'test page');
    const [page] = receiptsOf(printer);
    expect(page!.drawer).toBe(false);
    const text = layoutLines(page!.lines, 48).join('\n');
    expect(text).toContain('打印测试页');
    expect(text).toContain('￥123.45');
    // Below the store's own name and address (this fixture's are bilingual), the page's text is Chinese.
    expect(text.slice(text.indexOf('打印测试页')), 'the store reads it: no English on the test page').not.toMatch(/[A-Za-z]/);
  });

  it('a job cut off by a stop mid-send becomes failed for the cashier, never reprinted by itself', async () => {
    seedOrder(t.db, { id: 'I1' });
    const job = enqueueReceipt(t.db, { queueId: QUEUE, orderId: 'I1' });
    t.db.prepare(`UPDATE print_jobs SET state = 'printing' WHERE id = ?`).run(job);
    printer = await FakePrinter.start();
    setMeta(t.db, 'printer.uri', printer.uri);
    startWorker();
    await new Promise((r) => setTimeout(r, 150));
    expect(getJob(t.db, job)).toMatchObject({ state: 'failed', lastError: INTERRUPTED_ERROR, nextAttemptAt: null });
    expect(printer.connections).toHaveLength(0);
  });
});
