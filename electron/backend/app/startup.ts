/**
 * The start-up decision, in Node so it is tested without Electron: open the
 * database (migrating it), verify every ledger invariant, and only then open
 * the register. A database that fails verification is NEVER opened for
 * business: the shell shows the refusal page instead (docs/app.md).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../store/database';
import { verifyDatabase, type Violation } from '../store/verify';
import { readCheckpoints, snapshotCheckpoints, verifySince, writeCheckpoints } from '../store/verify-since';
import { listBackups } from './backups';
import { RegisterBackend, type RegisterOptions } from './register';
import { storageFault, type StorageFault } from './storage-faults';

/** Why a lost database was recognised: what is (not) there, and what could bring it back. */
export interface LostDatabase {
  /** 'missing': no file; 'empty': a zero-byte file, or a database with nobody and no order in it. */
  db: 'missing' | 'empty';
  /** A non-empty `cashier.db-wal` lies beside it (committed work may be in it: never deleted). */
  wal: boolean;
  /** Backups that hold at least one person, newest first (full paths). */
  backups: string[];
}

export type StartupDecision =
  | { ok: true; backend: RegisterBackend }
  | { ok: false; reason: 'open-failed'; message: string; violations: []; storage?: StorageFault }
  | { ok: false; reason: 'verify-failed'; message: string; violations: Violation[] }
  | { ok: false; reason: 'database-lost'; message: string; violations: []; lost: LostDatabase };

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

/** True when the database file holds a person or an order (read-only; false when it cannot be read). */
function holdsPeopleOrOrders(file: string, options: { nativeBinding?: string } = {}): boolean {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const any = (table: string) => tables.has(table) && db!.prepare(`SELECT EXISTS (SELECT 1 FROM ${table})`).pluck().get() === 1;
    return any('cashiers') || any('orders');
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/**
 * Is `dbFile` a lost database (docs/security.md §5)? Missing or empty while
 * something shows the register had a life: a backup with people in it, or a
 * WAL beside a missing/zero-byte file. First-run setup on it would make
 * whoever stands at the counter the manager of an orphaned ledger. A
 * database that cannot be read is not "lost": the ordinary checks refuse it.
 */
export function findLostDatabase(dbFile: string, backupsDir: string, options: { nativeBinding?: string } = {}): LostDatabase | null {
  const size = fileSize(dbFile);
  let state: LostDatabase['db'];
  if (size < 0) state = 'missing';
  else if (size === 0) state = 'empty';
  else {
    let readable = true;
    try {
      const probe = new Database(dbFile, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
      probe.prepare('SELECT count(*) FROM sqlite_master').get();
      probe.close();
    } catch {
      readable = false;
    }
    if (!readable || holdsPeopleOrOrders(dbFile, options)) return null;
    state = 'empty';
  }
  // A WAL beside a real (if empty) database is how SQLite works; beside nothing it is evidence.
  const wal = size <= 0 && fileSize(`${dbFile}-wal`) > 0;
  const backups = listBackups(backupsDir)
    .reverse()
    .map((name) => path.join(backupsDir, name))
    .filter((file) => holdsPeopleOrOrders(file, options));
  return wal || backups.length > 0 ? { db: state, wal, backups } : null;
}

export interface StartOptions extends RegisterOptions {
  /** The backups folder: when given, a lost database is refused instead of opened for first-run setup. */
  backupsDir?: string;
}

/**
 * The check that decides whether the register opens: only what came after
 * the last verified checkpoint (verify-since.ts) when there is one, so a
 * register years old opens in well under a second; the full check otherwise
 * (a new or just-upgraded register), recording its checkpoint when it
 * passes. The full check itself then runs in the background (full-check.ts).
 */
export function startupCheck(db: Database.Database, now: () => number): Violation[] {
  const checkpoints = readCheckpoints(db);
  if (checkpoints.length > 0) return verifySince(db, checkpoints);
  const violations = verifyDatabase(db);
  if (violations.length === 0) recordCheckpoint(db, now);
  return violations;
}

/** An open that failed; a disk that would not let it (full, I/O error, read-only, damaged) is named for the page. */
function openFailed(error: unknown, dbFile: string): StartupDecision {
  const fault = storageFault(error, path.dirname(path.resolve(dbFile)));
  return { ok: false, reason: 'open-failed', message: (error as Error).message, violations: [], ...(fault ? { storage: fault } : {}) };
}

/**
 * The check's checkpoint could not be written (a full or read-only disk): the check itself passed on
 * what was read, so the register opens for reading and the next start-up checks again.
 */
function recordCheckpoint(db: Database.Database, now: () => number): void {
  try {
    writeCheckpoints(db, snapshotCheckpoints(db, now()));
  } catch (error) {
    if (!storageFault(error)) throw error;
  }
}

export function startRegister(dbFile: string, options: StartOptions = {}): StartupDecision {
  if (options.backupsDir !== undefined) {
    const lost = findLostDatabase(dbFile, options.backupsDir, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    if (lost) {
      const what = lost.db === 'missing' ? 'the database file is missing' : 'the database file is empty';
      return { ok: false, reason: 'database-lost', message: `${what} but this register has ${lost.backups.length} backup(s)${lost.wal ? ' and a WAL file' : ''}`, violations: [], lost };
    }
  }
  let db;
  try {
    db = openDatabase(dbFile, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    return openFailed(error, dbFile);
  }
  let violations: Violation[];
  try {
    violations = startupCheck(db, options.now ?? Date.now);
  } catch (error) {
    db.close();
    return openFailed(error, dbFile);
  }
  if (violations.length > 0) {
    db.close();
    return { ok: false, reason: 'verify-failed', message: `the ledger check found ${violations.length} problem(s)`, violations };
  }
  try {
    return { ok: true, backend: new RegisterBackend(db, options) };
  } catch (error) {
    db.close();
    return openFailed(error, dbFile);
  }
}

/** How often a start-up refused for a full disk tries again (the manager is freeing space). */
export const FULL_DISK_RETRY_MS = 30_000;

/**
 * Start-up was refused because the disk is full: tries `start` again every
 * `intervalMs` until it opens (space was freed) or refuses for another
 * reason, then hands the decision to `settled`. Returns a function that stops trying.
 */
export function retryWhileDiskFull(start: () => StartupDecision, settled: (decision: StartupDecision) => void, intervalMs = FULL_DISK_RETRY_MS): () => void {
  const timer = setInterval(() => {
    let decision: StartupDecision;
    try {
      decision = start();
    } catch (error) {
      decision = openFailed(error, '');
    }
    if (!decision.ok && decision.reason === 'open-failed' && decision.storage === 'full') return;
    clearInterval(timer);
    settled(decision);
  }, intervalMs);
  return () => clearInterval(timer);
}
