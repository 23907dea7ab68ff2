/**
 * One batch of one register, in one transaction: the events go in (each once,
 * by (register, seq) and by event id), the projections move, the register's
 * last seq moves; the caller acknowledges only after this resolved, i.e.
 * after COMMIT.
 *
 *   - a batch starting after the next expected seq: `gap` (nothing stays);
 *   - an event held already with the same content: a duplicate (acknowledged,
 *     not applied again);
 *   - an event held already with other content — another id under the seq,
 *     or the id under another seq or register: `conflict` (nothing stays).
 */
import { isDeepStrictEqual } from 'node:util';
import type { BatchAck, WireEvent } from '../../shared/sync/protocol';
import type { Queryable, SqlDb } from '../db/adapter';
import { yieldToLoop } from './check-batch';
import { projectEvents } from './project';

/**
 * Events per statement. On PostgreSQL the statements run in the server's
 * processes and only their parameters are encoded here: 250 (a 500-event
 * batch is 2 slices). PGlite runs each statement in this very process, on the
 * event loop, so its slices are smaller: nothing else runs while one does.
 */
export const INGEST_SLICE = { postgres: 250, pglite: 50 } as const;

export interface IngestRegister {
  id: number;
  storeId: string;
  registerId: string;
}

class BatchRefused extends Error {
  constructor(readonly detail: { code: 'gap' | 'conflict' | 'invalid'; message: string; expectedSeq?: number }) {
    super(detail.message);
  }
}

export { BatchRefused };

export async function applyBatch(db: SqlDb, register: IngestRegister, events: WireEvent[], now: number): Promise<BatchAck> {
  try {
    return await db.transaction((tx) => applyInTransaction(tx, register, events, now, INGEST_SLICE[db.kind]));
  } catch (error) {
    if (error instanceof BatchRefused) return { ok: false, error: error.detail };
    throw error;
  }
}

async function applyInTransaction(tx: Queryable, register: IngestRegister, events: WireEvent[], now: number, slice: number): Promise<BatchAck> {
  // The row lock makes batches of one register take turns, even across service instances. The row is
  // moved on in the same round trip (returning what it held before): a refusal below rolls it back.
  const last = events[events.length - 1]!.seq;
  const locked = await tx.query<{ held: number }>(
    `UPDATE registers r SET last_seq = GREATEST(prev.last_seq, $2), last_seen_at = $3, last_sync_at = $3,
       last_event_at = GREATEST(COALESCE(prev.last_event_at, 0), $4)
     FROM (SELECT id, last_seq, last_event_at FROM registers WHERE id = $1 FOR UPDATE) prev
     WHERE r.id = prev.id RETURNING prev.last_seq AS held`,
    [register.id, last, now, Math.max(...events.map((e) => e.at))],
  );
  const held = locked.rows[0]?.held;
  if (held === undefined) throw new Error(`register row ${register.id} is gone`);
  const first = events[0]!.seq;
  if (first > held + 1) {
    throw new BatchRefused({
      code: 'gap',
      message: `this service holds seq 1–${held} of ${register.storeId}/${register.registerId}; the batch starts at ${first}`,
      expectedSeq: held + 1,
    });
  }
  // A large batch goes in slices, one statement each (in this one transaction), with a yield between:
  // no single statement's parameters to encode (pg) or to run in process (PGlite) grow with the batch.
  let duplicates = 0;
  for (let from = 0; from < events.length; from += slice) {
    if (from > 0) await yieldToLoop();
    duplicates += await insertAndProject(tx, register, events.slice(from, from + slice), now, held + 1);
  }
  return { ok: true, appliedSeq: Math.max(held, last), duplicates };
}

/**
 * One slice of a batch: its events go in, those held already are checked
 * for the same content, the new ones are projected. Projecting slices in seq
 * order is projecting the batch (projections are per event, applied in order).
 * Returns how many were duplicates.
 */
async function insertAndProject(tx: Queryable, register: IngestRegister, events: WireEvent[], now: number, expectedSeq: number): Promise<number> {
  const inserted = await tx.query<{ seq: number }>(
    `INSERT INTO events (register, seq, event_id, queue_id, type, at, payload, received_at)
     SELECT $1, x.seq, x.event_id, x.queue_id, x.type, x.at, x.payload::jsonb, $8
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) AS x(seq, event_id, queue_id, type, at, payload)
     ON CONFLICT DO NOTHING RETURNING seq`,
    [
      register.id,
      events.map((e) => e.seq),
      events.map((e) => e.id),
      events.map((e) => e.queueId),
      events.map((e) => e.type),
      events.map((e) => e.at),
      events.map((e) => JSON.stringify(e.payload)),
      now,
    ],
  );
  const insertedSeqs = new Set(inserted.rows.map((r) => r.seq));
  const seenBefore = events.filter((e) => !insertedSeqs.has(e.seq));
  if (seenBefore.length > 0) await checkSameContent(tx, register, seenBefore, expectedSeq);
  const fresh = events.filter((e) => insertedSeqs.has(e.seq));
  if (fresh.length > 0) await projectEvents(tx, register, fresh);
  return seenBefore.length;
}

/**
 * Events not inserted must be held already, identically, under this register and seq.
 * A conflict carries `expectedSeq` (the next seq this service expects from the register, as
 * before the batch: nothing of it stays): a register restored from a backup learns from it how
 * far the service got (docs/sync.md "After a restore").
 */
async function checkSameContent(tx: Queryable, register: IngestRegister, events: WireEvent[], expectedSeq: number): Promise<void> {
  const { rows } = await tx.query<{ seq: number; event_id: string; queue_id: string; type: string; at: number; payload: unknown }>(
    'SELECT seq, event_id, queue_id, type, at, payload FROM events WHERE register = $1 AND seq = ANY($2::bigint[])',
    [register.id, events.map((e) => e.seq)],
  );
  const held = new Map(rows.map((r) => [r.seq, r]));
  for (const e of events) {
    const h = held.get(e.seq);
    if (!h) {
      throw new BatchRefused({ code: 'conflict', message: `event id ${e.id} (seq ${e.seq}) is already held under another register or seq`, expectedSeq });
    }
    if (h.event_id !== e.id) throw new BatchRefused({ code: 'conflict', message: `seq ${e.seq} is already held as event ${h.event_id}, not ${e.id}`, expectedSeq });
    // jsonb keeps no key order or duplicate keys: compare parsed values.
    const same = h.queue_id === e.queueId && h.type === e.type && h.at === e.at && isDeepStrictEqual(h.payload, JSON.parse(JSON.stringify(e.payload)));
    if (!same) throw new BatchRefused({ code: 'conflict', message: `event ${e.id} (seq ${e.seq}) is already held with different content`, expectedSeq });
  }
}
