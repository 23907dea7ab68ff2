/** Daily backups (VACUUM INTO a verified copy, flushed in pieces): one per local day, verified, kept by generations. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backupFileName, BackupCheckError, copyFlushingInPieces, listBackups, runDailyBackup, writeVerifiedBackup } from '../../electron/backend/app/backups';
import { BackgroundCheck } from '../../electron/backend/app/full-check';
import { openHarness, readyToSell, tempDir, T0 } from './helpers';

const DAY = 24 * 3600 * 1000;

describe('backups', () => {
  it('names a backup by the local day', () => {
    expect(backupFileName(Date.parse('2026-03-02T23:30:00+08:00'), 'Asia/Shanghai')).toBe('cashier-2026-03-02.db');
    expect(backupFileName(Date.parse('2026-03-02T16:30:00Z'), 'Asia/Shanghai')).toBe('cashier-2026-03-03.db');
  });

  it('takes one consistent backup a day and keeps generations (7 daily, then weekly)', async () => {
    const h = openHarness();
    await readyToSell(h);
    await h.ok('checkout.submit', { amountDueFen: 100, memberId: null, tenders: [{ kind: 'cash', amountFen: 100 }] });
    const dir = path.join(tempDir(), 'backups');
    writeFileSync(path.join(tempDir(), 'unrelated.txt'), 'x');
    for (let day = 0; day < 10; day++) {
      const first = await runDailyBackup(h.file, dir, { now: T0 + day * DAY, timezone: 'Asia/Shanghai' });
      expect(first.created).not.toBeNull();
      const again = await runDailyBackup(h.file, dir, { now: T0 + day * DAY + 3600_000, timezone: 'Asia/Shanghai' });
      expect(again.created).toBeNull();
    }
    // 2026-03-02 (Mon) … 03-11 (Wed): the 7 newest days, plus Sunday 03-08 is inside them; the week of
    // 03-02 keeps its newest (03-08, already kept), March keeps 03-11. So 03-02…03-04 go.
    const kept = listBackups(dir);
    expect(kept).toEqual(['cashier-2026-03-05.db', 'cashier-2026-03-06.db', 'cashier-2026-03-07.db', 'cashier-2026-03-08.db', 'cashier-2026-03-09.db', 'cashier-2026-03-10.db', 'cashier-2026-03-11.db']);
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    // A backup is a complete, readable database with the sale in it.
    const copy = new Database(path.join(dir, kept.at(-1)!), { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 1 });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    h.close();
  });

  it('a month of backups keeps the older weeks too (a problem found after a week still has a copy)', async () => {
    const h = openHarness();
    await readyToSell(h);
    const dir = tempDir();
    for (let day = 0; day < 30; day++) await runDailyBackup(h.file, dir, { now: T0 + day * DAY, timezone: 'Asia/Shanghai' });
    const kept = listBackups(dir);
    // Today 2026-03-31 (a Tuesday): 7 daily (03-25…03-31) + the newest of the two older of the 4 weeks
    // (Sundays 03-22, 03-15); the week of 03-02 is the fifth, March's newest is 03-31.
    expect(kept).toContain('cashier-2026-03-22.db');
    expect(kept).toContain('cashier-2026-03-15.db');
    expect(kept).not.toContain('cashier-2026-03-08.db');
    expect(kept).not.toContain('cashier-2026-03-20.db');
    expect(kept.length).toBe(9);
    h.close();
  });

  it('a copy that fails the ledger check is deleted and reported, never given a backup name', async () => {
    const h = openHarness();
    await readyToSell(h);
    await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] });
    h.backend.db.prepare('UPDATE queues SET extracted_fen = extracted_fen + 7').run();
    const dir = tempDir();
    const dest = path.join(dir, 'cashier-2026-03-02.db');
    await expect(writeVerifiedBackup(h.file, dest)).rejects.toThrow(BackupCheckError);
    await expect(runDailyBackup(h.file, dir, { now: T0 })).rejects.toThrow(/Σ extracted/);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    h.close();
  });

  it('files that are not backups are never rotated away', async () => {
    const h = openHarness();
    const dir = tempDir();
    writeFileSync(path.join(dir, 'notes.db'), 'keep me');
    for (let day = 0; day < 9; day++) await runDailyBackup(h.file, dir, { now: T0 + day * DAY });
    expect(readdirSync(dir)).toContain('notes.db');
    expect(listBackups(dir)).toHaveLength(7);
    h.close();
  });
});

describe("today's backup around midnight: the main thread and the worker agree", () => {
  // The main thread asks "was today's backup taken?" (if not, the backup needs room on the disk); the worker
  // asks it again to decide whether to write one. Both must answer by one reading of the register's clock.
  const MIDNIGHT = Date.parse('2026-03-03T00:00:00+08:00');
  afterEach(() => {
    vi.useRealTimers();
  });

  async function backupAcrossMidnight(taken: number[]) {
    const h = openHarness();
    const dir = path.join(tempDir(), 'backups');
    for (const at of taken) await runDailyBackup(h.file, dir, { now: at, timezone: 'Asia/Shanghai' });
    const room = vi.spyOn(h.backend.storage, 'backupRoomProblem').mockReturnValue(null);
    // The register's clock crosses midnight as the backup starts: 1 ms before it at the first reading, after it
    // at every later one. The main thread's own Date says yesterday, the worker's says the real date (2026-12…):
    // neither may decide.
    let readings = 0;
    Object.defineProperty(h.clock, 'now', { get: () => (readings++ === 0 ? MIDNIGHT - 1 : MIDNIGHT + 1_000) });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(MIDNIGHT - DAY);
    const result = await new BackgroundCheck(h.backend, h.file).backup(dir);
    vi.useRealTimers();
    const neededRoom = room.mock.calls.length > 0;
    h.close();
    return { neededRoom, created: result.backup?.created ?? null, files: listBackups(dir) };
  }

  it("taken before midnight: no room asked, and the worker takes none", async () => {
    const r = await backupAcrossMidnight([T0]);
    expect(r.neededRoom).toBe(r.created !== null);
    expect(r).toEqual({ neededRoom: false, created: null, files: ['cashier-2026-03-02.db'] });
  });

  it("not taken yet: room asked, and the worker takes the day the room was asked for", async () => {
    const r = await backupAcrossMidnight([T0 - DAY]);
    expect(r.neededRoom).toBe(r.created !== null);
    expect(r.neededRoom).toBe(true);
    expect(path.basename(r.created!)).toBe('cashier-2026-03-02.db');
    expect(r.files).toEqual(['cashier-2026-03-01.db', 'cashier-2026-03-02.db']);
  });
});

describe('the backup copy flushed in pieces', () => {
  it('copies every byte, a piece at a time, and leaves the event loop free between pieces', async () => {
    const dir = tempDir();
    const from = path.join(dir, 'copy-source.bin');
    // 2.5 pieces of 64 KiB with a pattern that shows a dropped, doubled or shifted piece.
    const source = Buffer.alloc(64 * 1024 * 2 + 32 * 1024 + 7);
    for (let i = 0; i < source.length; i++) source[i] = (i * 31 + (i >> 16)) & 0xff;
    writeFileSync(from, source);
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    const pieces = await copyFlushingInPieces(from, path.join(dir, 'copy.bin'), 64 * 1024);
    clearInterval(ticker);
    expect(pieces).toBe(3);
    expect(readFileSync(path.join(dir, 'copy.bin')).equals(source)).toBe(true);
    // The pause between pieces lets timers (the counter's work) run while a large backup is flushed.
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(await copyFlushingInPieces(path.join(dir, 'copy.bin'), path.join(dir, 'copy2.bin'), 1024 * 1024)).toBe(1);
    writeFileSync(path.join(dir, 'empty.bin'), Buffer.alloc(0));
    expect(await copyFlushingInPieces(path.join(dir, 'empty.bin'), path.join(dir, 'empty-copy.bin'), 1024)).toBe(0);
    expect(readFileSync(path.join(dir, 'empty-copy.bin')).length).toBe(0);
  });
});
