/**
 * The register core: one database file, one cashier queue, the counter's
 * clock and change notifications. What the counter does is split by
 * responsibility into modules that share this core:
 *
 *   staff.ts        cashiers, PINs, the signed-in session
 *   pin-lockout.ts  the wrong-PIN count and lock per scope (used by staff.ts)
 *   shifts.ts       open / X / close with Z
 *   checkout.ts     member lookup, tenders, the sale's one transaction
 *   line.ts         the line: paging, details, draw, exchange, refund
 *   receipts.ts     receipt preview and reprint
 *   orders.ts       every order: paging, search by code, details, refund with tenders
 *   status.ts       the status-bar snapshot
 *
 * Every operation that changes money runs inside ONE SQLite transaction
 * together with everything it implies (engine rows, ledger, outbox event,
 * tenders, receipt print job), so a crash leaves either all of it or none of
 * it. See docs/app.md for the counter rules.
 *
 * Node only: never imports 'electron'. The shell (electron/shell/main.ts) and
 * the browser test harness drive it through `createCommandHandler`.
 */
import type { CashierView, StatusSnapshot } from '../../../shared/contract';
import { advanceTo, createQueue, cryptoRandom, isValidTimezone, randomEventId, type EngineContext, type RandomSource } from '../../../shared/engine/index';
import { EMPTY_LAYERS, parseSettingsLayer, resolveSettings, type SettingsLayers } from '../../../shared/settings';
import { rekeyLegacyDigests, type PhoneKey } from '../members/phone-digest';
import { openDatabase, type Db } from '../store/database';
import { SqliteQueueStore } from '../store/queue-store';
import { statement } from '../store/statements';
import { Checkout } from './checkout';
import { CounterClock } from './clock';
import { Line } from './line';
import { Members } from './members';
import { Orders } from './orders';
import { CustomerDisplay } from '../customer/display';
import type { ScreenControl } from '../manager/customer-display';
import { DEFAULT_SCRYPT } from './pin';
import { PrintDesk } from './print-desk';
import { Receipts } from './receipts';
import { Shifts } from './shifts';
import { Staff } from './staff';
import { StatusReader, type PrinterStateSource, type SyncStatusSource } from './status';
import { StorageMonitor, type StorageOptions } from './storage';
import { storageFault } from './storage-faults';

export { checkTenders, findMember } from './checkout';
export { PIN_LOCK_MS, PIN_MAX_FAILURES } from './pin-lockout';
export type { PrinterStateSource, SyncStatusSource } from './status';

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

export interface RegisterOptions {
  /** The wall clock (tests pin it). */
  now?: () => number;
  random?: RandomSource;
  newEventId?: () => string;
  logger?: Logger;
  /** scrypt cost for new PINs (tests lower it; verification reads the cost from each hash). */
  scryptCost?: { N: number; r: number; p: number };
  nativeBinding?: string;
  /**
   * The key of phone digests (docs/security.md §3), kept outside the
   * database. Without it the register neither finds members by phone nor
   * enrols them (member code and QR still work).
   */
  phoneKey?: PhoneKey;
  /** The data folder's disk watch: folders, thresholds, how often it is read (storage.ts). */
  storage?: StorageOptions;
}

/** Order ids the engine accepts: 1–64 of letters, digits and . : # - / _ */
const SAFE_REGISTER_ID = /^[\w.-]{1,40}$/;

export class RegisterBackend {
  readonly store: SqliteQueueStore;
  readonly queueId: string;
  readonly registerId: string;
  readonly timezone: string;
  readonly log: Logger;
  /** scrypt cost for new PINs. */
  readonly scryptCost: { N: number; r: number; p: number };
  private readonly listeners = new Set<() => void>();
  private readonly wallClock: () => number;
  private readonly random: RandomSource;
  private readonly newEventId: () => string;
  readonly phoneKey: PhoneKey | null;

