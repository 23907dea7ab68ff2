/** The preload exposes exactly CashierApi (invoke + onStatus) on window.cashier, over the contract's channels. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL, IPC_STATUS_CHANNEL } from '../../shared/contract';

type Listener = (...args: unknown[]) => void;

const ipc = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: null })),
  };
});

vi.mock('electron', () => {
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => ipc.exposed.set(key, value) },
    ipcRenderer: {
      invoke: ipc.invoke,
      on: (channel: string, fn: Listener) => {
        if (!ipc.listeners.has(channel)) ipc.listeners.set(channel, new Set());
        ipc.listeners.get(channel)!.add(fn);
      },
      removeListener: (channel: string, fn: Listener) => ipc.listeners.get(channel)?.delete(fn),
    },
  };
  return { ...electron, default: electron };
});

let preload: typeof import('../../electron/shell/preload');
beforeAll(async () => {
  preload = await import('../../electron/shell/preload');
});

describe('preload', () => {
  it('uses the contract channels', () => {
    expect(preload.INVOKE_CHANNEL).toBe(IPC_INVOKE_CHANNEL);
    expect(preload.STATUS_CHANNEL).toBe(IPC_STATUS_CHANNEL);
  });

  it('exposes window.cashier with invoke and onStatus only, frozen', () => {
    const api = ipc.exposed.get('cashier') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onStatus']);
    expect(Object.isFrozen(api)).toBe(true);
    expect([...ipc.exposed.keys()]).toEqual(['cashier']);
  });

  it('invoke forwards name and input on the invoke channel', async () => {
    const result = await preload.cashierApi.invoke('app.status', {});
    expect(ipc.invoke).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL, 'app.status', {});
    expect(result).toEqual({ ok: true, value: null });
  });

  it('onStatus passes only the snapshot (never the IPC event) and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = preload.cashierApi.onStatus((s) => seen.push(s));
    const snapshot = { registerId: 'r' };
    for (const fn of ipc.listeners.get(IPC_STATUS_CHANNEL)!) fn({ sender: 'secret' }, snapshot);
    expect(seen).toEqual([snapshot]);
    off();
    expect(ipc.listeners.get(IPC_STATUS_CHANNEL)!.size).toBe(0);
  });
});
