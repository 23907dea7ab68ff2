/**
 * The print worker: takes jobs from `print_jobs` in creation order and sends
 * them to the configured printer, one at a time, each with a time limit.
 *
 * - A job that fails (refused, timed out, closed mid-job, out of paper) is
 *   marked `failed` with the error and tried again after a backoff (1 s, 2 s,
 *   4 s … up to 30 s). Jobs keep their order: a later receipt does not
 *   overtake one still waiting for the printer.
 * - A job whose receipt cannot be built (say, its order is missing) is
 *   `failed` with no automatic retry and does not hold up the others.
 * - With no printer configured, a job is `previewed`: the receipt is handed
 *   to the screen (`previewed` event) and the row is kept; retrying it later
 *   prints it.
 * - A job found `printing` at start-up (the app stopped mid-send) may or may
 *   not be on paper: it becomes `failed` and waits for the cashier to retry
 *   or skip it, so nothing prints twice by itself.
 *
 * Everything is async with deadlines: a hung printer costs one timeout per
 * attempt and never blocks a checkout (checkouts only insert rows).
 */
import type { Db } from '../store/database';
import type { ReceiptPreview } from '../../../shared/receipt/index';
import { getJob, jobCounts, toJob, type PrintJob } from './jobs';
import { jobPayload, jobPreview } from './receipt-source';
import { readPrinterSettings, type PrinterSettings } from './settings';
import type { PaperState } from './status';
import { createTransport } from './create-transport';
import type { EscPosJob } from '../../../shared/receipt/index';
import { PrinterError, type PrinterTransport } from './transport';

export interface PrinterState {
  configured: boolean;
  uri: string | null;
  /** null until the printer has been reached or failed once. */
  online: boolean | null;
  paper: PaperState;
  coverOpen: boolean | null;
  lastError: string | null;
  checkedAt: number | null;
  jobs: { pending: number; printing: number; failed: number; previewed: number };
}

export type PrintEvent =
  | { type: 'job'; job: PrintJob }
  | { type: 'previewed'; job: PrintJob; preview: ReceiptPreview }
  | { type: 'printer'; state: PrinterState };

export interface PrintWorkerOptions {
  now?: () => number;
  /** Builds the transport for the settings in force (tests inject one; default: `createTransport`). */
  transportFor?: (settings: PrinterSettings) => PrinterTransport;
  backoff?: { baseMs?: number; maxMs?: number };
  /** Longest sleep when there is nothing to do (new jobs also wake the worker via `kick`). */
  idleMs?: number;
  /** How often to ask an idle printer for its status (0 = never). */
  statusPollMs?: number;
  /** Overrides `printer.timeoutMs`. */
  timeoutMs?: number;
  onEvent?: (event: PrintEvent) => void;
}

/** The job's bytes all went to the spooler / device but the handover was not confirmed: the cashier decides. */
export const MAYBE_PRINTED_ERROR = '小票可能已经打印：请看打印机，没有打出来再点重试，已打出则跳过';

export const INTERRUPTED_ERROR = '打印被中断（程序在打印时关闭），请检查小票后重试或跳过 (interrupted while printing)';

/** A job's new state as SQL assignments with their parameters, and the instant it was decided (its `updated_at`). */
interface JobOutcome {
  sql: string;
  params: unknown[];
  at: number;
}

export class PrintWorker {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private transports = new Map<string, PrinterTransport>();
  private lastStatusAt = 0;
  /** The printer settings the last status check used: saving new ones asks the printer at once. */
  private checkedSettings: string | null = null;
  private state: PrinterState = {
    configured: false,
    uri: null,
    online: null,
    paper: 'unknown',
    coverOpen: null,
    lastError: null,
    checkedAt: null,
    jobs: { pending: 0, printing: 0, failed: 0, previewed: 0 },
  };
  private readonly now: () => number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly idleMs: number;
  private readonly statusPollMs: number;

  constructor(
    private readonly db: Db,
    private readonly options: PrintWorkerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.baseMs = options.backoff?.baseMs ?? 1000;
    this.maxMs = options.backoff?.maxMs ?? 30_000;
    this.idleMs = options.idleMs ?? 2000;
    this.statusPollMs = options.statusPollMs ?? 15_000;
  }

  get printerState(): PrinterState {
    return { ...this.state, jobs: { ...this.state.jobs } };
  }

  /** Recovers jobs cut off by a stop mid-send, then starts the loop. */
  start(): void {
    if (this.running) return;
    const now = this.now();
    try {
      this.db
        .prepare(`UPDATE print_jobs SET state = 'failed', last_error = ?, next_attempt_at = NULL, updated_at = ? WHERE state = 'printing'`)
        .run(INTERRUPTED_ERROR, now);
    } catch (error) {
      // A disk that takes no writes (full): the register still opens; jobs left 'printing' are never picked by
      // themselves, and the next start-up recovers them for the cashier.
      this.setState({ lastError: `打印队列出错 (${message(error)})` });
    }
    this.running = true;
    this.checkedSettings = this.settingsKey();
    this.refreshCounts();
    this.loopDone = this.loop();
  }

