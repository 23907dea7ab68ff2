/**
 * Issue 11 §3: serial printers through `serialport`, with a pseudo-terminal
 * pair standing in for the printer (the bytes that really arrived at the
 * far end are decoded). Also: a printer that stops reading mid-job and
 * resumes gets the job exactly once, and the address carries port and baud.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueReceipt, listJobs, parsePrinterUri, PrintWorker, SerialTransport, setMeta } from '../../electron/backend/printing/index';
import { decodeEscPos } from '../support/escpos-decoder';
import { PtyDevice } from '../support/pty-device';
import { QUEUE, seedOrder, seedStore, tempDb, waitFor, type TempDb } from './fixtures';

/** serialport is an optional dependency: where its binding did not install, these tests say so instead of failing. */
const serialport = await import('serialport').then(
  () => null,
  (e: unknown) => `serialport cannot be loaded here (${String(e)})`,
);

let t: TempDb;
let device: PtyDevice | undefined;
let worker: PrintWorker | undefined;
let transport: SerialTransport | undefined;

beforeEach(() => {
  t = tempDb();
  seedStore(t.db);
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await transport?.close();
  transport = undefined;
  device?.stop();
  device = undefined;
  t.cleanup();
});

describe.skipIf(serialport !== null)(`serial printer (pty stand-in)${serialport ? ` — skipped: ${serialport}` : ''}`, () => {
  it('prints receipts through the serial port; the far end decodes each once', async () => {
    device = new PtyDevice();
    await device.start();
    setMeta(t.db, 'printer.uri', 'serial:/dev/ttyUSB0?baud=19200'); // what the shop sets; the port here is the pty
    for (const id of ['R1', 'R2']) {
      t.db.transaction(() => {
        seedOrder(t.db, { id, tenders: [{ kind: 'cash', amountFen: 20000 }], changeFen: 3200 });
        enqueueReceipt(t.db, { queueId: QUEUE, orderId: id });
      })();
    }
    const pty = device.path;
    worker = new PrintWorker(t.db, {
      idleMs: 20,
      statusPollMs: 0,
      timeoutMs: 2000,
      transportFor: () => (transport ??= new SerialTransport(`serial:${pty}?baud=19200`, pty, 19200)),
    });
    worker.start();
    await waitFor(() => listJobs(t.db).every((j) => j.state === 'done'), 15_000, 'printed');
    await waitFor(() => decodeEscPos(device!.bytes()).receipts.filter((r) => r.cut).length === 2, 5000, 'arrived');
    const receipts = decodeEscPos(device.bytes()).receipts.filter((r) => r.cut);
    expect(receipts.map((r) => r.qr[0])).toEqual(['https://q.example.cn/q/R1', 'https://q.example.cn/q/R2']);
    expect(receipts[0]!.lines.map((l) => l.text).join('\n')).toContain('幸福超市');
    expect(receipts[0]!.drawer).toBe(true);
  }, 30_000);

  it('a printer that stops reading mid-job: the attempt times out, the retry waits for the same bytes, which arrive once', async () => {
    device = new PtyDevice();
    await device.start();
    device.pause();
    transport = new SerialTransport(`serial:${device.path}`, device.path, 9600);
    const job = new Uint8Array(300_000);
    for (let i = 0; i < job.length; i++) job[i] = 0x20 + (i % 90);
    await expect(transport.send(job, { timeoutMs: 400, key: 'job-1' })).rejects.toThrow(/无响应/);
    // Another job is refused while this one is still going out (never two writes at once).
    await expect(transport.send(Uint8Array.of(0x41), { timeoutMs: 400, key: 'job-2' })).rejects.toThrow(/还在接收上一张/);
    device.resume();
    await transport.send(job, { timeoutMs: 5000, key: 'job-1' });
    await waitFor(() => device!.bytes().length >= job.length, 10_000, 'all arrived');
    await new Promise((r) => setTimeout(r, 200));
    expect(device.bytes().length).toBe(job.length);
    expect(Buffer.compare(device.bytes(), job)).toBe(0);
  }, 30_000);

  it('the address carries the port and the baud rate; a file is refused', () => {
    expect(parsePrinterUri('serial:/dev/ttyUSB0?baud=19200', 'linux')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 19200, flow: 'none' });
    expect(parsePrinterUri('serial:COM3', 'win32')).toEqual({ kind: 'serial', path: 'COM3', baudRate: 9600, flow: 'none' });
    expect(parsePrinterUri('serial:COM3?baud=115200&flow=rtscts', 'win32')).toEqual({ kind: 'serial', path: 'COM3', baudRate: 115200, flow: 'rtscts' });
    expect(() => parsePrinterUri('serial:COM3?baud=12345', 'win32')).toThrow(/波特率/);
    expect(() => parsePrinterUri('serial:/home/shop/register.db', 'linux')).toThrow(/串口打印机只能填写串口设备/);
  });
});
