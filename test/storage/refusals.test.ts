/**
 * A write the disk refuses, on the register's own connection, always run
 * (no mount needed): `PRAGMA max_page_count` caps the database file, so
 * SQLite itself answers SQLITE_FULL mid-checkout — a real SQLite error, no
 * mock. The refusal is code 'storage' with storage.full (in Chinese, what to
 * do), nothing changed, the banner says so at once, and the next checkout
 * after room is given back goes through on the same connection.
 * Plus the classification of SQLite's and Node's codes (storage-faults.ts).
 */
import { describe, expect, it } from 'vitest';
import { StorageMonitor } from '../../electron/backend/app/storage';
import { storageFault, storageRefusal } from '../../electron/backend/app/storage-faults';
import { statSync } from 'node:fs';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { messageText } from '../../renderer/i18n/messages';
import { addMember, dbHash, openHarness, readyToSell } from '../app/helpers';
import type { Harness } from '../app/helpers';

const sale = (memberId: string | null = 'M1') => ({ amountDueFen: 12_345, memberId, tenders: [{ kind: 'cash' as const, amountFen: 12_345 }] });

function counts(h: Harness) {
  const one = (sql: string) => h.backend.db.prepare(sql).pluck().get() as number;
  return {
    orders: one('SELECT count(*) FROM orders'),
    entries: one('SELECT count(*) FROM entries'),
    outbox: one('SELECT count(*) FROM outbox'),
    printJobs: one('SELECT count(*) FROM print_jobs'),
    waiting: h.backend.status().queue.waiting,
  };
}

describe('a checkout the disk refuses (SQLITE_FULL through max_page_count)', () => {
  it('is refused with storage.full in Chinese, changes nothing, and the next checkout after room returns succeeds', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'M1', maskedPhone: '138****0001' });
    await h.ok('checkout.submit', sale());
    // The database may not grow by a single page from here on.
    const pages = h.backend.db.pragma('page_count', { simple: true }) as number;
    h.backend.db.pragma(`max_page_count = ${pages}`);
    let refused: Awaited<ReturnType<typeof h.call<'checkout.submit'>>> | null = null;
    let before = dbHash(h.backend.db);
    let countsBefore = counts(h);
    // Free pages inside the file may take a sale or two first; within 50 the file must need a page.
    for (let i = 0; i < 50 && !refused; i++) {
      before = dbHash(h.backend.db);
      countsBefore = counts(h);
      const r = await h.call('checkout.submit', sale());
      if (!r.ok) refused = r;
    }
    expect(refused, 'a capped database never refused a checkout').not.toBeNull();
    if (!refused || refused.ok) return;
    expect(refused.error.code).toBe('storage');
    expect(refused.error.reason).toEqual({ code: 'storage.full', params: {} });
    const zh = messageText(refused.error.reason, 'zh-CN');
    expect(zh).toContain('磁盘空间已满');
    expect(zh).toContain('没有保存');
    expect(zh).toContain('清理磁盘');
    // SQLite's English is not what the screen gets.
    expect(refused.error.message).not.toMatch(/SQLITE|database or disk is full/);
    // Nothing changed: every table, the line, the outbox, the print jobs.
    expect(dbHash(h.backend.db)).toBe(before);
    expect(counts(h)).toEqual(countsBefore);
    // The banner knows at once (not at the next 30-second look at the disk).
    const storage = h.backend.status().storage!;
    expect(storage.fault?.kind).toBe('full');

    // Room again (the manager freed space): the same connection, no restart.
    h.backend.db.pragma('max_page_count = 1073741823');
    const next = await h.ok('checkout.submit', sale());
    expect(next.amountDueFen).toBe(12_345);
    expect(counts(h).orders).toBe(countsBefore.orders + 1);
    expect(h.backend.status().storage!.fault).toBeNull();
    expect(verifyDatabase(h.backend.db)).toEqual([]);
    h.close();
  });

  it('a manager command refused the same way says so too (storage.full, nothing written)', async () => {
    const h = openHarness();
    await readyToSell(h);
    const pages = h.backend.db.pragma('page_count', { simple: true }) as number;
    h.backend.db.pragma(`max_page_count = ${pages}`);
    // Adding cashiers until the capped file needs a page: each is one transaction.
    let refused = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const before = dbHash(h.backend.db);
      const r = await h.call('cashiers.create', { name: `收银员${i}`, pin: '1357', role: 'cashier', managerPin: '2468' });
      if (!r.ok) {
        refused = r.error;
        expect(dbHash(h.backend.db)).toBe(before);
      }
    }
    expect(refused?.code).toBe('storage');
    expect(refused?.reason.code).toBe('storage.full');
    h.close();
  });
});

describe('a register whose connection may not write (SQLITE_READONLY through query_only)', () => {
  it('refuses with storage.readOnly, changes nothing, says so on the banner until a write succeeds again', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'M1', maskedPhone: '138****0001' });
    await h.ok('checkout.submit', sale());
    h.backend.db.pragma('query_only = ON');
    const before = dbHash(h.backend.db);
    const refused = await h.call('checkout.submit', sale());
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('storage');
    expect(refused.error.reason.code).toBe('storage.readOnly');
    expect(messageText(refused.error.reason, 'zh-CN')).toMatch(/^数据文件夹无法写入.*没有保存（数据没有改动）.*联系技术支持/);
    expect(dbHash(h.backend.db)).toBe(before);
    const storage = h.backend.status().storage!;
    expect(storage.state).toBe('fault');
    expect(storage.problem?.code).toBe('storage.bannerReadOnly');
    h.backend.db.pragma('query_only = OFF');
    await h.ok('checkout.submit', sale());
    expect(h.backend.status().storage!.state).not.toBe('fault');
    h.close();
  });
});

