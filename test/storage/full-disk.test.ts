/**
 * The register on a REAL full disk (docs/store.md "A full or failing
 * disk"): a small tmpfs (test/support/small-disk.ts) holds cashier.db and
 * its backups folder; a filler file takes every free block. Then, on the
 * real register backend:
 *   - the disk watch says critical, then (after the refusal) full;
 *   - a checkout is refused with storage.full and nothing changes (every
 *     table, the line, the outbox, the print jobs);
 *   - the daily backup is refused for want of room (backup.noRoom, in the
 *     manager's view), and a backup forced onto the full disk fails without
 *     leaving any file behind;
 *   - the print worker keeps its job (not done, not dropped) and prints it
 *     once the space is back;
 *   - start-up on the full disk opens the register for reading;
 *   - the filler deleted, the next checkout succeeds on the same backend,
 *     no restart.
 * Skipped, with the reason in the test's name, where tmpfs cannot be mounted.
 */
import { copyFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDailyBackup } from '../../electron/backend/app/backups';
import { BackgroundCheck } from '../../electron/backend/app/full-check';
import { createCommandHandler } from '../../electron/backend/app/handlers';
import { startupErrorHtml } from '../../electron/backend/app/refusal-page';
import { retryWhileDiskFull, startRegister } from '../../electron/backend/app/startup';
import { backupFailure } from '../../electron/backend/app/storage-faults';
import { PrintWorker } from '../../electron/backend/printing/worker';
import type { PrinterTransport } from '../../electron/backend/printing/transport';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { messageText } from '../../renderer/i18n/messages';
import { addMember, CHEAP_SCRYPT, dbHash, openHarness, quietLogger, readyToSell, T0, TEST_PHONE_KEY, type Harness } from '../app/helpers';
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../support/small-disk';

const unavailable = smallDiskUnavailable();
const MB = 1024 * 1024;
/** Thresholds scaled to a 24 MB disk: critical below 1 MB, warn below 2 MB (no growth term: the register is minutes old). */
const STORAGE = { criticalBytes: 1 * MB, lowFloorBytes: 2 * MB, growthDays: 0, intervalMs: 30_000 };

const sale = () => ({ amountDueFen: 8_800, memberId: 'M1', tenders: [{ kind: 'wechat' as const, amountFen: 8_800 }] });

function snapshot(h: Harness) {
  const one = (sql: string) => h.backend.db.prepare(sql).pluck().get() as number;
  return {
    hash: dbHash(h.backend.db),
    orders: one('SELECT count(*) FROM orders'),
    outbox: one('SELECT count(*) FROM outbox'),
    printJobs: one('SELECT count(*) FROM print_jobs'),
    line: h.backend.status().queue,
  };
}

let disk: SmallDisk | null = null;
const open: Harness[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
  disk?.cleanup();
  disk = null;
});

