/**
 * The manager console's access rules: a manager session unlocked by any
 * manager's PIN (checked by the counter's own `checkManagerPin`, so the same
 * scrypt hashes and the same persisted 5-tries / 5-minutes lockout apply),
 * PIN changes, and the append-only `manager_audit` log (who, when, what).
 *
 * The session lives in this process's memory only, is bound to the cashier
 * signed in at the register when it was unlocked, and ends after
 * MANAGER_SESSION_MINUTES without a manager command (each one renews it),
 * MANAGER_SESSION_MAX_HOURS after it was unlocked whatever happens, when
 * that cashier signs out, on `manager.lock`, and at once when the PIN of
 * the manager who unlocked it changes or that manager (or the cashier it
 * runs under) is disabled or removed (`Staff.endSessionsOf`).
 *
 * Both limits are measured on a MONOTONIC clock (performance.now()), never
 * on the wall clock: moving the PC's clock neither extends a session nor
 * brings an expired one back.
 */
import type { CashierView, ClockStatus } from '../../../shared/contract';
import type { ManagerSessionView } from '../../../shared/contract-manager';
import { cryptoRandom, randomEventId, type EngineContext } from '../../../shared/engine/index';
import { AppError } from '../app/errors';
import { msg, type Message } from '../../../shared/messages/catalogue';
import type { CommandIssue } from '../../../shared/contract';
import { DEFAULT_SCRYPT, hashPin } from '../app/pin';
import type { RegisterBackend } from '../app/register';
import type { ManagerProof } from '../app/staff';
import type { SecretBox } from '../sync/config';

export const MANAGER_SESSION_MINUTES = 10;
/** A console session ends this long after its unlock, renewed or not. */
export const MANAGER_SESSION_MAX_HOURS = 8;

/** A clock that only moves forward (ms); not the wall clock. */
export const monotonicNow = (): number => performance.now();

export interface ManagerOptions {
  /** Where the sync token is encrypted (Electron: safeStorage). Without one, saving a token is refused. */
  secretBox?: SecretBox | null;
  /** scrypt cost for a changed PIN (tests lower it). */
  scryptCost?: { N: number; r: number; p: number };
  sessionMinutes?: number;
  /** The monotonic clock sessions expire on (tests drive it; default performance.now). */
  monotonicNow?: () => number;
}

interface Session {
  manager: CashierView;
  cashierId: string;
  /** Monotonic instants: the idle deadline (renewed by each command) and the absolute cap. */
  idleUntil: number;
  capUntil: number;
}

export class ManagerConsole {
  private session: Session | null = null;
  /** How many times the console was locked: a PIN check that was in flight across a lock opens no session. */
  private locks = 0;
  readonly secretBox: SecretBox | null;
  private readonly scryptCost: { N: number; r: number; p: number };
  private readonly sessionMs: number;
  private readonly mono: () => number;

  constructor(
    readonly backend: RegisterBackend,
    options: ManagerOptions = {},
  ) {
    this.secretBox = options.secretBox ?? null;
    this.scryptCost = options.scryptCost ?? DEFAULT_SCRYPT;
    this.sessionMs = (options.sessionMinutes ?? MANAGER_SESSION_MINUTES) * 60_000;
    this.mono = options.monotonicNow ?? monotonicNow;
    // Sign-out (or another cashier signing in) ends the session at once.
    backend.onChange(() => {
      if (this.session && this.backend.cashier?.id !== this.session.cashierId) this.session = null;
    });
    backend.staff.onSessionsEnded((cashierId) => this.endSessionsOf(cashierId));
  }

  /** Ends the console session unlocked by this person or running under their counter session. */
  endSessionsOf(cashierId: string): void {
    if (this.session && (this.session.manager.id === cashierId || this.session.cashierId === cashierId)) this.session = null;
  }

  get db() {
    return this.backend.db;
  }

  /** The counter's clock for reading and audit rows (never refuses; stamping goes through backend.now()). */
  now(): number {
    return this.backend.viewNow();
  }

  /** An engine context for this register (settings changes; no randomness is drawn there). */
  engineContext(): EngineContext {
    return { store: this.backend.store, queueId: this.backend.queueId, timezone: this.backend.timezone, random: cryptoRandom(), newEventId: randomEventId };
  }

  // -------------------------------------------------------------------------
  // Audit.

  /**
   * One row of the manager audit log; call it inside the transaction of the
   * change it describes. With an approving manager it is also the re-check
   * after the command's awaits (docs/security.md "Parallel commands"): the
   * counter must still be signed in and the manager still an enabled
   * manager, else the transaction rolls back and nothing is written.
   * `afterTheFact`: the change already happened outside this process (the
   * enrolment spent its code at the server); the row is written regardless.
   */
  audit(manager: CashierView | null, action: string, detail: unknown, options: { afterTheFact?: boolean } = {}): void {
    if (manager && !options.afterTheFact) {
      if (!this.backend.cashier) throw new AppError('not-signed-in', msg('session.endedMeanwhile'));
      this.backend.staff.requireApprover(manager);
    }
    this.db
      .prepare('INSERT INTO manager_audit (at, manager_id, cashier_id, action, detail) VALUES (?, ?, ?, ?, ?)')
      .run(this.now(), manager?.id ?? null, this.backend.cashier?.id ?? null, action, JSON.stringify(detail ?? {}));
  }

  // -------------------------------------------------------------------------
  // PIN and session.

  /** The counter's manager-PIN check; a wrong PIN (or a try while locked) is also written to the audit log. */
  async verifyPin(pin: string, purpose: string): Promise<CashierView> {
    return (await this.provePin(pin, purpose)).manager;
  }

