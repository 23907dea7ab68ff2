/**
 * The PIN lockout: a persisted count of wrong PIN tries per scope
 * (`pin_lockouts`), the lock it sets after PIN_MAX_FAILURES, and the rule
 * that the checks of one scope run one at a time (docs/security.md §1 and
 * "Parallel commands").
 *
 * Apart from staff.ts because it is a security mechanism with its own
 * invariants (a try is counted BEFORE the slow scrypt; a late wrong PIN
 * never clears or shortens a lock; parallel right PINs never lock each other
 * out) that do not depend on who the people are: Staff decides whose PIN is
 * checked against which scope and what a right PIN unlocks; this module only
 * counts, locks and queues. Kept small so it can be read, and tested, alone.
 */
import { AppError } from './errors';
import { msg } from '../../../shared/messages/catalogue';
import type { RegisterBackend } from './register';

/** Wrong PIN tries in a row before the scope locks, and for how long. */
export const PIN_MAX_FAILURES = 5;
export const PIN_LOCK_MS = 5 * 60 * 1000;
/** The lockout scope of manager approval and of every manager's sign-in. */
export const MANAGER_LOCK_SCOPE = 'manager';

/** A reserved try: the count including it, and the lock it set (if it was the last one allowed). */
export interface ReservedTry {
  failures: number;
  lockedUntil: number | null;
  now: number;
}

/** What the lockout needs of the register core: the database, the raw wall clock (`wallNow`) and the log. */
export type LockoutCore = Pick<RegisterBackend, 'db' | 'sql' | 'wallNow' | 'log'>;

export class PinLockout {
  /** The tail of each lockout scope's PIN checks (`oneAtATime`). */
  private readonly pinChecks = new Map<string, Promise<void>>();

  constructor(private readonly core: LockoutCore) {}

  private get db() {
    return this.core.db;
  }

  /**
   * Whose lockout a person's PIN counts against. Managers share ONE scope
   * for their sign-in PIN and for manager approval (which any manager's PIN
   * gives), so a manager PIN cannot be guessed at twice the rate by
   * alternating the sign-in screen and the refund dialog. Cashiers lock
   * per person.
   */
  static lockScope(person: { id: string; role: string }): string {
    return person.role === 'manager' ? MANAGER_LOCK_SCOPE : `signin:${person.id}`;
  }

  private lockState(scope: string): { failures: number; lockedUntil: number | null } {
    const row = this.core.sql('SELECT failures, locked_until FROM pin_lockouts WHERE scope = ?').get(scope) as
      | { failures: number; locked_until: number | null }
      | undefined;
    return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? null };
  }

  private lockedError(lockedUntil: number): AppError {
    return new AppError('locked', msg('pin.locked', { until: lockedUntil }), { lockedUntil });
  }

  /**
   * Reserves one PIN try BEFORE the slow scrypt check, in one synchronous
   * transaction: the try is counted as wrong up front, and the try that
   * reaches PIN_MAX_FAILURES sets the lock at once. Parallel tries (the IPC
   * handler runs invokes concurrently) therefore see each other's
   * reservations: exactly PIN_MAX_FAILURES tries are ever checked per lock
   * window, whatever their order of completion. A right PIN clears the count
   * afterwards (`rightPin`); a wrong one has nothing left to write, so a
   * late wrong PIN can never clear or shorten a lock.
   */
  reserveTry(scope: string): ReservedTry {
    const now = this.core.wallNow();
    return this.db.transaction(() => {
      const current = this.lockState(scope);
      if (current.lockedUntil !== null && current.lockedUntil > now) throw this.lockedError(current.lockedUntil);
      // A lock that has run out starts a fresh count.
      const base = current.lockedUntil !== null ? 0 : current.failures;
      const failures = base + 1;
      const lockedUntil = failures >= PIN_MAX_FAILURES ? now + PIN_LOCK_MS : null;
      this.core
        .sql(
          `INSERT INTO pin_lockouts (scope, failures, locked_until) VALUES (?, ?, ?)
           ON CONFLICT (scope) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
        )
        .run(scope, failures, lockedUntil);
      return { failures, lockedUntil, now };
    })();
  }

  /** The reserved try was wrong: it is already counted, so this only reports it. */
  wrongPin(scope: string, what: string, reserved: { failures: number; lockedUntil: number | null }): never {
    this.core.log.warn(`wrong ${what} PIN (${scope}), ${reserved.failures} in a row`);
    if (reserved.lockedUntil !== null) {
      throw new AppError('locked', msg('pin.lockedNow', { until: reserved.lockedUntil, lockMinutes: PIN_LOCK_MS / 60_000 }), {
        lockedUntil: reserved.lockedUntil,
      });
    }
    const tries = { triesLeft: PIN_MAX_FAILURES - reserved.failures, lockMinutes: PIN_LOCK_MS / 60_000 };
    throw new AppError('wrong-pin', what === 'manager' ? msg('pin.wrongManager', tries) : msg('pin.wrong', tries));
  }

  /** The reserved try was right: the count (and any lock) of the scope ends. */
  rightPin(scope: string): void {
    this.clear(scope);
  }

  /** Forgets the scope's count and lock (a right PIN; a cashier's PIN reset by a manager). */
  clear(scope: string): void {
    this.core.sql('DELETE FROM pin_lockouts WHERE scope = ?').run(scope);
  }

  /**
   * Runs the PIN checks of one lockout scope one after another. Each try is
   * still reserved before its scrypt (`reserveTry`), but parallel tries of
   * a RIGHT PIN no longer see each other's reservations as failures: before,
   * 16 refunds sent at once with the right PIN reserved 16 tries up front,
   * the 5th set the lock and 11 were refused as 'locked' (nobody had typed
   * a wrong PIN). One at a time, every right PIN passes and clears the
   * count; wrong ones still lock after exactly PIN_MAX_FAILURES checks. An
   * idle scope starts the check at once (synchronously), as before.
   */
  oneAtATime<T>(scope: string, check: () => Promise<T>): Promise<T> {
    const before = this.pinChecks.get(scope);
    const run = before ? before.then(check) : check();
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.pinChecks.set(scope, tail);
    void tail.then(() => {
      if (this.pinChecks.get(scope) === tail) this.pinChecks.delete(scope);
    });
    return run;
  }
}
