/**
 * Printers reached through a device file: `file:/dev/usb/lp0` (USB printer
 * class), `file:/dev/lp0`, `file:/dev/ttyUSB0` … on Linux and macOS, and
 * shared printers / ports on Windows (`//localhost/Receipt`, `file:COM3`).
 *
 * Unix: the device is opened once with O_NONBLOCK and kept open (a USB
 * printer allows one opener). Writes go out with `fs.write`, which on a
 * non-blocking fd returns at once — with the bytes the device took, or
 * EAGAIN when it takes none — so no call ever sits in Node's shared thread
 * pool (a blocked `write(2)` there would hold one of its four threads, and
 * four stuck printers would stall scrypt PIN checks and file I/O). While the
 * device takes nothing the transport polls (5 → 50 ms); when it has taken
 * nothing for `timeoutMs` the attempt fails, the fd stays open and the
 * transport remembers how far the job got. The retry of the same job goes on
 * from that byte: what the kernel took is already on its way to the paper,
 * so a device that stalls mid-job and then resumes prints the receipt once.
 * Only one write is ever in flight (a second `send` while one runs is
 * refused).
 *
 * Paper status: the Linux printer drivers (usblp, lp) answer the LPGETSTATUS
 * ioctl with the IEEE 1284 status byte. Node cannot issue an ioctl, so a
 * short child (`python3`, killed after `timeoutMs`) is handed our fd and
 * asks; without python3 or for other devices paper is honestly "unknown".
 *
 * Windows: a share or a port is written by a child `cmd /c copy /b`, killed
 * at the deadline (Windows has no non-blocking file writes; the child keeps
 * the thread pool free). The spooler takes the whole file at once, so there
 * is no progress to watch: the deadline is on the whole copy.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrinterStatus } from './status';
import { idleTimeoutError, PrinterError } from './transport-error';
import type { PrinterTransport, SendOptions, SendResult } from './transport';

function openNonBlocking(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const { O_WRONLY, O_NONBLOCK, O_NOCTTY } = fs.constants;
    fs.open(file, O_WRONLY | O_NONBLOCK | (O_NOCTTY ?? 0), (error, fd) => (error ? reject(error) : resolve(fd)));
  });
}

/** One write(2) on a non-blocking fd: the bytes taken, 0 when the device takes none right now. */
function writeSome(fd: number, data: Uint8Array, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.write(fd, data, offset, Math.min(data.length - offset, 64 * 1024), null, (error, written) => {
      if (error) {
        if (error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK') resolve(0);
        else reject(error);
      } else resolve(written);
    });
  });
}

