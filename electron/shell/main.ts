/**
 * Electron main process — the thin shell.
 *
 * Only electron/shell/ imports 'electron' (this file, hardening.ts, the
 * preloads and the customer window; a lint rule keeps it so). Business
 * logic lives in electron/backend/ (Node only) and shared/ (pure
 * TypeScript); this file wires windows, the start-up check, backups, timers
 * and the one IPC command bridge; what windows may do is hardening.ts:
 *
 *   start: open userData/cashier.db → verify the ledger → refused? show the
 *   refusal page and never open the register : open the register window.
 *
 * Built by vite-plugin-electron to dist-electron/main.js (ESM, because
 * package.json says "type": "module"); the preload goes to
 * dist-electron/preload.cjs (CommonJS: sandboxed preloads cannot be ESM).
 */
import { app, BrowserWindow, ipcMain, Menu, safeStorage, screen, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_INVOKE_CHANNEL, IPC_STATUS_CHANNEL } from '../../shared/contract';
import {
  META,
  retryWhileDiskFull,
  StartupGate,
  startupErrorHtml,
  StatusPublisher,
  type CommandHandler,
  type RegisterBackend,
} from '../backend/app/index';
import { BackgroundCheck } from '../backend/app/full-check';
import { configureManager } from '../backend/manager/index';
import { startCheckpointThread } from '../backend/heavy/run';
import { PrintWorker } from '../backend/printing/index';
import { WalCheckpointer } from '../backend/store/wal-checkpoints';
import { loadOrCreatePhoneKey } from '../backend/members/phone-key-file';
import { CUSTOMER_DISPLAY_META, openCustomerWindow } from './customer-window';
import { devServerUrl, hardenSession, hardenWebContents, isAllowedNavigation, RENDERER_INDEX } from './hardening';
import { lockedDownWebPreferences } from './web-preferences';
import { plainSecretBox, type SecretBox } from '../backend/sync/config';
import { SyncSupervisor } from '../backend/sync/supervisor';
import { DEFAULT_WINDOW_STATE, loadWindowState, MIN_SIZE, placeOnScreens, saveWindowState, type WindowState } from './window-state';

const here = path.dirname(fileURLToPath(import.meta.url));

/** dist-electron/preload.cjs, next to the built main.js. */
export const PRELOAD_PATH = path.join(here, 'preload.cjs');

/** What windows may do (hardening.ts), exported here too for the shell's tests. */
export { appEntryUrl, CONTENT_SECURITY_POLICY, devServerUrl, guardDownloads, hardenSession, hardenWebContents, isAllowedNavigation, RENDERER_INDEX } from './hardening';

let mainWindow: BrowserWindow | null = null;

/** How long quitting waits for a backup in progress before closing the register anyway. */
const QUIT_WAITS_FOR_BACKUP_MS = 10_000;

/** The open register's close, started on before-quit: done once its workers stopped and its database closed. */
let registerClosed: Promise<void> = Promise.resolve();

/** Resolves when the register's close (started on before-quit) is done: the shell's tests wait for it before deleting the data folder. */
export function whenClosed(): Promise<void> {
  return registerClosed;
}

/** Where the register keeps its files: the user's data folder. */
export function dataPaths(dir: string = app.getPath('userData')) {
  return {
    dir,
    db: path.join(dir, 'cashier.db'),
    backups: path.join(dir, 'backups'),
    windowState: path.join(dir, 'window-state.json'),
    phoneKey: path.join(dir, 'phone-key'),
  };
}

/** Full-screen / kiosk: a command-line flag, or app_meta `window.kiosk` / `window.fullscreen` = on. */
export function displayMode(argv: readonly string[], meta: (key: string) => string | undefined): { kiosk: boolean; fullscreen: boolean } {
  const on = (value: string | undefined) => value !== undefined && ['1', 'true', 'on', 'yes'].includes(value.trim().toLowerCase());
  return {
    kiosk: argv.includes('--kiosk') || on(meta(META.kiosk)),
    fullscreen: argv.includes('--fullscreen') || on(meta(META.fullscreen)),
  };
}

const WEB_PREFERENCES = lockedDownWebPreferences(!app.isPackaged);

export interface MainWindowOptions {
  kiosk?: boolean;
  fullscreen?: boolean;
  /** The JSON file that remembers size and position; none = defaults. */
  stateFile?: string;
}

export function createMainWindow(options: MainWindowOptions = {}): BrowserWindow {
  let saved: WindowState = { ...DEFAULT_WINDOW_STATE };
  if (options.stateFile) saved = placeOnScreens(loadWindowState(options.stateFile), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    kiosk: options.kiosk ?? false,
    fullscreen: options.fullscreen ?? false,
    show: false,
    title: '排队返利收银台',
    backgroundColor: '#ffffff',
    webPreferences: { preload: PRELOAD_PATH, ...WEB_PREFERENCES },
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    if (!options.stateFile) return;
    try {
      const bounds = win.getNormalBounds();
      saveWindowState(options.stateFile, { ...bounds, maximized: win.isMaximized() });
    } catch (error) {
      console.warn('could not save the window state', error);
    }
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  const dev = devServerUrl();
  if (dev) void win.loadURL(dev);
  else void win.loadFile(RENDERER_INDEX);
  mainWindow = win;
  return win;
}

/** The refusal page (start-up verify failed): no preload, no register, just the reasons. */
export function showStartupError(html: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 900,
    height: 640,
    title: '收银台无法启动',
    backgroundColor: '#ffffff',
    webPreferences: { ...WEB_PREFERENCES },
  });
  showPage(win, html);
  mainWindow = win;
  return win;
}

