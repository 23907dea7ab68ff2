/**
 * The socket.io side of the service: registers connect with their token,
 * send event batches, and receive pushes.
 *
 * A token is bound to one store and register: the hello must name the very
 * register the token was issued for, so a token can only ever write as its
 * own register. A register has one live token at a time (enrolling again
 * revokes the old one), so a second connection with another token is
 * refused and never displaces the first; a newer connection with the same
 * token (the register reconnecting after a cut) replaces the older one.
 */
import type { Server, Socket } from 'socket.io';
import {
  ADMIT_ABOVE_EVENTS,
  MESSAGES,
  PROTOCOL_VERSION,
  admitRequestSchema,
  helloSchema,
  parseMessage,
  pushAckSchema,
  registerKey,
  statusReportSchema,
  type AdmitAnswer,
  type BatchAck,
  type Refusal,
} from '../../shared/sync/protocol';
import type { SqlDb } from '../db/adapter';
import { registerForToken } from '../auth/registry';
import { applyBatch, type IngestRegister } from '../ingest/apply-batch';
import { checkBatch } from '../ingest/check-batch';
import { ADMITTED_AT_ONCE, ConnectionAdmissions, LARGE_BATCH_SLOTS, LargeBatchGate } from './large-batch-gate';
import { nextPush, recordPushResult } from '../push/store';

export interface ServiceLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface RegisterSocketsOptions {
  db: SqlDb;
  log: ServiceLogger;
  now: () => number;
  /** Sent with every push, so a register can tell a new or restored service database from a duplicate. */
  epoch: string;
  pushAckTimeoutMs: number;
  /** Called after a batch was committed (or refused), before its ack is sent. */
  onBatchCommitted?: (register: IngestRegister, answer: BatchAck) => void;
}

const SUPPORTED_VERSIONS = [PROTOCOL_VERSION];

/** The messages a register's connection handles; any other is answered `unknown-message`. */
const HANDLED: readonly string[] = [MESSAGES.admit, MESSAGES.batch, MESSAGES.status];

/** socket.io passes the sender's ack callback as the last argument when the sender asked for one: taken off `args`. */
function takeAck<T>(args: unknown[]): ((answer: T) => void) | undefined {
  return typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: T) => void) : undefined;
}

export interface RegisterSockets {
  deliverToLive(): void;
  connected(): number;
  /** The most large batches checked or stored at once since the last reset (GET /admin/stats). */
  largeBatchesAtOnceMax(): number;
  /** Starts the count again from the large batches being checked or stored now. */
  resetLargeBatchesAtOnce(): void;
}

