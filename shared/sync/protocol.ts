/**
 * The sync protocol between a register and the central server, both ways.
 *
 * Transport: socket.io 4 over a WebSocket. Every message below has a zod
 * schema; whoever receives a message validates it with `parseMessage` before
 * acting on it, and a message that fails (or whose name is not in `MESSAGES`)
 * is logged and refused, never applied. docs/sync.md walks through them.
 *
 *   register → server  handshake `auth`          Hello
 *   register → server  'sync:batch'  (with ack)  EventBatch  → BatchAck
 *   register → server  'sync:admit'  (with ack)  AdmitRequest → AdmitAnswer (before a batch over ADMIT_ABOVE_EVENTS)
 *   server → register  'sync:base-settings' (ack) BaseSettingsPush → PushAck
 *   server → register  'sync:members'  (ack)     MembersPush → PushAck
 *   server → register  connect_error `data`      Refusal (the hello was refused)
 *
 * Money inside event payloads stays integer fen: every payload field whose
 * name ends in `Fen` / `_fen` must be a safe integer (or null).
 */
import { z } from 'zod';
import type { QueueEvent } from '../engine/types';
import { settingsLayerSchema } from '../settings';

/** Bumped on any incompatible change; the server refuses versions it does not speak. */
export const PROTOCOL_VERSION = 1;

/** socket.io event names. Anything else received is an unknown message. */
export const MESSAGES = {
  batch: 'sync:batch',
  baseSettings: 'sync:base-settings',
  members: 'sync:members',
  /** Server → register, no ack: "I hold your events only up to fromSeq − 1; send again from fromSeq" (a restored service). */
  resend: 'sync:resend',
  /**
   * Register → server, no ack: how many events its outbox still holds. Sent
   * on connecting and when the count changes; a service that does not know it
   * ignores it (socket.io drops an event nobody listens to), so no protocol
   * version step is needed.
   */
  status: 'sync:status',
  /**
   * Register → server, with ack: "may I send a batch of this many events
   * now?" — asked before every batch over ADMIT_ABOVE_EVENTS events; the
   * service answers when it can take the batch (docs/sync.md "Admission of
   * large batches"). A service that does not know it answers
   * `unknown-message`, and the register then sends without asking.
   */
  admit: 'sync:admit',
} as const;
export type MessageName = (typeof MESSAGES)[keyof typeof MESSAGES];

/** Most events one batch may carry. */
export const MAX_BATCH_EVENTS = 2000;
/** The largest socket.io packet a server must accept (its `maxHttpBufferSize`). */
export const MAX_PACKET_BYTES = 16 * 1024 * 1024;
/**
 * A batch of more events than this waits for the service's admission
 * (`sync:admit`) before it is sent: a busy counter's batches (a checkout or
 * a few) never ask, a register returning with a day's backlog does.
 */
export const ADMIT_ABOVE_EVENTS = 50;
/** Most member records in one push. */
export const MAX_PUSH_MEMBERS = 5000;

/** Every kind of outbox event; kept equal to `QueueEvent['type']` by the type checks below. */
export const EVENT_TYPES = [
  'order.checkout',
  'order.completed',
  'order.refunded',
  'entry.drawn',
  'entry.exchanged',
  'queue.reset',
  'queue.settings',
  'member.enrolled',
  'staff.changed',
  'shift.opened',
  'shift.closed',
  'audit.recorded',
] as const satisfies readonly QueueEvent['type'][];
type MissingEventType = Exclude<QueueEvent['type'], (typeof EVENT_TYPES)[number]>;
const everyEventTypeListed: [MissingEventType] extends [never] ? true : MissingEventType = true;
void everyEventTypeListed;

