/**
 * The register's sync client: sends the outbox to the central server over
 * socket.io and applies what the server pushes.
 *
 * Delivery: batches in seq order with `emitWithAck` and a timeout, a few in
 * flight, their acks settled oldest first. Events count as sent only when
 * the server's ack says it holds them (the server applies idempotently and
 * acks after commit), so a crash or a dropped connection at any point means
 * "send again", never "lost"; the server recognises what it already holds.
 * Nothing is buffered in memory across connections: every attempt starts
 * from what the database says. docs/sync.md has the whole story.
 *
 * Failures (refused connection, lost connection, no ack in time, a refusal)
 * close the socket and wait a backoff with jitter before a fresh connection.
 * Status changes go to `on('status')` for the status bar.
 */
import { EventEmitter } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import {
  MESSAGES,
  PROTOCOL_VERSION,
  baseSettingsPushSchema,
  batchAckSchema,
  membersPushSchema,
  parseMessage,
  refusalSchema,
  resendRequestSchema,
  type Hello,
  type WireEvent,
} from '../../../shared/sync/protocol';
import type { Db } from '../store/database';
import { applyBaseSettingsPush, applyMembersPush, recordRefused, type ApplyOutcome } from './apply';
import { checkServerUrl, type SyncConfig } from './config';
import { ACKED_RETENTION_DAYS, Outbox, OutboxError } from './outbox';
import { maskingProblem } from './masking';
import { clearRestoreMarker, readRestoreGap, reconcileRestoreGap, restoreMarker, type RestoreGap } from './restore-gap';
import { msg, type Message } from '../../../shared/messages/catalogue';

/** What the status bar says after a restore met a server holding more. */
export function restoreProblem(gap: RestoreGap): Message {
  return msg('sync.restoredBehindServer', { fromSeq: gap.fromSeq, toSeq: gap.toSeq, nextSeq: gap.nextSeq });
}

export interface SyncStatus {
  connection: 'stopped' | 'connecting' | 'online' | 'offline';
  online: boolean;
  /** When the server last acknowledged a batch or the outbox was found empty while online (ms). */
  lastSyncAt: number | null;
  /** Events in the outbox not yet acknowledged. */
  waiting: number;
  /** The latest failure, cleared by the next successful exchange. */
  lastError: string | null;
  lastErrorAt: number | null;
  /** The latest failure will not go away by retrying (bad token, protocol version, a gap the register cannot fill). */
  blocked: boolean;
  /** The latest failure as a catalogue message for the status bar (null: none). */
  problem: Message | null;
  /** After a restore: the server's events this register lost (docs/sync.md "After a restore"); shown until resolved. */
  restoreGap: RestoreGap | null;
}

export interface SyncLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: SyncLogger = { info: () => {}, warn: () => {}, error: () => {} };

export interface SyncClientOptions {
  db: Db;
  config: SyncConfig;
  /** Most events per batch (default 500). */
  batchSize?: number;
  /** About the most payload bytes per batch (default 1 MiB; one event always goes). */
  batchBytes?: number;
  /** Batches sent ahead while earlier ones await their ack (default 8; 1 = strictly one at a time). */
  inFlight?: number;
  /** Days acknowledged events are kept for a restored service (default ACKED_RETENTION_DAYS = 30). */
  retentionDays?: number;
  /** How long to wait for the server's ack of one batch (default 15 s). */
  ackTimeoutMs?: number;
  /** How long one connection attempt may take (default 10 s). */
  connectTimeoutMs?: number;
  /** How often an idle, connected client looks at the outbox again (default 2 s; `notify()` is immediate). */
  pollIntervalMs?: number;
  /** Backoff between failed attempts: doubles from `initialMs` up to `maxMs`, with jitter (default 500 ms – 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** Extra trusted certificates (PEM) for wss:// to a private CA. */
  ca?: string | string[];
  logger?: SyncLogger;
  now?: () => number;
  random?: () => number;
}

export interface SyncClientEvents {
  status: [SyncStatus];
  /** Connected and the outbox was found empty. */
  drained: [];
  /** A push from the server was applied (or recognised as a duplicate). */
  push: [{ message: string; pushId: number; outcome: ApplyOutcome }];
}

