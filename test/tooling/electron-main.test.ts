/**
 * The security policy of the Electron main process, with 'electron' mocked
 * (importing the real module under Node would try to download Electron's
 * binary). The start-up flow itself is covered by test/shell/main.test.ts;
 * here `whenReady()` never resolves, so only the policy pieces run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const state = {
    appHandlers: new Map<string, Handler>(),
    lockGranted: true,
    quit: 0,
    headersHook: undefined as undefined | Handler,
    sessionHandlers: new Map<string, Handler>(),
    permissionHook: undefined as undefined | Handler,
    permissionCheck: undefined as undefined | Handler,
  };
  const app = {
    isPackaged: false,
    requestSingleInstanceLock: () => state.lockGranted,
    quit: () => {
      state.quit += 1;
    },
    on: (event: string, fn: Handler) => state.appHandlers.set(event, fn),
    once: (event: string, fn: Handler) => state.appHandlers.set(event, fn),
    whenReady: () => new Promise<void>(() => {}),
    getPath: () => '/nonexistent',
  };
  class BrowserWindow {
    static getAllWindows = () => [];
  }
  const session = {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: Handler) => (state.headersHook = fn) },
      setPermissionRequestHandler: (fn: Handler) => (state.permissionHook = fn),
      setPermissionCheckHandler: (fn: Handler) => (state.permissionCheck = fn),
      on: (event: string, fn: Handler) => state.sessionHandlers.set(event, fn),
    },
  };
  const ipcMain = { handle: () => {}, removeHandler: () => {} };
  const screen = { getAllDisplays: () => [] };
  const safeStorage = { isEncryptionAvailable: () => false };
  return { state, electron: { app, BrowserWindow, session, ipcMain, safeStorage, screen } };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let main: typeof import('../../electron/shell/main');

beforeAll(async () => {
  delete process.env['VITE_DEV_SERVER_URL'];
  main = await import('../../electron/shell/main');
});

describe('electron/shell/main.ts security policy', () => {
  it('hardens every web contents the app creates', () => {
    expect(fake.state.appHandlers.has('web-contents-created')).toBe(true);
  });

  it('blocks navigation away from the app, new windows and webviews', () => {
    const handlers = new Map<string, Handler>();
    let openHandler: Handler | undefined;
    const contents = {
      on: (event: string, fn: Handler) => handlers.set(event, fn),
      setWindowOpenHandler: (fn: Handler) => (openHandler = fn),
    };
    fake.state.appHandlers.get('web-contents-created')!({}, contents);

    const blocked = (url: string) => {
      const event = { preventDefault: vi.fn() };
      handlers.get('will-navigate')!(event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(blocked('https://example.com/')).toBe(true);
    expect(blocked('file:///etc/passwd')).toBe(true);
    expect(blocked(pathToFileURL(main.RENDERER_INDEX).href + '#/checkout')).toBe(false);
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const webview = { preventDefault: vi.fn() };
    handlers.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('allows only the dev server origin in development', () => {
    expect(main.isAllowedNavigation('http://localhost:5173/#/x', 'http://localhost:5173/')).toBe(true);
    expect(main.isAllowedNavigation('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(main.isAllowedNavigation('not a url', 'http://localhost:5173/')).toBe(false);
  });

  it('sends a strict CSP header and denies permissions', () => {
    main.hardenSession();
    let headers: Record<string, string[]> = {};
    fake.state.headersHook!({ responseHeaders: { 'X-Other': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => {
      headers = r.responseHeaders;
    });
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval/);
    let granted: boolean | undefined;
    fake.state.permissionHook!({}, 'media', (ok: boolean) => (granted = ok));
    expect(granted).toBe(false);
    expect(fake.state.permissionCheck!()).toBe(false);
    // Downloads are guarded on the same session (only blob: files the page made).
    expect(fake.state.sessionHandlers.has('will-download')).toBe(true);
  });

  it('index.html carries the same CSP in a meta tag (minus frame-ancestors)', () => {
    const html = readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const expected = main.CONTENT_SECURITY_POLICY.split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta).toBe(expected);
  });

  it('quits when another instance holds the lock', () => {
    fake.state.lockGranted = false;
    const before = fake.state.quit;
    main.bootstrap();
    expect(fake.state.quit).toBe(before + 1);
  });
});
