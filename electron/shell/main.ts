/**
 * Electron main process — the thin shell.
 *
 * This file (and preload.ts next to it) is the ONLY code that imports
 * 'electron'. Business logic lives in electron/backend/ (Node only) and
 * shared/ (pure TypeScript); this file wires windows, security and, later,
 * the IPC command bridge.
 *
 * Built by vite-plugin-electron to dist-electron/main.js (ESM, because
 * package.json says "type": "module"); the preload goes to
 * dist-electron/preload.cjs (CommonJS: sandboxed preloads cannot be ESM).
 */
import { app, BrowserWindow, session, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** dist-electron/preload.cjs, next to the built main.js. */
export const PRELOAD_PATH = path.join(here, 'preload.cjs');
/** dist/index.html: the renderer built by `vite build`. */
export const RENDERER_INDEX = path.join(here, '..', 'dist', 'index.html');

/**
 * The content security policy. The same policy is in the <meta http-equiv>
 * tag of renderer/index.html (for file:// loads in production) and sent as a
 * response header for the dev server. 'unsafe-inline' for styles only:
 * Vue's style bindings and Element Plus set inline styles; no inline or
 * eval'd scripts anywhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dev server URL, honoured only when running unpackaged (`npm start`),
 * so that an environment variable cannot point an installed app elsewhere.
 */
export function devServerUrl(): string | undefined {
  const url = process.env['VITE_DEV_SERVER_URL'];
  return !app.isPackaged && url ? url : undefined;
}

/** The URL the window loads: the dev server, or dist/index.html as a file URL. */
export function appEntryUrl(): string {
  return devServerUrl() ?? pathToFileURL(RENDERER_INDEX).href;
}

/**
 * Navigation policy: the window may only (re)load the app's own entry —
 * the dev server's origin in development, the exact dist/index.html file in
 * production. Everything else (links, drag-and-dropped files, location
 * changes to other sites) is blocked.
 */
export function isAllowedNavigation(target: string, entry: string = appEntryUrl()): boolean {
  let to: URL;
  let home: URL;
  try {
    to = new URL(target);
    home = new URL(entry);
  } catch {
    return false;
  }
  if (home.protocol === 'file:') {
    return to.protocol === 'file:' && to.pathname === home.pathname;
  }
  return to.origin === home.origin;
}

/** Lock down any web contents: no navigation away, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Session-wide policies: CSP header on every response, no permission grants. */
export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  // A cashier needs no camera, microphone, geolocation, notifications…
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

let mainWindow: BrowserWindow | null = null;

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: '排队返利收银台',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  const dev = devServerUrl();
  if (dev) void win.loadURL(dev);
  else void win.loadFile(RENDERER_INDEX);
  mainWindow = win;
  return win;
}

/**
 * IPC COMMAND BRIDGE — goes here.
 *
 * The backend (electron/backend/) is opened here once the app is ready
 * (database in app.getPath('userData')/cashier.db) and exposed to the
 * renderer through ONE ipcMain.handle channel that validates every command
 * against the contract in shared/ before running it. The preload forwards
 * calls with ipcRenderer.invoke. Keep this file thin: no business logic.
 */
export async function registerCommandBridge(): Promise<void> {
  // Intentionally empty for now (see the comment above).
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

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });

  void app.whenReady().then(async () => {
    hardenSession();
    await registerCommandBridge();
    createMainWindow();
  });
}

bootstrap();
