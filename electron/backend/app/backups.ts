/**
 * Daily backups with SQLite's online backup API, verified, kept by
 * generations (docs/security.md §5).
 *
 * `writeVerifiedBackup(dbPath, destPath)` is a plain function of two paths:
 * it opens its own connection, so it runs in the heavy worker thread. The
 * copy is one read snapshot (`VACUUM INTO`) written under a temporary name,
 * then checked — `PRAGMA integrity_check` and every invariant of `pos
 * verify` — and only then written to its backup name, flushed to disk a
 * piece at a time (below), and the temporary copy deleted. A copy that fails
 * its check is deleted and the failure reported: a bad backup never carries
 * a backup's name, so a restore never picks it.
 *
 * One file per local day, `cashier-YYYY-MM-DD.db`; which ones are kept is
 * `backupDaysToKeep` (7 daily, 4 weekly, 12 monthly).
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { localParts } from '../../../shared/engine/index';
import { verifyDatabase } from '../store/verify';
import { backupDaysToKeep, DEFAULT_GENERATIONS, type Generations } from './backup-generations';

const BACKUP_NAME = /^cashier-(\d{4}-\d{2}-\d{2})\.db$/;

export function backupFileName(at: number, timezone: string): string {
  const p = localParts(at, timezone);
  return `cashier-${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}.db`;
}

/**
 * Today's backup: its file name and whether `dir` already holds it. The one
 * answer to "was today's backup taken", for the main thread (full-check.ts:
 * a backup still to take needs room on the disk) and the worker
 * (`runDailyBackup`: take it or not). Both must be given the same instant —
 * the register's reading clock (`viewNow()`) read once, in the register's
 * time zone, as every other "today" of the app — or, around midnight, one
 * could see yesterday and the other today.
 */
export function todaysBackup(dir: string, now: number, timezone: string): { name: string; taken: boolean } {
  const name = backupFileName(now, timezone);
  return { name, taken: listBackups(dir).includes(name) };
}

/** Backup files in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => BACKUP_NAME.test(n)).sort();
}

/** The newest backup file in `dir` (full path), or null. */
export function newestBackup(dir: string): string | null {
  const name = listBackups(dir).at(-1);
  return name ? path.join(dir, name) : null;
}

/** Deletes the backups the generations rule does not keep; returns the names deleted. */
export function pruneBackups(dir: string, generations: Generations = DEFAULT_GENERATIONS): string[] {
  const all = listBackups(dir);
  const keep = backupDaysToKeep(
    all.map((n) => BACKUP_NAME.exec(n)![1]!),
    generations,
  );
  const doomed = all.filter((n) => !keep.has(BACKUP_NAME.exec(n)![1]!));
  for (const name of doomed) rmSync(path.join(dir, name), { force: true });
  return doomed;
}

export class BackupCheckError extends Error {
  override name = 'BackupCheckError';
}

/**
 * The checks a backup (or a file about to be restored) must pass: SQLite's
 * own integrity check, then every ledger invariant. Returns the problems, [] when sound.
 */
export function checkDatabaseFile(file: string, options: { nativeBinding?: string } = {}): string[] {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  } catch (error) {
    return [`cannot open: ${(error as Error).message}`];
  }
  try {
    const integrity = db.pragma('integrity_check') as { integrity_check: string }[];
    const bad = integrity.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (bad.length > 0) return bad.slice(0, 20).map((r) => `integrity_check: ${r}`);
    return verifyDatabase(db).map((v) => `${v.rule}: ${v.detail}`);
  } catch (error) {
    return [`cannot check: ${(error as Error).message}`];
  } finally {
    db.close();
  }
}

/** How much of the backup is flushed to disk at a time, and the pause between pieces (see copyFlushingInPieces). */
const FLUSH_PIECE_BYTES = 8 * 1024 * 1024;
const FLUSH_PAUSE_MS = 5;

/**
 * Copies the database at `dbPath` to `destPath`, verified. Throws a
 * BackupCheckError (nothing left at `destPath`) when the copy fails its check.
 */
export async function writeVerifiedBackup(dbPath: string, destPath: string, options: { nativeBinding?: string } = {}): Promise<void> {
  const partial = `${destPath}.partial`;
  const writing = `${destPath}.writing`;
  const removeTemporaries = () => {
    for (const file of [partial, `${partial}-wal`, `${partial}-shm`, writing]) rmSync(file, { force: true });
  };
  removeTemporaries();
  try {
    const source = new Database(dbPath, { fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    try {
      // VACUUM INTO copies one read snapshot: unlike the online backup API it is not restarted by every commit
      // of the counter's connection (measured: a 426 MiB register never finished under a busy counter).
      // synchronous=OFF: SQLite does not fsync the copy at its end. Flushing 1.3 GB at once made the counter's
      // own commit fsyncs queue behind it for up to half a second (docs/performance.md); the copy is flushed
      // in pieces below instead, and this temporary file is deleted before the kernel needs to write it.
      source.pragma('synchronous = OFF');
      source.prepare('VACUUM INTO ?').run(partial);
    } finally {
      source.close();
    }
    const problems = checkDatabaseFile(partial, options);
    if (problems.length > 0) throw new BackupCheckError(`the backup copy failed its check and was deleted: ${problems.join('; ')}`);
    await copyFlushingInPieces(partial, writing);
    renameSync(writing, destPath);
    syncDirectory(path.dirname(destPath));
  } finally {
    // Whatever failed (a full disk mid-copy included), no partial file is left to fill the disk or be taken for a backup.
    removeTemporaries();
  }
}

/**
 * Copies `from` to `to`, flushing every `pieceBytes` (FLUSH_PIECE_BYTES) with
 * a short pause between pieces, so the disk never has more than a piece of
 * the backup to write when a checkout commits. (The source is still in the
 * page cache: it was just written.) Returns how many pieces were flushed.
 */
export async function copyFlushingInPieces(from: string, to: string, pieceBytes = FLUSH_PIECE_BYTES): Promise<number> {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  let pieces = 0;
  try {
    const buffer = Buffer.allocUnsafe(pieceBytes);
    for (;;) {
      const read = readSync(input, buffer, 0, buffer.length, null);
      if (read === 0) break;
      for (let written = 0; written < read; ) written += writeSync(output, buffer, written, read - written);
      fdatasyncSync(output);
      pieces++;
      await new Promise((resolve) => setTimeout(resolve, FLUSH_PAUSE_MS));
    }
    fsyncSync(output);
    return pieces;
  } finally {
    closeSync(output);
    closeSync(input);
  }
}

/** The rename is durable only once the directory is flushed (POSIX); Windows cannot open a directory and needs none. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface BackupResult {
  /** The file written, or null when today's backup already existed. */
  created: string | null;
  deleted: string[];
}

/**
 * Today's verified backup (if not taken yet) and the generations rotation.
 * `now`: the register's clock (the app passes the instant its main thread
 * decided by, see `todaysBackup`); the wall clock only for scripts and tests.
 */
export async function runDailyBackup(
  dbPath: string,
  dir: string,
  options: { now?: number; timezone?: string; generations?: Generations; nativeBinding?: string } = {},
): Promise<BackupResult> {
  const { name, taken } = todaysBackup(dir, options.now ?? Date.now(), options.timezone ?? 'Asia/Shanghai');
  mkdirSync(dir, { recursive: true });
  let created: string | null = null;
  if (!taken) {
    const target = path.join(dir, name);
    await writeVerifiedBackup(dbPath, target, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    created = target;
  }
  return { created, deleted: pruneBackups(dir, options.generations ?? DEFAULT_GENERATIONS) };
}
