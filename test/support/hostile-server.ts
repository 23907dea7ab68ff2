/**
 * A purpose-built test double, not the central service: a bare socket.io
 * server on 127.0.0.1 that accepts any register and sends or answers
 * whatever the test tells it — malformed acks, pushes a register must refuse,
 * unknown messages, malformed refusals. The real service never sends these
 * (it checks its pushes with the register's own schemas), so the register's
 * defences against a hostile or broken service are tested against this.
 * Everything else runs against the service itself (test/support/sync-service.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { MESSAGES } from '../../shared/sync/protocol';
import type { Cleanup } from '../sync/helpers';

export interface HostileServer {
  url: string;
  io: Server;
  /** The first register socket to connect. */
  connected: Promise<ServerSocket>;
}

export interface HostileServerOptions {
  /** Answers each event batch however the test likes (default: never). */
  onBatch?: (batch: unknown, ack: (answer: unknown) => void) => void;
  /**
   * Answers `sync:admit` however the test likes (default: as a service of before that message does,
   * `unknown-message`, so the register sends without asking; docs/sync.md "Admission of large batches").
   */
  onAdmit?: (request: unknown, answer: (answer: unknown) => void) => void;
  /** Refuses every connection with this as the error's data. */
  refuseWith?: unknown;
}

export async function startHostileServer(cleanup: Cleanup, options: HostileServerOptions = {}): Promise<HostileServer> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  if (options.refuseWith !== undefined) {
    const data = options.refuseWith;
    io.use((_socket, next) => next(Object.assign(new Error('go away'), { data })));
  }
  const connected = new Promise<ServerSocket>((resolve) => {
    io.on('connection', (socket) => {
      socket.on(MESSAGES.batch, options.onBatch ?? (() => {}));
      socket.on(
        MESSAGES.admit,
        options.onAdmit ?? ((_request: unknown, answer: (answer: unknown) => void) => answer({ ok: false, error: { code: 'unknown-message', message: 'unknown message "sync:admit"' } })),
      );
      resolve(socket);
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  cleanup.add(() => new Promise<void>((resolve) => io.close(() => resolve())));
  return { url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, io, connected };
}
