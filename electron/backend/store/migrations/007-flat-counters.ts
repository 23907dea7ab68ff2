/**
 * 007: counters kept in the same transaction as the rows they count, so
 * nothing on the counter's path counts a table that grows with history
 * (issue 15 §1, docs/performance.md "Flat in history"):
 *  - print_job_counts: jobs per state, kept by triggers on print_jobs (the
 *    print worker and the status bar read six rows instead of a GROUP BY
 *    over every job ever printed or previewed);
 *  - print_jobs_due: a partial index whose WHERE is exactly the worker's
 *    head query (SQLite uses a partial index only when the query's WHERE
 *    implies the index's, and it cannot prove `state IN ('pending',
 *    'failed')` implies print_jobs_open's three-state IN);
 *  - ledger_totals: Σ amount and Σ units per queue and kind, kept by a
 *    trigger on the append-only ledger (the dashboard's forfeits and points
 *    figures);
 *  - entry_counts: entries per queue and state, kept by triggers on entries
 *    (the dashboard's "entries total / completed").
 * Triggers run inside the statement that fires them, so a counter can never
 * disagree with its rows after a commit or a rollback.
 */
export const flatCountersSchema = /* sql */ `
CREATE TABLE print_job_counts (
  state TEXT PRIMARY KEY CHECK (state IN ('pending', 'printing', 'failed', 'done', 'skipped', 'previewed')),
  n     INTEGER NOT NULL CHECK (n >= 0)
) STRICT, WITHOUT ROWID;
INSERT INTO print_job_counts (state, n) VALUES ('pending', 0), ('printing', 0), ('failed', 0), ('done', 0), ('skipped', 0), ('previewed', 0);
UPDATE print_job_counts SET n = (SELECT count(*) FROM print_jobs WHERE print_jobs.state = print_job_counts.state);
CREATE TRIGGER print_job_counts_insert AFTER INSERT ON print_jobs
BEGIN UPDATE print_job_counts SET n = n + 1 WHERE state = NEW.state; END;
CREATE TRIGGER print_job_counts_update AFTER UPDATE OF state ON print_jobs WHEN OLD.state <> NEW.state
BEGIN
  UPDATE print_job_counts SET n = n - 1 WHERE state = OLD.state;
  UPDATE print_job_counts SET n = n + 1 WHERE state = NEW.state;
END;
CREATE TRIGGER print_job_counts_delete AFTER DELETE ON print_jobs
BEGIN UPDATE print_job_counts SET n = n - 1 WHERE state = OLD.state; END;

CREATE INDEX print_jobs_due ON print_jobs (id) WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL;

CREATE TABLE ledger_totals (
  queue_id   TEXT NOT NULL,
  kind       TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  units      INTEGER NOT NULL CHECK (units >= 0),
  rows       INTEGER NOT NULL CHECK (rows >= 0),
  PRIMARY KEY (queue_id, kind)
) STRICT, WITHOUT ROWID;
INSERT INTO ledger_totals (queue_id, kind, amount_fen, units, rows)
  SELECT queue_id, kind, sum(amount_fen), sum(units), count(*) FROM ledger GROUP BY queue_id, kind;
CREATE TRIGGER ledger_totals_add AFTER INSERT ON ledger
BEGIN
  INSERT INTO ledger_totals (queue_id, kind, amount_fen, units, rows) VALUES (NEW.queue_id, NEW.kind, NEW.amount_fen, NEW.units, 1)
  ON CONFLICT (queue_id, kind) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, units = units + excluded.units, rows = rows + 1;
END;

CREATE TABLE entry_counts (
  queue_id TEXT NOT NULL,
  state    TEXT NOT NULL,
  n        INTEGER NOT NULL CHECK (n >= 0),
  PRIMARY KEY (queue_id, state)
) STRICT, WITHOUT ROWID;
INSERT INTO entry_counts (queue_id, state, n) SELECT queue_id, state, count(*) FROM entries GROUP BY queue_id, state;
CREATE TRIGGER entry_counts_insert AFTER INSERT ON entries
BEGIN
  INSERT INTO entry_counts (queue_id, state, n) VALUES (NEW.queue_id, NEW.state, 1)
  ON CONFLICT (queue_id, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER entry_counts_update AFTER UPDATE OF state ON entries WHEN OLD.state <> NEW.state
BEGIN
  UPDATE entry_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state;
  INSERT INTO entry_counts (queue_id, state, n) VALUES (NEW.queue_id, NEW.state, 1)
  ON CONFLICT (queue_id, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER entry_counts_delete AFTER DELETE ON entries
BEGIN UPDATE entry_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state; END;
`;
