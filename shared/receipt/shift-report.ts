/**
 * X and Z shift reports on the receipt printer (issue 10 §7). Pure, like
 * `buildReceipt`: the backend freezes the report's figures on the print job
 * and this turns them into receipt lines for the printer and the preview.
 *
 * What it shows: sales (销售额: what the shift's orders took, refunded ones
 * included — not net of refunds, so never called 净), the tenders (cash net
 * of change), refunds on their own (never netted into a tender),
 * the opening float, the cash the drawer should hold and, for Z, the counted
 * cash and the difference. People by name; an old report without a name
 * shows 「未记录」 rather than an id.
 *
 * Each figure has the word the shift screen gives it (renderer/i18n/zh-CN.ts
 * `report`), so the paper and the screen read the same: SHIFT_REPORT_WORDS.
 */
import { formatYuanGrouped, fen, type Fen } from '../money';
import { DEFAULT_RECEIPT_TIMEZONE, formatReceiptTime, TENDER_LABELS } from './build';
import type { Receipt, TenderKind } from './types';
import type { PaperWidth } from './width';
import { lineWriter } from './line-writer';
import { registerDisplayName } from '../register-name';

export interface ShiftReportPrintData {
  report: 'X' | 'Z';
  store: { name: string };
  registerId: string;
  shiftId: number;
  cashierName: string | null;
  openedAt: number;
  /** Z: when the shift closed; X: when the report was taken. */
  at: number;
  timezone?: string;
  orders: number;
  salesFen: number;
  tenders: Partial<Record<TenderKind, number>>;
  refunds: number;
  refundedFen: number;
  openingFloatFen: number;
  expectedCashFen: number;
  /** Z only. */
  countedCashFen: number | null;
  cashDifferenceFen: number | null;
}

/** The figures' words, the same as on the shift screen (test/printing/shift-report-words.test.ts holds them equal). */
export const SHIFT_REPORT_WORDS = {
  orders: '订单数',
  sales: '销售额',
  refunds: '退款笔数',
  refunded: '退款金额',
  openingFloat: '备用金',
  expectedCash: '应有现金',
  countedCash: '清点现金',
  cashDifference: '现金差额',
} as const;
const W = SHIFT_REPORT_WORDS;

const TENDER_ORDER: readonly TenderKind[] = ['cash', 'card', 'wechat', 'alipay', 'other'];

/** ￥1,234.50; a negative amount (a short drawer) as -￥12.00. Integer fen only. */
export function reportMoney(amount: number): string {
  const whole = Math.trunc(amount);
  return whole < 0 ? `-￥${formatYuanGrouped(fen(-whole) as Fen)}` : `￥${formatYuanGrouped(fen(whole) as Fen)}`;
}

function differenceText(diff: number): string {
  if (diff === 0) return '￥0.00（相符）';
  return diff > 0 ? `+${reportMoney(diff)}（长款）` : `${reportMoney(diff)}（短款）`;
}

export function buildShiftReport(data: ShiftReportPrintData, options: { width: PaperWidth; copy: boolean }): Receipt {
  const { columns, lines, text, row, rule } = lineWriter(options.width);
  const timezone = data.timezone ?? DEFAULT_RECEIPT_TIMEZONE;

  if (options.copy) text('*** 副本 ***', 'center', true);
  if (data.store.name) text(data.store.name, 'center', true);
  text(data.report === 'X' ? 'X 报表（班中）' : 'Z 报表（交班）', 'center', true, 2);
  rule();
  row('收银台', registerDisplayName(data.registerId));
  row('班次', String(data.shiftId));
  row('收银员', data.cashierName ?? '未记录');
  row('开班时间', formatReceiptTime(data.openedAt, timezone));
  row(data.report === 'X' ? '打印时间' : '交班时间', formatReceiptTime(data.at, timezone));
  rule();
  row(W.orders, `${data.orders} 笔`);
  row(W.sales, reportMoney(data.salesFen), true);
  text('收款方式', 'left', true);
  for (const kind of TENDER_ORDER) {
    const amount = data.tenders[kind] ?? 0;
    if (amount !== 0 || kind === 'cash') row(`  ${TENDER_LABELS[kind]}`, reportMoney(amount));
  }
  rule();
  row(W.refunds, `${data.refunds} 笔`);
  row(W.refunded, reportMoney(data.refundedFen));
  rule();
  row(W.openingFloat, reportMoney(data.openingFloatFen));
  row(W.expectedCash, reportMoney(data.expectedCashFen), true);
  if (data.report === 'Z' && data.countedCashFen !== null && data.cashDifferenceFen !== null) {
    row(W.countedCash, reportMoney(data.countedCashFen), true);
    row(W.cashDifference, differenceText(data.cashDifferenceFen), true);
  } else {
    text('班次未结束，数字仍会变化。', 'left');
  }
  rule();
  lines.push({ kind: 'feed', lines: 1 });
  if (options.copy) text('*** 副本 ***', 'center', true);
  lines.push({ kind: 'feed', lines: 1 });
  return { width: options.width, columns, copy: options.copy, openDrawer: false, lines };
}