const ident = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .max(128, { error: `${what} must be at most 128 characters` });
const wholeNumber = (what: string, min: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(Number.MAX_SAFE_INTEGER, { error: `${what} is too large` });
const seqSchema = wholeNumber('seq', 1);
const ackedSeqSchema = wholeNumber('acknowledged seq', 0);
/** Milliseconds since the Unix epoch. */
const instantSchema = wholeNumber('instant (ms)', 0);
const pushIdSchema = wholeNumber('pushId', 1);
/**
 * The service's epoch (hex): changes whenever the service's database is new or
 * restored, so push ids counted from 1 again are not taken for duplicates.
 * Optional: a server without epochs (the reference test double) sends none.
 */
const epochSchema = z.string().regex(/^[0-9a-f]{16,64}$/, { error: 'epoch must be 16–64 lowercase hex digits' });

// ---------------------------------------------------------------------------
// Register → server

/** The socket.io handshake `auth` object, sent again on every (re)connect. */
export const helloSchema = z.strictObject({
  storeId: ident('storeId'),
  registerId: ident('registerId'),
  token: z.string().min(1, { error: 'token must not be empty' }).max(1024),
  protocolVersion: wholeNumber('protocolVersion', 1),
  /** The highest seq this register has seen acknowledged (and removed from its outbox). */
  lastAckedSeq: ackedSeqSchema,
  /**
   * Every seq up to this one was deleted, never sent, while the register ran
   * without a server (docs/sync.md "Without a server"). Sent only when above
   * 0: a service holding nothing yet of this register takes its events from
   * the next seq on instead of waiting for seq 1 for ever.
   */
  purgedUnsentThroughSeq: ackedSeqSchema.optional(),
});
export type Hello = z.infer<typeof helloSchema>;

/** `sync:status`: the register's outbox as it reports it (for the alliance console). */
export const statusReportSchema = z.strictObject({
  /** Events in the outbox not yet acknowledged. */
  waiting: wholeNumber('waiting', 0),
});
export type StatusReport = z.infer<typeof statusReportSchema>;

const MONEY_KEY = /(Fen|_fen)$/;
const MAX_PAYLOAD_DEPTH = 16;

/**
 * Walks a payload: money fields must be safe integers, nesting stays shallow.
 * `path` is one array pushed and popped on the way (copied only for an issue).
 */
function checkPayload(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (value === null || typeof value !== 'object') return;
  if (path.length >= MAX_PAYLOAD_DEPTH) {
    ctx.addIssue({ code: 'custom', path: [...path], message: `payload nested deeper than ${MAX_PAYLOAD_DEPTH}` });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkPayload(value[i], path, ctx);
      path.pop();
    }
    return;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    path.push(key);
    if (MONEY_KEY.test(key) && item !== null && !(typeof item === 'number' && Number.isSafeInteger(item))) {
      ctx.addIssue({ code: 'custom', path: [...path], message: `money field ${key} must be an integer number of fen` });
    }
    checkPayload(item, path, ctx);
    path.pop();
  }
}

/** A JSON object, checked in place (not copied: payloads are the bulk of every batch). */
export const payloadSchema = z
  .custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { error: 'payload must be a JSON object' })
  .superRefine((payload, ctx) => checkPayload(payload, [], ctx));

/** One outbox event on the wire. `id` is the outbox `event_id`, `seq` the outbox `seq`. */
export const wireEventSchema = z.strictObject({
  id: ident('event id'),
  seq: seqSchema,
  queueId: ident('queueId'),
  type: z.enum(EVENT_TYPES, { error: 'unknown event type' }),
  at: instantSchema,
  payload: payloadSchema,
});
export type WireEvent = z.infer<typeof wireEventSchema>;

/** Consecutive events of one register: seq n, n+1, n+2 …, ids all different. */
export const eventBatchSchema = z
  .strictObject({
    events: z
      .array(wireEventSchema)
      .min(1, { error: 'a batch carries at least one event' })
      .max(MAX_BATCH_EVENTS, { error: `a batch carries at most ${MAX_BATCH_EVENTS} events` }),
  })
  .superRefine((batch, ctx) => {
    const first = batch.events[0]!.seq;
    const ids = new Set<string>();
    batch.events.forEach((event, i) => {
      if (event.seq !== first + i) {
        ctx.addIssue({ code: 'custom', path: ['events', i, 'seq'], message: `seq ${event.seq} breaks the run starting at ${first} (expected ${first + i})` });
      }
      if (ids.has(event.id)) ctx.addIssue({ code: 'custom', path: ['events', i, 'id'], message: `event id ${event.id} appears twice` });
      ids.add(event.id);
    });
  });
export type EventBatch = z.infer<typeof eventBatchSchema>;

/** `sync:admit`: the size of the batch the register would send next. */
export const admitRequestSchema = z.strictObject({
  events: wholeNumber('events', 1).max(MAX_BATCH_EVENTS, { error: `a batch carries at most ${MAX_BATCH_EVENTS} events` }),
});
export type AdmitRequest = z.infer<typeof admitRequestSchema>;

// ---------------------------------------------------------------------------
// Server → register

export const BATCH_ERROR_CODES = ['invalid', 'gap', 'conflict', 'internal'] as const;

export const protocolErrorSchema = z.strictObject({
  code: z.string().min(1).max(64),
  message: z.string().max(2000),
});

/**
 * The answer to a batch, sent after the server committed it.
 * `appliedSeq`: the highest seq of this register the server now holds; it
 * holds every seq from 1 up to it (it refuses gaps).
 */
export const batchAckSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    appliedSeq: ackedSeqSchema,
    /** Events of the batch the server already held (acknowledged, not applied again). */
    duplicates: wholeNumber('duplicates', 0),
  }),
  z.strictObject({
    ok: z.literal(false),
    error: protocolErrorSchema.extend({
      code: z.enum(BATCH_ERROR_CODES),
      /** With `gap`: the seq the server needs next. */
      expectedSeq: seqSchema.optional(),
    }),
  }),
]);
export type BatchAck = z.infer<typeof batchAckSchema>;

