/**
 * Rebate settings: the register's own ("cashier") layer over the platform's
 * ("base") layer. Both layers have the same fields and every field is
 * optional; `resolveSettings` folds them into the values in force.
 * The reward ratio is the exception: it follows the priority chain in
 * `engine/ratio.ts`, so it looks at each layer itself.
 */
import { z } from 'zod';
import { MAX_EXTRACTION_BP, MAX_PAYMENT_FEN, MAX_REWARD_BP, type Bp, type Fen } from './money';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** ISO-8601 date-time with an explicit offset (Z or ±HH:MM). */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const wholeNumber = (min: number, max: number, what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

const rewardBpSchema = wholeNumber(0, MAX_REWARD_BP, 'a reward ratio (bp)');
const extractionBpSchema = wholeNumber(0, MAX_EXTRACTION_BP, 'the extraction ratio (bp)');
const clockTime = z.string().regex(HH_MM, { error: 'a time of day must be HH:MM (00:00–23:59)' });
export const isoInstant = z
  .string()
  .regex(ISO_WITH_OFFSET, { error: 'a date-time must be ISO-8601 with an offset, e.g. 2026-01-05T10:00:00+08:00' })
  .refine((s) => !Number.isNaN(Date.parse(s)) && isCalendarDateTime(s), { error: 'not a real date-time' });

/**
 * True when the written date and time exist on the calendar: Date.parse rolls
 * 2026-02-31 over to 3 March and 24:00 to the next day; we refuse them
 * (docs/security.md §7).
 */
export function isCalendarDateTime(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

const tierSchema = z.strictObject({
  days: wholeNumber(1, 3660, 'tier days'),
  minSpendFen: wholeNumber(0, Number.MAX_SAFE_INTEGER, 'tier minimum spend (fen)'),
  ratioBp: rewardBpSchema,
});

const lotterySchema = z.union([
  z.strictObject({ fixedBp: z.array(rewardBpSchema).min(1, { error: 'a fixed lottery needs at least one ratio' }).max(100) }),
  z
    .strictObject({ minBp: rewardBpSchema, maxBp: rewardBpSchema })
    .refine((l) => l.minBp <= l.maxBp, { error: 'lottery minBp must not be above maxBp' }),
]);

const resetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('off') }),
  z.strictObject({ kind: z.literal('daily'), at: clockTime.default('00:00') }),
  z.strictObject({ kind: z.literal('weekly'), weekday: wholeNumber(1, 7, 'reset weekday (1 = Monday … 7 = Sunday)'), at: clockTime.default('00:00') }),
  z.strictObject({ kind: z.literal('monthly'), day: wholeNumber(1, 28, 'reset day of month'), at: clockTime.default('00:00') }),
  z.strictObject({ kind: z.literal('once'), at: isoInstant }),
]);

const displaySchema = z.strictObject({
  queueProgress: z.boolean().optional(),
  totalReceived: z.boolean().optional(),
  amountWaiting: z.boolean().optional(),
  memberIdentity: z.boolean().optional(),
  pendingAmount: z.boolean().optional(),
});

/**
 * A map keyed by member level, with no prototype (docs/security.md §7): a
 * level is any name, `__proto__`, `constructor` and `toString` included.
 * zod's record assigns `out[key] = value`, which for `__proto__` sets the
 * prototype instead of keeping the level; here every key is defined as an
 * own property of an `Object.create(null)` map.
 */
function levelMap<V extends z.ZodType>(value: V, what: string) {
  return z
    .custom<Record<string, z.input<V>>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: `${what} must map level names to values` })
    .transform((input, ctx) => {
      const out = Object.create(null) as Record<string, z.output<V>>;
      for (const key of Object.keys(input)) {
        if (key.length < 1 || key.length > 40) {
          ctx.addIssue({ code: 'custom', message: 'a level name is 1–40 characters', path: [key] });
          continue;
        }
        const parsed = value.safeParse((input as Record<string, unknown>)[key]);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
          continue;
        }
        Object.defineProperty(out, key, { value: parsed.data, enumerable: true, writable: true, configurable: true });
      }
      return out;
    });
}

