/**
 * Getting bytes to a printer, never without a time limit.
 *
 * - `tcp://HOST:PORT` (port 9100 by default): our own socket code, because a
 *   job must only count as printed once the printer has *read* it. With
 *   `printer.confirm = status` (the default) the transport asks for the
 *   printer's status before the job (a printer out of paper or with its cover
 *   open gets nothing) and again after it; the second answer proves every
 *   byte before it was read. A printer that accepts the connection but never
 *   reads cannot answer, so the job times out and stays in the queue.
 *   node-thermal-printer's network interface reports success as soon as the
 *   bytes reach the local socket buffer, which is why it is not used here.
 * - `printer:NAME`: an operating-system printer through node-thermal-printer's
 *   printer interface; it needs a native driver object (e.g. the `printer` /
 *   `@thiagoelg/node-printer` module) handed to `createTransport`.
 * - `//HOST/SHARE` or `\\HOST\SHARE` (a shared Windows printer, e.g. a USB
 *   printer shared as //localhost/Receipt) and `file:/dev/usb/lp0`: the raw
 *   bytes are written to that path.
 * - a custom object `{ execute(buffer), isPrinterConnected?() }` (the shape
 *   node-thermal-printer accepts as a custom interface).
 */
import net from 'node:net';
import { promises as fs } from 'node:fs';
import type { CommandSet } from '../../../shared/receipt/index';
import { notReadyReason, parseStatus, replyLength, statusQuery, type PrinterStatus } from './status';

export type PrinterErrorCode = 'refused' | 'timeout' | 'closed' | 'not-ready' | 'config' | 'io';

export class PrinterError extends Error {
  override name = 'PrinterError';
  constructor(
    readonly code: PrinterErrorCode,
    message: string,
    /** What the printer reported, for 'not-ready'. */
    readonly status?: PrinterStatus,
  ) {
    super(message);
  }
}

export interface SendResult {
  /** Bytes the printer took (all of them, or the send failed). */
  bytes: number;
  /** What the printer reported, when it reports anything. */
  status: PrinterStatus | null;
}

export interface PrinterTransport {
  readonly uri: string;
  send(data: Uint8Array, options: { timeoutMs: number }): Promise<SendResult>;
  /** The printer's state; null when this kind of connection cannot tell. Rejects with PrinterError when unreachable. */
  status(options: { timeoutMs: number }): Promise<PrinterStatus | null>;
}

/** node-thermal-printer's custom interface shape. */
export interface CustomPrinterInterface {
  execute(buffer: Buffer): Promise<unknown>;
  isPrinterConnected?(): Promise<boolean>;
}

export type PrinterTarget =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'os'; name: string }
  | { kind: 'path'; path: string };

export function parsePrinterUri(uri: string): PrinterTarget {
  const text = uri.trim();
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^/:\s]+)(?::(\d{1,5}))?\/?$/i.exec(text);
  if (tcp) {
    const port = tcp[2] ? Number(tcp[2]) : 9100;
    if (port < 1 || port > 65535) throw new PrinterError('config', `printer port must be 1–65535, got ${port}`);
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  const os = /^printer:(.+)$/i.exec(text);
  if (os) return { kind: 'os', name: os[1]!.trim() };
  if (/^(\/\/|\\\\)[^/\\]+[/\\][^/\\]+/.test(text)) return { kind: 'path', path: text };
  const file = /^file:(.+)$/i.exec(text);
  if (file) return { kind: 'path', path: file[1]! };
  throw new PrinterError(
    'config',
    `printer.uri must be tcp://HOST:PORT, printer:NAME, //HOST/SHARE or file:PATH, got ${JSON.stringify(uri)}`,
  );
}

export interface TransportOptions {
  commandSet: CommandSet;
  confirm: 'status' | 'none';
  /** Native printer driver for printer:NAME (node-thermal-printer's `driver`). */
  osDriver?: object;
}

export function createTransport(uri: string | CustomPrinterInterface, options: TransportOptions): PrinterTransport {
  if (typeof uri !== 'string') return new CustomTransport(uri);
  const target = parsePrinterUri(uri);
  switch (target.kind) {
    case 'tcp':
      return new TcpTransport(target.host, target.port, options.commandSet, options.confirm);
    case 'os':
      return new OsPrinterTransport(uri, target.name, options);
    case 'path':
      return new PathTransport(uri, target.path);
  }
}

function describeSocketError(error: NodeJS.ErrnoException, where: string): PrinterError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new PrinterError('refused', `打印机拒绝连接 (connection refused by ${where})`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new PrinterError('closed', `打印机断开了连接 (${where} closed the connection: ${error.code})`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PrinterError('refused', `找不到打印机 (${where}: ${error.code})`);
    default:
      return new PrinterError('io', `打印机连接出错 (${where}: ${error.code ?? error.message})`);
  }
}

