/**
 * Keeps one sync client running with the settings in app_meta, for the app.
 *
 * The manager may set, change or clear the server settings at any time; the
 * register calls `refresh()` after each change of its data and the
 * supervisor restarts the client only when the settings themselves changed.
 * Until sync is fully configured the status says so, with the reason, and
 * the outbox keeps what a service enrolled later would want — bounded: with
 * no server set, the supervisor purges events older than 90 days (and
 * acknowledged ones older than 30) ten minutes after start and then hourly,
 * in batches of at most 200 rows with a 200 ms pause between them, so no
 * checkout ever waits behind one large DELETE (docs/sync.md "Without a
 * server"). A running client purges
 * its own acknowledged rows (client.ts).
 */
import type { Db } from '../store/database';
import type { Message } from '../../../shared/messages/catalogue';
import { restoreProblem, SyncClient, type SyncClientOptions, type SyncStatus } from './client';
import { readRestoreGap } from './restore-gap';
import { completeSyncConfig, readSyncConfig, SyncConfigError, type SecretBox, type SyncConfig } from './config';
import { ensurePinSealKey } from './pin-seal';
import { Outbox, UNSENT_PURGE_BATCH } from './outbox';

export interface SupervisedStatus {
  connection: 'stopped' | 'connecting' | 'online' | 'offline';
  configured: boolean;
  lastSyncAt: number | null;
  waiting: number;
  lastError: string | null;
  /** The status bar's sentence: the current failure, else what a restore left to do (restore-gap.ts). */
  problem: Message | null;
}

export type ClientFactory = (options: SyncClientOptions) => SyncClient;

/** When and how the outbox is purged while no server is set (defaults: ten minutes after start, out of the opening rush, then hourly). */
export interface HousekeepingOptions {
  firstAfterMs?: number;
  everyMs?: number;
  /** Rows per batch (one short transaction). */
  batchRows?: number;
  /** Pause between two batches: the event loop (checkouts, the status bar) runs meanwhile. */
  pauseMs?: number;
}

const HOUR_MS = 3_600_000;

export class SyncSupervisor {
  private client: SyncClient | null = null;
  /** The settings the running client uses (null: not configured; undefined: not read yet). */
  private fingerprint: string | null | undefined = undefined;
  private configError: string | null = null;
  private readonly outbox: Outbox;
  private housekeepingTimer: NodeJS.Timeout | null = null;
  private purging: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly onStatus: (status: SupervisedStatus) => void = () => {},
    private readonly options: Omit<SyncClientOptions, 'db' | 'config'> = {},
    private readonly createClient: ClientFactory = (o) => new SyncClient(o),
    private readonly housekeeping: HousekeepingOptions = {},
  ) {
    this.outbox = new Outbox(db);
  }

  /**
   * Purges the outbox of a register with no server set (outbox.ts
   * `purgeWithoutServer`), batch by batch, yielding to the event loop
   * between batches; stops as soon as a server is set or the supervisor
   * stops. Resolves to the rows deleted. One purge at a time.
   */
  purgeWithoutServer(): Promise<number> {
    this.purging ??= this.runPurge().finally(() => {
      this.purging = null;
    });
    return this.purging;
  }

  private async runPurge(): Promise<number> {
    const batch = this.housekeeping.batchRows ?? UNSENT_PURGE_BATCH;
    const pauseMs = this.housekeeping.pauseMs ?? 200;
    const now = this.options.now ?? Date.now;
    let total = 0;
    try {
      while (!this.client && !this.stopped) {
        const deleted = this.outbox.purgeWithoutServer(now(), { maxRows: batch });
        total += deleted;
        if (deleted < batch) break;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    } catch (error) {
      this.options.logger?.warn(`could not purge the outbox (tried again in an hour): ${error instanceof Error ? error.message : String(error)}`);
    }
    if (total > 0 && !this.stopped) this.onStatus(this.status());
    return total;
  }

  private scheduleHousekeeping(): void {
    if (this.housekeepingTimer || this.stopped) return;
    const tick = (delay: number) => {
      this.housekeepingTimer = setTimeout(() => {
        if (!this.client) void this.purgeWithoutServer();
        tick(this.housekeeping.everyMs ?? HOUR_MS);
      }, delay);
      this.housekeepingTimer.unref();
    };
    tick(this.housekeeping.firstAfterMs ?? 10 * 60_000);
  }

  /** Reads the settings again; (re)starts or stops the client when they changed, else nudges it to send. */
  refresh(): void {
    this.stopped = false;
    this.scheduleHousekeeping();
    const config = this.readConfig();
    const fingerprint = config ? JSON.stringify(config) : null;
    if (fingerprint === this.fingerprint) {
      this.client?.notify();
      return;
    }
    this.fingerprint = fingerprint;
    void this.stopClient();
    if (config) {
      const client = this.createClient({ ...this.options, db: this.db, config });
      client.on('status', () => this.onStatus(this.status()));
      this.client = client;
      client.start();
    }
    this.onStatus(this.status());
  }

  status(): SupervisedStatus {
    if (this.client) {
      const s: SyncStatus = this.client.status();
      const problem = s.problem ?? (s.restoreGap ? restoreProblem(s.restoreGap) : null);
      return { connection: s.connection, configured: true, lastSyncAt: s.lastSyncAt, waiting: s.waiting, lastError: s.lastError, problem };
    }
    const gap = readRestoreGap(this.db);
    return {
      connection: 'stopped',
      configured: false,
      lastSyncAt: this.outbox.state().lastSyncAt,
      waiting: this.outbox.waiting(),
      lastError: this.configError,
      problem: gap ? restoreProblem(gap) : null,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.housekeepingTimer) clearTimeout(this.housekeepingTimer);
    this.housekeepingTimer = null;
    this.fingerprint = undefined;
    await this.stopClient();
    await this.purging;
  }

  private readConfig(): SyncConfig | null {
    try {
      const config = completeSyncConfig(readSyncConfig(this.db, this.box));
      // A register enrolled before PINs were sealed gets its key (and re-sends its people sealed) here, once.
      ensurePinSealKey(this.db, config.token);
      this.configError = null;
      return config;
    } catch (error) {
      if (!(error instanceof SyncConfigError)) throw error;
      this.configError = error.message;
      return null;
    }
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.stop();
  }
}