/** The start-up page (a self-contained HTML document, its own CSP inside) in `win`. */
function showPage(win: BrowserWindow, html: string): void {
  void win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
}

/**
 * Packaged: Electron's default menu goes (its View menu reloads the page and
 * toggles DevTools with Ctrl+Shift+I, which would hand window.cashier to
 * anyone at the counter). Development keeps it. docs/security.md §6.
 */
export function replaceDefaultMenu(): void {
  if (app.isPackaged) Menu.setApplicationMenu(null);
}

/** Only the register window's own top frame, showing our app, may call the backend. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, win: BrowserWindow | null = mainWindow): boolean {
  if (!win || win.isDestroyed?.()) return false;
  const frame = event.senderFrame;
  return event.sender === win.webContents && frame !== null && frame === win.webContents.mainFrame && isAllowedNavigation(frame.url);
}

/**
 * IPC COMMAND BRIDGE: one invoke channel (validated in the handler before
 * anything touches the database); status pushes go out on IPC_STATUS_CHANNEL
 * once the register is open (runRegister).
 */
export function registerCommandBridge(handler: CommandHandler): void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, name: unknown, payload: unknown) => {
    if (!isTrustedSender(event)) throw new Error('refused: the call did not come from the register window');
    return handler(name, payload);
  });
}

const MINUTE = 60_000;

/**
 * The sync token is kept encrypted by the OS (DPAPI, Keychain, libsecret)
 * through safeStorage. Where the OS offers no key store (a Linux box without
 * a keyring) the box is `plainSecretBox` (`inClear`): saving a token then
 * needs the manager's explicit agreement (docs/security.md §3), and the
 * console shows the token as unencrypted.
 */
export function osSecretBox(): SecretBox {
  if (!safeStorage.isEncryptionAvailable()) return plainSecretBox;
  return {
    encrypt: (plain) => `os:${safeStorage.encryptString(plain).toString('base64')}`,
    decrypt: (stored) => (stored.startsWith('os:') ? safeStorage.decryptString(Buffer.from(stored.slice(3), 'base64')) : plainSecretBox.decrypt(stored)),
  };
}

/**
 * Opens the register — or, when its database is lost (missing/empty beside
 * backups or a WAL), the window with the refusal page, whose only commands
 * are `startup.state` and `startup.restore` (docs/security.md §5); the
 * register is wired the moment a restore opens it. A ledger that fails its
 * checks gets the static refusal page. Returns the backend when it opened.
 */
export async function startApp(argv: readonly string[] = process.argv): Promise<RegisterBackend | null> {
  const paths = dataPaths();
  const secretBox = osSecretBox();
  let opened: RegisterBackend | null = null;
  const gate = new StartupGate(
    { db: paths.db, backups: paths.backups },
    {
      // The phone digest key lives in its own file, never in the database (docs/security.md §3).
      phoneKey: loadOrCreatePhoneKey(paths.phoneKey, secretBox),
      // 「从联盟服务器恢复」 reads the backup's sync token with the same key store.
      secretBox,
      onOpen: (backend) => {
        opened = backend;
        runRegister(backend, paths, secretBox);
      },
    },
  );
  const decision = gate.start();
  if (!decision.ok && decision.reason !== 'database-lost') {
    console.error(`start-up refused: ${decision.message}`, decision.violations);
    const page = showStartupError(startupErrorHtml(decision, paths.db));
    // A full disk: the register opens by itself once the manager has freed space (docs/store.md "A full or failing disk").
    if (decision.reason === 'open-failed' && decision.storage === 'full') {
      retryWhileDiskFull(
        () => gate.start(),
        (again) => {
          if (!again.ok) console.error(`start-up refused: ${again.message}`, again.violations);
          if (!again.ok && again.reason !== 'database-lost') {
            // Another refusal (a check that failed): its own page, in place of this one.
            if (!page.isDestroyed()) showPage(page, startupErrorHtml(again, paths.db));
            return;
          }
          registerCommandBridge(gate.handle);
          createMainWindow({ ...displayMode(argv, (key) => (opened as RegisterBackend | null)?.meta(key)), stateFile: paths.windowState });
          if (!page.isDestroyed()) page.close();
        },
      );
    }
    return null;
  }
  if (!decision.ok) console.error(`start-up refused: ${decision.message}; showing the restore page`);
  registerCommandBridge(gate.handle);
  createMainWindow({ ...displayMode(argv, (key) => (opened as RegisterBackend | null)?.meta(key)), stateFile: paths.windowState });
  return opened;
}

