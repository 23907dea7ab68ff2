/**
 * The register: one database file, one cashier queue, the signed-in cashier
 * and the open shift. Every operation that changes money runs inside ONE
 * SQLite transaction together with everything it implies (engine rows,
 * ledger, outbox event, tenders, receipt print job), so a crash leaves either
 * all of it or none of it. See docs/app.md for the counter rules.
 *
 * Node only: never imports 'electron'. The shell (electron/shell/main.ts) and
 * the browser test harness drive it through `createCommandHandler`.
 */
import { createHash } from 'node:crypto';
import type {
  CashierView,
  CheckoutOutcome,
  CommandOutput,
  MemberView,
  ParsedCommandInput,
  ShiftReport,
  ShiftView,
  StatusSnapshot,
} from '../../../shared/contract';
import {
  advanceTo,
  checkout,
  complete,
  createQueue,
  cryptoRandom,
  draw,
  exchange,
  exchangeQuote,
  isValidTimezone,
  localParts,
  randomEventId,
  refund,
  type EngineContext,
  type Entry,
  type RandomSource,
} from '../../../shared/engine/index';
import { EMPTY_LAYERS, parseSettingsLayer, resolveSettings, type SettingsLayers } from '../../../shared/settings';
import { enqueueReceipt, jobCounts, jobPreview, readPrinterSettings, reprintOrder } from '../printing/index';
import { openDatabase, type Db } from '../store/database';
import { entryFromRow, SqliteQueueStore, type EntryRow } from '../store/queue-store';
import { AppError } from './errors';
import { hashPin, verifyPin, DEFAULT_SCRYPT } from './pin';
import { computeShiftReport } from './reports';
import { entryView, memberView, payoutView, ratioStepView, shiftView, type PayoutRow, type ShiftRow } from './views';
import { statement } from '../store/statements';

export const DEFAULT_QUEUE_ID = 'register-1';
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const META = {
  queueId: 'register.queueId',
  registerId: 'register.id',
  timezone: 'register.timezone',
  storeName: 'store.name',
  kiosk: 'window.kiosk',
  fullscreen: 'window.fullscreen',
} as const;

/** Wrong PIN tries in a row before the scope locks, and for how long. */
export const PIN_MAX_FAILURES = 5;
export const PIN_LOCK_MS = 5 * 60 * 1000;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.info(m),
  warn: (m) => console.warn(m),
  error: (m, e) => console.error(m, e),
};

/** What the sync client reports (electron/backend/sync/client.ts `SyncStatus`), structurally. */
export interface SyncStatusSource {
  connection: 'stopped' | 'connecting' | 'online' | 'offline';
  lastSyncAt: number | null;
  waiting: number;
  lastError: string | null;
}

/** What the print worker reports (electron/backend/printing/worker.ts `PrinterState`), structurally. */
export interface PrinterStateSource {
  configured: boolean;
  online: boolean | null;
  paper: string;
  coverOpen: boolean | null;
  lastError: string | null;
  jobs: { pending: number; printing: number; failed: number; previewed: number };
}

export interface RegisterOptions {
  /** The wall clock (tests pin it). */
  now?: () => number;
  random?: RandomSource;
  newEventId?: () => string;
  logger?: Logger;
  /** scrypt cost for new PINs (tests lower it; verification reads the cost from each hash). */
  scryptCost?: { N: number; r: number; p: number };
  nativeBinding?: string;
}

/** Order ids the engine accepts: 1–64 of letters, digits and . : # - / _ */
const SAFE_REGISTER_ID = /^[\w.-]{1,40}$/;

export class RegisterBackend {
  readonly store: SqliteQueueStore;
  readonly queueId: string;
  readonly registerId: string;
  readonly timezone: string;
  private session: CashierView | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly wallClock: () => number;
  private readonly random: RandomSource;
  private readonly newEventId: () => string;
  private readonly log: Logger;
  private readonly scryptCost: { N: number; r: number; p: number };
  private syncSource: (() => SyncStatusSource | null) | null = null;
  private printerSource: (() => PrinterStateSource | null) | null = null;