  /** Stops after the job in flight (bounded by its timeout), then lets go of the printer. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loopDone;
    for (const t of this.transports.values()) await t.close?.().catch(() => undefined);
    this.transports.clear();
  }

  /** New work (a checkout committed, a retry): look now instead of after the idle sleep. */
  kick(): void {
    this.wake();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let delay: number;
      try {
        delay = await this.step();
      } catch (error) {
        // A database error (disk full, locked): report it, try again later.
        this.setState({ lastError: `打印队列出错 (${error instanceof Error ? error.message : String(error)})` });
        delay = this.idleMs;
      }
      if (!this.running) break;
      if (delay > 0) await this.sleep(delay);
    }
  }

  /** Does at most one job; returns how long to wait before the next step. */
  async step(): Promise<number> {
    // What the disk refused to record last time goes first (throws again while it still refuses).
    this.recordPending();
    const now = this.now();
    const head = this.db
      .prepare(
        // print_jobs_due's WHERE is this one, word for word: the head is found without walking printed jobs.
        `SELECT * FROM print_jobs INDEXED BY print_jobs_due WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL ORDER BY id LIMIT 1`,
      )
      .get() as Parameters<typeof toJob>[0] | undefined;
    if (!head) {
      const settingsChanged = this.checkedSettings !== null && this.settingsKey() !== this.checkedSettings;
      if (settingsChanged || (this.statusPollMs > 0 && now - this.lastStatusAt >= this.statusPollMs)) await this.checkStatus();
      return this.idleMs;
    }
    if (head.next_attempt_at! > now) return Math.min(head.next_attempt_at! - now, this.idleMs);
    await this.process(toJob(head));
    return 0;
  }

  private settings(): PrinterSettings {
    return readPrinterSettings(this.db);
  }

  /** The settings in force as text ('invalid: …' when they do not parse), to notice a change. */
  private settingsKey(): string {
    try {
      return JSON.stringify(this.settings());
    } catch (error) {
      return `invalid: ${message(error)}`;
    }
  }

  private transportFor(settings: PrinterSettings): PrinterTransport {
    if (this.options.transportFor) return this.options.transportFor(settings);
    const key = `${settings.uri}|${settings.commandSet}|${settings.confirm}`;
    let t = this.transports.get(key);
    if (!t) {
      // The settings changed: let go of the old printer (a device file or serial port held open).
      for (const [oldKey, old] of this.transports) {
        this.transports.delete(oldKey);
        void old.close?.().catch(() => undefined);
      }
      t = createTransport(settings.uri!, { commandSet: settings.commandSet, confirm: settings.confirm });
      this.transports.set(key, t);
    }
    return t;
  }

  private backoff(attempts: number): number {
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
  }

  /**
   * Outcomes the database refused to record (a full or failing disk) after the printer had its say:
   * kept here and written first thing on every step until the disk takes them, so a printed job is
   * never sent again by itself and a failed one is not left 'printing' (docs/store.md "A full or failing disk").
   */
  private readonly unrecorded = new Map<number, JobOutcome>();

  private recordPending(): void {
    for (const [id, outcome] of this.unrecorded) this.writeOutcome(id, outcome);
  }

  private update(id: number, sql: string, ...params: unknown[]): void {
    this.writeOutcome(id, { sql, params, at: this.now() });
  }

  /**
   * Writes a job's outcome, then tells the listeners and refreshes the counts. A write the disk refuses
   * is kept in `unrecorded` (it stays the job's latest outcome) and thrown; one that goes through clears it.
   */
  private writeOutcome(id: number, outcome: JobOutcome): void {
    try {
      this.db.prepare(`UPDATE print_jobs SET ${outcome.sql}, updated_at = ? WHERE id = ?`).run(...outcome.params, outcome.at, id);
    } catch (error) {
      this.unrecorded.set(id, outcome);
      throw error;
    }
    this.unrecorded.delete(id);
    const job = getJob(this.db, id);
    if (job) this.emit({ type: 'job', job });
    this.refreshCounts();
  }

  private async process(job: PrintJob): Promise<void> {
    let settings: PrinterSettings;
    try {
      settings = this.settings();
    } catch (error) {
      this.update(job.id, `state = 'failed', last_error = ?, next_attempt_at = ?`, message(error), this.now() + this.maxMs);
      return;
    }
    if (settings.uri === null) {
      try {
        const preview = jobPreview(this.db, job, settings, this.now());
        this.update(job.id, `state = 'previewed', next_attempt_at = NULL, printer = NULL`);
        this.setState({ configured: false, uri: null, online: null, paper: 'unknown', coverOpen: null });
        this.emit({ type: 'previewed', job: getJob(this.db, job.id)!, preview });
      } catch (error) {
        this.update(job.id, `state = 'failed', last_error = ?, next_attempt_at = NULL`, message(error));
      }
      return;
    }
    let payload: EscPosJob;
    let transport: PrinterTransport;
    try {
      // Built from the job's own time, so every attempt sends the same bytes (a device that stalled mid-job goes on from where it stopped).
      payload = jobPayload(this.db, job, settings, job.createdAt);
      transport = this.transportFor(settings);
    } catch (error) {
      // Not the printer's fault: waiting will not fix it, so it waits for the cashier and the queue moves on.
      this.update(job.id, `state = 'failed', last_error = ?, next_attempt_at = NULL`, message(error));
      return;
    }
    const claimed = this.db
      .prepare(
        `UPDATE print_jobs SET state = 'printing', attempts = attempts + 1, printer = ?, next_attempt_at = NULL, updated_at = ?
         WHERE id = ? AND state IN ('pending', 'failed')`,
      )
      .run(transport.uri, this.now(), job.id);
    if (claimed.changes !== 1) return;
    this.refreshCounts();
    const attempts = job.attempts + 1;
    let result: Awaited<ReturnType<PrinterTransport['send']>>;
    try {
      result = await transport.send(payload.bytes, {
        timeoutMs: this.options.timeoutMs ?? settings.timeoutMs,
        boundaries: payload.boundaries,
        key: `job-${job.id}`,
      });
    } catch (error) {
      const now = this.now();
      if (error instanceof PrinterError && error.maybePrinted) {
        // Not sent again by itself: a second original is worse than a cashier's look at the printer.
        this.update(job.id, `state = 'failed', last_error = ?, next_attempt_at = NULL`, `${MAYBE_PRINTED_ERROR}（${error.message}）`);
      } else {
        this.update(job.id, `state = 'failed', last_error = ?, next_attempt_at = ?`, message(error), now + this.backoff(attempts));
      }
      this.setState({ configured: true, uri: transport.uri, online: false, lastError: message(error), checkedAt: now, ...notReadyDetail(error) });
      return;
    }
    // Printed. Recorded outside the send's try: a disk that refuses this write is not a printer failure
    // (the outcome waits in `unrecorded` and is written once the disk takes it).
    const now = this.now();
    this.update(job.id, `state = 'done', printed_at = ?, next_attempt_at = NULL`, now);
    this.setState({
      configured: true,
      uri: transport.uri,
      online: result.status ? result.status.online : true,
      paper: result.status?.paper ?? 'unknown',
      coverOpen: result.status?.coverOpen ?? null,
      lastError: null,
      checkedAt: now,
    });
  }

  /** Asks the printer for its state now (the status bar's refresh). Never throws. */
  async checkStatus(): Promise<PrinterState> {
    this.lastStatusAt = this.now();
    this.checkedSettings = this.settingsKey();
    let settings: PrinterSettings;
    try {
      settings = this.settings();
    } catch (error) {
      this.setState({ configured: false, online: null, lastError: message(error) });
      return this.printerState;
    }
    if (settings.uri === null) {
      this.setState({ configured: false, uri: null, online: null, paper: 'unknown', coverOpen: null, lastError: null });
      return this.printerState;
    }
    try {
      const transport = this.transportFor(settings);
      const status = await transport.status({ timeoutMs: Math.min(this.options.timeoutMs ?? settings.timeoutMs, 3000) });
      this.setState({
        configured: true,
        uri: transport.uri,
        online: status ? status.online : true,
        paper: status?.paper ?? 'unknown',
        coverOpen: status?.coverOpen ?? null,
        lastError: null,
        checkedAt: this.now(),
      });
    } catch (error) {
      this.setState({ configured: true, uri: settings.uri, online: false, lastError: message(error), checkedAt: this.now(), ...notReadyDetail(error) });
    }
    return this.printerState;
  }

  private refreshCounts(): void {
    const c = jobCounts(this.db);
    this.setState({ jobs: { pending: c.pending, printing: c.printing, failed: c.failed, previewed: c.previewed } });
  }

  private setState(patch: Partial<PrinterState>): void {
    const next = { ...this.state, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    this.emit({ type: 'printer', state: this.printerState });
  }

  private emit(event: PrintEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener's failure must not stop printing.
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function notReadyDetail(error: unknown): Partial<PrinterState> {
  if (!(error instanceof PrinterError) || !error.status) return {};
  return { paper: error.status.paper, coverOpen: error.status.coverOpen };
}
