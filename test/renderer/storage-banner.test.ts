/**
 * The disk banner (docs/store.md "A full or failing disk"): on every screen
 * when the data folder's disk runs low, nearly out or refused a write — how
 * much is left in MB / GB (never a byte count) and what to do, in Chinese;
 * the daily backup's failure in the manager's console only.
 */
import { describe, expect, it } from 'vitest';
import StorageBanner from '../../renderer/components/StorageBanner.vue';
import CheckoutView from '../../renderer/views/CheckoutView.vue';
import { useCheckoutStore } from '../../renderer/stores/checkout';
import { useSessionStore } from '../../renderer/stores/session';
import { useUiStore } from '../../renderer/stores/ui';
import { formatBytes } from '../../shared/bytes';
import type { StorageStatus } from '../../shared/contract';
import { msg } from '../../shared/messages/catalogue';
import { fakeApi, flush, mountWith, press, statusFixture } from './helpers';

const MB = 1024 * 1024;
const base: StorageStatus = { state: 'ok', freeBytes: 70 * 1024 * MB, lowBytes: 500 * MB, criticalBytes: 100 * MB, fault: null, problem: null, backupFailed: null };

async function banner(storage: Partial<StorageStatus> | undefined, view: 'checkout' | 'manager' = 'checkout') {
  const api = fakeApi();
  api.on('app.status', () => statusFixture(storage ? { storage: { ...base, ...storage } } : {}));
  const w = mountWith(StorageBanner);
  useUiStore().go(view);
  await useSessionStore().refresh();
  await flush();
  return w;
}

/** Latin words other than the units MB / GB. */
const latin = (text: string) => (text.match(/[A-Za-z]+/g) ?? []).filter((w) => w !== 'MB' && w !== 'GB');

describe('disk banner', () => {
  it('is hidden while the disk has room, and for a backend that does not report the disk', async () => {
    let w = await banner(base);
    expect(w.find('[data-test=storage-banner]').exists()).toBe(false);
    w.unmount();
    w = await banner(undefined);
    expect(w.find('[data-test=storage-banner]').exists()).toBe(false);
  });

  it('warns ahead (amber): how much is left in MB, and what to do', async () => {
    const freeBytes = 420 * MB + 123_456;
    const w = await banner({ state: 'low', freeBytes, problem: msg('storage.low', { freeBytes }) });
    const el = w.find('[data-test=storage-banner]');
    expect(el.exists()).toBe(true);
    expect(el.classes()).not.toContain('severe');
    const text = el.text();
    expect(text).toContain('磁盘空间');
    expect(text).toContain('只剩 420 MB');
    expect(text).toMatch(/清理磁盘.*旧备份.*技术支持/);
    expect(text).not.toContain(String(freeBytes));
    expect(latin(text)).toEqual([]);
  });

  it('nearly out, or a sale refused for a full disk (red): what is left and that no restart is needed', async () => {
    let w = await banner({ state: 'critical', freeBytes: 37 * MB, problem: msg('storage.critical', { freeBytes: 37 * MB }) });
    let el = w.find('[data-test=storage-banner]');
    expect(el.classes()).toContain('severe');
    expect(el.text()).toContain('磁盘空间快用完了：只剩 37 MB');
    w.unmount();
    w = await banner({ state: 'fault', freeBytes: 0, fault: { kind: 'full', at: 1 }, problem: msg('storage.bannerFull', { freeBytes: 0 }) });
    el = w.find('[data-test=storage-banner]');
    expect(el.classes()).toContain('severe');
    expect(el.text()).toContain('磁盘空间已满（只剩 不到 1 MB）');
    expect(el.text()).toContain('清理后直接重试即可，不用重启');
    expect(latin(el.text())).toEqual([]);
    w.unmount();
    w = await banner({ state: 'fault', freeBytes: 60 * 1024 * MB, fault: { kind: 'io', at: 1 }, problem: msg('storage.bannerIoError') });
    expect(w.find('[data-test=storage-banner]').text()).toMatch(/^磁盘故障\s*刚才读写磁盘出错/);
  });

  it('the backup failure shows in the manager console only, with its reason in Chinese', async () => {
    const backupFailed = { at: new Date(2026, 2, 2, 3, 0).getTime(), reason: msg('backup.noRoom', { neededBytes: Math.round(2.5 * 1024 * MB), freeBytes: 800 * MB }) };
    let w = await banner({ backupFailed });
    expect(w.find('[data-test=storage-banner]').exists()).toBe(false);
    w.unmount();
    w = await banner({ backupFailed }, 'manager');
    const text = w.find('[data-test=storage-backup]').text();
    expect(text).toContain('每日备份');
    expect(text).toContain('今天的备份没有做：备份需要约 2.5 GB 的空闲空间，磁盘只剩 800 MB');
    expect(text).toContain('上次尝试 2026-03-02');
    expect(latin(text)).toEqual([]);
  });

  it('sizes read as a person reads them, rounded down', () => {
    expect(formatBytes(0)).toBe('不到 1 MB');
    expect(formatBytes(MB - 1, 'en')).toBe('less than 1 MB');
    expect(formatBytes(MB)).toBe('1 MB');
    expect(formatBytes(1023 * MB + MB - 1)).toBe('1,023 MB');
    expect(formatBytes(1024 * MB)).toBe('1.0 GB');
    expect(formatBytes(Math.floor(1.29 * 1024 * MB))).toBe('1.2 GB');
    expect(formatBytes(10 * 1024 * MB - 1)).toBe('9.9 GB');
    expect(formatBytes(71.9 * 1024 * MB)).toBe('71 GB');
  });
});

describe('a checkout the disk refused', () => {
  it('says in Chinese that nothing was saved and what to do, and keeps the sale typed for the retry', async () => {
    const api = fakeApi();
    let refuse = true;
    api.on('checkout.submit', () => {
      if (refuse) throw Object.assign(new Error('The disk is full: this operation was not saved'), { code: 'storage', reason: msg('storage.full') });
      return { orderId: 'register-1-20260302-000001', paidAt: 0, amountDueFen: 16800, deductionFen: 0, actualPaidFen: 16800, changeFen: 0, member: null, extractedFen: 0, paidToQueueFen: 0, payouts: [], entry: null, noEntitlementReason: 'walk-in', ratioSteps: [], rebateName: '排队返现', receiptLines: [] };
    });
    const w = mountWith(CheckoutView);
    await useSessionStore().refresh();
    await flush();
    await w.find('[data-test="amount"]').setValue('168');
    press('Enter', w.find('[data-test="amount"]').element);
    await flush();
    const error = w.find('[data-test="checkout-error"]');
    expect(error.text()).toBe('磁盘空间已满，这笔操作没有保存（数据没有改动）。请店长清理磁盘空间（删除不用的文件，或把旧备份复制到别处后删除）后重试；仍不行请联系技术支持。');
    expect(useCheckoutStore().amountText).toBe('168');
    expect(useCheckoutStore().result).toBeNull();
    // Space freed: Enter again sells the same sale.
    refuse = false;
    press('Enter', w.find('[data-test="amount"]').element);
    await flush();
    expect(useCheckoutStore().result?.amountDueFen).toBe(16800);
    expect(api.calls.filter((c) => c.name === 'checkout.submit')).toHaveLength(2);
  });
});
