/**
 * The full ledger check in the background (issue 15 §2): every invariant of
 * `verify.ts` plus SQLite's quick_check and foreign-key check, run in a
 * worker thread on its own read-only connection — after start-up, before
 * every backup, and on demand (`pos verify` runs the same check from the
 * command line). When it passes, the counter's connection records the
 * verified checkpoint, so the next start-up checks only what came after.
 *
 * A violation stops the counter as a failed start-up check does: every
 * command but the status is refused from then on (handlers.ts), and the shell
 * is told so it shows the refusal page.
 */
import type { Violation } from '../store/verify';
import { writeCheckpoints } from '../store/verify-since';
import type { CheckedBackupOutput, FullCheckOutput } from '../heavy/tasks';
import { runHeavy } from '../heavy/run';
import type { RegisterBackend } from './register';
import { todaysBackup } from './backups';
import { storageFault } from './storage-faults';

const halted = new WeakMap<RegisterBackend, Violation[]>();

/** The violations that stopped this register, or null while it may trade. */
export function haltedBy(backend: RegisterBackend): Violation[] | null {
  return halted.get(backend) ?? null;
}

export interface BackgroundCheckOptions {
  /** The shell shows the refusal page. */
  onViolation?: (violations: Violation[]) => void;
  nativeBinding?: string;
}

export class BackgroundCheck {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: RegisterBackend,
    private readonly file: string,
    private readonly options: BackgroundCheckOptions = {},
  ) {}

  /** The full check now (after any one already running). */
  check(): Promise<FullCheckOutput> {
    const next = this.running.then(() => this.settle(runHeavy('fullCheck', this.input()).promise));
    this.running = next.catch(() => undefined);
    return next;
  }

  /**
   * The full check, then today's verified backup if it passed (both in the worker). Not started when
   * the disk has no room for it beside the counter's own (storage.ts); either way the outcome is kept
   * for the manager's view (`status.storage.backupFailed`).
   */
  backup(backupsDir: string): Promise<CheckedBackupOutput> {
    const storage = this.backend.storage;
    const next = this.running.then(async () => {
      try {
        // The hourly look after today's backup was taken needs no room; before it, a backup that would eat
        // the counter's room is not started — but the ledger check still runs.
        // One reading of the register's clock decides "today" here and in the worker (todaysBackup).
        const now = this.backend.viewNow();
        const { taken } = todaysBackup(backupsDir, now, this.backend.timezone);
        const room = taken ? null : storage.backupRoomProblem();
        if (room) {
          try {
            await this.settle(runHeavy('fullCheck', this.input(now)).promise);
          } catch (error) {
            // Should the check itself fail for the full disk, the missing room is still what the manager must hear.
            if (!storageFault(error)) throw error;
            this.backend.log.warn(`the ledger check could not run on the full disk: ${(error as Error).message}`);
          }
          throw room;
        }
        const result = await this.settle(runHeavy('checkedBackup', { ...this.input(now), backupsDir, timezone: this.backend.timezone }).promise);
        storage.noteBackup(null);
        return result;
      } catch (error) {
        storage.noteBackup(error);
        throw error;
      }
    });
    this.running = next.catch(() => undefined);
    return next;
  }

  private input(now = this.backend.viewNow()) {
    return { file: this.file, now, ...(this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {}) };
  }

  private async settle<T extends FullCheckOutput>(work: Promise<T>): Promise<T> {
    const result = await work;
    if (result.violations.length > 0) {
      halted.set(this.backend, result.violations);
      this.backend.log.error(`the background ledger check found ${result.violations.length} problem(s): the counter is stopped`, result.violations);
      this.options.onViolation?.(result.violations);
    } else if (!this.backend.db.open) {
      // The register closed while the check ran: nothing to record.
    } else {
      try {
        writeCheckpoints(this.backend.db, result.checkpoints);
      } catch (error) {
        // A disk that takes no writes: the check passed all the same; the next one records its checkpoint.
        if (!storageFault(error)) throw error;
        this.backend.log.warn(`the ledger check passed; its checkpoint is not recorded (the disk refused the write): ${(error as Error).message}`);
      }
    }
    return result;
  }
}