  // The counter's modules, each over this core (see the top of this file).
  readonly staff: Staff;
  readonly shifts: Shifts;
  readonly checkout: Checkout;
  readonly line: Line;
  readonly receipts: Receipts;
  readonly members: Members;
  readonly orders: Orders;
  /** What the customer-facing display shows (客显); the shell pushes it to the customer window. */
  readonly customerDisplay: CustomerDisplay;
  /** The screens and the customer window, installed by the Electron shell (none in tests and the CLI). */
  screenControl: ScreenControl | null = null;
  readonly printDesk: PrintDesk;
  readonly clock: CounterClock;
  /** The data folder's disk: free space, the last refused write, the backup's outcome (storage.ts). */
  readonly storage: StorageMonitor;
  private readonly statusReader: StatusReader;

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
    this.phoneKey = options.phoneKey ?? null;
    if (this.phoneKey) {
      const { rekeyed, dropped } = rekeyLegacyDigests(db, this.phoneKey);
      if (rekeyed + dropped > 0) this.log.info(`phone digests: ${rekeyed} re-keyed, ${dropped} unsalted ones dropped`);
    }
    this.queueId = this.meta(META.queueId) ?? DEFAULT_QUEUE_ID;
    const registerId = this.meta(META.registerId) ?? this.queueId;
    this.registerId = SAFE_REGISTER_ID.test(registerId) ? registerId : 'R';
    const timezone = this.meta(META.timezone) ?? DEFAULT_TIMEZONE;
    this.timezone = isValidTimezone(timezone) ? timezone : DEFAULT_TIMEZONE;
    this.clock = new CounterClock(this);
    this.staff = new Staff(this);
    this.shifts = new Shifts(this);
    this.checkout = new Checkout(this);
    this.line = new Line(this);
    this.receipts = new Receipts(this);
    this.members = new Members(this);
    this.orders = new Orders(this);
    this.customerDisplay = new CustomerDisplay({ settings: () => this.settings(), storeName: () => this.meta(META.storeName) ?? '' });
    this.printDesk = new PrintDesk(this);
    this.storage = new StorageMonitor(this, options.storage);
    this.statusReader = new StatusReader(this);
    this.ensureQueue();
    // A scheduled reset missed while the app was closed is applied now, once. On a disk that takes no
    // writes (full, read-only) the register still opens for reading: the minute tick applies it later.
    try {
      this.tick();
    } catch (error) {
      const fault = storageFault(error, this.storage.dataDir ?? undefined);
      if (!fault) throw error;
      this.log.error(`opening on a disk that takes no writes (${fault}): due work waits for the next tick`, error);
      this.storage.noteFault(fault);
    }
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

  /** A statement compiled once for this connection (the counter runs the same SQL for every sale). */
  sql(text: string) {
    return statement(this.db, text);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after every committed change (status bar, print worker kick). */
  notifyChanged(): void {
    this.storage.noteWritten();
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.log.error('a change listener failed', error);
      }
    }
  }

  setStatusSources(sources: { sync?: () => SyncStatusSource | null; printer?: () => PrinterStateSource | null }): void {
    this.statusReader.setSources(sources);
  }

  /** The engine's context for this register's queue. */
  ctx(): EngineContext {
    return { store: this.store, queueId: this.queueId, timezone: this.timezone, random: this.random, newEventId: this.newEventId };
  }

  /**
   * The counter's clock, to STAMP an operation with: the wall clock, but
   * never before the queue's last operation (the line keeps its time order),
   * and refused (rule clock-behind / clock-ahead) while the wall clock is out
   * of bounds and no manager confirmed it (clock.ts, docs/app.md "Clock").
   */
  now(): number {
    return this.clock.stamp();
  }

  /** The counter's clock for reading (dashboards, audit rows): never refuses. */
  viewNow(): number {
    const clock = this.store.loadQueue(this.queueId)?.clock ?? 0;
    return Math.max(this.wallClock(), clock);
  }

  /** The raw wall clock (PIN lockouts, print-job times, created-at stamps). */
  wallNow(): number {
    return this.wallClock();
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
    // Nothing falls due on a clock the counter does not trust (the status says why).
    if (this.clock.status().state !== 'ok') return;
    this.clock.heartbeat();
    const before = this.store.loadQueue(this.queueId);
    this.store.transaction(() => advanceTo(this.ctx(), this.now()));
    const after = this.store.loadQueue(this.queueId);
    if (before && after && (before.waitingCount !== after.waitingCount || before.owedFen !== after.owedFen || before.extractedFen !== after.extractedFen)) {
      this.notifyChanged();
    }
  }

  /** The queue's settings as resolved now (base layer under the store's own). */
  settings() {
    const queue = this.store.loadQueue(this.queueId);
    return resolveSettings(queue?.layers ?? EMPTY_LAYERS);
  }

  // -------------------------------------------------------------------------
  // What other parts of the backend ask of the counter.

  /** The signed-in cashier, if any. */
  get cashier(): CashierView | null {
    return this.staff.current;
  }

  requireSession(): CashierView {
    return this.staff.requireSession();
  }

  checkManagerPin(pin: string): Promise<CashierView> {
    return this.staff.checkManagerPin(pin);
  }

  status(): StatusSnapshot {
    return this.statusReader.snapshot();
  }
}
