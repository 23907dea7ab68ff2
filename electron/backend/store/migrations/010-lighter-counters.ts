/**
 * 010: the counters of 007, made cheaper for the checkout (measured: an
 * UPSERT trigger on every entry and ledger row doubled a bulk insert).
 *  - entry_counts (a trigger on every entry insert and state change) is
 *    replaced by entry_completed: a row per queue, changed only when an
 *    entry becomes or stops being completed. The number of entries is the
 *    queue's own next_seq − 1 (seqs are dense and entries never deleted).
 *  - ledger_totals keeps only the kinds the queue row does not already
 *    count — clearings and cancellations (forfeits by cause), points from
 *    exchanges and from random returns — so a checkout's extraction, payout,
 *    undistributed and pool rows fire no trigger at all.
 */
export const lighterCountersSchema = /* sql */ `
DROP TRIGGER entry_counts_insert;
DROP TRIGGER entry_counts_update;
DROP TRIGGER entry_counts_delete;
DROP TABLE entry_counts;

CREATE TABLE entry_completed (
  queue_id TEXT PRIMARY KEY,
  n        INTEGER NOT NULL CHECK (n >= 0)
) STRICT, WITHOUT ROWID;
INSERT INTO entry_completed (queue_id, n) SELECT id, 0 FROM queues;
UPDATE entry_completed SET n = (SELECT count(*) FROM entries WHERE entries.queue_id = entry_completed.queue_id AND state = 'completed');
CREATE TRIGGER entry_completed_update AFTER UPDATE OF state ON entries
  WHEN (NEW.state = 'completed') <> (OLD.state = 'completed')
BEGIN
  INSERT INTO entry_completed (queue_id, n) VALUES (NEW.queue_id, CASE WHEN NEW.state = 'completed' THEN 1 ELSE 0 END)
  ON CONFLICT (queue_id) DO UPDATE SET n = n + CASE WHEN NEW.state = 'completed' THEN 1 ELSE -1 END;
END;
CREATE TRIGGER entry_completed_insert AFTER INSERT ON entries WHEN NEW.state = 'completed'
BEGIN
  INSERT INTO entry_completed (queue_id, n) VALUES (NEW.queue_id, 1) ON CONFLICT (queue_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER entry_completed_delete AFTER DELETE ON entries WHEN OLD.state = 'completed'
BEGIN UPDATE entry_completed SET n = n - 1 WHERE queue_id = OLD.queue_id; END;

DROP TRIGGER ledger_totals_add;
DELETE FROM ledger_totals WHERE kind NOT IN ('clearing', 'cancellation', 'exchange_points', 'random_points');
CREATE TRIGGER ledger_totals_add AFTER INSERT ON ledger
  WHEN NEW.kind IN ('clearing', 'cancellation', 'exchange_points', 'random_points')
BEGIN
  INSERT INTO ledger_totals (queue_id, kind, amount_fen, units, rows) VALUES (NEW.queue_id, NEW.kind, NEW.amount_fen, NEW.units, 1)
  ON CONFLICT (queue_id, kind) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, units = units + excluded.units, rows = rows + 1;
END;
`;
