/**
 * What the counter screen needs to show a print failure (issue 10 §5): the
 * oldest job that failed, the jobs that wait for the cashier (failed with no
 * automatic retry: a crash mid-send, a receipt that cannot be built), and the
 * list of every job not printed.
 *
 * The list names the states of the partial index `print_jobs_open`
 * (`state IN ('pending', 'printing', 'failed')`), so it reads the few open
 * jobs, never years of printed ones; what the status snapshot reads after
 * every change is flat (migration 015): a counter row and one index entry.
 */
import type { Db } from '../store/database';
import { statement } from '../store/statements';
import { toJob, type PrintJob } from './jobs';

const OPEN = `state IN ('pending', 'printing', 'failed')`;

/** The oldest job that failed (its cause is the banner's), or undefined: the first entry of print_jobs_failed (migration 015). */
export function oldestFailedJob(db: Db): PrintJob | undefined {
  const row = statement(db, `SELECT * FROM print_jobs INDEXED BY print_jobs_failed WHERE state = 'failed' ORDER BY id LIMIT 1`).get() as Parameters<typeof toJob>[0] | undefined;
  return row ? toJob(row) : undefined;
}

/**
 * Failed jobs the worker will not retry by itself: they wait for the cashier
 * (retry, reprint or skip). A counter row kept by triggers (migration 015),
 * not a count: the status snapshot reads it after every change.
 */
export function jobsNeedingCashier(db: Db): number {
  return (statement(db, 'SELECT n FROM print_jobs_needing_cashier WHERE id = 1').get() as { n: number } | undefined)?.n ?? 0;
}

/** How long a job shown only on screen (no printer set) stays in the cashier's list. */
export const PREVIEWED_LISTED_MS = 24 * 60 * 60 * 1000;
/** How many of the newest jobs are looked through for preview-only ones (a rowid range: never years of rows). */
const PREVIEWED_WINDOW = 2000;

/**
 * Jobs shown only on screen because no printer was set (`previewed`), of the
 * last PREVIEWED_LISTED_MS, newest first: the customer has no paper for them,
 * and once a printer is set the cashier may print one (retry) or a copy. Older
 * ones are not listed: with no printer every receipt is preview-only, and a
 * year of them would bury the jobs that need the cashier. Read over the
 * newest PREVIEWED_WINDOW ids by rowid, so the cost does not grow with history.
 */
export function recentPreviewedJobs(db: Db, now: number, limit = 50): PrintJob[] {
  return (
    statement(
      db,
      `SELECT * FROM print_jobs WHERE id > (SELECT coalesce(max(id), 0) FROM print_jobs) - ${PREVIEWED_WINDOW}
         AND state = 'previewed' AND updated_at >= ? ORDER BY id DESC LIMIT ?`,
    ).all(now - PREVIEWED_LISTED_MS, limit) as Parameters<typeof toJob>[0][]
  ).map(toJob);
}

/** Every job not printed yet (pending, printing, failed), newest first. */
export function openJobs(db: Db, limit = 200): PrintJob[] {
  return (statement(db, `SELECT * FROM print_jobs WHERE ${OPEN} ORDER BY id DESC LIMIT ?`).all(limit) as Parameters<typeof toJob>[0][]).map(toJob);
}
