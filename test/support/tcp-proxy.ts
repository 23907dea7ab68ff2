/**
 * A TCP proxy on 127.0.0.1 between a register and the central service, for
 * the sync tests: it can cut every open connection (optionally part-way
 * through a chunk: a torn frame), and hold back what the service sends by a
 * delay the test may change at any moment (an acknowledgement that comes too
 * late), keeping the bytes in order.
 */
import net from 'node:net';

interface ProxiedPair {
  client: net.Socket;
  upstream: net.Socket;
  tearNext: boolean;
  /** When the last delayed chunk towards the client goes out (later chunks never overtake it). */
  releaseAt: number;
}

export class CuttingProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<ProxiedPair>();
  /** Connections the proxy cut (each one counted once). */
  cuts = 0;
  connections = 0;
  /** How long what the service sends is held back before the register gets it. */
  delayToClientMs = 0;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      const pair: ProxiedPair = { client, upstream, tearNext: false, releaseAt: 0 };
      this.pairs.add(pair);
      const forward = (from: net.Socket, to: net.Socket, delayed: boolean) =>
        from.on('data', (chunk: Buffer) => {
          if (pair.tearNext && chunk.length > 1) {
            to.write(chunk.subarray(0, Math.floor(Math.random() * chunk.length)));
            this.destroy(pair, true);
            return;
          }
          const wait = delayed ? Math.max(Date.now() + this.delayToClientMs, pair.releaseAt) - Date.now() : 0;
          if (wait <= 0) {
            to.write(chunk);
            return;
          }
          pair.releaseAt = Date.now() + wait;
          setTimeout(() => {
            if (!to.destroyed) to.write(chunk);
          }, wait);
        });
      forward(client, upstream, false);
      forward(upstream, client, true);
      const close = () => this.destroy(pair, false);
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Cuts every open connection now, or with `tear` at its next chunk, part-way through it. */
  cut(tear = false): void {
    for (const pair of this.pairs) {
      if (pair.tearNext) continue;
      if (tear) pair.tearNext = true;
      else this.destroy(pair, true);
    }
  }

  private destroy(pair: ProxiedPair, byCut: boolean): void {
    if (!this.pairs.delete(pair)) return;
    if (byCut) this.cuts++;
    pair.client.destroy();
    pair.upstream.destroy();
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.destroy(pair, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
