/**
 * Staff: the register's cashiers and managers, their PINs (scrypt) and the
 * one signed-in session.
 *
 * Split from the register so that who-may-do-what lives in one place; the
 * register core (register.ts) owns the database and the clock. The count of
 * wrong PIN tries and the lock it sets live apart in pin-lockout.ts: Staff
 * decides whose PIN counts against which scope, the lockout counts.
 */
import type { CashierView, ParsedCommandInput } from '../../../shared/contract';
import type { StaffView } from '../../../shared/contract-manager';
import { randomEventId } from '../../../shared/engine/index';
import { AppError } from './errors';
import { msg } from '../../../shared/messages/catalogue';
import { hashPin, verifyPin } from './pin';
import { refuseManagersPin } from './pin-clash';
import { MANAGER_LOCK_SCOPE, PinLockout } from './pin-lockout';
import type { RegisterBackend } from './register';

/** app_meta: who last signed in at this register (the sign-in screen preselects them). */
export const LAST_CASHIER_META = 'register.lastCashierId';

/** A manager PIN that was right, and the hash it matched (a PIN change compares against it: `manager.changePin`). */
export interface ManagerProof {
  manager: CashierView;
  pinHash: string;
}

export class Staff {
  private session: CashierView | null = null;
  private readonly sessionEndListeners = new Set<(cashierId: string) => void>();
  private readonly lockout: PinLockout;

  constructor(private readonly core: RegisterBackend) {
    this.lockout = new PinLockout(core);
  }

  private get db() {
    return this.core.db;
  }

  /** The signed-in cashier, if any. */
  get current(): CashierView | null {
    return this.session;
  }

  /** Who may sign in: the people not disabled. */
  listCashiers(): CashierView[] {
    return this.core.sql('SELECT id, name, role FROM cashiers WHERE disabled_at IS NULL ORDER BY role DESC, name').all() as CashierView[];
  }

  /** The sign-in screen: who may sign in, and who last signed in at this register (preselected). */
  signInChoices(): { cashiers: CashierView[]; lastCashierId: string | null } {
    const cashiers = this.listCashiers();
    const last = this.core.meta(LAST_CASHIER_META) ?? null;
    return { cashiers, lastCashierId: last !== null && cashiers.some((c) => c.id === last) ? last : null };
  }

