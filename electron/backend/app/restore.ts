/**
 * Restoring the register's database from a backup (docs/security.md §5):
 * the app's refusal page and `pos restore --from FILE --db PATH` both end here.
 *
 * Nothing is replaced before the copy is proven: the backup is copied next
 * to the database under a temporary name (SQLite's backup API, so a backup
 * with a WAL beside it is read consistently), migrated to this app's schema,
 * checked (`PRAGMA integrity_check` + every invariant of `pos verify`) and,
 * when a manager PIN is given, the PIN is checked against the COPY's own
 * managers. Only then is the current database (with its -wal and -shm) kept
 * aside as `cashier.db.replaced-<UTC stamp>` (-wal, -shm: the set still
 * opens as a database) and the copy renamed into place.
 *
 * The copy remembers, in app_meta, that it was restored and the highest
 * outbox seq it had numbered: sync uses it to recognise events the central
 * server holds from after the backup (docs/sync.md, "after a restore").
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase, DatabaseVersionError } from '../store/database';
import { checkDatabaseFile } from './backups';
import { verifyPin } from './pin';

export const RESTORE_META = {
  /** The highest outbox seq the restored copy had numbered. */
  numberedUpTo: 'restore.numberedUpTo',
  /** When the restore happened (ms). */
  at: 'restore.at',
} as const;

export type RestoreRefusal = 'not-found' | 'check-failed' | 'newer-version' | 'no-manager' | 'wrong-pin';

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
  constructor(
    readonly reason: RestoreRefusal,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

export interface RestoreResult {
  from: string;
  restored: string;
  /** The files moved aside (the database that was replaced, its -wal and -shm), possibly none. */
  keptAside: string[];
}

export interface RestoreOptions {
  /** Required by the app: a manager of the RESTORED database must know it. The CLI (file access already) does without. */
  managerPin?: string;
  now?: number;
  nativeBinding?: string;
}

/** `20261206T205500123Z`: sortable, no characters Windows refuses in a file name. */
export function stampOf(at: number): string {
  return new Date(at).toISOString().replace(/[-:.]/g, '');
}

function removeSet(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

async function copyConsistently(from: string, to: string, nativeBinding?: string): Promise<void> {
  const source = new Database(from, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    await source.backup(to);
  } finally {
    source.close();
  }
}

/** Migrates the staged copy, checks its managers (and the PIN), marks it restored. */
async function prepareCopy(staging: string, options: RestoreOptions): Promise<void> {
  let db;
  try {
    db = openDatabase(staging, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    if (error instanceof DatabaseVersionError) throw new RestoreRefused('newer-version', error.message);
    throw new RestoreRefused('check-failed', `the backup cannot be opened: ${(error as Error).message}`);
  }
  try {
    const managers = db.prepare("SELECT pin_hash FROM cashiers WHERE role = 'manager'").pluck().all() as string[];
    if (managers.length === 0) throw new RestoreRefused('no-manager', 'the backup has no manager: nobody could approve anything on it');
    if (options.managerPin !== undefined) {
      let known = false;
      for (const hash of managers) if (await verifyPin(options.managerPin, hash)) known = true;
      if (!known) throw new RestoreRefused('wrong-pin', 'the PIN is not the PIN of a manager of this backup');
    }
    const numbered = db
      .prepare(
        `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                    coalesce((SELECT max(seq) FROM outbox), 0),
                    coalesce((SELECT last_acked_seq FROM sync_state WHERE id = 1), 0))`,
      )
      .pluck()
      .get() as number;
    const setMeta = db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    db.transaction(() => {
      setMeta.run(RESTORE_META.numberedUpTo, String(numbered));
      setMeta.run(RESTORE_META.at, String(options.now ?? Date.now()));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/**
 * Replaces `dbFile` with a verified copy of `from`. Throws RestoreRefused,
 * with nothing replaced, when the backup is missing, unsound, from a newer
 * app, has no manager, or the PIN is not one of its managers'.
 */
export async function restoreBackup(from: string, dbFile: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  if (!existsSync(from)) throw new RestoreRefused('not-found', `no backup at ${from}`);
  const staging = `${dbFile}.restoring`;
  removeSet(staging);
  try {
    try {
      await copyConsistently(from, staging, options.nativeBinding);
    } catch (error) {
      throw new RestoreRefused('check-failed', `the backup cannot be read: ${(error as Error).message}`);
    }
    const problems = checkDatabaseFile(staging, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    if (problems.length > 0) throw new RestoreRefused('check-failed', `the backup failed its check: ${problems.slice(0, 5).join('; ')}`, problems);
    await prepareCopy(staging, options);
    const stamp = stampOf(options.now ?? Date.now());
    const keptAside: string[] = [];
    for (const suffix of ['', '-wal', '-shm']) {
      if (!existsSync(`${dbFile}${suffix}`)) continue;
      const aside = `${dbFile}.replaced-${stamp}${suffix}`;
      renameSync(`${dbFile}${suffix}`, aside);
      keptAside.push(aside);
    }
    renameSync(staging, dbFile);
    return { from, restored: dbFile, keptAside };
  } finally {
    removeSet(staging);
  }
}
