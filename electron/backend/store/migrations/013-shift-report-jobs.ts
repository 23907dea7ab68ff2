/**
 * Shift reports on the receipt printer (issue 10 §7): a print job may be an
 * X or Z report of a shift instead of an order's receipt or a test page.
 *
 * SQLite cannot change a CHECK, and print_jobs' kind CHECK (migration 002)
 * allows only 'receipt' and 'test' and ties 'receipt' to an order. So the
 * table is rebuilt the way the SQLite manual prescribes (create the new
 * table, copy every row with its id, drop the old, rename the new), inside
 * the migration's transaction, and everything that hung on the old table is
 * put back exactly: the indexes of 002 and 007 and the print_job_counts
 * triggers of 007 (the counts themselves are unchanged: every row is copied).
 *
 * New columns:
 *  - shift_id: the shift the report is about (kind = 'report' only);
 *  - report: 'X' (mid-shift) or 'Z' (closing);
 *  - report_json: the report's figures frozen when the job was made, so a
 *    retry or a reprint of an X report prints what the cashier asked for,
 *    not what the shift looks like later.
 */
export const shiftReportJobsSchema = /* sql */ `
CREATE TABLE print_jobs_new (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  queue_id        TEXT NOT NULL,
  order_id        TEXT,
  kind            TEXT NOT NULL DEFAULT 'receipt' CHECK (kind IN ('receipt', 'test', 'report')),
  copy            INTEGER NOT NULL DEFAULT 0 CHECK (copy IN (0, 1)),
  -- Names the new table so the rename below carries the self-reference along.
  reprint_of      INTEGER REFERENCES print_jobs_new(id),
  state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'printing', 'failed', 'done', 'skipped', 'previewed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER,
  last_error      TEXT,
  skip_reason     TEXT,
  skipped_by      TEXT,
  printer         TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  printed_at      INTEGER,
  slip            TEXT CHECK (slip IS NULL OR slip IN ('refund', 'exchange', 'draw')),
  shift_id        INTEGER REFERENCES shifts(id),
  report          TEXT CHECK (report IS NULL OR report IN ('X', 'Z')),
  report_json     TEXT,
  FOREIGN KEY (queue_id, order_id) REFERENCES orders (queue_id, id),
  CHECK ((kind = 'receipt') = (order_id IS NOT NULL)),
  CHECK ((kind = 'report') = (shift_id IS NOT NULL AND report IS NOT NULL AND report_json IS NOT NULL)),
  CHECK (state <> 'skipped' OR (skip_reason IS NOT NULL AND length(trim(skip_reason)) > 0)),
  CHECK (state <> 'done' OR printed_at IS NOT NULL)
) STRICT;

INSERT INTO print_jobs_new (id, queue_id, order_id, kind, copy, reprint_of, state, attempts, next_attempt_at, last_error,
                            skip_reason, skipped_by, printer, created_at, updated_at, printed_at, slip)
SELECT id, queue_id, order_id, kind, copy, reprint_of, state, attempts, next_attempt_at, last_error,
       skip_reason, skipped_by, printer, created_at, updated_at, printed_at, slip
FROM print_jobs ORDER BY id;

-- The AUTOINCREMENT high-water mark moves with the rows (ids are never reused).
DELETE FROM sqlite_sequence WHERE name = 'print_jobs_new';
UPDATE sqlite_sequence SET name = 'print_jobs_new' WHERE name = 'print_jobs';

-- Dropping fires no triggers on the counts (DROP TABLE removes the triggers first).
DROP TABLE print_jobs;
ALTER TABLE print_jobs_new RENAME TO print_jobs;

CREATE INDEX print_jobs_open ON print_jobs (id) WHERE state IN ('pending', 'printing', 'failed');
CREATE INDEX print_jobs_by_order ON print_jobs (queue_id, order_id) WHERE order_id IS NOT NULL;
CREATE INDEX print_jobs_due ON print_jobs (id) WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL;
CREATE INDEX print_jobs_by_shift ON print_jobs (shift_id) WHERE shift_id IS NOT NULL;

CREATE TRIGGER print_job_counts_insert AFTER INSERT ON print_jobs
BEGIN UPDATE print_job_counts SET n = n + 1 WHERE state = NEW.state; END;
CREATE TRIGGER print_job_counts_update AFTER UPDATE OF state ON print_jobs WHEN OLD.state <> NEW.state
BEGIN
  UPDATE print_job_counts SET n = n - 1 WHERE state = OLD.state;
  UPDATE print_job_counts SET n = n + 1 WHERE state = NEW.state;
END;
CREATE TRIGGER print_job_counts_delete AFTER DELETE ON print_jobs
BEGIN UPDATE print_job_counts SET n = n - 1 WHERE state = OLD.state; END;
`;
