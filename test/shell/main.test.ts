/**
 * electron/shell/main.ts with 'electron' mocked: the start-up decision,
 * the one window (preload, remembered bounds, kiosk), the IPC bridge (only
 * our window's top frame), status pushes, and the refusal page.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL, IPC_STATUS_CHANNEL, type StatusSnapshot } from '../../shared/contract';
import { openDatabase } from '../../electron/backend/store/database';
import { runDailyBackup } from '../../electron/backend/app/backups';
import { tempDir } from '../app/helpers';
import { fake, type FakeWindow } from './fake-electron';

vi.mock('electron', async () => {
  const { fake: f } = await import('./fake-electron');
  return { ...f.electron, default: f.electron };
});

type Invoke = (event: unknown, name: unknown, payload: unknown) => Promise<unknown>;

/** The shell booted last (each boot imports a fresh main module). */
let shell: typeof import('../../electron/shell/main') | null = null;

async function boot(userData: string): Promise<typeof import('../../electron/shell/main')> {
  fake.state.userData = userData;
  fake.state.windows.length = 0;
  fake.state.ipcHandlers.clear();
  fake.state.appHandlers.clear();
  vi.resetModules();
  shell = await import('../../electron/shell/main');
  await new Promise((r) => setTimeout(r, 50)); // whenReady().then(startApp)
  return shell;
}

/**
 * Quits as Electron would and waits until the register has closed: its start-up backup (a worker thread)
 * finished and its database closed — before the test's data folder is deleted under it (that failed the
 * backup, "backup failed … the directory does not exist" in the log).
 */
async function quit(): Promise<{ prevented: boolean }> {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) };
  fake.state.appHandlers.get('before-quit')?.(event);
  await shell?.whenClosed();
  return event;
}

const trusted = (win: FakeWindow) => ({ sender: win.webContents, senderFrame: win.webContents.mainFrame });

afterEach(async () => {
  await quit();
});

