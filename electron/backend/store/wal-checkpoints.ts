/**
 * The WAL checkpoint, off the counter's path (issue 15 §1, docs/store.md).
 *
 * In WAL mode a commit appends pages to `cashier.db-wal`; a checkpoint copies
 * them back into the database file and fsyncs it. Left to SQLite, the
 * checkpoint runs inside the commit that crosses `wal_autocheckpoint` pages —
 * on a three-year register that is 16 MB of pages scattered over 1.3 GB,
 * copied inside some cashier's checkout (most of its p99, docs/performance.md).
 *
 * Here the counter's connection (the one writer) does not checkpoint while
 * this runs: a second connection in a worker thread runs PASSIVE checkpoints
 * — when the counter has been idle for a poll interval, or after
 * `rowsBeforeCheckpoint` changed rows even if it never idles. SQLite allows
 * that beside the writer: a checkpoint writes only database pages already
 * committed to the WAL, takes no write lock, and a PASSIVE one never waits
 * for (nor blocks) the writer or the readers. It adds no second writer of
 * rows: every transaction still commits on the counter's connection. A
 * counter that never idles gets the end of a long WAL copied on its own
 * connection between two checkouts (finishOnCounter), so the WAL starts over.
 *
 * Fallbacks, so the WAL cannot grow without bound:
 *  - the writer keeps `wal_autocheckpoint` at WRITER_FALLBACK_PAGES (a much
 *    larger threshold than the default): never reached while the background
 *    checkpoints keep up (after a complete checkpoint the next commit starts
 *    the WAL over), reached if they stop keeping up;
 *  - if the worker thread dies (or cannot start), the writer goes back to
 *    SQLite's usual behaviour (DEFAULT_AUTOCHECKPOINT_PAGES) at once, and a
 *    new thread is tried a minute later (five times at most);
 *  - `stop()` (before the register closes) gives the writer its usual
 *    setting back, and closing the last connection checkpoints everything.
 */
import type { MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DEFAULT_AUTOCHECKPOINT_PAGES, type Db } from './database';

/** The writer's own threshold while the background checkpoints run: 64 MB of WAL. */
export const WRITER_FALLBACK_PAGES = 16_000;

export interface CheckpointResult {
  /** SQLite could not copy every frame (a reader still needs older pages); the rest waits for the next one. */
  busy: boolean;
  /** Frames in the WAL when it ran, and how many of them are now in the database file. */
  walFrames: number;
  copiedFrames: number;
  ms: number;
  /** Run on the counter's own connection to finish a long WAL (finishOnCounter), not by the thread. */
  onCounter?: boolean;
}

type Request = { type: 'checkpoint' } | { type: 'stop' };
type Reply = { type: 'ready' } | ({ type: 'checkpointed' } & CheckpointResult) | { type: 'checkpoint-failed'; message: string };

/** One PASSIVE checkpoint on `db`, as the thread and the counter both run it: SQLite's row, timed. */
function passiveCheckpoint(db: Db): CheckpointResult {
  const t0 = performance.now();
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  return { busy: row!.busy !== 0, walFrames: row!.log, copiedFrames: row!.checkpointed, ms: performance.now() - t0 };
}

export interface CheckpointServeInput {
  file: string;
  nativeBinding?: string;
}

/**
 * The worker thread's side: one connection that only checkpoints. Answers
 * each `checkpoint` request; closes its connection and returns on `stop`.
 */
export function serveCheckpoints(input: CheckpointServeInput, port: MessagePort): Promise<void> {
  const db = new Database(input.file, { fileMustExist: true, ...(input.nativeBinding ? { nativeBinding: input.nativeBinding } : {}) });
  // The checkpoint fsyncs the WAL before copying and the database file before the WAL may be reused:
  // with synchronous=OFF it would not, and a power cut could lose committed checkouts.
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 0');
  const post = (reply: Reply) => port.postMessage(reply);
  return new Promise((resolve) => {
    port.on('message', (request: Request) => {
      if (request.type === 'stop') {
        port.removeAllListeners('message');
        db.close();
        resolve();
        return;
      }
      try {
        post({ type: 'checkpointed', ...passiveCheckpoint(db) });
      } catch (error) {
        post({ type: 'checkpoint-failed', message: error instanceof Error ? error.message : String(error) });
      }
    });
    post({ type: 'ready' });
  });
}

