/**
 * The register's side of the outbox: read the oldest events as wire events,
 * record what the server acknowledged, and remove it.
 *
 * An ack moves `sync_state.last_acked_seq` (one small row, one commit): it is
 * the high-water mark that tells acknowledged rows (seq ≤ it) from waiting
 * ones. Acknowledged rows are KEPT for `ACKED_RETENTION_DAYS`, so a central
 * service restored from a backup can be sent them again (`resendFrom`,
 * docs/sync.md "A restored service"); `purgeExpired` deletes the oldest of
 * them, a bounded prefix at a time, at most once an hour (the client calls
 * it, never the checkout). Every reader of "what is still to send" must use
 * `seq > last_acked_seq`.
 */
import { wireEventSchema, type WireEvent } from '../../../shared/sync/protocol';
import type { Db } from '../store/database';

interface OutboxRow {
  seq: number;
  event_id: string;
  queue_id: string;
  type: string;
  at: number;
  payload: string;
}

/** An outbox row that cannot be sent (a bug upstream): sync stops at it rather than skip it. */
/** How long acknowledged events stay on the register (docs/sync.md "A restored service"). */
export const ACKED_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
/** Most rows one purge looks at: a bounded DELETE, however large the backlog (the next hour takes the next slice). */
export const PURGE_SLICE = 20_000;
/** With no server set, events are kept this long, sent or not (docs/sync.md "Without a server"). */
export const UNSENT_RETENTION_DAYS = 90;
/**
 * Rows one batch of the no-server purge deletes at most: one short transaction
 * on the counter's connection. Measured on a one-year register at load 9:
 * 200 rows 3–11 ms; 1 000 rows 14–25 ms, and 244 ms when a WAL checkpoint
 * fell in its commit (docs/performance.md).
 */
export const UNSENT_PURGE_BATCH = 200;

export class OutboxError extends Error {
  override name = 'OutboxError';
}

export interface SyncState {
  lastAckedSeq: number;
  lastPushId: number;
  lastSyncAt: number | null;
  /** Every seq up to this one was purged without ever being sent (no server set; 0: none). */
  purgedUnsentThroughSeq: number;
}

export class Outbox {
  private readonly selectBatch;
  private readonly countWaiting;
  private readonly markAcked;
  private readonly markSyncedAt;
  private readonly readState;
  private readonly maxSeq;

  private readonly deleteUpTo;
  private readonly oldestAcked;
  private readonly lowerAcked;
  private readonly minSeq;
  private readonly oldest;
  private readonly markPurgedUnsent;

  constructor(private readonly db: Db) {
    this.oldest = db.prepare<[number]>('SELECT seq, at FROM outbox ORDER BY seq LIMIT ?');
    this.markPurgedUnsent = db.prepare<[number, number]>(
      'UPDATE sync_state SET purged_unsent_through_seq = max(purged_unsent_through_seq, ?), purged_unsent_at = ? WHERE id = 1',
    );
    this.deleteUpTo = db.prepare<[number]>('DELETE FROM outbox WHERE seq <= ?');
    this.oldestAcked = db.prepare<[number, number]>('SELECT seq, at FROM outbox WHERE seq <= ? ORDER BY seq LIMIT ?');
    this.lowerAcked = db.prepare<[number, number]>('UPDATE sync_state SET last_acked_seq = ? WHERE id = 1 AND last_acked_seq > ?');
    this.minSeq = db.prepare('SELECT min(seq) FROM outbox').pluck();
    this.maxSeq = db.prepare('SELECT max(seq) FROM outbox').pluck();
    this.selectBatch = db.prepare<[number, number]>('SELECT seq, event_id, queue_id, type, at, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    // Three O(log n) reads (SQLite's min/max optimisation on the rowid), never a count: see waiting().
    this.countWaiting = db.prepare(
      'SELECT (SELECT min(seq) FROM outbox) AS lo, (SELECT max(seq) FROM outbox) AS hi, (SELECT coalesce(max(last_acked_seq), 0) FROM sync_state) AS acked',
    );
    this.markAcked = db.prepare<[number, number]>('UPDATE sync_state SET last_acked_seq = max(last_acked_seq, ?), last_sync_at = ? WHERE id = 1');
    this.markSyncedAt = db.prepare<[number]>('UPDATE sync_state SET last_sync_at = ? WHERE id = 1');
    this.readState = db.prepare('SELECT last_acked_seq, last_push_id, last_sync_at, purged_unsent_through_seq FROM sync_state WHERE id = 1');
  }

