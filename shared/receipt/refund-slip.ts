/**
 * The refund slip (退款单): what the customer was handed back and how, per
 * tender of the original order, who refunded it and which manager approved.
 * Pure, like `buildReceipt`; printed through the same queue and preview.
 */
import { orderNumber } from '../order-number';
import type { Fen } from '../money';
import { COPY_MARK, DEFAULT_RECEIPT_TIMEZONE, DEDUCTION_LABELS, TENDER_LABELS, formatReceiptTime, money } from './build';
import type { Receipt, TenderKind } from './types';
import type { PaperWidth } from './width';
import { lineWriter } from './line-writer';
import { registerDisplayName } from '../register-name';

export interface RefundSlipData {
  store: { name: string; address?: string | null };
  registerId: string;
  orderId: string;
  paidAt: number;
  refundedAt: number;
  timezone?: string;
  /** Who refunded (signed in) and the manager whose PIN approved it, by name. */
  cashier: string | null;
  approvedBy: string | null;
  actualPaidFen: Fen;
  /** How the money went back, one line per tender of the original order. */
  handBack: { kind: TenderKind; amountFen: Fen }[];
  /** Deductions of the original order (not money this register hands back). */
  deductions: { points: Fen; love: Fen };
  /** What the refund did to the order's place in line. */
  forfeitedFen: Fen;
  rebateName: string;
}


export function buildRefundSlip(data: RefundSlipData, options: { width: PaperWidth; copy: boolean; drawer?: boolean }): Receipt {
  const { columns, lines, text, row, rule } = lineWriter(options.width);
  const zone = data.timezone ?? DEFAULT_RECEIPT_TIMEZONE;

  if (options.copy) text(COPY_MARK, 'center', true);
  // The store's name, or nothing: '收银小票' (a sales receipt) over 退款单 or 抽奖凭条 named the slip twice, wrongly once.
  if (data.store.name) text(data.store.name, 'center', true, 2);
  text('退款单', 'center', true, 2);
  rule();
  row('收银台', registerDisplayName(data.registerId));
  row('原单号', orderNumber(data.orderId));
  row('原单时间', formatReceiptTime(data.paidAt, zone));
  row('退款时间', formatReceiptTime(data.refundedAt, zone));
  if (data.cashier) row('收银员', data.cashier);
  if (data.approvedBy) row('批准店长', data.approvedBy);
  rule();
  row('原实付金额', money(data.actualPaidFen));
  text('退还方式', 'left', true);
  for (const t of data.handBack) row(`  ${TENDER_LABELS[t.kind]}`, money(t.amountFen));
  const total = data.handBack.reduce((sum, t) => sum + t.amountFen, 0) as Fen;
  row('退款合计', money(total), true);
  if (data.deductions.points > 0) row(DEDUCTION_LABELS.points, `${money(data.deductions.points)}（不退现金）`);
  if (data.deductions.love > 0) row(DEDUCTION_LABELS.love, `${money(data.deductions.love)}（不退现金）`);
  rule('=');
  text(`【${data.rebateName}】`, 'center', true);
  if (data.forfeitedFen > 0) row('取消待返权益', money(data.forfeitedFen));
  else text('本单没有待返权益被取消', 'left');
  text('已付给队列的金额不退回', 'left');
  rule();
  text('顾客签字：', 'left');
  lines.push({ kind: 'feed', lines: 2 });
  if (options.copy) text(COPY_MARK, 'center', true);
  lines.push({ kind: 'feed', lines: 1 });
  const cash = data.handBack.some((t) => t.kind === 'cash' && t.amountFen > 0);
  return { width: options.width, columns, copy: options.copy, openDrawer: Boolean(options.drawer) && cash && !options.copy, lines };
}
