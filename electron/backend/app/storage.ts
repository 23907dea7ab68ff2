/**
 * The data folder's disk, watched (docs/store.md "A full or failing disk"):
 * how much is free, whether that is getting low, and the last write the disk
 * refused — for the banner on every screen and the manager's view of the
 * daily backup.
 *
 * The free space is read (statfs, the database's and the backups' sizes,
 * the register's first order through its index) at most every 30 s and
 * cached: the status snapshot is built after every checkout, and the
 * checkout must not pay for a look at the disk. A refused write invalidates
 * the cache, so the banner says so on the next snapshot.
 *
 * Thresholds (documented in docs/store.md):
 * - critical below 100 MB: a few more WAL pages and sales are refused;
 * - low below max(500 MB, 100 MB + room for the daily backup (2 × the
 *   database: its verified copy and the backup written from it) + 30 days
 *   of this register's growth), so the manager hears of it well before a
 *   backup or a sale fails. Growth per day = (database + WAL + backups
 *   folder) ÷ days since the register's first order (at least 7).
 */
import { readdirSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StorageStatus } from '../../../shared/contract';
import { msg, type Message } from '../../../shared/messages/catalogue';
import type { Db } from '../store/database';
import { backupFailure, type StorageFault } from './storage-faults';

const MB = 1024 * 1024;
const DAY_MS = 86_400_000;
export const STORAGE_READ_INTERVAL_MS = 30_000;
export const CRITICAL_BELOW_BYTES = 100 * MB;
export const LOW_FLOOR_BYTES = 500 * MB;
export const GROWTH_DAYS = 30;

export interface StorageOptions {
  /** The folder holding cashier.db (default: the database file's folder). */
  dataDir?: string;
  /** The daily backups (default: `<dataDir>/backups`, as the shell's dataPaths). */
  backupsDir?: string;
  /** How long a reading is reused (default 30 s). */
  intervalMs?: number;
  criticalBytes?: number;
  lowFloorBytes?: number;
  /** Days of growth the warning leaves room for (default 30; tests of a register minutes old set 0). */
  growthDays?: number;
  /** A monotonic clock for the cache (default performance.now). */
  clock?: () => number;
}

interface Core {
  readonly db: Db;
  readonly queueId: string;
  wallNow(): number;
}

interface Reading {
  freeBytes: number | null;
  dbBytes: number;
  lowBytes: number;
  readAt: number;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function folderBytes(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  return names.reduce((sum, name) => sum + fileSize(path.join(dir, name)), 0);
}

export class StorageMonitor {
  readonly dataDir: string | null;
  readonly backupsDir: string | null;
  readonly criticalBytes: number;
  private readonly lowFloorBytes: number;
  private readonly growthDays: number;
  private readonly intervalMs: number;
  private readonly clock: () => number;
  private reading: Reading | null = null;
  private fault: { kind: StorageFault; at: number } | null = null;
  /** Free bytes when the fault was seen: a full disk counts as fixed once more than that is free again. */
  private freeAtFault: number | null = null;
  private backupFailed: { at: number; reason: Message } | null = null;
  private readonly listeners = new Set<() => void>();
  /** The last status built, and from which reading: reused by the snapshot after every checkout. */
  private built: { reading: Reading; status: StorageStatus } | null = null;

  constructor(
    private readonly core: Core,
    options: StorageOptions = {},
  ) {
    const file = core.db.name;
    const onDisk = Boolean(file) && file !== ':memory:' && !core.db.memory;
    this.dataDir = options.dataDir ?? (onDisk ? path.dirname(path.resolve(file)) : null);
    this.backupsDir = options.backupsDir ?? (this.dataDir ? path.join(this.dataDir, 'backups') : null);
    this.criticalBytes = options.criticalBytes ?? CRITICAL_BELOW_BYTES;
    this.lowFloorBytes = options.lowFloorBytes ?? LOW_FLOOR_BYTES;
    this.growthDays = options.growthDays ?? GROWTH_DAYS;
    this.intervalMs = options.intervalMs ?? STORAGE_READ_INTERVAL_MS;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Told when a write was refused (the status publisher pushes the banner at once). */
  onFault(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A write the disk refused: remembered for the banner, and the disk is read again on the next snapshot. */
  noteFault(kind: StorageFault): void {
    this.built = null;
    this.fault = { kind, at: this.core.wallNow() };
    // read(true) measures afresh and replaces the cached reading.
    this.freeAtFault = this.read(true).freeBytes;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure must not hide the refusal itself.
      }
    }
  }

  /** A write committed: the disk takes writes again. */
  noteWritten(): void {
    if (this.fault === null) return;
    this.fault = null;
    this.built = null;
  }

