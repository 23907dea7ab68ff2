/**
 * Issue 11 §2: a USB printer's device file, with a FIFO standing in for
 * /dev/usb/lp0. Writes are non-blocking with a deadline that really ends
 * the attempt (nothing left stuck in Node's thread pool); a device that
 * stops reading mid-job and then resumes gets every receipt exactly once;
 * PIN checks (scrypt, on the thread pool) and checkouts keep answering
 * while it is stuck. Also the `file:` address rule (issue 9 §2).
 */
import { scrypt } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkDevicePath,
  DeviceFileTransport,
  enqueueReceipt,
  getJob,
  listJobs,
  parsePrinterUri,
  PrintWorker,
  setMeta,
} from '../../electron/backend/printing/index';
import { decodeEscPos } from '../support/escpos-decoder';
import { FifoDevice } from '../support/fifo-device';
import { QUEUE, seedOrder, seedStore, tempDb, waitFor, type TempDb } from './fixtures';

const IDLE_MS = 400;

let t: TempDb;
let device: FifoDevice | undefined;
let worker: PrintWorker | undefined;

beforeEach(() => {
  t = tempDb();
  seedStore(t.db);
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  device?.stop();
  device = undefined;
  t.cleanup();
});

function checkout(id: string): number {
  const started = performance.now();
  t.db.transaction(() => {
    seedOrder(t.db, { id, tenders: [{ kind: 'cash', amountFen: 20000 }], changeFen: 3200 });
    enqueueReceipt(t.db, { queueId: QUEUE, orderId: id });
  })();
  return performance.now() - started;
}

function startWorker(d: FifoDevice): PrintWorker {
  // The FIFO lives in a temp dir, which the file: rule rightly refuses: the transport is built directly.
  worker = new PrintWorker(t.db, {
    backoff: { baseMs: 30, maxMs: 100 },
    idleMs: 20,
    statusPollMs: 0,
    timeoutMs: IDLE_MS,
    transportFor: () => (transport ??= new DeviceFileTransport(`file:${d.path}`, d.path)),
  });
  let transport: DeviceFileTransport | undefined;
  worker.start();
  return worker;
}

/** Eight scrypt hashes at once (more than the four pool threads): how long until all are done. */
async function pinChecks(): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, (_, i) => new Promise<void>((resolve, reject) => scrypt(`pin-${i}`, 'salt', 32, { N: 1024 }, (e) => (e ? reject(e) : resolve())))),
  );
  return performance.now() - started;
}

const originals = (bytes: Uint8Array) => decodeEscPos(bytes).receipts.filter((r) => r.cut).map((r) => r.qr[0]);

