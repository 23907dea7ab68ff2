/** Daily rotating backups through SQLite's online backup: one per local day, the newest 7 kept. */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupFileName, BACKUP_KEEP, listBackups, runDailyBackup } from '../../electron/backend/app/backups';
import { openHarness, readyToSell, tempDir, T0 } from './helpers';

const DAY = 24 * 3600 * 1000;

describe('backups', () => {
  it('names a backup by the local day', () => {
    expect(backupFileName(Date.parse('2026-03-02T23:30:00+08:00'), 'Asia/Shanghai')).toBe('cashier-2026-03-02.db');
    expect(backupFileName(Date.parse('2026-03-02T16:30:00Z'), 'Asia/Shanghai')).toBe('cashier-2026-03-03.db');
  });

  it('takes one consistent backup a day and keeps the newest 7', async () => {
    const h = openHarness();
    await readyToSell(h);
    await h.ok('checkout.submit', { amountDueFen: 100, memberId: null, tenders: [{ kind: 'cash', amountFen: 100 }] });
    const dir = path.join(tempDir(), 'backups');
    writeFileSync(path.join(tempDir(), 'unrelated.txt'), 'x');
    for (let day = 0; day < 10; day++) {
      const first = await runDailyBackup(h.backend.db, dir, { now: T0 + day * DAY, timezone: 'Asia/Shanghai' });
      expect(first.created).not.toBeNull();
      const again = await runDailyBackup(h.backend.db, dir, { now: T0 + day * DAY + 3600_000, timezone: 'Asia/Shanghai' });
      expect(again.created).toBeNull();
    }
    const kept = listBackups(dir);
    expect(kept).toHaveLength(BACKUP_KEEP);
    expect(kept[0]).toBe('cashier-2026-03-05.db');
    expect(kept.at(-1)).toBe('cashier-2026-03-11.db');
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    // A backup is a complete, readable database with the sale in it.
    const copy = new Database(path.join(dir, kept.at(-1)!), { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 1 });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    h.close();
  });

  it('files that are not backups are never rotated away', async () => {
    const h = openHarness();
    const dir = tempDir();
    writeFileSync(path.join(dir, 'notes.db'), 'keep me');
    for (let day = 0; day < 9; day++) await runDailyBackup(h.backend.db, dir, { now: T0 + day * DAY });
    expect(readdirSync(dir)).toContain('notes.db');
    expect(listBackups(dir)).toHaveLength(7);
    h.close();
  });
});