  /** `verifyPin`, with the hash the PIN matched. */
  private async provePin(pin: string, purpose: string): Promise<ManagerProof> {
    try {
      return await this.backend.staff.proveManagerPin(pin);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'wrong-pin' || error.code === 'locked')) {
        this.audit(null, error.code === 'locked' ? 'pin.locked' : 'pin.wrong', { purpose, lockedUntil: error.extra.lockedUntil ?? null });
      }
      throw error;
    }
  }

  private currentSession(): Session | null {
    const s = this.session;
    if (!s) return null;
    const mono = this.mono();
    if (s.idleUntil <= mono || s.capUntil <= mono || this.backend.cashier?.id !== s.cashierId) {
      this.session = null;
      return null;
    }
    return s;
  }

  /** `expiresAt` is shown as a wall-clock time: now + what is left on the monotonic clock. */
  private view(s: Session): ManagerSessionView {
    const left = Math.max(0, Math.min(s.idleUntil, s.capUntil) - this.mono());
    return { managerId: s.manager.id, name: s.manager.name, expiresAt: this.backend.wallNow() + left };
  }

  private newSession(manager: CashierView, cashierId: string): Session {
    const mono = this.mono();
    return { manager, cashierId, idleUntil: mono + this.sessionMs, capUntil: mono + MANAGER_SESSION_MAX_HOURS * 3_600_000 };
  }

  async unlock(pin: string): Promise<ManagerSessionView> {
    const cashier = this.backend.requireSession();
    const manager = await this.verifyPin(pin, 'unlock');
    // Signed out while the PIN was checked: no console under nobody.
    this.backend.staff.requireSameSession(cashier);
    this.session = this.newSession(manager, cashier.id);
    const view = this.view(this.session);
    this.audit(manager, 'console.unlock', { expiresAt: view.expiresAt });
    return view;
  }

  lock(): null {
    this.locks += 1;
    const s = this.currentSession();
    if (s) this.audit(s.manager, 'console.lock', {});
    this.session = null;
    return null;
  }

  sessionState(): { unlocked: boolean; session: ManagerSessionView | null } {
    const s = this.currentSession();
    return { unlocked: s !== null, session: s ? this.view(s) : null };
  }

  /**
   * Who approves this command: the manager whose PIN came with it, or the
   * unlocked session's manager (renewed). Anything else is refused before
   * the command reads or writes anything.
   */
  async authorize(managerPin: string | undefined, purpose: string): Promise<CashierView> {
    const cashier = this.backend.requireSession();
    if (managerPin !== undefined) {
      const locks = this.locks;
      const manager = await this.verifyPin(managerPin, purpose);
      // The PIN check awaited: signed out meanwhile (or the session ended), the command does nothing.
      this.backend.staff.requireSameSession(cashier);
      // 锁定 pressed while the PIN was checked wins: the command runs (its PIN approved it), the console stays locked.
      if (this.locks === locks) this.session = this.newSession(manager, cashier.id);
      return manager;
    }
    const s = this.currentSession();
    if (!s) throw new AppError('rule', msg('manager.pinRequired'), { rule: 'manager-pin-required' });
    s.idleUntil = this.mono() + this.sessionMs;
    return s.manager;
  }

  /** The counter stopped on its clock: a manager (by PIN) accepts the wall clock as it is; audited. */
  async confirmClock(managerPin: string): Promise<ClockStatus> {
    const manager = await this.authorize(managerPin, 'clock.confirm');
    const confirmed = this.db.transaction(() => {
      const before = this.backend.clock.confirm();
      this.audit(manager, 'clock.confirm', before);
      return before;
    })();
    this.backend.log.warn(`clock confirmed by ${manager.id}: ${confirmed.state}, wall ${confirmed.wallAt}, last operation ${confirmed.lastOperationAt}`);
    this.backend.notifyChanged();
    return confirmed;
  }

  async changePin(currentPin: string, newPin: string): Promise<{ managerId: string }> {
    this.backend.requireSession();
    const { manager, pinHash } = await this.provePin(currentPin, 'change-pin');
    const hash = await hashPin(newPin, this.scryptCost);
    this.db.transaction(() => {
      // Only from the PIN this command proved: two changes from the same current PIN at once make one change,
      // the other is refused (its current PIN is no longer current), never a silent overwrite.
      const changed = this.db.prepare("UPDATE cashiers SET pin_hash = ? WHERE id = ? AND role = 'manager' AND pin_hash = ?").run(hash, manager.id, pinHash);
      if (changed.changes === 0) throw new AppError('wrong-pin', msg('pin.changedMeanwhile'));
      this.audit(manager, 'pin.change', { managerId: manager.id });
    })();
    // Whoever unlocked the console with the old PIN must prove the new one;
    // the person at the counter, if it is this manager, just did.
    this.backend.staff.endSessionsOf(manager.id, { keepCounter: this.backend.cashier?.id === manager.id });
    return { managerId: manager.id };
  }
}

/** Raised when a manager input passes the contract's schema but not a rule only the backend can check. */
export class ManagerInputError extends AppError {
  constructor(reason: Message, issues: CommandIssue[], rule = 'invalid-input') {
    super('rule', reason, { rule, issues });
  }
}

const consoles = new WeakMap<RegisterBackend, ManagerConsole>();

/** Sets up the console of a register (the shell passes its safeStorage SecretBox). Replaces any earlier one. */
export function configureManager(backend: RegisterBackend, options: ManagerOptions = {}): ManagerConsole {
  const console = new ManagerConsole(backend, options);
  consoles.set(backend, console);
  return console;
}

/** The register's console (created with defaults the first time: no SecretBox, so sync tokens cannot be saved). */
export function managerFor(backend: RegisterBackend): ManagerConsole {
  return consoles.get(backend) ?? configureManager(backend);
}
