/**
 * The manager's view of the rebate settings (queue-rebate.md §6): for every
 * field the value in force, the register's own ("cashier") value, the
 * platform ("base") value, whether the register inherits or overrides it,
 * and where the base value came from. Also: the layers as they were at an
 * earlier instant, rebuilt from the settings audit log.
 */
import { DEFAULT_DEFAULT_RATIO_BP, resolveSettings, type SettingsField, type SettingsLayer, type SettingsLayers } from '../settings';

export interface FieldInfo {
  field: SettingsField;
  zh: string;
  en: string;
  /** How the value in force is found from the two layers. */
  resolution: 'cashier-over-base' | 'merged-by-level' | 'cashier-only';
}

/** Every §6 field, in the order the console shows them. */
export const SETTINGS_FIELDS: readonly FieldInfo[] = [
  { field: 'enabled', zh: '启用排队返利', en: 'Rebate enabled', resolution: 'cashier-over-base' },
  { field: 'rebateName', zh: '自定义名称', en: 'Custom rebate name', resolution: 'cashier-over-base' },
  { field: 'exchangeName', zh: '兑换按钮名称', en: 'Exchange button name', resolution: 'cashier-over-base' },
  { field: 'extractionBp', zh: '提取比例', en: 'Extraction ratio', resolution: 'cashier-over-base' },
  { field: 'defaultRatioBp', zh: '默认返利比例', en: 'Default reward ratio', resolution: 'cashier-over-base' },
  { field: 'levelRatiosBp', zh: '会员等级返利比例', en: 'Member-level ratios', resolution: 'merged-by-level' },
  { field: 'levelNames', zh: '会员等级名称', en: 'Member level names', resolution: 'merged-by-level' },
  { field: 'tiers', zh: '累计消费档位', en: 'Cumulative-spend tiers', resolution: 'cashier-only' },
  { field: 'lottery', zh: '抽奖返利比例', en: 'Lottery ratio', resolution: 'cashier-over-base' },
  { field: 'settlement', zh: '结算时机', en: 'Settlement event', resolution: 'cashier-over-base' },
  { field: 'autoCompleteMinutes', zh: '自动完成（分钟）', en: 'Auto-complete after (minutes)', resolution: 'cashier-over-base' },
  { field: 'ordering', zh: '排队规则', en: 'Ordering rule', resolution: 'cashier-over-base' },
  { field: 'deductionRule', zh: '抵扣规则', en: 'Deduction rule', resolution: 'cashier-over-base' },
  { field: 'leftover', zh: '未分配金额去向', en: 'Leftover goes to', resolution: 'cashier-over-base' },
  { field: 'windows', zh: '返利时段', en: 'Time windows', resolution: 'cashier-over-base' },
  { field: 'limits', zh: '次数限制', en: 'Limits', resolution: 'cashier-over-base' },
  { field: 'randomReturn', zh: '随机返', en: 'Random return', resolution: 'cashier-over-base' },
  { field: 'exchange', zh: '兑换比例', en: 'Exchange rates', resolution: 'cashier-over-base' },
  { field: 'reset', zh: '队列奖励清零', en: 'Scheduled reset', resolution: 'cashier-over-base' },
  { field: 'paused', zh: '队列奖励暂停', en: 'Pause rewards', resolution: 'cashier-over-base' },
  { field: 'display', zh: '显示开关', en: 'Display switches', resolution: 'cashier-over-base' },
];

export type BaseSource = 'server' | 'local' | 'default';

export interface BaseOrigin {
  source: BaseSource;
  /** The audit row that last set the base value (absent: set when the queue was created, or never). */
  at: number | null;
  actor: string | null;
}

export interface SettingsFieldView {
  field: SettingsField;
  zh: string;
  en: string;
  /** The value in force (built-in default when neither layer sets it). */
  effective: unknown;
  /** The register's own value; null = not set (inherits). */
  cashier: unknown;
  /** The platform value; null = not set (built-in default). */
  base: unknown;
  /** overridden: the register sets it; inherited: the base value is used; default: neither sets it. */
  state: 'overridden' | 'inherited' | 'default';
  baseOrigin: BaseOrigin;
  resolution: FieldInfo['resolution'];
}

function effectiveValue(layers: SettingsLayers, field: SettingsField): unknown {
  const resolved = resolveSettings(layers) as unknown as Record<string, unknown>;
  switch (field) {
    case 'defaultRatioBp':
      return layers.cashier.defaultRatioBp ?? layers.base.defaultRatioBp ?? DEFAULT_DEFAULT_RATIO_BP;
    case 'levelRatiosBp':
      // Rule 1 (register) before rule 2 (platform), level by level.
      return { ...(layers.base.levelRatiosBp ?? {}), ...(layers.cashier.levelRatiosBp ?? {}) };
    case 'levelNames':
      return { ...(layers.base.levelNames ?? {}), ...(layers.cashier.levelNames ?? {}) };
    case 'tiers':
      // §5 rule 3 reads the register's tiers only.
      return layers.cashier.tiers ?? [];
    case 'lottery':
      return layers.cashier.lottery ?? layers.base.lottery ?? null;
    case 'autoCompleteMinutes':
      return resolved.autoCompleteMinutes ?? null;
    case 'randomReturn':
    case 'exchange':
      return resolved[field] ?? null;
    default:
      return resolved[field];
  }
}

export function settingsView(layers: SettingsLayers, origins: Partial<Record<SettingsField, BaseOrigin>>): SettingsFieldView[] {
  return SETTINGS_FIELDS.map((info) => {
    const cashier = layers.cashier[info.field];
    const base = layers.base[info.field];
    const state = info.resolution === 'cashier-only' ? (cashier !== undefined ? 'overridden' : 'default') : cashier !== undefined ? 'overridden' : base !== undefined ? 'inherited' : 'default';
    return {
      field: info.field,
      zh: info.zh,
      en: info.en,
      effective: effectiveValue(layers, info.field),
      cashier: cashier ?? null,
      base: base ?? null,
      state,
      baseOrigin: origins[info.field] ?? { source: base !== undefined ? 'local' : 'default', at: null, actor: null },
      resolution: info.resolution,
    };
  });
}

export interface AuditRowLike {
  id: number;
  layer: 'base' | 'cashier';
  field: string;
  oldValue: string | null;
  newValue: string | null;
  at: number;
}

/**
 * The layers in force at `at`: start from the current layers and undo, newest
 * first, every audited change made after `at`. (A queue's layers at creation
 * have no audit rows; that is where the walk stops.)
 */
export function layersAt(current: SettingsLayers, rowsNewestFirst: readonly AuditRowLike[], at: number): SettingsLayers {
  const layers: { base: Record<string, unknown>; cashier: Record<string, unknown> } = { base: { ...current.base }, cashier: { ...current.cashier } };
  for (const row of rowsNewestFirst) {
    if (row.at <= at) break;
    const layer = layers[row.layer];
    if (row.oldValue === null) delete layer[row.field];
    else layer[row.field] = JSON.parse(row.oldValue) as unknown;
  }
  return { base: layers.base as SettingsLayer, cashier: layers.cashier as SettingsLayer };
}

/** Tiers as saved: sorted by days, then minimum spend, then ratio (the engine does not care; people do). */
export function sortTiers<T extends { days: number; minSpendFen: number; ratioBp: number }>(tiers: readonly T[]): T[] {
  return [...tiers].sort((a, b) => a.days - b.days || a.minSpendFen - b.minSpendFen || a.ratioBp - b.ratioBp);
}
