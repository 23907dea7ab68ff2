/**
 * Member level display names (issue 10 §6): a level key such as `gold` or
 * `normal` is an identifier, never text for a person. What a screen or a
 * receipt shows, in this order:
 *
 * 1. the name set for the key in the settings (`levelNames`, cashier layer
 *    over the base layer the server pushes; set by the manager in the console);
 * 2. a common key's usual name (normal → 普通会员, gold → 金卡会员 …);
 * 3. 会员等级N / "Member level N": N from the key's own digits (`lv3`, `level-3`),
 *    else its 1-based place among the levels the register knows, sorted.
 *
 * The raw key is never shown.
 */

import type { SettingsLayers } from './settings';

export type LevelNames = Readonly<Record<string, string>>;

/** The level names in force (base, then the register's over it, key by key) and every level key the settings mention. */
export function levelsInForce(layers: SettingsLayers): { names: Record<string, string>; known: string[] } {
  const names = { ...(layers.base.levelNames ?? {}), ...(layers.cashier.levelNames ?? {}) };
  const known = new Set([...Object.keys(layers.base.levelRatiosBp ?? {}), ...Object.keys(layers.cashier.levelRatiosBp ?? {}), ...Object.keys(names)]);
  return { names, known: [...known].sort() };
}

/** Usual names of common level keys (lower-case key). */
const COMMON_LEVELS: Readonly<Record<string, { zh: string; en: string }>> = {
  normal: { zh: '普通会员', en: 'Regular member' },
  regular: { zh: '普通会员', en: 'Regular member' },
  basic: { zh: '普通会员', en: 'Regular member' },
  member: { zh: '普通会员', en: 'Regular member' },
  bronze: { zh: '铜卡会员', en: 'Bronze member' },
  silver: { zh: '银卡会员', en: 'Silver member' },
  gold: { zh: '金卡会员', en: 'Gold member' },
  platinum: { zh: '白金会员', en: 'Platinum member' },
  diamond: { zh: '钻石会员', en: 'Diamond member' },
  vip: { zh: '贵宾会员', en: 'VIP member' },
  svip: { zh: '超级贵宾会员', en: 'Super VIP member' },
  black: { zh: '黑卡会员', en: 'Black card member' },
};

/**
 * The name of a level key for a person.
 * `names`: the settings' `levelNames` in force; `known`: every level key the
 * register knows (for the numbered fallback).
 */
export function levelDisplayName(key: string, names: LevelNames | null | undefined, known: readonly string[], language: 'zh' | 'en'): string {
  const set = names && Object.prototype.hasOwnProperty.call(names, key) ? names[key] : undefined;
  if (typeof set === 'string' && set.trim() !== '') return set.trim();
  const common = Object.prototype.hasOwnProperty.call(COMMON_LEVELS, key.toLowerCase()) ? COMMON_LEVELS[key.toLowerCase()] : undefined;
  if (common) return common[language];
  const digits = /(\d{1,3})$/.exec(key);
  let n: number;
  if (digits) n = Number(digits[1]);
  else {
    const sorted = [...new Set([...known, key])].sort();
    n = sorted.indexOf(key) + 1;
  }
  return language === 'zh' ? `会员等级${n}` : `Member level ${n}`;
}
