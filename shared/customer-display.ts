/**
 * What the customer sees (issue #12 §2, §4), pure: the customer-facing
 * display (客显), the receipt and the central service's customer page all
 * decide what to show through `shownEntry` / `shownMember`, so each of the
 * five display switches means the same thing everywhere (docs/display.md).
 *
 * Money is integer fen, ratios integer bp. Nothing here is a date or a
 * promise: only facts the register has computed.
 */
import type { EffectiveSettings } from './settings';

export const DISPLAY_SWITCHES = ['queueProgress', 'totalReceived', 'amountWaiting', 'memberIdentity', 'pendingAmount'] as const;
export type DisplaySwitch = (typeof DISPLAY_SWITCHES)[number];
export type DisplaySwitches = Record<DisplaySwitch, boolean>;

export interface EntryFacts {
  entitlementFen: number;
  ratioBp: number;
  drawPending: boolean;
  state: 'waiting' | 'completed' | 'exchanged' | 'cleared' | 'cancelled' | 'points';
  /** 1 + waiting entries ahead when it joined. */
  position: number;
  /** Σ remaining of the entries ahead when it joined. */
  aheadFen: number;
  receivedFen: number;
}

/** An entry as a customer may see it: a hidden fact is null, never a made-up value. */
export interface ShownEntry {
  entitlementFen: number;
  ratioBp: number;
  drawPending: boolean;
  state: EntryFacts['state'];
  /** queueProgress: place in line when it joined. */
  position: number | null;
  /** amountWaiting: amount waiting ahead when it joined. */
  aheadFen: number | null;
  /** totalReceived: what the entry has received so far. */
  receivedFen: number | null;
  /** pendingAmount: what is still to come to it (entitlement − received; 0 once finished). */
  pendingFen: number | null;
}

export interface ShownMember {
  displayName: string | null;
  maskedPhone: string | null;
}

export function shownEntry(entry: EntryFacts, on: DisplaySwitches): ShownEntry {
  const waiting = entry.state === 'waiting';
  return {
    entitlementFen: entry.entitlementFen,
    ratioBp: entry.ratioBp,
    drawPending: entry.drawPending,
    state: entry.state,
    position: on.queueProgress && waiting ? entry.position : null,
    aheadFen: on.amountWaiting && waiting ? entry.aheadFen : null,
    receivedFen: on.totalReceived ? entry.receivedFen : null,
    pendingFen: on.pendingAmount ? (waiting ? entry.entitlementFen - entry.receivedFen : 0) : null,
  };
}

/** memberIdentity off: neither nickname nor masked phone (the customer sees "会员" at most). */
export function shownMember(member: ShownMember | null, on: DisplaySwitches): ShownMember | null {
  if (!member || !on.memberIdentity) return null;
  return { displayName: member.displayName, maskedPhone: member.maskedPhone };
}

export function displaySwitches(settings: Pick<EffectiveSettings, 'display'>): DisplaySwitches {
  const d = settings.display;
  return {
    queueProgress: d.queueProgress,
    totalReceived: d.totalReceived,
    amountWaiting: d.amountWaiting,
    memberIdentity: d.memberIdentity,
    pendingAmount: d.pendingAmount,
  };
}

/** The header every phase shows. */
interface Header {
  storeName: string;
  rebateName: string;
}

/**
 * The customer display's whole state, pushed read-only from the main process
 * (electron/backend/customer/display.ts) to the customer window.
 */
export type CustomerDisplayState =
  /** Nobody paying: store, rebate name and how it works. `extractionBp` is the share of each payment paid to the line. */
  | (Header & { phase: 'idle'; enabled: boolean; extractionBp: number })
  /** The cashier is typing: due, deductions, to pay. */
  | (Header & { phase: 'typing'; amountDueFen: number; deductionFen: number; toPayFen: number })
  /** Paid. `member` is null when memberIdentity is off or for a walk-in (`isMember` tells which). */
  | (Header & {
      phase: 'result';
      actualPaidFen: number;
      changeFen: number;
      isMember: boolean;
      member: ShownMember | null;
      entry: ShownEntry | null;
      noEntitlementReason: string | null;
      extractionBp: number;
      paidToQueueFen: number;
    })
  /** A lottery draw, as it happens: the ratios it could land on, then the one drawn. */
  | (Header & { phase: 'draw'; choicesBp: number[]; drawnBp: number; entry: ShownEntry });

export type CustomerDisplayPhase = CustomerDisplayState['phase'];

/** Channel of the customer window's read-only state (main → customer window). */
export const CUSTOMER_STATE_CHANNEL = 'customer:state';

/** What the customer window's preload exposes as `window.customerDisplay`: listening only, no commands. */
export interface CustomerDisplayApi {
  onState(listener: (state: CustomerDisplayState) => void): () => void;
}
