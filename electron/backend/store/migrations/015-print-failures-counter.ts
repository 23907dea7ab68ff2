/**
 * 015: the status snapshot's print failures, flat (issue 15 §1, review
 * finding): the snapshot, taken after every change, counted the failed jobs
 * that wait for the cashier (`count(*) … state = 'failed' AND
 * next_attempt_at IS NULL`) and looked for the oldest failed job by walking
 * every open job. Both grew with the number of jobs left open (a printer
 * unplugged for a week leaves thousands).
 *  - print_jobs_needing_cashier: one row, kept by triggers on print_jobs in
 *    the statement that changes a job, so it can never disagree with the
 *    rows after a commit or a rollback;
 *  - print_jobs_failed: a partial index whose WHERE is the oldest-failed
 *    query's own, so that query reads one index entry.
 */
const NEEDS = (row: 'NEW' | 'OLD') => `(${row}.state = 'failed' AND ${row}.next_attempt_at IS NULL)`;

export const printFailuresCounterSchema = /* sql */ `
CREATE TABLE print_jobs_needing_cashier (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL CHECK (n >= 0)
) STRICT;
INSERT INTO print_jobs_needing_cashier (id, n) SELECT 1, count(*) FROM print_jobs WHERE state = 'failed' AND next_attempt_at IS NULL;

CREATE TRIGGER print_jobs_needing_cashier_insert AFTER INSERT ON print_jobs WHEN ${NEEDS('NEW')}
BEGIN UPDATE print_jobs_needing_cashier SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER print_jobs_needing_cashier_update AFTER UPDATE OF state, next_attempt_at ON print_jobs WHEN ${NEEDS('NEW')} <> ${NEEDS('OLD')}
BEGIN UPDATE print_jobs_needing_cashier SET n = n + CASE WHEN ${NEEDS('NEW')} THEN 1 ELSE -1 END WHERE id = 1; END;
CREATE TRIGGER print_jobs_needing_cashier_delete AFTER DELETE ON print_jobs WHEN ${NEEDS('OLD')}
BEGIN UPDATE print_jobs_needing_cashier SET n = n - 1 WHERE id = 1; END;

CREATE INDEX print_jobs_failed ON print_jobs (id) WHERE state = 'failed';
`;
