/**
 * Which reward ratio a new entry gets: the priority chain of
 * queue-rebate.md §5. The first rule that is set wins; every step is kept so
 * the UI can answer "why 130 %?".
 */
import type { Bp, Fen } from '../money';
import { DEFAULT_DEFAULT_RATIO_BP, type LotteryConfig, type SettingsLayers, type Tier } from '../settings';
import type { Member, RatioRule } from './types';

export interface RatioStep {
  rule: RatioRule;
  /** Whether this rule applied (was set, and for tiers, one qualified). */
  applies: boolean;
  /** The ratio it gives when it applies (for a lottery: the default until the draw). */
  ratioBp?: Bp;
  detail: string;
}

export interface RatioDecision {
  rule: RatioRule;
  ratioBp: Bp;
  /** Set when the rule is a lottery: the entry draws once from this. */
  lottery: LotteryConfig | null;
  steps: RatioStep[];
}

export interface RatioInput {
  layers: SettingsLayers;
  member: Member;
  /** The member's settled spend in the last `days` days (order excluded); asked once per tier length. */
  spendInLastDays(days: number): Fen;
}

/** The default ratio (rules 6–7): what a lottery entry carries until it draws. */
export function defaultRatio(layers: SettingsLayers): { rule: 'cashier.default' | 'base.default'; ratioBp: Bp } {
  if (layers.cashier.defaultRatioBp !== undefined) return { rule: 'cashier.default', ratioBp: layers.cashier.defaultRatioBp as Bp };
  return { rule: 'base.default', ratioBp: (layers.base.defaultRatioBp ?? DEFAULT_DEFAULT_RATIO_BP) as Bp };
}

function bestQualifyingTier(tiers: readonly Tier[], spendInLastDays: (days: number) => Fen): Tier | undefined {
  const spendByDays = new Map<number, Fen>();
  let best: Tier | undefined;
  for (const tier of tiers) {
    let spend = spendByDays.get(tier.days);
    if (spend === undefined) {
      spend = spendInLastDays(tier.days);
      spendByDays.set(tier.days, spend);
    }
    if (spend >= tier.minSpendFen && (!best || tier.ratioBp > best.ratioBp)) best = tier;
  }
  return best;
}

/**
 * A level's ratio, read as an OWN property only: a member level named
 * `constructor` or `toString` must not find Object.prototype's functions
 * (every checkout answered `internal`). docs/security.md §7.
 */
function levelRatio(map: Readonly<Record<string, number>> | undefined, level: string): number | undefined {
  if (!map || !Object.prototype.hasOwnProperty.call(map, level)) return undefined;
  const value = map[level];
  return typeof value === 'number' ? value : undefined;
}

export function decideRatio({ layers, member, spendInLastDays }: RatioInput): RatioDecision {
  const steps: RatioStep[] = [];
  const fallback = defaultRatio(layers);

  const cashierLevel = levelRatio(layers.cashier.levelRatiosBp, member.level);
  steps.push({
    rule: 'cashier.level',
    applies: cashierLevel !== undefined,
    ...(cashierLevel !== undefined ? { ratioBp: cashierLevel as Bp } : {}),
    detail: `register ratio for level "${member.level}"`,
  });
  const baseLevel = levelRatio(layers.base.levelRatiosBp, member.level);
  steps.push({
    rule: 'base.level',
    applies: baseLevel !== undefined,
    ...(baseLevel !== undefined ? { ratioBp: baseLevel as Bp } : {}),
    detail: `platform ratio for level "${member.level}"`,
  });
  const tiers = (layers.cashier.tiers ?? []) as Tier[];
  const tier = tiers.length > 0 ? bestQualifyingTier(tiers, spendInLastDays) : undefined;
  steps.push({
    rule: 'cashier.tiers',
    applies: tier !== undefined,
    ...(tier ? { ratioBp: tier.ratioBp } : {}),
    detail: tier
      ? `spent at least ${tier.minSpendFen} fen in the last ${tier.days} days`
      : tiers.length > 0
        ? 'no cumulative-spend tier reached'
        : 'no cumulative-spend tiers set',
  });
  const cashierLottery = (layers.cashier.lottery ?? null) as LotteryConfig | null;
  steps.push({ rule: 'cashier.lottery', applies: cashierLottery !== null, ratioBp: fallback.ratioBp, detail: 'register lottery' });
  const baseLottery = (layers.base.lottery ?? null) as LotteryConfig | null;
  steps.push({ rule: 'base.lottery', applies: baseLottery !== null, ratioBp: fallback.ratioBp, detail: 'platform lottery' });
  steps.push({
    rule: 'cashier.default',
    applies: layers.cashier.defaultRatioBp !== undefined,
    ...(layers.cashier.defaultRatioBp !== undefined ? { ratioBp: layers.cashier.defaultRatioBp as Bp } : {}),
    detail: 'register default ratio',
  });
  steps.push({ rule: 'base.default', applies: true, ratioBp: (layers.base.defaultRatioBp ?? DEFAULT_DEFAULT_RATIO_BP) as Bp, detail: 'platform default ratio' });

  const winner = steps.find((step) => step.applies)!;
  const lottery = winner.rule === 'cashier.lottery' ? cashierLottery : winner.rule === 'base.lottery' ? baseLottery : null;
  return { rule: winner.rule, ratioBp: winner.ratioBp!, lottery, steps };
}

/** Whether a lottery allows a given outcome (a fixed draw in a replay must be one of them). */
export function lotteryAllows(lottery: LotteryConfig, ratioBp: number): boolean {
  if ('fixedBp' in lottery) return lottery.fixedBp.includes(ratioBp as Bp);
  return Number.isInteger(ratioBp) && ratioBp >= lottery.minBp && ratioBp <= lottery.maxBp;
}

/** One uniform draw: a fixed list picks an element, a range a whole bp in [min, max]. */
export function drawFromLottery(lottery: LotteryConfig, randomInt: (maxExclusive: number) => number): Bp {
  if ('fixedBp' in lottery) return lottery.fixedBp[randomInt(lottery.fixedBp.length)]!;
  return (lottery.minBp + randomInt(lottery.maxBp - lottery.minBp + 1)) as Bp;
}

/** The largest ratio a lottery can give. */
export function lotteryMax(lottery: LotteryConfig): Bp {
  return ('fixedBp' in lottery ? Math.max(...lottery.fixedBp) : lottery.maxBp) as Bp;
}
