/**
 * Preload — runs sandboxed (contextIsolation + sandbox), so it is built as
 * CommonJS (dist-electron/preload.cjs) and may only import 'electron' (and
 * nothing from Node). It exposes the renderer's whole view of the world:
 * `window.cashier`.
 *
 * The IPC command bridge (window.cashier.run(command) → ipcRenderer.invoke)
 * will be added here together with its main-process half in main.ts.
 */
import { contextBridge } from 'electron';
import { version } from '../../package.json';

export const cashierApi = Object.freeze({
  /** The app version from package.json. */
  version,
});

export type CashierApi = typeof cashierApi;

contextBridge.exposeInMainWorld('cashier', cashierApi);