  /** Everyone, the disabled included (the staff section of the manager console). */
  listStaff(): StaffView[] {
    const rows = this.core
      .sql(
        `SELECT c.id, c.name, c.role, c.created_at, c.disabled_at, b.name AS created_by_name, d.name AS disabled_by_name
         FROM cashiers c LEFT JOIN cashiers b ON b.id = c.created_by LEFT JOIN cashiers d ON d.id = c.disabled_by
         ORDER BY c.disabled_at IS NOT NULL, c.role DESC, c.name`,
      )
      .all() as {
      id: string;
      name: string;
      role: 'cashier' | 'manager';
      created_at: number;
      disabled_at: number | null;
      created_by_name: string | null;
      disabled_by_name: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      createdAt: r.created_at,
      createdByName: r.created_by_name,
      disabledAt: r.disabled_at,
      disabledByName: r.disabled_by_name,
    }));
  }

  /** A person by id, disabled or not (names in history never disappear). */
  person(cashierId: string): (CashierView & { disabledAt: number | null }) | undefined {
    const row = this.core.sql('SELECT id, name, role, disabled_at FROM cashiers WHERE id = ?').get(cashierId) as
      | { id: string; name: string; role: 'cashier' | 'manager'; disabled_at: number | null }
      | undefined;
    return row ? { id: row.id, name: row.name, role: row.role, disabledAt: row.disabled_at } : undefined;
  }

  /** A name for the screen and the paper: the person's name, or (a row older than staff) the id. */
  nameOf(cashierId: string | null): string | null {
    if (cashierId === null) return null;
    return (this.core.sql('SELECT name FROM cashiers WHERE id = ?').get(cashierId) as { name: string } | undefined)?.name ?? cashierId;
  }

  private requirePerson(cashierId: string) {
    const person = this.person(cashierId);
    if (!person) throw new AppError('not-found', msg('staff.notFound', { cashierId }));
    return person;
  }

  /** Renames; the new name must be free. Returns the old name (for the audit row). Call inside a transaction. */
  rename(cashierId: string, name: string): { before: string } {
    const person = this.requirePerson(cashierId);
    if (person.name === name) return { before: person.name };
    if (this.core.sql('SELECT 1 FROM cashiers WHERE name = ? AND id <> ?').get(name, cashierId)) {
      throw new AppError('rule', msg('staff.duplicateName', { name }), { rule: 'duplicate-cashier' });
    }
    this.core.sql('UPDATE cashiers SET name = ? WHERE id = ?').run(name, cashierId);
    if (this.session?.id === cashierId) this.session = { ...this.session, name };
    return { before: person.name };
  }

  /**
   * Disables (or enables again) a person. Refused for the approving manager and for the
   * last manager who can still sign in (nobody could approve anything after).
   * Call inside a transaction; call `endSessionsOf` after it commits.
   */
  setDisabled(cashierId: string, disabled: boolean, by: CashierView): { changed: boolean } {
    const person = this.requirePerson(cashierId);
    if ((person.disabledAt !== null) === disabled) return { changed: false };
    if (disabled) {
      if (cashierId === by.id) {
        throw new AppError('rule', msg('staff.cannotDisableSelf'), { rule: 'cannot-disable-self' });
      }
      if (person.role === 'manager') {
        const others = this.core.sql("SELECT count(*) AS n FROM cashiers WHERE role = 'manager' AND disabled_at IS NULL AND id <> ?").get(cashierId) as { n: number };
        if (others.n === 0) throw new AppError('rule', msg('staff.lastManager'), { rule: 'last-manager' });
      }
      this.core.sql('UPDATE cashiers SET disabled_at = ?, disabled_by = ? WHERE id = ?').run(this.core.wallNow(), by.id, cashierId);
    } else {
      this.core.sql('UPDATE cashiers SET disabled_at = NULL, disabled_by = NULL WHERE id = ?').run(cashierId);
    }
    return { changed: true };
  }

  /** Sets a new PIN for a person (hash computed before, outside any transaction). Call inside a transaction. */
  setPinHash(cashierId: string, pinHash: string): void {
    this.requirePerson(cashierId);
    this.core.sql('UPDATE cashiers SET pin_hash = ? WHERE id = ?').run(pinHash, cashierId);
    // A forgotten PIN is usually why it is reset: the person's lockout ends with it.
    const person = this.person(cashierId)!;
    if (person.role !== 'manager') this.lockout.clear(PinLockout.lockScope(person));
  }

  /** The hash of a person's new PIN; a cashier's may not be an enabled manager's (app/pin-clash.ts). */
  async hashNewPin(pin: string, role: 'cashier' | 'manager'): Promise<string> {
    if (role === 'cashier') await refuseManagersPin((text) => this.core.sql(text), pin);
    return hashPin(pin, this.core.scryptCost);
  }

  /**
   * Adds a person (the staff section; the caller has checked who approves).
   * `within` runs inside the insert's transaction, after the insert (the
   * audit row, the re-checks after the awaits): if it throws, nobody is added.
   */
  addPerson(input: { name: string; pin: string; role: 'cashier' | 'manager'; createdBy: string }, within?: (person: CashierView) => void): Promise<CashierView> {
    return this.insertCashier(input, within);
  }

  private cashierCount(): number {
    return (this.core.sql('SELECT count(*) AS n FROM cashiers').get() as { n: number }).n;
  }

  private async insertCashier(
    input: { name: string; pin: string; role: 'cashier' | 'manager'; createdBy: string | null },
    within?: (person: CashierView) => void,
  ): Promise<CashierView> {
    const pinHash = await this.hashNewPin(input.pin, input.role);
    const id = `c-${randomEventId().slice(0, 8)}`;
    const person: CashierView = { id, name: input.name, role: input.role };
    // Everything is checked again here, after the hash was awaited (docs/security.md "Parallel commands").
    const create = this.db.transaction(() => {
      // Setup first: a second first-manager sent at once is told setup is done, not that the name is taken.
      if (input.createdBy === null && this.cashierCount() > 0) {
        throw new AppError('rule', msg('staff.setupDone'), { rule: 'setup-done' });
      }
      if (this.core.sql('SELECT 1 FROM cashiers WHERE name = ?').get(input.name)) {
        throw new AppError('rule', msg('staff.duplicateName', { name: input.name }), { rule: 'duplicate-cashier' });
      }
      this.db
        .prepare('INSERT INTO cashiers (id, name, role, pin_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, input.name, input.role, pinHash, this.core.wallNow(), input.createdBy);
      within?.(person);
    });
    create();
    return person;
  }

  /** First run: the first manager, allowed only while no cashier exists. Signs them in. */
  async createFirstManager(input: { name: string; pin: string }): Promise<CashierView> {
    if (this.cashierCount() > 0) throw new AppError('rule', msg('staff.setupDone'), { rule: 'setup-done' });
    const manager = await this.insertCashier({ ...input, role: 'manager', createdBy: null });
    this.session = manager;
    this.rememberLastCashier(manager.id);
    this.core.notifyChanged();
    return manager;
  }

  async createCashier(input: ParsedCommandInput<'cashiers.create'>): Promise<CashierView> {
    const session = this.requireSession();
    const manager = await this.checkManagerPin(input.managerPin);
    this.requireSameSession(session);
    const cashier = await this.insertCashier({ name: input.name, pin: input.pin, role: input.role, createdBy: manager.id }, () => {
      this.requireSameSession(session);
      this.requireApprover(manager);
    });
    this.core.notifyChanged();
    return cashier;
  }

  /** Any manager's PIN approves; 5 wrong tries lock manager approval (and managers' sign-in) for 5 minutes (persisted). */
  async checkManagerPin(pin: string): Promise<CashierView> {
    return (await this.proveManagerPin(pin)).manager;
  }

  /** `checkManagerPin`, with the hash the PIN matched. */
  proveManagerPin(pin: string): Promise<ManagerProof> {
    const scope = MANAGER_LOCK_SCOPE;
    return this.lockout.oneAtATime(scope, async () => {
      const reserved = this.lockout.reserveTry(scope);
      // A disabled manager's PIN approves nothing.
      const managers = this.core.sql("SELECT id, name, role, pin_hash FROM cashiers WHERE role = 'manager' AND disabled_at IS NULL ORDER BY created_at").all() as (CashierView & {
        pin_hash: string;
      })[];
      for (const m of managers) {
        if (await verifyPin(pin, m.pin_hash)) {
          // Read again after the await: disabled or given a new PIN meanwhile, the old PIN approves nothing.
          this.requireUnchanged(m.id, m.pin_hash, true);
          this.lockout.rightPin(scope);
          return { manager: { id: m.id, name: m.name, role: m.role }, pinHash: m.pin_hash };
        }
      }
      return this.lockout.wrongPin(scope, 'manager', reserved);
    });
  }

  /**
   * After an awaited PIN check: the person must still be enabled (and a
   * manager, for approval) with the very hash the PIN matched. Throws
   * `approver-disabled` / `cashier-disabled`, or `wrong-pin` saying the PIN
   * was changed meanwhile; the reserved try stays counted.
   */
  private requireUnchanged(cashierId: string, pinHash: string, approving: boolean): void {
    const now = this.core.sql('SELECT name, role, pin_hash, disabled_at FROM cashiers WHERE id = ?').get(cashierId) as
      | { name: string; role: string; pin_hash: string; disabled_at: number | null }
      | undefined;
    if (!now) throw new AppError('not-found', msg('staff.notFound', { cashierId }));
    if (now.disabled_at !== null || (approving && now.role !== 'manager')) {
      if (approving) throw new AppError('rule', msg('staff.approverDisabled', { name: now.name }), { rule: 'approver-disabled' });
      throw new AppError('rule', msg('staff.disabled', { name: now.name }), { rule: 'cashier-disabled' });
    }
    if (now.pin_hash !== pinHash) throw new AppError('wrong-pin', msg('pin.changedMeanwhile'));
  }

  /**
   * Inside the transaction of a change a manager approved earlier (before an
   * await): that manager must still be an enabled manager.
   */
  requireApprover(manager: CashierView): void {
    const now = this.person(manager.id);
    if (!now || now.disabledAt !== null || now.role !== 'manager') {
      throw new AppError('rule', msg('staff.approverDisabled', { name: now?.name ?? manager.name }), { rule: 'approver-disabled' });
    }
  }

  /**
   * After an await: the counter session the command started under must
   * still be the one signed in (not signed out, not ended by a disable or a
   * PIN reset, nobody else signed in meanwhile); else nothing is done.
   */
  requireSameSession(started: CashierView): CashierView {
    if (this.session?.id !== started.id) throw new AppError('not-signed-in', msg('session.endedMeanwhile'));
    return this.session;
  }

  async signIn(input: ParsedCommandInput<'session.signIn'>): Promise<CashierView> {
    const read = () =>
      this.core.sql('SELECT id, name, role, pin_hash, disabled_at FROM cashiers WHERE id = ?').get(input.cashierId) as
        | (CashierView & { pin_hash: string; disabled_at: number | null })
        | undefined;
    const first = read();
    if (!first) throw new AppError('not-found', msg('staff.notFound', { cashierId: input.cashierId }));
    const scope = PinLockout.lockScope(first);
    return this.lockout.oneAtATime(scope, async () => {
      // Read at this try's turn: an earlier try may have waited while the person changed.
      const row = read();
      if (!row) throw new AppError('not-found', msg('staff.notFound', { cashierId: input.cashierId }));
      // Checked before the PIN: a disabled person learns nothing about their PIN here.
      if (row.disabled_at !== null) throw new AppError('rule', msg('staff.disabled', { name: row.name }), { rule: 'cashier-disabled' });
      const reserved = this.lockout.reserveTry(scope);
      if (!(await verifyPin(input.pin, row.pin_hash))) this.lockout.wrongPin(scope, 'sign-in', reserved);
      // Disabled or given a new PIN while the PIN was checked: not signed in.
      this.requireUnchanged(row.id, row.pin_hash, false);
      this.lockout.rightPin(scope);
      this.session = { id: row.id, name: row.name, role: row.role };
      this.rememberLastCashier(row.id);
      this.core.notifyChanged();
      return this.session;
    });
  }

  /**
   * Ends the counter session of this person at once (their PIN changed, they
   * were disabled or removed) and tells every listener (the manager console
   * ends the console sessions they unlocked or that run under them).
   * `keepCounter`: the person at the counter just proved the new PIN's owner
   * is present (they changed their own PIN), so their counter session stays.
   */
  endSessionsOf(cashierId: string, options: { keepCounter?: boolean } = {}): void {
    for (const listener of [...this.sessionEndListeners]) listener(cashierId);
    if (!options.keepCounter && this.session?.id === cashierId) this.session = null;
    this.core.notifyChanged();
  }

  /** Called by `endSessionsOf` with the person whose sessions end (the manager console subscribes). */
  onSessionsEnded(listener: (cashierId: string) => void): () => void {
    this.sessionEndListeners.add(listener);
    return () => this.sessionEndListeners.delete(listener);
  }

  /** The sign-in screen preselects whoever last signed in here. */
  private rememberLastCashier(cashierId: string): void {
    this.core
      .sql('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(LAST_CASHIER_META, cashierId);
  }

  signOut(): null {
    this.session = null;
    this.core.notifyChanged();
    return null;
  }

  requireSession(): CashierView {
    if (!this.session) throw new AppError('not-signed-in', msg('session.notSignedIn'));
    return this.session;
  }
}
