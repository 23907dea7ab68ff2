/** The print-jobs list (Ctrl+J) in happy-dom: a job only shown on screen is listed as 仅预览, named by its order number, with what the cashier can do. */
import { afterEach, describe, expect, it } from 'vitest';
import type { PrintQueueJobView } from '../../shared/contract';
import PrintDesk from '../../renderer/components/PrintDesk.vue';
import { useSessionStore } from '../../renderer/stores/session';
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

let wrapper: ReturnType<typeof mountWith> | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

describe('print jobs list', () => {
  it('lists a preview-only job as 仅预览 with a note, and R sends it to the printer', async () => {
    const api = fakeApi();
    api.on('printJobs.list', () => ({ jobs: [job(7, { state: 'failed', nextAttemptAt: null, cause: 'interrupted' }), job(5, { state: 'previewed', nextAttemptAt: null })], needsCashier: 1 }));
    api.on('printJobs.retry', () => job(5, { state: 'pending' }));
    wrapper = mountWith(PrintDesk);
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

  it('Ctrl+R retries the job the banner names; with no banner the key does nothing (and reloads nothing)', async () => {
    const api = fakeApi();
    api.on('printJobs.list', () => ({ jobs: [], needsCashier: 0 }));
    api.on('printJobs.retry', () => job(9, { state: 'pending' }));
    wrapper = mountWith(PrintDesk);
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
    window.dispatchEvent(ctrlR());
    await flush();
    expect(api.calls.find((c) => c.name === 'printJobs.retry')!.input).toEqual({ jobId: 9 });
  });
});
