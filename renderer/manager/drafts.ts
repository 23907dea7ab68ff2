/**
 * Settings editors hold what the manager typed (text, rows, switches); the
 * backend gets integers (fen, bp, minutes) built here without floats.
 * Format problems (letters in a number, a broken percent) are caught here;
 * ranges and rules (0–10000 bp, min ≤ max, HH:MM windows…) are the
 * backend's: its per-field messages come back as `issues[].path`
 * `changes.<field>…` and are shown beside the field.
 */
import type { SettingsField, SettingsLayer } from '../../shared/settings';
import { sortTiers } from '../../shared/manager/settings-view';
import type { CommandIssue } from '../../shared/contract';
import { formatYuan, type Fen } from '../../shared/money';
import { messageLocale, messageText } from '../i18n/messages';

export type FieldKind = 'switch' | 'text' | 'bp' | 'int' | 'enum' | 'levels' | 'levelNames' | 'tiers' | 'lottery' | 'windows' | 'limits' | 'randomReturn' | 'exchange' | 'reset' | 'display';

export const FIELD_KIND: Record<SettingsField, FieldKind> = {
  enabled: 'switch',
  paused: 'switch',
  rebateName: 'text',
  exchangeName: 'text',
  extractionBp: 'bp',
  defaultRatioBp: 'bp',
  levelRatiosBp: 'levels',
  levelNames: 'levelNames',
  tiers: 'tiers',
  lottery: 'lottery',
  settlement: 'enum',
  autoCompleteMinutes: 'int',
  ordering: 'enum',
  deductionRule: 'enum',
  leftover: 'enum',
  windows: 'windows',
  limits: 'limits',
  randomReturn: 'randomReturn',
  exchange: 'exchange',
  reset: 'reset',
  display: 'display',
};

export const ENUM_OPTIONS: Partial<Record<SettingsField, string[]>> = {
  settlement: ['payment', 'completion'],
  ordering: ['queue', 'completedFirst'],
  deductionRule: ['participates', 'excluded'],
  leftover: ['undistributed', 'carry'],
};

export const DISPLAY_KEYS = ['queueProgress', 'totalReceived', 'amountWaiting', 'memberIdentity', 'pendingAmount'] as const;

/** One section of the console = one `manager.settings.save`. */
export const SETTINGS_GROUPS: { id: string; fields: SettingsField[] }[] = [
  { id: 'general', fields: ['enabled', 'paused', 'rebateName', 'exchangeName', 'levelNames'] },
  { id: 'ratios', fields: ['extractionBp', 'defaultRatioBp', 'levelRatiosBp', 'tiers', 'lottery'] },
  { id: 'settlement', fields: ['settlement', 'autoCompleteMinutes', 'ordering', 'deductionRule', 'leftover'] },
  { id: 'windows', fields: ['windows', 'limits'] },
  { id: 'returns', fields: ['randomReturn', 'exchange'] },
  { id: 'reset', fields: ['reset'] },
  { id: 'display', fields: ['display'] },
];

export interface Draft {
  /** true: the register sets this field (override); false: inherit the base / default. */
  on: boolean;
  // One of these is used, by the field's kind.
  bool: boolean;
  text: string;
  rows: Record<string, string>[];
  parts: Record<string, string>;
  flags: Record<string, boolean>;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string; params?: Record<string, string | number> };

