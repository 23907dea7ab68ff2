/**
 * "Why this ratio?" in words: each step of the priority chain
 * (engine/ratio.ts) as a catalogue message, so a Chinese screen never shows
 * the engine's English `detail`. Steps recorded before messages existed
 * (checkout_details.ratio_steps) carry only `detail`; its level and tier
 * figures are read back from that fixed engine wording.
 */
import { msg, type Message } from './catalogue';

export function ratioStepMessage(step: { rule: string; detail: string }): Message {
  const level = /level "(.*)"/.exec(step.detail)?.[1] ?? '';
  switch (step.rule) {
    case 'cashier.level':
      return msg('ratio.cashierLevel', { level });
    case 'base.level':
      return msg('ratio.baseLevel', { level });
    case 'cashier.tiers': {
      const tier = /spent at least (\d+) fen in the last (\d+) days/.exec(step.detail);
      if (tier) return msg('ratio.tierReached', { minSpendFen: Number(tier[1]), days: Number(tier[2]) });
      return /no cumulative-spend tiers set/.test(step.detail) ? msg('ratio.noTiers') : msg('ratio.noTierReached');
    }
    case 'cashier.lottery':
      return msg('ratio.cashierLottery');
    case 'base.lottery':
      return msg('ratio.baseLottery');
    case 'cashier.default':
      return msg('ratio.cashierDefault');
    case 'base.default':
      return msg('ratio.baseDefault');
    default:
      return msg('ratio.other', { rule: step.rule });
  }
}

/** A step view with its explanation (filled for steps stored without one). */
export function withExplanation<T extends { rule: string; detail: string; explain?: Message }>(step: T): T & { explain: Message } {
  return { ...step, explain: step.explain ?? ratioStepMessage(step) };
}