/** The open register's workers: status pushes, printing, sync, the minute tick and the daily backup. */
function runRegister(backend: RegisterBackend, paths: ReturnType<typeof dataPaths>, secretBox: SecretBox): void {
  const publisher = new StatusPublisher(backend);
  publisher.subscribe((status) => {
    if (mainWindow && !mainWindow.isDestroyed?.()) mainWindow.webContents.send(IPC_STATUS_CHANNEL, status);
  });
  // The register's one clock (max of the wall clock and the last operation): receipts are stamped with it, so the worker waits by it too.
  const worker = new PrintWorker(backend.db, { now: () => backend.viewNow(), onEvent: () => publisher.refresh() });
  configureManager(backend, { secretBox });
  const sync = new SyncSupervisor(backend.db, secretBox, () => publisher.refresh());
  backend.setStatusSources({
    printer: () => worker.printerState,
    sync: () => {
      const status = sync.status();
      return status.configured ? status : null;
    },
  });
  backend.onChange(() => {
    worker.kick();
    sync.refresh();
  });
  worker.start();
  sync.refresh();
  // The WAL is copied back into the file by a second connection in a worker thread, never inside a checkout's commit.
  const checkpoints = new WalCheckpointer(backend.db, paths.db, { startThread: startCheckpointThread, logger: { warn: console.warn, error: console.error } });
  checkpoints.start();
  // The customer-facing display (客显) on a second screen, when there is one and the manager did not turn it off.
  const devUrl = devServerUrl();
  let customerWindow: BrowserWindow | null = null;
  const showCustomerDisplay = (setting: string | undefined) => {
    try {
      if (customerWindow && !customerWindow.isDestroyed()) customerWindow.close();
      customerWindow = openCustomerWindow(backend.customerDisplay, setting, { devTools: !app.isPackaged, ...(devUrl ? { devUrl } : {}) });
    } catch (error) {
      console.error('the customer display could not open', error);
    }
  };
  backend.screenControl = {
    screens: () => {
      const primary = screen.getPrimaryDisplay().id;
      return screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds, primary: d.id === primary }));
    },
    apply: showCustomerDisplay,
  };
  showCustomerDisplay(backend.meta(CUSTOMER_DISPLAY_META));

  // The full ledger check and the backup run in a worker thread (issue 15 §2); a violation stops the counter.
  const ledgerCheck = new BackgroundCheck(backend, paths.db, {
    onViolation: (violations) =>
      showStartupError(startupErrorHtml({ ok: false, reason: 'verify-failed', message: `the ledger check found ${violations.length} problem(s)`, violations }, paths.db)),
  });
  let backingUp: Promise<unknown> = Promise.resolve();
  const backup = () =>
    (backingUp = backingUp.then(() =>
      ledgerCheck
        .backup(paths.backups)
        .catch((error: unknown) => console.error('backup failed', error))
        // The manager's console shows a failed backup (status.storage.backupFailed) until one succeeds.
        .finally(() => publisher.refresh()),
    ));
  // Auto-completions and resets fall due by themselves: apply them every minute.
  const tick = setInterval(() => {
    try {
      backend.tick();
    } catch (error) {
      console.error('tick failed', error);
    }
    // Also when the tick failed (a full disk refuses its heartbeat): the status, the disk banner included, still goes out.
    publisher.refresh();
  }, MINUTE);
  // One backup per local day; looking every hour catches the day change.
  const backups = setInterval(() => void backup(), 60 * MINUTE);
  void backup();

  // Electron quits as soon as the before-quit handlers return: the quit is held (preventDefault) until the
  // register has closed — its workers stopped, a backup in progress finished (or abandoned after
  // QUIT_WAITS_FOR_BACKUP_MS: its .partial copy is removed at the next start), the counter's connection
  // closed last so the whole WAL is checkpointed into the file — and then asked again.
  let closing: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event: { preventDefault(): void }) => {
    if (closing === 'closed') return;
    event.preventDefault();
    if (closing === 'closing') return;
    closing = 'closing';
    clearInterval(tick);
    clearInterval(backups);
    const backupDone = Promise.race([backingUp, new Promise((resolve) => setTimeout(resolve, QUIT_WAITS_FOR_BACKUP_MS).unref())]);
    // The checkpoint thread's connection closes first: the counter's, closing last, checkpoints the whole WAL.
    registerClosed = Promise.allSettled([worker.stop(), sync.stop(), backupDone, checkpoints.stop()])
      .then(() => {
        publisher.close();
        backend.close();
      })
      .catch((error: unknown) => console.error('closing the register failed', error))
      .finally(() => {
        closing = 'closed';
        app.quit();
      });
  });
}

export function bootstrap(): void {
  if (!app.requestSingleInstanceLock()) {
    // Another register window is already open on this machine: it owns the
    // database. Hand over (it gets 'second-instance') and quit.
    app.quit();
    return;
  }

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(async () => {
    replaceDefaultMenu();
    hardenSession();
    try {
      await startApp();
    } catch (error) {
      console.error('start-up failed', error);
      showStartupError(
        startupErrorHtml({ ok: false, reason: 'open-failed', message: error instanceof Error ? error.message : String(error), violations: [] }, 'cashier.db'),
      );
    }
  });
}

bootstrap();
