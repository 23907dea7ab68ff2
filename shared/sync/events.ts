/**
 * The payload of every outbox event type, as the engine (shared/engine/
 * engine.ts `emit`) writes it: what the central service reads, and what
 * another implementation of either side must produce or accept.
 * docs/sync.md "Event payloads" describes each field in words.
 *
 * Objects accept fields not listed here (a newer register may add some; a
 * reader ignores them); every listed field is checked. Money is integer fen,
 * ratios integer bp, instants integer ms since the Unix epoch.
 */
import { z } from 'zod';
import type { EVENT_TYPES } from './protocol';

const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const signedFen = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const bp = z.number().int().min(0).max(1_000_000);
const instant = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const id = z.string().min(1).max(128);

export const LEDGER_KINDS = [
  'extraction',
  'pool_out',
  'payout',
  'undistributed',
  'pool_in',
  'exchange_points',
  'exchange_vouchers',
  'random_points',
  'clearing',
  'cancellation',
] as const;

/** One money movement of the operation; every event carries its operation's rows in `ledger`. */
export const ledgerRowSchema = z.object({
  queueId: id,
  kind: z.enum(LEDGER_KINDS),
  at: instant,
  /** The order whose operation moved the money (the payer, for a payout). */
  orderId: id.nullable(),
  /** The entry (named by its order) that received or lost the money. */
  entryOrderId: id.nullable(),
  amountFen: signedFen,
  /** Points or vouchers issued (fen-valued units). */
  units: z.number().int().min(0),
});
export type LedgerRowPayload = z.infer<typeof ledgerRowSchema>;

const ledger = z.array(ledgerRowSchema).max(1_000_000);

export const settlementSchema = z.object({
  extractedFen: fen,
  poolUsedFen: fen,
  payouts: z.array(z.object({ entryOrderId: id, amountFen: fen, completed: z.boolean() })),
  paidFen: fen,
  leftoverFen: fen,
  leftoverTo: z.enum(['undistributed', 'pool']).nullable(),
});

export const orderSchema = z.object({
  queueId: id,
  id: id,
  memberId: id.nullable(),
  amountDueFen: fen,
  deductionFen: fen,
  actualPaidFen: fen,
  paidAt: instant,
  settlement: z.enum(['payment', 'completion']),
  settledAt: instant.nullable(),
  extractedFen: fen,
  paidToQueueFen: fen,
  completedAt: instant.nullable(),
  autoCompleteAt: instant.nullable(),
  refundedAt: instant.nullable(),
  noEntitlementReason: z.string().max(64).nullable(),
});

export const ENTRY_STATES = ['waiting', 'completed', 'exchanged', 'cleared', 'cancelled', 'points'] as const;

export const entrySchema = z.object({
  queueId: id,
  /** Line order within the queue: 1, 2, 3 … */
  seq: z.number().int().min(1),
  orderId: id,
  memberId: id.nullable(),
  joinedAt: instant,
  /** 1 + the waiting entries ahead when it joined. */
  position: z.number().int().min(1),
  aheadFen: fen,
  baseFen: fen,
  ratioBp: bp,
  rule: z.string().max(32),
  drawPending: z.boolean(),
  lottery: z.unknown(),
  drawnAt: instant.nullable(),
  entitlementFen: fen,
  receivedFen: fen,
  state: z.enum(ENTRY_STATES),
  finishedAt: instant.nullable(),
  orderCompleted: z.boolean(),
});

export const TENDER_KINDS = ['cash', 'card', 'wechat', 'alipay', 'other'] as const;
const tender = z.object({ kind: z.enum(TENDER_KINDS), amountFen: fen });
const shiftId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** What the counter adds to an order's checkout (migration 017); absent from registers older than it. */
export const checkoutCounterSchema = z.object({
  cashierId: id.nullable(),
  shiftId: shiftId.nullable(),
  pointsDeductionFen: fen,
  loveDeductionFen: fen,
  /** Cash handed back over what was paid. */
  changeFen: fen,
  /** How the customer paid, in the order entered (Σ = paid + change). */
  tenders: z.array(tender).max(100),
  /** The ratio steps the checkout showed ("why 130 %?"). */
  ratioSteps: z.unknown(),
});

/** What the counter adds to a refund (migration 017): who, in which shift, approved by whom, how the money went back. */
export const refundCounterSchema = z.object({
  at: instant,
  shiftId,
  cashierId: id,
  approvedBy: id,
  amountFen: fen,
  cashFen: fen,
  tenders: z.array(tender).max(100),
});

