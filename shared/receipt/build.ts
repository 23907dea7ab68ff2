/**
 * `buildReceipt`: facts → laid-out lines for 58 mm or 80 mm paper. Pure: no
 * clock, no I/O; the time is formatted with Intl in the given IANA zone.
 * It states facts only (amounts, ratio, place in line when the entry
 * joined); it never promises when anything will be repaid.
 */
import { orderNumber } from '../order-number';
import { fen, formatPercent, formatYuanGrouped, type Fen } from '../money';
import { localParts } from '../engine/time';
import type { NoEntitlementReason, RatioRule } from '../engine/types';
import type { Align, DeductionKind, Receipt, ReceiptData, ReceiptLine, ReceiptOptions, TenderKind } from './types';
import { cleanText, textColumns } from './width';
import { lineWriter } from './line-writer';
import { registerDisplayName } from '../register-name';

export const DEFAULT_RECEIPT_TIMEZONE = 'Asia/Shanghai';

export const TENDER_LABELS: Readonly<Record<TenderKind, string>> = {
  cash: '现金',
  card: '银行卡',
  wechat: '微信支付',
  alipay: '支付宝',
  other: '其他',
};

export const DEDUCTION_LABELS: Readonly<Record<DeductionKind, string>> = {
  points: '积分抵扣',
  love: '爱心值抵扣',
  other: '其他抵扣',
};

/** Which rule gave the ratio (queue-rebate.md §5), as the receipt words it. */
export const RULE_LABELS: Readonly<Record<RatioRule, string>> = {
  'cashier.level': '收银台会员等级比例',
  'base.level': '平台会员等级比例',
  'cashier.tiers': '累计消费阶梯比例',
  'cashier.lottery': '收银台抽奖比例',
  'base.lottery': '平台抽奖比例',
  'cashier.default': '收银台默认比例',
  'base.default': '平台默认比例',
};

export const NO_ENTITLEMENT_LABELS: Readonly<Record<NoEntitlementReason, string>> = {
  disabled: '未开启',
  'walk-in': '非会员不参与',
  'deduction-excluded': '使用抵扣的订单不参与',
  'outside-window': '不在参与时段内',
  'daily-limit': '已达每日参与次数上限',
  'total-limit': '已达参与总次数上限',
  'zero-entitlement': '权益金额为零',
};

/** Top and bottom of a reprint. Chinese only: no English word on a Chinese receipt (issue 10 §6). */
export const COPY_MARK = '*** 副本 ***';

/** ￥1,234.50 on paper as on the screens (thousands separators; integer fen only). */
export const money = (amount: Fen) => `￥${formatYuanGrouped(amount)}`;

