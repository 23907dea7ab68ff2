/**
 * The heavy tasks, as they run inside a worker thread (heavy-worker.ts):
 * each opens its own connection to the register's file — read-only except a
 * backup's own target — so the counter's connection stays the one writer and
 * the main thread's event loop never waits on them (issue 15 §2).
 */
import { runDailyBackup } from '../app/backups';
import { openDatabase } from '../store/database';
import { snapshotCheckpoints, type Checkpoint } from '../store/verify-since';
import { verifyDatabase, type Violation } from '../store/verify';

export interface FullCheckInput {
  file: string;
  now: number;
  nativeBinding?: string;
}

export interface FullCheckOutput {
  violations: Violation[];
  /** The checkpoint to record when nothing was found (empty otherwise). */
  checkpoints: Checkpoint[];
  ms: number;
}

/** Every invariant over the whole database, on one snapshot; its checkpoint when all hold. */
export function fullCheck(input: FullCheckInput): FullCheckOutput {
  const started = Date.now();
  const db = openDatabase(input.file, { readonly: true, ...(input.nativeBinding ? { nativeBinding: input.nativeBinding } : {}) });
  try {
    // One read transaction: the counters recorded are those of the snapshot just verified, whatever the counter commits meanwhile.
    db.exec('BEGIN');
    try {
      const violations = verifyDatabase(db);
      const checkpoints = violations.length === 0 ? snapshotCheckpoints(db, input.now) : [];
      return { violations, checkpoints, ms: Date.now() - started };
    } finally {
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}

export interface CheckedBackupInput extends FullCheckInput {
  backupsDir: string;
  /** With `now` (the register's clock, read once by the main thread): which local day's backup this is. */
  timezone: string;
}

export interface CheckedBackupOutput extends FullCheckOutput {
  /** The backup written, or null when today's existed — or when the check found a violation (no backup of bad books). */
  backup: { created: string | null; deleted: string[] } | null;
}

/** The full check first (a violation stops the counter and takes no backup), then the day's verified backup. */
export async function checkedBackup(input: CheckedBackupInput): Promise<CheckedBackupOutput> {
  const check = fullCheck(input);
  if (check.violations.length > 0) return { ...check, backup: null };
  // The main thread's instant, never this thread's clock: it decided by the same one whether today's backup was taken.
  const backup = await runDailyBackup(input.file, input.backupsDir, {
    now: input.now,
    timezone: input.timezone,
    ...(input.nativeBinding ? { nativeBinding: input.nativeBinding } : {}),
  });
  return { ...check, backup };
}
