/**
 * A stand-in for the 'electron' module (the real one downloads a binary when
 * imported under Node). Enough of app / BrowserWindow / ipcMain / screen /
 * session / contextBridge / ipcRenderer for the shell's code paths.
 */
type Handler = (...args: unknown[]) => unknown;

export interface FakeWindow {
  options: Record<string, unknown>;
  loaded: string[];
  sent: [string, unknown][];
  maximized: boolean;
  handlers: Map<string, Handler>;
  webContents: { send: (channel: string, value: unknown) => void; mainFrame: { url: string } };
  emit(event: string): void;
}

export function createFakeElectron() {
  const state = {
    userData: '',
    appHandlers: new Map<string, Handler>(),
    windows: [] as FakeWindow[],
    ipcHandlers: new Map<string, Handler>(),
    lockGranted: true,
    quit: 0,
    workAreas: [{ x: 0, y: 0, width: 1920, height: 1080 }],
    /** Every Menu.setApplicationMenu argument (null = the default menu removed). */
    menus: [] as unknown[],
    /** session.defaultSession.on(…) handlers ('will-download'). */
    sessionHandlers: new Map<string, Handler>(),
  };
  class BrowserWindow implements FakeWindow {
    static getAllWindows = () => state.windows;
    loaded: string[] = [];
    sent: [string, unknown][] = [];
    maximized = false;
    handlers = new Map<string, Handler>();
    webContents: FakeWindow['webContents'];
    constructor(public options: Record<string, unknown>) {
      const sent = this.sent;
      this.webContents = { send: (channel, value) => sent.push([channel, value]), mainFrame: { url: '' } };
      state.windows.push(this);
    }
    once(event: string, fn: Handler) {
      this.handlers.set(event, fn);
    }
    on(event: string, fn: Handler) {
      this.handlers.set(event, fn);
    }
    emit(event: string) {
      this.handlers.get(event)?.();
    }
    isDestroyed() {
      return false;
    }
    maximize() {
      this.maximized = true;
    }
    isMaximized() {
      return this.maximized;
    }
    getNormalBounds() {
      return { x: (this.options['x'] as number) ?? 10, y: (this.options['y'] as number) ?? 20, width: this.options['width'] as number, height: this.options['height'] as number };
    }
    loadURL(url: string) {
      this.loaded.push(url);
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    loadFile(file: string) {
      this.loaded.push(`file:${file}`);
      this.webContents.mainFrame.url = `file://${file}`;
      return Promise.resolve();
    }
  }
  const app = {
    isPackaged: false,
    getPath: (name: string) => {
      if (name === 'documents') return '/home/cashier/Documents';
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
      return state.userData;
    },
    requestSingleInstanceLock: () => state.lockGranted,
    quit: () => {
      state.quit += 1;
    },
    on: (event: string, fn: Handler) => state.appHandlers.set(event, fn),
    whenReady: () => Promise.resolve(),
  };
  const ipcMain = { handle: (channel: string, fn: Handler) => state.ipcHandlers.set(channel, fn) };
  // One display per work area, as Electron describes them (id, bounds, workArea; here bounds = work area);
  // the first is the primary, so with one display the shell opens no customer window (customer-window.ts).
  const displays = () => state.workAreas.map((workArea, i) => ({ id: i + 1, bounds: workArea, workArea }));
  const screen = { getAllDisplays: displays, getPrimaryDisplay: () => displays()[0]! };
  const session = {
    defaultSession: {
      webRequest: { onHeadersReceived: () => {} },
      setPermissionRequestHandler: () => {},
      on: (event: string, fn: Handler) => state.sessionHandlers.set(event, fn),
      setPermissionCheckHandler: () => {},
    },
  };
  // A stand-in OS key store: reversible, but never the plain text.
  const safeStorage = {
    isEncryptionAvailable: () => true,
    encryptString: (plain: string) => Buffer.from([...plain].reverse().join(''), 'utf8'),
    decryptString: (sealed: Buffer) => [...sealed.toString('utf8')].reverse().join(''),
  };
  const Menu = { setApplicationMenu: (menu: unknown) => state.menus.push(menu) };
  return { state, electron: { app, BrowserWindow, ipcMain, Menu, safeStorage, screen, session } };
}

/** The one fake the mocked module and the tests share (kept on globalThis: vi.resetModules() must not make a second one). */
const holder = globalThis as { __fakeElectron?: ReturnType<typeof createFakeElectron> };
export const fake = (holder.__fakeElectron ??= createFakeElectron());
