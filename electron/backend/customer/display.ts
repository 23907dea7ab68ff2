/**
 * The customer display's state (客显, issue #12 §2), composed in plain Node so
 * it is tested without Electron. The register tells it what happens — the
 * cashier typing (`display.typing`), a payment, a draw, the next customer —
 * and it keeps ONE read-only state that the shell pushes to the customer
 * window. Every fact passes through the display switches (shared/customer-display.ts).
 */
import type { CheckoutOutcome } from '../../../shared/contract';
import {
  displaySwitches,
  shownEntry,
  shownMember,
  type CustomerDisplayState,
  type EntryFacts,
} from '../../../shared/customer-display';
import type { Entry } from '../../../shared/engine/index';
import type { EffectiveSettings } from '../../../shared/settings';

export interface CustomerDisplaySource {
  settings(): EffectiveSettings;
  storeName(): string;
}

function facts(entry: { entitlementFen: number; ratioBp: number; drawPending: boolean; state: EntryFacts['state']; position: number; aheadFen: number; receivedFen: number }): EntryFacts {
  return {
    entitlementFen: entry.entitlementFen,
    ratioBp: entry.ratioBp,
    drawPending: entry.drawPending,
    state: entry.state,
    position: entry.position,
    aheadFen: entry.aheadFen,
    receivedFen: entry.receivedFen,
  };
}

/** The lottery's possible ratios as shown while drawing: the fixed list, or the range's two ends. */
function lotteryChoices(entry: Entry): number[] {
  const l = entry.lottery;
  if (!l) return [];
  return 'fixedBp' in l ? [...l.fixedBp] : [l.minBp, l.maxBp];
}

export class CustomerDisplay {
  private state: CustomerDisplayState;
  private readonly listeners = new Set<(state: CustomerDisplayState) => void>();

  constructor(private readonly source: CustomerDisplaySource) {
    this.state = this.idleState();
  }

  current(): CustomerDisplayState {
    return this.state;
  }

  subscribe(listener: (state: CustomerDisplayState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private header() {
    const settings = this.source.settings();
    return { settings, storeName: this.source.storeName(), rebateName: settings.rebateName };
  }

  private idleState(): CustomerDisplayState {
    const { settings, storeName, rebateName } = this.header();
    return { phase: 'idle', storeName, rebateName, enabled: settings.enabled, extractionBp: settings.extractionBp };
  }

  private set(state: CustomerDisplayState): void {
    if (JSON.stringify(state) === JSON.stringify(this.state)) return;
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }

  idle(): void {
    this.set(this.idleState());
  }

  /** The cashier typing: what is due, the deductions, what is left to pay (0 amount → idle). */
  typing(amountDueFen: number, deductionFen: number): void {
    if (amountDueFen <= 0) return this.idle();
    const { storeName, rebateName } = this.header();
    const deduction = Math.min(deductionFen, amountDueFen);
    this.set({ phase: 'typing', storeName, rebateName, amountDueFen, deductionFen: deduction, toPayFen: amountDueFen - deduction });
  }

  paid(outcome: CheckoutOutcome): void {
    const { settings, storeName, rebateName } = this.header();
    const on = displaySwitches(settings);
    this.set({
      phase: 'result',
      storeName,
      rebateName,
      actualPaidFen: outcome.actualPaidFen,
      changeFen: outcome.changeFen,
      isMember: outcome.member !== null,
      member: shownMember(outcome.member, on),
      entry: outcome.entry ? shownEntry(facts(outcome.entry), on) : null,
      noEntitlementReason: outcome.noEntitlementReason,
      extractionBp: settings.extractionBp,
      paidToQueueFen: outcome.paidToQueueFen,
    });
  }

  drawn(entry: Entry, drawnBp: number): void {
    const { settings, storeName, rebateName } = this.header();
    this.set({ phase: 'draw', storeName, rebateName, choicesBp: lotteryChoices(entry), drawnBp, entry: shownEntry(facts(entry), displaySwitches(settings)) });
  }
}