/** One connection with a hard deadline: reads wait for exact byte counts, every wait ends by the deadline. */
class Connection {
  private socket: net.Socket;
  private inbox = new Uint8Array(0);
  private failure: PrinterError | null = null;
  private waiters: (() => void)[] = [];
  private failHooks: ((error: PrinterError) => void)[] = [];
  private timer: NodeJS.Timeout;
  readonly connected: Promise<void>;

  constructor(
    host: string,
    port: number,
    private where: string,
    timeoutMs: number,
  ) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.timer = setTimeout(
      () => this.fail(new PrinterError('timeout', `打印机无响应 (${where} did not take the job within ${timeoutMs} ms)`)),
      timeoutMs,
    );
    this.connected = new Promise<void>((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.failHooks.push(reject);
    });
    this.socket.on('data', (chunk: Buffer) => {
      const next = new Uint8Array(this.inbox.length + chunk.length);
      next.set(this.inbox);
      next.set(chunk, this.inbox.length);
      this.inbox = next;
      this.wake();
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.fail(describeSocketError(error, where)));
    this.socket.on('close', () => this.fail(new PrinterError('closed', `打印机断开了连接 (${where} closed the connection)`)));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private fail(error: PrinterError): void {
    if (this.failure) return;
    this.failure = error;
    clearTimeout(this.timer);
    this.socket.destroy();
    const hooks = this.failHooks;
    this.failHooks = [];
    for (const hook of hooks) hook(error);
    this.wake();
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.failHooks.push(reject);
      this.socket.write(data, (error) => {
        if (error) reject(this.failure ?? describeSocketError(error as NodeJS.ErrnoException, this.where));
        else resolve();
      });
    });
  }

  /** Waits until `length(received)` bytes are known and have arrived, then takes them. */
  read(length: (received: Uint8Array) => number | undefined): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const check = () => {
        const n = length(this.inbox);
        if (n !== undefined && this.inbox.length >= n) {
          const reply = this.inbox.slice(0, n);
          this.inbox = this.inbox.slice(n);
          resolve(reply);
          return;
        }
        if (this.failure) return reject(this.failure);
        this.waiters.push(check);
      };
      check();
    });
  }

  /** Half-closes after everything is flushed to the OS; resolves then. */
  end(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.failHooks.push(reject);
      this.socket.end(() => resolve());
    });
  }

  /** Done with the connection (successfully): stop the clock and let the socket go. */
  finish(): void {
    clearTimeout(this.timer);
    this.failure ??= new PrinterError('closed', 'connection finished');
    this.failHooks = [];
    this.socket.removeAllListeners('close');
    this.socket.on('error', () => undefined);
    this.socket.destroySoon();
  }

  abort(): void {
    clearTimeout(this.timer);
    this.socket.destroy();
  }
}

