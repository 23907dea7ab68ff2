/**
 * Serial printers: `serial:/dev/ttyUSB0?baud=9600`, `serial:COM3?baud=115200`
 * through the `serialport` package (an optional dependency: where its
 * binding cannot be loaded the printer says so in Chinese).
 *
 * serialport opens the port non-blocking and writes with `fs.write` +
 * an epoll/IOCP wait for "writable", so a printer that stops reading (paper
 * out with hardware flow control) never holds a thread-pool thread. We never
 * call `drain()`: it is `tcdrain(2)` on the thread pool and would block while
 * the printer holds CTS low.
 *
 * A job is written in pieces of 256 bytes by one background pump per port;
 * a finished piece is progress for the idle deadline. When the deadline
 * passes the pump is *not* stopped: what serialport holds goes out when the
 * printer resumes. The retry of the same job waits for that pump instead of
 * writing again, so the receipt prints once; another job is refused while it
 * runs (never a second write while one is pending).
 */
import { IdleDeadline } from './deadline';
import type { PrinterStatus } from './status';
import { idleTimeoutError, PrinterError } from './transport-error';
import type { PrinterTransport, SendOptions, SendResult, SerialFlow } from './transport';

interface Port {
  open(cb: (error: Error | null) => void): void;
  write(data: Buffer, cb: (error: Error | null | undefined) => void): boolean;
  close(cb?: (error: Error | null) => void): void;
  on(event: 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  readonly isOpen: boolean;
}

type SerialPortModule = {
  SerialPort: new (options: { path: string; baudRate: number; autoOpen: false; rtscts?: boolean; xon?: boolean; xoff?: boolean }) => Port & { list?: unknown };
};

export const NO_SERIALPORT = '这台收银机缺少串口组件（serialport），无法使用串口打印机：请重新安装收银程序，或改用 USB / 网络打印机';

let loaded: Promise<SerialPortModule> | null = null;

/** serialport, or PrinterError('unavailable') where its native binding is not installed. */
export function loadSerialPort(): Promise<SerialPortModule> {
  // The specifier is a variable on purpose: serialport is optional, and where
  // `npm ci` could not install it the type checker must not require it either.
  const optionalModule: string = 'serialport';
  loaded ??= import(optionalModule).then(
    (m) => ((m as unknown as { default?: SerialPortModule }).default?.SerialPort ? (m as unknown as { default: SerialPortModule }).default : (m as unknown as SerialPortModule)),
    () => {
      loaded = null;
      throw new PrinterError('unavailable', NO_SERIALPORT);
    },
  );
  return loaded;
}

const PIECE = 256;

/** One job going out piece by piece; survives the deadline of the attempt that started it. */
interface Pump {
  key: string | undefined;
  data: Uint8Array;
  offset: number;
  done: Promise<void>;
  finished: boolean;
  failed: PrinterError | null;
  listeners: Set<() => void>;
}

function serialError(error: unknown, path: string): PrinterError {
  const text = error instanceof Error ? error.message : String(error);
  if (/ENOENT|cannot find|File not found/i.test(text)) return new PrinterError('refused', `找不到串口 ${path}：请检查串口线或 USB 转串口是否插好`);
  if (/EACCES|Access denied|permission/i.test(text)) return new PrinterError('config', `没有权限使用串口 ${path}：Linux 上请把收银账户加入 dialout 用户组，Windows 上请关闭占用该串口的程序`);
  if (/EBUSY|lock|in use/i.test(text)) return new PrinterError('refused', `串口 ${path} 正被其他程序占用`);
  return new PrinterError('io', `串口 ${path} 出错：${text}`);
}

export class SerialTransport implements PrinterTransport {
  private port: Port | null = null;
  private opening: Promise<Port> | null = null;
  private pump: Pump | null = null;

  constructor(
    readonly uri: string,
    readonly path: string,
    readonly baudRate: number,
    /** With flow control a printer out of paper holds the bytes back (they wait in the port); without it, it may drop them. */
    readonly flow: SerialFlow = 'none',
  ) {}

  private open(): Promise<Port> {
    if (this.port?.isOpen) return Promise.resolve(this.port);
    this.opening ??= loadSerialPort()
      .then(
        ({ SerialPort }) =>
          new Promise<Port>((resolve, reject) => {
            const port = new SerialPort({
              path: this.path,
              baudRate: this.baudRate,
              autoOpen: false,
              rtscts: this.flow === 'rtscts',
              xon: this.flow === 'xonxoff',
              xoff: this.flow === 'xonxoff',
            });
            port.open((error) => (error ? reject(serialError(error, this.path)) : resolve(port)));
          }),
      )
      .then(
        (port) => {
          port.on('error', () => undefined);
          port.on('close', () => {
            if (this.port === port) this.port = null;
          });
          this.port = port;
          this.opening = null;
          return port;
        },
        (error: unknown) => {
          this.opening = null;
          throw error;
        },
      );
    return this.opening;
  }

  private startPump(port: Port, data: Uint8Array, key: string | undefined): Pump {
    const pump: Pump = { key, data, offset: 0, done: Promise.resolve(), finished: false, failed: null, listeners: new Set() };
    const notify = () => pump.listeners.forEach((l) => l());
    pump.done = (async () => {
      while (pump.offset < data.length) {
        const piece = Buffer.from(data.subarray(pump.offset, pump.offset + PIECE));
        await new Promise<void>((resolve, reject) => port.write(piece, (error) => (error ? reject(serialError(error, this.path)) : resolve())));
        pump.offset += piece.length;
        notify();
      }
    })().then(
      () => {
        pump.finished = true;
        notify();
      },
      (error: PrinterError) => {
        pump.failed = error;
        notify();
      },
    );
    return pump;
  }

  async send(data: Uint8Array, { timeoutMs, key }: SendOptions): Promise<SendResult> {
    let pump = this.pump;
    if (pump && !pump.finished && !pump.failed) {
      const same = pump.key === key && pump.data.length === data.length && Buffer.compare(pump.data, data) === 0;
      if (!same) throw new PrinterError('io', `串口打印机 ${this.path} 还在接收上一张小票`);
    } else if (pump && pump.finished && pump.key === key && key !== undefined) {
      // The earlier attempt's bytes all went out after its deadline: printed, not sent again.
      this.pump = null;
      return { bytes: data.length, status: null };
    } else {
      const port = await this.open();
      pump = this.startPump(port, data, key);
      this.pump = pump;
    }
    const running = pump;
    await new Promise<void>((resolve, reject) => {
      const deadline = new IdleDeadline(timeoutMs, () => {
        running.listeners.delete(check);
        reject(idleTimeoutError(this.path, timeoutMs));
      });
      const check = () => {
        deadline.touch();
        if (running.finished || running.failed) {
          deadline.stop();
          running.listeners.delete(check);
          if (running.failed) reject(running.failed);
          else resolve();
        }
      };
      running.listeners.add(check);
      check();
    });
    if (this.pump === running) this.pump = null;
    return { bytes: data.length, status: null };
  }

  /** Whether the port opens; paper and cover are not read over serial here (unknown). */
  async status(): Promise<PrinterStatus | null> {
    await this.open();
    return { online: true, paper: 'unknown', coverOpen: null };
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