/** A PIN hash sealed under the key of the register's token (docs/security.md §3): never the hash in clear. */
export const sealedPinSchema = z.object({ sealed: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(1024), keyId: z.string().regex(/^[0-9a-f]{16}$/) });

export const eventPayloadSchemas = {
  /** A paid order; `entry` when it earned an entitlement; `settlement` when it settled at payment. */
  'order.checkout': z.object({
    order: orderSchema,
    entry: entrySchema.nullable(),
    settlement: settlementSchema.nullable(),
    /** The receipt's 查询码: 12 Crockford base32 characters (60 random bits); absent from registers older than it. */
    lookupCode: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{12}$/).optional(),
    counter: checkoutCounterSchema.optional(),
    ledger,
  }),
  /** An order confirmed (or completed by itself, `how: 'auto'`); `settlement` when completion settled it. */
  'order.completed': z.object({ orderId: id, how: z.enum(['confirm', 'auto']), settlement: settlementSchema.nullable(), ledger }),
  /** A refund; a waiting entry of the order is cancelled and loses `forfeitedFen`. */
  'order.refunded': z.object({ orderId: id, settledBeforeRefund: z.boolean(), forfeitedFen: fen, refund: refundCounterSchema.optional(), ledger }),
  /** A lottery entry drew its ratio: its entitlement is now `entitlementFen`. */
  'entry.drawn': z.object({ orderId: id, drawnBp: bp, source: z.enum(['random', 'fixed']), entitlementFen: fen, ledger }),
  /** An entry's remaining converted to points or vouchers. */
  'entry.exchanged': z.object({ orderId: id, to: z.enum(['points', 'vouchers']), convertedFen: fen, units: z.number().int().min(0), ledger }),
  /** A scheduled reset cleared every waiting entry (the ledger's `clearing` rows name them). */
  'queue.reset': z.object({ schedule: z.unknown(), clearedEntries: z.number().int().min(0), forfeitedFen: fen, ledger }),
  /** Settings layers changed (field → new value per layer). */
  'queue.settings': z.object({
    changes: z.object({ base: z.record(z.string(), z.unknown()).optional(), cashier: z.record(z.string(), z.unknown()).optional() }),
    actor: z.string().max(128),
    source: z.string().max(32),
    ledger,
  }),
  /**
   * A member enrolled at the counter (written by the register, not the engine; no ledger).
   * The service keeps one member per `phoneDigest` and answers with a members push of the canonical record.
   */
  'member.enrolled': z.object({
    member: z.object({
      id,
      level: z.string().min(1).max(40),
      displayName: z.string().max(40).nullable().optional(),
      maskedPhone: z.string().max(32).nullable().optional(),
      /** HMAC-SHA-256 of the phone digits under the alliance key, lowercase hex. */
      phoneDigest: z.string().regex(/^[0-9a-f]{64}$/),
      phoneKeyId: z.string().max(64).optional(),
    }),
    registerId: id,
    cashierId: z.string().max(128).nullable().optional(),
  }),
  /** A person added or changed at the counter (the whole person after the change; no ledger). `pin` null: no token to seal it under yet. */
  'staff.changed': z.object({
    person: z.object({
      id,
      name: z.string().min(1).max(40),
      role: z.enum(['cashier', 'manager']),
      createdAt: instant,
      createdBy: id.nullable(),
      disabledAt: instant.nullable(),
      disabledBy: id.nullable(),
    }),
    pin: sealedPinSchema.nullable(),
  }),
  /** A shift opened with its float (the register's own shift number). */
  'shift.opened': z.object({
    shift: z.object({ id: shiftId, registerId: id, cashierId: id, openedAt: instant, openingFloatFen: fen }),
  }),
  /** A shift closed with the counted cash; `zReport` is the Z report as printed (frozen). */
  'shift.closed': z.object({ shiftId, closedAt: instant, closedBy: id, countedCashFen: fen, zReport: z.record(z.string(), z.unknown()) }),
  /** One row of the manager audit log (who approved what, when; secrets only as "(changed)"). */
  'audit.recorded': z.object({
    audit: z.object({
      id: z.number().int().min(1),
      at: instant,
      managerId: id.nullable(),
      cashierId: z.string().max(128).nullable(),
      action: z.string().min(1).max(64),
      detail: z.unknown(),
    }),
  }),
} as const satisfies Record<(typeof EVENT_TYPES)[number], z.ZodType>;

export type EventPayloads = { [K in keyof typeof eventPayloadSchemas]: z.infer<(typeof eventPayloadSchemas)[K]> };
