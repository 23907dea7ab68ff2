/**
 * Opening the register's database: pragmas for durability, numbered
 * migrations tracked in `user_version`, and a refusal to touch a database
 * written by a newer version of the app.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index';
import { registerSealFunction } from '../sync/pin-seal';

export type Db = Database.Database;

export class DatabaseVersionError extends Error {
  override name = 'DatabaseVersionError';
}

export interface OpenOptions {
  /** Open without writing (verify, reports). Migrations are not run; an old database is refused. */
  readonly?: boolean;
  /** Override the native module location (the Electron build keeps its own copy). */
  nativeBinding?: string;
  migrations?: readonly Migration[];
}

/**
 * WAL lets readers (the line screen, reports, the sync sender) work while a
 * checkout commits. `synchronous=FULL` makes every commit wait for the WAL
 * fsync, so an acknowledged checkout survives power loss; better-sqlite3's
 * compiled default under WAL is NORMAL, which can lose the last commits.
 * Both are set on every open because `synchronous` is not stored in the file.
 * A checkout touches about twenty b-tree pages; with SQLite's default of a
 * checkpoint every 1000 WAL pages one checkout in fifty paid for copying the
 * WAL back, which was most of the p99. 4000 pages (16 MB of WAL) makes that
 * four times rarer and halved the p99 (docs/performance.md). A 32 MB page
 * cache keeps the hot pages of a million-entry register's b-trees in memory.
 */
/**
 * SQLite checkpoints by itself inside the commit that takes the WAL past this
 * many pages. The register's counter hands its checkpoints to a background
 * connection instead (wal-checkpoints.ts) and comes back to this if that stops.
 */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 4000;

export function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  db.pragma('cache_size = -32000');
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    // Migration 014's staff triggers seal PIN hashes through it, on every connection that may write.
    registerSealFunction(db);
    if (options.readonly) {
      db.pragma('foreign_keys = ON');
      checkVersion(db, migrations, { allowOlder: false });
    } else {
      applyPragmas(db);
      migrate(db, migrations);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkVersion(db: Db, migrations: readonly Migration[], { allowOlder }: { allowOlder: boolean }): number {
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new DatabaseVersionError(
      `this database was written by a newer version of the app (schema ${current}, this app knows up to ${latest}); ` +
        'install the newer version instead of opening it with this one',
    );
  }
  if (!allowOlder && current < latest) {
    throw new DatabaseVersionError(`this database has schema ${current} and needs upgrading to ${latest}; open it with the app first`);
  }
  return current;
}

/** A migration that rebuilds or renames a table (the SQLite manual's procedure): its references are checked before it commits. */
const REBUILDS = /\bDROP\s+TABLE\b|\bRENAME\b/i;

/**
 * Runs every migration the database has not seen, each in its own
 * transaction, with foreign keys NOT enforced while they run — as the SQLite
 * manual's table-rebuild procedure requires. With them on, `DROP TABLE`
 * first deletes every row and checks each against the tables that reference
 * it: print_jobs references itself (reprint_of, no index), so migration 013's
 * rebuild was quadratic — 33 s for a month of receipts, hours for a year
 * (docs/performance.md). A migration that rebuilds or renames a table is
 * checked with `foreign_key_check` before it commits; one that leaves a
 * dangling reference is rolled back and the database refused.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration list is out of order at ${migration.name}`);
  });
  const current = checkVersion(db, migrations, { allowOlder: true });
  const pending = migrations.slice(current);
  if (pending.length === 0) return;
  // Not changeable inside a transaction: set around them all.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  if (enforced) db.pragma('foreign_keys = OFF');
  try {
    for (const migration of pending) {
      db.transaction(() => {
        db.exec(migration.sql);
        if (REBUILDS.test(migration.sql)) {
          const dangling = db.pragma('foreign_key_check') as { table: string; parent: string }[];
          if (dangling.length > 0) {
            throw new Error(`migration ${migration.version} (${migration.name}) would leave ${dangling.length} rows of ${dangling[0]!.table} pointing at missing ${dangling[0]!.parent} rows`);
          }
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
}
