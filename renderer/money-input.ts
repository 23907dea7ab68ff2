/**
 * Amount fields: what a person types is text; what the state and the
 * backend see is integer fen, parsed by shared/money's parseYuan (no floats
 * anywhere). An empty field is "no value", not zero.
 */
import { formatYuanGrouped, MAX_PAYMENT_FEN, MoneyError, parseYuan, type Fen } from '../shared/money';

export type ParsedAmount = { ok: true; fen: Fen | null } | { ok: false; reason: 'format' | 'too-large' };

export function parseAmountText(text: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, fen: null };
  try {
    const value = parseYuan(trimmed);
    if (value > MAX_PAYMENT_FEN) return { ok: false, reason: 'too-large' };
    return { ok: true, fen: value };
  } catch (error) {
    if (error instanceof MoneyError) return { ok: false, reason: 'format' };
    throw error;
  }
}

/**
 * "¥19,199,505.60" for display (thousands separators, integer fen only); a
 * negative amount (a cash difference) is "-¥12.30", the sign kept outside
 * the integer formatting.
 */
export function yuan(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  const whole = Math.trunc(amount);
  return whole < 0 ? `-¥${formatYuanGrouped(-whole as Fen)}` : `¥${formatYuanGrouped(whole as Fen)}`;
}

/** Characters an amount field accepts while typing (the keypad uses the same rule). */
export function acceptsAmountKey(key: string): boolean {
  return /^[0-9.]$/.test(key);
}

/** Applies one keypad key to an amount text: digits, '00', '.', backspace, clear. */
export function applyKeypad(text: string, key: string): string {
  if (key === 'C') return '';
  if (key === '⌫') return text.slice(0, -1);
  if (key === '.') return text.includes('.') ? text : (text === '' ? '0.' : `${text}.`);
  if (!/^\d{1,2}$/.test(key)) return text;
  const dot = text.indexOf('.');
  if (dot >= 0 && text.length - dot - 1 + key.length > 2) return text; // at most two decimals
  if (text === '0' && dot < 0) return key === '00' ? '0' : key;
  return text + key;
}