export function attachRegisterSockets(io: Server, options: RegisterSocketsOptions): RegisterSockets {
  const { db, log, now } = options;
  const live = new Map<number, Socket>();
  // Two gates of 8, not one (docs/central.md "Two gates for large batches"): the admissions bound what registers that
  // ask have on the way, from "send it" to stored; the database slots bound what is checked and stored, asking or not
  // (the only bound for a register of before sync:admit). One gate for both could be held by an admitted batch
  // waiting in its register's line behind one that waits for that very gate.
  const databaseSlots = new LargeBatchGate(LARGE_BATCH_SLOTS);
  const admissionSlots = new LargeBatchGate(ADMITTED_AT_ONCE);
  /** Large batches between holding a database slot and giving it back (the slots' bound, watched from outside the gate). */
  let largeNow = 0;
  let largeMax = 0;

  io.use((socket, next) => {
    const refuse = (refusal: Refusal) => {
      log.warn(`refused a connection from ${socket.handshake.address}: ${refusal.code}: ${refusal.message}`);
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
    registerForToken(db, hello.value.token)
      .then(async (register) => {
        if (!register) return refuse({ code: 'bad-token', message: 'this token is not accepted here (unknown or revoked): enrol the register again' });
        if (register.storeId !== hello.value.storeId || register.registerId !== hello.value.registerId) {
          return refuse({ code: 'bad-token', message: `this token belongs to another register, not ${registerKey(hello.value)}` });
        }
        await db.query('UPDATE registers SET last_seen_at = $2 WHERE id = $1', [register.id, now()]);
        const purged = hello.value.purgedUnsentThroughSeq ?? 0;
        if (purged > 0 && register.lastSeq === 0) {
          // The register ran without a server and deleted its oldest events unsent (docs/sync.md "Without a server"):
          // they can never come, so this service, holding nothing of it yet, starts after them. Only from nothing:
          // a service that holds events of the register keeps its own mark (a hole there is a real gap).
          const moved = await db.query<{ last_seq: number }>('UPDATE registers SET last_seq = $2 WHERE id = $1 AND last_seq = 0 RETURNING last_seq', [register.id, purged]);
          if (moved.rows.length > 0) {
            log.info(`${registerKey(register)} deleted seq 1–${purged} unsent before it was enrolled: its events are taken from ${purged + 1} on`);
            register.lastSeq = purged;
          }
        }
        if (hello.value.lastAckedSeq > register.lastSeq) {
          log.warn(`${registerKey(register)} says seq ${hello.value.lastAckedSeq} was acknowledged, but this service holds only up to ${register.lastSeq}: data was lost here; asking it to send again from ${register.lastSeq + 1}`);
          socket.data.resendFrom = register.lastSeq + 1;
        }
        socket.data.register = { id: register.id, storeId: register.storeId, registerId: register.registerId } satisfies IngestRegister;
        next();
      })
      // The token look-up or the register's row updates after it: a failure of either refuses the hello (it was an
      // unhandled rejection when the updates failed, seen when a test's database went away under a reconnecting register).
      .catch((error: unknown) => refuse({ code: 'server-error', message: `the service could not check the token: ${String(error)}` }));
  });

  io.on('connection', (socket) => {
    const register = socket.data.register as IngestRegister;
    const key = registerKey(register);
    const previous = live.get(register.id);
    live.set(register.id, socket);
    previous?.disconnect(true);
    log.info(`${key} connected`);
    const admissions = new ConnectionAdmissions(admissionSlots);
    const applier = batchApplier(register);

    // "May I send a batch of n events?" (docs/sync.md "Admission of large batches"): answered when it may.
    socket.on(MESSAGES.admit, (...args: unknown[]) => {
      const ack = takeAck<AdmitAnswer>(args);
      if (!ack) return log.warn(`${key}: an admission request without an ack request was ignored`);
      const request = parseMessage(admitRequestSchema, args[0], 'admission request');
      if (!request.ok || args.length !== 1) return ack({ ok: false, error: { code: 'invalid', message: request.ok ? `an admission request carries one argument, got ${args.length}` : request.error } });
      if (request.value.events <= ADMIT_ABOVE_EVENTS) return ack({ ok: true });
      admissions.request().then(
        (admitted) => {
          if (admitted) ack({ ok: true });
        },
        (error: unknown) => log.warn(`${key}: admitting a batch failed: ${String(error)}`),
      );
    });

    socket.on(MESSAGES.batch, (...args: unknown[]) => {
      const ack = takeAck<BatchAck>(args);
      if (!ack) {
        log.warn(`${key}: a batch without an ack request was ignored`);
        return;
      }
      if (args.length !== 1) {
        log.warn(`${key}: refused a batch: a batch carries one argument, got ${args.length}`);
        return ack({ ok: false, error: { code: 'invalid', message: `a batch carries one argument, got ${args.length}` } });
      }
      // Batches keep their arrival order: each takes its place in the register's line now; a large one is checked
      // once it holds a slot (admitted before it was sent, or waiting here for one when sent without asking).
      const events = (args[0] as { events?: unknown } | null)?.events;
      const large = Array.isArray(events) && events.length > ADMIT_ABOVE_EVENTS;
      applier.add(args[0], ack, large ? { release: admissions.take() } : null);
    });

    // What the register says its outbox still holds, for the console (registers of before it never say). One report
    // written after the other: two updates on the pool's connections can commit out of order, and an older count
    // would then stand over a newer one (seen: 4 waiting shown after the register said 0).
    let statusWritten: Promise<unknown> = Promise.resolve();
    socket.on(MESSAGES.status, (raw: unknown) => {
      const report = parseMessage(statusReportSchema, raw, 'status report');
      if (!report.ok) return;
      const at = now();
      statusWritten = statusWritten
        .then(() => db.query('UPDATE registers SET outbox_waiting = $2, waiting_reported_at = $3 WHERE id = $1', [register.id, report.value.waiting, at]))
        .catch((error: unknown) => log.warn(`could not note what ${key} has waiting: ${String(error)}`));
    });

    socket.onAny((name: unknown, ...args: unknown[]) => {
      // onAny sees every message, the handled ones too.
      if (typeof name === 'string' && HANDLED.includes(name)) return;
      const ack = args[args.length - 1];
      log.warn(`${key}: unknown message ${JSON.stringify(name)} refused`);
      if (typeof ack === 'function') ack({ ok: false, error: { code: 'unknown-message', message: `unknown message ${JSON.stringify(name)}` } });
    });

    socket.on('disconnect', (reason) => {
      admissions.close();
      if (live.get(register.id) === socket) live.delete(register.id);
      log.info(`${key} disconnected (${reason})`);
    });

    // A restored service: the register keeps acknowledged events for a while (docs/sync.md "A restored service").
    const resendFrom = socket.data.resendFrom as number | undefined;
    if (resendFrom !== undefined) socket.emit(MESSAGES.resend, { fromSeq: resendFrom, epoch: options.epoch });

    void deliverPushes(socket, register);
  });

  /**
   * One socket's batches, one at a time in arrival order; each acknowledged after its commit.
   * A large batch (`slot` not null) is checked and stored while it holds one of the gate's slots, and keeps its
   * admission (`slot.release`; null when sent without asking, by a register of before `sync:admit`) until then.
   */
  function batchApplier(register: IngestRegister) {
    const waiting: { message: unknown; ack: (answer: BatchAck) => void; slot: { release: (() => void) | null } | null }[] = [];
    let running = false;
    /** The batch's answer; `stored`: it reached the database (a malformed batch is refused before). */
    async function one(item: (typeof waiting)[number]): Promise<{ answer: BatchAck; stored: boolean }> {
      // Admitted before it was sent or not (a register of before sync:admit), a large batch waits for a slot here.
      const admission = item.slot?.release ?? null;
      const slot = item.slot ? await databaseSlots.acquire() : null;
      if (slot) largeMax = Math.max(largeMax, ++largeNow);
      try {
        const batch = await checkBatch(item.message);
        if (typeof batch === 'string') {
          log.warn(`${registerKey(register)}: refused a batch: ${batch}`);
          return { answer: { ok: false, error: { code: 'invalid', message: batch } }, stored: false };
        }
        return { answer: await applyBatch(db, register, batch.events, now()), stored: true };
      } catch (error) {
        log.warn(`${registerKey(register)}: a batch failed: ${String(error)}`);
        return { answer: { ok: false, error: { code: 'internal', message: 'the service could not store the batch' } }, stored: true };
      } finally {
        if (slot) {
          largeNow -= 1;
          slot();
        }
        admission?.();
      }
    }
    async function run(): Promise<void> {
      running = true;
      try {
        for (let item = waiting.shift(); item; item = waiting.shift()) {
          const { answer, stored } = await one(item);
          if (stored) options.onBatchCommitted?.(register, answer);
          item.ack(answer);
        }
      } finally {
        running = false;
      }
    }
    return {
      add(message: unknown, ack: (answer: BatchAck) => void, slot: { release: (() => void) | null } | null): void {
        waiting.push({ message, ack, slot });
        if (!running) void run();
      },
    };
  }

  const delivering = new WeakSet<Socket>();
  /** Sends the register every push it has not answered, oldest first, one at a time. */
  async function deliverPushes(socket: Socket, register: IngestRegister): Promise<void> {
    if (delivering.has(socket)) return;
    delivering.add(socket);
    try {
      for (let push = await nextPush(db, register.id); push && socket.connected; push = await nextPush(db, register.id)) {
        let raw: unknown;
        try {
          raw = await socket.timeout(options.pushAckTimeoutMs).emitWithAck(push.message, { ...push.body, pushId: push.id, issuedAt: push.createdAt, epoch: options.epoch });
        } catch {
          log.warn(`${registerKey(register)} did not answer push ${push.id}; it is sent again on the next connection`);
          return;
        }
        const answer = parseMessage(pushAckSchema, raw, 'push acknowledgement');
        const ok = answer.ok && answer.value.ok;
        if (!ok) log.warn(`${registerKey(register)} refused push ${push.id}: ${JSON.stringify(raw)}`);
        await recordPushResult(db, register.id, push.id, ok, raw, now());
      }
    } catch (error) {
      log.warn(`${registerKey(register)}: delivering pushes failed: ${String(error)}`);
    } finally {
      delivering.delete(socket);
    }
  }

  return {
    deliverToLive() {
      for (const socket of live.values()) void deliverPushes(socket, socket.data.register as IngestRegister);
    },
    connected: () => live.size,
    largeBatchesAtOnceMax: () => largeMax,
    resetLargeBatchesAtOnce() {
      largeMax = largeNow;
    },
  };
}