describe('the Electron main process', () => {
  it('opens the register: DB in userData, one hardened window with the preload, IPC answered from the real backend', async () => {
    const dir = tempDir();
    const main = await boot(dir);
    expect(existsSync(path.join(dir, 'cashier.db'))).toBe(true);
    expect(fake.state.windows).toHaveLength(1);
    const win = fake.state.windows[0]!;
    expect(win.options).toMatchObject({ width: 1280, height: 800, kiosk: false, fullscreen: false });
    expect(win.options['webPreferences']).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: main.PRELOAD_PATH });
    expect(win.loaded).toEqual([`file:${main.RENDERER_INDEX}`]);

    const invoke = fake.state.ipcHandlers.get(IPC_INVOKE_CHANNEL) as Invoke;
    const status = (await invoke(trusted(win), 'app.status', {})) as { ok: true; value: StatusSnapshot };
    expect(status).toMatchObject({ ok: true, value: { queueId: 'register-1', cashier: null } });
    expect(await invoke(trusted(win), 'checkout.submit', { amountDueFen: 1.5 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    // A committed command pushes the new status to the window.
    await invoke(trusted(win), 'setup.createManager', { name: '店长', pin: '2468' });
    const pushes = win.sent.filter(([channel]) => channel === IPC_STATUS_CHANNEL).map(([, s]) => s as StatusSnapshot);
    expect(pushes.at(-1)?.cashier?.name).toBe('店长');

    // Today's backup was taken at start-up (in the heavy-work thread, after the full ledger check: give it time on a loaded machine).
    for (let i = 0; i < 600 && !existsSync(path.join(dir, 'backups')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(path.join(dir, 'backups'))).toBe(true);

    // Closing the window remembers its bounds.
    win.emit('close');
    expect(JSON.parse(readFileSync(path.join(dir, 'window-state.json'), 'utf8'))).toMatchObject({ width: 1280, height: 800 });
  });

  it('holds the quit until the register has closed (workers stopped, the WAL in the file), then quits again', async () => {
    const dir = tempDir();
    await boot(dir);
    const win = fake.state.windows[0]!;
    const invoke = fake.state.ipcHandlers.get(IPC_INVOKE_CHANNEL) as Invoke;
    await invoke(trusted(win), 'setup.createManager', { name: '店长', pin: '2468' });
    const before = fake.state.quit;
    const beforeQuit = fake.state.appHandlers.get('before-quit')!;
    const first = { prevented: false, preventDefault: () => (first.prevented = true) };
    beforeQuit(first);
    // Electron would quit the moment the handler returns: it must not.
    expect(first.prevented).toBe(true);
    const again = { prevented: false, preventDefault: () => (again.prevented = true) };
    beforeQuit(again); // a second Ctrl+Q while closing: still held, no second close
    expect(again.prevented).toBe(true);
    expect(fake.state.quit).toBe(before);
    await shell!.whenClosed();
    expect(fake.state.quit).toBe(before + 1);
    // The quit it asks for goes through.
    const last = { prevented: false, preventDefault: () => (last.prevented = true) };
    beforeQuit(last);
    expect(last.prevented).toBe(false);
    // Closed last, the counter's connection checkpointed the whole WAL into the file.
    const wal = path.join(dir, 'cashier.db-wal');
    expect(!existsSync(wal) || readFileSync(wal).length === 0).toBe(true);
    const db = new Database(path.join(dir, 'cashier.db'), { readonly: true });
    expect(db.prepare("SELECT name FROM cashiers WHERE role = 'manager'").all()).toEqual([{ name: '店长' }]);
    db.close();
  });

  it('refuses calls from anything but our window’s top frame showing our app', async () => {
    const main = await boot(tempDir());
    const win = fake.state.windows[0]!;
    const invoke = fake.state.ipcHandlers.get(IPC_INVOKE_CHANNEL) as Invoke;
    const other = { send: () => {}, mainFrame: { url: win.webContents.mainFrame.url } };
    expect(() => invoke({ sender: other, senderFrame: other.mainFrame }, 'app.status', {})).toThrow(/refused/);
    expect(() => invoke({ sender: win.webContents, senderFrame: { url: win.webContents.mainFrame.url } }, 'app.status', {})).toThrow(/refused/);
    win.webContents.mainFrame.url = 'https://evil.example/';
    expect(() => invoke(trusted(win), 'app.status', {})).toThrow(/refused/);
    expect(main.isTrustedSender(trusted(win) as never, null)).toBe(false);
  });

  it('restores the remembered bounds and honours kiosk from app_meta', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'cashier.db'));
    db.prepare("INSERT INTO app_meta (key, value) VALUES ('window.kiosk', 'on')").run();
    db.close();
    writeFileSync(path.join(dir, 'window-state.json'), JSON.stringify({ width: 1500, height: 950, x: 40, y: 30, maximized: true }));
    await boot(dir);
    const win = fake.state.windows[0]!;
    expect(win.options).toMatchObject({ width: 1500, height: 950, x: 40, y: 30, kiosk: true });
    expect(win.maximized).toBe(true);
  });

  it('a ledger that fails verify: shows the refusal page and never opens the register', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'cashier.db'));
    db.close();
    // A queue whose counter disagrees with its (empty) ledger.
    const raw = new Database(path.join(dir, 'cashier.db'));
    raw.prepare(
      `INSERT INTO queues (id, next_seq, waiting_count, owed_fen, pool_fen, extracted_fen, paid_out_fen, undistributed_fen,
        forfeited_fen, exchanged_fen, points_issued, vouchers_issued) VALUES ('register-1', 1, 0, 0, 0, 500, 0, 500, 0, 0, 0, 0)`,
    ).run();
    raw.close();
    await boot(dir);
    expect(fake.state.windows).toHaveLength(1);
    const win = fake.state.windows[0]!;
    expect(win.loaded[0]).toMatch(/^data:text\/html/);
    expect(decodeURIComponent(win.loaded[0]!)).toContain('账目检查未通过');
    expect((win.options['webPreferences'] as Record<string, unknown>)['preload']).toBeUndefined();
    expect(fake.state.ipcHandlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });

  it('a lost database beside a backup: the renderer with the restore page, no setup, the register wired after the restore', async () => {
    const dir = tempDir();
    const first = await boot(dir);
    const invokeFirst = fake.state.ipcHandlers.get(IPC_INVOKE_CHANNEL) as Invoke;
    const win0 = fake.state.windows[0]!;
    await invokeFirst(trusted(win0), 'setup.createManager', { name: '店长', pin: '2468' });
    expect(first).toBeTruthy();
    await quit();
    await new Promise((r) => setTimeout(r, 300));
    // Today's start-up backup was taken before anyone was set up: take one with the manager in it.
    rmSync(path.join(dir, 'backups'), { recursive: true, force: true });
    await runDailyBackup(path.join(dir, 'cashier.db'), path.join(dir, 'backups'));
    for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(dir, `cashier.db${suffix}`), { force: true });

    await boot(dir);
    const win = fake.state.windows[0]!;
    expect(win.loaded[0]).toMatch(/^file:.*index\.html$/);
    const invoke = fake.state.ipcHandlers.get(IPC_INVOKE_CHANNEL) as Invoke;
    const state = (await invoke(trusted(win), 'startup.state', {})) as { ok: true; value: { mode: string; backupDays: string[] } };
    expect(state.value.mode).toBe('refused');
    expect(await invoke(trusted(win), 'setup.createManager', { name: '路人', pin: '1111' })).toMatchObject({ ok: false, error: { rule: 'startup-refused' } });
    expect(existsSync(path.join(dir, 'cashier.db'))).toBe(false);
    expect(await invoke(trusted(win), 'startup.restore', { backupDay: state.value.backupDays[0], managerPin: '2468' })).toMatchObject({ ok: true });
    expect(await invoke(trusted(win), 'cashiers.list', {})).toMatchObject({ ok: true, value: [{ name: '店长' }] });
    await invoke(trusted(win), 'session.signIn', { cashierId: ((await invoke(trusted(win), 'cashiers.list', {})) as { value: { id: string }[] }).value[0]!.id, pin: '2468' });
    const pushes = win.sent.filter(([channel]) => channel === IPC_STATUS_CHANNEL).map(([, s]) => s as StatusSnapshot);
    expect(pushes.at(-1)?.cashier?.name).toBe('店长');
  });

  it('display mode: flags or app_meta', async () => {
    const main = await boot(tempDir());
    expect(main.displayMode(['electron', '.', '--kiosk'], () => undefined)).toEqual({ kiosk: true, fullscreen: false });
    expect(main.displayMode([], (k) => (k === 'window.fullscreen' ? 'true' : undefined))).toEqual({ kiosk: false, fullscreen: true });
    expect(main.displayMode([], () => 'off')).toEqual({ kiosk: false, fullscreen: false });
  });
});

