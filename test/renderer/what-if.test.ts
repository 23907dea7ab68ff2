/**
 * The what-if panel with a fake backend (issue 15 §2): Ctrl+Enter starts a
 * job, the progress bar follows manager.whatIf.status, Esc cancels it (the
 * key is printed on the cancel button), and a panel mounted again — the
 * manager left the screen and came back — shows the job still running, then
 * its result. All text Chinese.
 */
import { describe, expect, it } from 'vitest';
import type { WhatIfJobView, WhatIfResult } from '../../shared/contract-manager';
import { msg } from '../../shared/messages/catalogue';
import { settingsView } from '../../shared/manager/settings-view';
import type { SettingsLayers } from '../../shared/settings';
import WhatIfPanel from '../../renderer/manager/WhatIfPanel.vue';
import { useManagerStore } from '../../renderer/stores/manager';
import { fakeApi, flush, mountWith, press, type FakeApi } from './helpers';

const layers: SettingsLayers = { base: { defaultRatioBp: 10_000 }, cashier: { extractionBp: 1000 } };
const consoleView = () => ({ fields: settingsView(layers, {}), layers, baseEditable: true, baseEditableReason: null });
const side = (paidOutFen: number): WhatIfResult => ({ paidOutFen, owedFen: 500_000, extractedFen: 120_000, undistributedFen: 0, forfeitedFen: 0, entriesTotal: 300, entriesCompleted: 40, waitingEntries: 260, refusedEvents: 0, tail: [] });

let wrapper: ReturnType<typeof mountWith> | null = null;

const q = <T extends Element = Element>(id: string): T | null => document.querySelector<T>(`[data-test="${id}"]`);
const textOf = (id: string) => (q(id)?.textContent ?? '').replace(/\s+/g, ' ').trim();
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A backend whose one job advances only when the test says so. */
function backend(): { api: FakeApi; job: () => WhatIfJobView | null; advance(done: number, total: number): void; finish(): void } {
  const api = fakeApi();
  let job: WhatIfJobView | null = null;
  api.on('manager.settings.get', () => consoleView());
  api.on('manager.whatIf.start', (input) => {
    job = { jobId: 'job-1', state: 'running', days: (input as { days: number }).days, startedAt: Date.parse('2026-03-02T10:00:00+08:00'), finishedAt: null, done: 0, total: 0, result: null, error: null };
    return { ...job };
  });
  api.on('manager.whatIf.status', () => ({ job: job && { ...job } }));
  api.on('manager.whatIf.cancel', () => {
    job = { ...job!, state: 'cancelled', finishedAt: job!.startedAt + 1000 };
    return { ...job };
  });
  return {
    api,
    job: () => job,
    advance(done, total) {
      job = { ...job!, done, total };
    },
    finish() {
      job = {
        ...job!,
        state: 'done',
        done: job!.total,
        finishedAt: job!.startedAt + 2000,
        result: { from: 0, to: Date.parse('2026-03-02T10:00:00+08:00'), days: job!.days, orders: 200, events: 260, current: side(80_000), edited: side(123_450), notes: [msg('whatIf.emptyStart')] },
      };
    },
  };
}

async function mountPanel() {
  wrapper = mountWith(WhatIfPanel);
  useManagerStore().session = { managerId: 'm1', name: '陈店长', expiresAt: 0 };
  await flush();
  return wrapper;
}

describe('the what-if panel', () => {
  it('Ctrl+Enter starts the job, the bar follows its progress, Esc cancels it', async () => {
    const b = backend();
    await mountPanel();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    expect(b.api.calls.filter((c) => c.name === 'manager.whatIf.start')).toHaveLength(1);
    expect(q('what-if-job')?.getAttribute('data-state')).toBe('running');
    expect(textOf('what-if-progress-text')).toContain('正在读取订单');
    // The cancel button shows its key.
    expect(textOf('what-if-cancel')).toBe('Esc取消推演');

    b.advance(130, 520);
    await wait(400);
    await flush();
    expect(textOf('what-if-progress-text')).toContain('已重放 130 / 520 个事件');
    expect(q('what-if-progress')?.getAttribute('aria-valuenow')).toBe('25');

    press('Escape');
    await flush();
    expect(b.api.calls.filter((c) => c.name === 'manager.whatIf.cancel')).toEqual([{ name: 'manager.whatIf.cancel', input: { jobId: 'job-1' } }]);
    expect(q('what-if-job')?.getAttribute('data-state')).toBe('cancelled');
    expect(textOf('what-if-cancelled')).toBe('推演已取消。改好设置后可以重新运行。');
    expect(q('what-if-cancel')).toBeNull();
    // Polling stopped with the job.
    const polls = b.api.calls.filter((c) => c.name === 'manager.whatIf.status').length;
    await wait(700);
    expect(b.api.calls.filter((c) => c.name === 'manager.whatIf.status').length).toBe(polls);
  });

  it('leaving the screen and coming back shows the running job, then its result', async () => {
    const b = backend();
    await mountPanel();
    q<HTMLButtonElement>('what-if-run')!.click();
    await flush();
    b.advance(100, 400);
    await wait(400);
    wrapper!.unmount(); // the manager goes to another screen; the job runs on in the backend
    wrapper = null;
    document.body.innerHTML = '';
    b.advance(300, 400);

    await mountPanel();
    await flush();
    // The latest job is asked for without an id.
    expect(b.api.calls.some((c) => c.name === 'manager.whatIf.status' && JSON.stringify(c.input) === '{}')).toBe(true);
    expect(q('what-if-job')?.getAttribute('data-state')).toBe('running');
    expect(textOf('what-if-progress-text')).toContain('已重放 300 / 400 个事件');

    b.finish();
    await wait(400);
    await flush();
    expect(q('what-if-job')).toBeNull();
    expect(textOf('what-if-edited-paidOut')).toBe('¥1,234.50');
    expect(textOf('what-if-current-paidOut')).toBe('¥800.00');
    expect(textOf('what-if-window')).toContain('200 单');
    // No English, raw id or JSON on the screen.
    const text = document.body.textContent ?? '';
    expect(text).not.toMatch(/job-1|running|undefined|\{/);
  });
});
