/**
 * Print jobs: rows of `print_jobs` (migration 002). Every function here is
 * synchronous SQL, so `enqueueReceipt` can run inside the checkout's
 * transaction: the job commits with the order, or neither does, and the
 * checkout never waits for a printer.
 */
import type { Db } from '../store/database';
import { statement } from '../store/statements';

export type PrintSlip = 'refund' | 'exchange' | 'draw';
export type PrintJobState = 'pending' | 'printing' | 'failed' | 'done' | 'skipped' | 'previewed';

export interface PrintJob {
  id: number;
  queueId: string;
  orderId: string | null;
  kind: 'receipt' | 'test' | 'report';
  copy: boolean;
  /** A slip about the order instead of its receipt ('refund' = 退款单); null = the receipt. */
  slip: PrintSlip | null;
  reprintOf: number | null;
  /** kind 'report': the shift and which report (X mid-shift, Z at close). */
  shiftId: number | null;
  report: 'X' | 'Z' | null;
  state: PrintJobState;
  attempts: number;
  /** When the worker tries again by itself; null = waits for the cashier. */
  nextAttemptAt: number | null;
  lastError: string | null;
  skipReason: string | null;
  skippedBy: string | null;
  printer: string | null;
  createdAt: number;
  updatedAt: number;
  printedAt: number | null;
}

interface JobRow {
  id: number;
  queue_id: string;
  order_id: string | null;
  kind: 'receipt' | 'test' | 'report';
  copy: number;
  slip?: PrintSlip | null;
  shift_id?: number | null;
  report?: 'X' | 'Z' | null;
  reprint_of: number | null;
  state: PrintJobState;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  skip_reason: string | null;
  skipped_by: string | null;
  printer: string | null;
  created_at: number;
  updated_at: number;
  printed_at: number | null;
}

export function toJob(row: JobRow): PrintJob {
  return {
    id: row.id,
    queueId: row.queue_id,
    orderId: row.order_id,
    kind: row.kind,
    copy: row.copy === 1,
    slip: row.slip ?? null,
    reprintOf: row.reprint_of,
    shiftId: row.shift_id ?? null,
    report: row.report ?? null,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    skipReason: row.skip_reason,
    skippedBy: row.skipped_by,
    printer: row.printer,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    printedAt: row.printed_at,
  };
}

export class PrintJobError extends Error {
  override name = 'PrintJobError';
}

/**
 * Adds a receipt to the print queue. Call it inside the checkout transaction
 * (or the reprint's). Returns the job id.
 */
export function enqueueReceipt(
  db: Db,
  input: { queueId: string; orderId: string; copy?: boolean; reprintOf?: number | null; now?: number },
): number {
  const now = input.now ?? Date.now();
  // Runs inside every checkout's transaction: the statement is compiled once per connection.
  const result = statement(
    db,
    `INSERT INTO print_jobs (queue_id, order_id, kind, copy, reprint_of, state, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, 'receipt', ?, ?, 'pending', ?, ?, ?)`,
  ).run(input.queueId, input.orderId, input.copy ? 1 : 0, input.reprintOf ?? null, now, now, now);
  return Number(result.lastInsertRowid);
}

/** A slip about an order (the refund slip): same queue, same worker; call it inside the transaction it reports. */
export function enqueueSlip(db: Db, input: { queueId: string; orderId: string; slip: PrintSlip; copy?: boolean; reprintOf?: number | null; now: number }): number {
  const result = statement(
    db,
    `INSERT INTO print_jobs (queue_id, order_id, kind, copy, slip, reprint_of, state, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, 'receipt', ?, ?, ?, 'pending', ?, ?, ?)`,
  ).run(input.queueId, input.orderId, input.copy ? 1 : 0, input.slip, input.reprintOf ?? null, input.now, input.now, input.now);
  return Number(result.lastInsertRowid);
}

/**
 * An X or Z report of a shift (migration 013): the figures are frozen on the
 * job as JSON so a retry or a reprint prints what was asked for.
 */
