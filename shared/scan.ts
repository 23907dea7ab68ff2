/**
 * What did the scanner read? Every scan is classified before it is used
 * (issue 10 §4), so a customer's payment code is never looked up as a member
 * and never booked as a tender, and a receipt opens its order.
 *
 * Pure: no DOM, no Node. The renderer calls it for every keyboard-wedge scan
 * (renderer/composables/scanner.ts → App.vue) and for codes typed into the
 * member field.
 *
 * Payment codes (付款码) are the one-time codes a customer shows in the
 * wallet app; the store's payment terminal (or its acquirer's API) collects
 * them. This register does not, so the classifier only has to recognise them:
 * - WeChat Pay: 18 digits starting 10–15;
 * - Alipay: 16–24 digits starting 25–30;
 * - UnionPay (云闪付): 19 digits starting 62.
 * The ranges do not overlap, and none of them is an 11-digit mobile number.
 */

import { formatLookupCode, parseLookupCode } from './lookup-code';

export type PayWallet = 'wechat' | 'alipay' | 'unionpay';

export type ScanKind =
  /** A customer's one-time payment code: never a member, never a tender. */
  | { kind: 'pay-code'; wallet: PayWallet }
  /** This register's receipt QR (`QR:<queueId>:<orderId>`). */
  | { kind: 'receipt-qr'; orderId: string }
  /** A receipt QR printed by another register (another queue). */
  | { kind: 'foreign-receipt'; queueId: string; orderId: string }
  /** The receipt's 查询码 (`XXXX-XXXX-XXXX`, typed, or its QR = lookup address + code), in its printed form. */
  | { kind: 'receipt-code'; code: string }
  /** A member QR (`member:<code>`); `code` is what follows the prefix. */
  | { kind: 'member-qr'; code: string }
  /** A mainland mobile number (digits only, +86 / 86 dropped). */
  | { kind: 'phone'; phone: string }
  /** A member code or member id (letters, digits, - _ .). */
  | { kind: 'member-code'; code: string }
  /** Anything else (a URL, text with spaces, a code too long to be ours). */
  | { kind: 'other' };

const MEMBER_QR = /^(?:member|mbr|m)[:：]\s*(.+)$/i;
const RECEIPT_QR = /^QR:([^:]+):([^:]+)$/;
const MEMBER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** Which wallet a run of digits is a payment code of, or null. */
export function payCodeWallet(digits: string): PayWallet | null {
  if (!/^\d+$/.test(digits)) return null;
  const head = Number(digits.slice(0, 2));
  const n = digits.length;
  if (n === 18 && head >= 10 && head <= 15) return 'wechat';
  if (n >= 16 && n <= 24 && head >= 25 && head <= 30) return 'alipay';
  if (n === 19 && head === 62) return 'unionpay';
  return null;
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/**
 * Classifies a scanned (or typed) code. `queueId` is this register's queue:
 * a receipt QR of another queue is reported as `foreign-receipt`.
 */
export function classifyScan(raw: string, queueId: string): ScanKind {
  const code = raw.trim();
  if (!code || code.length > 200) return { kind: 'other' };
  const compact = code.replace(/[\s-]/g, '');

  const wallet = payCodeWallet(compact);
  if (wallet && /^[\d\s-]+$/.test(code)) return { kind: 'pay-code', wallet };

  const receipt = RECEIPT_QR.exec(code);
  if (receipt) {
    const q = decode(receipt[1]!);
    const orderId = decode(receipt[2]!);
    if (q === null || orderId === null || !orderId) return { kind: 'other' };
    return q === queueId ? { kind: 'receipt-qr', orderId } : { kind: 'foreign-receipt', queueId: q, orderId };
  }

  const memberQr = MEMBER_QR.exec(code);
  if (memberQr) {
    const inner = memberQr[1]!.trim();
    return MEMBER_CODE.test(inner) ? { kind: 'member-qr', code: inner } : { kind: 'other' };
  }

  // Mainland mobile: 11 digits starting 13–19, with an optional +86 / 86.
  const phone = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(compact);
  if (phone && /^\+?[\d\s-]+$/.test(code)) return { kind: 'phone', phone: phone[1]! };

  // The 查询码: its QR (a lookup address ending in the code) or the code as
  // printed, with its dashes (12 bare characters may be a member code).
  const lookup = parseLookupCode(code);
  if (lookup && (/^https?:\/\//i.test(code) || /^[0-9a-z]{4}[-\s][0-9a-z]{4}[-\s][0-9a-z]{4}$/i.test(code))) {
    return { kind: 'receipt-code', code: formatLookupCode(lookup) };
  }

  if (MEMBER_CODE.test(code)) return { kind: 'member-code', code };
  return { kind: 'other' };
}
