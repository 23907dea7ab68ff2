/**
 * Network printers (`tcp://HOST:PORT`): our own socket code, because a job
 * must only count as printed once the printer has *read* it.
 *
 * With `printer.confirm = status` (the default) the transport asks for the
 * printer's status before the job (a printer out of paper or with its cover
 * open gets nothing), then sends the job in pieces of about
 * CONFIRM_EVERY_BYTES, cut only where one command ends, each followed by a
 * real-time status query (`DLE EOT 1` / `ESC ACK SOH`). A printer answers a
 * real-time query when it has received it, so every answer proves the
 * printer took every byte before it: the answers are the progress the idle
 * deadline watches. A printer reading 1 byte per 5 ms therefore finishes its
 * receipt (it keeps answering), while one that takes nothing for
 * `timeoutMs` is given up on. The last answer confirms the whole job.
 *
 * node-thermal-printer's network interface reports success as soon as the
 * bytes reach the local socket buffer, which is why it is not used here.
 */
import net from 'node:net';
import type { CommandSet } from '../../../shared/receipt/index';
import { IdleDeadline } from './deadline';
import { notReadyReason, parseStatus, replyLength, statusQuery, type PrinterStatus } from './status';
import { describeSocketError, idleTimeoutError, PrinterError } from './transport-error';
import type { PrinterTransport, SendOptions, SendResult } from './transport';

/** About this many bytes go out between two progress answers. */
export const CONFIRM_EVERY_BYTES = 512;

/** Splits data at command boundaries into pieces of about `size` bytes (a piece is never cut inside a command). */
export function confirmPieces(length: number, boundaries: readonly number[] | undefined, size = CONFIRM_EVERY_BYTES): number[] {
  const ends: number[] = [];
  let start = 0;
  let last = 0;
  for (const b of boundaries ?? []) {
    if (b <= start || b >= length) continue;
    if (b - start > size && last > start) {
      ends.push(last);
      start = last;
    }
    last = b;
    if (b - start >= size) {
      ends.push(b);
      start = b;
    }
  }
  ends.push(length);
  return ends;
}

/** One connection with an idle deadline: reads wait for exact byte counts; every wait ends when nothing moved for `idleMs`. */
class Connection {
  private socket: net.Socket;
  private inbox = new Uint8Array(0);
  private failure: PrinterError | null = null;
  private waiters: (() => void)[] = [];
  private failHooks: ((error: PrinterError) => void)[] = [];
  private deadline: IdleDeadline;
  readonly connected: Promise<void>;

  constructor(
    host: string,
    port: number,
    private where: string,
    idleMs: number,
  ) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.deadline = new IdleDeadline(idleMs, () => this.fail(idleTimeoutError(where, idleMs)));
    this.connected = new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => {
        this.deadline.touch();
        resolve();
      });
      this.failHooks.push(reject);
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.deadline.touch();
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
    this.deadline.stop();
    this.socket.destroy();
    const hooks = this.failHooks;
    this.failHooks = [];
    for (const hook of hooks) hook(error);
    this.wake();
  }

  /** Resolves once the bytes are with the operating system (not yet proof the printer read them). */
  write(data: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.failHooks.push(reject);
      this.socket.write(data, (error) => {
        if (error) reject(this.failure ?? describeSocketError(error as NodeJS.ErrnoException, this.where));
        else {
          this.deadline.touch();
          resolve();
        }
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
    this.deadline.stop();
    this.failure ??= new PrinterError('closed', 'connection finished');
    this.failHooks = [];
    this.socket.removeAllListeners('close');
    this.socket.on('error', () => undefined);
    this.socket.destroySoon();
  }

  abort(): void {
    this.deadline.stop();
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
    return this.answer(conn, full);
  }

  private async answer(conn: Connection, full: boolean): Promise<PrinterStatus> {
    const reply = await conn.read((received) => replyLength(this.commandSet, full, received));
    return parseStatus(this.commandSet, reply);
  }

  async send(data: Uint8Array, { timeoutMs, boundaries }: SendOptions): Promise<SendResult> {
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
      let after = before;
      let start = 0;
      for (const end of confirmPieces(data.length, boundaries)) {
        // The piece and its query in one write: the answer proves the printer received the piece.
        const query = statusQuery(this.commandSet, false);
        const piece = new Uint8Array(end - start + query.length);
        piece.set(data.subarray(start, end));
        piece.set(query, end - start);
        await conn.write(piece);
        after = await this.answer(conn, false);
        start = end;
      }
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
