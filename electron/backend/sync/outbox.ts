/**
 * The register's side of the outbox: read the oldest events as wire events,
 * remove what the server acknowledged, and remember it in `sync_state`.
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
export class OutboxError extends Error {
  override name = 'OutboxError';
}

export interface SyncState {
  lastAckedSeq: number;
  lastPushId: number;
  lastSyncAt: number | null;
}

export class Outbox {
  private readonly selectBatch;
  private readonly countRows;
  private readonly deleteUpTo;
  private readonly markAcked;
  private readonly readState;

  constructor(private readonly db: Db) {
    this.selectBatch = db.prepare<[number]>('SELECT seq, event_id, queue_id, type, at, payload FROM outbox ORDER BY seq LIMIT ?');
    this.countRows = db.prepare('SELECT count(*) AS n FROM outbox').pluck();
    this.deleteUpTo = db.prepare<[number]>('DELETE FROM outbox WHERE seq <= ?');
    this.markAcked = db.prepare<[number, number]>(
      'UPDATE sync_state SET last_acked_seq = max(last_acked_seq, ?), last_sync_at = ? WHERE id = 1',
    );
    this.readState = db.prepare('SELECT last_acked_seq, last_push_id, last_sync_at FROM sync_state WHERE id = 1');
  }

  /**
   * The oldest events, at most `maxEvents` and about `maxBytes` of payload
   * (at least one event, however large). Each is validated as it will be sent.
   */
  nextBatch(maxEvents: number, maxBytes: number): WireEvent[] {
    const rows = this.selectBatch.all(maxEvents) as OutboxRow[];
    const events: WireEvent[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.payload.length + row.event_id.length + row.queue_id.length + 64;
      if (events.length > 0 && bytes > maxBytes) break;
      events.push(toWireEvent(row));
    }
    return events;
  }

  count(): number {
    return this.countRows.get() as number;
  }

  /** Removes every event up to `seq` and records it as acknowledged, in one transaction. */
  acknowledge(seq: number, at: number): number {
    return this.db.transaction(() => {
      const removed = this.deleteUpTo.run(seq).changes;
      this.markAcked.run(seq, at);
      return removed;
    })();
  }

  /** The outbox was empty while connected: as synced as it gets. */
  markSynced(at: number): void {
    this.db.prepare('UPDATE sync_state SET last_sync_at = ? WHERE id = 1').run(at);
  }

  state(): SyncState {
    const row = this.readState.get() as { last_acked_seq: number; last_push_id: number; last_sync_at: number | null } | undefined;
    if (!row) throw new OutboxError('sync_state is missing its row: the database was not migrated by this version of the app');
    return { lastAckedSeq: row.last_acked_seq, lastPushId: row.last_push_id, lastSyncAt: row.last_sync_at };
  }
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
