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
 *
 * This file holds the loop, the batches in flight and the status; the parts
 * live beside it: connection.ts (one connection attempt, the hello, refusals),
 * ack.ts (what an acknowledgement means), client-options.ts (the settings and
 * their defaults), acked-retention.ts (purging acknowledged rows), resend.ts (a restored service asks
 * for events again), admission.ts (large batches wait for the service's admission), restore-gap.ts (a restored register renumbered past the
 * server's events), inbound.ts (pushes and unknown messages), waiting-reports.ts (the outbox count told to
 * the service), backoff.ts.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io-client';
import { MESSAGES, PROTOCOL_VERSION, parseMessage, resendRequestSchema, type Hello, type WireEvent } from '../../../shared/sync/protocol';
import type { Db } from '../store/database';
import { checkAck, type AckContext } from './ack';
import { recordRefused, type ApplyOutcome } from './apply';
import { AckedRetention } from './acked-retention';
import { backoffDelay } from './backoff';
import { clientSettings, type ClientSettings, type SyncClientOptions } from './client-options';
import { checkServerUrl, type SyncConfig } from './config';
import { openConnection, type ConnectAttempt } from './connection';
import { attachInbound } from './inbound';
import { SendLine } from './admission';
import { Outbox, OutboxError } from './outbox';
import { answerResendRequest } from './resend';
import { readRestoreGap, RestoreWatch, type RestoreGap } from './restore-gap';
import { describe, SyncError } from './sync-error';
import { WaitingReports } from './waiting-reports';
import { msg, type Message } from '../../../shared/messages/catalogue';
import { storageFault } from '../app/storage-faults';

export { restoreProblem } from './restore-gap';
export { silentLogger, type SyncLogger } from './sync-error';
export type { SyncClientOptions } from './client-options';

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

export class SyncClient extends EventEmitter<SyncClientEvents> {
  private readonly db: Db;
  private readonly config: SyncConfig;
  private readonly url: URL;
  private readonly outbox: Outbox;
  private readonly settings: ClientSettings;
  private readonly retention: AckedRetention;

  private current: SyncStatus;
  private socket: Socket | null = null;
  /** The outbox count told to the service (`sync:status`): at once on connecting and when drained, else throttled. */
  private readonly reports: WaitingReports;
  private connecting: ConnectAttempt | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeIdle: (() => void) | null = null;
  private wakeAny: (() => void) | null = null;
  /** A restored register that has not met the server yet (restore-gap.ts). */
  private readonly restore: RestoreWatch;
  private readonly ackContext: AckContext;

  constructor(options: SyncClientOptions) {
    super();
    this.db = options.db;
    this.config = options.config;
    this.url = checkServerUrl(options.config.url, options.config.allowInsecure);
    this.outbox = new Outbox(options.db);
    this.settings = clientSettings(options);
    this.reports = new WaitingReports(this.settings.statusReportEveryMs);
    this.retention = new AckedRetention(this.outbox, this.settings.retentionDays, this.settings.now, this.settings.logger);
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
    this.restore = new RestoreWatch(this.db, this.settings.logger, (gap) => this.setStatus({ restoreGap: gap }));
    this.ackContext = { db: this.db, outbox: this.outbox, restore: this.restore, logger: this.settings.logger, now: this.settings.now, refuse: this.refuse };
  }

