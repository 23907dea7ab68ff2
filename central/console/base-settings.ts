/**
 * Base settings as the console authors them: the layer in force for the
 * alliance (or one store), read back from the newest base-settings push; a
 * form's fields turned into a new layer with Chinese messages per field (and
 * then checked by the very schema registers use, `settingsLayerSchema`); the
 * change as old → new lines for the audit trail; the push with its audit
 * line in one transaction.
 *
 * A push replaces the whole base layer on the registers it reaches (docs/sync.md),
 * so the form starts from the layer in force and fields it does not show
 * (tiers, lottery, windows …) go out unchanged.
 */
import { levelDisplayName } from '../../shared/levels';
import { SETTINGS_FIELDS } from '../../shared/manager/settings-view';
import { MAX_EXTRACTION_BP, MAX_REWARD_BP } from '../../shared/money';
import { settingsLayerSchema, type SettingsField, type SettingsLayer } from '../../shared/settings';
import { MESSAGES } from '../../shared/sync/protocol';
import type { Queryable, SqlDb } from '../db/adapter';
import { addPush } from '../push/store';
import { audit, type AuditAction } from './audit';
import { parsePercent, percent, percentField } from './html';

export interface LayerInForce {
  settings: SettingsLayer;
  /** The push it came from (null: nothing pushed yet). */
  pushId: number | null;
  /** For a store: true when the layer is the alliance's (no push for the store itself yet). */
  inherited: boolean;
}

async function newestLayer(db: Queryable, storeId: string | null): Promise<{ settings: SettingsLayer; pushId: number } | null> {
  const { rows } = await db.query<{ id: number; body: { settings?: unknown } }>(
    `SELECT id, body FROM pushes WHERE message = $1 AND register_id IS NULL AND store_id IS NOT DISTINCT FROM $2::text AND NOT (body ? 'queueId')
     ORDER BY id DESC LIMIT 1`,
    [MESSAGES.baseSettings, storeId],
  );
  const row = rows[0];
  if (!row) return null;
  const parsed = settingsLayerSchema.safeParse(row.body.settings ?? {});
  return { settings: parsed.success ? parsed.data : {}, pushId: row.id };
}

/** The base layer in force for the alliance (storeId null) or a store (its own push, else the alliance's). */
export async function layerInForce(db: Queryable, storeId: string | null): Promise<LayerInForce> {
  if (storeId) {
    const own = await newestLayer(db, storeId);
    const alliance = await newestLayer(db, null);
    // The newer of the two is what the store's registers hold now.
    if (own && (!alliance || own.pushId > alliance.pushId)) return { ...own, inherited: false };
    return { settings: alliance?.settings ?? {}, pushId: alliance?.pushId ?? null, inherited: true };
  }
  const alliance = await newestLayer(db, null);
  return { settings: alliance?.settings ?? {}, pushId: alliance?.pushId ?? null, inherited: false };
}

/** Every level key the alliance knows of: in the layer's ratios and names, and members' levels. */
export async function knownLevels(db: Queryable, layer: SettingsLayer): Promise<string[]> {
  const members = await db.query<{ level: string }>('SELECT DISTINCT level FROM members ORDER BY level LIMIT 200');
  return [...new Set([...Object.keys(layer.levelRatiosBp ?? {}), ...Object.keys(layer.levelNames ?? {}), ...members.rows.map((r) => r.level)])].sort();
}

export const levelLabel = (key: string, layer: SettingsLayer, known: readonly string[]) => levelDisplayName(key, layer.levelNames, known, 'zh');

export const CHOICES = {
  enabled: [
    ['on', '启用'],
    ['off', '停用'],
  ],
  paused: [
    ['off', '不暂停'],
    ['on', '暂停（顾客不再得到新的返利）'],
  ],
  settlement: [
    ['payment', '付款时结算'],
    ['completion', '订单完成时结算'],
  ],
  ordering: [
    ['queue', '按排队顺序'],
    ['completedFirst', '已完成的订单优先'],
  ],
  deductionRule: [
    ['participates', '抵扣部分也参与排队'],
    ['excluded', '抵扣部分不参与排队'],
  ],
  leftover: [
    ['undistributed', '记为未分配'],
    ['carry', '留到下一笔订单'],
  ],
} as const;