describe('storage faults: what SQLite and Node say, sorted', () => {
  const sqlite = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  const errno = (code: string, file?: string) => Object.assign(new Error(`${code}: something`), { code, ...(file ? { path: file } : {}) });

  it('sorts SQLite result codes', () => {
    expect(storageFault(sqlite('SQLITE_FULL'))).toBe('full');
    expect(storageFault(sqlite('SQLITE_IOERR'))).toBe('io');
    expect(storageFault(sqlite('SQLITE_IOERR_WRITE'))).toBe('io');
    expect(storageFault(sqlite('SQLITE_IOERR_SHMSIZE'))).toBe('full');
    expect(storageFault(sqlite('SQLITE_READONLY'))).toBe('read-only');
    expect(storageFault(sqlite('SQLITE_READONLY_DBMOVED'))).toBe('read-only');
    expect(storageFault(sqlite('SQLITE_CORRUPT'))).toBe('corrupt');
    expect(storageFault(sqlite('SQLITE_NOTADB'))).toBe('corrupt');
    expect(storageFault(sqlite('SQLITE_CONSTRAINT_CHECK'))).toBeNull();
    expect(storageFault(sqlite('SQLITE_BUSY'))).toBeNull();
  });

  it('sorts Node errno codes; a permission error counts only inside the data folder', () => {
    expect(storageFault(errno('ENOSPC'))).toBe('full');
    expect(storageFault(errno('EIO'))).toBe('io');
    expect(storageFault(errno('EROFS'))).toBe('read-only');
    expect(storageFault(errno('EACCES', '/data/register/backups/x.db'), '/data/register')).toBe('read-only');
    expect(storageFault(errno('EACCES', '/dev/usb/lp0'), '/data/register')).toBeNull();
    expect(storageFault(errno('EACCES'), '/data/register')).toBeNull();
    expect(storageFault(errno('ECONNREFUSED'))).toBeNull();
  });

  it('recognises the wording of errors that crossed a worker thread, and causes', () => {
    expect(storageFault(new Error('database or disk is full'))).toBe('full');
    expect(storageFault(new Error("ENOSPC: no space left on device, write"))).toBe('full');
    expect(storageFault(new Error('disk I/O error'))).toBe('io');
    expect(storageFault(new Error('attempt to write a readonly database'))).toBe('read-only');
    expect(storageFault(new Error('database disk image is malformed'))).toBe('corrupt');
    expect(storageFault(new Error('wrapped', { cause: sqlite('SQLITE_FULL') }))).toBe('full');
    expect(storageFault(new Error('tender short'))).toBeNull();
  });

  it('every refusal says in Chinese what happened and what to do next', () => {
    const texts = (['full', 'io', 'read-only', 'corrupt'] as const).map((f) => messageText(storageRefusal(f), 'zh-CN'));
    expect(texts[0]).toMatch(/磁盘空间已满.*清理磁盘/);
    expect(texts[1]).toMatch(/读写磁盘出错.*重试.*技术支持/);
    expect(texts[2]).toMatch(/无法写入.*技术支持/);
    expect(texts[3]).toMatch(/损坏.*从备份恢复/);
    for (const t of texts) expect(t).not.toMatch(/[A-Za-z]/);
  });
});

describe('the disk watch (storage.ts)', () => {
  it('warns below the low threshold: room for the backup (2 × the database) and 30 days of growth above critical', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'M1', maskedPhone: '138****0001' });
    await h.ok('checkout.submit', sale());
    const size = (f: string) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    };
    const db = size(h.file) + size(`${h.file}-wal`);
    // The register's first order is now: its growth is counted over a week (no backups yet).
    const watch = new StorageMonitor(h.backend, { criticalBytes: 1000, lowFloorBytes: 0 });
    const ok = watch.refresh();
    expect(ok.lowBytes).toBe(Math.ceil(1000 + 2 * db + (30 * db) / 7));
    expect(ok.freeBytes).toBeGreaterThan(ok.lowBytes);
    expect(ok.state).toBe('ok');
    // A disk with less free than the floor: low, with how much is left, in Chinese.
    const low = new StorageMonitor(h.backend, { lowFloorBytes: Number.MAX_SAFE_INTEGER }).refresh();
    expect(low.state).toBe('low');
    expect(low.problem).toEqual({ code: 'storage.low', params: { freeBytes: low.freeBytes } });
    expect(messageText(low.problem, 'zh-CN')).toMatch(/^磁盘空间不足：收银数据所在的磁盘只剩 [\d,.]+ (MB|GB)。请店长尽快清理磁盘/);
    // Below critical it is critical.
    expect(new StorageMonitor(h.backend, { criticalBytes: Number.MAX_SAFE_INTEGER }).refresh().state).toBe('critical');
    h.close();
  });

  it('an I/O fault stays until a write commits; the fault is pushed at once to listeners', async () => {
    const h = openHarness();
    await readyToSell(h);
    let pushed = 0;
    h.backend.storage.onFault(() => pushed++);
    h.backend.storage.noteFault('io');
    expect(pushed).toBe(1);
    const s = h.backend.status().storage!;
    expect(s.state).toBe('fault');
    expect(messageText(s.problem, 'zh-CN')).toMatch(/刚才读写磁盘出错/);
    expect(h.backend.status().storage!.state).toBe('fault');
    await h.ok('checkout.submit', sale(null));
    expect(h.backend.status().storage!.fault).toBeNull();
    h.close();
  });
});
