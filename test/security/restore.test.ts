/**
 * docs/security.md §5: a lost database is never opened for first-run setup;
 * restore (app and `pos restore`) is verified before it replaces anything
 * and keeps the replaced file aside.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runDailyBackup } from '../../electron/backend/app/backups';
import { findLostDatabase, startRegister } from '../../electron/backend/app/startup';
import { restoreBackup, RESTORE_META, RestoreRefused } from '../../electron/backend/app/restore';
import { openHarness, readyToSell, tempDir, T0 } from '../app/helpers';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function pos(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, 'electron/backend/cli/pos.ts'), ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A register with one sale and its backup in `<dir>/backups`; returns the paths. */
async function registerWithBackup(): Promise<{ dir: string; db: string; backups: string; backup: string }> {
  const dir = tempDir();
  const db = path.join(dir, 'cashier.db');
  const h = openHarness(db);
  await readyToSell(h);
  await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] });
  const backups = path.join(dir, 'backups');
  const { created } = await runDailyBackup(db, backups, { now: T0 });
  h.close();
  return { dir, db, backups, backup: created! };
}

function orders(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM orders').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('a lost database is never opened for first-run setup', () => {
  it('missing cashier.db beside a backup: refused (database-lost), no file created', async () => {
    const r = await registerWithBackup();
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(r.db + suffix)) copyFileSync(r.db + suffix, `${r.db}.gone${suffix}`);
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(r.db + suffix)) rmSync(r.db + suffix);
    const decision = startRegister(r.db, { backupsDir: r.backups });
    expect(decision).toMatchObject({ ok: false, reason: 'database-lost', lost: { db: 'missing', backups: [r.backup] } });
    expect(existsSync(r.db)).toBe(false);
  });

  it('a zero-byte cashier.db, or a new empty database, beside a backup: refused', async () => {
    const r = await registerWithBackup();
    writeFileSync(r.db, '');
    rmSync(`${r.db}-wal`, { force: true });
    expect(findLostDatabase(r.db, r.backups)).toMatchObject({ db: 'empty' });
    expect(startRegister(r.db, { backupsDir: r.backups })).toMatchObject({ ok: false, reason: 'database-lost' });
    expect(statSync(r.db).size).toBe(0);
    // A freshly created database (schema, nobody in it) is as empty.
    rmSync(r.db);
    openHarness(r.db).close();
    expect(startRegister(r.db, { backupsDir: r.backups })).toMatchObject({ ok: false, reason: 'database-lost', lost: { db: 'empty' } });
  });

  it('a missing cashier.db with its WAL still there: refused even without backups, the WAL untouched', () => {
    const dir = tempDir();
    const db = path.join(dir, 'cashier.db');
    writeFileSync(`${db}-wal`, Buffer.alloc(4096, 1));
    const decision = startRegister(db, { backupsDir: path.join(dir, 'backups') });
    expect(decision).toMatchObject({ ok: false, reason: 'database-lost', lost: { db: 'missing', wal: true, backups: [] } });
    expect(statSync(`${db}-wal`).size).toBe(4096);
  });

  it('a true first run opens, even with backups of a register nobody had set up yet', async () => {
    const dir = tempDir();
    const backups = path.join(dir, 'backups');
    const first = startRegister(path.join(dir, 'cashier.db'), { backupsDir: backups });
    expect(first.ok).toBe(true);
    if (first.ok) first.backend.close();
    await runDailyBackup(path.join(dir, 'cashier.db'), backups, { now: T0 });
    const again = startRegister(path.join(dir, 'cashier.db'), { backupsDir: backups });
    expect(again.ok).toBe(true);
    if (again.ok) again.backend.close();
  });
});

describe('restore from a backup', () => {
  it('verifies, checks the PIN against the backup, keeps the replaced file (and its WAL) aside', async () => {
    const r = await registerWithBackup();
    const h = openHarness(r.db);
    const [manager] = await h.ok('cashiers.list', {});
    await h.ok('session.signIn', { cashierId: manager!.id, pin: '2468' });
    await h.ok('checkout.submit', { amountDueFen: 2000, memberId: null, tenders: [{ kind: 'cash', amountFen: 2000 }] });
    h.backend.close();
    expect(orders(r.db)).toBe(2);
    // The app was killed: its (empty, checkpointed) WAL is still there and goes aside with the file.
    writeFileSync(`${r.db}-wal`, '');
    await expect(restoreBackup(r.backup, r.db, { managerPin: '9999' })).rejects.toMatchObject({ reason: 'wrong-pin' });
    expect(orders(r.db)).toBe(2);
    const result = await restoreBackup(r.backup, r.db, { managerPin: '2468', now: T0 + 1000 });
    expect(orders(r.db)).toBe(1);
    expect(result.keptAside.slice(0, 2)).toEqual([`${r.db}.replaced-20260302T020001000Z`, `${r.db}.replaced-20260302T020001000Z-wal`]);
    expect(orders(result.keptAside[0]!)).toBe(2);
    const restored = new Database(r.db, { readonly: true });
    expect(restored.prepare('SELECT value FROM app_meta WHERE key = ?').pluck().get(RESTORE_META.numberedUpTo)).toMatch(/^\d+$/);
    restored.close();
    expect(readdirSync(r.dir).filter((n) => n.includes('restoring'))).toEqual([]);
    expect(startRegister(r.db, { backupsDir: r.backups }).ok).toBe(true);
  });

  it('a backup that fails its check replaces nothing', async () => {
    const r = await registerWithBackup();
    const bad = path.join(r.dir, 'bad.db');
    copyFileSync(r.backup, bad);
    const raw = new Database(bad);
    raw.prepare('UPDATE queues SET extracted_fen = extracted_fen + 7').run();
    raw.close();
    const error = await restoreBackup(bad, r.db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestoreRefused);
    expect(error).toMatchObject({ reason: 'check-failed' });
    writeFileSync(path.join(r.dir, 'garbage.db'), 'this is not a database'.repeat(100));
    await expect(restoreBackup(path.join(r.dir, 'garbage.db'), r.db)).rejects.toMatchObject({ reason: 'check-failed' });
    await expect(restoreBackup(path.join(r.dir, 'nope.db'), r.db)).rejects.toMatchObject({ reason: 'not-found' });
    expect(orders(r.db)).toBe(1);
    expect(readdirSync(r.dir).filter((n) => n.includes('replaced') || n.includes('restoring'))).toEqual([]);
  });

  it('pos restore --from FILE --db PATH: restores a lost database; refuses a bad backup with exit 1', async () => {
    const r = await registerWithBackup();
    rmSync(r.db);
    rmSync(`${r.db}-wal`, { force: true });
    rmSync(`${r.db}-shm`, { force: true });
    const ok = await pos(['restore', '--from', r.backup, '--db', r.db]);
    expect(ok.stdout).toContain('restored');
    expect(ok.code).toBe(0);
    expect(orders(r.db)).toBe(1);
    const garbage = path.join(r.dir, 'garbage.db');
    writeFileSync(garbage, 'x'.repeat(5000));
    const refused = await pos(['restore', '--from', garbage, '--db', r.db]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('nothing was replaced');
    expect(orders(r.db)).toBe(1);
    const usage = await pos(['restore', '--db', r.db]);
    expect(usage.code).toBe(2);
  }, 60_000);
});
