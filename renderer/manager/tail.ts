import type { TailProjection } from '../../shared/manager/liability';
import { dateTime } from '../format';

type T = (key: string, params?: Record<string, unknown>) => string;

/** "12.5 天 · 2026-01-05 10:00" or "按当前速度永远返不到（提取为 0）". */
export function tailText(t: T, p: TailProjection | undefined): string {
  if (!p) return '—';
  if (p.never || p.days === null) {
    const why = p.neverReason ? `（${t(`manager.dashboard.neverReasons.${p.neverReason}`)}）` : '';
    return `${t('manager.dashboard.never')}${why}`;
  }
  const eta = t('manager.dashboard.tailEta', { orders: p.ordersNeeded ?? 0, days: p.days, eta: dateTime(p.etaAt) });
  return p.resetFirst ? `${eta} · ${t('manager.dashboard.resetFirst')}` : eta;
}