describe('device file printer (FIFO stand-in)', () => {
  it('a device that stops reading mid-job and resumes prints each receipt exactly once; PIN checks and checkouts go on meanwhile', async () => {
    device = new FifoDevice();
    await device.startReader();
    device.pause(); // paper out: the device takes 4 KiB (the pipe) and then nothing
    setMeta(t.db, 'printer.uri', 'file:/dev/usb/lp0'); // what the shop would set; the transport is the FIFO
    setMeta(t.db, 'printer.copies', '2');
    for (const id of ['U1', 'U2', 'U3']) checkout(id);
    const w = startWorker(device);
    // Attempts time out on silence and are retried while the device is stuck.
    await waitFor(() => listJobs(t.db).some((j) => j.attempts >= 3), 10_000, 'repeated attempts on the stuck device');
    const stuck = listJobs(t.db).find((j) => j.attempts >= 3)!;
    expect(stuck.lastError ?? '', JSON.stringify(listJobs(t.db))).toMatch(/无响应/);
    expect(w.printerState.online).toBe(false);
    // Nothing is stuck in the thread pool: scrypt answers, a checkout commits at once.
    expect(await pinChecks()).toBeLessThan(3000);
    expect(checkout('U4')).toBeLessThan(200);
    device.resume();
    await waitFor(() => listJobs(t.db).every((j) => j.state === 'done'), 20_000, 'all printed after resume');
    await waitFor(() => originals(device!.bytes()).length === 8, 5000, 'reader caught up');
    expect(originals(device.bytes())).toEqual([
      'https://q.example.cn/q/U1', 'https://q.example.cn/q/U1',
      'https://q.example.cn/q/U2', 'https://q.example.cn/q/U2',
      'https://q.example.cn/q/U3', 'https://q.example.cn/q/U3',
      'https://q.example.cn/q/U4', 'https://q.example.cn/q/U4',
    ]);
    // The receipts arrived whole: no cut-off fragment anywhere.
    expect(decodeEscPos(device.bytes()).receipts.filter((r) => !r.cut && r.lines.length > 0)).toEqual([]);
    expect(w.printerState.online).toBe(true);
    expect(w.printerState.paper).toBe('unknown'); // a FIFO cannot tell: honestly unknown
  }, 60_000);

  it('an unplugged device (no reader) fails at once as not connected and prints once it is there', async () => {
    device = new FifoDevice();
    setMeta(t.db, 'printer.uri', 'file:/dev/usb/lp0');
    checkout('N1');
    startWorker(device);
    await waitFor(() => getJob(t.db, 1)!.state === 'failed', 5000, 'failed');
    expect(getJob(t.db, 1)!.lastError).toMatch(/未连接/);
    await device.startReader();
    await waitFor(() => getJob(t.db, 1)!.state === 'done', 5000, 'printed');
    await waitFor(() => originals(device!.bytes()).length === 1, 5000, 'read');
    expect(originals(device.bytes())).toEqual(['https://q.example.cn/q/N1']);
  }, 30_000);

  it('never a second write while one is pending', async () => {
    device = new FifoDevice();
    await device.startReader();
    device.pause();
    const transport = new DeviceFileTransport(`file:${device.path}`, device.path);
    const big = new Uint8Array(20_000).fill(0x41);
    const first = transport.send(big, { timeoutMs: 300, key: 'a' });
    await expect(transport.send(Uint8Array.of(0x42), { timeoutMs: 300, key: 'b' })).rejects.toThrow(/正在写入/);
    await expect(first).rejects.toThrow(/无响应/);
    device.resume();
    await transport.send(big, { timeoutMs: 2000, key: 'a' }); // goes on where it stopped
    await transport.close();
    await waitFor(() => device!.bytes().length === 20_000, 5000, 'all read');
    expect(device.bytes().length).toBe(20_000); // exactly once, not 4 096 + 20 000
  }, 30_000);
});

describe('file: may name only a printer device (issue 9 §2)', () => {
  it('accepts printer devices on Linux, macOS and Windows', () => {
    for (const p of ['/dev/usb/lp0', '/dev/lp1', '/dev/ttyUSB0', '/dev/ttyS1', '/dev/ttyACM0', '/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0', '/dev/cu.usbserial-1410']) {
      expect(parsePrinterUri(`file:${p}`, 'linux')).toEqual({ kind: 'device', path: p });
    }
    for (const p of ['COM3', 'LPT1', '\\\\.\\COM12', '//localhost/Receipt', '\\\\SHOP-PC\\XP58']) {
      expect(parsePrinterUri(`file:${p}`, 'win32').kind).toBe('windows-path');
    }
    expect(parsePrinterUri('//localhost/Receipt', 'win32')).toEqual({ kind: 'windows-path', path: '//localhost/Receipt' });
  });

  it('refuses the database, documents, relative paths and other devices with a Chinese message', () => {
    const refused: [string, NodeJS.Platform][] = [
      ['file:/var/lib/qrc/register.db', 'linux'],
      ['file:register.db', 'linux'],
      ['file:./lp0', 'linux'],
      ['file:/dev/usb/../sda', 'linux'],
      ['file:/dev/sda', 'linux'],
      ['file:/dev/tty', 'linux'],
      ['file:/home/shop/receipt.txt', 'linux'],
      ['file:/tmp/x/lp0', 'linux'],
      ['file:C:\\Users\\shop\\register.db', 'win32'],
      ['file:\\\\SHOP-PC\\share\\register.db', 'win32'],
      ['file:notes.txt', 'win32'],
      ['file:COM3', 'linux'],
    ];
    for (const [uri, platform] of refused) {
      expect(() => parsePrinterUri(uri, platform), uri).toThrow(/打印机地址只能是打印机设备/);
    }
    expect(() => checkDevicePath('/dev/usb/lp0', 'linux', { serial: true })).toThrow(/串口/);
  });
});
