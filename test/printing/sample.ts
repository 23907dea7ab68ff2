/** A receipt's facts used by several tests (and the docs' sample). */
import { fen, rewardBp } from '../../shared/money';
import type { ReceiptData } from '../../shared/receipt/index';

export function sampleData(overrides: Partial<ReceiptData> = {}): ReceiptData {
  return {
    store: {
      name: '幸福超市（人民路旗舰店）Happy Mart',
      address: '上海市黄浦区人民路１００号 B1-08',
      header: '欢迎光临 Welcome',
      footer: '谢谢惠顾，欢迎再来！\n客服 400-123-4567',
    },
    registerId: '1号收银台',
    cashier: '张三丰 Zhang Sanfeng',
    queueId: 'register-1',
    orderId: '20260105-0001',
    paidAt: Date.UTC(2026, 0, 5, 2, 0, 0),
    amountDueFen: fen(16800),
    deductions: [
      { kind: 'points', amountFen: fen(500) },
      { kind: 'love', amountFen: fen(300) },
    ],
    actualPaidFen: fen(16000),
    tenders: [
      { kind: 'cash', amountFen: fen(10000) },
      { kind: 'wechat', amountFen: fen(6000) },
    ],
    changeFen: fen(0),
    member: { maskedPhone: '138****5678', displayName: '王＊＊' },
    rebate: {
      name: '排队返现',
      entry: {
        entitlementFen: fen(20800),
        ratioBp: rewardBp(13000),
        rule: 'cashier.level',
        position: 3,
        aheadFen: fen(43680),
        drawPending: false,
        state: 'waiting',
        receivedFen: fen(0),
      },
      noEntitlementReason: null,
      settled: true,
      extractedFen: fen(10400),
      paidToQueueFen: fen(10400),
    },
    // The store has a lookup address: the QR is it + the order's 查询码 (issue #12 §3).
    qrPayload: 'https://q.example.cn/q/K7QH2M9DX4TB',
    shortCode: 'K7QH-2M9D-X4TB',
    ...overrides,
  };
}