type ChoiceField = keyof typeof CHOICES;
const choiceText = (field: ChoiceField, value: string) => (CHOICES[field] as readonly (readonly [string, string])[]).find(([v]) => v === value)?.[1] ?? '（无法识别的值）';

/** The form's fields, in the order shown. */
export const FORM_FIELDS = ['enabled', 'rebateName', 'exchangeName', 'extractionBp', 'defaultRatioBp', 'levelRatiosBp', 'settlement', 'autoCompleteMinutes', 'ordering', 'deductionRule', 'leftover', 'paused'] as const satisfies readonly SettingsField[];

export const fieldName = (field: SettingsField) => SETTINGS_FIELDS.find((f) => f.field === field)?.zh ?? '其他设置';

export type FieldErrors = Partial<Record<SettingsField | 'form', string>>;

/** The form → a new layer over `current` (fields not on the form kept), or the errors per field (nothing pushed). */
export function layerFromForm(form: URLSearchParams, current: SettingsLayer, levels: readonly string[]): { ok: true; layer: SettingsLayer } | { ok: false; errors: FieldErrors } {
  const next: Record<string, unknown> = { ...current };
  const errors: FieldErrors = {};
  const text = (name: string) => (form.get(name) ?? '').trim();
  const set = (field: SettingsField, value: unknown) => {
    if (value === undefined) delete next[field];
    else next[field] = value;
  };
  for (const field of ['enabled', 'paused'] as const) {
    const v = text(field);
    if (v === '') set(field, undefined);
    else if (v === 'on' || v === 'off') set(field, v === 'on');
    else errors[field] = '请从列表里选一项。';
  }
  for (const field of ['rebateName', 'exchangeName'] as const) {
    const v = text(field);
    if (v === '') set(field, undefined);
    else if ([...v].length > 20) errors[field] = `最多 20 个字，现在是 ${[...v].length} 个。`;
    else set(field, v);
  }
  const pct = (field: 'extractionBp' | 'defaultRatioBp', max: number) => {
    const v = text(field);
    if (v === '') return set(field, undefined);
    const bp = parsePercent(v);
    if (bp === null) errors[field] = '请填百分数，最多两位小数，例如 12.5。';
    else if (bp > max) errors[field] = `不能超过 ${percent(max)}。`;
    else set(field, bp);
  };
  pct('extractionBp', MAX_EXTRACTION_BP);
  pct('defaultRatioBp', MAX_REWARD_BP);
  const ratios = Object.create(null) as Record<string, number>;
  const bad: string[] = [];
  for (const level of levels) {
    const v = text(`level:${level}`);
    if (v === '') continue;
    const bp = parsePercent(v);
    if (bp === null || bp > MAX_REWARD_BP) bad.push(levelLabel(level, current, levels));
    else ratios[level] = bp;
  }
  if (bad.length > 0) errors.levelRatiosBp = `${bad.join('、')}：请填 0 到 ${percent(MAX_REWARD_BP)} 的百分数，最多两位小数。`;
  else set('levelRatiosBp', Object.keys(ratios).length > 0 ? ratios : undefined);
  for (const field of ['settlement', 'ordering', 'deductionRule', 'leftover'] as const) {
    const v = text(field);
    if (v === '') set(field, undefined);
    else if ((CHOICES[field] as readonly (readonly [string, string])[]).some(([c]) => c === v)) set(field, v);
    else errors[field] = '请从列表里选一项。';
  }
  const minutes = text('autoCompleteMinutes');
  if (minutes === '') set('autoCompleteMinutes', undefined);
  else if (!/^\d{1,6}$/.test(minutes) || Number(minutes) > 60 * 24 * 366) errors.autoCompleteMinutes = `请填 0 到 ${60 * 24 * 366} 之间的整数分钟。`;
  else set('autoCompleteMinutes', Number(minutes));
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return checkLayer(next);
}

