import type { LineMemberView } from '../shared/contract';
import { formatPercent, type Bp } from '../shared/money';

export function percent(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '—';
  return formatPercent(bp as Bp);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function timeOnly(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * Today's instants by their time alone (11:09:50), others with their date:
 * the status bar's last sync fits one line at 1024×768 on an ordinary day.
 */
export function dateOrTime(ms: number | null | undefined, now: number = Date.now()): string {
  if (ms === null || ms === undefined) return '—';
  return dateTime(ms).slice(0, 10) === dateTime(now).slice(0, 10) ? timeOnly(ms) : dateTime(ms);
}

/**
 * A time zone as a person names it in the UI language (Asia/Shanghai → 中国标准时间), by the
 * browser's own time-zone names; the IANA id only if the browser does not know it.
 */
export function timeZoneName(timeZone: string, locale: string): string {
  try {
    const parts = new Intl.DateTimeFormat(locale === 'en' ? 'en' : 'zh-CN', { timeZone, timeZoneName: 'long' }).formatToParts(Date.now());
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** Progress in whole per-mille, by integers (for the bar; display only). */
export function progressPercent(received: number, entitlement: number): number {
  if (entitlement <= 0) return 100;
  return Math.min(100, Math.floor((received * 100) / entitlement));
}

/** i18n label of a priority-chain rule ('cashier.level' → rules.cashier_level); unknown rules shown as they are. */
export function ruleLabel(t: (key: string) => string, te: (key: string) => boolean, rule: string): string {
  const key = `rules.${rule.replace(/\./g, '_')}`;
  return te(key) ? t(key) : rule;
}

/** Who a member is on screen: name and masked phone (or member code when no phone); never the internal id. Empty when none is known. */
export function memberShownParts(member: Partial<LineMemberView> | null | undefined): string[] {
  return [member?.displayName, member?.maskedPhone ?? member?.code].filter((part): part is string => Boolean(part));
}
