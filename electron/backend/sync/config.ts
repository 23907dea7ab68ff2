/**
 * Where the register finds its central server, and who it is there.
 *
 * Kept in `app_meta` (set from the manager settings screen):
 *   sync.url            wss://central.example.com  (ws:// only to this machine, see below)
 *   sync.storeId        the store this register belongs to
 *   sync.registerId     this register, unique within the store
 *   sync.token          the register's token, as `SecretBox.encrypt` left it
 *   sync.allowInsecure  'true' lets ws:// / http:// reach another machine
 *   sync.tokenUrl       the server (scheme, host, port) the token was saved for
 *
 * The token is never stored in clear: the Electron shell passes a SecretBox
 * backed by `safeStorage`; Node tools and tests use `plainSecretBox`.
 *
 * A token belongs to the server it was saved for (docs/security.md §3):
 * changing the address to another server clears it, and it is read back only
 * while the address is that server's — so a changed address (or a CLI
 * `--server`) never carries the token somewhere else.
 */
import type { Db } from '../store/database';
import { ensurePinSealKey } from './pin-seal';

export const SYNC_META_KEYS = {
  url: 'sync.url',
  storeId: 'sync.storeId',
  registerId: 'sync.registerId',
  token: 'sync.token',
  allowInsecure: 'sync.allowInsecure',
  tokenUrl: 'sync.tokenUrl',
} as const;

/** What a token is bound to: the server's scheme, host and port ('' when unparsable). */
export function tokenBinding(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '';
  }
}

/** Encrypts a secret for storage and back (Electron: safeStorage + base64). */
export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** True when `encrypt` does not encrypt (no OS key store): the manager must agree before a token is kept so. */
  readonly inClear?: boolean;
}

/**
 * No encryption at all, for Node tools and tests where no OS keychain exists.
 * The prefix keeps a value stored this way recognisable.
 */
export const plainSecretBox: SecretBox = {
  inClear: true,
  encrypt: (plain) => `plain:${plain}`,
  decrypt: (stored) => {
    if (!stored.startsWith('plain:')) throw new SyncConfigError('the stored sync token was encrypted by another secret store; enter the token again');
    return stored.slice('plain:'.length);
  },
};

export interface SyncConfig {
  url: string;
  storeId: string;
  registerId: string;
  token: string;
  allowInsecure: boolean;
}

export class SyncConfigError extends Error {
  override name = 'SyncConfigError';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Checks a server address: wss:// / https:// anywhere; ws:// / http:// only
 * to this machine unless the manager allowed it. Returns the URL to dial.
 */
export function checkServerUrl(url: string, allowInsecure: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SyncConfigError(`the server address ${JSON.stringify(url)} is not a URL (expected e.g. wss://central.example.com)`);
  }
  const protocol = parsed.protocol;
  if (protocol === 'wss:' || protocol === 'https:') return parsed;
  if (protocol === 'ws:' || protocol === 'http:') {
    if (LOOPBACK_HOSTS.has(parsed.hostname) || allowInsecure) return parsed;
    throw new SyncConfigError(
      `refusing the unencrypted address ${parsed.origin}: the token and every order would cross the network in clear. ` +
        `Use wss:// (or https://), or let the manager allow insecure connections (${SYNC_META_KEYS.allowInsecure}); ` +
        'plain ws:// is accepted without it only to 127.0.0.1, localhost or ::1',
    );
  }
  throw new SyncConfigError(`the server address must start with wss:// (or https://), got ${protocol}//`);
}

function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM app_meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

function writeMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

function deleteMeta(db: Db, key: string): void {
  db.prepare('DELETE FROM app_meta WHERE key = ?').run(key);
}

/** True when the stored token may go to `url`: saved for that server, or saved before any address was set. */
function tokenMayGoTo(db: Db, url: string | undefined): boolean {
  const bound = readMeta(db, SYNC_META_KEYS.tokenUrl);
  if (url === undefined) return true;
  return bound !== undefined && bound !== '' && bound === tokenBinding(url);
}

/** What app_meta holds; any field may be missing. The token is decrypted with `box` (not read at all with null). */
export function readSyncConfig(db: Db, box: SecretBox | null): Partial<SyncConfig> {
  const token = readMeta(db, SYNC_META_KEYS.token);
  const allow = readMeta(db, SYNC_META_KEYS.allowInsecure);
  const config: Partial<SyncConfig> = {};
  const url = readMeta(db, SYNC_META_KEYS.url);
  const storeId = readMeta(db, SYNC_META_KEYS.storeId);
  const registerId = readMeta(db, SYNC_META_KEYS.registerId);
  if (url) config.url = url;
  if (storeId) config.storeId = storeId;
  if (registerId) config.registerId = registerId;
  if (token && box && tokenMayGoTo(db, url)) config.token = box.decrypt(token);
  if (allow !== undefined) config.allowInsecure = allow === 'true';
  return config;
}

/** Saves the settings the manager entered; the token only ever leaves through `box.encrypt`. */
export function writeSyncConfig(db: Db, config: Partial<SyncConfig>, box: SecretBox): void {
  db.transaction(() => {
    const oldUrl = readMeta(db, SYNC_META_KEYS.url);
    if (config.url !== undefined) {
      checkServerUrl(config.url, config.allowInsecure ?? readMeta(db, SYNC_META_KEYS.allowInsecure) === 'true');
      writeMeta(db, SYNC_META_KEYS.url, config.url);
      const bound = readMeta(db, SYNC_META_KEYS.tokenUrl);
      if (config.token === undefined && readMeta(db, SYNC_META_KEYS.token) !== undefined) {
        // Another server: the old token must never reach it. A token entered before any address binds to the first one.
        if (oldUrl === undefined && (bound === undefined || bound === '')) writeMeta(db, SYNC_META_KEYS.tokenUrl, tokenBinding(config.url));
        else if (bound !== tokenBinding(config.url)) {
          deleteMeta(db, SYNC_META_KEYS.token);
          deleteMeta(db, SYNC_META_KEYS.tokenUrl);
        }
      }
    }
    if (config.storeId !== undefined) writeMeta(db, SYNC_META_KEYS.storeId, config.storeId);
    if (config.registerId !== undefined) writeMeta(db, SYNC_META_KEYS.registerId, config.registerId);
    if (config.token !== undefined) {
      writeMeta(db, SYNC_META_KEYS.token, box.encrypt(config.token));
      const url = readMeta(db, SYNC_META_KEYS.url);
      writeMeta(db, SYNC_META_KEYS.tokenUrl, url === undefined ? '' : tokenBinding(url));
      // Staff PINs are sealed under this token's key from now on, everyone's current one at once (sync/pin-seal.ts).
      ensurePinSealKey(db, config.token);
    }
    if (config.allowInsecure !== undefined) writeMeta(db, SYNC_META_KEYS.allowInsecure, config.allowInsecure ? 'true' : 'false');
  })();
}

/** Every field present, or an error naming what is missing. */
export function completeSyncConfig(partial: Partial<SyncConfig>): SyncConfig {
  const missing = (['url', 'storeId', 'registerId', 'token'] as const).filter((k) => !partial[k]);
  if (missing.length > 0) {
    throw new SyncConfigError(
      `sync is not configured: missing ${missing.map((k) => SYNC_META_KEYS[k]).join(', ')} (set them in the manager settings)`,
    );
  }
  const config = { ...partial, allowInsecure: partial.allowInsecure ?? false } as SyncConfig;
  checkServerUrl(config.url, config.allowInsecure);
  return config;
}