export function enqueueShiftReport(
  db: Db,
  input: { queueId: string; shiftId: number; report: 'X' | 'Z'; reportJson: string; copy?: boolean; reprintOf?: number | null; now: number },
): number {
  const result = db
    .prepare(
      `INSERT INTO print_jobs (queue_id, order_id, kind, copy, reprint_of, shift_id, report, report_json, state, next_attempt_at, created_at, updated_at)
       VALUES (?, NULL, 'report', ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
    )
    .run(input.queueId, input.copy ? 1 : 0, input.reprintOf ?? null, input.shiftId, input.report, input.reportJson, input.now, input.now, input.now);
  return Number(result.lastInsertRowid);
}

/** The frozen figures of a report job (null for any other job). */
export function reportJobJson(db: Db, id: number): string | null {
  return (db.prepare('SELECT report_json FROM print_jobs WHERE id = ?').get(id) as { report_json: string | null } | undefined)?.report_json ?? null;
}

/** A test page (settings screen): goes through the same queue, so it waits its turn. */
export function enqueueTestPage(db: Db, input: { queueId: string; now?: number }): number {
  const now = input.now ?? Date.now();
  const result = db
    .prepare(
      `INSERT INTO print_jobs (queue_id, order_id, kind, copy, state, next_attempt_at, created_at, updated_at)
       VALUES (?, NULL, 'test', 0, 'pending', ?, ?, ?)`,
    )
    .run(input.queueId, now, now, now);
  return Number(result.lastInsertRowid);
}

export function getJob(db: Db, id: number): PrintJob | undefined {
  const row = db.prepare('SELECT * FROM print_jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row ? toJob(row) : undefined;
}

function requireJob(db: Db, id: number): PrintJob {
  const job = getJob(db, id);
  if (!job) throw new PrintJobError(`no print job ${id}`);
  return job;
}

/** Jobs newest first (for the cashier's list); filter by state or order. */
export function listJobs(db: Db, filter: { states?: PrintJobState[]; queueId?: string; orderId?: string; limit?: number } = {}): PrintJob[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.states?.length) {
    where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
    params.push(...filter.states);
  }
  if (filter.queueId !== undefined) {
    where.push('queue_id = ?');
    params.push(filter.queueId);
  }
  if (filter.orderId !== undefined) {
    where.push('order_id = ?');
    params.push(filter.orderId);
  }
  const sql = `SELECT * FROM print_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (db.prepare(sql).all(...params, filter.limit ?? 100) as JobRow[]).map(toJob);
}

/** Jobs per state, from the counters migration 007's triggers keep (six rows, whatever the history). */
export function jobCounts(db: Db): Record<PrintJobState, number> {
  const counts: Record<PrintJobState, number> = { pending: 0, printing: 0, failed: 0, done: 0, skipped: 0, previewed: 0 };
  for (const row of statement(db, 'SELECT state, n FROM print_job_counts').all() as { state: PrintJobState; n: number }[]) {
    counts[row.state] = row.n;
  }
  return counts;
}

/**
 * Puts a failed, previewed or waiting job back at the front of its turn: the
 * worker tries it at once. A job that printed is not retried (that would be
 * a second original): use `reprintJob`.
 */
export function retryJob(db: Db, id: number, now = Date.now()): PrintJob {
  const job = requireJob(db, id);
  if (job.state === 'done') throw new PrintJobError(`print job ${id} has printed; reprint it to get a copy`);
  if (job.state === 'skipped') throw new PrintJobError(`print job ${id} was skipped (${job.skipReason}); reprint it to print it`);
  if (job.state === 'printing') throw new PrintJobError(`print job ${id} is printing now`);
  db.prepare(`UPDATE print_jobs SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
  return requireJob(db, id);
}

/** A copy of a job's receipt, marked 副本: a new job, never opening the drawer. */
export function reprintJob(db: Db, id: number, now = Date.now()): number {
  const job = requireJob(db, id);
  if (job.kind === 'report' && job.shiftId !== null && job.report !== null) {
    return enqueueShiftReport(db, { queueId: job.queueId, shiftId: job.shiftId, report: job.report, reportJson: reportJobJson(db, id)!, copy: true, reprintOf: job.id, now });
  }
  if (job.kind !== 'receipt' || job.orderId === null) return enqueueTestPage(db, { queueId: job.queueId, now });
  if (job.slip !== null) return enqueueSlip(db, { queueId: job.queueId, orderId: job.orderId, slip: job.slip, copy: true, reprintOf: job.id, now });
  return enqueueReceipt(db, { queueId: job.queueId, orderId: job.orderId, copy: true, reprintOf: job.id, now });
}

/** A copy of an order's receipt (the reprint dialog starts from the order). */
export function reprintOrder(db: Db, input: { queueId: string; orderId: string; now?: number }): number {
  const original = db
    .prepare(`SELECT id FROM print_jobs WHERE queue_id = ? AND order_id = ? AND copy = 0 AND slip IS NULL ORDER BY id LIMIT 1`)
    .get(input.queueId, input.orderId) as { id: number } | undefined;
  return enqueueReceipt(db, { queueId: input.queueId, orderId: input.orderId, copy: true, reprintOf: original?.id ?? null, now: input.now ?? Date.now() });
}

/** Gives up on a job that has not printed, with the cashier's reason (recorded). */
export function skipJob(db: Db, id: number, input: { reason: string; by?: string | null; now?: number }): PrintJob {
  const reason = input.reason.trim();
  if (!reason) throw new PrintJobError('skipping a print job needs a reason');
  const job = requireJob(db, id);
  if (job.state === 'done' || job.state === 'skipped') throw new PrintJobError(`print job ${id} is already ${job.state}`);
  if (job.state === 'printing') throw new PrintJobError(`print job ${id} is printing now; wait for it to finish or fail`);
  const now = input.now ?? Date.now();
  db.prepare(
    `UPDATE print_jobs SET state = 'skipped', skip_reason = ?, skipped_by = ?, next_attempt_at = NULL, updated_at = ? WHERE id = ? AND state = ?`,
  ).run(reason, input.by ?? null, now, id, job.state);
  return requireJob(db, id);
}