/**
 * The answer to `sync:admit`: `ok` — send the batch now (the service keeps
 * room for it a while: ADMIT_HOLD_MS); a refusal (`invalid`; a service that
 * does not know the message answers `unknown-message`) — send without asking.
 */
export const admitAnswerSchema = z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true) }), z.strictObject({ ok: z.literal(false), error: protocolErrorSchema })]);
export type AdmitAnswer = z.infer<typeof admitAnswerSchema>;
/** How long the service keeps an admitted batch's room before it gives it to another register. */
export const ADMIT_HOLD_MS = 30_000;

export const REFUSAL_CODES = ['bad-hello', 'bad-token', 'protocol-version', 'server-error'] as const;
/** `connect_error.data` when the server refuses a hello (the error's message says why too). */
export const refusalSchema = z.strictObject({
  code: z.enum(REFUSAL_CODES),
  message: z.string().max(2000),
  /** With `protocol-version`: what the server speaks. */
  supportedVersions: z.array(wholeNumber('version', 1)).max(32).optional(),
});
export type Refusal = z.infer<typeof refusalSchema>;

/**
 * A full base settings layer (§5–§6). It replaces the register's base layer
 * of `queueId`, or of every queue on the register when `queueId` is absent;
 * the register's own (cashier) layer is never touched.
 */
export const baseSettingsPushSchema = z.strictObject({
  /** Increases with every push the server makes; a register ignores ids it already applied. */
  pushId: pushIdSchema,
  issuedAt: instantSchema,
  epoch: epochSchema.optional(),
  queueId: ident('queueId').optional(),
  settings: settingsLayerSchema,
});
export type BaseSettingsPush = z.infer<typeof baseSettingsPushSchema>;

/** A masked phone keeps at most 7 digits and hides at least 4 behind `*` (138****1234). */
const maskedPhoneSchema = z
  .string()
  .max(32)
  .regex(/^[0-9*+\- ]+$/, { error: 'a masked phone has only digits, *, +, - and spaces' })
  .refine((s) => (s.match(/\*/g)?.length ?? 0) >= 4 && (s.match(/\d/g)?.length ?? 0) <= 7, {
    error: 'a phone must arrive masked: at least 4 digits hidden by *, at most 7 shown',
  });
/** A masked name hides part of itself behind `*` (张*, 王**明). */
const maskedNameSchema = z
  .string()
  .min(1)
  .max(40)
  .refine((s) => s.includes('*'), { error: 'a display name must arrive masked (with at least one *)' });

export const memberRecordSchema = z.strictObject({
  id: ident('member id'),
  level: z.string().min(1).max(40),
  displayName: maskedNameSchema.optional(),
  maskedPhone: maskedPhoneSchema.optional(),
  memberCode: z.string().min(1).max(64).optional(),
  /** SHA-256 of the full phone number, lowercase hex. */
  phoneDigest: z.string().regex(/^[0-9a-f]{64}$/, { error: 'phoneDigest must be 64 lowercase hex digits' }).optional(),
});
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const membersPushSchema = z
  .strictObject({
    pushId: pushIdSchema,
    issuedAt: instantSchema,
    epoch: epochSchema.optional(),
    members: z.array(memberRecordSchema).min(1).max(MAX_PUSH_MEMBERS),
  })
  .superRefine((push, ctx) => {
    const seen = new Set<string>();
    push.members.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['members', i, 'id'], message: `member ${m.id} appears twice` });
      seen.add(m.id);
    });
  });
export type MembersPush = z.infer<typeof membersPushSchema>;

/** The register's answer to a push. */
export const pushAckSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), duplicate: z.boolean() }),
  z.strictObject({ ok: z.literal(false), error: protocolErrorSchema }),
]);
export type PushAck = z.infer<typeof pushAckSchema>;

/**
 * A restored service (its data older than what it once acknowledged) asks a
 * register to send again from `fromSeq` = its own last seq + 1. Sent on
 * connection when the hello's `lastAckedSeq` is beyond what the service holds.
 */
export const resendRequestSchema = z.strictObject({
  fromSeq: seqSchema,
  epoch: epochSchema.optional(),
});
export type ResendRequest = z.infer<typeof resendRequestSchema>;

// ---------------------------------------------------------------------------

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates a received message; the error names the first few bad fields. */
export function parseMessage<T>(schema: z.ZodType<T>, value: unknown, what: string): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const more = result.error.issues.length > 5 ? ` (+${result.error.issues.length - 5} more)` : '';
  return { ok: false, error: `malformed ${what}: ${issues.join('; ')}${more}` };
}

/** The key a server files a register under. */
export function registerKey(hello: Pick<Hello, 'storeId' | 'registerId'>): string {
  return `${hello.storeId}/${hello.registerId}`;
}
