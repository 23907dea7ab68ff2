/**
 * Pushes the service makes to registers (base settings, member records),
 * and what each register answered. A push is addressed to every register,
 * a store's registers, or one register; each register answers its pushes in
 * id order, and its `push_cursor` moves past each answered one.
 */
import type { Queryable } from '../db/adapter';

export interface StoredPush {
  id: number;
  message: string;
  storeId: string | null;
  registerId: string | null;
  body: Record<string, unknown>;
  createdAt: number;
}

/** The NOTIFY channel that tells every instance a push was added. */
export const PUSH_CHANNEL = 'central_push';

export async function addPush(db: Queryable, message: string, target: { storeId?: string; registerId?: string }, body: Record<string, unknown>, at: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO pushes (message, store_id, register_id, body, created_at) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id',
    [message, target.storeId ?? null, target.registerId ?? null, JSON.stringify(body), at],
  );
  // Delivered at commit to every instance listening (this one included).
  await db.query('SELECT pg_notify($1, $2)', [PUSH_CHANNEL, String(rows[0]!.id)]);
  return rows[0]!.id;
}

export async function nextPush(db: Queryable, register: number): Promise<StoredPush | undefined> {
  const { rows } = await db.query<{ id: number; message: string; store_id: string | null; register_id: string | null; body: Record<string, unknown>; created_at: number }>(
    `SELECT p.* FROM pushes p, registers r
     WHERE r.id = $1 AND p.id > r.push_cursor
       AND (p.store_id IS NULL OR p.store_id = r.store_id)
       AND (p.register_id IS NULL OR p.register_id = r.register_id)
     ORDER BY p.id LIMIT 1`,
    [register],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { id: row.id, message: row.message, storeId: row.store_id, registerId: row.register_id, body: row.body, createdAt: row.created_at };
}

export async function recordPushResult(db: Queryable, register: number, pushId: number, ok: boolean, answer: unknown, at: number): Promise<void> {
  await db.query(
    `WITH r AS (INSERT INTO push_results (push_id, register, ok, answer, at) VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING)
     UPDATE registers SET push_cursor = GREATEST(push_cursor, $1) WHERE id = $2`,
    [pushId, register, ok, JSON.stringify(answer ?? null), at],
  );
}
