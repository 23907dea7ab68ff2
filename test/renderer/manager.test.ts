/**
 * Manager console components in happy-dom with a fake CashierApi (component
 * tests only; test/e2e/manager.e2e.test.ts runs the real backend): the PIN
 * door's wrong-PIN and lockout messages, a settings section's per-field
 * messages (local format checks and backend issues), the dashboard showing
 * integer fen as yuan.
 */
import { describe, expect, it } from 'vitest';
import type { CashierApi, CommandError, CommandName } from '../../shared/contract';
import type { DashboardView } from '../../shared/contract-manager';
import { msg } from '../../shared/messages/catalogue';
import { settingsView } from '../../shared/manager/settings-view';
import { formatYuanGrouped, type Fen } from '../../shared/money';
import type { SettingsLayers } from '../../shared/settings';
import { setCashierApi } from '../../renderer/api';
import DashboardPanel from '../../renderer/manager/DashboardPanel.vue';
import { parsePercentText, percentText, sectionChange, draftFrom } from '../../renderer/manager/drafts';
import PinPanel from '../../renderer/manager/PinPanel.vue';
import SettingsPanel from '../../renderer/manager/SettingsPanel.vue';
import { useManagerStore } from '../../renderer/stores/manager';
import { flush, mountWith, press, statusFixture } from './helpers';

type Answer = { ok: true; value: unknown } | { ok: false; error: CommandError };

/** A fake that can answer with a whole CommandError (lockedUntil, issues). */
function fake(answers: Partial<Record<CommandName, (input: unknown) => Answer>>) {
  const calls: { name: CommandName; input: unknown }[] = [];
  const api: CashierApi = {
    invoke: (async (name: CommandName, input: unknown) => {
      calls.push({ name, input });
      if (name === 'app.status') return { ok: true, value: statusFixture() };
      const answer = answers[name];
      return answer ? answer(input) : { ok: false, error: { code: 'internal', message: `no fake for ${name}`, reason: msg('internal') } };
    }) as CashierApi['invoke'],
    onStatus: () => () => {},
  };
  setCashierApi(api);
  return calls;
}

const q = (id: string) => document.querySelector(`[data-test="${id}"]`);
const textOf = (id: string) => (q(id)?.textContent ?? '').trim();

async function typeInto(id: string, value: string) {
  const input = q(id) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await flush();
}

describe('PIN door', () => {
  it('a wrong PIN shows the tries left; nothing unlocks', async () => {
    const calls = fake({ 'manager.unlock': () => ({ ok: false, error: { code: 'wrong-pin', message: 'wrong manager PIN (3 tries left before a 5-minute lock)', reason: msg('pin.wrongManager', { triesLeft: 3, lockMinutes: 5 }) } }) });
    mountWith(PinPanel);
    await typeInto('manager-unlock-pin', '1111');
    press('Enter');
    await flush();
    expect(textOf('manager-pin-error')).toBe('PIN 错误，还可以再试 3 次');
    expect(calls.filter((c) => c.name === 'manager.unlock')).toEqual([{ name: 'manager.unlock', input: { pin: '1111' } }]);
    expect(useManagerStore().unlocked).toBe(false);
  });

  it('a lockout shows until when (CommandError.lockedUntil)', async () => {
    const until = new Date(2026, 0, 5, 10, 7, 30).getTime();
    fake({ 'manager.unlock': () => ({ ok: false, error: { code: 'locked', message: 'locked', reason: msg('pin.locked', { until }), lockedUntil: until } }) });
    mountWith(PinPanel);
    await typeInto('manager-unlock-pin', '2468');
    press('Enter');
    await flush();
    expect(textOf('manager-pin-error')).toMatch(/^错误次数过多，已锁定到 2026-01-05 10:07:30（约 \d+ 分钟后可再试）$/);
  });

  it('a PIN that is not 4–8 digits is refused before anything is sent', async () => {
    const calls = fake({});
    mountWith(PinPanel);
    await typeInto('manager-unlock-pin', '12');
    press('Enter');
    await flush();
    expect(textOf('manager-pin-error')).toBe('PIN 码是 4–8 位数字');
    expect(calls.some((c) => c.name === 'manager.unlock')).toBe(false);
  });

  it('the right PIN unlocks the session', async () => {
    fake({ 'manager.unlock': () => ({ ok: true, value: { managerId: 'm1', name: '陈店长', expiresAt: 1 } }) });
    mountWith(PinPanel);
    await typeInto('manager-unlock-pin', '2468');
    press('Enter');
    await flush();
    expect(useManagerStore().session?.name).toBe('陈店长');
  });
});

