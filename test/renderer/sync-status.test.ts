/**
 * Sync failing, as the counter shows it (docs/ui.md "Sync banner"): signed in,
 * the amber banner says what failed, since when, how many events wait and
 * what to do, and the status bar keeps to the state and the count (one row at
 * 1024×768); before sign-in there is no banner and the bar says the cause and
 * the time itself. All in Chinese, no raw error text.
 */
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import StatusBar from '../../renderer/components/StatusBar.vue';
import SyncBanner from '../../renderer/components/SyncBanner.vue';
import { useSessionStore } from '../../renderer/stores/session';
import type { StatusSnapshot } from '../../shared/contract';
import { msg } from '../../shared/messages/catalogue';
import { fakeApi, flush, mountWith, statusFixture } from './helpers';

const FAILING_SINCE = Date.parse('2026-12-07T11:47:57+08:00');
const failing: StatusSnapshot['sync'] = {
  state: 'offline',
  lastSyncAt: Date.parse('2026-12-07T11:22:57+08:00'),
  waiting: 37,
  lastError: 'connect ECONNREFUSED 10.0.0.5:443',
  failingSince: FAILING_SINCE,
  cause: 'unreachable',
  problem: null,
};

async function show(over: Partial<StatusSnapshot>) {
  const api = fakeApi();
  api.on('app.status', () => statusFixture(over));
  // One app, one store: the banner and the bar side by side, as App.vue has them.
  const both = mountWith(defineComponent({ render: () => h('div', [h(SyncBanner), h(StatusBar)]) }));
  await useSessionStore().refresh();
  await flush();
  return { banner: both, bar: both };
}

describe('sync failing at the counter', () => {
  it('signed in: the banner says what, since when, how many wait and what to do; the bar keeps to the state and the count', async () => {
    const { banner, bar } = await show({ sync: failing });
    const text = banner.find('[data-test=sync-banner]').text();
    expect(text).toContain('连不上同步服务器');
    expect(text).toContain(':47:57'); // the time of day in the register's zone
    expect(text).toContain('37 条记录等待发送');
    expect(text).toContain('收银不受影响');
    const sync = bar.find('[data-test=status-sync]').text();
    expect(sync).toContain('离线');
    expect(sync).toContain('37');
    expect(bar.find('[data-test=status-sync-cause]').exists()).toBe(false);
    expect(bar.find('[data-test=status-sync-problem]').exists()).toBe(false);
    expect(bar.text()).not.toMatch(/ECONNREFUSED|[A-Za-z]{3,}/);
  });

  it("the sync client's own sentence is the banner's advice, not repeated in the bar", async () => {
    const { banner, bar } = await show({ sync: { ...failing, cause: 'refused', problem: msg('sync.noAck') } });
    expect(banner.find('[data-test=sync-banner]').text()).toContain('同步服务器拒绝了本机的数据');
    expect(bar.find('[data-test=status-sync-problem]').exists()).toBe(false);
  });

  it('before sign-in there is no banner: the bar says the cause and since when itself', async () => {
    const { banner, bar } = await show({ sync: failing, cashier: null, shift: null });
    expect(banner.find('[data-test=sync-banner]').exists()).toBe(false);
    expect(bar.find('[data-test=status-sync-cause]').text()).toContain('连不上同步服务器');
    expect(bar.find('[data-test=status-sync-cause]').text()).toContain(':47:57');
  });

  it('no banner while sync works or is not set up', async () => {
    const { banner } = await show({ sync: { ...failing, state: 'online', cause: null, failingSince: null, lastError: null } });
    expect(banner.find('[data-test=sync-banner]').exists()).toBe(false);
    const notSet = await show({});
    expect(notSet.banner.find('[data-test=sync-banner]').exists()).toBe(false);
  });
});
