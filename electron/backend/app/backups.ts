/**
 * Daily rotating backups with SQLite's online backup API (better-sqlite3's
 * `db.backup()`): a consistent copy taken while the register keeps working.
 *
 * One file per local day, `cashier-YYYY-MM-DD.db`, written to a temporary
 * name and renamed when complete (a half-written backup never carries a
 * backup's name). The newest `keep` (7) are kept; older ones are deleted.
 * A day that already has its backup is not backed up again.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { localParts } from '../../../shared/engine/index';
import type { Db } from '../store/database';

export const BACKUP_KEEP = 7;
const BACKUP_NAME = /^cashier-(\d{4}-\d{2}-\d{2})\.db$/;

export function backupFileName(at: number, timezone: string): string {
  const p = localParts(at, timezone);
  return `cashier-${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}.db`;
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

/** Deletes all but the newest `keep` backups; returns the names deleted. */
export function pruneBackups(dir: string, keep = BACKUP_KEEP): string[] {
  const all = listBackups(dir);
  const doomed = all.slice(0, Math.max(0, all.length - keep));
  for (const name of doomed) rmSync(path.join(dir, name), { force: true });
  return doomed;
}

export interface BackupResult {
  /** The file written, or null when today's backup already existed. */
  created: string | null;
  deleted: string[];
}

/** Today's backup (if not taken yet) and the rotation. */
export async function runDailyBackup(db: Db, dir: string, options: { now?: number; timezone?: string; keep?: number } = {}): Promise<BackupResult> {
  const name = backupFileName(options.now ?? Date.now(), options.timezone ?? 'Asia/Shanghai');
  mkdirSync(dir, { recursive: true });
  let created: string | null = null;
  if (!listBackups(dir).includes(name)) {
    const target = path.join(dir, name);
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    await db.backup(partial);
    renameSync(partial, target);
    created = target;
  }
  return { created, deleted: pruneBackups(dir, options.keep ?? BACKUP_KEEP) };
}
