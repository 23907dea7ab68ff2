/**
 * What a sync client can be told, and the defaults it runs with when it is
 * not (client.ts). Kept apart so the loop reads as a loop and the tests can
 * check the defaults without opening a connection.
 */
import type { Db } from '../store/database';
import { DEFAULT_BACKOFF, type Backoff } from './backoff';
import type { SyncConfig } from './config';
import { ACKED_RETENTION_DAYS } from './outbox';
import { silentLogger, type SyncLogger } from './sync-error';
import { STATUS_REPORT_EVERY_MS } from './waiting-reports';

export interface SyncClientOptions {
  db: Db;
  config: SyncConfig;
  /**
   * Most events per batch (default 100: a register back from a day offline sends ≈ 120 KB batches, which the
   * service decodes and stores without holding other registers' acks — measured in docs/central.md).
   */
  batchSize?: number;
  /** About the most payload bytes per batch (default 1 MiB; one event always goes). */
  batchBytes?: number;
  /** Batches sent ahead while earlier ones await their ack (default 8; 1 = strictly one at a time). */
  inFlight?: number;
  /** Days acknowledged events are kept for a restored service (default ACKED_RETENTION_DAYS = 30). */
  retentionDays?: number;
  /** How long to wait for the server's ack of one batch (default 15 s). */
  ackTimeoutMs?: number;
  /** How long to wait for the service to admit a large batch (default 120 s: behind a hundred returning registers; admission.ts). */
  admitTimeoutMs?: number;
  /** How long one connection attempt may take (default 10 s). */
  connectTimeoutMs?: number;
  /** How often an idle, connected client looks at the outbox again (default 2 s; `notify()` is immediate). */
  pollIntervalMs?: number;
  /** At most one outbox count (`sync:status`) this often while catching up; at once on connecting and when drained (default 5 s, waiting-reports.ts). */
  statusReportEveryMs?: number;
  /** Backoff between failed attempts: doubles from `initialMs` up to `maxMs`, with jitter (default 500 ms – 30 s). */
  backoff?: Backoff;
  /** Extra trusted certificates (PEM) for wss:// to a private CA. */
  ca?: string | string[];
  logger?: SyncLogger;
  now?: () => number;
  random?: () => number;
}

/** The client's settings with every default filled in. */
export type ClientSettings = Required<Omit<SyncClientOptions, 'db' | 'config' | 'ca'>> & Pick<SyncClientOptions, 'ca'>;

export const CLIENT_DEFAULTS = {
  batchSize: 100,
  batchBytes: 1024 * 1024,
  inFlight: 8,
  retentionDays: ACKED_RETENTION_DAYS,
  ackTimeoutMs: 15_000,
  admitTimeoutMs: 120_000,
  connectTimeoutMs: 10_000,
  pollIntervalMs: 2_000,
  statusReportEveryMs: STATUS_REPORT_EVERY_MS,
} as const;

/** Fills in the defaults and refuses settings the loop cannot work with (a programming error, not a user's). */
export function clientSettings(options: Omit<SyncClientOptions, 'db' | 'config'>): ClientSettings {
  const settings: ClientSettings = {
    batchSize: options.batchSize ?? CLIENT_DEFAULTS.batchSize,
    batchBytes: options.batchBytes ?? CLIENT_DEFAULTS.batchBytes,
    inFlight: options.inFlight ?? CLIENT_DEFAULTS.inFlight,
    retentionDays: options.retentionDays ?? CLIENT_DEFAULTS.retentionDays,
    ackTimeoutMs: options.ackTimeoutMs ?? CLIENT_DEFAULTS.ackTimeoutMs,
    admitTimeoutMs: options.admitTimeoutMs ?? CLIENT_DEFAULTS.admitTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? CLIENT_DEFAULTS.connectTimeoutMs,
    pollIntervalMs: options.pollIntervalMs ?? CLIENT_DEFAULTS.pollIntervalMs,
    statusReportEveryMs: options.statusReportEveryMs ?? CLIENT_DEFAULTS.statusReportEveryMs,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    logger: options.logger ?? silentLogger,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    ca: options.ca,
  };
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1) throw new RangeError('batchSize must be a whole number ≥ 1');
  if (!Number.isInteger(settings.inFlight) || settings.inFlight < 1) throw new RangeError('inFlight must be a whole number ≥ 1');
  return settings;
}
