/**
 * One connection attempt to the central service: a fresh socket.io socket
 * (no reconnection of its own, nothing buffered across connections) sending
 * the hello, with a deadline that also covers a hello never answered, and
 * the service's refusal turned into a SyncError saying whether retrying can
 * help.
 */
import { io, type Socket } from 'socket.io-client';
import { msg } from '../../../shared/messages/catalogue';
import { parseMessage, refusalSchema, type Hello } from '../../../shared/sync/protocol';
import { SyncError } from './sync-error';

export interface ConnectOptions {
  url: URL;
  timeoutMs: number;
  /** Extra trusted certificates (PEM) for wss:// to a private CA. */
  ca?: string | string[];
  /** Read when the socket connects, so it carries the outbox's mark of that moment. */
  hello: () => Hello;
  /** Logs a server message that was not acted on (a malformed refusal). */
  refuse(message: string, raw: unknown, error: string): void;
  /** The attempt is over (connected, failed or aborted); called before the outcome is delivered. */
  onSettled(): void;
  /** Connected: called before the promise resolves, so the socket's handlers are in place at once. */
  onConnected(socket: Socket): void;
}

export interface ConnectAttempt {
  connected: Promise<Socket>;
  /** Gives up now (the client is stopping): the promise rejects. */
  abort(): void;
}

export function openConnection(options: ConnectOptions): ConnectAttempt {
  const { url, timeoutMs } = options;
  let abort = () => {};
  const connected = new Promise<Socket>((resolve, reject) => {
    const socket = io(url.origin, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: timeoutMs,
      auth: (cb) => cb(options.hello()),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    // socket.io's own timeout stops once the transport is open; this one
    // also covers a hello that never gets an answer.
    const timer = setTimeout(() => {
      settle();
      socket.close();
      reject(new SyncError(`cannot reach ${url.origin}: no answer within ${timeoutMs} ms`, false, msg('sync.unreachable')));
    }, timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      socket.off('connect');
      socket.off('connect_error');
      socket.off('disconnect');
      options.onSettled();
    };
    abort = () => {
      settle();
      socket.close();
      reject(new SyncError('stopped'));
    };
    socket.once('connect', () => {
      settle();
      options.onConnected(socket);
      resolve(socket);
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      settle();
      socket.close();
      reject(connectionRefused(url, error, options.refuse));
    });
    // The transport can close after opening but before the hello is answered.
    socket.once('disconnect', (reason) => {
      settle();
      socket.close();
      reject(new SyncError(`cannot reach ${url.origin}: connection closed during the hello (${reason})`, false, msg('sync.unreachable')));
    });
    socket.connect();
  });
  return { connected, abort: () => abort() };
}

/** A failed connection: unreachable (retry), or refused by the service with its reason (blocked unless it is the service's own error). */
export function connectionRefused(url: URL, error: Error & { data?: unknown }, refuse: ConnectOptions['refuse']): SyncError {
  if (error.data === undefined) return new SyncError(`cannot reach ${url.origin}: ${error.message}`, false, msg('sync.unreachable'));
  const parsed = parseMessage(refusalSchema, error.data, 'connection refusal');
  if (!parsed.ok) {
    refuse('connect_error', error.data, parsed.error);
    return new SyncError(`the server refused the connection: ${error.message} (${parsed.error})`, false, msg('sync.badAnswer'));
  }
  const refusal = parsed.value;
  const permanent = refusal.code !== 'server-error';
  const problem = { 'bad-hello': msg('sync.badHello'), 'bad-token': msg('sync.badToken'), 'protocol-version': msg('sync.protocolVersion'), 'server-error': msg('sync.serverError') }[refusal.code];
  return new SyncError(`the server refused this register (${refusal.code}): ${refusal.message}`, permanent, problem);
}
