/**
 * Money and ratios as integers.
 *
 * All money is an integer number of fen (1 yuan = 100 fen) carried in a
 * branded type, so a plain number (say, a yuan amount typed by a person, or a
 * float from a division) cannot be passed where fen are expected without
 * going through a checked constructor. Ratios are integer basis points.
 */

declare const fenBrand: unique symbol;
declare const bpBrand: unique symbol;

/** An integer amount of fen, never negative. */
export type Fen = number & { readonly [fenBrand]: 'Fen' };
/** An integer ratio in basis points: 1 % = 100 bp. */
export type Bp = number & { readonly [bpBrand]: 'Bp' };

/** The largest single payment: 10,000,000.00 yuan. */
export const MAX_PAYMENT_FEN = 1_000_000_000;
/** Reward ratios may go up to 1000 %. */
export const MAX_REWARD_BP = 100_000;
/** An extraction can take at most the whole payment. */
export const MAX_EXTRACTION_BP = 10_000;
/** Every other fen figure (totals, balances) must stay an exact integer in a double. */
export const MAX_SAFE_FEN = Number.MAX_SAFE_INTEGER;

/** A value that broke a money or ratio rule; the message says which and why. */
export class MoneyError extends Error {
  override name = 'MoneyError';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return typeof value;
}

function checkedInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new MoneyError(`${what} must be a whole number, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new MoneyError(`${what} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Any non-negative amount of fen (a total, a balance, a deduction). */
export function fen(value: unknown, what = 'amount (fen)'): Fen {
  return checkedInteger(value, what, 0, MAX_SAFE_FEN) as Fen;
}

/** A single payment: 1 fen to 10,000,000.00 yuan. */
export function paymentFen(value: unknown, what = 'payment (fen)'): Fen {
  return checkedInteger(value, what, 1, MAX_PAYMENT_FEN) as Fen;
}

/** A reward ratio: 0 to 100000 bp (0 to 1000 %). */
export function rewardBp(value: unknown, what = 'reward ratio (bp)'): Bp {
  return checkedInteger(value, what, 0, MAX_REWARD_BP) as Bp;
}

/** An extraction ratio: 0 to 10000 bp (0 to 100 %). */
export function extractionBp(value: unknown, what = 'extraction ratio (bp)'): Bp {
  return checkedInteger(value, what, 0, MAX_EXTRACTION_BP) as Bp;
}

/** Any ratio in bp that is a whole non-negative number (exchange rates). */
export function anyBp(value: unknown, what = 'ratio (bp)'): Bp {
  return checkedInteger(value, what, 0, MAX_REWARD_BP) as Bp;
}

export const ZERO_FEN = 0 as Fen;

/** `floor(amount × ratio / 10000)`, exact for every amount and ratio in range. */
export function applyBp(amount: Fen, ratio: Bp): Fen {
  // amount ≤ 2^53 and ratio ≤ 10^5 can overflow a double's exact range, so
  // the product is taken in BigInt whenever it could leave it.
  const product = amount * ratio;
  if (Number.isSafeInteger(product)) return Math.floor(product / 10_000) as Fen;
  return Number((BigInt(amount) * BigInt(ratio)) / 10_000n) as Fen;
}

export function addFen(a: Fen, b: Fen): Fen {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new MoneyError(`sum of ${a} and ${b} fen is too large`);
  return sum as Fen;
}

/** `a − b`, refusing to go below zero: a negative balance is always a bug. */
export function subFen(a: Fen, b: Fen): Fen {
  if (b > a) throw new MoneyError(`cannot take ${b} fen from ${a} fen`);
  return (a - b) as Fen;
}

export function minFen(a: Fen, b: Fen): Fen {
  return (a < b ? a : b) as Fen;
}

export function sumFen(values: Iterable<Fen>): Fen {
  let total = ZERO_FEN;
  for (const v of values) total = addFen(total, v);
  return total;
}

/** "12345" fen → "123.45" (yuan with two decimals), by integer arithmetic only. */
export function formatYuan(amount: Fen): string {
  const yuan = Math.floor(amount / 100);
  const cents = amount % 100;
  return `${yuan}.${String(cents).padStart(2, '0')}`;
}

/**
 * "1919950560" fen → "19,199,505.60": yuan with thousands separators, for
 * screens, charts, receipts and slips (CSV keeps `formatYuan`: machine-readable). Integer only.
 */
/** Thousands separators in a run of digits: "1234567" → "1,234,567" (money's whole yuan, counts). */
export function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatYuanGrouped(amount: Fen): string {
  const plain = formatYuan(amount);
  const dot = plain.indexOf('.');
  const whole = groupDigits(plain.slice(0, dot));
  return `${whole}${plain.slice(dot)}`;
}

/** "130 %" style text for a bp ratio, exact (13050 bp → "130.5%"). */
export function formatPercent(ratio: Bp): string {
  const whole = Math.floor(ratio / 100);
  const rest = ratio % 100;
  if (rest === 0) return `${whole}%`;
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}

const YUAN_TEXT = /^(\d{1,8})(?:\.(\d{1,2}))?$/;

/**
 * Parses what a person typed as yuan ("12", "12.5", "12.50") into fen without
 * ever going through a float. Anything else (minus signs, three decimals,
 * exponents, spaces inside) is refused with a message.
 */
export function parseYuan(text: string, what = 'amount'): Fen {
  const match = YUAN_TEXT.exec(text.trim());
  if (!match) throw new MoneyError(`${what} must be yuan with at most two decimals, got ${JSON.stringify(text)}`);
  const yuan = Number(match[1]);
  const cents = Number((match[2] ?? '').padEnd(2, '0'));
  return fen(yuan * 100 + cents, what);
}
