/**
 * The keyed phone digest (issue #9 §3, docs/security.md).
 *
 * `phone_digest` used to be an unsalted SHA-256 of the 11 digits: with the
 * mask beside it (138****5678) only 10 000 numbers remain, so the number came
 * back in milliseconds. Now it is HMAC-SHA256(phone key, the 11 ASCII digits),
 * lowercase hex. The phone key is 32 random bytes kept OUTSIDE the database
 * (electron/backend/members/phone-key-file.ts): a copied database, backup or
 * export alone does not give the numbers back. Registers of one alliance use
 * the same key (the alliance key), so their digests of one phone are equal
 * and the central service can match them (docs/sync.md).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/database';
import { normalizeMainlandMobile } from '../../../shared/members';

export interface PhoneKey {
  /** A short public name of the key (not the key): which key made a digest. */
  readonly id: string;
  readonly secret: Buffer;
}

export const PHONE_KEY_BYTES = 32;

export function phoneKeyFromSecret(secret: Buffer): PhoneKey {
  if (secret.length < PHONE_KEY_BYTES) throw new Error(`a phone key must be at least ${PHONE_KEY_BYTES} bytes`);
  const id = createHmac('sha256', secret).update('queue-rebate phone key id').digest('hex').slice(0, 16);
  return Object.freeze({ id, secret: Buffer.from(secret) });
}

export function newPhoneKey(): PhoneKey {
  return phoneKeyFromSecret(randomBytes(PHONE_KEY_BYTES));
}

/** HMAC-SHA256(key, digits) as 64 lowercase hex digits. `digits` must already be normalized. */
export function phoneDigest(key: PhoneKey, digits: string): string {
  return createHmac('sha256', key.secret).update(digits, 'ascii').digest('hex');
}

/** The digest of whatever the cashier typed, when it is a mainland mobile number. */
export function digestOfTypedPhone(key: PhoneKey, typed: string): string | null {
  const digits = normalizeMainlandMobile(typed);
  return digits ? phoneDigest(key, digits) : null;
}

/** Marks digests the register did not make (pushed by the server under the alliance key). */
export const SERVER_KEY_ID = 'server';

const MASK = /^(1[3-9]\d)\*{4}(\d{4})$/;

/**
 * Re-keys the digests written before migration 006 (`phone_key_id IS NULL`:
 * unsalted SHA-256). For a member of this register with a standard mask the
 * number is recovered by trying the 10 000 numbers the mask leaves — exactly
 * the weakness being closed — and only its keyed digest is written; the
 * number lives in a local variable for the loop, never in the database.
 * Members pushed by the server (and any digest that cannot be recovered)
 * lose the digest: nothing reversible stays, the server's next push brings
 * the keyed one, and they are still found by member code or QR meanwhile.
 * One transaction; returns how many were re-keyed and dropped.
 */
export function rekeyLegacyDigests(db: Db, key: PhoneKey): { rekeyed: number; dropped: number } {
  const rows = db.prepare('SELECT id, masked_phone, phone_digest, source FROM members WHERE phone_key_id IS NULL AND phone_digest IS NOT NULL').all() as {
    id: string;
    masked_phone: string | null;
    phone_digest: string;
    source: string;
  }[];
  if (rows.length === 0) return { rekeyed: 0, dropped: 0 };
  const update = db.prepare('UPDATE members SET phone_digest = ?, phone_key_id = ? WHERE id = ?');
  let rekeyed = 0;
  let dropped = 0;
  db.transaction(() => {
    // Dropped first, so a re-keyed digest never collides with a stale one.
    const keep: { id: string; digits: string }[] = [];
    for (const row of rows) {
      const digits = row.source === 'server' ? null : recoverFromMask(row.masked_phone, row.phone_digest);
      update.run(null, null, row.id);
      if (digits) keep.push({ id: row.id, digits });
      else dropped++;
    }
    for (const { id, digits } of keep) {
      update.run(phoneDigest(key, digits), key.id, id);
      rekeyed++;
    }
  })();
  return { rekeyed, dropped };
}

function recoverFromMask(masked: string | null, legacyDigest: string): string | null {
  const m = masked ? MASK.exec(masked) : null;
  if (!m || !/^[0-9a-f]{64}$/.test(legacyDigest)) return null;
  const want = Buffer.from(legacyDigest, 'hex');
  for (let i = 0; i < 10_000; i++) {
    const digits = `${m[1]}${String(i).padStart(4, '0')}${m[2]}`;
    if (timingSafeEqual(createHash('sha256').update(digits).digest(), want)) return digits;
  }
  return null;
}
