/**
 * 008: staff and orders at the counter (issue 10 §1–§2).
 *
 * - cashiers can be disabled (never deleted: orders, shifts, refunds and the
 *   audit log keep naming them); a disabled person cannot sign in and their
 *   PIN approves nothing.
 * - a refund records how the money went back, one row per tender of the
 *   original order (cash net of change, each non-cash tender in full).
 * - a print job may be a slip instead of the order's receipt (`slip`:
 *   'refund' = the refund slip; NULL = the sale receipt). A column, not a new
 *   `kind`: the worker's queries and states stay as they are.
 * - the orders screen pages newest first by (paid_at, id) — keyset, never
 *   OFFSET — over an index that ends in the order id, so ties in paid_at
 *   need no sort; per cashier and for refunded orders over their own indexes.
 */
export const staffOrdersSchema = /* sql */ `
ALTER TABLE cashiers ADD COLUMN disabled_at INTEGER;
ALTER TABLE cashiers ADD COLUMN disabled_by TEXT REFERENCES cashiers(id);

CREATE TABLE refund_tenders (
  queue_id   TEXT NOT NULL,
  order_id   TEXT NOT NULL,
  line       INTEGER NOT NULL CHECK (line >= 1),
  kind       TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'wechat', 'alipay', 'other')),
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  PRIMARY KEY (queue_id, order_id, line),
  FOREIGN KEY (queue_id, order_id) REFERENCES refunds (queue_id, order_id)
) STRICT;

ALTER TABLE print_jobs ADD COLUMN slip TEXT CHECK (slip IS NULL OR slip IN ('refund', 'exchange', 'draw'));

CREATE INDEX orders_newest ON orders (queue_id, paid_at, id);
CREATE INDEX orders_by_cashier ON orders (queue_id, cashier_id, paid_at, id) WHERE cashier_id IS NOT NULL;
CREATE INDEX orders_refunded ON orders (queue_id, paid_at, id) WHERE refunded_at IS NOT NULL;
`;