describe('settings section', () => {
  const layers: SettingsLayers = { base: { defaultRatioBp: 10000 }, cashier: { extractionBp: 1000, lottery: { fixedBp: [5000, 10000] } } };
  const consoleView = () => ({ fields: settingsView(layers, { defaultRatioBp: { source: 'server', at: null, actor: null } }), layers, baseEditable: false, baseEditableReason: msg('manager.baseEditableServer') });

  it('shows inherited / overridden and the base origin beside each field', async () => {
    fake({ 'manager.settings.get': () => ({ ok: true, value: consoleView() }) });
    mountWith(SettingsPanel);
    await flush();
    expect(textOf('field-extractionBp-state')).toBe('本机覆盖');
    expect(textOf('field-defaultRatioBp-state')).toBe('继承基础设置');
    expect(textOf('field-defaultRatioBp-base')).toBe('100%');
    expect(textOf('field-defaultRatioBp-origin')).toContain('来自总部服务器');
    expect(textOf('field-ordering-state')).toBe('系统默认');
  });

  it('PgDn: the next section with the cursor in its first value field (not its save button), so a typed value lands', async () => {
    fake({ 'manager.settings.get': () => ({ ok: true, value: consoleView() }) });
    mountWith(SettingsPanel);
    await flush();
    press('PageDown');
    await flush();
    const active = document.activeElement as HTMLElement | null;
    expect(active?.tagName).toBe('INPUT');
    expect(active?.closest('[data-test="settings-group-ratios"]')).not.toBeNull();
    expect(active?.closest('[data-test="field-extractionBp"]')).not.toBeNull();
  });

  it('a format error is caught here; backend issues land under their fields; one save command per section', async () => {
    const calls = fake({
      'manager.settings.get': () => ({ ok: true, value: consoleView() }),
      'manager.settings.save': () => ({
        ok: false,
        error: {
          code: 'invalid-input',
          message: 'x',
          reason: msg('input.invalid'),
          issues: [
            { path: 'changes.extractionBp', message: 'the extraction ratio (bp) must be at most 10000', reason: msg('input.tooLargeBp', { max: 10000 }) },
            { path: 'changes.lottery', message: 'lottery minBp must not be above maxBp', reason: msg('input.lotteryMinAboveMax') },
          ],
        },
      }),
    });
    mountWith(SettingsPanel);
    await flush();
    await typeInto('field-defaultRatioBp-value', '1.234');
    // defaultRatioBp is inherited: its editor is disabled, so a bad text there is not sent.
    await typeInto('field-extractionBp-value', '12.345');
    (q('settings-save-ratios') as HTMLButtonElement).click();
    await flush();
    expect(textOf('field-extractionBp-error')).toBe('请输入百分比数字，最多两位小数（如 12.5）');
    expect(calls.some((c) => c.name === 'manager.settings.save')).toBe(false);

    await typeInto('field-extractionBp-value', '150');
    (q('settings-save-ratios') as HTMLButtonElement).click();
    await flush();
    const saves = calls.filter((c) => c.name === 'manager.settings.save');
    expect(saves).toEqual([{ name: 'manager.settings.save', input: { changes: { extractionBp: 15000 } } }]);
    expect(textOf('field-extractionBp-error')).toBe('不能大于 100%');
    expect(textOf('field-lottery-error')).toBe('抽奖最小比例不能大于最大比例');
  });

  it('drafts: percent text ↔ bp without floats; back to inherited sends null; tiers sorted', () => {
    expect(parsePercentText('12.5')).toBe(1250);
    expect(parsePercentText('0.07')).toBe(7);
    expect(parsePercentText('1e3')).toBeNull();
    expect(percentText(1250)).toBe('12.5');
    const drafts = {
      lottery: { ...draftFrom('lottery', { fixedBp: [5000] }, true), on: false },
      tiers: draftFrom('tiers', [{ days: 90, minSpendFen: 100, ratioBp: 12000 }, { days: 30, minSpendFen: 50000, ratioBp: 11000 }], true),
    };
    const { changes } = sectionChange(['lottery', 'tiers'], drafts, { lottery: { fixedBp: [5000] } });
    expect(changes).toEqual({
      lottery: null,
      tiers: [
        { days: 30, minSpendFen: 50000, ratioBp: 11000 },
        { days: 90, minSpendFen: 100, ratioBp: 12000 },
      ],
    });
  });
});

