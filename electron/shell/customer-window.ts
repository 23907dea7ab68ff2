/**
 * The customer-facing window (客显, issue #12 §2) on a second display.
 *
 * Which display: app_meta `display.customer` — `off`, a display id, or
 * `auto`/absent = the first display that is not the primary one. With one
 * display (or `off`, or an id no longer attached) no window opens. The window
 * is frameless and full screen on that display, loads renderer/customer.html
 * with its own narrow preload (customer-preload.ts: listen only), and gets the
 * state the backend's CustomerDisplay composes whenever it changes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, ipcMain, screen } from 'electron';
import { lockedDownWebPreferences } from './web-preferences';
import { CUSTOMER_STATE_CHANNEL, type CustomerDisplayState } from '../../shared/customer-display';
import { chooseCustomerDisplay } from '../backend/customer/choose-display';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CUSTOMER_PRELOAD_PATH = path.join(here, 'customer-preload.cjs');
export const CUSTOMER_INDEX = path.join(here, '..', 'dist', 'customer.html');
export { CUSTOMER_DISPLAY_META } from '../backend/customer/choose-display';

export interface CustomerStateSource {
  current(): CustomerDisplayState;
  subscribe(listener: (state: CustomerDisplayState) => void): () => void;
}

export function openCustomerWindow(source: CustomerStateSource, setting: string | undefined, options: { devUrl?: string; devTools: boolean }): BrowserWindow | null {
  const target = chooseCustomerDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id, setting);
  if (!target) return null;
  const win = new BrowserWindow({
    ...target.bounds,
    frame: false,
    fullscreen: true,
    focusable: false,
    show: false,
    title: '顾客显示屏',
    backgroundColor: '#0f2a44',
    webPreferences: { preload: CUSTOMER_PRELOAD_PATH, ...lockedDownWebPreferences(options.devTools) },
  });
  const push = (state: CustomerDisplayState) => {
    if (!win.isDestroyed()) win.webContents.send(CUSTOMER_STATE_CHANNEL, state);
  };
  const unsubscribe = source.subscribe(push);
  const onReady = (event: Electron.IpcMainEvent) => {
    if (event.sender === win.webContents) push(source.current());
  };
  ipcMain.on(`${CUSTOMER_STATE_CHANNEL}:ready`, onReady);
  win.on('closed', () => {
    unsubscribe();
    ipcMain.removeListener(`${CUSTOMER_STATE_CHANNEL}:ready`, onReady);
  });
  win.once('ready-to-show', () => win.showInactive());
  if (options.devUrl) void win.loadURL(new URL('customer.html', options.devUrl).href);
  else void win.loadFile(CUSTOMER_INDEX);
  return win;
}
