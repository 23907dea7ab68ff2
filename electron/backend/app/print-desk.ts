/**
 * The print queue as the cashier handles it (issue 10 §5): the list of every
 * job not printed, retry, a reprint (copy), skip with a reason — recorded on
 * the job and in the audit log — and a test page from the settings.
 * The worker does the printing; every change here kicks it (notifyChanged).
 */
import type { CommandOutput, ParsedCommandInput, PrintQueueJobView } from '../../../shared/contract';
import { msg } from '../../../shared/messages/catalogue';
import { printCause } from '../../../shared/failures';
import { enqueueTestPage, getJob, jobPreview, previewSettings, reprintJob, retryJob, skipJob, type PrintJob } from '../printing/index';
import { jobsNeedingCashier, openJobs, recentPreviewedJobs } from '../printing/failures';
import { AppError } from './errors';
import type { RegisterBackend } from './register';

export function printQueueJobView(job: PrintJob & { slip?: string | null }): PrintQueueJobView {
  const failed = job.state === 'failed';
  return {
    id: job.id,
    // A shift report is listed as a slip: 'x-report' / 'z-report' (the list's label table).
    kind: job.kind === 'report' ? 'slip' : job.kind,
    orderId: job.orderId,
    slip: job.kind === 'report' ? (job.report === 'Z' ? 'z-report' : 'x-report') : (job.slip ?? null),
    copy: job.copy,
    state: job.state,
    attempts: job.attempts,
    nextAttemptAt: job.nextAttemptAt,
    cause: failed ? printCause(job.lastError) : null,
    detail: failed ? job.lastError : job.state === 'skipped' ? job.skipReason : null,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

export class PrintDesk {
  constructor(private readonly core: RegisterBackend) {}

  list(): CommandOutput<'printJobs.list'> {
    this.core.requireSession();
    const { db } = this.core;
    // The jobs that wait first, then those only shown on screen lately (仅预览: no printer was set).
    const jobs = [...openJobs(db), ...recentPreviewedJobs(db, this.core.wallNow())];
    return { jobs: jobs.map(printQueueJobView), needsCashier: jobsNeedingCashier(db) };
  }

  private job(jobId: number): PrintJob {
    const job = getJob(this.core.db, jobId);
    if (!job || job.queueId !== this.core.queueId) throw new AppError('not-found', msg('printJob.notFound', { jobId }));
    return job;
  }

  /** A job still open (retry, skip): refused with the reason when it printed, was skipped or is printing now. */
  private openJob(jobId: number): PrintJob {
    const job = this.job(jobId);
    if (job.state === 'done') throw new AppError('rule', msg('printJob.alreadyPrinted', { jobId }), { rule: 'print-job-printed' });
    if (job.state === 'skipped') throw new AppError('rule', msg('printJob.alreadySkipped', { jobId }), { rule: 'print-job-skipped' });
    if (job.state === 'printing') throw new AppError('rule', msg('printJob.printingNow', { jobId }), { rule: 'print-job-printing' });
    return job;
  }

  /** Runs a print-queue change in one transaction, then kicks the worker and the status bar. */
  private change<T>(run: () => T): T {
    const result = this.core.db.transaction(run)();
    this.core.notifyChanged();
    return result;
  }

  retry(input: ParsedCommandInput<'printJobs.retry'>): PrintQueueJobView {
    this.core.requireSession();
    this.openJob(input.jobId);
    return printQueueJobView(this.change(() => retryJob(this.core.db, input.jobId, this.core.wallNow())));
  }

  reprint(input: ParsedCommandInput<'printJobs.reprint'>): CommandOutput<'printJobs.reprint'> {
    this.core.requireSession();
    this.job(input.jobId);
    return { jobId: this.change(() => reprintJob(this.core.db, input.jobId, this.core.wallNow())) };
  }

  /** Skips a job with the cashier's reason: on the job (skip_reason, skipped_by) and in the audit log. */
  skip(input: ParsedCommandInput<'printJobs.skip'>): PrintQueueJobView {
    const cashier = this.core.requireSession();
    const before = this.openJob(input.jobId);
    const at = this.core.wallNow();
    return printQueueJobView(
      this.change(() => {
        const job = skipJob(this.core.db, input.jobId, { reason: input.reason, by: cashier.id, now: at });
        this.core
          .sql('INSERT INTO manager_audit (at, manager_id, cashier_id, action, detail) VALUES (?, NULL, ?, ?, ?)')
          .run(at, cashier.id, 'print.skip', JSON.stringify({ jobId: job.id, orderId: job.orderId, kind: job.kind, slip: job.slip, report: job.report, state: before.state, reason: input.reason, lastError: before.lastError }));
        return job;
      }),
    );
  }

  /**
   * What the job puts (or put) on paper, line by line: the way a cashier sees a draw or exchange slip, a refund
   * slip or a report when no printer is set (仅预览) or the paper is lost. Built by the worker's own source, so
   * the screen and the paper cannot differ; a reprint shows 副本 as it would print.
   */
  preview(input: ParsedCommandInput<'printJobs.preview'>): CommandOutput<'printJobs.preview'> {
    this.core.requireSession();
    const job = this.job(input.jobId);
    const settings = previewSettings(this.core.db);
    try {
      return { jobId: job.id, lines: jobPreview(this.core.db, job, settings, this.core.wallNow()).lines.map((line) => line.text.trimEnd()) };
    } catch (error) {
      this.core.log.error(`preview of print job ${job.id} failed`, error);
      throw new AppError('rule', msg('printJob.cannotPreview', { jobId: job.id }), { rule: 'print-job-preview' });
    }
  }

  testPage(): CommandOutput<'printer.testPage'> {
    this.core.requireSession();
    return { jobId: this.change(() => enqueueTestPage(this.core.db, { queueId: this.core.queueId, now: this.core.wallNow() })) };
  }
}
