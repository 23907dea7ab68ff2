/**
 * The reference central server, for tests and demos (not the production
 * server; a register depends on nothing here beyond shared/sync/protocol.ts).
 *
 * One HTTP(S) server carries both socket.io (registers) and a small JSON API:
 *   GET  /health
 *   GET  /registers
 *   GET  /events?store=S&register=R&after=N&limit=M   (arrival order)
 *   GET  /pushes
 *   POST /push/base-settings  {settings, queueId?, storeId?, registerId?}
 *   POST /push/members        {members, storeId?, registerId?}
 * POSTs need `Authorization: Bearer <one of the tokens>`.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  MAX_PACKET_BYTES,
  MESSAGES,
  PROTOCOL_VERSION,
  baseSettingsPushSchema,
  eventBatchSchema,
  helloSchema,
  membersPushSchema,
  parseMessage,
  pushAckSchema,
  registerKey,
  type BatchAck,
  type EventBatch,
  type Refusal,
} from '../shared/sync/protocol';
import { CentralStore, openCentralDb, type RegisterId } from './store';

export type { RegisterId };

export interface CentralLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface CentralServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  dbPath: string;
  /** Register tokens accepted (any register may use any of them). */
  tokens: string[];
  /** PEM certificate and key: serve https/wss instead of http/ws. */
  tls?: { cert: string; key: string };
  /** Testing knobs: wait before applying a batch / before acknowledging it (after commit). */
  delayBeforeApplyMs?: number;
  delayBeforeAckMs?: number;
  /** Called after a batch was committed (or refused), before its ack is sent: lets tests watch and interfere. */
  onBatchCommitted?: (register: RegisterId, answer: BatchAck) => void;
  /** How long a register has to answer a push (default 10 s). */
  pushAckTimeoutMs?: number;
  logger?: CentralLogger;
  now?: () => number;
}

export interface CentralServer {
  port: number;
  url: string;
  store: CentralStore;
  pushBaseSettings(body: unknown): number;
  pushMembers(body: unknown): number;
  close(): Promise<void>;
}

const SUPPORTED_VERSIONS = [PROTOCOL_VERSION];

const targetSchema = z.strictObject({ storeId: z.string().min(1).max(128).optional(), registerId: z.string().min(1).max(128).optional() });

export class RequestError extends Error {}

/**
 * Checks a push request with the very schema registers use (so the reference
 * server never sends what a register must refuse) and splits off its target.
 */