  /**
   * The oldest events after seq `afterSeq`, at most `maxEvents` and about
   * `maxBytes` of payload (at least one event, however large). Each is
   * validated as it will be sent; the batch ends before a row that fails,
   * and that row throws an OutboxError when it comes first.
   */
  nextBatch(afterSeq: number, maxEvents: number, maxBytes: number): WireEvent[] {
    const rows = this.selectBatch.all(afterSeq, maxEvents) as OutboxRow[];
    const events: WireEvent[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.payload.length + row.event_id.length + row.queue_id.length + 64;
      if (events.length > 0 && bytes > maxBytes) break;
      try {
        events.push(toWireEvent(row));
      } catch (error) {
        if (events.length === 0) throw error;
        break;
      }
    }
    return events;
  }

  /**
   * Events not yet acknowledged, without counting them: the outbox's seqs are
   * contiguous (AUTOINCREMENT; rows are only ever removed from the low end —
   * acknowledged ones, or the oldest beyond the kept window when no server is
   * set), so the rows after the acknowledged seq are max − max(acked, min − 1).
   */
  waiting(): number {
    return waitingEvents(this.countWaiting.get() as { lo: number | null; hi: number | null; acked: number });
  }

  /** The same from the highest seq, O(1): exact as long as the outbox has no holes (AUTOINCREMENT, nothing deleted unsent). */
  waitingAfter(lastAckedSeq: number): number {
    return Math.max(0, ((this.maxSeq.get() as number | null) ?? 0) - lastAckedSeq);
  }

  /**
   * Records that the server holds every event up to `seq` (they are never
   * sent again). Committed without waiting for the disk: losing this record
   * to a power cut only means sending those events again, which the server
   * recognises; the connection's durability setting is restored at once.
   */
  acknowledge(seq: number, at: number): void {
    this.withoutFsync(() => this.markAcked.run(seq, at));
  }

  /**
   * Deletes acknowledged rows older than `retentionDays` (by their `at`);
   * returns how many. Only a prefix of the outbox (lowest seqs) goes, and at
   * most `PURGE_SLICE` rows are looked at: the outbox stays contiguous (the
   * waiting count and a resend depend on it) and the DELETE stays small.
   */
  purgeExpired(now: number, retentionDays = ACKED_RETENTION_DAYS): number {
    const cutoff = now - retentionDays * DAY_MS;
    return this.withoutFsync(() =>
      this.db
        .transaction(() => {
          const acked = (this.readState.get() as { last_acked_seq: number }).last_acked_seq;
          const rows = this.oldestAcked.all(acked, PURGE_SLICE) as { seq: number; at: number }[];
          let upTo = 0;
          for (const row of rows) {
            if (row.at >= cutoff) break;
            upTo = row.seq;
          }
          return upTo > 0 ? this.deleteUpTo.run(upTo).changes : 0;
        })
        .immediate(),
    );
  }

