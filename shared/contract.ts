/**
 * The one command contract between the renderer and the backend.
 *
 * The renderer calls `invoke(name, input)`; the preload forwards it over one
 * IPC channel; the main process validates `input` against the schema below
 * before anything touches the database and answers with a `CommandResult`.
 * Tests answer the same contract from the same backend code in Node.
 * Money is integer fen on both sides (`fenInput` refuses anything else).
 *
 * Longer than our usual module on purpose: it is the whole surface of the
 * counter in one place — every command's input schema beside its output
 * type — so a reviewer reads what the renderer may ask in one file. The
 * manager's commands are the same kind of list in contract-manager.ts.
 */
import { z } from 'zod';
import { MAX_NICKNAME, normalizeMainlandMobile } from './members';
import { MAX_PAYMENT_FEN } from './money';
import { managerCommandInputs, type ManagerCommandOutputs } from './contract-manager';
import { msg, type Message } from './messages/catalogue';
import { englishText } from './messages/en';
import { issueMessage } from './messages/issues';
import type { PrintCause, SyncCause } from './failures';

const id = z.string().trim().min(1).max(64);
const fenInput = z.number().int({ error: 'an amount must be a whole number of fen' }).min(0, { error: 'an amount cannot be negative' }).max(MAX_PAYMENT_FEN);
const paymentInput = fenInput.min(1, { error: 'the amount due must be at least 1 fen' });
const pin = z.string().regex(/^\d{4,8}$/, { error: 'a PIN is 4–8 digits' });
const instant = z.number().int().min(0);
const personName = z.string().trim().min(1).max(40);

export const TENDER_KINDS = ['cash', 'card', 'wechat', 'alipay', 'other'] as const;
export type TenderKind = (typeof TENDER_KINDS)[number];
export const ENTRY_STATES = ['waiting', 'completed', 'exchanged', 'cleared', 'cancelled', 'points'] as const;

export const tenderSchema = z.strictObject({ kind: z.enum(TENDER_KINDS), amountFen: paymentInput });

