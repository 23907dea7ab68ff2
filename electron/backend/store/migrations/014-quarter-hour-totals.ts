/**
 * 014: the dashboard's day-by-day figures kept as counters (issue 15 §1:
 * the 7/30/90-day dashboard ≤ 1 s at three years, never reading the ledger).
 *
 * One row per queue and quarter hour (`bucket` = time ÷ 900 000 ms) with
 * what the dashboard sums per local day: orders and sales by payment time,
 * extraction and payouts by ledger time, and the change to the amount owed
 * to the line. Quarter hours, not days, because a local day depends on the
 * register's time zone, which the manager may change, and every zone's day
 * boundaries fall on a quarter hour (shared/manager/days.ts BUCKET_MS): the
 * dashboard folds the buckets of its window into local days (≤ 96 rows a
 * day, ≈ 40 for a store open ten hours).
 *
 * Kept by triggers, so in the same transaction as the rows they count (a
 * rollback takes both back):
 *  - an order inserted: +1 order, +its actual paid amount (orders' paid_at
 *    and actual_paid_fen are never updated);
 *  - a ledger row of the kinds the dashboard uses: extraction, payout, and
 *    the owed amount going down for payouts, clearings, refund
 *    cancellations and exchanges (the ledger is append-only);
 *  - an entry joining the line (not a random return to points): the owed
 *    amount going up by its entitlement at its join time; when its
 *    entitlement changes (a lottery draw), the difference at the draw's time
 *    (or at the join time if it has no draw time).
 * A checkout therefore writes one more row (its quarter hour's, usually
 * already in the page cache) through 3–4 small UPSERTs.
 *
 * The backfill computes the same from the rows already there. For an entry
 * drawn before this migration the entitlement it had until its draw is taken
 * from the lottery step its checkout recorded (checkout_details, as the
 * dashboard did); without that record the draw's change is counted at the
 * join time.
 */
const B = 900_000;

const upsert = (bucket: string, columns: { orders?: string; sales?: string; extracted?: string; paidOut?: string; owed?: string }, queue = 'NEW.queue_id'): string => {
  const v = { orders: '0', sales: '0', extracted: '0', paidOut: '0', owed: '0', ...columns };
  return `INSERT INTO quarter_hour_totals (queue_id, bucket, orders, sales_fen, extracted_fen, paid_out_fen, owed_delta_fen)
    VALUES (${queue}, ${bucket}, ${v.orders}, ${v.sales}, ${v.extracted}, ${v.paidOut}, ${v.owed})
    ON CONFLICT (queue_id, bucket) DO UPDATE SET orders = orders + excluded.orders, sales_fen = sales_fen + excluded.sales_fen,
      extracted_fen = extracted_fen + excluded.extracted_fen, paid_out_fen = paid_out_fen + excluded.paid_out_fen,
      owed_delta_fen = owed_delta_fen + excluded.owed_delta_fen;`;
};

/** Kinds that lower the amount owed to the line. */
const OWED_DOWN = `('payout', 'clearing', 'cancellation', 'exchange_points', 'exchange_vouchers')`;

/** The entitlement a drawn entry carried until its draw, from the lottery step its checkout recorded (NULL if none). */
const PRE_DRAW = `(SELECT (e.base_fen * json_extract(s.value, '$.ratioBp')) / 10000
    FROM checkout_details d, json_each(d.ratio_steps) s
    WHERE d.queue_id = e.queue_id AND d.order_id = e.order_id AND json_extract(s.value, '$.applies') = 1
      AND json_extract(s.value, '$.rule') IN ('cashier.lottery', 'base.lottery')
    ORDER BY s.key LIMIT 1)`;

export const quarterHourTotalsSchema = /* sql */ `
CREATE TABLE quarter_hour_totals (
  queue_id       TEXT NOT NULL,
  bucket         INTEGER NOT NULL,
  orders         INTEGER NOT NULL CHECK (orders >= 0),
  sales_fen      INTEGER NOT NULL,
  extracted_fen  INTEGER NOT NULL,
  paid_out_fen   INTEGER NOT NULL,
  owed_delta_fen INTEGER NOT NULL,
  PRIMARY KEY (queue_id, bucket)
) STRICT, WITHOUT ROWID;

INSERT INTO quarter_hour_totals (queue_id, bucket, orders, sales_fen, extracted_fen, paid_out_fen, owed_delta_fen)
SELECT queue_id, b, sum(n), sum(sales), sum(extracted), sum(paid_out), sum(owed) FROM (
  SELECT queue_id, paid_at / ${B} AS b, count(*) AS n, sum(actual_paid_fen) AS sales, 0 AS extracted, 0 AS paid_out, 0 AS owed
    FROM orders GROUP BY queue_id, b
  UNION ALL
  SELECT queue_id, at / ${B}, 0, 0,
         sum(CASE kind WHEN 'extraction' THEN amount_fen ELSE 0 END),
         sum(CASE kind WHEN 'payout' THEN amount_fen ELSE 0 END),
         -sum(CASE WHEN kind IN ${OWED_DOWN} THEN amount_fen ELSE 0 END)
    FROM ledger WHERE kind IN ('extraction', ${OWED_DOWN.slice(1, -1)}) GROUP BY queue_id, at / ${B}
  UNION ALL
  SELECT queue_id, joined_at / ${B}, 0, 0, 0, 0, sum(entitlement_fen)
    FROM entries WHERE state <> 'points' AND drawn_at IS NULL GROUP BY queue_id, joined_at / ${B}
  UNION ALL
  SELECT queue_id, joined_at / ${B}, 0, 0, 0, 0, coalesce(${PRE_DRAW}, entitlement_fen)
    FROM entries e WHERE state <> 'points' AND drawn_at IS NOT NULL
  UNION ALL
  SELECT queue_id, drawn_at / ${B}, 0, 0, 0, 0, entitlement_fen - coalesce(${PRE_DRAW}, entitlement_fen)
    FROM entries e WHERE state <> 'points' AND drawn_at IS NOT NULL
) GROUP BY queue_id, b;

CREATE TRIGGER quarter_hour_orders AFTER INSERT ON orders
BEGIN ${upsert(`NEW.paid_at / ${B}`, { orders: '1', sales: 'NEW.actual_paid_fen' })} END;

CREATE TRIGGER quarter_hour_ledger AFTER INSERT ON ledger WHEN NEW.kind IN ('extraction', ${OWED_DOWN.slice(1, -1)})
BEGIN ${upsert(`NEW.at / ${B}`, {
  extracted: `CASE NEW.kind WHEN 'extraction' THEN NEW.amount_fen ELSE 0 END`,
  paidOut: `CASE NEW.kind WHEN 'payout' THEN NEW.amount_fen ELSE 0 END`,
  owed: `CASE WHEN NEW.kind IN ${OWED_DOWN} THEN -NEW.amount_fen ELSE 0 END`,
})} END;

CREATE TRIGGER quarter_hour_joined AFTER INSERT ON entries WHEN NEW.state <> 'points'
BEGIN ${upsert(`NEW.joined_at / ${B}`, { owed: 'NEW.entitlement_fen' })} END;

CREATE TRIGGER quarter_hour_entitlement AFTER UPDATE OF entitlement_fen ON entries
  WHEN NEW.entitlement_fen <> OLD.entitlement_fen AND NEW.state <> 'points'
BEGIN ${upsert(`coalesce(NEW.drawn_at, NEW.joined_at) / ${B}`, { owed: 'NEW.entitlement_fen - OLD.entitlement_fen' })} END;
`;
