/**
 * The status snapshot the status bar shows: who is signed in, the shift,
 * the line's totals, and what sync and the printer report.
 */
import type { StatusSnapshot } from '../../../shared/contract';
import { levelsInForce } from '../../../shared/levels';
import type { Message } from '../../../shared/messages/catalogue';
import { jobCounts, readPrinterSettings } from '../printing/index';
import { waitingEvents } from '../sync/outbox';
import { printCause, syncCause } from '../../../shared/failures';
import { jobsNeedingCashier, oldestFailedJob } from '../printing/failures';
import { SYNC_META_KEYS } from '../sync/config';
import { META, type RegisterBackend } from './register';
import { storageFault } from './storage-faults';

/** What the sync client reports (electron/backend/sync/client.ts `SyncStatus`), structurally. */
export interface SyncStatusSource {
  connection: 'stopped' | 'connecting' | 'online' | 'offline';
  lastSyncAt: number | null;
  waiting: number;
  lastError: string | null;
  problem?: Message | null;
}

/** What the print worker reports (electron/backend/printing/worker.ts `PrinterState`), structurally. */
export interface PrinterStateSource {
  configured: boolean;
  online: boolean | null;
  paper: string;
  coverOpen: boolean | null;
  lastError: string | null;
  jobs: { pending: number; printing: number; failed: number; previewed: number };
}

/**
 * app_meta: since when sync has been failing, kept across restarts —
 * `{"at": ms, "url": the server it concerns}`. Written only when it changes
 * (the first failure after a success; cleared by the next success), so the
 * status bar and the banner still say since when after the register restarts.
 * A value for another server address (the manager changed it) is ignored.
 */
export const SYNC_FAILING_SINCE_META = 'sync.failingSince';

export class StatusReader {
  private syncSource: (() => SyncStatusSource | null) | null = null;
  private printerSource: (() => PrinterStateSource | null) | null = null;

  constructor(private readonly core: RegisterBackend) {}

  setSources(sources: { sync?: () => SyncStatusSource | null; printer?: () => PrinterStateSource | null }): void {
    if (sources.sync) this.syncSource = sources.sync;
    if (sources.printer) this.printerSource = sources.printer;
  }

  snapshot(): StatusSnapshot {
    const { store, queueId } = this.core;
    const queue = store.loadQueue(queueId);
    const settings = this.core.settings();
    return {
      registerId: this.core.registerId,
      queueId,
      storeName: this.core.meta(META.storeName) ?? '',
      rebateName: settings.rebateName,
      exchangeName: settings.exchangeName,
      cashier: this.core.cashier,
      shift: this.core.shifts.openShift(),
      sync: this.syncStatus(),
      printer: this.printerStatus(),
      queue: { waiting: queue?.waitingCount ?? 0, owedFen: queue?.owedFen ?? 0 },
      clock: this.core.clock.status(),
      levels: queue ? levelsInForce(queue.layers) : { names: {}, known: [] },
      // Cached: the disk is looked at no more than every 30 s (storage.ts).
      storage: this.core.storage.status(),
    };
  }

  /** The first failure seen after the last success (sync's "since when"), as stored; undefined until read. */
  private syncFailingSince: { at: number; url: string } | null | undefined = undefined;

  private storedFailingSince(): { at: number; url: string } | null {
    if (this.syncFailingSince === undefined) {
      let stored: { at: number; url: string } | null = null;
      try {
        const v = JSON.parse(this.core.meta(SYNC_FAILING_SINCE_META) ?? 'null') as { at?: unknown; url?: unknown } | null;
        if (v && Number.isSafeInteger(v.at) && (v.at as number) > 0 && typeof v.url === 'string') stored = { at: v.at as number, url: v.url };
      } catch {
        stored = null;
      }
      this.syncFailingSince = stored;
    }
    return this.syncFailingSince;
  }

