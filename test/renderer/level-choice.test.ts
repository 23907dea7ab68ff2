/**
 * 返利设置 and the what-if's copy of the settings choose a member level by its
 * name (金卡会员, 会员等级3), never by its key: the key (gold) is the stored
 * value and what the server and members carry, but no Chinese screen shows it —
 * not as text, not as an input's value, not as a placeholder. The choice is a
 * select, worked by keys (Enter opens it, arrows move, Enter chooses), and the
 * key chosen is what the save sends.
 */
import { describe, expect, it } from 'vitest';
import { settingsView } from '../../shared/manager/settings-view';
import { msg } from '../../shared/messages/catalogue';
import type { SettingsLayers } from '../../shared/settings';
import { setLevelNames } from '../../renderer/i18n/messages';
import SettingsPanel from '../../renderer/manager/SettingsPanel.vue';
import WhatIfPanel from '../../renderer/manager/WhatIfPanel.vue';
import { useManagerStore } from '../../renderer/stores/manager';
import { fakeApi, flush, mountWith, type FakeApi } from './helpers';

const layers: SettingsLayers = {
  base: { levelRatiosBp: { gold: 13_000, lv3: 9_000 }, levelNames: { vipx: '尊享会员' } },
  cashier: { levelRatiosBp: { gold: 12_000 }, levelNames: { silver: '白银会员' } },
};
const KEYS = ['gold', 'lv3', 'vipx', 'silver'];
const consoleView = () => ({ fields: settingsView(layers, {}), layers, baseEditable: true, baseEditableReason: msg('manager.baseEditableServer') });

const q = <T extends Element = Element>(id: string): T | null => document.querySelector<T>(`[data-test="${id}"]`);

function backend(): FakeApi {
  const api = fakeApi();
  api.on('manager.settings.get', () => consoleView());
  api.on('manager.settings.save', () => ({ settings: consoleView(), changed: [] }));
  return api;
}

/** Everything a person can read: text, input values, placeholders, titles, option labels. */
function visibleStrings(): string[] {
  const out = [document.body.textContent ?? ''];
  for (const el of document.querySelectorAll<HTMLElement>('input, textarea, [placeholder], [title], [aria-label]')) {
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) out.push(el.value);
    for (const attr of ['placeholder', 'title', 'aria-label']) {
      const v = el.getAttribute(attr);
      if (v) out.push(v);
    }
  }
  return out;
}

function expectNoLevelKey() {
  const all = visibleStrings().join('\n');
  for (const key of KEYS) expect(all, `the key ${key} is on the screen`).not.toMatch(new RegExp(`\\b${key}\\b`, 'i'));
}

async function mountSettings() {
  setLevelNames({ ...layers.base.levelNames, ...layers.cashier.levelNames }, ['gold', 'lv3', 'silver', 'vipx']);
  const api = backend();
  mountWith(SettingsPanel);
  useManagerStore().session = { managerId: 'm1', name: '陈店长', expiresAt: 0 };
  await flush();
  return api;
}

describe('member levels chosen by name', () => {
  it('返利设置: the ratio and name rows show 金卡会员 / 白银会员, never gold or silver', async () => {
    await mountSettings();
    expect(q('field-levelRatiosBp-level-0')).not.toBeNull();
    expect(q('field-levelRatiosBp-level-0')?.textContent).toContain('金卡会员');
    expect(q('field-levelNames-level-0')?.textContent).toContain('白银会员');
    const labels = [...document.querySelectorAll('[data-test="field-levelRatiosBp-level-0-choice"]')].map((o) => (o.textContent ?? '').trim());
    expect(labels).toEqual(expect.arrayContaining(['金卡会员', '会员等级3', '白银会员', '尊享会员']));
    expectNoLevelKey();
  });

  it('a new ratio row: the level chosen by keys (Enter, ↓, Enter) is saved by its key', async () => {
    const api = await mountSettings();
    (q('field-levelRatiosBp-add') as HTMLButtonElement).click();
    await flush();
    const select = q<HTMLElement>('field-levelRatiosBp-level-1')!;
    const input = select.querySelector('input')!;
    input.focus();
    expect(document.activeElement).toBe(input);
    const key = (k: string) => input.dispatchEvent(new KeyboardEvent('keydown', { key: k, code: k, bubbles: true, cancelable: true }));
    key('Enter');
    await flush();
    key('ArrowDown');
    await flush();
    key('Enter');
    await flush();
    // gold is taken by row 0 (disabled), so the first choice the arrows land on is another level.
    const shown = (select.textContent ?? '').trim();
    expect(['会员等级3', '白银会员', '尊享会员']).toContain(shown);
    const pct = q<HTMLInputElement>('field-levelRatiosBp-pct-1')!;
    pct.value = '95';
    pct.dispatchEvent(new Event('input'));
    await flush();
    expectNoLevelKey();
    (q('settings-save-ratios') as HTMLButtonElement).click();
    await flush();
    const save = api.calls.find((c) => c.name === 'manager.settings.save');
    const sent = (save?.input as { changes: { levelRatiosBp?: Record<string, number> } }).changes.levelRatiosBp!;
    const byName: Record<string, string> = { 会员等级3: 'lv3', 白银会员: 'silver', 尊享会员: 'vipx' };
    expect(sent).toEqual({ gold: 12_000, [byName[shown]!]: 9_500 });
  });

  it('the what-if copy of the settings shows names only', async () => {
    setLevelNames({ ...layers.base.levelNames, ...layers.cashier.levelNames }, ['gold', 'lv3', 'silver', 'vipx']);
    backend();
    mountWith(WhatIfPanel);
    useManagerStore().session = { managerId: 'm1', name: '陈店长', expiresAt: 0 };
    await flush();
    expect(q('field-levelRatiosBp-level-0')?.textContent).toContain('金卡会员');
    expectNoLevelKey();
  });
});