describe('dashboard', () => {
  const view: DashboardView = {
    generatedAt: new Date(2026, 0, 5, 12, 0, 0).getTime(),
    timezone: 'Asia/Shanghai',
    now: {
      owedFen: 123456,
      waitingEntries: 7,
      undistributedFen: 1,
      poolFen: 250,
      extractedFen: 99999,
      paidOutFen: 88807,
      forfeitedFen: 3003,
      forfeitedByResetsFen: 1001,
      forfeitedByRefundsFen: 2002,
      exchangedFen: 4321,
      pointsIssued: 4500,
      pointsFromExchangeUnits: 4321,
      pointsFromRandomReturnUnits: 179,
      vouchersIssued: 0,
      entriesTotal: 20,
      entriesCompleted: 9,
    },
    // r = 1300% (a very generous chain) so the growth per ¥100.00 of sales shows a thousands separator.
    coverage: {
      extractionBp: 1000,
      averageRewardBp: 130_000,
      ratioBp: 76,
      owedGrowthPer100YuanFen: 129_000,
      code: 'partial',
      message: { code: 'dashboard.coverage.partial', params: { shareBp: 76, salesFen: 10_000, growthFen: 129_000 } },
    },
    days: [{ date: '2026-01-05', orders: 3, salesFen: 30000, extractedFen: 3000, paidOutFen: 2000, owedEndFen: 123456 }],
    tail: {
      newestOrderId: 'A-0020',
      newestSeq: 20,
      entriesAhead: 6,
      aheadFen: 100000,
      ownRemainingFen: 23456,
      needFen: 123456,
      poolFen: 250,
      ordering: 'queue',
      nextResetAt: null,
      projections: [
        { windowDays: 7, orders: 21, extractedFen: 21000, averageExtractedPerOrderFen: 1000, ordersNeeded: 124, days: 41.4, etaAt: new Date(2026, 1, 15, 22, 0, 0).getTime(), never: false, neverReason: null, resetFirst: false },
        { windowDays: 30, orders: 0, extractedFen: 0, averageExtractedPerOrderFen: null, ordersNeeded: null, days: null, etaAt: null, never: true, neverReason: 'no-orders', resetFirst: false },
      ],
    },
  };

  it('renders every figure from integer fen, e/r with its sentence, and "never at the current rate"', async () => {
    const calls = fake({ 'manager.dashboard': () => ({ ok: true, value: view }) });
    mountWith(DashboardPanel, { global: { stubs: { DayChart: true } } });
    await flush();
    const y = (fen: number) => `¥${formatYuanGrouped(fen as Fen)}`;
    expect(calls.find((c) => c.name === 'manager.dashboard')?.input).toEqual({ days: 30 });
    expect(textOf('dash-owed')).toBe(y(123456));
    expect(textOf('dash-owed')).toBe('¥1,234.56');
    expect(textOf('dash-undistributed')).toBe('¥0.01');
    expect(textOf('dash-pool')).toBe('¥2.50');
    expect(textOf('dash-paid-out')).toBe(y(88807));
    expect(textOf('dash-extracted')).toBe(y(99999));
    expect(textOf('dash-forfeited')).toBe(y(3003));
    expect(textOf('dash-forfeited-resets')).toBe('¥10.01');
    expect(textOf('dash-forfeited-refunds')).toBe('¥20.02');
    expect(textOf('dash-points')).toBe('4500');
    expect(textOf('dash-entries')).toBe('9 / 20');
    expect(textOf('dash-waiting')).toBe('排队中 7 条');
    expect(textOf('dash-er')).toBe('e = 10%，r = 1300%，e/r = 0.76%');
    // Written by the renderer from the code and integer fen / bp: money with thousands separators.
    expect(textOf('dash-er-sentence')).toBe('销售不再增长时，只有约 0.76% 的返利权益能被返还；每卖出 ¥100.00，欠顾客的金额增加约 ¥1,290.00。');
    expect(textOf('dash-tail-7')).toBe('还需 124 单，约 41.4 天（预计 2026-02-15 22:00:00）');
    expect(textOf('dash-tail-30')).toBe('按当前速度永远返不到（这段时间没有订单）');
  });
});