interface InFlight {
  first: number;
  last: number;
  /** The raw ack; rejects with a SyncError when none came in time or the socket closed. */
  answer: Promise<unknown>;
}

class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    message: string,
    readonly blocked = false,
    /** What the status bar says (translated by the renderer); the English message is for the log. */
    readonly problem: Message = msg('sync.other'),
  ) {
    super(message);
  }
}

const KNOWN_INBOUND = new Set<string>([MESSAGES.baseSettings, MESSAGES.members, MESSAGES.resend]);
const PURGE_INTERVAL_MS = 3_600_000;

export class SyncClient extends EventEmitter<SyncClientEvents> {
  private readonly db: Db;
  private readonly config: SyncConfig;
  private readonly url: URL;
  private readonly outbox: Outbox;
  private readonly batchSize: number;
  private readonly batchBytes: number;
  private readonly inFlight: number;
  private readonly retentionDays: number;
  /** When expired acknowledged rows were last purged (ms; 0: not yet since start). */
  private purgedAt = 0;
  private readonly ackTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly logger: SyncLogger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly ca: string | string[] | undefined;

  private current: SyncStatus;
  private socket: Socket | null = null;
  private connecting: { socket: Socket; abort: () => void } | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeIdle: (() => void) | null = null;
  private wakeAny: (() => void) | null = null;
  /** A restored register that has not met the server yet (restore-gap.ts). */
  private restorePending = false;

  constructor(options: SyncClientOptions) {
    super();
    this.db = options.db;
    this.config = options.config;
    this.url = checkServerUrl(options.config.url, options.config.allowInsecure);
    this.outbox = new Outbox(options.db);
    this.batchSize = options.batchSize ?? 500;
    this.batchBytes = options.batchBytes ?? 1024 * 1024;
    this.inFlight = options.inFlight ?? 8;
    this.retentionDays = options.retentionDays ?? ACKED_RETENTION_DAYS;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 15_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.ca = options.ca;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError('batchSize must be a whole number ≥ 1');
    if (!Number.isInteger(this.inFlight) || this.inFlight < 1) throw new RangeError('inFlight must be a whole number ≥ 1');
    this.current = {
      connection: 'stopped',
      online: false,
      lastSyncAt: this.outbox.state().lastSyncAt,
      waiting: this.outbox.waiting(),
      lastError: null,
      lastErrorAt: null,
      blocked: false,
      problem: null,
      restoreGap: readRestoreGap(this.db),
    };
    this.restorePending = restoreMarker(this.db) !== null;
  }

  status(): SyncStatus {
    return { ...this.current };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run().catch((error: unknown) => {
      // run() handles its own failures; reaching here is a bug worth seeing.
      this.logger.error(`sync loop ended unexpectedly: ${describe(error)}`);
    });
  }

  /** Stops sending and closes the connection; what was not acknowledged stays in the outbox. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.closeSocket();
    this.wakeAny?.();
    await this.loop;
    this.loop = null;
    this.setStatus({ connection: 'stopped', online: false });
  }

  /** New events were written to the outbox: look now instead of at the next poll. */
  notify(): void {
    this.wakeIdle?.();
  }

  // -------------------------------------------------------------------------

  private async run(): Promise<void> {
    let failures = 0;
    const succeeded = () => (failures = 0);
    while (!this.stopped) {
      try {
        const socket = this.socket ?? (await this.connect());
        await this.pump(socket, succeeded);
        // The connection was lost (the status says how): wait before the next one too.
        if (!this.stopped) await this.pause(this.backoffDelay(failures++), false);
      } catch (error) {
        if (this.stopped) break;
        this.fail(error);
        await this.pause(this.backoffDelay(failures++), false);
      }
    }
  }

