/**
 * A central service that holds fewer of this register's events than it once
 * acknowledged (restored from a backup) asks for them again — `sync:resend`
 * on connection, or a `gap` answer whose `expectedSeq` lies below the batch
 * (docs/sync.md "A restored service"). The register still has them while
 * they are within the retention (`Outbox.resendFrom` lowers the
 * acknowledged mark in one transaction); afterwards sync stops as blocked:
 * retrying cannot bring them back.
 */
import { msg } from '../../../shared/messages/catalogue';
import type { Outbox } from './outbox';
import { SyncError, type SyncLogger } from './sync-error';

/**
 * The service asked (`sync:resend`) to be sent everything from `fromSeq`.
 * Returns the failure that makes the client start over from the lowered
 * mark (not blocked), the blocking failure when the rows are gone, or null
 * when there is nothing to do (the mark is already at or below it).
 */
export function answerResendRequest(outbox: Outbox, fromSeq: number, retentionDays: number, logger: SyncLogger): SyncError | null {
  if (!outbox.resendFrom(fromSeq)) {
    if (fromSeq - 1 < outbox.state().lastAckedSeq) {
      return new SyncError(
        `the server holds events only up to ${fromSeq - 1} and this register no longer keeps them (older than ${retentionDays} days)`,
        true,
        msg('sync.serverLostData', { expectedSeq: fromSeq, firstSeq: fromSeq }),
      );
    }
    return null;
  }
  logger.warn(`the server was restored: it holds this register's events only up to ${fromSeq - 1}; sending again from ${fromSeq}`);
  return new SyncError(`the server restored older data: sending again from seq ${fromSeq}`, false, msg('sync.connectionLost'));
}

/**
 * A batch starting at `first` was answered `gap` with `expectedSeq` below it:
 * the service lost what it had acknowledged. Always a failure (the batch was
 * not taken): start over from `expectedSeq` when the rows are still here,
 * blocked when they are not.
 */
export function gapBelowBatch(outbox: Outbox, expectedSeq: number, first: number, logger: SyncLogger): SyncError {
  if (outbox.resendFrom(expectedSeq)) {
    // The acknowledged rows it lost are still here (kept ACKED_RETENTION_DAYS).
    logger.warn(`the server holds this register's events only up to ${expectedSeq - 1}: sending again from ${expectedSeq}`);
    return new SyncError(`the server restored older data: sending again from seq ${expectedSeq}`, false, msg('sync.connectionLost'));
  }
  return new SyncError(
    `the server needs events from seq ${expectedSeq}, but this register's outbox starts at ${first}: ` +
      'those events were acknowledged by the server before and are no longer here. The server must restore its data.',
    true,
    msg('sync.serverLostData', { expectedSeq, firstSeq: first }),
  );
}