function closeQuietly(fd: number): void {
  fs.close(fd, () => undefined);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function deviceError(error: NodeJS.ErrnoException, where: string): PrinterError {
  switch (error.code) {
    case 'ENOENT':
      return new PrinterError('refused', `找不到打印机设备 ${where}：请检查 USB 线和打印机电源`);
    case 'EACCES':
    case 'EPERM':
      return new PrinterError('config', `没有权限使用打印机设备 ${where}：请把收银账户加入 lp（串口为 dialout）用户组后重新登录`);
    case 'EBUSY':
      return new PrinterError('refused', `打印机设备 ${where} 正被其他程序占用（例如系统打印服务），请先关闭它`);
    case 'ENXIO':
    case 'ENODEV':
      return new PrinterError('refused', `打印机设备 ${where} 未连接或已关机`);
    case 'ENOSPC':
      // usblp answers a write with ENOSPC while the printer reports paper out.
      return new PrinterError('not-ready', '打印机缺纸 (paper out)', { online: false, paper: 'out', coverOpen: null });
    case 'EPIPE':
    case 'EIO':
      return new PrinterError('closed', `打印机设备 ${where} 断开了（${error.code}）：请检查连接后重试`);
    default:
      return new PrinterError('io', `写入打印机设备 ${where} 出错（${error.code ?? error.message}）`);
  }
}

/** The part of a job a stalled device already took, so the retry goes on from there. */
interface PartialJob {
  key: string | undefined;
  data: Uint8Array;
  offset: number;
}

/** Linux printer-port status bits (linux/lp.h), as usblp and lp answer LPGETSTATUS. */
const LP_POUTPA = 0x20;
const LP_PSELECD = 0x10;
const LP_PERRORP = 0x08;
const LPGETSTATUS = 0x060b;

let python3Missing = false;

export class DeviceFileTransport implements PrinterTransport {
  private fd: number | null = null;
  private opening: Promise<number> | null = null;
  private busy = false;
  private partial: PartialJob | null = null;

  constructor(
    readonly uri: string,
    readonly path: string,
  ) {}

  /** One fd for the transport's life (a status check and a job never open the device twice). */
  private open(): Promise<number> {
    if (this.fd !== null) return Promise.resolve(this.fd);
    this.opening ??= openNonBlocking(this.path).then(
      (fd) => {
        this.fd = fd;
        this.opening = null;
        return fd;
      },
      (error: NodeJS.ErrnoException) => {
        this.opening = null;
        throw deviceError(error, this.path);
      },
    );
    return this.opening;
  }

  /** The device went away: what the kernel held for it is lost, so the next attempt starts the job over. */
  private drop(): void {
    if (this.fd !== null) closeQuietly(this.fd);
    this.fd = null;
    this.partial = null;
  }

  async send(data: Uint8Array, { timeoutMs, key }: SendOptions): Promise<SendResult> {
    if (this.busy) throw new PrinterError('io', `打印机设备 ${this.path} 正在写入上一张小票`);
    this.busy = true;
    try {
      const resume = this.partial && this.partial.key === key && sameBytes(this.partial.data, data) ? this.partial.offset : 0;
      // A different job while one was cut off: the cut-off part stays as it is (it has no cut; the cashier sees the job failed).
      const job: PartialJob = { key, data, offset: resume };
      this.partial = job;
      const fd = await this.open();
      let lastProgress = Date.now();
      let pause = 5;
      while (job.offset < data.length) {
        let taken: number;
        try {
          taken = await writeSome(fd, data, job.offset);
        } catch (error) {
          // Paper out: what the device took stays taken; the retry goes on from there.
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') this.drop();
          throw deviceError(error as NodeJS.ErrnoException, this.path);
        }
        if (taken > 0) {
          job.offset += taken;
          lastProgress = Date.now();
          pause = 5;
          continue;
        }
        if (Date.now() - lastProgress >= timeoutMs) throw idleTimeoutError(this.path, timeoutMs);
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 50);
      }
      this.partial = null;
      return { bytes: data.length, status: await this.paperStatus(fd, Math.min(timeoutMs, 3000)) };
    } finally {
      this.busy = false;
    }
  }

  async status({ timeoutMs }: { timeoutMs: number }): Promise<PrinterStatus | null> {
    const fd = await this.open();
    return (await this.paperStatus(fd, timeoutMs)) ?? { online: true, paper: 'unknown', coverOpen: null };
  }

  /** LPGETSTATUS through a killable python3 child handed our fd; null when the device or the machine cannot tell. */
  private async paperStatus(fd: number, timeoutMs: number): Promise<PrinterStatus | null> {
    if (python3Missing || !/^\/dev\/(usb\/)?lp\d+$/.test(this.path)) return null;
    const script = `import fcntl,struct\nprint(struct.unpack('i', fcntl.ioctl(3, ${LPGETSTATUS}, struct.pack('i', 0)))[0])`;
    const byte = await new Promise<number | null>((resolve) => {
      const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore', fd] });
      let out = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') python3Missing = true;
        clearTimeout(timer);
        resolve(null);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const n = Number(out.trim());
        resolve(code === 0 && Number.isInteger(n) ? n : null);
      });
    });
    if (byte === null) return null;
    const paperOut = (byte & LP_POUTPA) !== 0;
    return { online: (byte & LP_PSELECD) !== 0 && (byte & LP_PERRORP) !== 0 && !paperOut, paper: paperOut ? 'out' : 'ok', coverOpen: null };
  }

  async close(): Promise<void> {
    if (this.fd !== null) closeQuietly(this.fd);
    this.fd = null;
  }
}

/** Windows: a shared printer or a COM/LPT port, written by a child `copy /b` that is killed at the deadline. */
export class WindowsPathTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    readonly path: string,
  ) {}

  private target(): string {
    const p = this.path.replace(/\//g, '\\');
    return /^(COM|LPT)\d+$/i.test(p) ? `\\\\.\\${p}` : p;
  }

  async send(data: Uint8Array, { timeoutMs }: SendOptions): Promise<SendResult> {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qrc-print-'));
    const file = path.join(dir, 'job.bin');
    try {
      await fs.promises.writeFile(file, data);
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.env.ComSpec ?? 'cmd.exe', ['/d', '/c', 'copy', '/b', '/y', file, this.target()], {
          stdio: ['ignore', 'ignore', 'pipe'],
          windowsHide: true,
        });
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        const timer = setTimeout(() => {
          child.kill();
          reject(idleTimeoutError(this.path, timeoutMs));
        }, timeoutMs);
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(new PrinterError('io', `无法启动系统复制命令：${error.message}`));
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          if (code === 0) resolve();
          else reject(new PrinterError('refused', `无法写入打印机 ${this.path}：请检查打印机共享名或端口${err.trim() ? `（${err.trim()}）` : ''}`));
        });
      });
      return { bytes: data.length, status: null };
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }

  /** Paper and cover are not visible through a share or a port, and probing a share could hang a pool thread: unknown. */
  status(): Promise<PrinterStatus | null> {
    return Promise.resolve(null);
  }
}
