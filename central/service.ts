/**
 * The central service an alliance runs: one HTTP(S) server carrying
 * socket.io for the registers (central/sync/registers.ts), enrolment, the
 * admin API (central/admin/http.ts) and the customer's queue page
 * (central/page/). Its state lives in PostgreSQL (or embedded PGlite), so
 * several instances can serve one database: a push made on any instance is
 * announced with NOTIFY and every instance delivers it to its registers.
 *
 *   GET  /health                {ok, protocolVersion}
 *   POST /enrol {code}          {storeId, registerId, token}  (one-time code → the register's token)
 *   GET  /q/<查询码>             the customer's queue page (zh-CN)
 *   /admin/…                    needs an admin credential
 *   /recovery/…                 a register's own events, for rebuilding it (its token)
 *   /console                    the alliance console (zh-CN, admin credential → session cookie)
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { MAX_PACKET_BYTES, PROTOCOL_VERSION, type BatchAck } from '../shared/sync/protocol';
import { REVOKE_CHANNEL, RegistryError, enrol } from './auth/registry';
import { handleAdmin, pushRequest, requireAdmin } from './admin/http';
import type { SqlDb } from './db/adapter';
import { serviceEpoch } from './db/epoch';
import { migrate } from './db/migrate';
import { RateLimiter } from './http/rate-limit';
import { RequestError, readJson, sendJson } from './http/util';
import type { IngestRegister } from './ingest/apply-batch';
import { handleQueuePage, sendQueuePageFailure } from './page/route';
import { handleRecovery } from './recovery/http';
import { Console, sendConsoleFailure } from './console/route';
import { recordBatchRefusal } from './console/refusals';
import { phoneDigest, phoneKeyFromSecret } from '../electron/backend/members/phone-digest';
import { PUSH_CHANNEL } from './push/store';
import { attachRegisterSockets, type ServiceLogger } from './sync/registers';
import { LoopBusyMonitor } from './http/loop-busy';

export interface CentralServiceOptions {
  db: SqlDb;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  tls?: { cert: string; key: string };
  logger?: ServiceLogger;
  now?: () => number;
  /** How long a register has to answer a push (default 10 s). */
  pushAckTimeoutMs?: number;
  onBatchCommitted?: (register: IngestRegister, answer: BatchAck) => void;
  /** Queue page and enrolment requests per address per minute (default 30, bursts of 10). */
  pageRatePerMinute?: number;
  /** The alliance's phone key (32 bytes, the registers' own): lets the console find a member by phone. */
  phoneKey?: Buffer;
}

export interface CentralService {
  port: number;
  url: string;
  db: SqlDb;
  pushBaseSettings(body: unknown): Promise<number>;
  pushMembers(body: unknown): Promise<number>;
  /** Registers connected to this instance. */
  connected(): number;
  /** The epoch every push carries (central/db/epoch.ts). */
  epoch: string;
  close(): Promise<void>;
}