  private storeFailingSince(value: { at: number; url: string } | null): void {
    this.syncFailingSince = value;
    try {
      if (value === null) this.core.sql('DELETE FROM app_meta WHERE key = ?').run(SYNC_FAILING_SINCE_META);
      else this.core.sql('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(SYNC_FAILING_SINCE_META, JSON.stringify(value));
    } catch (error) {
      // A disk that takes no writes must not take the status (and its disk banner) down with it:
      // the time is kept in memory and stored with the next change.
      if (!storageFault(error, this.core.storage.dataDir ?? undefined)) throw error;
      this.core.log.warn(`since when sync fails is not stored (the disk refused the write): ${(error as Error).message}`);
    }
  }

  /**
   * Since when sync has been failing: set at the first failure after a success, cleared only by a
   * success (online without an error) — not by 'connecting' after a restart, which is no news yet.
   */
  private failingSince(state: StatusSnapshot['sync']['state'], lastError: string | null, failing: boolean): number | null {
    const url = this.core.meta(SYNC_META_KEYS.url) ?? '';
    const stored = this.storedFailingSince();
    const current = stored && stored.url === url ? stored : null;
    if (state === 'online' && lastError === null) {
      if (stored) this.storeFailingSince(null);
      return null;
    }
    if (!failing) return null;
    if (current) return current.at;
    const at = this.core.wallNow();
    this.storeFailingSince({ at, url });
    return at;
  }

  private syncStatus(): StatusSnapshot['sync'] {
    const source = this.syncSource?.() ?? null;
    if (source) {
      const state = source.connection === 'stopped' ? 'offline' : source.connection;
      const failing = source.lastError !== null || state === 'offline';
      return {
        state,
        lastSyncAt: source.lastSyncAt,
        waiting: source.waiting,
        lastError: source.lastError,
        failingSince: this.failingSince(state, source.lastError, failing),
        cause: failing ? (syncCause(source.lastError) ?? 'unreachable') : null,
        problem: source.problem ?? null,
      };
    }
    // Rows up to last_acked_seq were acknowledged and wait only for the bulk purge; counted from min/max seq, never row by row.
    const waiting = waitingEvents(
      this.core
        .sql('SELECT (SELECT min(seq) FROM outbox) AS lo, (SELECT max(seq) FROM outbox) AS hi, (SELECT coalesce(max(last_acked_seq), 0) FROM sync_state) AS acked')
        .get() as { lo: number | null; hi: number | null; acked: number },
    );
    return { state: 'not-configured', lastSyncAt: null, waiting, lastError: null };
  }

  /** The failed jobs the counter screen's banner and list show (issue 10 §5). */
  private printFailures(): Pick<StatusSnapshot['printer'], 'failedJob' | 'needsCashier'> {
    const { db } = this.core;
    const failed = oldestFailedJob(db);
    return {
      failedJob: failed ? { jobId: failed.id, orderId: failed.orderId, kind: failed.kind === 'report' ? 'slip' : failed.kind, cause: printCause(failed.lastError), at: failed.updatedAt } : null,
      needsCashier: jobsNeedingCashier(db),
    };
  }

  private printerStatus(): StatusSnapshot['printer'] {
    const source = this.printerSource?.() ?? null;
    if (source) {
      const pendingJobs = source.jobs.pending + source.jobs.printing + source.jobs.failed;
      const failures = this.printFailures();
      if (!source.configured) return { state: 'not-configured', detail: null, pendingJobs, cause: null, ...failures };
      if (source.online === true) return { state: 'online', detail: null, pendingJobs, cause: null, ...failures };
      const problem = source.coverOpen === true || source.paper === 'out';
      const cause = source.paper === 'out' ? 'paper-out' : source.coverOpen === true ? 'cover-open' : source.lastError ? printCause(source.lastError) : null;
      return { state: problem ? 'error' : 'offline', detail: source.lastError, pendingJobs, cause, ...failures };
    }
    const { db } = this.core;
    const counts = jobCounts(db);
    const pendingJobs = counts.pending + counts.printing + counts.failed;
    let configured = false;
    try {
      configured = readPrinterSettings(db).uri !== null;
    } catch (error) {
      return { state: 'error', detail: (error as Error).message, pendingJobs, cause: 'other', ...this.printFailures() };
    }
    return configured
      ? { state: 'offline', detail: 'the print worker is not running', pendingJobs, cause: 'offline', ...this.printFailures() }
      : { state: 'not-configured', detail: null, pendingJobs, cause: null, ...this.printFailures() };
  }
}