  /**
   * Sends the outbox over one connection, keeping up to `inFlight` batches
   * awaiting their ack, and settles the acks in order. Returns when the
   * connection is gone, throws on a failure; batches still in flight then are
   * sent again on the next connection (their rows are still in the outbox).
   */
  private async pump(socket: Socket, succeeded: () => void): Promise<void> {
    const inflight: InFlight[] = [];
    let sentUpTo = this.outbox.state().lastAckedSeq;
    while (!this.stopped && this.socket === socket) {
      while (inflight.length < this.inFlight) {
        let events: WireEvent[];
        try {
          events = this.outbox.nextBatch(sentUpTo, this.batchSize, this.batchBytes);
        } catch (error) {
          // A row that cannot be sent: let what is ahead of it be acknowledged first.
          if (inflight.length === 0) throw error;
          break;
        }
        if (events.length === 0) break;
        inflight.push(this.send(socket, events));
        sentUpTo = events[events.length - 1]!.seq;
      }
      const head = inflight.shift();
      if (!head) {
        this.purge();
        const at = this.now();
        this.outbox.markSynced(at);
        this.setStatus({ lastSyncAt: at, waiting: 0, lastError: null, lastErrorAt: null, blocked: false, problem: null });
        succeeded();
        this.emit('drained');
        await this.pause(this.pollIntervalMs, true);
        continue;
      }
      // A failure here leaves the batches behind it abandoned: the socket is
      // closed by the caller and their rows are sent again on the next one.
      this.settle(head, await head.answer);
      succeeded();
    }
  }

  private send(socket: Socket, events: WireEvent[]): InFlight {
    const first = events[0]!.seq;
    const last = events[events.length - 1]!.seq;
    const answer = (socket.timeout(this.ackTimeoutMs).emitWithAck(MESSAGES.batch, { events }) as Promise<unknown>).catch((error: unknown) => {
      throw new SyncError(`no acknowledgement for events ${first}–${last} (${describe(error)}); they stay in the outbox and will be sent again`, false, msg('sync.noAck'));
    });
    // Marked handled now: a batch behind a failed one is abandoned, its rejection expected.
    answer.catch(() => {});
    return { first, last, answer };
  }

