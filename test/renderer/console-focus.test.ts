/**
 * The console never leaves the cursor on the page body (nowhere to type, Tab
 * from the top of the window): on arrival unlocked and on each section key the
 * cursor is on that section's key button, unless the section put it somewhere
 * of its own.
 */
import { describe, expect, it } from 'vitest';
import { useManagerStore } from '../../renderer/stores/manager';
import ManagerView from '../../renderer/views/ManagerView.vue';
import { fakeApi, flush, mountWith, press } from './helpers';

const active = () => document.activeElement?.closest('[data-test]')?.getAttribute('data-test') ?? null;

describe('the console keeps a place for the cursor', () => {
  it('unlocked: on the open section key; F9 and F6 move it to theirs; the F11 dialog closed by Esc gives it back', async () => {
    const api = fakeApi();
    api.on('manager.session', () => ({ session: { managerId: 'm1', name: '陈店长', expiresAt: Date.now() + 600_000 } }));
    const wrapper = mountWith(ManagerView);
    await flush();
    expect(useManagerStore().unlocked).toBe(true);
    expect(active()).toBe('manager-tab-settings');
    press('F9');
    await flush();
    expect(active()).toBe('manager-tab-audit');
    press('F6');
    await flush();
    expect(active()).toBe('manager-tab-dashboard');
    press('F11');
    await flush();
    press('Escape');
    await flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(active()).toBe('manager-tab-dashboard');
    wrapper.unmount();
  });
});