export async function startCentralService(options: CentralServiceOptions): Promise<CentralService> {
  const { db } = options;
  const log = options.logger ?? { info: () => {}, warn: () => {} };
  const now = options.now ?? Date.now;
  await migrate(db);
  const epoch = await serviceEpoch(db, now());
  const limiter = new RateLimiter(options.pageRatePerMinute ?? 30, 10);
  // How long the event loop was kept from other registers (GET /admin/stats reads and resets it).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const busy = new LoopBusyMonitor();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handleHttp(req, res).catch((error: unknown) => {
      const status = error instanceof RequestError ? error.status : error instanceof RegistryError ? 400 : 500;
      if (status === 500) log.warn(`${req.method} ${req.url}: ${String(error)}`);
      const path = (req.url ?? '').split('?')[0]!;
      // A person's pages fail in Chinese, with what to do (never an English JSON error on their screen).
      if (res.headersSent) res.end();
      else if (path === '/console' || path.startsWith('/console/')) sendConsoleFailure(res, status);
      else if (path === '/q' || path.startsWith('/q/')) sendQueuePageFailure(res, status);
      else sendJson(res, status, { error: status === 500 ? 'internal error' : (error as Error).message });
    });
  };
  const httpServer = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: MAX_PACKET_BYTES, pingInterval: 10_000, pingTimeout: 10_000 });
  const onBatchCommitted = (register: IngestRegister, answer: BatchAck) => {
    options.onBatchCommitted?.(register, answer);
    // A refused batch is counted for the console, off the ack's path.
    if (!answer.ok) recordBatchRefusal(db, register.id, answer, now()).catch((error: unknown) => log.warn(`could not note a refused batch: ${String(error)}`));
  };
  const sockets = attachRegisterSockets(io, { db, log, now, epoch, pushAckTimeoutMs: options.pushAckTimeoutMs ?? 10_000, onBatchCommitted });
  // A push added by any instance reaches the registers connected to this one.
  const stopListening = await db.listen(PUSH_CHANNEL, () => sockets.deliverToLive());
  // A register revoked on any instance loses the connection it holds here (it cannot hello again).
  const stopRevoking = await db.listen(REVOKE_CHANNEL, (payload) => {
    for (const socket of io.of('/').sockets.values()) {
      if (String((socket.data as { register?: IngestRegister }).register?.id) === payload) socket.disconnect(true);
    }
  });

  const phoneKey = options.phoneKey ? phoneKeyFromSecret(options.phoneKey) : null;
  const operatorConsole = new Console(db, Boolean(options.tls), { phoneDigest: phoneKey ? (digits) => phoneDigest(phoneKey, digits) : undefined });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const address = req.socket.remoteAddress ?? 'unknown';
    if (req.method === 'GET' && url.pathname === '/health') return sendJson(res, 200, { ok: true, protocolVersion: PROTOCOL_VERSION });
    if (req.method === 'POST' && url.pathname === '/enrol') {
      if (!limiter.take(`enrol:${address}`, now())) return sendJson(res, 429, { error: 'too many attempts; wait a minute' });
      const body = (await readJson(req, 4096)) as { code?: unknown } | null;
      if (!body || typeof body.code !== 'string' || body.code.length > 64) throw new RequestError('send {"code": "<enrolment code>"}');
      const code = body.code;
      return sendJson(res, 200, await db.transaction((tx) => enrol(tx, code, now())));
    }
    if (url.pathname === '/q' || url.pathname.startsWith('/q/')) return handleQueuePage(db, req, res, url, { limiter, address, now: now() });
    if (url.pathname === '/admin/stats' && req.method === 'GET') {
      const stats = {
        connected: sockets.connected(),
        loopDelayMaxMs: Math.round(loopDelay.max / 1e5) / 10,
        loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
        // The CPU this process spent within its longest gap between two loop turns: the synchronous work
        // itself, without the time spent waiting for a core on a busy machine (which loopDelayMaxMs includes).
        loopBusyMaxMs: busy.maxCpuMs,
        // The most large batches checked or stored at once: never above LARGE_BATCH_SLOTS (central/sync/large-batch-gate.ts).
        largeBatchesAtOnceMax: sockets.largeBatchesAtOnceMax(),
      };
      // Answered only with an admin credential (handleAdmin's check), then reset.
      if (await requireAdmin(db, req, res)) {
        loopDelay.reset();
        busy.reset();
        sockets.resetLargeBatchesAtOnce();
        sendJson(res, 200, stats);
      }
      return;
    }
    if (await handleAdmin(db, req, res, url, now())) return;
    if (await handleRecovery(db, req, res, url)) return;
    if (await operatorConsole.handle(req, res, url, now())) return;
    sendJson(res, 404, { error: `no ${req.method} ${url.pathname} here` });
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info(`listening on ${url} (${db.kind})`);

  return {
    port,
    url,
    db,
    pushBaseSettings: (body) => pushRequest(db, 'base-settings', body, now()),
    pushMembers: (body) => pushRequest(db, 'members', body, now()),
    connected: () => sockets.connected(),
    epoch,
    async close() {
      loopDelay.disable();
      busy.stop();
      await stopListening();
      await stopRevoking();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        httpServer.closeAllConnections?.();
      });
    },
  };
}
