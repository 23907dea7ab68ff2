/**
 * Component-test helpers: a fake CashierApi (component tests only — the e2e
 * test uses the real backend), Pinia, vue-i18n (zh-CN) and Element Plus.
 */
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
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
  setCashierApi(api);
  return api;
}

export function mountWith<C extends Component>(component: C, options: ComponentMountingOptions<C> = {}) {
  setActivePinia(createPinia());
  resetHotkeys();
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(component, {
    attachTo: document.body,
    ...options,
    global: { plugins: [pinia, makeI18n('zh-CN'), ElementPlus], ...(options.global ?? {}) },
  } as ComponentMountingOptions<C>);
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

export function press(key: string, target: EventTarget = window): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}