describe('files the page saves (docs/security.md §2)', () => {
  it('only blob: downloads, always through the save dialog, named by their last segment only', async () => {
    await boot(tempDir());
    const willDownload = fake.state.sessionHandlers.get('will-download')!;
    expect(willDownload).toBeDefined();
    const download = (url: string, filename: string) => {
      const calls: { prevented: boolean; dialog: Record<string, unknown> | null; savePath: string | null } = { prevented: false, dialog: null, savePath: null };
      const item = {
        getURL: () => url,
        getFilename: () => filename,
        setSaveDialogOptions: (o: Record<string, unknown>) => (calls.dialog = o),
        setSavePath: (p: string) => (calls.savePath = p),
      };
      willDownload({ preventDefault: () => (calls.prevented = true) }, item);
      return calls;
    };
    expect(download('https://evil.example/payload.exe', 'payload.exe')).toMatchObject({ prevented: true, dialog: null, savePath: null });
    expect(download('file:///etc/passwd', 'passwd')).toMatchObject({ prevented: true });
    const csv = download('blob:file:///a1b2', '..\\..\\cashier.db');
    expect(csv).toMatchObject({ prevented: false, savePath: null });
    expect(csv.dialog?.['defaultPath']).toBe(path.join('/home/cashier/Documents', 'cashier.db'));
    expect(download('blob:file:///a1b2', '../../x/订单.csv').dialog?.['defaultPath']).toBe(path.join('/home/cashier/Documents', '订单.csv'));
  });
});

describe('packaged builds (docs/security.md §6)', () => {
  it('remove the default menu and turn DevTools off; development keeps both', async () => {
    fake.state.menus.length = 0;
    await boot(tempDir());
    expect(fake.state.menus).toEqual([]);
    expect(fake.state.windows[0]?.options['webPreferences']).toMatchObject({ devTools: true });
    await quit();
    (fake.electron.app as { isPackaged: boolean }).isPackaged = true;
    try {
      await boot(tempDir());
      expect(fake.state.menus).toEqual([null]);
      expect(fake.state.windows[0]?.options['webPreferences']).toMatchObject({ devTools: false });
      await quit();
    } finally {
      (fake.electron.app as { isPackaged: boolean }).isPackaged = false;
    }
  });
});
