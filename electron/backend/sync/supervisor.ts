/**
 * Keeps one sync client running with the settings in app_meta, for the app.
 *
 * The manager may set, change or clear the server settings at any time; the
 * register calls `refresh()` after each change of its data and the
 * supervisor restarts the client only when the settings themselves changed.
 * Until sync is fully configured the status says so, with the reason, and
 * the outbox simply keeps growing: nothing is lost by running offline.
 */
import type { Db } from '../store/database';
import type { Message } from '../../../shared/messages/catalogue';
import { restoreProblem, SyncClient, type SyncClientOptions, type SyncStatus } from './client';
import { readRestoreGap } from './restore-gap';
import { completeSyncConfig, readSyncConfig, SyncConfigError, type SecretBox, type SyncConfig } from './config';
import { Outbox } from './outbox';

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

export class SyncSupervisor {
  private client: SyncClient | null = null;
  /** The settings the running client uses (null: not configured; undefined: not read yet). */
  private fingerprint: string | null | undefined = undefined;
  private configError: string | null = null;
  private readonly outbox: Outbox;

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly onStatus: (status: SupervisedStatus) => void = () => {},
    private readonly options: Omit<SyncClientOptions, 'db' | 'config'> = {},
    private readonly createClient: ClientFactory = (o) => new SyncClient(o),
  ) {
    this.outbox = new Outbox(db);
  }

  /** Reads the settings again; (re)starts or stops the client when they changed, else nudges it to send. */
  refresh(): void {
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
    this.fingerprint = undefined;
    await this.stopClient();
  }

  private readConfig(): SyncConfig | null {
    try {
      const config = completeSyncConfig(readSyncConfig(this.db, this.box));
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
