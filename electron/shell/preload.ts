/**
 * Preload — runs sandboxed (contextIsolation + sandbox), so it is built as
 * CommonJS (dist-electron/preload.cjs) and may only import 'electron'. It
 * exposes the renderer's whole view of the world, `window.cashier`, which
 * implements `CashierApi` from shared/contract.ts and nothing more:
 *
 *   invoke(name, input) → ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input)
 *   onStatus(listener)  → pushes on IPC_STATUS_CHANNEL; returns unsubscribe
 *
 * Only the contract's TYPES are imported (erased at build time), so the
 * preload bundle carries no zod; the channel names are repeated here and a
 * test checks they equal the contract's.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CashierApi, StatusSnapshot } from '../../shared/contract';

export const INVOKE_CHANNEL = 'cashier:invoke';
export const STATUS_CHANNEL = 'cashier:status';

export const cashierApi: CashierApi = Object.freeze({
  invoke: ((name: string, input: unknown) => ipcRenderer.invoke(INVOKE_CHANNEL, name, input)) as CashierApi['invoke'],
  onStatus(listener: (status: StatusSnapshot) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onStatus needs a function');
    // Never hand the IPC event (and its sender) to the page: only the snapshot.
    const wrapped = (_event: IpcRendererEvent, status: StatusSnapshot) => listener(status);
    ipcRenderer.on(STATUS_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(STATUS_CHANNEL, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('cashier', cashierApi);