  /** Checks a batch's ack and removes what it acknowledged; throws (removing nothing) on anything else. */
  private settle({ first, last }: InFlight, raw: unknown): void {
    const parsed = parseMessage(batchAckSchema, raw, 'batch acknowledgement');
    if (!parsed.ok) {
      this.refuse(`${MESSAGES.batch} ack`, raw, parsed.error);
      throw new SyncError(`${parsed.error}; nothing was removed from the outbox`, false, msg('sync.badAnswer'));
    }
    const ack = parsed.value;
    if (!ack.ok) {
      if (ack.error.code === 'gap' && ack.error.expectedSeq !== undefined && ack.error.expectedSeq < first && this.outbox.resendFrom(ack.error.expectedSeq)) {
        // A restored service: the acknowledged rows it lost are still here (kept ACKED_RETENTION_DAYS).
        this.logger.warn(`the server holds this register's events only up to ${ack.error.expectedSeq - 1}: sending again from ${ack.error.expectedSeq}`);
        throw new SyncError(`the server restored older data: sending again from seq ${ack.error.expectedSeq}`, false, msg('sync.connectionLost'));
      }
      if (ack.error.code === 'gap' && ack.error.expectedSeq !== undefined && ack.error.expectedSeq < first) {
        throw new SyncError(
          `the server needs events from seq ${ack.error.expectedSeq}, but this register's outbox starts at ${first}: ` +
            'those events were acknowledged by the server before and are no longer here. The server must restore its data.',
          true,
          msg('sync.serverLostData', { expectedSeq: ack.error.expectedSeq, firstSeq: first }),
        );
      }
      if (ack.error.code === 'conflict') {
        // The server holds 1..expectedSeq−1: a restored register behind it renumbers past them and goes on.
        const gap = ack.error.expectedSeq !== undefined ? this.reconcileRestore(ack.error.expectedSeq - 1) : null;
        if (gap) throw new SyncError(`restored register: the server holds seq ${gap.fromSeq}–${gap.toSeq} this register lost; new events renumbered from ${gap.nextSeq}`, false, restoreProblem(gap));
        throw new SyncError(`the server refused events ${first}–${last}: conflict: ${ack.error.message}`, true, msg('sync.conflict', { seq: first }));
      }
      throw new SyncError(`the server refused events ${first}–${last}: ${ack.error.code}: ${ack.error.message}`, false, msg('sync.refusedBatch'));
    }
    if (ack.appliedSeq < first) {
      throw new SyncError(`the server acknowledged only up to seq ${ack.appliedSeq} after being sent ${first}–${last}; nothing was removed`, false, msg('sync.badAnswer'));
    }
    const numbered = this.db
      .prepare('SELECT max(coalesce((SELECT max(seq) FROM outbox), 0), coalesce((SELECT last_acked_seq FROM sync_state WHERE id = 1), 0)) AS n')
      .pluck()
      .get() as number;
    if (ack.appliedSeq > numbered) {
      // A restored register: the server holds events from after the backup (restore-gap.ts).
      const gap = this.reconcileRestore(ack.appliedSeq);
      if (gap) throw new SyncError(`restored register: the server holds seq ${gap.fromSeq}–${gap.toSeq} this register lost; new events renumbered from ${gap.nextSeq}`, false, restoreProblem(gap));
      // An ack for events this register never numbered: a confused or hostile server (or a
      // register restored from an old backup). Applying it would mark unsent rows as delivered
      // (docs/security.md §7). An ack beyond this batch but within what was numbered is a
      // retransmission after a lost ack: only this batch is settled, the rest is sent again.
      const error = `acknowledgement up to seq ${ack.appliedSeq}, but this register has numbered events only up to ${numbered}`;
      this.refuse(`${MESSAGES.batch} ack`, raw, error);
      throw new SyncError(
        `the server acknowledged up to seq ${ack.appliedSeq} but this register numbered only up to ${numbered}; nothing was removed`,
        false,
        msg('sync.ackBeyond', { ackedSeq: ack.appliedSeq, numberedSeq: numbered }),
      );
    }
    if (this.restorePending) {
      // The server agrees with what the restored register numbered: nothing was lost.
      clearRestoreMarker(this.db);
      this.restorePending = false;
    }
    const upTo = Math.min(ack.appliedSeq, last);
    const at = this.now();
    this.outbox.acknowledge(upTo, at);
    this.purge();
    this.setStatus({ lastSyncAt: at, waiting: this.outbox.waitingAfter(upTo), lastError: null, lastErrorAt: null, blocked: false, problem: null });
    if (upTo < last) {
      // The batches sent after this one would start past a hole: start over from the database.
      throw new SyncError(`the server acknowledged ${first}–${upTo} of ${first}–${last}; the rest will be sent again`, false, msg('sync.connectionLost'));
    }
  }

  /** Renumbers a restored register past what the server holds (restore-gap.ts); null when not a restore case. */
  private reconcileRestore(serverHeld: number): RestoreGap | null {
    if (!this.restorePending) return null;
    const gap = reconcileRestoreGap(this.db, serverHeld, this.now());
    if (!gap) return null;
    this.restorePending = false;
    this.logger.warn(`restored register: the server holds seq ${gap.fromSeq}–${gap.toSeq} that this register lost; new events continue from ${gap.nextSeq}`);
    this.setStatus({ restoreGap: gap });
    return gap;
  }

  /** Deletes acknowledged rows past the retention, at most once an hour (a bounded DELETE, outbox.ts). */
  private purge(): void {
    const at = this.now();
    if (this.purgedAt !== 0 && at - this.purgedAt < PURGE_INTERVAL_MS) return;
    this.purgedAt = at;
    try {
      this.outbox.purgeExpired(at, this.retentionDays);
    } catch (error) {
      this.logger.warn(`could not purge old acknowledged events (tried again in an hour): ${describe(error)}`);
    }
  }

  /** The server asked to send again from `fromSeq` (it was restored from a backup). */
  private onResend(socket: Socket, raw: unknown): void {
    const parsed = parseMessage(resendRequestSchema, raw, 'resend request');
    if (!parsed.ok) return this.refuse(MESSAGES.resend, raw, parsed.error);
    const { fromSeq } = parsed.value;
    if (!this.outbox.resendFrom(fromSeq)) {
      const state = this.outbox.state();
      if (fromSeq - 1 < state.lastAckedSeq) {
        this.fail(new SyncError(`the server holds events only up to ${fromSeq - 1} and this register no longer keeps them (older than ${this.retentionDays} days)`, true, msg('sync.serverLostData', { expectedSeq: fromSeq, firstSeq: fromSeq })));
      }
      return;
    }
    this.logger.warn(`the server was restored: it holds this register's events only up to ${fromSeq - 1}; sending again from ${fromSeq}`);
    // Start over from the database: the pump reads from the lowered mark on the next connection.
    if (this.socket === socket) this.fail(new SyncError(`the server restored older data: sending again from seq ${fromSeq}`, false, msg('sync.connectionLost')));
  }

