/**
 * The backend's validation messages are English (zod schemas in
 * shared/settings.ts and shared/contract-manager.ts). In zh-CN the common
 * ones are shown in Chinese; anything unknown is shown as it came.
 */
import { percentText } from './drafts';

/** Ratios travel in bp; the console edits percent, so "(bp)" bounds are shown as percent. */
const pct = (bp: string) => `${percentText(Number(bp))}%`;

const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/\(bp\) must be at most (\d+)/, (m) => `不能大于 ${pct(m[1]!)}`],
  [/\(bp\) must be at least (\d+)/, (m) => `不能小于 ${pct(m[1]!)}`],
  [/must be at most (\d+)$/, (m) => `不能大于 ${m[1]}`],
  [/must be at least (\d+)$/, (m) => `不能小于 ${m[1]}`],
  [/must be a whole number/, () => '必须是整数'],
  [/must be a number/, () => '必须是数字'],
  [/lottery minBp must not be above maxBp/, () => '抽奖最小比例不能大于最大比例'],
  [/a time of day must be HH:MM/, () => '时间必须是 HH:MM（00:00–23:59）'],
  [/must not start and end at the same minute/, () => '时段的开始和结束不能是同一分钟'],
  [/random return group needs at least one order/, () => '随机返每组至少 1 单（现金单数 + 积分单数 > 0）'],
  [/fixed lottery needs at least one ratio/, () => '固定抽奖至少需要一个比例'],
  [/ISO-8601 with an offset/, () => '日期时间必须带时区，例如 2026-01-05T10:00:00+08:00'],
  [/not a real date-time/, () => '不是有效的日期时间'],
  [/expected string to have >=1 characters/, () => '不能为空'],
  [/expected string to have <=(\d+) characters/, (m) => `最多 ${m[1]} 个字`],
  [/must be at most (\d+) characters/, (m) => `最多 ${m[1]} 个字`],
  [/expected array to have <=(\d+) items/, (m) => `最多 ${m[1]} 项`],
  [/paper width must be 58 or 80/, () => '纸宽只能是 58 或 80（毫米）'],
  [/copies must be 1–5/, () => '打印份数为 1–5'],
  [/timeout must be 100–120000 ms/, () => '超时为 100–120000 毫秒'],
  [/a PIN is 4–8 digits/, () => 'PIN 码是 4–8 位数字'],
  [/the new PIN must differ/, () => '新 PIN 码不能与当前 PIN 码相同'],
  [/Unrecognized key/i, () => '不认识的设置项'],
];

export function issueText(message: string, locale: string): string {
  if (locale === 'en') return message;
  // "tiers 0.ratioBp: …" keeps its path prefix.
  const colon = message.lastIndexOf(': ');
  const prefix = colon > 0 && /^[\w.]+$/.test(message.slice(0, colon)) ? message.slice(0, colon + 2) : '';
  const body = prefix ? message.slice(colon + 2) : message;
  for (const [re, make] of RULES) {
    const m = re.exec(body);
    if (m) return prefix + make(m);
  }
  return message;
}

/** "wrong manager PIN (3 tries left before a 5-minute lock)" → 3. */
export function triesLeft(message: string): number | null {
  const m = /(\d+) tries? left/.exec(message);
  return m ? Number(m[1]) : null;
}