  /**
   * One batch of the purge of a register with no server set (docs/sync.md
   * "Without a server"): deletes the oldest rows while each is either
   * acknowledged and older than `ackedDays`, or older than `unsentDays`
   * whatever its state — at most `maxRows`, in one short transaction, only
   * a prefix (the outbox stays contiguous). When unsent rows went, the seq
   * through which they went is recorded in sync_state. Returns how many rows
   * went; `maxRows` means more may be due (the caller yields, then calls
   * again).
   */
  purgeWithoutServer(now: number, options: { maxRows?: number; unsentDays?: number; ackedDays?: number } = {}): number {
    const maxRows = options.maxRows ?? UNSENT_PURGE_BATCH;
    const unsentCutoff = now - (options.unsentDays ?? UNSENT_RETENTION_DAYS) * DAY_MS;
    const ackedCutoff = now - (options.ackedDays ?? ACKED_RETENTION_DAYS) * DAY_MS;
    return this.withoutFsync(() =>
      this.db
        .transaction(() => {
          const acked = (this.readState.get() as { last_acked_seq: number }).last_acked_seq;
          let upTo = 0;
          for (const row of this.oldest.all(maxRows) as { seq: number; at: number }[]) {
            const expired = row.at < unsentCutoff || (row.seq <= acked && row.at < ackedCutoff);
            if (!expired) break;
            upTo = row.seq;
          }
          if (upTo === 0) return 0;
          if (upTo > acked) this.markPurgedUnsent.run(upTo, now);
          return this.deleteUpTo.run(upTo).changes;
        })
        .immediate(),
    );
  }

  /**
   * A restored service holds this register's events only up to `fromSeq` − 1:
   * the acknowledged mark goes back there so the rows after it are sent
   * again. Returns false (nothing changed) when the outbox no longer has row
   * `fromSeq` (older than the retention) or the mark is not beyond it.
   */
  resendFrom(fromSeq: number): boolean {
    return this.db
      .transaction(() => {
        const acked = (this.readState.get() as { last_acked_seq: number }).last_acked_seq;
        if (fromSeq - 1 >= acked) return false;
        const lo = this.minSeq.get() as number | null;
        if (lo === null || lo > fromSeq) return false;
        return this.lowerAcked.run(fromSeq - 1, fromSeq - 1).changes === 1;
      })
      .immediate();
  }

  /** Runs `work` with synchronous=NORMAL (WAL: no fsync per commit); nothing else can run on this connection meanwhile. */
  private withoutFsync<T>(work: () => T): T {
    const before = this.db.pragma('synchronous', { simple: true }) as number;
    if (before <= 1) return work();
    this.db.pragma('synchronous = NORMAL');
    try {
      return work();
    } finally {
      this.db.pragma(`synchronous = ${before}`);
    }
  }

  /** The outbox was empty while connected: as synced as it gets. */
  markSynced(at: number): void {
    this.markSyncedAt.run(at);
  }

  state(): SyncState {
    const row = this.readState.get() as { last_acked_seq: number; last_push_id: number; last_sync_at: number | null; purged_unsent_through_seq: number } | undefined;
    if (!row) throw new OutboxError('sync_state is missing its row: the database was not migrated by this version of the app');
    return { lastAckedSeq: row.last_acked_seq, lastPushId: row.last_push_id, lastSyncAt: row.last_sync_at, purgedUnsentThroughSeq: row.purged_unsent_through_seq };
  }
}

/** Rows with seq > acked in a contiguous run lo..hi (none when the outbox is empty). */
export function waitingEvents(r: { lo: number | null; hi: number | null; acked: number }): number {
  if (r.lo === null || r.hi === null) return 0;
  return Math.max(0, r.hi - Math.max(r.acked, r.lo - 1));
}

function toWireEvent(row: OutboxRow): WireEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    throw new OutboxError(`outbox event seq ${row.seq} (${row.event_id}) has a payload that is not JSON`);
  }
  const candidate = { id: row.event_id, seq: row.seq, queueId: row.queue_id, type: row.type, at: row.at, payload };
  const result = wireEventSchema.safeParse(candidate);
  if (!result.success) {
    const why = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new OutboxError(`outbox event seq ${row.seq} (${row.event_id}) cannot be sent: ${why}; sync is stopped at it so nothing after it overtakes it`);
  }
  return result.data;
}
