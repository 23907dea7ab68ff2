/** 门店·打印·同步: a refused save says so in red (class bad, role alert) — its reason (or 请先改正标红的项) came out green like 已保存. */
import { describe, expect, it } from 'vitest';
import type { DetailsView } from '../../shared/contract-manager';
import { msg } from '../../shared/messages/catalogue';
import DetailsPanel from '../../renderer/manager/DetailsPanel.vue';
import { fakeApi, flush, mountWith } from './helpers';

const details: DetailsView = {
  store: { name: '测试店', address: null, header: null, footer: null, lookupUrl: null, refundClosedDays: 'allow' },
  printer: { uri: null, width: 80, commandSet: 'epson', copies: 1, timeoutMs: 5000, confirm: 'status', drawer: true, error: null },
  sync: { url: null, storeId: null, registerId: null, tokenSet: false, allowInsecure: false, configured: false },
};

describe('store · printer · sync notices', () => {
  it('saved: green; refused: the same place in red, as an alert', async () => {
    const api = fakeApi();
    api.on('manager.details.get', () => details);
    api.on('manager.store.save', () => details);
    let refuse = false;
    api.on('manager.sync.save', () => {
      if (refuse) {
        throw Object.assign(new Error('refused'), { code: 'internal', reason: msg('internal') });
      }
      return details;
    });
    const wrapper = mountWith(DetailsPanel);
    await flush();
    await wrapper.find('[data-test="details-save-store"]').trigger('click');
    await flush();
    const saved = wrapper.find('[data-test="details-notice-store"]');
    expect(saved.text()).toBe('已保存');
    expect(saved.classes()).not.toContain('bad');

    refuse = true;
    await wrapper.find('[data-test="details-save-sync"]').trigger('click');
    await flush();
    const refused = wrapper.find('[data-test="details-notice-sync"]');
    expect(refused.text()).toContain('数据没有改动');
    expect(refused.classes()).toContain('bad');
    expect(refused.attributes('role')).toBe('alert');
  });
});
