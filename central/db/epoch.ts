/**
 * The service's epoch: 128 bits in hex, sent with every push (`epoch`).
 * A register that sees a new epoch knows the push ids start again (a new or
 * restored service database) instead of taking push 1 for a duplicate.
 *
 * It changes when the data is not where it was: a new database gets a
 * random one; at every start the fingerprint of this copy (the cluster's
 * system identifier and timeline — a point-in-time restore starts a new
 * timeline, a restore into a new cluster a new identifier — and the
 * database's oid — a pg_dump restored into a new database) is compared
 * with the stored one, and a difference moves the epoch on. The next epoch
 * is derived from the old one and the new fingerprint, so instances starting
 * together agree on it. `admin new-epoch` moves it by hand (e.g. a PGlite
 * folder copied back from a backup, which no fingerprint can tell).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './adapter';

async function fingerprint(db: Queryable): Promise<string> {
  const part = async (sql: string) => {
    try {
      const { rows } = await db.query<{ v: unknown }>(sql);
      return String(rows[0]?.v ?? '');
    } catch {
      return '';
    }
  };
  return [
    await part('SELECT system_identifier::text AS v FROM pg_control_system()'),
    await part('SELECT timeline_id::text AS v FROM pg_control_checkpoint()'),
    await part('SELECT oid::text AS v FROM pg_database WHERE datname = current_database()'),
  ].join(':');
}

const next = (epoch: string, salt: string) => createHash('sha256').update(`${epoch}|${salt}`).digest('hex').slice(0, 32);

/** The epoch in force, moved on first if this copy of the data is not the one it was made for. */
export async function serviceEpoch(db: Queryable, now: number): Promise<string> {
  const print = await fingerprint(db);
  await db.query('INSERT INTO service_epoch (id, epoch, fingerprint, changed_at) VALUES (1, $1, $2, $3) ON CONFLICT DO NOTHING', [randomBytes(16).toString('hex'), print, now]);
  const { rows } = await db.query<{ epoch: string; fingerprint: string }>('SELECT epoch, fingerprint FROM service_epoch WHERE id = 1');
  const row = rows[0]!;
  if (row.fingerprint === print) return row.epoch;
  // Only the instance whose UPDATE matches the old fingerprint moves it; the others read the result.
  await db.query('UPDATE service_epoch SET epoch = $1, fingerprint = $2, changed_at = $3 WHERE id = 1 AND fingerprint = $4', [next(row.epoch, print), print, now, row.fingerprint]);
  return (await db.query<{ epoch: string }>('SELECT epoch FROM service_epoch WHERE id = 1')).rows[0]!.epoch;
}

/** `admin new-epoch`: a new random epoch (after restoring a copy the fingerprint cannot tell apart). */
export async function renewEpoch(db: Queryable, now: number): Promise<string> {
  const epoch = randomBytes(16).toString('hex');
  await db.query('UPDATE service_epoch SET epoch = $1, changed_at = $2 WHERE id = 1', [epoch, now]);
  return epoch;
}
