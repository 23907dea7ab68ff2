/**
 * Where the phone key lives: a file of its own next to (never inside) the
 * database, `<userData>/phone-key`, holding the key as the SecretBox stored
 * it (the OS keyring encrypts it where there is one: DPAPI, Keychain,
 * libsecret). Missing → a new random key is made and written (mode 0600).
 * To join an alliance, the store installs the alliance key with
 * `writePhoneKeyFile` (the same 32 bytes on every register of the alliance).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretBox } from '../sync/config';
import { newPhoneKey, phoneKeyFromSecret, type PhoneKey } from './phone-digest';

export function writePhoneKeyFile(file: string, key: PhoneKey, box: SecretBox): void {
  const partial = `${file}.partial`;
  writeFileSync(partial, `${box.encrypt(key.secret.toString('base64'))}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

export function readPhoneKeyFile(file: string, box: SecretBox): PhoneKey {
  const stored = readFileSync(file, 'utf8').trim();
  return phoneKeyFromSecret(Buffer.from(box.decrypt(stored), 'base64'));
}

export function loadOrCreatePhoneKey(file: string, box: SecretBox): PhoneKey {
  if (existsSync(file)) return readPhoneKeyFile(file, box);
  const key = newPhoneKey();
  writePhoneKeyFile(file, key, box);
  return key;
}