/** Percent text with at most two decimals → bp, by string arithmetic ("12.5" → 1250). */
export function parsePercentText(text: string): number | null {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** bp → percent text without the sign ("1250" → "12.5"). */
export function percentText(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

export function parseIntText(text: string): number | null {
  const t = text.trim();
  return /^\d{1,15}$/.test(t) ? Number(t) : null;
}

/** Yuan text → fen via the same integer rule as amount fields (no floats). */
export function parseYuanText(text: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function emptyDraft(): Draft {
  return { on: false, bool: false, text: '', rows: [], parts: {}, flags: {} };
}

/** A draft showing `value` (the register's own value when it has one, else the value in force). */
export function draftFrom(field: SettingsField, value: unknown, on: boolean): Draft {
  const d = emptyDraft();
  d.on = on;
  const v = value as never;
  switch (FIELD_KIND[field]) {
    case 'switch':
      d.bool = Boolean(v);
      break;
    case 'text':
    case 'enum':
      d.text = typeof v === 'string' ? v : '';
      break;
    case 'bp':
    case 'int':
      d.text = typeof v === 'number' ? (FIELD_KIND[field] === 'bp' ? percentText(v) : String(v)) : '';
      break;
    case 'levels':
      d.rows = Object.entries((v ?? {}) as Record<string, number>).map(([level, bp]) => ({ level, pct: percentText(bp) }));
      break;
    case 'levelNames':
      d.rows = Object.entries((v ?? {}) as Record<string, string>).map(([level, name]) => ({ level, name }));
      break;
    case 'tiers':
      d.rows = ((v ?? []) as { days: number; minSpendFen: number; ratioBp: number }[]).map((t) => ({
        days: String(t.days),
        spend: formatYuan(t.minSpendFen as Fen),
        pct: percentText(t.ratioBp),
      }));
      break;
    case 'lottery': {
      const l = v as { fixedBp?: number[]; minBp?: number; maxBp?: number } | null;
      d.parts = {
        kind: l && 'fixedBp' in l ? 'fixed' : l && 'minBp' in l ? 'range' : 'fixed',
        fixed: l?.fixedBp ? l.fixedBp.map(percentText).join(', ') : '',
        min: l?.minBp !== undefined ? percentText(l.minBp) : '',
        max: l?.maxBp !== undefined ? percentText(l.maxBp) : '',
      };
      break;
    }
    case 'windows':
      d.rows = ((v ?? []) as { from: string; to: string }[]).map((w) => ({ from: w.from, to: w.to }));
      break;
    case 'limits': {
      const l = (v ?? {}) as { perMemberPerDay?: number; perMemberTotal?: number };
      d.parts = { perDay: l.perMemberPerDay !== undefined ? String(l.perMemberPerDay) : '', total: l.perMemberTotal !== undefined ? String(l.perMemberTotal) : '' };
      break;
    }
    case 'randomReturn': {
      const r = v as { cashCount: number; pointsCount: number } | null;
      d.parts = { cash: r ? String(r.cashCount) : '', points: r ? String(r.pointsCount) : '' };
      break;
    }
    case 'exchange': {
      const e = (v ?? {}) as { pointsBp?: number; vouchersBp?: number };
      d.parts = { points: e.pointsBp !== undefined ? percentText(e.pointsBp) : '', vouchers: e.vouchersBp !== undefined ? percentText(e.vouchersBp) : '' };
      break;
    }
    case 'reset': {
      const r = (v ?? { kind: 'off' }) as { kind: string; at?: string; weekday?: number; day?: number };
      d.parts = {
        kind: r.kind,
        at: r.kind !== 'once' ? (r.at ?? '00:00') : '00:00',
        weekday: r.weekday !== undefined ? String(r.weekday) : '1',
        day: r.day !== undefined ? String(r.day) : '1',
        once: r.kind === 'once' ? (r.at ?? '') : '',
      };
      break;
    }
    case 'display': {
      const flags = (v ?? {}) as Record<string, boolean>;
      for (const k of DISPLAY_KEYS) d.flags[k] = flags[k] ?? false;
      break;
    }
  }
  return d;
}

const bad = (message: string, params?: Record<string, string | number>): Parsed => ({ ok: false, message, params });

/** The value a draft stands for (format checks only; the backend checks ranges and rules). */
export function valueFrom(field: SettingsField, d: Draft): Parsed {
  switch (FIELD_KIND[field]) {
    case 'switch':
      return { ok: true, value: d.bool };
    case 'text':
    case 'enum':
      return { ok: true, value: d.text };
    case 'bp': {
      const bp = parsePercentText(d.text);
      return bp === null ? bad('manager.errors.percent') : { ok: true, value: bp };
    }
    case 'int': {
      const n = parseIntText(d.text);
      return n === null ? bad('manager.errors.int') : { ok: true, value: n };
    }
    case 'levels': {
      const out: Record<string, number> = {};
      for (const [i, row] of d.rows.entries()) {
        const bp = parsePercentText(row.pct ?? '');
        if (bp === null) return bad('manager.errors.rowPercent', { n: i + 1 });
        out[(row.level ?? '').trim()] = bp;
      }
      return { ok: true, value: out };
    }
    case 'levelNames': {
      const out: Record<string, string> = {};
      for (const [i, row] of d.rows.entries()) {
        const level = (row.level ?? '').trim();
        const name = (row.name ?? '').trim();
        if (!level || !name) return bad('manager.errors.rowLevelName', { n: i + 1 });
        out[level] = name;
      }
      return { ok: true, value: out };
    }
    case 'tiers': {
      const tiers = [];
      for (const [i, row] of d.rows.entries()) {
        const days = parseIntText(row.days ?? '');
        const spend = parseYuanText(row.spend ?? '');
        const pct = parsePercentText(row.pct ?? '');
        if (days === null) return bad('manager.errors.rowInt', { n: i + 1 });
        if (spend === null) return bad('manager.errors.rowYuan', { n: i + 1 });
        if (pct === null) return bad('manager.errors.rowPercent', { n: i + 1 });
        tiers.push({ days, minSpendFen: spend, ratioBp: pct });
      }
      return { ok: true, value: sortTiers(tiers) };
    }
    case 'lottery': {
      if (d.parts.kind === 'range') {
        const min = parsePercentText(d.parts.min ?? '');
        const max = parsePercentText(d.parts.max ?? '');
        if (min === null || max === null) return bad('manager.errors.percent');
        return { ok: true, value: { minBp: min, maxBp: max } };
      }
      const items = (d.parts.fixed ?? '').split(/[,，\s]+/).filter(Boolean);
      const list = items.map(parsePercentText);
      if (list.some((x) => x === null)) return bad('manager.errors.percentList');
      return { ok: true, value: { fixedBp: list } };
    }
    case 'windows':
      return { ok: true, value: d.rows.map((r) => ({ from: (r.from ?? '').trim(), to: (r.to ?? '').trim() })) };
    case 'limits': {
      const out: Record<string, number> = {};
      for (const [key, name] of [
        ['perDay', 'perMemberPerDay'],
        ['total', 'perMemberTotal'],
      ] as const) {
        const text = (d.parts[key] ?? '').trim();
        if (text === '') continue;
        const n = parseIntText(text);
        if (n === null) return bad('manager.errors.int');
        out[name] = n;
      }
      return { ok: true, value: out };
    }
    case 'randomReturn': {
      const cash = parseIntText(d.parts.cash ?? '');
      const points = parseIntText(d.parts.points ?? '');
      if (cash === null || points === null) return bad('manager.errors.int');
      return { ok: true, value: { cashCount: cash, pointsCount: points } };
    }
    case 'exchange': {
      const out: Record<string, number> = {};
      for (const [key, name] of [
        ['points', 'pointsBp'],
        ['vouchers', 'vouchersBp'],
      ] as const) {
        const text = (d.parts[key] ?? '').trim();
        if (text === '') continue;
        const bp = parsePercentText(text);
        if (bp === null) return bad('manager.errors.percent');
        out[name] = bp;
      }
      return { ok: true, value: out };
    }
    case 'reset': {
      const kind = d.parts.kind ?? 'off';
      if (kind === 'off') return { ok: true, value: { kind } };
      if (kind === 'once') return { ok: true, value: { kind, at: (d.parts.once ?? '').trim() } };
      const at = (d.parts.at ?? '').trim();
      if (kind === 'daily') return { ok: true, value: { kind, at } };
      if (kind === 'weekly') {
        const weekday = parseIntText(d.parts.weekday ?? '');
        return weekday === null ? bad('manager.errors.int') : { ok: true, value: { kind, weekday, at } };
      }
      const day = parseIntText(d.parts.day ?? '');
      return day === null ? bad('manager.errors.int') : { ok: true, value: { kind, day, at } };
    }
    case 'display':
      return { ok: true, value: Object.fromEntries(DISPLAY_KEYS.map((k) => [k, Boolean(d.flags[k])])) };
  }
}

/**
 * A section's change: an override that differs from the register's value
 * is sent; a field switched back to "inherit" is sent as null (unset).
 * Format errors come back per field instead.
 */
export function sectionChange(
  fields: readonly SettingsField[],
  drafts: Record<string, Draft>,
  cashier: SettingsLayer,
): { changes: Record<string, unknown>; errors: Record<string, { message: string; params?: Record<string, string | number> }> } {
  const changes: Record<string, unknown> = {};
  const errors: Record<string, { message: string; params?: Record<string, string | number> }> = {};
  for (const field of fields) {
    const d = drafts[field];
    if (!d) continue;
    const current = cashier[field];
    if (!d.on) {
      if (current !== undefined) changes[field] = null;
      continue;
    }
    const parsed = valueFrom(field, d);
    if (!parsed.ok) {
      errors[field] = { message: parsed.message, params: parsed.params };
      continue;
    }
    if (JSON.stringify(parsed.value) !== JSON.stringify(current)) changes[field] = parsed.value;
  }
  return { changes, errors };
}

/** A whole register layer from drafts (the what-if copy): overridden fields only. */
export function layerFrom(fields: readonly SettingsField[], drafts: Record<string, Draft>): { layer: Record<string, unknown>; errors: Record<string, { message: string; params?: Record<string, string | number> }> } {
  const layer: Record<string, unknown> = {};
  const errors: Record<string, { message: string; params?: Record<string, string | number> }> = {};
  for (const field of fields) {
    const d = drafts[field];
    if (!d?.on) continue;
    const parsed = valueFrom(field, d);
    if (parsed.ok) layer[field] = parsed.value;
    else errors[field] = { message: parsed.message, params: parsed.params };
  }
  return { layer, errors };
}

/**
 * Backend issues (`changes.extractionBp`, `cashier.tiers.0.ratioBp`) grouped by field, each as a
 * sentence in the UI language (its catalogue message); a row inside a list field is named
 * 第 N 行 / row N, never by its internal path.
 */
export function issuesByField(issues: readonly CommandIssue[] | undefined, prefix: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues ?? []) {
    const parts = issue.path.split('.');
    const at = prefix ? parts.indexOf(prefix) : -1;
    const field = prefix ? (at >= 0 ? parts[at + 1] : undefined) : parts[0];
    const key = field ?? '_';
    const rest = prefix && at >= 0 ? parts.slice(at + 2) : parts.slice(1);
    const text = messageText(issue.reason);
    const row = rest.find((p) => /^\d+$/.test(p));
    const where = row === undefined ? '' : messageLocale() === 'en' ? `row ${Number(row) + 1}: ` : `第 ${Number(row) + 1} 行：`;
    (out[key] ??= []).push(where + text);
  }
  return out;
}
