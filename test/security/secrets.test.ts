/**
 * docs/security.md §3: the sync token belongs to the server it was saved for;
 * without an OS key store it is kept only when the manager agrees; no tool
 * takes a secret on its command line.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/store/database';
import { plainSecretBox, readSyncConfig, SYNC_META_KEYS, writeSyncConfig } from '../../electron/backend/sync/config';
import { tempDir } from '../app/helpers';
import { managerHarness, MANAGER_PIN } from '../manager/helpers';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, script), ...args], { cwd: ROOT, timeout: 30_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function freshDb() {
  return openDatabase(path.join(tempDir(), 'register.db'));
}

describe('the sync token belongs to its server', () => {
  it('changing the server address clears the token; changing back does not bring it back', () => {
    const db = freshDb();
    writeSyncConfig(db, { url: 'wss://a.example.com', storeId: 's', registerId: 'r', token: 'tok-A' }, plainSecretBox);
    expect(readSyncConfig(db, plainSecretBox).token).toBe('tok-A');
    writeSyncConfig(db, { url: 'wss://a.example.com/' }, plainSecretBox); // the same server
    expect(readSyncConfig(db, plainSecretBox).token).toBe('tok-A');
    writeSyncConfig(db, { url: 'wss://evil.example.net' }, plainSecretBox);
    expect(readSyncConfig(db, plainSecretBox).token).toBeUndefined();
    expect(db.prepare('SELECT value FROM app_meta WHERE key = ?').get(SYNC_META_KEYS.token)).toBeUndefined();
    writeSyncConfig(db, { url: 'wss://a.example.com' }, plainSecretBox);
    expect(readSyncConfig(db, plainSecretBox).token).toBeUndefined();
    writeSyncConfig(db, { url: 'wss://b.example.com', token: 'tok-B' }, plainSecretBox);
    expect(readSyncConfig(db, plainSecretBox)).toMatchObject({ url: 'wss://b.example.com', token: 'tok-B' });
    db.close();
  });

  it('a token is read back only for the address it was saved for (an address changed behind the app gets none)', () => {
    const db = freshDb();
    writeSyncConfig(db, { url: 'wss://a.example.com', token: 'tok-A' }, plainSecretBox);
    db.prepare("UPDATE app_meta SET value = 'wss://evil.example.net' WHERE key = ?").run(SYNC_META_KEYS.url);
    expect(readSyncConfig(db, plainSecretBox).token).toBeUndefined();
    db.close();
  });

  it('a token entered before any address binds to the first address set', () => {
    const db = freshDb();
    writeSyncConfig(db, { token: 'tok-early' }, plainSecretBox);
    expect(readSyncConfig(db, plainSecretBox).token).toBe('tok-early');
    writeSyncConfig(db, { url: 'wss://a.example.com' }, plainSecretBox);
    expect(readSyncConfig(db, plainSecretBox).token).toBe('tok-early');
    writeSyncConfig(db, { url: 'wss://b.example.com' }, plainSecretBox);
    expect(readSyncConfig(db, plainSecretBox).token).toBeUndefined();
    db.close();
  });
});

describe('no OS key store: the manager is told and must agree', () => {
  it('a token is refused (nothing stored) until the manager agrees; then kept, audited, and shown as unencrypted', async () => {
    const h = await managerHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const input = { url: 'wss://central.example.com', storeId: 's1', registerId: 'r1', token: 'tok-1' };
    expect(await h.call('manager.sync.save', input)).toMatchObject({ ok: false, error: { code: 'rule', rule: 'token-in-clear', reason: { code: 'sync.tokenInClearConfirm' } } });
    expect(h.backend.meta('sync.token')).toBeUndefined();
    expect(h.backend.meta('sync.url')).toBeUndefined();
    const d = await h.ok('manager.sync.save', { ...input, storeTokenInClear: true });
    expect(d.sync).toMatchObject({ tokenSet: true, tokenInClear: true });
    const audit = h.backend.db.prepare("SELECT detail FROM manager_audit WHERE action = 'sync.save'").pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ 'sync.tokenInClear': { old: null, new: 'true' } });
    expect(audit).not.toContain('tok-1');
    // Settings without a token need no agreement.
    expect(await h.call('manager.sync.save', { storeId: 's2' })).toMatchObject({ ok: true });
    h.close();
  });
});

describe('no secret on a command line', () => {
  it('pos sync refuses --token; takes POS_SYNC_TOKEN or --token-file; never sends the stored token to another --server', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'register.db');
    const db = openDatabase(file);
    writeSyncConfig(db, { url: 'ws://127.0.0.1:9', storeId: 's', registerId: 'r', token: 'stored-token' }, plainSecretBox);
    db.close();
    const argv = await run('electron/backend/cli/pos.ts', ['sync', '--db', file, '--token', 'x', '--until-empty', '--timeout', '1']);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain('POS_SYNC_TOKEN');
    // Another server: the stored token is not used, so sync is not configured.
    const other = await run('electron/backend/cli/pos.ts', ['sync', '--db', file, '--server', 'ws://localhost:9', '--until-empty', '--timeout', '1']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('sync.token');
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'file-token\n');
    const missing = await run('electron/backend/cli/pos.ts', ['sync', '--db', file, '--token-file', path.join(dir, 'nope'), '--until-empty', '--timeout', '1']);
    expect(missing.code).toBe(2);
    // With a token from the file it is configured and only fails to connect (nothing listens on port 9).
    const fromFile = await run('electron/backend/cli/pos.ts', ['sync', '--db', file, '--server', 'ws://localhost:9', '--token-file', tokenFile, '--until-empty', '--timeout', '1']);
    expect(fromFile.stderr).toContain('gave up');
  }, 60_000);

  it('the central service refuses a database password on its command line', async () => {
    const r = await run('central/main.ts', ['--port', '0', '--database-url', 'postgres://central:s3cret@127.0.0.1:9/central']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CENTRAL_DATABASE_URL');
    expect(r.stderr).not.toContain('s3cret');
  }, 30_000);
});