describe.skipIf(unavailable)(unavailable ? `a full disk (tmpfs) — skipped: ${unavailable}` : 'a full disk (tmpfs)', () => {
  it('refuses a checkout with storage.full, changes nothing, refuses the backup cleanly, and sells again once space is freed', async () => {
    disk = mountSmallDisk(24 * 1024);
    const file = path.join(disk.dir, 'cashier.db');
    const backupsDir = path.join(disk.dir, 'backups');
    const h = openHarness(file, { now: T0 }, { storage: STORAGE });
    open.push(h);
    await readyToSell(h);
    addMember(h.backend.db, { id: 'M1', maskedPhone: '138****0001' });
    await h.ok('checkout.submit', sale());
    await h.ok('checkout.submit', sale());
    expect(h.backend.storage.refresh().state).toBe('ok');

    disk.fill();
    expect(disk.freeBytes()).toBeLessThan(64 * 1024);
    // The watch reads the disk at most every 30 s: the cached reading still says ok…
    expect(h.backend.status().storage!.state).toBe('ok');
    // …and the next look says critical, in Chinese, with how much is left and what to do.
    const critical = h.backend.storage.refresh();
    expect(critical.state).toBe('critical');
    expect(messageText(critical.problem, 'zh-CN')).toMatch(/^磁盘空间快用完了：只剩 不到 1 MB，.*清理磁盘.*技术支持/);

    const before = snapshot(h);
    const refused = await h.call('checkout.submit', sale());
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('storage');
    expect(refused.error.reason.code).toBe('storage.full');
    expect(snapshot(h)).toEqual(before);
    // Twice: a refused write leaves nothing half-done that the next one trips over.
    expect((await h.call('checkout.submit', sale())).ok).toBe(false);
    expect(snapshot(h)).toEqual(before);
    const full = h.backend.status().storage!;
    expect(full.state).toBe('fault');
    expect(full.problem?.code).toBe('storage.bannerFull');
    expect(messageText(full.problem, 'zh-CN')).toContain('清理后直接重试即可，不用重启');
    // Sync failing too (it writes since when it fails): the status, disk banner and all, still comes out.
    h.backend.setStatusSources({ sync: () => ({ connection: 'offline', lastSyncAt: null, waiting: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:443', problem: null }) });
    const both = h.backend.status();
    expect(both.sync.failingSince).toBe(T0);
    expect(both.storage!.state).toBe('fault');
    expect(snapshot(h)).toEqual(before);

    // The daily backup: not started (no room beside the counter's), the reason kept for the manager.
    const check = new BackgroundCheck(h.backend, file);
    await expect(check.backup(backupsDir)).rejects.toThrow(/not enough free disk space/);
    const backupFailed = h.backend.status().storage!.backupFailed;
    expect(backupFailed?.reason.code).toBe('backup.noRoom');
    expect(messageText(backupFailed!.reason, 'zh-CN')).toMatch(/今天的备份没有做：备份需要约 .+ 的空闲空间，磁盘只剩 不到 1 MB/);
    // Forced onto the full disk anyway, it fails as full and leaves no file behind.
    const forced = await runDailyBackup(file, backupsDir, { now: T0 }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(forced).not.toBeNull();
    expect(backupFailure(forced).code).toBe('backup.failedFull');
    expect(readdirSync(backupsDir)).toEqual([]);
    expect(readdirSync(disk.dir).filter((n) => n.includes('partial') || n.includes('writing'))).toEqual([]);
    expect(snapshot(h)).toEqual(before);

    // Space back: no restart, the same backend sells again and the banner goes.
    disk.free();
    expect(h.backend.storage.refresh().state).toBe('ok');
    const next = await h.ok('checkout.submit', sale());
    expect(next.amountDueFen).toBe(8_800);
    expect(snapshot(h).orders).toBe(before.orders + 1);
    expect(h.backend.status().storage!.fault).toBeNull();
    // And the backup that was refused now goes through, and clears the manager's notice.
    await check.backup(backupsDir);
    expect(readdirSync(backupsDir)).toHaveLength(1);
    expect(h.backend.status().storage!.backupFailed).toBeNull();
    // Today's backup taken, the hourly look needs no room: a full disk then is no backup failure.
    disk.fill();
    h.backend.storage.refresh();
    await check.backup(backupsDir);
    expect(h.backend.status().storage!.backupFailed).toBeNull();
    disk.free();
    expect(verifyDatabase(h.backend.db)).toEqual([]);
  });

  it('the print worker keeps its job on a full disk (never done, never dropped) and prints it once space is back', async () => {
    disk = mountSmallDisk(24 * 1024);
    const h = openHarness(path.join(disk.dir, 'cashier.db'), { now: T0 }, { storage: STORAGE });
    open.push(h);
    await readyToSell(h);
    h.backend.db.prepare("INSERT INTO app_meta (key, value) VALUES ('printer.uri', 'tcp://127.0.0.1:9') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
    const order = await h.ok('checkout.submit', { ...sale(), memberId: null });
    const sent: number[] = [];
    const filling = disk;
    // The printer takes the bytes; the disk fills while it prints, so recording "done" fails.
    const transport: PrinterTransport = {
      uri: 'tcp://127.0.0.1:9',
      send: async () => {
        sent.push(Date.now());
        if (sent.length === 1) filling.fill();
        return { status: null };
      },
      status: async () => null,
    } as unknown as PrinterTransport;
    const worker = new PrintWorker(h.backend.db, { now: () => T0 + 1000, transportFor: () => transport, idleMs: 10 });
    const job = () => h.backend.db.prepare('SELECT state, printed_at FROM print_jobs WHERE order_id = ?').get(order.orderId) as { state: string; printed_at: number | null };
    expect(job().state).toBe('pending');
    await expect(worker.step()).rejects.toThrow(/full/);
    expect(sent).toHaveLength(1);
    // On paper but not recorded: never 'done' behind the disk's back, never picked again by itself (no second original).
    expect(job().state).toBe('printing');
    await expect(worker.step()).rejects.toThrow(/full/);
    expect(sent).toHaveLength(1);
    disk.free();
    // Space back: the worker records what it printed; nothing was sent twice.
    expect(await worker.step()).toBeGreaterThanOrEqual(0);
    expect(job().state).toBe('done');
    expect(sent).toHaveLength(1);
  });

  it('start-up on a full disk: the Chinese refusal page (what to do, no stack), and the register opens by itself and sells once space is freed', async () => {
    disk = mountSmallDisk(24 * 1024);
    const file = path.join(disk.dir, 'cashier.db');
    const first = openHarness(file, { now: T0 }, { storage: STORAGE });
    await readyToSell(first);
    addMember(first.backend.db, { id: 'M1', maskedPhone: '138****0001' });
    await first.ok('checkout.submit', sale());
    first.close();
    disk.fill();
    const options = { now: () => T0 + 60_000, logger: quietLogger, scryptCost: CHEAP_SCRYPT, phoneKey: TEST_PHONE_KEY, storage: STORAGE, backupsDir: path.join(disk.dir, 'backups') };
    // A cleanly closed WAL database needs its shared-memory file made again: on a full disk SQLite cannot.
    const refused = startRegister(file, options);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused).toMatchObject({ reason: 'open-failed', storage: 'full' });
    const page = startupErrorHtml(refused, file);
    expect(page).toContain('<h1>收银台未打开：磁盘空间已满</h1>');
    expect(page).toMatch(/数据没有丢失.*请店长清理磁盘空间.*也可以重新打开收银程序/);
    expect(page).toContain('清理后收银台会自动打开');
    expect(page).not.toMatch(/\bat \S+ \(|node_modules/);
    // The shell tries again while the disk is full (every 30 s; here 20 ms): still full, still refused…
    let tries = 0;
    const opened = new Promise<ReturnType<typeof startRegister>>((resolve) => {
      retryWhileDiskFull(
        () => {
          tries++;
          return startRegister(file, options);
        },
        resolve,
        20,
      );
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(tries).toBeGreaterThan(1);
    // …space back: it opens by itself, every acknowledged sale is there, and it sells.
    disk.free();
    const decision = await opened;
    expect(decision.ok, decision.ok ? '' : decision.message).toBe(true);
    if (!decision.ok) return;
    try {
      expect(decision.backend.status().queue.waiting).toBe(1);
      const handle = createCommandHandler(decision.backend, quietLogger);
      const cashier = decision.backend.staff.listCashiers()[0]!;
      expect((await handle('session.signIn', { cashierId: cashier.id, pin: '2468' })).ok).toBe(true);
      const r = await handle('checkout.submit', sale());
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    } finally {
      decision.backend.close();
    }
  });

  it('a register killed mid-day (WAL and shared memory left behind) opens on a full disk for reading, with every acknowledged sale, and sells once space is freed', async () => {
    disk = mountSmallDisk(24 * 1024);
    const file = path.join(disk.dir, 'live.db');
    const h = openHarness(file, { now: T0 }, { storage: STORAGE });
    open.push(h);
    await readyToSell(h);
    addMember(h.backend.db, { id: 'M1', maskedPhone: '138****0001' });
    for (let i = 0; i < 3; i++) await h.ok('checkout.submit', sale());
    // What a kill leaves: the database, its WAL and its shared memory, as they are now (no checkpoint, no cleanup).
    const crashed = path.join(disk.dir, 'cashier.db');
    for (const suffix of ['', '-wal', '-shm']) copyFileSync(`${file}${suffix}`, `${crashed}${suffix}`);
    expect(statSync(`${crashed}-wal`).size).toBeGreaterThan(0);
    disk.fill();
    const decision = startRegister(crashed, { now: () => T0 + 60_000, logger: quietLogger, scryptCost: CHEAP_SCRYPT, phoneKey: TEST_PHONE_KEY, storage: STORAGE });
    expect(decision.ok, decision.ok ? '' : decision.message).toBe(true);
    if (!decision.ok) return;
    try {
      const backend = decision.backend;
      expect(backend.db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(3);
      expect(backend.status().queue.waiting).toBe(3);
      expect(backend.status().storage!.state).toMatch(/critical|fault/);
      const handle = createCommandHandler(backend, quietLogger);
      const cashier = backend.staff.listCashiers()[0]!;
      // Signing in reserves the PIN try on disk before checking it (docs/security.md §1): on a full disk it is
      // refused in Chinese (the sign-in screen's banner says what to do), never let through uncounted.
      const signIn = await handle('session.signIn', { cashierId: cashier.id, pin: '2468' });
      expect(signIn.ok).toBe(false);
      if (!signIn.ok) expect(signIn.error.reason.code).toBe('storage.full');
      expect(backend.db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(3);
      // Space freed: the same register signs in and sells, no restart.
      disk.free();
      expect((await handle('session.signIn', { cashierId: cashier.id, pin: '2468' })).ok).toBe(true);
      const r = await handle('checkout.submit', sale());
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      expect(backend.db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(4);
    } finally {
      decision.backend.close();
    }
  });
});
