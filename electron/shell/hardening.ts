/**
 * What the register's windows may do, and nothing more (docs/security.md):
 * the content security policy, where a window may navigate, no new windows
 * or webviews, no permission grants, and downloads only of what the page
 * made, through the save dialog. main.ts applies these to every window.
 */
import { app, session, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

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
  guardDownloads(ses);
  // A cashier needs no camera, microphone, geolocation, notifications…
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/**
 * Files the page saves (CSV exports): docs/security.md §2. Only what the page
 * itself made (a blob: URL) may be saved, and always through the save dialog,
 * where the person at the register picks the place: the page gives a file
 * NAME (its last path segment only), never a path, and the main process never
 * writes a download anywhere by itself. Backups go only to <userData>/backups.
 */
export function guardDownloads(ses: Pick<Electron.Session, 'on'>): void {
  ses.on('will-download', (event, item) => {
    if (!item.getURL().startsWith('blob:')) {
      event.preventDefault();
      return;
    }
    const name = path.basename(item.getFilename().replace(/\\/g, '/')).replace(/^\.+/, '') || 'export.csv';
    item.setSaveDialogOptions({ title: '保存导出文件', defaultPath: path.join(app.getPath('documents'), name) });
  });
}