export class TcpTransport implements PrinterTransport {
  readonly uri: string;
  constructor(
    readonly host: string,
    readonly port: number,
    readonly commandSet: CommandSet,
    readonly confirm: 'status' | 'none',
  ) {
    this.uri = `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  private async query(conn: Connection, full: boolean): Promise<PrinterStatus> {
    await conn.write(statusQuery(this.commandSet, full));
    const reply = await conn.read((received) => replyLength(this.commandSet, full, received));
    return parseStatus(this.commandSet, reply);
  }

  async send(data: Uint8Array, { timeoutMs }: { timeoutMs: number }): Promise<SendResult> {
    const conn = new Connection(this.host, this.port, this.uri, timeoutMs);
    try {
      await conn.connected;
      if (this.confirm === 'none') {
        await conn.write(data);
        await conn.end();
        conn.finish();
        return { bytes: data.length, status: null };
      }
      const before = await this.query(conn, true);
      const reason = notReadyReason(before);
      if (reason) throw new PrinterError('not-ready', reason, before);
      await conn.write(data);
      const after = await this.query(conn, false);
      conn.finish();
      const status: PrinterStatus =
        this.commandSet === 'epson' ? { online: after.online, paper: before.paper, coverOpen: before.coverOpen } : after;
      return { bytes: data.length, status };
    } catch (error) {
      conn.abort();
      throw error;
    }
  }

  async status({ timeoutMs }: { timeoutMs: number }): Promise<PrinterStatus | null> {
    const conn = new Connection(this.host, this.port, this.uri, timeoutMs);
    try {
      await conn.connected;
      if (this.confirm === 'none') {
        conn.finish();
        return null;
      }
      const status = await this.query(conn, true);
      conn.finish();
      return status;
    } catch (error) {
      conn.abort();
      throw error;
    }
  }
}

/** Races a promise against a deadline. The loser is not cancelled (an OS call may go on), only no longer waited for. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PrinterError('timeout', `打印机无响应 (${what} did not finish within ${timeoutMs} ms)`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function asPrinterError(error: unknown, where: string): PrinterError {
  if (error instanceof PrinterError) return error;
  if (error && typeof error === 'object' && 'code' in error) return describeSocketError(error as NodeJS.ErrnoException, where);
  return new PrinterError('io', `打印失败 (${where}: ${error instanceof Error ? error.message : String(error)})`);
}

export class CustomTransport implements PrinterTransport {
  readonly uri = 'custom';
  constructor(private readonly target: CustomPrinterInterface) {}
  async send(data: Uint8Array, { timeoutMs }: { timeoutMs: number }): Promise<SendResult> {
    try {
      await withTimeout(this.target.execute(Buffer.from(data.buffer, data.byteOffset, data.byteLength)), timeoutMs, this.uri);
      return { bytes: data.length, status: null };
    } catch (error) {
      throw asPrinterError(error, this.uri);
    }
  }
  async status({ timeoutMs }: { timeoutMs: number }): Promise<PrinterStatus | null> {
    if (!this.target.isPrinterConnected) return null;
    const ok = await withTimeout(this.target.isPrinterConnected(), timeoutMs, this.uri).catch((e: unknown) => {
      throw asPrinterError(e, this.uri);
    });
    return { online: ok, paper: 'unknown', coverOpen: null };
  }
}

/** An OS printer through node-thermal-printer (`printer:NAME` + a native driver). */
export class OsPrinterTransport implements PrinterTransport {
  private printer: Promise<{ raw(b: Buffer): Promise<unknown>; isPrinterConnected(): Promise<boolean> }> | undefined;
  constructor(
    readonly uri: string,
    readonly name: string,
    private readonly options: TransportOptions,
  ) {}
  private load() {
    if (!this.options.osDriver) {
      return Promise.reject(
        new PrinterError('config', `没有系统打印机驱动 (printer:${this.name} needs a native printer driver module; use tcp:// or //localhost/SHARE instead)`),
      );
    }
    this.printer ??= import('node-thermal-printer').then((ntp) => {
      const { ThermalPrinter, PrinterTypes } = (ntp as unknown as { default?: typeof ntp }).default ?? ntp;
      return new ThermalPrinter({
        type: this.options.commandSet === 'star' ? PrinterTypes.STAR : PrinterTypes.EPSON,
        interface: this.uri,
        driver: this.options.osDriver,
      }) as unknown as { raw(b: Buffer): Promise<unknown>; isPrinterConnected(): Promise<boolean> };
    });
    return this.printer;
  }
  async send(data: Uint8Array, { timeoutMs }: { timeoutMs: number }): Promise<SendResult> {
    try {
      const printer = await this.load();
      await withTimeout(printer.raw(Buffer.from(data.buffer, data.byteOffset, data.byteLength)), timeoutMs, this.uri);
      return { bytes: data.length, status: null };
    } catch (error) {
      throw asPrinterError(error, this.uri);
    }
  }
  async status({ timeoutMs }: { timeoutMs: number }): Promise<PrinterStatus | null> {
    try {
      const printer = await this.load();
      const ok = await withTimeout(
        printer.isPrinterConnected().catch(() => false),
        timeoutMs,
        this.uri,
      );
      return { online: ok, paper: 'unknown', coverOpen: null };
    } catch (error) {
      throw asPrinterError(error, this.uri);
    }
  }
}

/** A Windows printer share or a device file: the bytes are written to the path. */
export class PathTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    readonly path: string,
  ) {}
  private osPath(): string {
    return process.platform === 'win32' ? this.path.replace(/\//g, '\\') : this.path;
  }
  async send(data: Uint8Array, { timeoutMs }: { timeoutMs: number }): Promise<SendResult> {
    try {
      await withTimeout(fs.writeFile(this.osPath(), data), timeoutMs, this.uri);
      return { bytes: data.length, status: null };
    } catch (error) {
      throw asPrinterError(error, this.uri);
    }
  }
  async status({ timeoutMs }: { timeoutMs: number }): Promise<PrinterStatus | null> {
    try {
      await withTimeout(fs.access(this.osPath()), timeoutMs, this.uri);
      return null;
    } catch (error) {
      throw asPrinterError(error, this.uri);
    }
  }
}
