/**
 * What a batch's acknowledgement means for the outbox. The ack is checked
 * like any message from the server; only an ack that covers the batch and
 * stays within what this register numbered lets rows count as delivered.
 * Everything else removes nothing and becomes a SyncError saying what
 * happens next: a restored service is sent again what it lost (resend.ts), a
 * restored register is renumbered past the server's events (restore-gap.ts),
 * a conflict or an ack for events never numbered stops or retries
 * (docs/sync.md, docs/security.md §7).
 */
import { msg } from '../../../shared/messages/catalogue';
import { MESSAGES, batchAckSchema, parseMessage } from '../../../shared/sync/protocol';
import type { Db } from '../store/database';
import type { Outbox } from './outbox';
import { gapBelowBatch } from './resend';
import { restoreProblem, type RestoreGap, type RestoreWatch } from './restore-gap';
import { SyncError, type SyncLogger } from './sync-error';

export interface AckContext {
  db: Db;
  outbox: Outbox;
  restore: RestoreWatch;
  logger: SyncLogger;
  now: () => number;
  /** Logs a server message that was not acted on (logger and `sync_inbound`). */
  refuse(message: string, raw: unknown, error: string): void;
}

export interface SentBatch {
  first: number;
  last: number;
}

function renumbered(gap: RestoreGap): SyncError {
  return new SyncError(`restored register: the server holds seq ${gap.fromSeq}–${gap.toSeq} this register lost; new events renumbered from ${gap.nextSeq}`, false, restoreProblem(gap));
}

/** The highest seq this register ever numbered (in the outbox, or acknowledged and purged since). */
function numberedUpTo(db: Db): number {
  return db
    .prepare('SELECT max(coalesce((SELECT max(seq) FROM outbox), 0), coalesce((SELECT last_acked_seq FROM sync_state WHERE id = 1), 0)) AS n')
    .pluck()
    .get() as number;
}

/**
 * Checks the ack of the batch `first`–`last` and returns the seq the outbox
 * may be acknowledged up to (≥ first, ≤ last); throws a SyncError, having
 * removed nothing, on anything else.
 */
export function checkAck(ctx: AckContext, { first, last }: SentBatch, raw: unknown): number {
  const parsed = parseMessage(batchAckSchema, raw, 'batch acknowledgement');
  if (!parsed.ok) {
    ctx.refuse(`${MESSAGES.batch} ack`, raw, parsed.error);
    throw new SyncError(`${parsed.error}; nothing was removed from the outbox`, false, msg('sync.badAnswer'));
  }
  const ack = parsed.value;
  if (!ack.ok) {
    const { code, expectedSeq } = ack.error;
    if (code === 'gap' && expectedSeq !== undefined && expectedSeq < first) throw gapBelowBatch(ctx.outbox, expectedSeq, first, ctx.logger);
    if (code === 'conflict') {
      // The server holds 1..expectedSeq−1: a restored register behind it renumbers past them and goes on.
      const gap = expectedSeq !== undefined ? ctx.restore.reconcile(expectedSeq - 1, ctx.now()) : null;
      if (gap) throw renumbered(gap);
      throw new SyncError(`the server refused events ${first}–${last}: conflict: ${ack.error.message}`, true, msg('sync.conflict', { seq: first }));
    }
    throw new SyncError(`the server refused events ${first}–${last}: ${code}: ${ack.error.message}`, false, msg('sync.refusedBatch'));
  }
  if (ack.appliedSeq < first) {
    throw new SyncError(`the server acknowledged only up to seq ${ack.appliedSeq} after being sent ${first}–${last}; nothing was removed`, false, msg('sync.badAnswer'));
  }
  const numbered = numberedUpTo(ctx.db);
  if (ack.appliedSeq > numbered) {
    // A restored register: the server holds events from after the backup (restore-gap.ts).
    const gap = ctx.restore.reconcile(ack.appliedSeq, ctx.now());
    if (gap) throw renumbered(gap);
    // An ack for events this register never numbered: a confused or hostile server (or a
    // register restored from an old backup). Applying it would mark unsent rows as delivered
    // (docs/security.md §7). An ack beyond this batch but within what was numbered is a
    // retransmission after a lost ack: only this batch is settled, the rest is sent again.
    ctx.refuse(`${MESSAGES.batch} ack`, raw, `acknowledgement up to seq ${ack.appliedSeq}, but this register has numbered events only up to ${numbered}`);
    throw new SyncError(
      `the server acknowledged up to seq ${ack.appliedSeq} but this register numbered only up to ${numbered}; nothing was removed`,
      false,
      msg('sync.ackBeyond', { ackedSeq: ack.appliedSeq, numberedSeq: numbered }),
    );
  }
  ctx.restore.agreed();
  return Math.min(ack.appliedSeq, last);
}