  status(): SyncStatus {
    return { ...this.current };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run().catch((error: unknown) => {
      // run() handles its own failures; reaching here is a bug worth seeing.
      this.settings.logger.error(`sync loop ended unexpectedly: ${describe(error)}`);
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
    // Large batches wait for the service's admission, the rest keep their place behind them (admission.ts).
    const line = new SendLine(socket, this.settings.admitTimeoutMs, this.settings.logger);
    let sentUpTo = this.outbox.state().lastAckedSeq;
    while (!this.stopped && this.socket === socket) {
      while (inflight.length < this.settings.inFlight) {
        let events: WireEvent[];
        try {
          events = this.outbox.nextBatch(sentUpTo, this.settings.batchSize, this.settings.batchBytes);
        } catch (error) {
          // A row that cannot be sent: let what is ahead of it be acknowledged first.
          if (inflight.length === 0) throw error;
          break;
        }
        if (events.length === 0) break;
        inflight.push(this.send(line, events));
        sentUpTo = events[events.length - 1]!.seq;
      }
      const head = inflight.shift();
      if (!head) {
        this.retention.purgeWhenDue();
        const at = this.settings.now();
        this.outbox.markSynced(at);
        this.setStatus({ lastSyncAt: at, waiting: 0, lastError: null, lastErrorAt: null, blocked: false, problem: null });
        this.reportWaiting(0, true);
        succeeded();
        this.emit('drained');
        await this.pause(this.settings.pollIntervalMs, true);
        continue;
      }
      // A failure here leaves the batches behind it abandoned: the socket is
      // closed by the caller and their rows are sent again on the next one.
      this.settle(head, await head.answer);
      succeeded();
    }
  }

  /** Tells the service how many events are still here (`sync:status`; waiting-reports.ts): `atOnce` on connecting and when drained. */
  private reportWaiting(waiting: number, atOnce: boolean): void {
    if (this.socket) this.reports.report(this.socket, waiting, atOnce);
  }

  private send(line: SendLine, events: WireEvent[]): InFlight {
    const first = events[0]!.seq;
    const last = events[events.length - 1]!.seq;
    const answer = line.send(events, this.settings.ackTimeoutMs).catch((error: unknown) => {
      if (error instanceof SyncError) throw error;
      throw new SyncError(`no acknowledgement for events ${first}–${last} (${describe(error)}); they stay in the outbox and will be sent again`, false, msg('sync.noAck'));
    });
    // Marked handled now: a batch behind a failed one is abandoned, its rejection expected.
    answer.catch(() => {});
    return { first, last, answer };
  }

  /** Checks a batch's ack (ack.ts) and removes what it acknowledged; throws (removing nothing) on anything else. */
  private settle(batch: InFlight, raw: unknown): void {
    const upTo = checkAck(this.ackContext, batch, raw);
    const at = this.settings.now();
    this.outbox.acknowledge(upTo, at);
    this.retention.purgeWhenDue();
    const waiting = this.outbox.waitingAfter(upTo);
    this.setStatus({ lastSyncAt: at, waiting, lastError: null, lastErrorAt: null, blocked: false, problem: null });
    this.reportWaiting(waiting, false);
    if (upTo < batch.last) {
      // The batches sent after this one would start past a hole: start over from the database.
      throw new SyncError(`the server acknowledged ${batch.first}–${upTo} of ${batch.first}–${batch.last}; the rest will be sent again`, false, msg('sync.connectionLost'));
    }
  }

  /** The server asked to send again from `fromSeq` (it was restored from a backup): resend.ts. */
  private onResend(socket: Socket, raw: unknown): void {
    const parsed = parseMessage(resendRequestSchema, raw, 'resend request');
    if (!parsed.ok) return this.refuse(MESSAGES.resend, raw, parsed.error);
    const failure = answerResendRequest(this.outbox, parsed.value.fromSeq, this.settings.retentionDays, this.settings.logger);
    // Start over from the database: the pump reads from the lowered mark on the next connection.
    if (failure && (failure.blocked || this.socket === socket)) this.fail(failure);
  }

  private hello(): Hello {
    const state = this.outbox.state();
    return {
      storeId: this.config.storeId,
      registerId: this.config.registerId,
      token: this.config.token,
      protocolVersion: PROTOCOL_VERSION,
      lastAckedSeq: state.lastAckedSeq,
      // Only when something went: a service of before this field would refuse the hello (its schema is strict).
      ...(state.purgedUnsentThroughSeq > 0 ? { purgedUnsentThroughSeq: state.purgedUnsentThroughSeq } : {}),
    };
  }

  private connect(): Promise<Socket> {
    this.setStatus({ connection: 'connecting', online: false });
    const attempt = openConnection({
      url: this.url,
      timeoutMs: this.settings.connectTimeoutMs,
      ...(this.settings.ca ? { ca: this.settings.ca } : {}),
      hello: () => this.hello(),
      refuse: this.refuse,
      onSettled: () => {
        if (this.connecting === attempt) this.connecting = null;
      },
      onConnected: (socket) => this.attach(socket),
    });
    this.connecting = attempt;
    return attempt.connected;
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('disconnect', (reason) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.fail(new SyncError(`connection lost (${reason})`, false, msg('sync.connectionLost')), false);
      this.wakeIdle?.();
    });
    attachInbound(socket, {
      db: this.db,
      logger: this.settings.logger,
      now: this.settings.now,
      refuse: this.refuse,
      onPush: (push) => this.emit('push', push),
      onResend: (raw) => this.onResend(socket, raw),
    });
    this.setStatus({ connection: 'online', online: true });
    this.reportWaiting(safeWaiting(this.outbox), true);
    this.settings.logger.info(`connected to ${this.url.origin}`);
  }

  /** Logs a server message that was not acted on, in the logger and in `sync_inbound`. */
  private readonly refuse = (message: string, raw: unknown, error: string): void => {
    this.settings.logger.warn(`refused ${message}: ${error}`);
    try {
      recordRefused(this.db, message, raw, error, this.settings.now());
    } catch (logError) {
      this.settings.logger.error(`could not log the refused ${message}: ${describe(logError)}`);
    }
  };

  private fail(error: unknown, closeSocket = true): void {
    const message = describe(error);
    // A bad outbox row stays bad however often it is read.
    const blocked = (error instanceof SyncError && error.blocked) || error instanceof OutboxError;
    const problem =
      error instanceof SyncError ? error.problem : error instanceof OutboxError ? msg('sync.badOutboxRow') : storageFault(error) ? msg('sync.diskRefused') : msg('sync.other');
    this.settings.logger.warn(`sync: ${message}`);
    if (closeSocket) this.closeSocket();
    this.setStatus({
      connection: 'offline',
      online: false,
      lastError: message,
      lastErrorAt: this.settings.now(),
      blocked,
      problem,
      waiting: safeWaiting(this.outbox),
    });
  }

  private closeSocket(): void {
    this.connecting?.abort();
    const socket = this.socket;
    this.socket = null;
    this.reports.cancel();
    if (!socket) return;
    socket.off('disconnect');
    socket.offAny();
    // Closing rejects an ack still awaited on this socket.
    socket.close();
  }

  private backoffDelay(failures: number): number {
    return backoffDelay(failures, this.settings.backoff, this.settings.random);
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
