/**
 * The refusal page in Chromium (docs/security.md §5): a register that had a
 * manager and a sale, backed up, whose cashier.db is then gone. The page's
 * `window.cashier` is answered by the real StartupGate (what the Electron
 * shell uses), so the restore really copies, checks and opens the backup.
 * Used by test/e2e/refusal.e2e.test.ts and scripts/screenshots.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import type { StatusSnapshot } from '../../shared/contract';
import { runDailyBackup } from '../../electron/backend/app/backups';
import { createCommandHandler, StatusPublisher } from '../../electron/backend/app/handlers';
import { StartupGate } from '../../electron/backend/app/recovery';
import { RegisterBackend } from '../../electron/backend/app/register';
import { counterContext, INSTALL_CASHIER_API, launchChromium, quietLogger, startRenderer, TEST_PHONE_KEY } from './harness';
import { rendererUrl } from './renderer-server';

export const REFUSAL_MANAGER_PIN = '2468';
const CHEAP = { N: 1024, r: 8, p: 1 };

export interface RefusalHarness {
  dir: string;
  dbFile: string;
  gate: StartupGate;
  page: Page;
  url: string;
  close(): Promise<void>;
}

/** A register with a manager (PIN 2468), one sale and two daily backups, then its database deleted. */
export async function lostRegister(dir: string): Promise<{ dbFile: string; backups: string }> {
  const dbFile = path.join(dir, 'cashier.db');
  const backups = path.join(dir, 'backups');
  const backend = RegisterBackend.open(dbFile, { logger: quietLogger, scryptCost: CHEAP, phoneKey: TEST_PHONE_KEY });
  const handle = createCommandHandler(backend, quietLogger);
  const ok = async (name: string, input: unknown) => {
    const r = await handle(name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value;
  };
  await ok('setup.createManager', { name: '陈店长', pin: REFUSAL_MANAGER_PIN });
  await ok('shift.open', { openingFloatFen: 50_000 });
  await runDailyBackup(dbFile, backups, { now: Date.parse('2026-03-01T21:00:00+08:00') });
  await ok('checkout.submit', { amountDueFen: 12_800, memberId: null, tenders: [{ kind: 'cash', amountFen: 12_800 }] });
  await runDailyBackup(dbFile, backups, { now: Date.parse('2026-03-02T21:00:00+08:00') });
  backend.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
  return { dbFile, backups };
}

export async function startRefusalHarness(options: { viewport?: { width: number; height: number } } = {}): Promise<RefusalHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qrc-refusal-'));
  const { dbFile, backups } = await lostRegister(dir);
  const listeners: ((s: StatusSnapshot) => void)[] = [];
  let publisher: StatusPublisher | null = null;
  const gate = new StartupGate(
    { db: dbFile, backups },
    {
      logger: quietLogger,
      scryptCost: CHEAP,
      phoneKey: TEST_PHONE_KEY,
      onOpen: (backend) => {
        publisher = new StatusPublisher(backend, quietLogger);
        for (const l of listeners) publisher.subscribe(l);
      },
    },
  );
  gate.start();
  let server: PreviewServer | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    (publisher as StatusPublisher | null)?.close();
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
    gate.backend?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startRenderer();
    const url = rendererUrl(server);
    browser = await launchChromium();
    const context = await counterContext(browser, options.viewport);
    await context.exposeBinding('__cashierInvoke', async (_source, name: unknown, input: unknown) => gate.handle(name, input));
    await context.addInitScript({ content: INSTALL_CASHIER_API });
    listeners.push((status) => {
      for (const p of context.pages()) p.evaluate(`window.__cashierStatus?.(${JSON.stringify(status)})`).catch(() => {});
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    return { dir, dbFile, gate, page, url, close };
  } catch (error) {
    await close();
    throw error;
  }
}
