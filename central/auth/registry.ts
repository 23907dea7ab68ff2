/**
 * Who may talk to the service: stores, registers and their credentials.
 *
 *   addStore / addRegister    the admin command; addRegister returns a one-time enrolment code
 *   enrol(code)               the register trades the code for its token (once)
 *   registerForToken(token)   the register a token is bound to (null: unknown or revoked)
 *   revokeRegister            every token of a register stops working at once
 *   addAdmin / adminForToken  credentials for the admin reads
 */
import type { Queryable } from '../db/adapter';
import { hashSecret, newEnrolmentCode, newSecret, normaliseEnrolmentCode } from './secrets';

/** An enrolment code is good for a week, then a new one must be made. */
export const ENROLMENT_CODE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class RegistryError extends Error {
  override name = 'RegistryError';
}

export interface RegisterRow {
  id: number;
  storeId: string;
  registerId: string;
  lastSeq: number;
}

function checkId(value: string, what: string): void {
  if (!ID.test(value)) throw new RegistryError(`${what} must be 1–128 letters, digits or . _ : -, got ${JSON.stringify(value)}`);
}

export async function addStore(db: Queryable, storeId: string, name: string, now: number): Promise<void> {
  checkId(storeId, 'a store id');
  if (!name.trim() || name.length > 200) throw new RegistryError('a store needs a name of 1–200 characters');
  const { rowCount } = await db.query('INSERT INTO stores (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [storeId, name.trim(), now]);
  if (rowCount === 0) throw new RegistryError(`store ${storeId} exists already`);
}

/**
 * Files a register under its store (or finds it) and returns a fresh
 * one-time enrolment code for it. A register that is enrolled again keeps
 * its events; its old tokens stop working when the new code is used.
 */
export async function addRegister(db: Queryable, storeId: string, registerId: string, now: number): Promise<{ code: string; expiresAt: number }> {
  checkId(registerId, 'a register id');
  const store = await db.query('SELECT 1 FROM stores WHERE id = $1', [storeId]);
  if (store.rows.length === 0) throw new RegistryError(`no store ${storeId}: add it first (admin add-store)`);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO registers (store_id, register_id, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (store_id, register_id) DO UPDATE SET store_id = excluded.store_id RETURNING id`,
    [storeId, registerId, now],
  );
  const code = newEnrolmentCode();
  const expiresAt = now + ENROLMENT_CODE_TTL_MS;
  await db.query('INSERT INTO enrolment_codes (code_hash, register, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    hashSecret(normaliseEnrolmentCode(code)),
    rows[0]!.id,
    now,
    expiresAt,
  ]);
  return { code, expiresAt };
}

/**
 * Trades a one-time code for a token bound to the code's store and
 * register. The code is spent (a second use fails), and the register's
 * earlier tokens are revoked: only the newest enrolment can write.
 */
export async function enrol(db: Queryable, code: string, now: number): Promise<{ storeId: string; registerId: string; token: string }> {
  const hash = hashSecret(normaliseEnrolmentCode(code));
  // One UPDATE spends the code, so two racing enrolments cannot both win it.
  const spent = await db.query<{ register: number }>(
    'UPDATE enrolment_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING register',
    [hash, now],
  );
  const register = spent.rows[0]?.register;
  if (register === undefined) throw new RegistryError('this enrolment code is unknown, used already or expired; ask the alliance for a new one');
  await db.query('UPDATE register_tokens SET revoked_at = $2 WHERE register = $1 AND revoked_at IS NULL', [register, now]);
  const token = newSecret();
  await db.query('INSERT INTO register_tokens (token_hash, register, created_at) VALUES ($1, $2, $3)', [hashSecret(token), register, now]);
  const { rows } = await db.query<{ store_id: string; register_id: string }>('SELECT store_id, register_id FROM registers WHERE id = $1', [register]);
  return { storeId: rows[0]!.store_id, registerId: rows[0]!.register_id, token };
}

export async function registerForToken(db: Queryable, token: string): Promise<RegisterRow | null> {
  const { rows } = await db.query<{ id: number; store_id: string; register_id: string; last_seq: number }>(
    `SELECT r.id, r.store_id, r.register_id, r.last_seq FROM register_tokens t JOIN registers r ON r.id = t.register
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [hashSecret(token)],
  );
  const row = rows[0];
  return row ? { id: row.id, storeId: row.store_id, registerId: row.register_id, lastSeq: row.last_seq } : null;
}

/** The NOTIFY channel that tells every instance a register was revoked (payload: its row id): its live socket is dropped. */
export const REVOKE_CHANNEL = 'central_revoke';

/**
 * Revokes every token and unused code of a register; returns how many tokens
 * stopped working. A connection the register holds now is dropped by every
 * instance at commit (REVOKE_CHANNEL), so it cannot go on sending on a socket
 * opened before the revocation.
 */
export async function revokeRegister(db: Queryable, storeId: string, registerId: string, now: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM registers WHERE store_id = $1 AND register_id = $2', [storeId, registerId]);
  if (!rows[0]) throw new RegistryError(`no register ${storeId}/${registerId}`);
  await db.query('UPDATE enrolment_codes SET used_at = $2 WHERE register = $1 AND used_at IS NULL', [rows[0].id, now]);
  const revoked = await db.query('UPDATE register_tokens SET revoked_at = $2 WHERE register = $1 AND revoked_at IS NULL', [rows[0].id, now]);
  await db.query('SELECT pg_notify($1, $2)', [REVOKE_CHANNEL, String(rows[0].id)]);
  return revoked.rowCount;
}

/** A new admin credential (shown once). */
export async function addAdmin(db: Queryable, name: string, now: number): Promise<string> {
  if (!name.trim() || name.length > 100) throw new RegistryError('an admin credential needs a name of 1–100 characters');
  const token = newSecret();
  await db.query('INSERT INTO admin_credentials (token_hash, name, created_at) VALUES ($1, $2, $3)', [hashSecret(token), name.trim(), now]);
  return token;
}

export async function adminForToken(db: Queryable, token: string): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM admin_credentials WHERE token_hash = $1 AND revoked_at IS NULL', [hashSecret(token)]);
  return rows[0]?.name ?? null;
}

export async function revokeAdmin(db: Queryable, name: string, now: number): Promise<number> {
  return (await db.query('UPDATE admin_credentials SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL', [name, now])).rowCount;
}

/** The queue page's display switches of a store (absent = shown). */
export async function setStoreDisplay(db: Queryable, storeId: string, switches: { queueProgress?: boolean; amountWaiting?: boolean }, _now: number): Promise<void> {
  const { rowCount } = await db.query(`UPDATE stores SET display = display || $2::jsonb WHERE id = $1`, [storeId, JSON.stringify(switches)]);
  if (rowCount === 0) throw new RegistryError(`no store ${storeId}`);
}
