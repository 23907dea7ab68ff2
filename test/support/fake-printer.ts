/**
 * Test support: a stand-in receipt printer — a TCP listener on 127.0.0.1
 * that stores every byte it reads, one buffer per connection, and answers
 * status queries like a printer (EPSON `DLE EOT n`, STAR `ESC ACK SOH`).
 *
 * Modes (switch at any time with `setMode`):
 *  - normal:        reads everything, answers status queries;
 *  - refuse:        the port is closed (connections are refused);
 *  - hang:          accepts the connection, never reads (the socket is paused);
 *  - close-mid-job: reads `closeAfterBytes` bytes of a connection (status
 *                   queries answered), then drops the connection;
 *  - slow:          reads (and answers) only `bytesPerSecond` bytes a second,
 *                   like a printer on a slow link or printing as it reads.
 * `stop()` closes everything; always call it (afterEach).
 */
import net from 'node:net';

export type FakePrinterMode = 'normal' | 'refuse' | 'hang' | 'close-mid-job' | 'slow';

export interface FakePrinterStatus {
  paper: 'ok' | 'near-end' | 'out';
  coverOpen: boolean;
}

export interface FakePrinterOptions {
  mode?: FakePrinterMode;
  /** Listen on this port (e.g. to bring a "down" printer up where the app expects it). */
  port?: number;
  commandSet?: 'epson' | 'star';
  closeAfterBytes?: number;
  /** For mode 'slow'. */
  bytesPerSecond?: number;
}

export class FakePrinter {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  /** The bytes read, per connection, in connection order. */
  readonly connections: Uint8Array[] = [];
  mode: FakePrinterMode;
  status: FakePrinterStatus = { paper: 'ok', coverOpen: false };
  closeAfterBytes: number;
  bytesPerSecond: number;
  private timers = new Set<NodeJS.Timeout>();
  readonly commandSet: 'epson' | 'star';
  port = 0;

  private constructor(options: FakePrinterOptions) {
    this.mode = options.mode ?? 'normal';
    this.port = options.port ?? 0;
    this.commandSet = options.commandSet ?? 'epson';
    this.closeAfterBytes = options.closeAfterBytes ?? 200;
    this.bytesPerSecond = options.bytesPerSecond ?? 1600;
  }

  static async start(options: FakePrinterOptions = {}): Promise<FakePrinter> {
    const printer = new FakePrinter(options);
    if (printer.mode !== 'refuse') await printer.listen();
    else if (printer.port === 0) printer.port = await freePort();
    return printer;
  }

  get uri(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Everything read over all connections, in order. */
  get bytes(): Uint8Array {
    return Buffer.concat(this.connections);
  }

  /** Connections (accepted, for hang) so far. */
  accepted = 0;

  async setMode(mode: FakePrinterMode): Promise<void> {
    this.mode = mode;
    if (mode === 'refuse') await this.closeServer();
    else if (!this.server) await this.listen();
    if (mode === 'normal') for (const s of this.sockets) if (s.isPaused()) s.destroy();
  }

  private listen(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.port }, () => {
        server.off('error', reject);
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.accepted += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.mode === 'hang') {
      socket.pause();
      return;
    }
    const index = this.connections.push(new Uint8Array(0)) - 1;
    const limit = this.mode === 'close-mid-job' ? this.closeAfterBytes : Infinity;
    // A tiny state machine finds status queries, even split across chunks.
    let state = 0;
    const [first, second] = this.commandSet === 'epson' ? [0x10, 0x04] : [0x1b, 0x06];
    const consume = (chunk: Uint8Array) => {
      let data: Uint8Array = chunk;
      const had = this.connections[index]!.length;
      if (had + data.length > limit) data = data.subarray(0, Math.max(0, limit - had));
      this.connections[index] = Buffer.concat([this.connections[index]!, data]);
      for (const v of data) {
        if (state === 2) {
          if (this.commandSet === 'epson') socket.write(Uint8Array.of(this.epsonStatus(v)));
          else if (v === 0x01) socket.write(this.starAsb());
          state = 0;
        } else if (state === 1) state = v === second ? 2 : v === first ? 1 : 0;
        else if (v === first) state = 1;
      }
      if (had + chunk.length > limit) socket.destroy();
    };
    if (this.mode !== 'slow') {
      socket.on('data', consume);
      return;
    }
    // Slow: what arrived waits in a backlog and is read at bytesPerSecond (by elapsed time, so a loaded machine's late timers do not slow it further).
    let backlog = new Uint8Array(0);
    let last = performance.now();
    let credit = 0;
    socket.on('data', (chunk: Buffer) => {
      backlog = Buffer.concat([backlog, chunk]);
    });
    const timer = setInterval(() => {
      const now = performance.now();
      credit += ((now - last) / 1000) * this.bytesPerSecond;
      last = now;
      const n = Math.min(backlog.length, Math.floor(credit));
      if (n === 0) {
        if (backlog.length === 0) credit = 0;
        return;
      }
      credit -= n;
      const take = backlog.subarray(0, n);
      backlog = backlog.subarray(n);
      consume(take);
    }, 5);
    this.timers.add(timer);
    socket.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
  }

  private epsonStatus(n: number): number {
    const { paper, coverOpen } = this.status;
    const offline = coverOpen || paper === 'out';
    if (n === 1) return 0x16 | (offline ? 0x08 : 0);
    if (n === 2) return 0x12 | (coverOpen ? 0x04 : 0) | (paper === 'out' ? 0x20 : 0);
    if (n === 4) return 0x12 | (paper === 'near-end' ? 0x0c : 0) | (paper === 'out' ? 0x6c : 0);
    return 0x12;
  }

  private starAsb(): Uint8Array {
    const { paper, coverOpen } = this.status;
    const offline = coverOpen || paper === 'out';
    // 7-byte ASB: header 0x0F (length 7), version, then status bytes 3–7.
    return Uint8Array.of(0x0f, 0x00, (coverOpen ? 0x20 : 0) | (offline ? 0x08 : 0), 0x00, paper === 'out' ? 0x08 : paper === 'near-end' ? 0x04 : 0, 0x00, 0x00);
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (!server) return Promise.resolve();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.closeServer();
  }
}

/** A port that was free a moment ago (nothing listens on it now): for "printer down" tests. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
