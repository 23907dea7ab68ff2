/**
 * 002: the print queue. A receipt to print is a row written in the same
 * transaction as the checkout, so a committed checkout always has its
 * receipt job and no checkout ever waits on the printer. The worker
 * (`electron/backend/printing/worker.ts`) moves rows through the states:
 *
 *   pending ──▶ printing ──▶ done
 *      ▲            │
 *      │            ▼
 *      └──(retry)── failed            (last_error says why; retried with
 *                                      backoff while next_attempt_at is set)
 *   pending/failed/previewed ──▶ skipped (skip_reason, skipped_by: recorded)
 *   pending ──▶ previewed              (no printer configured: shown on screen,
 *                                       kept; "retry" prints it later)
 *
 * A reprint is a new row with copy = 1 and reprint_of naming the original.
 */
export const printJobsSchema = /* sql */ `
CREATE TABLE print_jobs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  queue_id        TEXT NOT NULL,
  -- NULL only for a test page (kind = 'test').
  order_id        TEXT,
  kind            TEXT NOT NULL DEFAULT 'receipt' CHECK (kind IN ('receipt', 'test')),
  copy            INTEGER NOT NULL DEFAULT 0 CHECK (copy IN (0, 1)),
  reprint_of      INTEGER REFERENCES print_jobs(id),
  state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'printing', 'failed', 'done', 'skipped', 'previewed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- When the worker may try again; NULL = waits for the cashier (retry/skip).
  next_attempt_at INTEGER,
  last_error      TEXT,
  skip_reason     TEXT,
  skipped_by      TEXT,
  -- The printer (uri) of the last attempt, for the job list.
  printer         TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  printed_at      INTEGER,
  FOREIGN KEY (queue_id, order_id) REFERENCES orders (queue_id, id),
  CHECK ((kind = 'receipt') = (order_id IS NOT NULL)),
  CHECK (state <> 'skipped' OR (skip_reason IS NOT NULL AND length(trim(skip_reason)) > 0)),
  CHECK (state <> 'done' OR printed_at IS NOT NULL)
) STRICT;

-- The worker's next job: open jobs in creation order, without scanning done ones.
CREATE INDEX print_jobs_open ON print_jobs (id) WHERE state IN ('pending', 'printing', 'failed');
CREATE INDEX print_jobs_by_order ON print_jobs (queue_id, order_id) WHERE order_id IS NOT NULL;
`;
