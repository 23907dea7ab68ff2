/** Money on paper as on the screens: ￥1,234.50 (thousands separators) on receipts and refund slips — they printed ￥1234.50; a slip of a store with no name is not titled 收银小票. */
import { describe, expect, it } from 'vitest';
import { fen } from '../../shared/money';
import { buildReceipt, previewText } from '../../shared/receipt/index';
import { buildRefundSlip } from '../../shared/receipt/refund-slip';
import { sampleData } from './sample';

describe('money on receipts and slips', () => {
  it('a receipt of ¥12,345.60 paid by card shows ￥12,345.60', () => {
    const receipt = buildReceipt(
      sampleData({ amountDueFen: fen(1234560), deductions: [], actualPaidFen: fen(1234560), tenders: [{ kind: 'card', amountFen: fen(1234560) }], changeFen: fen(0) }),
      { width: 80, copy: false },
    );
    const lines = previewText(receipt);
    expect(lines.filter((l) => l.includes('￥12,345.60')).length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).not.toMatch(/￥\d{4,}/);
  });

  it('a refund slip of ¥1,234.50 shows ￥1,234.50', () => {
    const slip = buildRefundSlip(
      {
        store: { name: '' },
        registerId: '1 号收银台',
        orderId: '1-20260302-0001',
        paidAt: Date.UTC(2026, 2, 2, 2),
        refundedAt: Date.UTC(2026, 2, 2, 3),
        cashier: '林小红',
        approvedBy: '陈店长',
        actualPaidFen: fen(123450),
        handBack: [{ kind: 'cash', amountFen: fen(123450) }],
        deductions: { points: fen(0), love: fen(0) },
        forfeitedFen: fen(150000),
        rebateName: '排队返现',
      },
      { width: 80, copy: false },
    );
    const text = previewText(slip).join('\n');
    // Double-width titles are previewed spaced out (退  款  单).
    expect(text.replace(/\s/g, '')).toContain('退款单');
    expect(text.replace(/\s/g, ''), 'a refund slip is not titled as a sales receipt').not.toContain('收银小票');
    expect(text).toContain('￥1,234.50');
    expect(text).toContain('￥1,500.00');
    expect(text).not.toMatch(/￥\d{4,}/);
  });
});
