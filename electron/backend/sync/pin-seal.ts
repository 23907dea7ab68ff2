/**
 * PIN hashes travel to the central service sealed, never in clear
 * (docs/security.md §3 "Staff PINs at the service", issue 14 §1).
 *
 * A `staff.changed` event carries the person's scrypt PIN hash encrypted with
 * AES-256-GCM under a key derived from this register's sync token
 * (HKDF-SHA-256). The service keeps only the SHA-256 of a token
 * (central/auth), so what it stores — and every backup of it — cannot open
 * the hashes; a 4–6 digit PIN behind a bare scrypt hash could be found by
 * trying them all. A register rebuilt from the service is given its token
 * anyway (`pos recover`, or the backup's), so it derives the same key and
 * gets every PIN back: staff sign in as before.
 *
 * The derived key (not the token) is kept in `app_meta` `sync.pinSealKey` so
 * the SQLite triggers of migration 017 can seal on every staff change,
 * whichever code made it, through the SQL function `qrc_seal_pin` registered
 * on every connection (store/database.ts). Keeping it beside the PIN hashes
 * it protects adds nothing for someone holding the register's file.
 *
 * When the token changes (a new enrolment), every person's current PIN is
 * sealed again under the new key (`ensurePinSealKey`), so the newest event of
 * each person always opens with the token the register has now.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

export const PIN_SEAL_KEY_META = 'sync.pinSealKey';
/** The app_meta row whose presence stops the counter's event triggers while a rebuild writes rows (recovery/rebuild.ts). */
export const REPLAYING_META = 'recovery.replaying';
/** What a person's PIN hash becomes when it could not come back: `verifyPin` never matches it (not six `$` parts). */
export const PIN_NOT_RECOVERED = 'scrypt$not-recovered';

const SALT = Buffer.from('queue-rebate-cashier/staff-pin-seal/v1', 'utf8');

export interface SealedPin {
  /** base64 of iv (12) ‖ ciphertext ‖ tag (16). */
  sealed: string;
  /** Which key sealed it: 16 hex digits of SHA-256(key). */
  keyId: string;
}

export function pinSealKey(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), SALT, Buffer.alloc(0), 32));
}

export function pinSealKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Seals `pinHash` for person `personId` (bound as associated data: a sealed hash moved to another person does not open). */
export function sealPin(key: Buffer, personId: string, pinHash: string): SealedPin {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(personId, 'utf8'));
  const body = Buffer.concat([cipher.update(pinHash, 'utf8'), cipher.final()]);
  return { sealed: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64'), keyId: pinSealKeyId(key) };
}

/** The PIN hash, or null when this key did not seal it (another token) or it was tampered with. */
export function openPin(key: Buffer, personId: string, pin: SealedPin): string | null {
  if (pin.keyId !== pinSealKeyId(key)) return null;
  const raw = Buffer.from(pin.sealed, 'base64');
  if (raw.length < 12 + 16 + 1) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(personId, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** `qrc_seal_pin(pin_hash, key_base64, person_id)` → JSON `{sealed, keyId}`, or NULL without a key. Used by migration 017's triggers. */
export function registerSealFunction(db: Database.Database): void {
  db.function('qrc_seal_pin', { deterministic: false, varargs: false }, (pinHash: unknown, keyBase64: unknown, personId: unknown) => {
    if (typeof pinHash !== 'string' || typeof keyBase64 !== 'string' || typeof personId !== 'string') return null;
    const key = Buffer.from(keyBase64, 'base64');
    if (key.length !== 32) return null;
    return JSON.stringify(sealPin(key, personId, pinHash));
  });
}

/**
 * Makes sure staff PINs are sealed under `token`'s key from now on. When the
 * key changes (first token, or a new enrolment), every person's current PIN
 * is sealed again in a `staff.changed` event (the triggers fire on the no-op
 * update), in one transaction with the new key. Returns how many people were
 * re-sent (0 when the key was already this one).
 */
export function ensurePinSealKey(db: Database.Database, token: string): number {
  const key = pinSealKey(token).toString('base64');
  return db.transaction(() => {
    const stored = db.prepare('SELECT value FROM app_meta WHERE key = ?').pluck().get(PIN_SEAL_KEY_META) as string | undefined;
    if (stored === key) return 0;
    db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(PIN_SEAL_KEY_META, key);
    // Creators before the people they created (rowid order is creation order), so a rebuild's references hold.
    return db.prepare('UPDATE cashiers SET pin_hash = pin_hash').run().changes;
  })();
}
