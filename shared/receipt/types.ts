/**
 * The receipt, as plain data (what the order, its entry and the store
 * settings say) and as a laid-out model (lines that fit the paper). Both the
 * on-screen preview and the ESC/POS bytes are rendered from the same model.
 */
import type { Bp, Fen } from '../money';
import type { EntryState, Instant, NoEntitlementReason, RatioRule } from '../engine/types';
import type { PaperWidth } from './width';

export type TenderKind = 'cash' | 'card' | 'wechat' | 'alipay' | 'other';
export type DeductionKind = 'points' | 'love' | 'other';

/** Everything a receipt says, as facts. No money is ever a float: all `…Fen` are integer fen. */
export interface ReceiptData {
  store: {
    name: string;
    address?: string | null;
    /** Free text printed under the store name (may contain newlines). */
    header?: string | null;
    /** Free text printed at the bottom (may contain newlines). */
    footer?: string | null;
  };
  registerId: string;
  cashier: string | null;
  queueId: string;
  orderId: string;
  paidAt: Instant;
  /** IANA zone for the printed time; Asia/Shanghai when not given. */
  timezone?: string;
  amountDueFen: Fen;
  deductions: { kind: DeductionKind; amountFen: Fen }[];
  actualPaidFen: Fen;
  tenders: { kind: TenderKind; amountFen: Fen }[];
  changeFen: Fen;
  /** The member as the register knows them; the phone is masked again here, to be safe. */
  member: { maskedPhone?: string | null; displayName?: string | null } | null;
  rebate: {
    /** The custom rebate name (settings `rebateName`), e.g. 排队返利. */
    name: string;
    /** This order's entry in the line, if it earned one. */
    entry: {
      entitlementFen: Fen;
      ratioBp: Bp;
      rule: RatioRule;
      /** 1 + waiting entries ahead when it joined. */
      position: number;
      /** Σ remaining of the entries ahead when it joined. */
      aheadFen: Fen;
      drawPending: boolean;
      state: EntryState;
      receivedFen: Fen;
    } | null;
    noEntitlementReason: NoEntitlementReason | null;
    /** Whether the order has settled (extracted) yet. */
    settled: boolean;
    extractedFen: Fen;
    /** What this order's settlement paid to other customers' entries. */
    paidToQueueFen: Fen;
  };
  refunded?: boolean;
  /**
   * Display switches (settings `display`, docs/display.md): position = queueProgress, ahead = amountWaiting,
   * received = totalReceived, pending = pendingAmount, member = memberIdentity. Absent = shown.
   */
  show?: { position?: boolean; ahead?: boolean; received?: boolean; pending?: boolean; member?: boolean };
  /** What the QR code holds: the store's lookup address + the 查询码. No QR when absent. ASCII only. */
  qrPayload?: string;
  /** The order's 查询码 as printed (`XXXX-XXXX-XXXX`); absent for orders from before it existed. */
  shortCode?: string;
}

export interface ReceiptOptions {
  width: PaperWidth;
  /** A reprint: marked 副本 at the top and bottom, and never opens the drawer. */
  copy: boolean;
}

export type Align = 'left' | 'center' | 'right';

export type ReceiptLine =
  /** One printed line; it already fits the paper at its size. */
  | { kind: 'text'; text: string; align: Align; bold: boolean; size: 1 | 2 }
  /** A full-width divider made of one ASCII character. */
  | { kind: 'rule'; char: '-' | '=' }
  | { kind: 'qr'; payload: string }
  | { kind: 'feed'; lines: number };

export interface Receipt {
  width: PaperWidth;
  columns: number;
  copy: boolean;
  /** A cash tender was taken (and this is not a copy): kick the drawer. */
  openDrawer: boolean;
  lines: ReceiptLine[];
}
