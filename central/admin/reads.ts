/**
 * What an admin credential may read: stores with their liability, registers
 * with their sync state, events, pushes. Every list is a page (`after` a
 * cursor, `limit` at most MAX_PAGE), so no answer is ever unbounded.
 */
import type { Queryable } from '../db/adapter';

export const MAX_PAGE = 1000;

export interface StoreLiability {
  storeId: string;
  name: string;
  registers: number;
  waitingEntries: number;
  owedFen: number;
  paidOutFen: number;
  extractedFen: number;
  forfeitedFen: number;
  exchangedFen: number;
  undistributedFen: number;
  salesFen: number;
  /** e/r in bp: the share extracted from sales ÷ the share promised to entries (10000 = everything owed can be paid). */
  coverageBp: number | null;
  /** Days the newest waiting entry waits at the last 7 days' extraction rate (null: nothing extracted lately, or nobody waiting). */
  tailWaitDays: number | null;
}

export async function storesPage(db: Queryable, after: string, limit: number, now: number): Promise<StoreLiability[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    registers: number;
    waiting: number;
    owed: number;
    sales_fen: number;
    extracted_fen: number;
    paid_out_fen: number;
    undistributed_fen: number;
    forfeited_fen: number;
    exchanged_fen: number;
    entitled_fen: number;
    entitled_base_fen: number;
    recent_extracted: number;
  }>(
    `SELECT s.id, s.name,
       (SELECT count(*) FROM registers r WHERE r.store_id = s.id) AS registers,
       (SELECT count(*) FROM entries e WHERE e.store_id = s.id AND e.state = 'waiting') AS waiting,
       (SELECT COALESCE(sum(e.entitlement_fen - e.received_fen), 0) FROM entries e WHERE e.store_id = s.id AND e.state = 'waiting') AS owed,
       (SELECT COALESCE(sum(o.extracted_fen), 0) FROM orders o WHERE o.store_id = s.id AND o.paid_at > $3) AS recent_extracted,
       l.*
     FROM stores s CROSS JOIN LATERAL (
       SELECT COALESCE(sum(m.sales_fen), 0) AS sales_fen, COALESCE(sum(m.extracted_fen), 0) AS extracted_fen,
         COALESCE(sum(m.paid_out_fen), 0) AS paid_out_fen, COALESCE(sum(m.undistributed_fen), 0) AS undistributed_fen,
         COALESCE(sum(m.forfeited_fen), 0) AS forfeited_fen, COALESCE(sum(m.exchanged_fen), 0) AS exchanged_fen,
         COALESCE(sum(m.entitled_fen), 0) AS entitled_fen, COALESCE(sum(m.entitled_base_fen), 0) AS entitled_base_fen
       FROM register_money m JOIN registers r ON r.id = m.register WHERE r.store_id = s.id) l
     WHERE s.id > $1 ORDER BY s.id LIMIT $2`,
    [after, limit, now - 7 * 86_400_000],
  );
  return rows.map((r) => {
    const e = r.sales_fen > 0 ? Math.floor((r.extracted_fen * 10_000) / r.sales_fen) : 0;
    const rr = r.entitled_base_fen > 0 ? Math.floor((r.entitled_fen * 10_000) / r.entitled_base_fen) : 0;
    const perDay = r.recent_extracted / 7;
    return {
      storeId: r.id,
      name: r.name,
      registers: r.registers,
      waitingEntries: r.waiting,
      owedFen: r.owed,
      paidOutFen: r.paid_out_fen,
      extractedFen: r.extracted_fen,
      forfeitedFen: r.forfeited_fen,
      exchangedFen: r.exchanged_fen,
      undistributedFen: r.undistributed_fen,
      salesFen: r.sales_fen,
      coverageBp: rr > 0 ? Math.floor((e * 10_000) / rr) : null,
      tailWaitDays: r.waiting > 0 && perDay > 0 ? Math.ceil((r.owed / perDay) * 10) / 10 : null,
    };
  });
}

export async function registersPage(db: Queryable, after: number, limit: number) {
  const { rows } = await db.query<{
    id: number;
    store_id: string;
    register_id: string;
    last_seq: number;
    push_cursor: number;
    last_seen_at: number | null;
    last_sync_at: number | null;
    last_event_at: number | null;
    tokens: number;
  }>(
    `SELECT r.*, (SELECT count(*) FROM register_tokens t WHERE t.register = r.id AND t.revoked_at IS NULL) AS tokens
     FROM registers r WHERE r.id > $1 ORDER BY r.id LIMIT $2`,
    [after, limit],
  );
  return rows.map((r) => ({
    cursor: r.id,
    storeId: r.store_id,
    registerId: r.register_id,
    lastSeq: r.last_seq,
    pushCursor: r.push_cursor,
    lastSeenAt: r.last_seen_at,
    lastSyncAt: r.last_sync_at,
    /** How far behind the register's newest event the service is: its newest event's time vs. the last sync. */
    lagMs: r.last_sync_at !== null && r.last_event_at !== null ? Math.max(0, r.last_sync_at - r.last_event_at) : null,
    enrolled: r.tokens > 0,
  }));
}

/** One register's events by seq, after `afterSeq`. */
export async function eventsPage(db: Queryable, storeId: string, registerId: string, afterSeq: number, limit: number) {
  const { rows } = await db.query<{ seq: number; event_id: string; queue_id: string; type: string; at: number; payload: Record<string, unknown>; received_at: number }>(
    `SELECT e.seq, e.event_id, e.queue_id, e.type, e.at, e.payload, e.received_at
     FROM events e JOIN registers r ON r.id = e.register
     WHERE r.store_id = $1 AND r.register_id = $2 AND e.seq > $3 ORDER BY e.seq LIMIT $4`,
    [storeId, registerId, afterSeq, limit],
  );
  return rows.map((r) => ({ storeId, registerId, seq: r.seq, id: r.event_id, queueId: r.queue_id, type: r.type, at: r.at, payload: r.payload, receivedAt: r.received_at }));
}

export async function pushesPage(db: Queryable, after: number, limit: number) {
  const { rows } = await db.query<{ id: number; message: string; store_id: string | null; register_id: string | null; created_at: number; answered: number; refused: number }>(
    `SELECT p.id, p.message, p.store_id, p.register_id, p.created_at,
       (SELECT count(*) FROM push_results x WHERE x.push_id = p.id) AS answered,
       (SELECT count(*) FROM push_results x WHERE x.push_id = p.id AND NOT x.ok) AS refused
     FROM pushes p WHERE p.id > $1 ORDER BY p.id LIMIT $2`,
    [after, limit],
  );
  return rows.map((r) => ({ id: r.id, message: r.message, storeId: r.store_id, registerId: r.register_id, createdAt: r.created_at, answered: r.answered, refused: r.refused }));
}
