/** A valid order.checkout event as a register sends it: the central bench's simulated registers and the service's large-batch test. */
import type { WireEvent } from '../../shared/sync/protocol';

/**
 * A valid order.checkout event (docs/sync.md "Event payloads"): a 100.00 order joining the line, 10 % extracted,
 * paying the previous entry. Also the central service's large-batch test's event.
 */
export function checkoutEvent(register: string, seq: number, at: number, queueId = 'cashier-1'): WireEvent {
  const orderId = `${register}-o${seq}`;
  return {
    id: `${register}-e${seq}`,
    seq,
    queueId,
    type: 'order.checkout',
    at,
    payload: {
      order: { queueId, id: orderId, memberId: null, amountDueFen: 10_000, deductionFen: 0, actualPaidFen: 10_000, paidAt: at, settlement: 'payment', settledAt: at, extractedFen: 1000, paidToQueueFen: 1000, completedAt: null, autoCompleteAt: null, refundedAt: null, noEntitlementReason: null },
      entry: { queueId, seq, orderId, memberId: null, joinedAt: at, position: 1, aheadFen: 0, baseFen: 10_000, ratioBp: 10_000, rule: 'base.default', drawPending: false, lottery: null, drawnAt: null, entitlementFen: 10_000, receivedFen: 0, state: 'waiting', finishedAt: null, orderCompleted: false },
      settlement: { extractedFen: 1000, poolUsedFen: 0, payouts: seq > 1 ? [{ entryOrderId: `${register}-o${seq - 1}`, amountFen: 1000, completed: false }] : [], paidFen: seq > 1 ? 1000 : 0, leftoverFen: seq > 1 ? 0 : 1000, leftoverTo: seq > 1 ? null : 'undistributed' },
      ledger: [
        { queueId, kind: 'extraction', at, orderId, entryOrderId: null, amountFen: 1000, units: 0 },
        seq > 1
          ? { queueId, kind: 'payout', at, orderId, entryOrderId: `${register}-o${seq - 1}`, amountFen: 1000, units: 0 }
          : { queueId, kind: 'undistributed', at, orderId, entryOrderId: null, amountFen: 1000, units: 0 },
      ],
    },
  };
}
