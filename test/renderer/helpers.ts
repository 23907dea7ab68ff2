/**
 * Component-test helpers: a fake CashierApi (component tests only — the e2e
 * test uses the real backend), Pinia, vue-i18n (zh-CN) and Element Plus.
 *
 * Importing this file cleans up after every test of the importing file (the
 * `afterEach` below, as test/app/helpers.ts removes its temp dirs): whatever
 * `mountWith` mounted and the test did not unmount is unmounted (its hotkeys,
 * timers and polling stop with it), the fake API is let go, and the body is
 * emptied of what dialogs and popups teleported into it. A test file needs
 * no cleanup of its own for these.
 */
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach } from 'vitest';
import type { Component } from 'vue';
import type { CashierApi, CommandName, CommandResult, StatusSnapshot } from '../../shared/contract';
import { msg, type Message } from '../../shared/messages/catalogue';
import { setCashierApi } from '../../renderer/api';
import { resetHotkeys } from '../../renderer/composables/hotkeys';
import { makeI18n } from '../../renderer/i18n';

export type Responder = (input: unknown) => unknown;

export interface FakeApi extends CashierApi {
  calls: { name: CommandName; input: unknown }[];
  on(name: CommandName, responder: Responder): void;
}

export function statusFixture(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    registerId: 'register-1',
    queueId: 'register-1',
    storeName: '测试店',
    rebateName: '排队返现',
    exchangeName: '兑换好礼',
    cashier: { id: 'c1', name: '林小红', role: 'cashier' },
    shift: { id: 1, cashierId: 'c1', openedAt: 0, openingFloatFen: 50000, closedAt: null, countedCashFen: null },
    sync: { state: 'not-configured', lastSyncAt: null, waiting: 0, lastError: null },
    printer: { state: 'not-configured', detail: null, pendingJobs: 0 },
    queue: { waiting: 0, owedFen: 0 },
    clock: { state: 'ok', wallAt: 0, lastOperationAt: 0 },
    ...over,
  };
}

export function fakeApi(): FakeApi {
  const responders = new Map<CommandName, Responder>();
  const api: FakeApi = {
    calls: [],
    on(name, responder) {
      responders.set(name, responder);
    },
    async invoke(name, input) {
      api.calls.push({ name, input });
      const responder = responders.get(name);
      if (!responder) return { ok: false, error: { code: 'internal', message: `no fake for ${name}`, reason: msg('internal') } } as CommandResult<typeof name>;
      try {
        return { ok: true, value: responder(input) } as CommandResult<typeof name>;
      } catch (error) {
        const e = error as { code?: string; message: string; reason?: Message };
        return { ok: false, error: { code: (e.code ?? 'rule') as never, message: e.message, reason: e.reason ?? msg('internal') } } as CommandResult<typeof name>;
      }
    },
    onStatus: () => () => {},
  };
  api.on('app.status', () => statusFixture());
  // The checkout feeds the customer display as the cashier types (composables/customer-display.ts); the
  // backend answers null. Without these every checkout test logged "customer display not updated".
  api.on('display.typing', () => null);
  api.on('display.idle', () => null);
  setCashierApi(api);
  return api;
}

/** The unmount of each wrapper `mountWith` mounted and nobody unmounted yet. */
const mounted = new Set<() => void>();

afterEach(() => {
  for (const unmount of [...mounted]) unmount();
  setCashierApi(null);
  document.body.innerHTML = '';
});

export function mountWith<C extends Component>(component: C, options: ComponentMountingOptions<C> = {}) {
  setActivePinia(createPinia());
  resetHotkeys();
  const pinia = createPinia();
  setActivePinia(pinia);
  const wrapper = mount(component, {
    attachTo: document.body,
    ...options,
    global: { plugins: [pinia, makeI18n('zh-CN'), ElementPlus], ...(options.global ?? {}) },
  } as ComponentMountingOptions<C>);
  // A test may unmount on its own (leaving a screen mid-test); the clean-up then skips it — Vue warns
  // about unmounting an app twice, noise in the test log.
  const unmountApp = wrapper.unmount.bind(wrapper);
  const unmount = () => {
    if (mounted.delete(unmount)) unmountApp();
  };
  wrapper.unmount = unmount;
  mounted.add(unmount);
  return wrapper;
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

export function press(key: string, target: EventTarget = window): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}
