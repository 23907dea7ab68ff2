/**
 * The customer's slips for what happens to a place in line after the sale
 * (issue 10 §7): a lottery draw (抽奖凭条: the ratio drawn and the new
 * entitlement) and an exchange (兑换凭条: what was converted into how many
 * points or vouchers). Pure, like `buildReceipt`; printed through the same
 * queue and shown through the same preview.
 */
import { orderNumber } from '../order-number';
import { formatPercent, type Bp, type Fen } from '../money';
import { COPY_MARK, DEFAULT_RECEIPT_TIMEZONE, formatReceiptTime, money } from './build';
import type { Receipt } from './types';
import type { PaperWidth } from './width';
import { lineWriter } from './line-writer';
import { registerDisplayName } from '../register-name';

export type EntrySlipData = {
  store: { name: string };
  registerId: string;
  orderId: string;
  at: number;
  timezone?: string;
  rebateName: string;
} & (
  | { slip: 'draw'; ratioBp: Bp; entitlementFen: Fen; receivedFen: Fen }
  | { slip: 'exchange'; to: 'points' | 'vouchers'; exchangeName: string; convertedFen: Fen; units: number }
);


export function buildEntrySlip(data: EntrySlipData, options: { width: PaperWidth; copy: boolean }): Receipt {
  const { columns, lines, text, row, rule } = lineWriter(options.width);

  if (options.copy) text(COPY_MARK, 'center', true);
  // The store's name, or nothing: '收银小票' (a sales receipt) over 退款单 or 抽奖凭条 named the slip twice, wrongly once.
  if (data.store.name) text(data.store.name, 'center', true, 2);
  text(data.slip === 'draw' ? '抽奖凭条' : `${data.exchangeName}凭条`, 'center', true, 2);
  rule();
  row('收银台', registerDisplayName(data.registerId));
  row('单号', orderNumber(data.orderId));
  row(data.slip === 'draw' ? '抽奖时间' : '兑换时间', formatReceiptTime(data.at, data.timezone ?? DEFAULT_RECEIPT_TIMEZONE));
  rule();
  text(`【${data.rebateName}】`, 'center', true);
  if (data.slip === 'draw') {
    row('抽中返利比例', formatPercent(data.ratioBp), true);
    row('待返权益', money(data.entitlementFen), true);
    if (data.receivedFen > 0) row('已收到返利', money(data.receivedFen));
    text('抽奖结果由收银机随机产生并已记录，不可更改。', 'left');
  } else {
    row('兑换的待返权益', money(data.convertedFen));
    row(data.to === 'points' ? '获得积分' : '获得代金券', `${data.units} ${data.to === 'points' ? '分' : '张'}`, true);
    text('兑换后本单退出排队，不再收到返利。', 'left');
  }
  rule();
  lines.push({ kind: 'feed', lines: 1 });
  if (options.copy) text(COPY_MARK, 'center', true);
  lines.push({ kind: 'feed', lines: 1 });
  return { width: options.width, columns, copy: options.copy, openDrawer: false, lines };
}
