/** The console's reports list (F8): ↑/↓ choose a closed shift, Ctrl+P prints a copy (副本) of its Z report through the print queue (`shift.print {shiftId}`). */
import { describe, expect, it } from 'vitest';
import type { ShiftReport } from '../../shared/contract';
import ReportsPanel from '../../renderer/manager/ReportsPanel.vue';
import { useManagerStore } from '../../renderer/stores/manager';
import { fakeApi, flush, mountWith, press } from './helpers';

const z = (id: number, salesFen: number): ShiftReport => ({
  kind: 'Z',
  shift: { id, cashierId: 'c1', cashierName: '林小红', openedAt: Date.UTC(2026, 2, id, 1), openingFloatFen: 20_000, closedAt: Date.UTC(2026, 2, id, 9), countedCashFen: 50_000 },
  orders: 3,
  salesFen,
  tenders: { cash: salesFen, card: 0, wechat: 0, alipay: 0, other: 0 },
  expectedCashFen: 50_000,
  cashDifferenceFen: 0,
  refunds: 0,
  refundedFen: 0,
  deductions: { pointsFen: 0, loveFen: 0 },
  rebate: { extractedFen: 0, paidOutFen: 0, newEntitlementsFen: 0, newEntries: 0 },
});

let wrapper: ReturnType<typeof mountWith> | null = null;

describe('reports list: reprint a Z report', () => {
  it('↓ chooses the next shift, Ctrl+P sends a copy of its Z through the print queue and shows the lines sent', async () => {
    const api = fakeApi();
    api.on('manager.reports.shifts', () => ({ shifts: [z(12, 123_450), z(11, 99_900)] }));
    api.on('shift.print', (raw) => ({ jobId: 40, report: 'Z', lines: ['Z 报表（副本）', `班次 #${(raw as { shiftId: number }).shiftId}`] }));
    wrapper = mountWith(ReportsPanel);
    useManagerStore().session = { managerId: 'm1', name: '陈店长', expiresAt: 0 };
    await flush();
    expect(wrapper.find('[data-test="reports-reprint-z"]').text()).toContain('Ctrl+P');
    expect(wrapper.find('[data-test="reports-reprint-z"]').text()).toContain('副本');
    press('ArrowDown');
    await flush();
    expect(wrapper.find('.chosen').text()).toContain('#11');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'p', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    expect(api.calls.filter((c) => c.name === 'shift.print').map((c) => c.input)).toEqual([{ shiftId: 11 }]);
    expect(wrapper.find('[data-test="reports-notice"]').text()).toBe('班次 #11 的 Z 报表副本已送往小票打印机');
    expect(wrapper.find('[data-test="reports-reprint-preview"]').text()).toContain('班次 #11');
  });

  it('a refused reprint says why, in Chinese', async () => {
    const api = fakeApi();
    api.on('manager.reports.shifts', () => ({ shifts: [z(12, 123_450)] }));
    api.on('shift.print', () => {
      throw Object.assign(new Error('not found'), { code: 'not-found', reason: { code: 'shift.notFound', params: { shiftId: 12 } } });
    });
    wrapper = mountWith(ReportsPanel);
    await flush();
    await wrapper.find('[data-test="reports-reprint-z"]').trigger('click');
    await flush();
    const problem = wrapper.find('[data-test="reports-problem"]');
    expect(problem.exists()).toBe(true);
    expect(problem.text()).not.toMatch(/not found/);
  });
});
