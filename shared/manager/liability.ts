/**
 * The liability arithmetic of the manager's dashboard, pure and integer:
 * e/r (queue-rebate.md §9) with its plain meaning, and the tail's expected
 * wait projected from the REAL line (the amount still owed ahead of and to the
 * newest waiting entry) at a window's average order rate.
 */
import { msg, type Message } from '../messages/catalogue';

const DAY_MS = 24 * 60 * 60 * 1000;

export type CoverageCode = 'no-recent-entries' | 'no-extraction' | 'covered' | 'partial';

export interface Coverage {
  extractionBp: number;
  /** Average reward ratio of recent entries, weighted by amount (Σ entitlement ÷ Σ base); null without entries. */
  averageRewardBp: number | null;
  /** e ÷ r in bp (10000 = every entitlement can be repaid); null without recent entries. */
  ratioBp: number | null;
  /** How much the amount owed grows per 100.00 yuan of sales: (r − e) × 100 yuan, in fen (0 when e ≥ r). */
  owedGrowthPer100YuanFen: number;
  code: CoverageCode;
  /** The plain meaning, as a message code + integer parameters (fen, bp): the renderer writes it in the UI language, money as ¥1,234.50. */
  message: Message;
}

/** The amount of sales the sentence speaks of: each 100.00 yuan. */
const PER_SALES_FEN = 10_000;

/** e/r with its plain meaning as a message (renderer/i18n: zh-CN and en). */
export function coverage(extractionBp: number, averageRewardBp: number | null): Coverage {
  const e = extractionBp;
  const r = averageRewardBp;
  if (r === null || r === 0) {
    return {
      extractionBp: e,
      averageRewardBp: r,
      ratioBp: null,
      owedGrowthPer100YuanFen: 0,
      code: 'no-recent-entries',
      message: msg('dashboard.coverage.noRecentEntries', {}),
    };
  }
  const ratioBp = Math.floor((e * 10_000) / r);
  const growth = Math.max(0, r - e);
  const shareBp = Math.min(ratioBp, 10_000);
  if (e === 0) {
    return {
      extractionBp: e,
      averageRewardBp: r,
      ratioBp,
      owedGrowthPer100YuanFen: growth,
      code: 'no-extraction',
      message: msg('dashboard.coverage.noExtraction', { salesFen: PER_SALES_FEN, growthFen: growth }),
    };
  }
  if (e >= r) {
    return {
      extractionBp: e,
      averageRewardBp: r,
      ratioBp,
      owedGrowthPer100YuanFen: 0,
      code: 'covered',
      message: msg('dashboard.coverage.covered', {}),
    };
  }
  return {
    extractionBp: e,
    averageRewardBp: r,
    ratioBp,
    owedGrowthPer100YuanFen: growth,
    code: 'partial',
    message: msg('dashboard.coverage.partial', { shareBp, salesFen: PER_SALES_FEN, growthFen: growth }),
  };
}

export interface RateWindow {
  /** Length of the window in days (7, 30). */
  days: number;
  /** The time the window really covers (ms): its length, or less when the register's first order is more recent. */
  spanMs: number;
  /** Orders paid in the window. */
  orders: number;
  /** What they extracted (fen). */
  extractedFen: number;
}

export type NeverReason = 'no-orders' | 'no-extraction' | 'paused' | 'disabled';

export interface TailProjection {
  windowDays: number;
  orders: number;
  extractedFen: number;
  /** floor(extracted ÷ orders), for display; the projection itself uses the exact fraction. */
  averageExtractedPerOrderFen: number | null;
  /** Orders until the newest waiting entry is repaid in full; null = never at the current rate. */
  ordersNeeded: number | null;
  /** ordersNeeded at the window's orders per day, rounded UP to 0.1 day; null = never. */
  days: number | null;
  /** When that would be (ms); null = never. */
  etaAt: number | null;
  never: boolean;
  neverReason: NeverReason | null;
  /** A scheduled reset falls before the projected repayment: the tail will be cleared first. */
  resetFirst: boolean;
}

export interface TailInput {
  /** Σ remaining of the waiting entries that will be paid before the newest one, plus its own remaining. */
  needFen: number;
  /** The carried pool: added to the next settled order's extraction. */
  poolFen: number;
  window: RateWindow;
  enabled: boolean;
  paused: boolean;
  /** The extraction ratio in force now. */
  extractionBp: number;
  now: number;
  nextResetAt: number | null;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Orders needed = ceil((need − pool) × orders ÷ extracted): the line is paid
 * strictly in order, so the newest entry is repaid exactly when the payouts
 * since now reach the amount owed ahead of it plus its own remaining.
 */
export function projectTail(input: TailInput): TailProjection {
  const { window } = input;
  const base = {
    windowDays: window.days,
    orders: window.orders,
    extractedFen: window.extractedFen,
    averageExtractedPerOrderFen: window.orders > 0 ? Math.floor(window.extractedFen / window.orders) : null,
  };
  const never = (reason: NeverReason): TailProjection => ({ ...base, ordersNeeded: null, days: null, etaAt: null, never: true, neverReason: reason, resetFirst: false });
  if (!input.enabled) return never('disabled');
  if (input.paused) return never('paused');
  if (input.needFen <= 0) return { ...base, ordersNeeded: 0, days: 0, etaAt: input.now, never: false, neverReason: null, resetFirst: false };
  if (window.orders === 0) return never('no-orders');
  const afterPool = input.needFen - input.poolFen;
  if (afterPool > 0 && (window.extractedFen === 0 || input.extractionBp === 0)) return never('no-extraction');
  const ordersNeeded = afterPool <= 0 ? 1 : Number(ceilDiv(BigInt(afterPool) * BigInt(window.orders), BigInt(window.extractedFen)));
  // days = ordersNeeded ÷ (orders per day over the span really covered), rounded up to a tenth.
  const span = BigInt(Math.max(1, window.spanMs));
  const tenths = Number(ceilDiv(BigInt(ordersNeeded) * span * 10n, BigInt(window.orders) * BigInt(DAY_MS)));
  const etaAt = input.now + Number((BigInt(ordersNeeded) * span) / BigInt(window.orders));
  return {
    ...base,
    ordersNeeded,
    days: tenths / 10,
    etaAt,
    never: false,
    neverReason: null,
    resetFirst: input.nextResetAt !== null && input.nextResetAt <= etaAt,
  };
}