/** One layer of settings; `null` in a change means "unset this field". */
export const settingsLayerSchema = z.strictObject({
  enabled: z.boolean().optional(),
  rebateName: z.string().trim().min(1).max(20).optional(),
  exchangeName: z.string().trim().min(1).max(20).optional(),
  extractionBp: extractionBpSchema.optional(),
  defaultRatioBp: rewardBpSchema.optional(),
  levelRatiosBp: levelMap(rewardBpSchema, 'levelRatiosBp').optional(),
  /** What a person sees for a level key (gold → 金卡会员); merged level by level, the register's over the base (shared/levels.ts). */
  levelNames: levelMap(z.string().trim().min(1).max(20), 'levelNames').optional(),
  tiers: z
    .array(tierSchema)
    .max(50)
    .optional(),
  lottery: lotterySchema.optional(),
  settlement: z.enum(['payment', 'completion']).optional(),
  autoCompleteMinutes: wholeNumber(0, 60 * 24 * 366, 'autoCompleteMinutes').optional(),
  ordering: z.enum(['queue', 'completedFirst']).optional(),
  deductionRule: z.enum(['participates', 'excluded']).optional(),
  leftover: z.enum(['undistributed', 'carry']).optional(),
  windows: z
    .array(
      z
        .strictObject({ from: clockTime, to: clockTime })
        .refine((w) => w.from !== w.to, { error: 'a time window must not start and end at the same minute' }),
    )
    .max(24)
    .optional(),
  limits: z
    .strictObject({
      perMemberPerDay: wholeNumber(0, 1_000_000, 'limit per member per day').optional(),
      perMemberTotal: wholeNumber(0, 1_000_000_000, 'limit per member in total').optional(),
    })
    .optional(),
  randomReturn: z
    .strictObject({ cashCount: wholeNumber(0, 1000, 'random return cash count'), pointsCount: wholeNumber(0, 1000, 'random return points count') })
    .refine((r) => r.cashCount + r.pointsCount > 0, { error: 'a random return group needs at least one order' })
    .optional(),
  exchange: z
    .strictObject({ pointsBp: rewardBpSchema.optional(), vouchersBp: rewardBpSchema.optional() })
    .optional(),
  reset: resetSchema.optional(),
  paused: z.boolean().optional(),
  display: displaySchema.optional(),
});

export type SettingsLayer = z.infer<typeof settingsLayerSchema>;
export type SettingsField = keyof SettingsLayer;
export type Tier = { days: number; minSpendFen: Fen; ratioBp: Bp };
export type LotteryConfig = { fixedBp: Bp[] } | { minBp: Bp; maxBp: Bp };
export type ResetSchedule = NonNullable<SettingsLayer['reset']>;
export type TimeWindow = { from: string; to: string };

/** A change to a layer: a value sets the field, `null` unsets it. */
export type SettingsChange = { [K in SettingsField]?: SettingsLayer[K] | null };

export const settingsChangeSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(settingsLayerSchema.shape).map(([key, schema]) => [key, (schema as z.ZodOptional<z.ZodType>).unwrap().nullable().optional()]),
  ) as { [K in SettingsField]: z.ZodOptional<z.ZodNullable<z.ZodType<NonNullable<SettingsLayer[K]>>>> },
);

/** The two layers that decide every setting of one queue. */
export interface SettingsLayers {
  base: SettingsLayer;
  cashier: SettingsLayer;
}

export const EMPTY_LAYERS: SettingsLayers = Object.freeze({ base: {}, cashier: {} }) as SettingsLayers;