  /** Opens (and migrates) the database file and gets the register ready. */
  static open(file: string, options: RegisterOptions = {}): RegisterBackend {
    const db = openDatabase(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    try {
      return new RegisterBackend(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  constructor(
    readonly db: Db,
    options: RegisterOptions = {},
  ) {
    this.store = new SqliteQueueStore(db);
    this.wallClock = options.now ?? Date.now;
    this.random = options.random ?? cryptoRandom();
    this.newEventId = options.newEventId ?? randomEventId;
    this.log = options.logger ?? consoleLogger;
    this.scryptCost = options.scryptCost ?? DEFAULT_SCRYPT;
    this.queueId = this.meta(META.queueId) ?? DEFAULT_QUEUE_ID;
    const registerId = this.meta(META.registerId) ?? this.queueId;
    this.registerId = SAFE_REGISTER_ID.test(registerId) ? registerId : 'R';
    const timezone = this.meta(META.timezone) ?? DEFAULT_TIMEZONE;
    this.timezone = isValidTimezone(timezone) ? timezone : DEFAULT_TIMEZONE;
    this.ensureQueue();
    // A scheduled reset missed while the app was closed is applied now, once.
    this.tick();
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  // -------------------------------------------------------------------------
  // Plumbing.

  meta(key: string): string | undefined {
    return (this.sql('SELECT value FROM app_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  /** Called after every committed change (status bar, print worker kick). */
  /** A statement compiled once for this connection (the counter runs the same SQL for every sale). */
  private sql(text: string) {
    return statement(this.db, text);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.log.error('a change listener failed', error);
      }
    }
  }

  setStatusSources(sources: { sync?: () => SyncStatusSource | null; printer?: () => PrinterStateSource | null }): void {
    if (sources.sync) this.syncSource = sources.sync;
    if (sources.printer) this.printerSource = sources.printer;
  }

  private ctx(): EngineContext {
    return { store: this.store, queueId: this.queueId, timezone: this.timezone, random: this.random, newEventId: this.newEventId };
  }

  /**
   * The counter's clock: the wall clock, but never before the queue's last
   * operation. A PC clock stepping back (NTP, a dead CMOS battery, a manual
   * change) must not refuse sales; the sale is stamped at the last known
   * instant instead, and the order keeps the line's time order.
   */
  now(): number {
    const clock = this.store.loadQueue(this.queueId)?.clock ?? 0;
    return Math.max(this.wallClock(), clock);
  }

  private ensureQueue(): void {
    if (this.store.loadQueue(this.queueId)) return;
    this.store.transaction(() => createQueue(this.store, this.queueId, this.initialLayers(), this.wallClock()));
    this.log.info(`created queue ${this.queueId}`);
  }

  /** A new queue starts from the platform base layer the sync last received, if any. */
  private initialLayers(): SettingsLayers {
    const hasSyncState = this.sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'").get();
    if (!hasSyncState) return EMPTY_LAYERS;
    const row = this.sql('SELECT base_settings FROM sync_state WHERE id = 1').get() as { base_settings: string | null } | undefined;
    if (!row?.base_settings) return EMPTY_LAYERS;
    try {
      return { base: parseSettingsLayer(JSON.parse(row.base_settings)), cashier: {} };
    } catch (error) {
      this.log.warn(`ignoring the stored platform base settings: ${(error as Error).message}`);
      return EMPTY_LAYERS;
    }
  }

  /** Applies what fell due (automatic completions, missed resets). The shell calls this every minute. */
  tick(): void {
    const before = this.store.loadQueue(this.queueId);
    this.store.transaction(() => advanceTo(this.ctx(), this.now()));
    const after = this.store.loadQueue(this.queueId);
    if (before && after && (before.waitingCount !== after.waitingCount || before.owedFen !== after.owedFen || before.extractedFen !== after.extractedFen)) {
      this.changed();
    }
  }

  // -------------------------------------------------------------------------
  // Cashiers, PINs and the session.

  listCashiers(): CashierView[] {
    return this.sql('SELECT id, name, role FROM cashiers ORDER BY role DESC, name').all() as CashierView[];
  }

  private cashierCount(): number {
    return (this.sql('SELECT count(*) AS n FROM cashiers').get() as { n: number }).n;
  }

  private async insertCashier(input: { name: string; pin: string; role: 'cashier' | 'manager'; createdBy: string | null }): Promise<CashierView> {
    const pinHash = await hashPin(input.pin, this.scryptCost);
    const id = `c-${randomEventId().slice(0, 8)}`;
    const create = this.db.transaction(() => {
      if (this.sql('SELECT 1 FROM cashiers WHERE name = ?').get(input.name)) {
        throw new AppError('rule', `a cashier named "${input.name}" already exists`, { rule: 'duplicate-cashier' });
      }
      if (input.createdBy === null && this.cashierCount() > 0) {
        throw new AppError('rule', 'the first manager already exists; a manager adds cashiers', { rule: 'setup-done' });
      }
      this.db
        .prepare('INSERT INTO cashiers (id, name, role, pin_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, input.name, input.role, pinHash, this.wallClock(), input.createdBy);
    });
    create();
    return { id, name: input.name, role: input.role };
  }

  /** First run: the first manager, allowed only while no cashier exists. Signs them in. */
  async createFirstManager(input: { name: string; pin: string }): Promise<CashierView> {
    if (this.cashierCount() > 0) throw new AppError('rule', 'the first manager already exists; a manager adds cashiers', { rule: 'setup-done' });
    const manager = await this.insertCashier({ ...input, role: 'manager', createdBy: null });
    this.session = manager;
    this.changed();
    return manager;
  }

  async createCashier(input: ParsedCommandInput<'cashiers.create'>): Promise<CashierView> {
    this.requireSession();
    const manager = await this.checkManagerPin(input.managerPin);
    const cashier = await this.insertCashier({ name: input.name, pin: input.pin, role: input.role, createdBy: manager.id });
    this.changed();
    return cashier;
  }

  private lockState(scope: string): { failures: number; lockedUntil: number | null } {
    const row = this.sql('SELECT failures, locked_until FROM pin_lockouts WHERE scope = ?').get(scope) as
      | { failures: number; locked_until: number | null }
      | undefined;
    return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? null };
  }

  private assertNotLocked(scope: string): void {
    const { lockedUntil } = this.lockState(scope);
    if (lockedUntil !== null && lockedUntil > this.wallClock()) {
      const minutes = Math.ceil((lockedUntil - this.wallClock()) / 60_000);
      throw new AppError('locked', `PIN locked after ${PIN_MAX_FAILURES} wrong tries; try again in ${minutes} min`, { lockedUntil });
    }
  }

  /** Records a wrong PIN (its own transaction: it stays even though the command fails) and throws. */
  private wrongPin(scope: string, what: string): never {
    const now = this.wallClock();
    const failures = this.db.transaction(() => {
      const current = this.lockState(scope);
      // A lock that has run out starts a fresh count.
      const base = current.lockedUntil !== null && current.lockedUntil <= now ? 0 : current.failures;
      const next = base + 1;
      const lockedUntil = next >= PIN_MAX_FAILURES ? now + PIN_LOCK_MS : null;
      this.db
        .prepare(
          `INSERT INTO pin_lockouts (scope, failures, locked_until) VALUES (?, ?, ?)
           ON CONFLICT (scope) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
        )
        .run(scope, lockedUntil !== null ? 0 : next, lockedUntil);
      return next;
    })();
    this.log.warn(`wrong ${what} PIN (${scope}), ${failures} in a row`);
    if (failures >= PIN_MAX_FAILURES) {
      throw new AppError('locked', `wrong ${what} PIN ${PIN_MAX_FAILURES} times: locked for ${PIN_LOCK_MS / 60_000} minutes`, {
        lockedUntil: now + PIN_LOCK_MS,
      });
    }
    throw new AppError('wrong-pin', `wrong ${what} PIN (${PIN_MAX_FAILURES - failures} tries left before a ${PIN_LOCK_MS / 60_000}-minute lock)`);
  }

  private rightPin(scope: string): void {
    this.sql('DELETE FROM pin_lockouts WHERE scope = ?').run(scope);
  }

  /** Any manager's PIN approves; 5 wrong tries lock manager approval for 5 minutes (persisted). */
  async checkManagerPin(pin: string): Promise<CashierView> {
    const scope = 'manager';
    this.assertNotLocked(scope);
    const managers = this.sql("SELECT id, name, role, pin_hash FROM cashiers WHERE role = 'manager' ORDER BY created_at").all() as (CashierView & {
      pin_hash: string;
    })[];
    for (const m of managers) {
      if (await verifyPin(pin, m.pin_hash)) {
        this.rightPin(scope);
        return { id: m.id, name: m.name, role: m.role };
      }
    }
    return this.wrongPin(scope, 'manager');
  }

  async signIn(input: ParsedCommandInput<'session.signIn'>): Promise<CashierView> {
    const row = this.sql('SELECT id, name, role, pin_hash FROM cashiers WHERE id = ?').get(input.cashierId) as
      | (CashierView & { pin_hash: string })
      | undefined;
    if (!row) throw new AppError('not-found', `no cashier ${input.cashierId}`);
    const scope = `signin:${row.id}`;
    this.assertNotLocked(scope);
    if (!(await verifyPin(input.pin, row.pin_hash))) this.wrongPin(scope, 'sign-in');
    this.rightPin(scope);
    this.session = { id: row.id, name: row.name, role: row.role };
    this.changed();
    return this.session;
  }

  signOut(): null {
    this.session = null;
    this.changed();
    return null;
  }

  get cashier(): CashierView | null {
    return this.session;
  }

  requireSession(): CashierView {
    if (!this.session) throw new AppError('not-signed-in', 'sign in first');
    return this.session;
  }

  // -------------------------------------------------------------------------
  // Shifts.

  private openShiftRow(): ShiftRow | undefined {
    return this.sql('SELECT * FROM shifts WHERE register_id = ? AND closed_at IS NULL').get(this.registerId) as ShiftRow | undefined;
  }

  openShift(): ShiftView | null {
    const row = this.openShiftRow();
    return row ? shiftView(row) : null;
  }

  private requireShift(): ShiftRow {
    const row = this.openShiftRow();
    if (!row) throw new AppError('no-shift', 'open a shift first');
    return row;
  }

  startShift(input: ParsedCommandInput<'shift.open'>): ShiftView {
    const cashier = this.requireSession();
    const row = this.db.transaction(() => {
      const open = this.openShiftRow();
      if (open) throw new AppError('rule', `shift ${open.id} is already open on this register`, { rule: 'shift-open' });
      const result = this.db
        .prepare('INSERT INTO shifts (register_id, cashier_id, opened_at, opening_float_fen) VALUES (?, ?, ?, ?)')
        .run(this.registerId, cashier.id, this.now(), input.openingFloatFen);
      return this.sql('SELECT * FROM shifts WHERE id = ?').get(result.lastInsertRowid) as ShiftRow;
    })();
    this.changed();
    return shiftView(row);
  }

  shiftReport(input: ParsedCommandInput<'shift.report'>): ShiftReport {
    this.requireSession();
    const row =
      input.shiftId !== undefined
        ? (this.sql('SELECT * FROM shifts WHERE id = ?').get(input.shiftId) as ShiftRow | undefined)
        : this.openShiftRow();
    if (!row) {
      if (input.shiftId !== undefined) throw new AppError('not-found', `no shift ${input.shiftId}`);
      throw new AppError('no-shift', 'no shift is open');
    }
    if (row.z_report !== null) return JSON.parse(row.z_report) as ShiftReport;
    return computeShiftReport(this.db, row, 'X');
  }

  /** Closes the open shift with the counted cash; the shift's own cashier or a manager may close it. */
  closeShift(input: ParsedCommandInput<'shift.close'>): ShiftReport {
    const cashier = this.requireSession();
    const report = this.db.transaction(() => {
      const row = this.requireShift();
      if (row.cashier_id !== cashier.id && cashier.role !== 'manager') {
        throw new AppError('rule', 'only the cashier who opened the shift or a manager can close it', { rule: 'not-your-shift' });
      }
      const closedAt = Math.max(this.now(), row.opened_at);
      const z = computeShiftReport(this.db, row, 'Z', { closedAt, countedCashFen: input.countedCashFen, closedBy: cashier.id });
      this.db
        .prepare('UPDATE shifts SET closed_at = ?, closed_by = ?, counted_cash_fen = ?, z_report = ? WHERE id = ? AND closed_at IS NULL')
        .run(closedAt, cashier.id, input.countedCashFen, JSON.stringify(z), row.id);
      return z;
    })();
    this.changed();
    return report;
  }

  // -------------------------------------------------------------------------
  // Members.

  lookupMember(input: ParsedCommandInput<'members.lookup'>): MemberView | null {
    this.requireSession();
    const member = findMember(this.db, this.store, input.query);
    return member ? memberView(member) : null;
  }

  // -------------------------------------------------------------------------
  // Checkout.

  private nextOrderId(at: number): string {
    const p = localParts(at, this.timezone);
    const day = `${p.year}${String(p.month).padStart(2, '0')}${String(p.day).padStart(2, '0')}`;
    for (;;) {
      const row = this.sql('SELECT last FROM order_numbers WHERE register_id = ? AND day = ?').get(this.registerId, day) as { last: number } | undefined;
      const next = (row?.last ?? 0) + 1;
      if (next > 999_999) throw new AppError('rule', `the register has used every order number for ${day}`, { rule: 'order-numbers-exhausted' });
      this.db
        .prepare('INSERT INTO order_numbers (register_id, day, last) VALUES (?, ?, ?) ON CONFLICT (register_id, day) DO UPDATE SET last = excluded.last')
        .run(this.registerId, day, next);
      const id = `${this.registerId}-${day}-${String(next).padStart(6, '0')}`;
      // An id typed in by hand may already hold this number: skip it.
      if (!this.store.getOrder(this.queueId, id)) return id;
    }
  }

  checkoutSubmit(input: ParsedCommandInput<'checkout.submit'>): CheckoutOutcome {
    const cashier = this.requireSession();
    const shift = this.requireShift();
    const deductionFen = input.pointsDeductionFen + input.loveDeductionFen;
    if (deductionFen > input.amountDueFen) {
      throw new AppError('rule', `deductions (${deductionFen} fen) are more than the amount due (${input.amountDueFen} fen)`, { rule: 'deduction-exceeds' });
    }
    const actualPaidFen = input.amountDueFen - deductionFen;
    const { changeFen } = checkTenders(input.tenders, actualPaidFen);
    if (input.memberId !== null && !this.store.getMember(input.memberId)) {
      throw new AppError('unknown-member', `this register does not know member ${input.memberId}; continue as a walk-in customer?`);
    }
    const result = this.store.transaction(() => {
      const at = this.now();
      const orderId = input.orderId ?? this.nextOrderId(at);
      const outcome = checkout(this.ctx(), { orderId, at, memberId: input.memberId, amountDueFen: input.amountDueFen, deductionFen });
      this.db
        .prepare(
          `UPDATE orders SET cashier_id = ?, shift_id = ?, points_deduction_fen = ?, love_deduction_fen = ?, change_fen = ?
           WHERE queue_id = ? AND id = ?`,
        )
        .run(cashier.id, shift.id, input.pointsDeductionFen, input.loveDeductionFen, changeFen, this.queueId, orderId);
      const tender = this.sql('INSERT INTO order_tenders (queue_id, order_id, line, kind, amount_fen) VALUES (?, ?, ?, ?, ?)');
      input.tenders.forEach((t, i) => tender.run(this.queueId, orderId, i + 1, t.kind, t.amountFen));
      const steps = outcome.ratio?.steps.map(ratioStepView) ?? [];
      this.sql('INSERT INTO checkout_details (queue_id, order_id, ratio_steps) VALUES (?, ?, ?)').run(this.queueId, orderId, JSON.stringify(steps));
      // The receipt job commits with the order, or neither does.
      enqueueReceipt(this.db, { queueId: this.queueId, orderId, copy: false, now: at });
      return { outcome, steps };
    });
    this.changed();
    const { order, entry, settlement } = result.outcome;
    const member = order.memberId ? this.store.getMember(order.memberId) : undefined;
    return {
      orderId: order.id,
      paidAt: order.paidAt,
      amountDueFen: order.amountDueFen,
      deductionFen: order.deductionFen,
      actualPaidFen: order.actualPaidFen,
      changeFen,
      member: member ? memberView(member) : null,
      extractedFen: order.extractedFen,
      paidToQueueFen: order.paidToQueueFen,
      payouts: (settlement?.payouts ?? []).map((p) => ({ fromOrderId: order.id, toOrderId: p.entryOrderId, amountFen: p.amountFen, at: order.paidAt })),
      entry: entry ? entryView(entry) : null,
      noEntitlementReason: order.noEntitlementReason,
      ratioSteps: result.steps,
      rebateName: this.settings().rebateName,
      receiptLines: this.receiptLines(order.id, false),
    };
  }

  private settings() {
    const queue = this.store.loadQueue(this.queueId);
    return resolveSettings(queue?.layers ?? EMPTY_LAYERS);
  }

  /** The on-screen receipt, from the printing colleague's one receipt source. Never fails a committed sale. */
  receiptLines(orderId: string, copy: boolean): string[] {
    try {
      let settings;
      try {
        settings = readPrinterSettings(this.db);
      } catch {
        settings = { width: 80 as const, copies: 1, drawer: false };
      }
      return jobPreview(this.db, { kind: 'receipt', queueId: this.queueId, orderId, copy }, settings, this.wallClock()).lines.map((l) => l.text.trimEnd());
    } catch (error) {
      this.log.error(`receipt preview of ${orderId} failed`, error);
      return [];
    }
  }

  // -------------------------------------------------------------------------
  // After the checkout.

  completeOrder(input: ParsedCommandInput<'order.complete'>): CommandOutput<'order.complete'> {
    this.requireSession();
    const { settlement } = this.store.transaction(() => complete(this.ctx(), { orderId: input.orderId, at: this.now() }));
    this.changed();
    return { orderId: input.orderId, extractedFen: settlement?.extractedFen ?? 0, paidToQueueFen: settlement?.paidFen ?? 0 };
  }

  private entryRow(orderId: string): Entry {
    const entry = this.store.getEntryByOrder(this.queueId, orderId);
    if (!entry) {
      if (!this.store.getOrder(this.queueId, orderId)) throw new AppError('not-found', `no order ${orderId}`);
      throw new AppError('not-found', `order ${orderId} earned no entitlement`);
    }
    return entry;
  }

  listQueue(input: ParsedCommandInput<'queue.list'>): CommandOutput<'queue.list'> {
    this.requireSession();
    const where = ['queue_id = ?', 'seq > ?'];
    const params: (string | number)[] = [this.queueId, input.afterSeq];
    if (input.state !== undefined) {
      where.push('state = ?');
      params.push(input.state);
    }
    if (input.memberId !== undefined) {
      where.push('member_id = ?');
      params.push(input.memberId);
    }
    if (input.from !== undefined) {
      where.push('joined_at >= ?');
      params.push(input.from);
    }
    if (input.to !== undefined) {
      where.push('joined_at < ?');
      params.push(input.to);
    }
    if (input.search) {
      where.push("order_id LIKE ? ESCAPE '\\'");
      params.push(`%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    const rows = this.sql(`SELECT * FROM entries WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...params, input.limit) as EntryRow[];
    const entries = rows.map((r) => entryView(entryFromRow(r)));
    const queue = this.store.loadQueue(this.queueId);
    return {
      entries,
      nextAfterSeq: rows.length === input.limit ? rows[rows.length - 1]!.seq : null,
      totalWaiting: queue?.waitingCount ?? 0,
    };
  }

  entryDetails(input: ParsedCommandInput<'queue.entry'>): CommandOutput<'queue.entry'> {
    this.requireSession();
    const entry = this.entryRow(input.orderId);
    const payouts = (column: 'entry_order_id' | 'order_id') =>
      (
        this.db
          .prepare(`SELECT order_id, entry_order_id, amount_fen, at FROM ledger WHERE queue_id = ? AND ${column} = ? AND kind = 'payout' ORDER BY id`)
          .all(this.queueId, input.orderId) as PayoutRow[]
      ).map(payoutView);
    const details = this.sql('SELECT ratio_steps FROM checkout_details WHERE queue_id = ? AND order_id = ?').get(this.queueId, input.orderId) as
      | { ratio_steps: string }
      | undefined;
    const member = entry.memberId ? this.store.getMember(entry.memberId) : undefined;
    return {
      entry: entryView(entry),
      received: payouts('entry_order_id'),
      caused: payouts('order_id'),
      ratioSteps: details ? (JSON.parse(details.ratio_steps) as CommandOutput<'queue.entry'>['ratioSteps']) : [],
      member: member ? memberView(member) : null,
    };
  }

  drawEntry(input: ParsedCommandInput<'queue.draw'>): CommandOutput<'queue.draw'> {
    this.requireSession();
    const result = this.store.transaction(() => draw(this.ctx(), { orderId: input.orderId, at: this.now() }));
    this.changed();
    return { entry: entryView(result.entry), drawnBp: result.drawnBp };
  }

  quoteExchange(input: ParsedCommandInput<'queue.exchangeQuote'>): CommandOutput<'queue.exchangeQuote'> {
    this.requireSession();
    const entry = this.entryRow(input.orderId);
    const quote = exchangeQuote(this.settings(), entry, input.to);
    return { orderId: input.orderId, to: input.to, remainingFen: quote.remainingFen, units: quote.units };
  }

  exchangeEntry(input: ParsedCommandInput<'queue.exchange'>): CommandOutput<'queue.exchange'> {
    this.requireSession();
    const result = this.store.transaction(() => exchange(this.ctx(), { orderId: input.orderId, at: this.now(), to: input.to }));
    this.changed();
    return { entry: entryView(result.entry), convertedFen: result.convertedFen, units: result.units };
  }

  refundPreview(input: ParsedCommandInput<'queue.refundPreview'>): CommandOutput<'queue.refundPreview'> {
    this.requireSession();
    const order = this.store.getOrder(this.queueId, input.orderId);
    if (!order) throw new AppError('not-found', `no order ${input.orderId}`);
    if (order.refundedAt !== null) throw new AppError('rule', `order ${order.id} is already refunded`, { rule: 'already-refunded' });
    const entry = this.store.getEntryByOrder(this.queueId, order.id);
    return {
      orderId: order.id,
      settled: order.settledAt !== null,
      entryState: entry?.state ?? null,
      forfeitsFen: entry && entry.state === 'waiting' ? entry.entitlementFen - entry.receivedFen : 0,
      keepsReceivedFen: entry?.receivedFen ?? 0,
      paidToOthersFen: order.paidToQueueFen,
    };
  }

  /** Refund behind any manager's PIN; the whole order is refunded, the cash part back from the drawer. */
  async refundOrder(input: ParsedCommandInput<'queue.refund'>): Promise<CommandOutput<'queue.refund'>> {
    const cashier = this.requireSession();
    this.requireShift();
    const manager = await this.checkManagerPin(input.managerPin);
    const result = this.store.transaction(() => {
      // Read again inside the transaction: the PIN check awaited.
      const shift = this.requireShift();
      const at = this.now();
      const outcome = refund(this.ctx(), { orderId: input.orderId, at });
      const money = this.db
        .prepare(
          `SELECT o.actual_paid_fen AS paid, o.change_fen AS change,
                  coalesce((SELECT sum(amount_fen) FROM order_tenders t WHERE t.queue_id = o.queue_id AND t.order_id = o.id AND t.kind = 'cash'), 0) AS cash
           FROM orders o WHERE o.queue_id = ? AND o.id = ?`,
        )
        .get(this.queueId, input.orderId) as { paid: number; change: number; cash: number };
      const cashBack = Math.min(money.paid, Math.max(0, money.cash - money.change));
      this.db
        .prepare('INSERT INTO refunds (queue_id, order_id, shift_id, cashier_id, approved_by, at, amount_fen, cash_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(this.queueId, input.orderId, shift.id, cashier.id, manager.id, at, money.paid, cashBack);
      return outcome;
    });
    this.changed();
    return { orderId: input.orderId, forfeitedFen: result.forfeitedFen };
  }

  receiptPreview(input: ParsedCommandInput<'receipt.preview'>): CommandOutput<'receipt.preview'> {
    this.requireSession();
    if (!this.store.getOrder(this.queueId, input.orderId)) throw new AppError('not-found', `no order ${input.orderId}`);
    return { lines: this.receiptLines(input.orderId, input.copy) };
  }

  reprint(input: ParsedCommandInput<'receipt.reprint'>): CommandOutput<'receipt.reprint'> {
    this.requireSession();
    if (!this.store.getOrder(this.queueId, input.orderId)) throw new AppError('not-found', `no order ${input.orderId}`);
    const jobId = this.db.transaction(() => reprintOrder(this.db, { queueId: this.queueId, orderId: input.orderId, now: this.wallClock() }))();
    this.changed();
    return { jobId, lines: this.receiptLines(input.orderId, true) };
  }

  // -------------------------------------------------------------------------
  // Status.

  status(): StatusSnapshot {
    const queue = this.store.loadQueue(this.queueId);
    const settings = this.settings();
    return {
      registerId: this.registerId,
      queueId: this.queueId,
      storeName: this.meta(META.storeName) ?? '',
      rebateName: settings.rebateName,
      exchangeName: settings.exchangeName,
      cashier: this.session,
      shift: this.openShift(),
      sync: this.syncStatus(),
      printer: this.printerStatus(),
      queue: { waiting: queue?.waitingCount ?? 0, owedFen: queue?.owedFen ?? 0 },
    };
  }

  private syncStatus(): StatusSnapshot['sync'] {
    const source = this.syncSource?.() ?? null;
    if (source) {
      const state = source.connection === 'stopped' ? 'offline' : source.connection;
      return { state, lastSyncAt: source.lastSyncAt, waiting: source.waiting, lastError: source.lastError };
    }
    // Rows up to last_acked_seq were acknowledged and wait only for the bulk purge.
    const waiting = (
      this.sql('SELECT count(*) AS n FROM outbox WHERE seq > (SELECT coalesce(max(last_acked_seq), 0) FROM sync_state)').get() as { n: number }
    ).n;
    return { state: 'not-configured', lastSyncAt: null, waiting, lastError: null };
  }

  private printerStatus(): StatusSnapshot['printer'] {
    const source = this.printerSource?.() ?? null;
    if (source) {
      const pendingJobs = source.jobs.pending + source.jobs.printing + source.jobs.failed;
      if (!source.configured) return { state: 'not-configured', detail: null, pendingJobs };
      if (source.online === true) return { state: 'online', detail: null, pendingJobs };
      const problem = source.coverOpen === true || source.paper === 'out';
      return { state: problem ? 'error' : 'offline', detail: source.lastError, pendingJobs };
    }
    const counts = jobCounts(this.db);
    const pendingJobs = counts.pending + counts.printing + counts.failed;
    let configured = false;
    try {
      configured = readPrinterSettings(this.db).uri !== null;
    } catch (error) {
      return { state: 'error', detail: (error as Error).message, pendingJobs };
    }
    return configured ? { state: 'offline', detail: 'the print worker is not running', pendingJobs } : { state: 'not-configured', detail: null, pendingJobs };
  }
}

/**
 * Tender rules: split tender allowed; Σ tenders must cover what is paid;
 * only cash may exceed it (the excess is change, given in cash); non-cash
 * tenders together may not exceed what is paid.
 */
export function checkTenders(tenders: readonly { kind: string; amountFen: number }[], actualPaidFen: number): { changeFen: number } {
  let total = 0;
  let cash = 0;
  for (const t of tenders) {
    total += t.amountFen;
    if (t.kind === 'cash') cash += t.amountFen;
  }
  const nonCash = total - cash;
  if (nonCash > actualPaidFen) {
    throw new AppError('rule', `card / WeChat / Alipay / other tenders (${nonCash} fen) are more than the amount to pay (${actualPaidFen} fen); only cash gives change`, {
      rule: 'tender-exceeds',
    });
  }
  if (total < actualPaidFen) {
    throw new AppError('rule', `tenders (${total} fen) do not cover the amount to pay (${actualPaidFen} fen)`, { rule: 'tender-short' });
  }
  return { changeFen: total - actualPaidFen };
}

const QR_PREFIX = /^(?:member|mbr|m)[:：]\s*/i;

/** A member by id, member code (also as a scanned `member:<code>` QR) or phone number (matched by SHA-256 digest). */
export function findMember(db: Db, store: SqliteQueueStore, rawQuery: string) {
  const query = rawQuery.trim().replace(QR_PREFIX, '');
  if (!query) return undefined;
  const byId = store.getMember(query);
  if (byId) return byId;
  const byCode = db.prepare('SELECT id FROM members WHERE member_code = ?').get(query) as { id: string } | undefined;
  if (byCode) return store.getMember(byCode.id);
  const digits = query.replace(/[\s-]/g, '');
  if (/^\+?\d{5,20}$/.test(digits)) {
    const digest = createHash('sha256').update(digits).digest('hex');
    const byPhone = db.prepare('SELECT id FROM members WHERE phone_digest = ?').get(digest) as { id: string } | undefined;
    if (byPhone) return store.getMember(byPhone.id);
  }
  return undefined;
}
