/** The clock banner (docs/security.md §4): Chinese reason and what to do, manager PIN confirm by keyboard. */
import { describe, expect, it } from 'vitest';
import ClockBanner from '../../renderer/components/ClockBanner.vue';
import { useSessionStore } from '../../renderer/stores/session';
import { fakeApi, flush, mountWith, statusFixture } from './helpers';

describe('clock banner', () => {
  it('is hidden while the clock is ok', async () => {
    fakeApi();
    const w = mountWith(ClockBanner);
    await useSessionStore().refresh();
    await flush();
    expect(w.find('[data-test=clock-banner]').exists()).toBe(false);
  });

  it('explains an ahead clock in Chinese and confirms with the manager PIN on Enter', async () => {
    const api = fakeApi();
    const off = statusFixture({ clock: { state: 'ahead', wallAt: Date.parse('2027-03-02T10:00:00+08:00'), lastOperationAt: Date.parse('2026-03-02T10:00:00+08:00') } });
    api.on('app.status', () => off);
    api.on('manager.clock.confirm', () => off.clock);
    const w = mountWith(ClockBanner);
    await useSessionStore().refresh();
    await flush();
    const banner = w.find('[data-test=clock-banner]');
    expect(banner.text()).toContain('收银已暂停');
    expect(banner.text()).toContain('晚了一天以上');
    expect(banner.text()).not.toMatch(/[A-Za-z]{3,}/);
    await w.find('input[data-test=clock-pin]').setValue('2468');
    await w.find('form').trigger('submit');
    await flush();
    expect(api.calls.find((c) => c.name === 'manager.clock.confirm')?.input).toEqual({ managerPin: '2468' });
  });
});