/** The values in force, after the cashier layer has been laid over the base. */
export interface EffectiveSettings {
  enabled: boolean;
  rebateName: string;
  exchangeName: string;
  extractionBp: Bp;
  settlement: 'payment' | 'completion';
  autoCompleteMinutes: number | undefined;
  ordering: 'queue' | 'completedFirst';
  deductionRule: 'participates' | 'excluded';
  leftover: 'undistributed' | 'carry';
  windows: TimeWindow[];
  limits: { perMemberPerDay?: number; perMemberTotal?: number };
  randomReturn: { cashCount: number; pointsCount: number } | undefined;
  exchange: { pointsBp?: Bp; vouchersBp?: Bp } | undefined;
  reset: ResetSchedule;
  paused: boolean;
  display: Required<NonNullable<SettingsLayer['display']>>;
}

export const DEFAULT_DEFAULT_RATIO_BP = 10_000 as Bp;
export const DEFAULT_REBATE_NAME = '排队返利';
export const DEFAULT_EXCHANGE_NAME = '兑换';

function pick<K extends SettingsField>(layers: SettingsLayers, key: K): SettingsLayer[K] {
  return layers.cashier[key] !== undefined ? layers.cashier[key] : layers.base[key];
}

export function resolveSettings(layers: SettingsLayers): EffectiveSettings {
  return {
    enabled: pick(layers, 'enabled') ?? true,
    rebateName: pick(layers, 'rebateName') ?? DEFAULT_REBATE_NAME,
    exchangeName: pick(layers, 'exchangeName') ?? DEFAULT_EXCHANGE_NAME,
    extractionBp: (pick(layers, 'extractionBp') ?? 0) as Bp,
    settlement: pick(layers, 'settlement') ?? 'payment',
    autoCompleteMinutes: pick(layers, 'autoCompleteMinutes'),
    ordering: pick(layers, 'ordering') ?? 'queue',
    deductionRule: pick(layers, 'deductionRule') ?? 'participates',
    leftover: pick(layers, 'leftover') ?? 'undistributed',
    windows: pick(layers, 'windows') ?? [],
    limits: pick(layers, 'limits') ?? {},
    randomReturn: pick(layers, 'randomReturn'),
    exchange: pick(layers, 'exchange') as EffectiveSettings['exchange'],
    reset: pick(layers, 'reset') ?? { kind: 'off' },
    paused: pick(layers, 'paused') ?? false,
    display: {
      queueProgress: true,
      totalReceived: true,
      amountWaiting: true,
      // Shown by default (the receipt's member line, spec §7); names and phones are always masked (docs/display.md).
      memberIdentity: true,
      pendingAmount: true,
      ...pick(layers, 'display'),
    },
  };
}

/** A settings value that failed validation; `issues` names each field. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
  }
}

function toSettingsError(error: z.ZodError, what: string): SettingsError {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
  return new SettingsError(`${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

/** Checks a whole layer (as stored, or as given in a scenario file). */
export function parseSettingsLayer(value: unknown, what = 'settings'): SettingsLayer {
  const result = settingsLayerSchema.safeParse(value ?? {});
  if (!result.success) throw toSettingsError(result.error, what);
  return result.data;
}

/** Checks a change: each field a valid value or `null`. */
export function parseSettingsChange(value: unknown, what = 'settings change'): SettingsChange {
  const result = settingsChangeSchema.safeParse(value ?? {});
  if (!result.success) throw toSettingsError(result.error, what);
  return result.data as SettingsChange;
}

/** The layer after a change: `null` fields removed, the others replaced whole. */
export function applySettingsChange(layer: SettingsLayer, change: SettingsChange): SettingsLayer {
  const next: Record<string, unknown> = { ...layer };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return parseSettingsLayer(next);
}

/** A payment bound, re-exported for validating amounts typed in settings screens. */
export const SETTINGS_LIMITS = { MAX_PAYMENT_FEN, MAX_REWARD_BP, MAX_EXTRACTION_BP } as const;