/** Every command's input schema. Outputs are typed in `CommandOutputs`. */
export const commandInputs = {
  'app.status': z.strictObject({}),
  'cashiers.list': z.strictObject({}),
  /** First run only: allowed while no cashier exists; creates a manager and signs them in. */
  'setup.createManager': z.strictObject({ name: personName, pin }),
  /** A manager (by PIN) adds a cashier or another manager. */
  'cashiers.create': z.strictObject({ name: personName, pin, role: z.enum(['cashier', 'manager']), managerPin: pin }),
  'session.signIn': z.strictObject({ cashierId: id, pin }),
  'session.signOut': z.strictObject({}),
  'shift.open': z.strictObject({ openingFloatFen: fenInput }),
  'shift.report': z.strictObject({ shiftId: z.number().int().positive().optional() }),
  'shift.close': z.strictObject({ countedCashFen: fenInput }),
  /** Prints a shift report on the receipt printer: no shiftId = the X report of the open shift; a closed shift's id = a copy of its Z report. */
  'shift.print': z.strictObject({ shiftId: z.number().int().positive().optional() }),
  'members.lookup': z.strictObject({ query: z.string().trim().min(1).max(200) }),
  'checkout.submit': z.strictObject({
    /** Optional: the counter numbers orders itself when absent. */
    orderId: id.optional(),
    amountDueFen: paymentInput,
    memberId: id.nullable(),
    pointsDeductionFen: fenInput.default(0),
    loveDeductionFen: fenInput.default(0),
    /** Empty only when deductions cover the whole amount (actual paid ¥0); the register checks it (tender-short). */
    tenders: z.array(tenderSchema).max(8),
  }),
  'order.complete': z.strictObject({ orderId: id }),
  'queue.list': z.strictObject({
    state: z.enum(ENTRY_STATES).optional(),
    /** One member's entries: what the cashier types — a phone number, a member code (会员码) or a member id. */
    memberId: id.optional(),
    from: instant.optional(),
    to: instant.optional(),
    /** Part of an order number, or a receipt's 查询码 / scanned QR (the whole address). */
    search: z.string().trim().max(240).optional(),
    /** Keyset paging: entries after this line position. */
    afterSeq: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  }),
  'queue.entry': z.strictObject({ orderId: id }),
  'queue.draw': z.strictObject({ orderId: id }),
  'queue.exchangeQuote': z.strictObject({ orderId: id, to: z.enum(['points', 'vouchers']) }),
  'queue.exchange': z.strictObject({ orderId: id, to: z.enum(['points', 'vouchers']) }),
  'queue.refundPreview': z.strictObject({ orderId: id }),
  'queue.refund': z.strictObject({ orderId: id, managerPin: pin }),
  'receipt.preview': z.strictObject({ orderId: id, copy: z.boolean().default(false) }),
  'receipt.reprint': z.strictObject({ orderId: id }),
  /** 「登记新会员」: a mainland mobile number (1[3-9] + 9 digits) and an optional nickname (stored masked). */
  'members.enrol': z.strictObject({
    phone: z
      .string()
      .max(32)
      .refine((p) => normalizeMainlandMobile(p) !== null, { error: 'a mainland mobile number: 11 digits starting 13–19' }),
    nickname: z.string().trim().min(1).max(MAX_NICKNAME).optional(),
  }),
  // Staff and orders at the counter (docs/app.md "Orders").
  /** The sign-in screen: who may sign in, and who last signed in here (preselected). */
  'cashiers.signInChoices': z.strictObject({}),
  /** Every order of the register, newest first, keyset paged by (paidAt, orderId). */
  'orders.list': z.strictObject({
    /** The last order of the previous page: this page starts after it. */
    before: z.strictObject({ paidAt: instant, orderId: id }).optional(),
    limit: z.number().int().min(1).max(200).default(50),
    /** A local date YYYY-MM-DD of the register's time zone. */
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date must be YYYY-MM-DD' }).optional(),
    cashierId: id.optional(),
    tender: z.enum(TENDER_KINDS).optional(),
    refunded: z.boolean().optional(),
    /** An order number (or its end), the receipt's 查询码, or the receipt's scanned QR text. */
    search: z.string().trim().min(1).max(200).optional(),
  }),
  'orders.get': z.strictObject({ orderId: id }),
  /** What a refund would hand back, per tender of the order, and what it does to the line; refused with the reason when it cannot be done. */
  'orders.refundPreview': z.strictObject({ orderId: id }),
  'orders.refund': z.strictObject({ orderId: id, managerPin: pin }),
  /** Start-up (docs/security.md §5): did the register open, or why not and which backups can bring it back. */
  'startup.state': z.strictObject({}),
  /** Refused start-up only: restores the backup of that local day, behind a manager PIN of the BACKUP. */
  'startup.restore': z.strictObject({ backupDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a backup is named by its day, YYYY-MM-DD' }), managerPin: pin }),
  /** Refused start-up only: restores that backup (same PIN rule), then adds everything the alliance service holds of this register beyond it. */
  'startup.recoverFromServer': z.strictObject({ backupDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a backup is named by its day, YYYY-MM-DD' }), managerPin: pin }),
  /** The customer display (客显) while the cashier types: what is due and the deductions (issue #12 §2). */
  'display.typing': z.strictObject({ amountDueFen: fenInput, deductionFen: fenInput }),
  /** The customer display back to idle (the next customer). */
  'display.idle': z.strictObject({}),
  // Print jobs at the counter (issue 10 §5): every job not printed, retry / reprint / skip with a reason, a test page.
  'printJobs.list': z.strictObject({}),
  'printJobs.retry': z.strictObject({ jobId: z.number().int().positive() }),
  'printJobs.reprint': z.strictObject({ jobId: z.number().int().positive() }),
  'printJobs.skip': z.strictObject({ jobId: z.number().int().positive(), reason: z.string().trim().min(1).max(200) }),
  /** The text a job prints (or printed): a slip, a report or a receipt as the paper shows it. */
  'printJobs.preview': z.strictObject({ jobId: z.number().int().positive() }),
  'printer.testPage': z.strictObject({}),
  ...managerCommandInputs,
} as const;

export type CommandName = keyof typeof commandInputs;
export type CommandInput<N extends CommandName> = z.input<(typeof commandInputs)[N]>;
export type ParsedCommandInput<N extends CommandName> = z.output<(typeof commandInputs)[N]>;

// ---------------------------------------------------------------------------
// Outputs. Plain JSON: numbers are integer fen / bp / ms, never floats.

export interface CashierView {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
}

export interface ShiftView {
  id: number;
  cashierId: string;
  /** Who opened the shift, by name (absent in Z reports stored before names were kept). */
  cashierName?: string | null;
  openedAt: number;
  openingFloatFen: number;
  closedAt: number | null;
  countedCashFen: number | null;
}

export interface ShiftReport {
  kind: 'X' | 'Z';
  shift: ShiftView;
  orders: number;
  salesFen: number;
  tenders: Record<TenderKind, number>;
  /** Cash the drawer should hold: float + cash taken − change given. */
  expectedCashFen: number;
  /** Z only: counted − expected. */
  cashDifferenceFen: number | null;
  refunds: number;
  refundedFen: number;
  deductions: { pointsFen: number; loveFen: number };
  rebate: { extractedFen: number; paidOutFen: number; newEntitlementsFen: number; newEntries: number };
}

export interface MemberView {
  id: string;
  level: string;
  displayName: string | null;
  maskedPhone: string | null;
}

export interface RatioStepView {
  rule: string;
  applies: boolean;
  ratioBp: number | null;
  /** The engine's English wording (logs, stored history). */
  detail: string;
  /** What the step means, for the screen (shared/messages/ratio-steps.ts). */
  explain?: Message;
}

export interface EntryView {
  orderId: string;
  seq: number;
  memberId: string | null;
  joinedAt: number;
  position: number;
  aheadFen: number;
  ratioBp: number;
  rule: string;
  drawPending: boolean;
  canDraw: boolean;
  entitlementFen: number;
  receivedFen: number;
  state: (typeof ENTRY_STATES)[number];
  finishedAt: number | null;
}

/** Who a line entry belongs to, as the line shows them: a name, a masked phone, a member code — never the internal id. */
export interface LineMemberView {
  displayName: string | null;
  maskedPhone: string | null;
  code: string | null;
}

export interface PayoutView {
  /** The order that paid, and the entry (named by its order) that received. */
  fromOrderId: string;
  toOrderId: string;
  amountFen: number;
  at: number;
}

export interface CheckoutOutcome {
  orderId: string;
  paidAt: number;
  amountDueFen: number;
  deductionFen: number;
  actualPaidFen: number;
  changeFen: number;
  member: MemberView | null;
  extractedFen: number;
  /** What this payment paid to the customers ahead in line. */
  paidToQueueFen: number;
  payouts: PayoutView[];
  entry: EntryView | null;
  /** Why no entitlement, when there is none (walk-in, outside window, limit…). */
  noEntitlementReason: string | null;
  ratioSteps: RatioStepView[];
  rebateName: string;
  receiptLines: string[];
}

/**
 * The counter's clock against what it has already seen (docs/security.md §4):
 * 'behind' / 'ahead' stop every command that stamps time until the clock is
 * right or a manager confirms it (`manager.clock.confirm`).
 */
export interface ClockStatus {
  state: 'ok' | 'behind' | 'ahead';
  /** The wall clock now (ms). */
  wallAt: number;
  /** The instant it is compared with: the last operation (ahead: or the last minute the counter ran). */
  lastOperationAt: number;
}

export interface StatusSnapshot {
  registerId: string;
  queueId: string;
  storeName: string;
  rebateName: string;
  exchangeName: string;
  cashier: CashierView | null;
  shift: ShiftView | null;
  sync: {
    state: 'not-configured' | 'offline' | 'connecting' | 'online';
    lastSyncAt: number | null;
    waiting: number;
    /** English, for the log and a tooltip. */
    lastError: string | null;
    /** What the status bar says about sync, translated by the renderer (a failure, or after a restore what happened and what to do). */
    problem?: Message | null;
    /** Since when sync has been failing (the first failure after the last success), and why (translated by the screen). */
    failingSince?: number | null;
    cause?: SyncCause | null;
  };
  printer: {
    state: 'not-configured' | 'online' | 'offline' | 'error';
    detail: string | null;
    pendingJobs: number;
    /** Why the printer is not printing (translated by the screen: 缺纸, 纸仓盖未关 …). */
    cause?: PrintCause | null;
    /** The oldest job that failed (the banner's subject), and the failed jobs waiting for the cashier. */
    failedJob?: { jobId: number; orderId: string | null; kind: PrintQueueJobView['kind']; cause: PrintCause; at: number } | null;
    needsCashier?: number;
  };
  queue: { waiting: number; owedFen: number };
  clock: ClockStatus;
  /** Member level display names in force and the level keys the settings know (shared/levels.ts); screens never show a raw key. */
  levels?: { names: Record<string, string>; known: string[] };
  /** The data folder's disk (docs/store.md "A full or failing disk"); absent from an older backend. */
  storage?: StorageStatus;
}

/** What went wrong writing to the disk: the kind of every 'storage' refusal. */
export type StorageFault = 'full' | 'io' | 'read-only' | 'corrupt';

/**
 * The data folder's free space (read at most every 30 s) and the last write
 * that failed. 'low' warns ahead; 'critical' means sales may soon not be
 * saved; 'fault' means a write just failed. `problem` is the banner's
 * sentence (null: nothing to show); the screen writes it in its language.
 */
export interface StorageStatus {
  state: 'ok' | 'low' | 'critical' | 'fault' | 'unknown';
  /** Free bytes on the data folder's disk for this register (shown as MB / GB), null when it cannot be read. */
  freeBytes: number | null;
  /** Below this the counter warns ('low'); below `criticalBytes` it is 'critical'. */
  lowBytes: number;
  criticalBytes: number;
  /** The last write the disk refused, until a write succeeds again (a full disk: until space is back). */
  fault: { kind: StorageFault; at: number } | null;
  problem: Message | null;
  /** The daily backup's last failure (the manager's view), until a backup succeeds. */
  backupFailed: { at: number; reason: Message } | null;
}

/** What start-up decided (docs/security.md §5). 'refused': the database is missing or empty but backups exist. */
export interface StartupState {
  mode: 'register' | 'refused';
  /** Refused: the database file is missing, or empty (zero bytes, or nobody and no order in it). */
  database: 'missing' | 'empty' | null;
  /** Refused: a WAL file (possibly holding the last sales) lies beside the missing database. */
  wal: boolean;
  /** Refused: the local days (YYYY-MM-DD) of the backups that can be restored, newest first. */
  backupDays: string[];
  /** Refused: the newest backup names the alliance service and holds this register's token, so 「从联盟服务器恢复」 is offered (docs/central.md "Disaster recovery"). */
  server: boolean;
}

/** A print job as the counter's print-jobs list shows it. */
export interface PrintQueueJobView {
  id: number;
  kind: 'receipt' | 'test' | 'slip';
  orderId: string | null;
  /** For a slip: what it is (exchange, draw, X / Z report). */
  slip: string | null;
  copy: boolean;
  state: 'pending' | 'printing' | 'failed' | 'done' | 'skipped' | 'previewed';
  attempts: number;
  /** When the worker tries again by itself; null = waits for the cashier. */
  nextAttemptAt: number | null;
  cause: PrintCause | null;
  /** The printer's or the system's own words (for the technician). */
  detail: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface CommandOutputs extends ManagerCommandOutputs {
  'app.status': StatusSnapshot;
  'cashiers.list': CashierView[];
  'setup.createManager': CashierView;
  'cashiers.create': CashierView;
  'session.signIn': CashierView;
  'session.signOut': null;
  'shift.open': ShiftView;
  'shift.report': ShiftReport;
  'shift.close': ShiftReport;
  /** The job queued and the report as it prints (the on-screen preview). */
  'shift.print': { jobId: number; report: 'X' | 'Z'; lines: string[] };
  'members.lookup': MemberView | null;
  'checkout.submit': CheckoutOutcome;
  'order.complete': { orderId: string; extractedFen: number; paidToQueueFen: number };
  'queue.list': { entries: (EntryView & { member: LineMemberView | null })[]; nextAfterSeq: number | null; totalWaiting: number };
  'queue.entry': { entry: EntryView; received: PayoutView[]; caused: PayoutView[]; ratioSteps: RatioStepView[]; member: MemberView | null; cashierName?: string | null };
  'queue.draw': { entry: EntryView; drawnBp: number };
  'queue.exchangeQuote': { orderId: string; to: 'points' | 'vouchers'; remainingFen: number; units: number };
  'queue.exchange': { entry: EntryView; convertedFen: number; units: number };
  'queue.refundPreview': { orderId: string; settled: boolean; entryState: string | null; forfeitsFen: number; keepsReceivedFen: number; paidToOthersFen: number };
  'queue.refund': { orderId: string; forfeitedFen: number };
  'receipt.preview': { lines: string[] };
  'receipt.reprint': { jobId: number | null; lines: string[] };
  'members.enrol': MemberView;
  'cashiers.signInChoices': { cashiers: CashierView[]; lastCashierId: string | null };
  'orders.list': { orders: OrderSummaryView[]; next: { paidAt: number; orderId: string } | null; matchedBy: 'order' | 'code' | 'qr' | 'number' | null };
  'orders.get': OrderDetailsView;
  'orders.refundPreview': RefundPlanView;
  'orders.refund': { orderId: string; forfeitedFen: number; handBack: TenderLine[]; approvedByName: string; slipJobId: number };
  'startup.state': StartupState;
  /** The day of the backup restored, and whether a (missing/empty) database file was kept aside. */
  'startup.restore': { restoredDay: string; keptAside: boolean };
  /** `recovered`: how many records came back from the service, up to which number, and when it last heard from this register. */
  'startup.recoverFromServer': { restoredDay: string; keptAside: boolean; recovered: { events: number; toSeq: number; lastSeenAt: number | null } };
  'display.typing': null;
  'display.idle': null;
  'printJobs.list': { jobs: PrintQueueJobView[]; needsCashier: number };
  'printJobs.retry': PrintQueueJobView;
  'printJobs.reprint': { jobId: number };
  'printJobs.skip': PrintQueueJobView;
  'printJobs.preview': { jobId: number; lines: string[] };
  'printer.testPage': { jobId: number };
}

export type CommandOutput<N extends CommandName> = CommandOutputs[N];

/** A tender line: how the customer paid, or how a refund went back. */
export interface TenderLine {
  kind: TenderKind;
  amountFen: number;
}

/** One row of the orders screen. */
export interface OrderSummaryView {
  orderId: string;
  paidAt: number;
  amountDueFen: number;
  actualPaidFen: number;
  /** The tender kinds used, in line order, without repeats. */
  tenders: TenderKind[];
  cashierName: string | null;
  /** Masked: never the full phone number. */
  member: { displayName: string | null; maskedPhone: string | null } | null;
  refunded: boolean;
}

export interface PrintJobView {
  id: number;
  /** null = the order's receipt; 'refund' = the refund slip. */
  slip: string | null;
  copy: boolean;
  state: 'pending' | 'printing' | 'failed' | 'done' | 'skipped' | 'previewed';
  attempts: number;
  lastError: string | null;
  createdAt: number;
  printedAt: number | null;
}

/** What a refund hands back and what it does to the line. */
export interface RefundPlanView {
  orderId: string;
  /** Per tender of the original order: cash net of change, each non-cash tender in full. Σ = actualPaidFen. */
  handBack: TenderLine[];
  handBackFen: number;
  /** Deductions are not money this register hands back. */
  deductions: { pointsFen: number; loveFen: number };
  line: { settled: boolean; entryState: string | null; forfeitsFen: number; keepsReceivedFen: number; paidToOthersFen: number };
}

export interface OrderDetailsView {
  orderId: string;
  paidAt: number;
  amountDueFen: number;
  pointsDeductionFen: number;
  loveDeductionFen: number;
  /** A deduction not split into points / love (orders from elsewhere). */
  otherDeductionFen: number;
  actualPaidFen: number;
  changeFen: number;
  tenders: TenderLine[];
  cashierName: string | null;
  shiftId: number | null;
  member: MemberView | null;
  /** The receipt's 查询码 (XXXX-XXXX-XXXX); null for orders older than stored codes. */
  receiptCode: string | null;
  rebate: {
    name: string;
    settled: boolean;
    extractedFen: number;
    paidToQueueFen: number;
    /** Whom this order's payment paid in line. */
    payouts: PayoutView[];
    entry: EntryView | null;
    noEntitlementReason: string | null;
  };
  printJobs: PrintJobView[];
  refund: { at: number; amountFen: number; cashierName: string | null; approvedByName: string | null; tenders: TenderLine[] } | null;
  /** Why a refund cannot be done now (rule), or null when it can. */
  refundBlocked: string | null;
}

export type CommandErrorCode =
  | 'invalid-input'
  | 'rule'
  | 'not-signed-in'
  | 'no-shift'
  | 'wrong-pin'
  | 'locked'
  | 'not-found'
  | 'internal'
  /** checkout.submit: the register does not know this member; the UI may offer to continue as walk-in. */
  | 'unknown-member'
  /**
   * The disk would not take the write (full, I/O error, read-only, damaged database): nothing was
   * changed; `reason` says which (storage.full / ioError / readOnly / corrupt) and what to do.
   */
  | 'storage';

/** One invalid field: its path, zod's English text (logs), and what the screen shows (`reason`). */
export interface CommandIssue {
  path: string;
  message: string;
  reason: Message;
}

export interface CommandError {
  code: CommandErrorCode;
  /** English, for logs and the CLI. Screens show `reason`, translated (shared/messages/catalogue.ts). */
  message: string;
  /** What to say, as a catalogue code and its parameters; the renderer writes it in the UI language. */
  reason: Message;
  /** For code 'rule': which rule refused it (the engine's RuleError code, or a counter rule such as 'tender-exceeds'). */
  rule?: string;
  /** For code 'locked': when the PIN lock ends (ms since epoch). */
  lockedUntil?: number;
  /** For invalid input: which field, and what is wrong with it. */
  issues?: CommandIssue[];
}

export type CommandResult<N extends CommandName> = { ok: true; value: CommandOutput<N> } | { ok: false; error: CommandError };

/** What the preload exposes as `window.cashier`, and what tests install in the page. */
export interface CashierApi {
  invoke<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>>;
  /** Pushed status (sync, printer, shift); returns an unsubscribe function. */
  onStatus(listener: (status: StatusSnapshot) => void): () => void;
}

export const IPC_INVOKE_CHANNEL = 'cashier:invoke';
export const IPC_STATUS_CHANNEL = 'cashier:status';

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commandInputs, name);
}

/** Validates a command's raw payload; the main process calls this before anything else. */
/** Caps on what an invalid-input answer carries (an input with 10 000 unknown keys made a 218 KB message). */
export const MAX_ISSUES = 20;
export const MAX_ERROR_MESSAGE = 1000;

/** A plain JSON-like object: not an Error, Map, Date or class instance read through its inherited fields. */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function parseCommandInput<N extends CommandName>(name: N, raw: unknown): { ok: true; value: ParsedCommandInput<N> } | { ok: false; error: CommandError } {
  if (!isPlainObject(raw)) {
    const reason = msg('input.notPlainObject');
    return { ok: false, error: { code: 'invalid-input', message: englishText(reason), reason, issues: [{ path: '(input)', message: englishText(reason), reason }] } };
  }
  const result = commandInputs[name].safeParse(raw);
  if (result.success) return { ok: true, value: result.data as ParsedCommandInput<N> };
  const all: CommandIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.join('.').slice(0, 100) || '(input)',
    message: issue.message.slice(0, 200),
    reason: issueMessage(issue),
  }));
  const issues = all.slice(0, MAX_ISSUES);
  let message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  if (all.length > issues.length) message += ` (+${all.length - issues.length} more)`;
  if (message.length > MAX_ERROR_MESSAGE) message = `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
  return { ok: false, error: { code: 'invalid-input', message, reason: msg('input.invalid'), issues } };
}
