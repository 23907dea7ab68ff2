/**
 * The console's audit trail (migration 007): every state-changing action of
 * an operator — an enrolment code made, a register revoked, base settings
 * pushed, level names changed, a member looked up by phone — with who and
 * when. Written in the action's own transaction, so an action and its line
 * are never apart. Nothing secret goes in: no code, token or phone number.
 */
import type { Queryable } from '../db/adapter';

export type AuditAction = 'store-added' | 'enrolment-code' | 'register-revoked' | 'base-settings' | 'level-names' | 'member-lookup';

export interface AuditLine {
  id: number;
  at: number;
  admin: string;
  action: AuditAction;
  storeId: string | null;
  registerId: string | null;
  pushId: number | null;
  detail: Record<string, unknown>;
}

export async function audit(
  tx: Queryable,
  line: { at: number; admin: string; action: AuditAction; storeId?: string | null; registerId?: string | null; pushId?: number | null; detail?: Record<string, unknown> },
): Promise<void> {
  await tx.query('INSERT INTO console_audit (at, admin, action, store_id, register_id, push_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)', [
    line.at,
    line.admin,
    line.action,
    line.storeId ?? null,
    line.registerId ?? null,
    line.pushId ?? null,
    JSON.stringify(line.detail ?? {}),
  ]);
}

/** The newest lines first (a page of at most `limit`, before the id `before`). */
export async function auditLines(db: Queryable, options: { limit: number; before?: number; actions?: AuditAction[] }): Promise<AuditLine[]> {
  const { rows } = await db.query<{ id: number; at: number; admin: string; action: AuditAction; store_id: string | null; register_id: string | null; push_id: number | null; detail: Record<string, unknown> }>(
    `SELECT * FROM console_audit WHERE id < $1 AND ($2::text[] IS NULL OR action = ANY($2::text[])) ORDER BY id DESC LIMIT $3`,
    [options.before ?? Number.MAX_SAFE_INTEGER, options.actions ?? null, options.limit],
  );
  return rows.map((r) => ({ id: r.id, at: r.at, admin: r.admin, action: r.action, storeId: r.store_id, registerId: r.register_id, pushId: r.push_id, detail: r.detail }));
}
