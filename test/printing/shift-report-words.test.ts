/**
 * The X / Z report on paper and the shift screen name each figure with the
 * same word (an outside tester found 净销售额 on the Z and 销售额 on the screen
 * for the same figure). The figure is what the shift's orders took, refunded
 * orders included (refunds are listed apart), so it must not be called 净
 * (net): it is not net of refunds.
 */
import { describe, expect, it } from 'vitest';
import { buildShiftReport, SHIFT_REPORT_WORDS, type ShiftReportPrintData } from '../../shared/receipt/shift-report';
import zhCN from '../../renderer/i18n/zh-CN';

const z: ShiftReportPrintData = {
  report: 'Z',
  store: { name: '测试店' },
  registerId: 'register-1',
  shiftId: 3,
  cashierName: '林小红',
  openedAt: Date.parse('2026-03-02T09:00:00+08:00'),
  at: Date.parse('2026-03-02T18:00:00+08:00'),
  orders: 2,
  salesFen: 30_000,
  tenders: { cash: 30_000 },
  refunds: 1,
  refundedFen: 10_000,
  openingFloatFen: 20_000,
  expectedCashFen: 40_000,
  countedCashFen: 40_000,
  cashDifferenceFen: 0,
};

function text(data: ShiftReportPrintData): string[] {
  return buildShiftReport(data, { width: 58, copy: false })
    .lines.filter((l): l is Extract<typeof l, { kind: 'text' }> => l.kind === 'text')
    .map((l) => l.text);
}

describe('shift report words', () => {
  it('each figure on paper has the word the shift screen gives it', () => {
    for (const [key, word] of Object.entries(SHIFT_REPORT_WORDS)) {
      expect(zhCN.report[key as keyof typeof zhCN.report], key).toBe(word);
    }
  });

  it('the Z prints 销售额 (refunded orders included, refunds apart), never 净销售额, and each screen word with its figure', () => {
    const lines = text(z);
    const all = lines.join('\n');
    expect(all).not.toContain('净');
    const line = (word: string) => lines.find((l) => l.startsWith(word) && /\s/.test(l.slice(word.length, word.length + 1)));
    expect(line(zhCN.report.sales)).toMatch(/￥300\.00$/);
    expect(line(zhCN.report.refunds)).toMatch(/1 笔$/);
    expect(line(zhCN.report.refunded)).toMatch(/￥100\.00$/);
    expect(line(zhCN.report.openingFloat)).toMatch(/￥200\.00$/);
    expect(line(zhCN.report.expectedCash)).toMatch(/￥400\.00$/);
    expect(line(zhCN.report.countedCash)).toMatch(/￥400\.00$/);
    expect(line(zhCN.report.cashDifference)).toMatch(/相符）$/);
    expect(line(zhCN.report.orders)).toMatch(/2 笔$/);
  });
});