/** The register's own schema, the final word (a field the form cannot show may still be wrong in an old push). */
export function checkLayer(value: unknown): { ok: true; layer: SettingsLayer } | { ok: false; errors: FieldErrors } {
  const parsed = settingsLayerSchema.safeParse(value);
  if (parsed.success) return { ok: true, layer: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '') as SettingsField;
    const known = SETTINGS_FIELDS.some((f) => f.field === field);
    errors[known ? field : 'form'] = `${known ? '' : `${fieldName(field)}：`}不符合收银台的设置规则，请检查后再提交。`;
  }
  return { ok: false, errors };
}

export interface Change {
  field: SettingsField;
  /** For per-level fields: the level's display name when the change was made. */
  level?: string;
  old: unknown;
  new: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Field by field (level by level for the per-level maps) what a push changes. */
export function diffLayers(before: SettingsLayer, after: SettingsLayer, levels: readonly string[]): Change[] {
  const changes: Change[] = [];
  const fields = new Set([...Object.keys(before), ...Object.keys(after)] as SettingsField[]);
  for (const field of SETTINGS_FIELDS.map((f) => f.field).filter((f) => fields.has(f))) {
    const a = before[field];
    const b = after[field];
    if (same(a, b)) continue;
    if (field === 'levelRatiosBp' || field === 'levelNames') {
      const ma = (a ?? {}) as Record<string, unknown>;
      const mb = (b ?? {}) as Record<string, unknown>;
      for (const level of [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort()) {
        if (!same(ma[level], mb[level])) changes.push({ field, level: levelLabel(level, before, levels), old: ma[level] ?? null, new: mb[level] ?? null });
      }
    } else changes.push({ field, old: a ?? null, new: b ?? null });
  }
  return changes;
}

/** A setting's value in words: % from bp, Chinese for each choice, never JSON. */
export function valueText(field: SettingsField, value: unknown): string {
  if (value === null || value === undefined) return '未设置';
  switch (field) {
    case 'extractionBp':
    case 'defaultRatioBp':
    case 'levelRatiosBp':
      return typeof value === 'number' ? percent(value) : '（多项）';
    case 'enabled':
      return value ? '启用' : '停用';
    case 'paused':
      return value ? '暂停' : '不暂停';
    case 'settlement':
    case 'ordering':
    case 'deductionRule':
    case 'leftover':
      return choiceText(field, String(value));
    case 'autoCompleteMinutes':
      return `${String(value)} 分钟`;
    case 'rebateName':
    case 'exchangeName':
    case 'levelNames':
      return `“${String(value)}”`;
    default:
      return '已更改';
  }
}

export const changeLine = (c: Change) => `${fieldName(c.field)}${c.level ? `（${c.level}）` : ''}：${valueText(c.field, c.old)} → ${valueText(c.field, c.new)}`;

/** The form's text for a field of the layer in force. */
export function formValue(layer: SettingsLayer, field: (typeof FORM_FIELDS)[number]): string {
  const v = layer[field];
  if (v === undefined) return '';
  if (field === 'enabled' || field === 'paused') return v ? 'on' : 'off';
  if (field === 'extractionBp' || field === 'defaultRatioBp') return percentField(v as number);
  return typeof v === 'object' ? '' : String(v);
}

/** Pushes the layer to the target and writes the audit line, in one transaction. */
export async function pushLayer(db: SqlDb, input: { admin: string; action: AuditAction; storeId: string | null; layer: SettingsLayer; changes: Change[]; now: number }): Promise<number> {
  return db.transaction(async (tx) => {
    const pushId = await addPush(tx, MESSAGES.baseSettings, input.storeId ? { storeId: input.storeId } : {}, { settings: input.layer }, input.now);
    await audit(tx, { at: input.now, admin: input.admin, action: input.action, storeId: input.storeId, pushId, detail: { changes: input.changes } });
    return pushId;
  });
}
