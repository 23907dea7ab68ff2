/**
 * Issue 11 §1: OS printers by name, through a private CUPS scheduler whose
 * raw queue sends to the stand-in TCP printer (socket://127.0.0.1:PORT). The
 * bytes that arrive at the stand-in are decoded like the TCP tests. The list
 * for the settings screen shows the queue.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  discoverPrinters,
  enqueueReceipt,
  enqueueTestPage,
  getJob,
  listJobs,
  MAYBE_PRINTED_ERROR,
  OsPrinterTransport,
  powershellArgs,
  PrintWorker,
  setMeta,
  WINDOWS_RAW_PRINT,
} from '../../electron/backend/printing/index';
import { decodeEscPos } from '../support/escpos-decoder';
import { cupsUnavailable, PrivateCups } from '../support/cupsd';
import { FakePrinter } from '../support/fake-printer';
import { QUEUE, seedOrder, seedStore, tempDb, waitFor, type TempDb } from './fixtures';

const skip = cupsUnavailable();
let cups: PrivateCups;
let printer: FakePrinter;
let savedServer: string | undefined;
let t: TempDb;
let worker: PrintWorker | undefined;

describe.skipIf(skip !== null)(`OS printer through CUPS${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    printer = await FakePrinter.start();
    cups = new PrivateCups();
    await cups.start();
    await cups.addRawQueue('QRC_Receipt', `socket://127.0.0.1:${printer.port}`);
    savedServer = process.env.CUPS_SERVER;
    // lp / lpstat in the transport find the private scheduler through this (never the system's CUPS).
    process.env.CUPS_SERVER = cups.socket;
  }, 60_000);

  afterAll(async () => {
    if (savedServer === undefined) delete process.env.CUPS_SERVER;
    else process.env.CUPS_SERVER = savedServer;
    await cups?.stop();
    await printer?.stop();
  });

  beforeEach(() => {
    t = tempDb();
    seedStore(t.db);
    printer.connections.length = 0;
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    t.cleanup();
  });

  const receipts = () => decodeEscPos(printer.bytes).receipts.filter((r) => r.cut);

  it('prints receipts RAW to printer:NAME; the stand-in printer gets each one once, decoded as sent', async () => {
    setMeta(t.db, 'printer.uri', 'printer:QRC_Receipt');
    for (const id of ['C1', 'C2']) {
      t.db.transaction(() => {
        seedOrder(t.db, { id, tenders: [{ kind: 'cash', amountFen: 20000 }], changeFen: 3200 });
        enqueueReceipt(t.db, { queueId: QUEUE, orderId: id });
      })();
    }
    worker = new PrintWorker(t.db, { backoff: { baseMs: 50, maxMs: 200 }, idleMs: 20, statusPollMs: 0, timeoutMs: 10_000 });
    worker.start();
    await waitFor(() => listJobs(t.db).every((j) => j.state === 'done'), 30_000, 'spooled');
    // CUPS delivers after it accepted the job: wait for the stand-in to have both.
    await waitFor(() => receipts().length >= 2, 60_000, `CUPS delivered both (log: ${cups.log().slice(-500)})`);
    const got = receipts();
    expect(got.map((r) => r.qr[0])).toEqual(['https://q.example.cn/q/C1', 'https://q.example.cn/q/C2']);
    expect(got[0]!.chinese).toBe(true);
    expect(got[0]!.lines.map((l) => l.text).join('\n')).toContain('幸福超市');
    expect(got[0]!.drawer).toBe(true); // the drawer kick passed through unchanged (raw)
    expect(getJob(t.db, 1)!.attempts).toBe(1);
    expect(worker.printerState.online).toBe(true);
    const status = await worker.checkStatus();
    expect(status.online).toBe(true);
    expect(status.paper).toBe('unknown'); // CUPS cannot see paper through a raw socket queue
  }, 120_000);

  it('a test page from the settings list prints through the same path', async () => {
    const found = await discoverPrinters();
    const entry = found.printers.find((p) => p.uri === 'printer:QRC_Receipt');
    expect(entry).toMatchObject({ kind: 'os', label: '系统打印机：QRC_Receipt' });
    setMeta(t.db, 'printer.uri', entry!.uri);
    enqueueTestPage(t.db, { queueId: QUEUE });
    worker = new PrintWorker(t.db, { idleMs: 20, statusPollMs: 0, timeoutMs: 10_000 });
    worker.start();
    await waitFor(() => getJob(t.db, 1)!.state === 'done', 30_000, 'spooled');
    await waitFor(() => receipts().length >= 1, 60_000, 'delivered');
    expect(receipts()[0]!.lines.map((l) => l.text).join('\n')).toContain('打印测试页');
  }, 120_000);

  it('an unknown printer name and a queue that refuses jobs fail with Chinese messages', async () => {
    const missing = new OsPrinterTransport('printer:Nope', 'Nope');
    await expect(missing.send(Uint8Array.of(0x1b, 0x40), { timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'config', message: expect.stringMatching(/系统里没有名为「Nope」的打印机/) });
    await expect(missing.status({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'config' });
    await cups.lp(['cupsreject', 'QRC_Receipt']);
    try {
      const refusing = new OsPrinterTransport('printer:QRC_Receipt', 'QRC_Receipt');
      await expect(refusing.send(Uint8Array.of(0x1b, 0x40), { timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'not-ready', message: expect.stringMatching(/不接受任务/) });
    } finally {
      await cups.lp(['cupsaccept', 'QRC_Receipt']);
    }
  }, 60_000);
});

describe('OS printer without CUPS', () => {
  it('says in Chinese that CUPS is missing when lp cannot be found', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const t = new OsPrinterTransport('printer:X', 'X', 'linux');
      await expect(t.send(Uint8Array.of(1), { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/CUPS/) });
      const found = await discoverPrinters({ platform: 'linux' });
      expect(found.notes.join()).toMatch(/CUPS/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('OS printer: a spooler command that takes the job and does not finish', () => {
  it('is killed at the limit and the job waits for the cashier (maybe printed), never resent by itself', async () => {
    // A stand-in `lp` first on PATH: reads the whole job, then hangs.
    const bin = mkdtempSync(join(tmpdir(), 'qrc-lp-'));
    writeFileSync(join(bin, 'lp'), '#!/bin/sh\ncat > /dev/null\nexec sleep 30\n');
    chmodSync(join(bin, 'lp'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    const db = tempDb();
    let w: PrintWorker | undefined;
    try {
      seedStore(db.db);
      setMeta(db.db, 'printer.uri', 'printer:Hanging');
      enqueueTestPage(db.db, { queueId: QUEUE });
      w = new PrintWorker(db.db, { backoff: { baseMs: 20, maxMs: 40 }, idleMs: 20, statusPollMs: 0, timeoutMs: 400 });
      w.start();
      await waitFor(() => getJob(db.db, 1)!.state === 'failed', 10_000, 'failed');
      await new Promise((r) => setTimeout(r, 300)); // a retry would have started by now
      const job = getJob(db.db, 1)!;
      expect(job.attempts).toBe(1);
      expect(job.nextAttemptAt).toBeNull();
      expect(job.lastError).toContain(MAYBE_PRINTED_ERROR);
    } finally {
      await w?.stop();
      process.env.PATH = path;
      db.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  }, 30_000);

  it('hands PowerShell its scripts encoded (quotes survive), the printer name through the environment', () => {
    const args = powershellArgs(WINDOWS_RAW_PRINT);
    expect(args.slice(0, -1)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    const script = Buffer.from(args.at(-1)!, 'base64').toString('utf16le');
    expect(script).toBe(WINDOWS_RAW_PRINT);
    expect(script).toContain('pDatatype = "RAW"');
    expect(script).toContain('$env:QRC_PRINTER');
  });
});
