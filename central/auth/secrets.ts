/**
 * Register tokens, enrolment codes and admin credentials: 256 random bits,
 * shown once, stored only as their SHA-256 (a token is not a password: it is
 * random and long, so a fast hash cannot be guessed backwards, and looking
 * one up is a single indexed read).
 */
import { createHash, randomBytes } from 'node:crypto';

/** A fresh secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * An enrolment code someone types into the register's settings: 20
 * characters of Crockford base32 (100 bits) in groups of four; case, spaces
 * and dashes are ignored when it is read back.
 */
export function newEnrolmentCode(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(20);
  let code = '';
  for (let i = 0; i < 20; i++) code += alphabet[bytes[i]! & 31];
  return code.match(/.{4}/g)!.join('-');
}

export function normaliseEnrolmentCode(code: string): string {
  const plain = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return plain.match(/.{1,4}/g)?.join('-') ?? '';
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
