/**
 * What the queue page shows for one 查询码, read from the projections: the
 * entry as of the register's last sync, its place in line and the amount
 * waiting ahead of it now (both within its own queue, by line order), under
 * the store's display switches. Nothing about any other customer leaves
 * this module: only counts and one sum.
 *
 * The switches (shared/customer-display.ts, docs/display.md) are the entry's
 * queue's own, as the register's manager set them (queue.settings events →
 * `queue_settings`: the cashier layer's `display` over the base layer's,
 * every switch on unless set off), and the alliance operator can turn
 * `queueProgress` / `amountWaiting` off for a whole store (`admin
 * set-display` → `stores.display`): a figure shows only when neither says off.
 */
import { DISPLAY_SWITCHES, type DisplaySwitches } from '../../shared/customer-display';
import { formatLookupCode } from '../../shared/lookup-code';
import { orderNumber } from '../../shared/order-number';
import type { Queryable } from '../db/adapter';

export type { DisplaySwitches };

/**
 * Which receipt the page is about, in what the customer holds: the 单号 as
 * the receipt prints it (shared/order-number.ts) when it is digits and
 * dashes; an order id of another form (not what a Chinese page shows) gives
 * the last 4 characters of the 查询码, printed large on the same receipt.
 * And the time of payment (the receipt's 时间).
 */
export interface ReceiptMark {
  orderNumber: string | null;
  codeTail: string;
  paidAt: number;
}

export function receiptMark(orderId: string, code: string, paidAt: number): ReceiptMark {
  const printed = orderNumber(orderId);
  return { orderNumber: /^\d+(-\d+)*$/.test(printed) ? printed : null, codeTail: formatLookupCode(code).slice(-4), paidAt };
}

export interface QueueEntryView {
  storeName: string;
  receipt: ReceiptMark;
  state: 'waiting' | 'completed' | 'exchanged' | 'cleared' | 'cancelled' | 'points';
  entitlementFen: number;
  receivedFen: number;
  /** received ÷ entitlement in whole percent, floored (100 only when fully received). */
  progressPercent: number;
  /** entitlement − received while waiting (0 once finished); null when hidden (pendingAmount). */
  pendingFen: number | null;
  /** 1 = next in line; null when not waiting or hidden by the store. */
  placeNow: number | null;
  aheadFen: number | null;
  joinedAt: number;
  /** The register's last sync: everything shown is true as of then. */
  asOf: number;
  display: DisplaySwitches;
}

export type LookupResult = { kind: 'entry'; view: QueueEntryView } | { kind: 'no-entry'; storeName: string; receipt: ReceiptMark; asOf: number } | { kind: 'unknown' };

/**
 * The switches in force for one queue: the register's layers (the cashier
 * layer's `display` replaces the base layer's whole, as resolveSettings
 * does), then the store's switches set by the alliance operator.
 */
export function displaySwitches(storeSwitches: unknown, base: unknown, cashier: unknown): DisplaySwitches {
  const object = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const fromRegister = object(object(cashier).display !== undefined ? object(cashier).display : object(base).display);
  const fromStore = object(storeSwitches);
  return Object.fromEntries(DISPLAY_SWITCHES.map((s) => [s, fromRegister[s] !== false && fromStore[s] !== false])) as DisplaySwitches;
}

export async function lookupEntry(db: Queryable, code: string): Promise<LookupResult> {
  const { rows } = await db.query<{
    register: number;
    queue_id: string;
    order_id: string;
    paid_at: number;
    seq: number | null;
    state: QueueEntryView['state'] | null;
    entitlement_fen: number | null;
    received_fen: number | null;
    joined_at: number | null;
    store_name: string;
    display: unknown;
    base: unknown;
    cashier: unknown;
    last_sync_at: number | null;
  }>(
    `SELECT o.register, o.queue_id, o.order_id, o.paid_at, e.seq, e.state, e.entitlement_fen, e.received_fen, e.joined_at,
       s.name AS store_name, s.display, qs.base, qs.cashier, r.last_sync_at
     FROM orders o
     JOIN registers r ON r.id = o.register
     JOIN stores s ON s.id = o.store_id
     LEFT JOIN queue_settings qs ON qs.register = o.register AND qs.queue_id = o.queue_id
     LEFT JOIN entries e ON e.register = o.register AND e.queue_id = o.queue_id AND e.order_id = o.order_id
     WHERE o.lookup_code = $1 LIMIT 2`,
    [code],
  );
  // Two orders under one code (vanishingly rare): show neither rather than the wrong one.
  if (rows.length !== 1) return { kind: 'unknown' };
  const row = rows[0]!;
  const asOf = row.last_sync_at ?? 0;
  const receipt = receiptMark(row.order_id, code, Number(row.paid_at));
  if (row.seq === null || row.state === null) return { kind: 'no-entry', storeName: row.store_name, receipt, asOf };
  const display = displaySwitches(row.display, row.base, row.cashier);
  let placeNow: number | null = null;
  let aheadFen: number | null = null;
  if (row.state === 'waiting' && (display.queueProgress || display.amountWaiting)) {
    const ahead = await db.query<{ n: number; owed: number }>(
      `SELECT count(*) AS n, COALESCE(sum(entitlement_fen - received_fen), 0) AS owed FROM entries
       WHERE register = $1 AND queue_id = $2 AND state = 'waiting' AND seq < $3`,
      [row.register, row.queue_id, row.seq],
    );
    if (display.queueProgress) placeNow = ahead.rows[0]!.n + 1;
    if (display.amountWaiting) aheadFen = ahead.rows[0]!.owed;
  }
  const entitlement = row.entitlement_fen ?? 0;
  const received = row.received_fen ?? 0;
  return {
    kind: 'entry',
    view: {
      storeName: row.store_name,
      receipt,
      state: row.state,
      entitlementFen: entitlement,
      receivedFen: received,
      pendingFen: display.pendingAmount ? (row.state === 'waiting' ? Math.max(0, entitlement - received) : 0) : null,
      progressPercent: entitlement > 0 ? Math.floor((received * 100) / entitlement) : 100,
      placeNow,
      aheadFen,
      joinedAt: row.joined_at ?? 0,
      asOf,
      display,
    },
  };
}