  /** The daily backup's outcome: null when it succeeded (or had nothing to do). */
  noteBackup(error: unknown): void {
    this.built = null;
    if (error === null || error === undefined) {
      this.backupFailed = null;
      return;
    }
    this.backupFailed = { at: this.core.wallNow(), reason: error instanceof BackupRoomError ? error.reason : backupFailure(error, this.dataDir ?? undefined) };
    this.reading = null;
  }

  /**
   * The refusal of a backup that would eat the counter's room, or null when
   * there is room: it needs twice the database (its checked copy and the
   * backup) and leaves `criticalBytes` free.
   */
  backupRoomProblem(): BackupRoomError | null {
    const r = this.read(true);
    if (r.freeBytes === null) return null;
    const neededBytes = 2 * r.dbBytes + this.criticalBytes;
    return r.freeBytes < neededBytes ? new BackupRoomError(msg('backup.noRoom', { neededBytes: 2 * r.dbBytes, freeBytes: r.freeBytes })) : null;
  }

  /** The snapshot's `storage` (a cached reading, at most `intervalMs` old; the same object until something changes). */
  status(): StorageStatus {
    const r = this.read(false);
    if (this.built && this.built.reading === r) return this.built.status;
    const status = this.build(r);
    this.built = { reading: r, status };
    return status;
  }

  private build(r: Reading): StorageStatus {
    const free = r.freeBytes;
    // A full disk that has room again (freed since, and above critical): the next write will go through.
    // (SQLite can also be "full" on a disk with room — a size cap, a quota: that stays until a write succeeds.)
    if (this.fault?.kind === 'full' && free !== null && free >= this.criticalBytes && (this.freeAtFault === null || free > this.freeAtFault)) this.fault = null;
    const base = { freeBytes: free, lowBytes: r.lowBytes, criticalBytes: this.criticalBytes, fault: this.fault, backupFailed: this.backupFailed };
    if (this.fault) return { ...base, state: 'fault', problem: this.faultBanner(this.fault.kind, free) };
    if (free === null) return { ...base, state: 'unknown', problem: null };
    if (free < this.criticalBytes) return { ...base, state: 'critical', problem: msg('storage.critical', { freeBytes: free }) };
    if (free < r.lowBytes) return { ...base, state: 'low', problem: msg('storage.low', { freeBytes: free }) };
    return { ...base, state: 'ok', problem: null };
  }

  private faultBanner(kind: StorageFault, free: number | null): Message {
    switch (kind) {
      case 'full':
        return msg('storage.bannerFull', { freeBytes: free ?? 0 });
      case 'io':
        return msg('storage.bannerIoError');
      case 'read-only':
        return msg('storage.bannerReadOnly');
      case 'corrupt':
        return msg('storage.bannerCorrupt');
    }
  }

  /** Reads the disk now (ignoring the cache). */
  refresh(): StorageStatus {
    this.reading = null;
    return this.status();
  }

  private read(fresh: boolean): Reading {
    const now = this.clock();
    if (!fresh && this.reading && now - this.reading.readAt < this.intervalMs) return this.reading;
    this.reading = this.measure(now);
    return this.reading;
  }

  private measure(readAt: number): Reading {
    if (!this.dataDir) return { freeBytes: null, dbBytes: 0, lowBytes: this.lowFloorBytes, readAt };
    let freeBytes: number | null = null;
    try {
      const s = statfsSync(this.dataDir);
      // bavail: what an unprivileged writer (the register) may still use.
      freeBytes = s.bavail * s.bsize;
    } catch {
      freeBytes = null;
    }
    const file = path.resolve(this.core.db.name);
    const dbBytes = fileSize(file) + fileSize(`${file}-wal`);
    const backupsBytes = this.backupsDir ? folderBytes(this.backupsDir) : 0;
    let growthPerDay = 0;
    try {
      // orders_by_paid_at (queue_id, paid_at): min() is one index seek.
      const first = this.core.db.prepare('SELECT min(paid_at) FROM orders WHERE queue_id = ?').pluck().get(this.core.queueId) as number | null;
      // Less than a week of history says little about the rate: counted as a week.
      if (first !== null) growthPerDay = (dbBytes + backupsBytes) / Math.max(7, (this.core.wallNow() - first) / DAY_MS);
    } catch {
      growthPerDay = 0;
    }
    const lowBytes = Math.max(this.lowFloorBytes, Math.ceil(this.criticalBytes + 2 * dbBytes + this.growthDays * growthPerDay));
    return { freeBytes, dbBytes, lowBytes, readAt };
  }
}

/** The backup was not started: not enough room beside the counter's own (the reason says how much). */
export class BackupRoomError extends Error {
  override name = 'BackupRoomError';
  constructor(readonly reason: Message) {
    super('not enough free disk space for the backup beside the room kept for the counter');
  }
}