/** `2026-01-05 10:00:00` in the given IANA zone (the engine's own local-time reading). */
export function formatReceiptTime(at: number, timezone = DEFAULT_RECEIPT_TIMEZONE): string {
  const p = localParts(at, timezone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** Keeps at most the first 3 and last 4 digits of a phone number visible. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (/^\+?\d{7,}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return digits;
}

function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
}

export function buildReceipt(data: ReceiptData, options: ReceiptOptions): Receipt {
  const { columns, lines, text, row, rule } = lineWriter(options.width);
  const multiline = (value: string | null | undefined, align: Align) => {
    if (!value) return;
    for (const para of value.split(/\r?\n/)) text(para, align);
  };

  if (options.copy) text(COPY_MARK, 'center', true);
  text(data.store.name || '收银小票', 'center', true, 2);
  multiline(data.store.address, 'center');
  multiline(data.store.header, 'center');
  if (data.refunded) text('【已退款】', 'center', true);
  rule();

  row('收银台', registerDisplayName(data.registerId));
  if (data.cashier) row('收银员', data.cashier);
  row('单号', orderNumber(data.orderId));
  row('时间', formatReceiptTime(data.paidAt, data.timezone ?? DEFAULT_RECEIPT_TIMEZONE));
  rule();

  row('应付金额', money(data.amountDueFen));
  for (const d of data.deductions) if (d.amountFen > 0) row(DEDUCTION_LABELS[d.kind], `-${money(d.amountFen)}`);
  row('实付金额', money(data.actualPaidFen), true);
  for (const t of data.tenders) row(TENDER_LABELS[t.kind], money(t.amountFen));
  const cash = data.tenders.some((t) => t.kind === 'cash');
  if (cash || data.changeFen > 0) row('找零', money(data.changeFen));

  // 会员信息 (memberIdentity) off: neither nickname nor masked phone (docs/display.md).
  if (data.member && data.show?.member !== false && (data.member.maskedPhone || data.member.displayName)) {
    rule();
    const who = [data.member.displayName ?? '', data.member.maskedPhone ? maskPhone(data.member.maskedPhone) : '']
      .filter(Boolean)
      .join(' ');
    row('会员', who);
  }

  // The rebate block, under the store's own name for it.
  const rebate = data.rebate;
  rule('=');
  text(`【${rebate.name}】`, 'center', true);
  const entry = rebate.entry;
  const show = { position: data.show?.position ?? true, ahead: data.show?.ahead ?? true, received: data.show?.received ?? true, pending: data.show?.pending ?? true };
  if (entry) {
    row('待返权益', money(entry.entitlementFen), true);
    row('返利比例', `${formatPercent(entry.ratioBp)}${entry.drawPending ? '（待抽奖）' : ''}`);
    row('比例来源', RULE_LABELS[entry.rule]);
    if (entry.state === 'points') {
      text('本单权益已按随机返转为积分，不排队', 'left');
    } else if (entry.state === 'cancelled') {
      text('订单已退款，本单权益已取消', 'left');
    } else {
      if (show.position) row('入队位置', `第 ${entry.position} 位`);
      if (show.ahead) row('入队时前方待返', money(entry.aheadFen));
      if (show.received && entry.receivedFen > 0) row('已返金额', money(entry.receivedFen));
      if (show.pending && entry.state === 'waiting') row('尚待返还', money(fen(entry.entitlementFen - entry.receivedFen)));
      if (entry.state === 'completed') text('本单权益已全部返还', 'left');
      if (entry.state === 'exchanged') text('本单权益已兑换', 'left');
      if (entry.state === 'cleared') text('本单权益已按规则清零', 'left');
    }
  } else {
    row('本单权益', rebate.noEntitlementReason ? NO_ENTITLEMENT_LABELS[rebate.noEntitlementReason] : '无');
  }
  if (rebate.settled) row('本单付给队列', money(rebate.paidToQueueFen));
  else row('本单付给队列', '订单完成后结算');

  // The 查询码 and its QR (issue #12 §3): a QR only when the store has a lookup
  // address (the central service's customer page), so it never promises what
  // nothing answers; otherwise the code is looked up at the counter.
  const qr = data.qrPayload ? asciiOnly(data.qrPayload) : null;
  const code = data.shortCode ? cleanText(data.shortCode) : null;
  rule();
  if (qr) lines.push({ kind: 'qr', payload: qr });
  if (code) {
    text(`查询码 ${code}`, 'center', true);
    text(qr ? '扫码或凭查询码查询排队进度' : '凭查询码可在收银台查询排队进度', 'center');
  } else {
    text('凭单号可在收银台查询排队进度', 'center');
  }

  if (data.store.footer) {
    rule();
    multiline(data.store.footer, 'center');
  }
  if (options.copy) text(COPY_MARK, 'center', true);
  lines.push({ kind: 'feed', lines: 1 });

  return { width: options.width, columns, copy: options.copy, openDrawer: cash && !options.copy, lines };
}

/** Whether a line fits its paper (used by tests and by the ESC/POS renderer as a guard). */
export function lineFits(line: ReceiptLine, columns: number): boolean {
  return line.kind !== 'text' || textColumns(line.text) * line.size <= columns;
}