  private hello(): Hello {
    return {
      storeId: this.config.storeId,
      registerId: this.config.registerId,
      token: this.config.token,
      protocolVersion: PROTOCOL_VERSION,
      lastAckedSeq: this.outbox.state().lastAckedSeq,
    };
  }

  private connect(): Promise<Socket> {
    this.setStatus({ connection: 'connecting', online: false });
    return new Promise<Socket>((resolve, reject) => {
      const socket = io(this.url.origin, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        autoConnect: false,
        timeout: this.connectTimeoutMs,
        auth: (cb) => cb(this.hello()),
        ...(this.ca ? { ca: this.ca } : {}),
      });
      // socket.io's own timeout stops once the transport is open; this one
      // also covers a hello that never gets an answer.
      const timer = setTimeout(() => {
        settle();
        socket.close();
        reject(new SyncError(`cannot reach ${this.url.origin}: no answer within ${this.connectTimeoutMs} ms`, false, msg('sync.unreachable')));
      }, this.connectTimeoutMs);
      const settle = () => {
        clearTimeout(timer);
        socket.off('connect');
        socket.off('connect_error');
        socket.off('disconnect');
        this.connecting = null;
      };
      this.connecting = {
        socket,
        abort: () => {
          settle();
          socket.close();
          reject(new SyncError('stopped'));
        },
      };
      socket.once('connect', () => {
        settle();
        this.attach(socket);
        resolve(socket);
      });
      socket.once('connect_error', (error: Error & { data?: unknown }) => {
        settle();
        socket.close();
        reject(this.connectError(error));
      });
      // The transport can close after opening but before the hello is answered.
      socket.once('disconnect', (reason) => {
        settle();
        socket.close();
        reject(new SyncError(`cannot reach ${this.url.origin}: connection closed during the hello (${reason})`, false, msg('sync.unreachable')));
      });
      socket.connect();
    });
  }

  private connectError(error: Error & { data?: unknown }): SyncError {
    if (error.data === undefined) return new SyncError(`cannot reach ${this.url.origin}: ${error.message}`, false, msg('sync.unreachable'));
    const parsed = parseMessage(refusalSchema, error.data, 'connection refusal');
    if (!parsed.ok) {
      this.refuse('connect_error', error.data, parsed.error);
      return new SyncError(`the server refused the connection: ${error.message} (${parsed.error})`, false, msg('sync.badAnswer'));
    }
    const refusal = parsed.value;
    const permanent = refusal.code !== 'server-error';
    const problem = { 'bad-hello': msg('sync.badHello'), 'bad-token': msg('sync.badToken'), 'protocol-version': msg('sync.protocolVersion'), 'server-error': msg('sync.serverError') }[refusal.code];
    return new SyncError(`the server refused this register (${refusal.code}): ${refusal.message}`, permanent, problem);
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('disconnect', (reason) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.fail(new SyncError(`connection lost (${reason})`, false, msg('sync.connectionLost')), false);
      this.wakeIdle?.();
    });
    socket.on(MESSAGES.baseSettings, (...args: unknown[]) =>
      this.onPush(MESSAGES.baseSettings, args, (raw) => {
        const parsed = parseMessage(baseSettingsPushSchema, raw, 'base settings push');
        return parsed.ok ? { ok: true, pushId: parsed.value.pushId, apply: (at) => applyBaseSettingsPush(this.db, MESSAGES.baseSettings, parsed.value, at) } : parsed;
      }),
    );
    socket.on(MESSAGES.members, (...args: unknown[]) =>
      this.onPush(MESSAGES.members, args, (raw) => {
        const parsed = parseMessage(membersPushSchema, raw, 'members push');
        const unmasked = parsed.ok ? maskingProblem(parsed.value.members) : null;
        if (unmasked) return { ok: false, error: unmasked };
        return parsed.ok ? { ok: true, pushId: parsed.value.pushId, apply: (at) => applyMembersPush(this.db, MESSAGES.members, parsed.value, at) } : parsed;
      }),
    );
    socket.on(MESSAGES.resend, (raw: unknown) => this.onResend(socket, raw));
    socket.onAny((name: unknown, ...args: unknown[]) => {
      if (typeof name === 'string' && KNOWN_INBOUND.has(name)) return;
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
      const error = `unknown message ${JSON.stringify(name)} from the server`;
      this.refuse(String(name), args, error);
      ack?.({ ok: false, error: { code: 'unknown-message', message: error } });
    });
    this.setStatus({ connection: 'online', online: true });
    this.logger.info(`connected to ${this.url.origin}`);
  }

  private onPush(
    message: string,
    args: unknown[],
    validate: (raw: unknown) => { ok: true; pushId: number; apply: (at: number) => ApplyOutcome } | { ok: false; error: string },
  ): void {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
    const refuse = (code: string, error: string) => {
      this.refuse(message, args.length === 1 ? args[0] : args, error);
      ack?.({ ok: false, error: { code, message: error } });
    };
    if (!ack) return refuse('invalid', `${message} must ask for an acknowledgement`);
    if (args.length !== 1) return refuse('invalid', `${message} carries ${args.length} arguments, expected 1`);
    const checked = validate(args[0]);
    if (!checked.ok) return refuse('invalid', checked.error);
    let outcome: ApplyOutcome;
    try {
      outcome = checked.apply(this.now());
    } catch (error) {
      return refuse('apply-failed', `${message} ${checked.pushId} could not be applied, nothing changed: ${describe(error)}`);
    }
    this.logger.info(`${message} ${checked.pushId}: ${outcome}`);
    ack({ ok: true, duplicate: outcome === 'duplicate' });
    this.emit('push', { message, pushId: checked.pushId, outcome });
  }

  /** Logs a server message that was not acted on, in the logger and in `sync_inbound`. */
  private refuse(message: string, raw: unknown, error: string): void {
    this.logger.warn(`refused ${message}: ${error}`);
    try {
      recordRefused(this.db, message, raw, error, this.now());
    } catch (logError) {
      this.logger.error(`could not log the refused ${message}: ${describe(logError)}`);
    }
  }

  private fail(error: unknown, closeSocket = true): void {
    const message = describe(error);
    // A bad outbox row stays bad however often it is read.
    const blocked = (error instanceof SyncError && error.blocked) || error instanceof OutboxError;
    const problem = error instanceof SyncError ? error.problem : error instanceof OutboxError ? msg('sync.badOutboxRow') : msg('sync.other');
    this.logger.warn(`sync: ${message}`);
    if (closeSocket) this.closeSocket();
    this.setStatus({
      connection: 'offline',
      online: false,
      lastError: message,
      lastErrorAt: this.now(),
      blocked,
      problem,
      waiting: safeWaiting(this.outbox),
    });
  }

  private closeSocket(): void {
    this.connecting?.abort();
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.off('disconnect');
    socket.offAny();
    // Closing rejects an ack still awaited on this socket.
    socket.close();
  }

  private backoffDelay(failures: number): number {
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failures, 30));
    // "Equal jitter": never less than half the ceiling, so a fleet of
    // registers coming back after an outage spreads out without hammering.
    return ceiling / 2 + this.random() * (ceiling / 2);
  }

  /** Waits `ms`; `stop()` always ends it early, `notify()` or a lost connection only when `idle`. */
  private pause(ms: number, idle: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeAny = null;
        if (idle) this.wakeIdle = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeAny = done;
      if (idle) this.wakeIdle = done;
    });
  }

  private setStatus(change: Partial<SyncStatus>): void {
    this.current = { ...this.current, ...change };
    this.emit('status', this.status());
  }
}

function safeWaiting(outbox: Outbox): number {
  try {
    return outbox.waiting();
  } catch {
    return -1;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
