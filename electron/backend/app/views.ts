/**
 * Engine and database rows → the plain JSON views of the command contract.
 * Every money figure stays integer fen.
 */
import type { EntryView, MemberView, PayoutView, RatioStepView, ShiftView } from '../../../shared/contract';
import { canDraw, type Entry, type Member, type RatioStep } from '../../../shared/engine/index';
import { withExplanation } from '../../../shared/messages/ratio-steps';

export interface ShiftRow {
  id: number;
  register_id: string;
  cashier_id: string;
  opened_at: number;
  opening_float_fen: number;
  closed_at: number | null;
  closed_by: string | null;
  counted_cash_fen: number | null;
  z_report: string | null;
  /** Joined in by the queries that show the shift (people by name). */
  cashier_name?: string | null;
}

export function shiftView(row: ShiftRow): ShiftView {
  return {
    id: row.id,
    cashierId: row.cashier_id,
    cashierName: row.cashier_name ?? null,
    openedAt: row.opened_at,
    openingFloatFen: row.opening_float_fen,
    closedAt: row.closed_at,
    countedCashFen: row.counted_cash_fen,
  };
}

export function entryView(entry: Entry): EntryView {
  return {
    orderId: entry.orderId,
    seq: entry.seq,
    memberId: entry.memberId,
    joinedAt: entry.joinedAt,
    position: entry.position,
    aheadFen: entry.aheadFen,
    ratioBp: entry.ratioBp,
    rule: entry.rule,
    drawPending: entry.drawPending,
    canDraw: canDraw(entry),
    entitlementFen: entry.entitlementFen,
    receivedFen: entry.receivedFen,
    state: entry.state,
    finishedAt: entry.finishedAt,
  };
}

export function memberView(member: Member): MemberView {
  return {
    id: member.id,
    level: member.level,
    displayName: member.displayName ?? null,
    maskedPhone: member.maskedPhone ?? null,
  };
}

export function ratioStepView(step: RatioStep): RatioStepView {
  return withExplanation({ rule: step.rule, applies: step.applies, ratioBp: step.ratioBp ?? null, detail: step.detail });
}

export interface PayoutRow {
  order_id: string;
  entry_order_id: string;
  amount_fen: number;
  at: number;
}

export function payoutView(row: PayoutRow): PayoutView {
  return { fromOrderId: row.order_id, toOrderId: row.entry_order_id, amountFen: row.amount_fen, at: row.at };
}