/** What the scheduler needs of a thread (a worker_threads Worker; a fake in a test). */
export interface CheckpointThread {
  postMessage(message: Request): void;
  on(event: 'message', listener: (reply: Reply) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export interface WalCheckpointerOptions {
  /** Starts the thread that runs `serveCheckpoints` (heavy/run.ts startCheckpointThread). */
  startThread: (input: CheckpointServeInput) => CheckpointThread;
  nativeBinding?: string;
  /** How often the counter's connection is looked at; no change over one interval = idle. */
  pollMs?: number;
  /** The writer's own threshold while the thread runs (tests use a small one). */
  writerFallbackPages?: number;
  /** Past this many WAL frames the counter's connection finishes what the thread could not (finishOnCounter). */
  restartFrames?: number;
  /** A counter that never idles still gets a background checkpoint after this many changed rows (≈ 30 per checkout). */
  rowsBeforeCheckpoint?: number;
  logger?: { warn(message: string): void; error(message: string, error?: unknown): void };
  /** After the thread dies, a new one is started this much later (at most `maxRestarts` times); meanwhile the writer checkpoints by itself. */
  restartAfterMs?: number;
  maxRestarts?: number;
  /** Every checkpoint's outcome (tests, the bench). */
  onCheckpoint?: (result: CheckpointResult) => void;
}

/**
 * The main thread's side: watches the writer's changes (SQLite's
 * `total_changes()`, one cheap statement per poll) and asks the thread for
 * a checkpoint when the counter is idle or has written a lot since.
 */
export class WalCheckpointer {
  private thread: CheckpointThread | null = null;
  private timer: NodeJS.Timeout | null = null;
  private alive = false;
  private stopping = false;
  private inFlight = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private restarts = 0;
  private exited: Promise<unknown> = Promise.resolve();
  /** Resolves when the thread's task has returned: its connection is closed (heavy-worker.ts posts 'done' after it). */
  private served: Promise<unknown> = Promise.resolve();
  private markServed: () => void = () => {};
  /** total_changes() at the last poll, and when the last checkpoint was asked for. */
  private lastSeen = -1;
  private lastAsked = -1;
  private readonly totalChanges;
  private readonly pollMs: number;
  private readonly rowsBeforeCheckpoint: number;
  private readonly restartFrames: number;
  checkpoints = 0;
  /** Resolves once the thread's connection is open (tests, the bench). */
  readonly ready: Promise<void>;
  private markReady: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly options: WalCheckpointerOptions,
  ) {
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
    this.pollMs = options.pollMs ?? 500;
    this.rowsBeforeCheckpoint = options.rowsBeforeCheckpoint ?? 1_000;
    this.restartFrames = options.restartFrames ?? 4_000;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Whether the background thread is checkpointing (false: the writer checkpoints by itself, as SQLite does by default). */
  get running(): boolean {
    return this.alive;
  }

  start(): void {
    if (this.thread || this.stopping) return;
    let thread: CheckpointThread;
    try {
      thread = this.options.startThread({ file: this.file, ...(this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {}) });
    } catch (error) {
      this.options.logger?.error('the WAL checkpoint thread could not start; the counter checkpoints by itself', error);
      this.scheduleRestart();
      return;
    }
    this.thread = thread;
    this.alive = true;
    this.db.pragma(`wal_autocheckpoint = ${this.options.writerFallbackPages ?? WRITER_FALLBACK_PAGES}`);
    this.exited = new Promise((resolve) => thread.on('exit', resolve));
    this.served = new Promise<void>((resolve) => (this.markServed = resolve));
    thread.on('message', (reply) => this.onReply(reply));
    thread.on('error', (error) => this.died(thread, error));
    thread.on('exit', (code) => this.died(thread, new Error(`exit ${code}`)));
    this.lastSeen = this.lastAsked = this.changes();
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** Before the register closes: the thread's connection closed, the writer's own checkpoints back. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.thread && this.alive) {
      this.thread.postMessage({ type: 'stop' });
      const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
      // Once its task returned the thread holds nothing: ended at once rather than waiting for it to exit by
      // itself (run from source, tsx's loader keeps a thread alive; quitting waited the whole 5 s).
      const ended = await Promise.race([this.exited.then(() => 'exited'), this.served.then(() => 'served'), timeout]);
      if (ended !== 'exited') await this.thread.terminate();
    }
    this.alive = false;
    this.restoreWriter();
  }

  private changes(): number {
    return this.totalChanges.get() as number;
  }

  private poll(): void {
    if (!this.alive || this.inFlight || !this.db.open) return;
    const now = this.changes();
    const idle = now === this.lastSeen;
    this.lastSeen = now;
    if (now === this.lastAsked) return;
    if (idle || now - this.lastAsked >= this.rowsBeforeCheckpoint) {
      this.lastAsked = now;
      this.inFlight = true;
      this.thread!.postMessage({ type: 'checkpoint' });
    }
  }

  private onReply(reply: Reply | { type: 'done' | 'failed' | 'progress' }): void {
    if (reply.type === 'ready') this.markReady();
    if (reply.type === 'done' || reply.type === 'failed') this.markServed();
    if (reply.type !== 'checkpointed' && reply.type !== 'checkpoint-failed') return;
    this.inFlight = false;
    if (reply.type === 'checkpoint-failed') {
      this.options.logger?.warn(`a background WAL checkpoint failed: ${reply.message}`);
      return;
    }
    this.checkpoints++;
    const { type: _type, ...result } = reply;
    this.options.onCheckpoint?.(result);
    // A WAL this long has not started over for a while: the counter keeps committing while the thread copies.
    if (result.walFrames >= this.restartFrames) this.finishOnCounter();
  }

  /**
   * A counter that never idles commits while the thread copies, so the WAL is
   * never completely copied at the moment a transaction starts — the only
   * moment SQLite can start it over — and it would grow to the writer's
   * fallback, whose checkpoint would then copy thousands of pages inside a
   * checkout. Instead, once the WAL is long, right after the thread has
   * copied nearly all of it, the counter's connection copies the rest itself:
   * between two checkouts (never inside one), only the pages committed while
   * the thread worked (a few checkouts' worth), and with no commit possible
   * meanwhile (the writer is this thread), so it completes and the next
   * checkout starts the WAL over.
   */
  private finishOnCounter(): void {
    if (!this.db.open || this.db.inTransaction) return;
    // Run first: the optional call below would skip evaluating its argument without a listener.
    const result = passiveCheckpoint(this.db);
    this.options.onCheckpoint?.({ ...result, onCounter: true });
  }

  private died(thread: CheckpointThread, error: Error): void {
    if (!this.alive || thread !== this.thread) return;
    this.alive = false;
    this.inFlight = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.restoreWriter();
    if (this.stopping) return;
    this.options.logger?.error('the WAL checkpoint thread stopped; the counter checkpoints by itself again', error);
    this.scheduleRestart();
  }

  /** A new thread a while later (a thread that keeps dying is given up after a few tries: the writer's own checkpoints stay). */
  private scheduleRestart(): void {
    if (this.stopping || this.restarts >= (this.options.maxRestarts ?? 5)) return;
    this.restarts++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.thread = null;
      this.start();
    }, this.options.restartAfterMs ?? 60_000);
    this.restartTimer.unref();
  }

  private restoreWriter(): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }
}
