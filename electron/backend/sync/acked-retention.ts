/**
 * Acknowledged outbox rows are kept `retentionDays` for a restored service
 * (docs/sync.md "A restored service") and then deleted. The client asks after
 * every ack and every drained outbox; this schedule lets the DELETE run at most
 * once an hour so the counter's connection is not asked for it on every batch.
 */
import type { Outbox } from './outbox';
import { describe, type SyncLogger } from './sync-error';

export const PURGE_INTERVAL_MS = 3_600_000;

export class AckedRetention {
  /** When expired rows were last purged (ms; 0: not yet since start). */
  private purgedAt = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly retentionDays: number,
    private readonly now: () => number,
    private readonly logger: SyncLogger,
  ) {}

  /** Deletes acknowledged rows past the retention if the last purge is an hour old (a bounded DELETE, outbox.ts). */
  purgeWhenDue(): void {
    const at = this.now();
    if (this.purgedAt !== 0 && at - this.purgedAt < PURGE_INTERVAL_MS) return;
    this.purgedAt = at;
    try {
      this.outbox.purgeExpired(at, this.retentionDays);
    } catch (error) {
      this.logger.warn(`could not purge old acknowledged events (tried again in an hour): ${describe(error)}`);
    }
  }
}
