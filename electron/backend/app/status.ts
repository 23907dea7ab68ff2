/**
 * The status snapshot the status bar shows: who is signed in, the shift,
 * the line's totals, and what sync and the printer report.
 */
import type { StatusSnapshot } from '../../../shared/contract';
import { levelsInForce } from '../../../shared/levels';
import type { Message } from '../../../shared/messages/catalogue';
import { jobCounts, readPrinterSettings } from '../printing/index';
import { waitingEvents } from '../sync/outbox';
import { META, type RegisterBackend } from './register';

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
    };
  }

  private syncStatus(): StatusSnapshot['sync'] {
    const source = this.syncSource?.() ?? null;
    if (source) {
      const state = source.connection === 'stopped' ? 'offline' : source.connection;
      return { state, lastSyncAt: source.lastSyncAt, waiting: source.waiting, lastError: source.lastError, problem: source.problem ?? null };
    }
    // Rows up to last_acked_seq were acknowledged and wait only for the bulk purge; counted from min/max seq, never row by row.
    const waiting = waitingEvents(
      this.core
        .sql('SELECT (SELECT min(seq) FROM outbox) AS lo, (SELECT max(seq) FROM outbox) AS hi, (SELECT coalesce(max(last_acked_seq), 0) FROM sync_state) AS acked')
        .get() as { lo: number | null; hi: number | null; acked: number },
    );
    return { state: 'not-configured', lastSyncAt: null, waiting, lastError: null };
  }

  private printerStatus(): StatusSnapshot['printer'] {
    const source = this.printerSource?.() ?? null;
    if (source) {
      const pendingJobs = source.jobs.pending + source.jobs.printing + source.jobs.failed;
      if (!source.configured) return { state: 'not-configured', detail: null, pendingJobs };
      if (source.online === true) return { state: 'online', detail: null, pendingJobs };
      const problem = source.coverOpen === true || source.paper === 'out';
      return { state: problem ? 'error' : 'offline', detail: source.lastError, pendingJobs };
    }
    const { db } = this.core;
    const counts = jobCounts(db);
    const pendingJobs = counts.pending + counts.printing + counts.failed;
    let configured = false;
    try {
      configured = readPrinterSettings(db).uri !== null;
    } catch (error) {
      return { state: 'error', detail: (error as Error).message, pendingJobs };
    }
    return configured ? { state: 'offline', detail: 'the print worker is not running', pendingJobs } : { state: 'not-configured', detail: null, pendingJobs };
  }
}
