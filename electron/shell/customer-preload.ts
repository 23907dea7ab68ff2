/**
 * The customer window's preload (客显, issue #12 §2): sandboxed CJS like the
 * register's, and narrower — `window.customerDisplay.onState(listener)` and
 * nothing else. No invoke, no commands: the customer screen can only be told
 * what to show (the state the main process composes, pushed on one channel).
 * Listeners never see the IPC event.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CustomerDisplayApi, CustomerDisplayState } from '../../shared/customer-display';

/** Repeated from shared/customer-display.ts (only types are imported, so the bundle stays tiny). */
export const CUSTOMER_CHANNEL = 'customer:state';

export const customerDisplayApi: CustomerDisplayApi = Object.freeze({
  onState(listener: (state: CustomerDisplayState) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onState needs a function');
    const wrapped = (_event: IpcRendererEvent, state: CustomerDisplayState) => listener(state);
    ipcRenderer.on(CUSTOMER_CHANNEL, wrapped);
    // Ask for the current state once (an answer on the same channel; the request carries nothing).
    ipcRenderer.send(`${CUSTOMER_CHANNEL}:ready`);
    return () => {
      ipcRenderer.removeListener(CUSTOMER_CHANNEL, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('customerDisplay', customerDisplayApi);
