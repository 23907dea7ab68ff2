/** One-line text of a settings value (base / in force), for beside the editor. */
import type { SettingsField } from '../../shared/settings';
import { formatYuanGrouped, type Fen } from '../../shared/money';
import { percent } from '../format';
import { levelName } from '../i18n/messages';
import { FIELD_KIND } from './drafts';

type T = (key: string, params?: Record<string, unknown>) => string;

export function valueSummary(t: T, field: SettingsField, value: unknown): string {
  if (value === null || value === undefined) return '—';
  const v = value as never;
  switch (FIELD_KIND[field]) {
    case 'switch':
      return v ? t('manager.editor.on') : t('manager.editor.offSwitch');
    case 'text':
      return String(v);
    case 'enum':
      return t(`manager.enums.${String(v)}`);
    case 'bp':
      return percent(v);
    case 'int':
      return String(v);
    case 'levels': {
      const entries = Object.entries(v as Record<string, number>);
      return entries.length ? entries.map(([k, bp]) => `${levelName(k)} ${percent(bp)}`).join('，') : t('manager.editor.none');
    }
    case 'levelNames': {
      const entries = Object.entries(v as Record<string, string>);
      return entries.length ? entries.map(([, name]) => name).join('，') : t('manager.editor.none');
    }
    case 'tiers': {
      const tiers = v as { days: number; minSpendFen: number; ratioBp: number }[];
      return tiers.length ? tiers.map((x) => `${x.days}${t('manager.editor.days')} ≥¥${formatYuanGrouped(x.minSpendFen as Fen)} → ${percent(x.ratioBp)}`).join('；') : t('manager.editor.none');
    }
    case 'lottery': {
      const l = v as { fixedBp?: number[]; minBp?: number; maxBp?: number };
      return l.fixedBp ? l.fixedBp.map((b) => percent(b)).join(' / ') : `${percent(l.minBp)} – ${percent(l.maxBp)}`;
    }
    case 'windows': {
      const w = v as { from: string; to: string }[];
      return w.length ? w.map((x) => `${x.from}–${x.to}`).join('，') : t('manager.editor.none');
    }
    case 'limits': {
      const l = v as { perMemberPerDay?: number; perMemberTotal?: number };
      return `${t('manager.editor.perDay')}: ${l.perMemberPerDay ?? '∞'}；${t('manager.editor.total')}: ${l.perMemberTotal ?? '∞'}`;
    }
    case 'randomReturn': {
      const r = v as { cashCount: number; pointsCount: number };
      return `${t('manager.editor.cashCount')} ${r.cashCount} + ${t('manager.editor.pointsCount')} ${r.pointsCount}`;
    }
    case 'exchange': {
      const e = v as { pointsBp?: number; vouchersBp?: number };
      return `${t('exchange.points')} ${percent(e.pointsBp)}；${t('exchange.vouchers')} ${percent(e.vouchersBp)}`;
    }
    case 'reset': {
      const r = v as { kind: string; at?: string; weekday?: number; day?: number };
      const when = r.kind === 'weekly' ? ` ${r.weekday}` : r.kind === 'monthly' ? ` ${r.day}` : '';
      return `${t(`manager.editor.${r.kind}`)}${when}${r.at ? ` ${r.at}` : ''}`;
    }
    case 'display': {
      const f = v as Record<string, boolean>;
      return Object.entries(f)
        .filter(([, on]) => on)
        .map(([k]) => t(`manager.display.${k}`))
        .join('，') || t('manager.editor.none');
    }
  }
}