function parsePushRequest(schema: z.ZodType<{ pushId: number; issuedAt: number }>, body: unknown, what: string) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RequestError(`${what} must be a JSON object`);
  const { storeId, registerId, ...rest } = body as Record<string, unknown>;
  const target = parseMessage(targetSchema, { storeId, registerId }, `${what} target`);
  if (!target.ok) throw new RequestError(target.error);
  const push = parseMessage(schema, { ...rest, pushId: 1, issuedAt: 0 }, what);
  if (!push.ok) throw new RequestError(push.error);
  const { pushId: _id, issuedAt: _at, ...content } = push.value;
  return { target: target.value, content };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startCentralServer(options: CentralServerOptions): Promise<CentralServer> {
  if (options.tokens.length === 0) throw new Error('the central server needs at least one register token');
  const log = options.logger ?? { info: () => {}, warn: () => {} };
  const now = options.now ?? Date.now;
  const store = new CentralStore(openCentralDb(options.dbPath));
  const tokens = options.tokens.map((t) => Buffer.from(t));
  const tokenOk = (token: string) => {
    const given = Buffer.from(token);
    return tokens.some((t) => t.length === given.length && timingSafeEqual(t, given));
  };
  /** The live socket of each register; a newer connection replaces an older one. */
  const live = new Map<string, Socket>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handleHttp(req, res).catch((error: unknown) => {
      const status = error instanceof RequestError ? 400 : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    });
  };
  const httpServer = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: MAX_PACKET_BYTES, pingInterval: 10_000, pingTimeout: 10_000 });

  io.use((socket, next) => {
    const refuse = (refusal: Refusal) => {
      log.warn(`refused a connection: ${refusal.code}: ${refusal.message}`);
      const error = new Error(refusal.message) as Error & { data?: Refusal };
      error.data = refusal;
      next(error);
    };
    const auth = socket.handshake.auth as Record<string, unknown>;
    if (auth && typeof auth === 'object' && typeof auth.protocolVersion === 'number' && !SUPPORTED_VERSIONS.includes(auth.protocolVersion)) {
      return refuse({ code: 'protocol-version', message: `protocol version ${auth.protocolVersion} is not spoken here`, supportedVersions: SUPPORTED_VERSIONS });
    }
    const hello = parseMessage(helloSchema, auth, 'hello');
    if (!hello.ok) return refuse({ code: 'bad-hello', message: hello.error });
    if (!tokenOk(hello.value.token)) return refuse({ code: 'bad-token', message: 'this token is not accepted here' });
    const register: RegisterId = { storeId: hello.value.storeId, registerId: hello.value.registerId };
    const held = store.touch(register, now()).lastSeq;
    if (hello.value.lastAckedSeq > held) {
      log.warn(`${registerKey(register)} says seq ${hello.value.lastAckedSeq} was acknowledged, but this server holds only up to ${held}: data was lost here`);
    }
    socket.data.register = register;
    next();
  });

  io.on('connection', (socket) => {
    const register = socket.data.register as RegisterId;
    const key = registerKey(register);
    const previous = live.get(key);
    live.set(key, socket);
    previous?.disconnect(true);
    log.info(`${key} connected`);
    const applier = batchApplier(register);

    socket.on(MESSAGES.batch, (...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: BatchAck) => void) : undefined;
      if (!ack) {
        log.warn(`${key}: a batch without an ack request was ignored`);
        return;
      }
      const parsed = parseMessage(eventBatchSchema, args[0], 'event batch');
      if (!parsed.ok || args.length !== 1) {
        const message = parsed.ok ? `a batch carries one argument, got ${args.length}` : parsed.error;
        log.warn(`${key}: refused a batch: ${message}`);
        ack({ ok: false, error: { code: 'invalid', message } });
        return;
      }
      applier.add(parsed.value, ack);
    });

    socket.onAny((name: unknown, ...args: unknown[]) => {
      if (name === MESSAGES.batch) return;
      const ack = args[args.length - 1];
      log.warn(`${key}: unknown message ${JSON.stringify(name)} refused`);
      if (typeof ack === 'function') ack({ ok: false, error: { code: 'unknown-message', message: `unknown message ${JSON.stringify(name)}` } });
    });

    socket.on('disconnect', (reason) => {
      if (live.get(key) === socket) live.delete(key);
      log.info(`${key} disconnected (${reason})`);
    });

    void deliverPushes(socket, register);
  });

  /**
   * Applies one socket's batches in arrival order. Batches that arrive while
   * a commit is under way are applied together in the next transaction (one
   * fsync for all), and each is acknowledged after that commit.
   */
  function batchApplier(register: RegisterId) {
    let waiting: { batch: EventBatch; ack: (answer: BatchAck) => void }[] = [];
    let running = false;
    async function run(): Promise<void> {
      running = true;
      try {
        while (waiting.length > 0) {
          if (options.delayBeforeApplyMs) await sleep(options.delayBeforeApplyMs);
          const group = waiting;
          waiting = [];
          let answers: BatchAck[];
          try {
            answers = store.applyBatches(register, group.map((g) => g.batch.events), now());
          } catch (error) {
            log.warn(`${registerKey(register)}: batches failed: ${String(error)}`);
            answers = group.map(() => ({ ok: false, error: { code: 'internal', message: 'the server could not store the batch' } }));
          }
          for (const answer of answers) options.onBatchCommitted?.(register, answer);
          if (options.delayBeforeAckMs) await sleep(options.delayBeforeAckMs);
          group.forEach((g, i) => g.ack(answers[i]!));
          // Let the batches that arrived meanwhile be read before the next group.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } finally {
        running = false;
      }
    }
    return {
      add(batch: EventBatch, ack: (answer: BatchAck) => void): void {
        waiting.push({ batch, ack });
        if (!running) void run();
      },
    };
  }

  const delivering = new WeakSet<Socket>();
  /** Sends the register every push it has not answered, oldest first, one at a time. */
  async function deliverPushes(socket: Socket, register: RegisterId): Promise<void> {
    if (delivering.has(socket)) return;
    delivering.add(socket);
    try {
      for (let push = store.nextPush(register); push && socket.connected; push = store.nextPush(register)) {
        let raw: unknown;
        try {
          raw = await socket.timeout(options.pushAckTimeoutMs ?? 10_000).emitWithAck(push.message, { ...push.body, pushId: push.id, issuedAt: push.createdAt });
        } catch {
          log.warn(`${registerKey(register)} did not answer push ${push.id}; it is sent again on the next connection`);
          return;
        }
        const answer = parseMessage(pushAckSchema, raw, 'push acknowledgement');
        const ok = answer.ok && answer.value.ok;
        if (!ok) log.warn(`${registerKey(register)} refused push ${push.id}: ${JSON.stringify(raw)}`);
        store.recordPushResult(register, push.id, ok, raw, now());
      }
    } finally {
      delivering.delete(socket);
    }
  }

  function deliverToLive(): void {
    for (const socket of live.values()) void deliverPushes(socket, socket.data.register as RegisterId);
  }

  function push(message: string, schema: z.ZodType<{ pushId: number; issuedAt: number }>, body: unknown, what: string): number {
    const { target, content } = parsePushRequest(schema, body, what);
    const id = store.addPush(message, target, content, now());
    deliverToLive();
    return id;
  }
  const pushBaseSettings = (body: unknown) => push(MESSAGES.baseSettings, baseSettingsPushSchema, body, 'base settings push');
  const pushMembers = (body: unknown) => push(MESSAGES.members, membersPushSchema, body, 'members push');

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') {
      switch (url.pathname) {
        case '/health':
          return send(200, { ok: true, protocolVersion: PROTOCOL_VERSION });
        case '/registers':
          return send(200, { registers: store.registers().map((r) => ({ ...r, connected: live.has(registerKey(r)) })) });
        case '/events': {
          const number = (name: string) => {
            const v = url.searchParams.get(name);
            if (v === null) return undefined;
            if (!/^\d+$/.test(v)) throw new RequestError(`${name} must be a whole number`);
            return Number(v);
          };
          const filter: Parameters<CentralStore['events']>[0] = {};
          const storeId = url.searchParams.get('store');
          const registerId = url.searchParams.get('register');
          if (storeId !== null) filter.storeId = storeId;
          if (registerId !== null) filter.registerId = registerId;
          const after = number('after');
          const limit = number('limit');
          if (after !== undefined) filter.afterSeq = after;
          if (limit !== undefined) filter.limit = limit;
          return send(200, { events: store.events(filter) });
        }
        case '/pushes':
          return send(200, { pushes: store.pushes() });
      }
    }
    if (req.method === 'POST' && (url.pathname === '/push/base-settings' || url.pathname === '/push/members')) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !tokenOk(bearer)) return send(401, { error: 'Authorization: Bearer <token> required' });
      const body = await readJson(req);
      const pushId = url.pathname === '/push/base-settings' ? pushBaseSettings(body) : pushMembers(body);
      return send(200, { pushId });
    }
    send(404, { error: `no ${req.method} ${url.pathname} here` });
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
  log.info(`listening on ${url}`);

  return {
    port,
    url,
    store,
    pushBaseSettings,
    pushMembers,
    async close() {
      // io.close() closes the HTTP server too.
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        httpServer.closeAllConnections?.();
      });
      store.db.close();
    },
  };
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PACKET_BYTES) throw new RequestError('request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new RequestError('request body must be JSON');
  }
}
