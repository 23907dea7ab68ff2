/** The print-jobs list (Ctrl+J) in happy-dom: a job only shown on screen is listed as 仅预览, named by its order number, with what the cashier can do. */
import { describe, expect, it } from 'vitest';
import type { PrintQueueJobView } from '../../shared/contract';
import PrintDesk from '../../renderer/components/PrintDesk.vue';
import { useSessionStore } from '../../renderer/stores/session';
import { msg } from '../../shared/messages/catalogue';
import { fakeApi, flush, mountWith, statusFixture } from './helpers';

const job = (id: number, over: Partial<PrintQueueJobView>): PrintQueueJobView => ({
  id,
  kind: 'receipt',
  orderId: `register-1-20260302-${String(id).padStart(6, '0')}`,
  slip: null,
  copy: false,
  state: 'pending',
  attempts: 0,
  nextAttemptAt: 1,
  cause: null,
  detail: null,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe('print jobs list', () => {
  it('lists a preview-only job as 仅预览 with a note, and R sends it to the printer', async () => {
    const api = fakeApi();
    api.on('printJobs.list', () => ({ jobs: [job(7, { state: 'failed', nextAttemptAt: null, cause: 'interrupted' }), job(5, { state: 'previewed', nextAttemptAt: null })], needsCashier: 1 }));
    api.on('printJobs.retry', () => job(5, { state: 'pending' }));
    mountWith(PrintDesk);
    useSessionStore().status = statusFixture();
    await flush();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    const row = document.querySelector('[data-test="print-job-5"]')!;
    expect(row.getAttribute('data-state')).toBe('previewed');
    expect(row.textContent).toContain('仅预览');
    expect(row.textContent).toContain('1-20260302-0005');
    expect(document.querySelector('[data-test="print-jobs-previewed-note"]')!.textContent).toContain('顾客没有拿到纸质小票');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'r', bubbles: true, cancelable: true }));
    await flush();
    expect(api.calls.find((c) => c.name === 'printJobs.retry')!.input).toEqual({ jobId: 5 });
  });

  it('S asks the reason in its field; skipped (or Esc) the cursor is back on the list, not lost with the field', async () => {
    const api = fakeApi();
    api.on('printJobs.list', () => ({ jobs: [job(7, { state: 'failed', nextAttemptAt: null, cause: 'paper-out' }), job(8, {})], needsCashier: 0 }));
    api.on('printJobs.skip', () => job(7, { state: 'skipped' }));
    mountWith(PrintDesk);
    useSessionStore().status = statusFixture();
    await flush();
    const key = (k: string, ctrlKey = false) => window.dispatchEvent(new KeyboardEvent('keydown', { key: k, ctrlKey, bubbles: true, cancelable: true }));
    const onList = () => document.activeElement?.getAttribute('data-test') === 'print-jobs';
    key('j', true);
    await flush();
    key('s');
    await flush();
    const field = document.querySelector('[data-test="print-skip-reason"]') as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    key('Escape');
    await flush();
    expect(onList()).toBe(true);
    key('s');
    await flush();
    const again = document.querySelector('[data-test="print-skip-reason"]') as HTMLInputElement;
    again.value = '顾客不要小票';
    again.dispatchEvent(new Event('input'));
    key('Enter');
    await flush();
    expect(api.calls.find((c) => c.name === 'printJobs.skip')!.input).toEqual({ jobId: 7, reason: '顾客不要小票' });
    expect(onList()).toBe(true);
  });

  it('Ctrl+R retries the job the banner names; with no banner the key does nothing (and reloads nothing)', async () => {
    const api = fakeApi();
    api.on('printJobs.list', () => ({ jobs: [], needsCashier: 0 }));
    api.on('printJobs.retry', () => job(9, { state: 'pending' }));
    mountWith(PrintDesk);
    const session = useSessionStore();
    session.status = statusFixture();
    await flush();
    const ctrlR = () => new KeyboardEvent('keydown', { key: 'r', ctrlKey: true, bubbles: true, cancelable: true });
    const quiet = ctrlR();
    window.dispatchEvent(quiet);
    await flush();
    expect(quiet.defaultPrevented).toBe(true);
    expect(api.calls.some((c) => c.name === 'printJobs.retry')).toBe(false);

    session.status = statusFixture({
      printer: { state: 'error', detail: null, pendingJobs: 1, cause: 'paper-out', failedJob: { jobId: 9, orderId: 'register-1-20260302-000009', kind: 'receipt', cause: 'paper-out', at: 0 } },
    });
    await flush();
    expect(document.querySelector('[data-test="print-banner-retry"]')!.textContent).toContain('Ctrl+R');
    // What to do names the key, not a click (点“重试”): the cashier's hands are on the keyboard.
    expect(document.querySelector('[data-test="print-banner"]')!.textContent).toContain('请装入新纸卷，然后按 Ctrl+R 重试');
    window.dispatchEvent(ctrlR());
    await flush();
    expect(api.calls.find((c) => c.name === 'printJobs.retry')!.input).toEqual({ jobId: 9 });
  });

  it('V shows what the chosen job prints, follows ↑/↓ while shown, V again hides it; a refusal is shown in Chinese', async () => {
    const api = fakeApi();
    const drawSlip = job(11, { kind: 'slip', slip: 'draw', state: 'previewed', nextAttemptAt: null });
    api.on('printJobs.list', () => ({ jobs: [drawSlip, job(12, { state: 'pending' })], needsCashier: 0 }));
    api.on('printJobs.preview', (input) => {
      const { jobId } = input as { jobId: number };
      if (jobId === 12) throw Object.assign(new Error('cannot preview'), { code: 'rule', reason: msg('printJob.cannotPreview', { jobId: 12 }) });
      return { jobId, lines: ['    抽奖凭条', '抽中返利比例      50%'] };
    });
    mountWith(PrintDesk);
    useSessionStore().status = statusFixture();
    await flush();
    const key = (k: string) => window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    expect(document.querySelector('[data-test="print-job-preview"]')).toBeNull();
    key('v');
    await flush();
    const shown = document.querySelector('[data-test="print-job-preview"]')!;
    expect(shown.getAttribute('data-job')).toBe('11');
    expect(shown.textContent).toContain('订单 1-20260302-0011 的抽奖凭条的打印内容');
    expect(shown.querySelector('pre')!.textContent).toBe('    抽奖凭条\n抽中返利比例      50%');
    key('ArrowDown');
    await flush();
    expect(api.calls.filter((c) => c.name === 'printJobs.preview').map((c) => c.input)).toEqual([{ jobId: 11 }, { jobId: 12 }]);
    expect(document.querySelector('[data-test="print-job-preview"]')).toBeNull();
    expect(document.querySelector('[data-test="print-jobs-problem"]')!.textContent).toContain('无法显示');
    key('ArrowUp');
    await flush();
    expect(document.querySelector('[data-test="print-job-preview"]')).toBeNull(); // the failure hid it: V shows it again
    key('V');
    await flush();
    expect(document.querySelector('[data-test="print-job-preview"]')!.getAttribute('data-job')).toBe('11');
    key('v');
    await flush();
    expect(document.querySelector('[data-test="print-job-preview"]')).toBeNull();
  });
});
