/**
 * The manager console's part of the command contract (docs/manager.md); a
 * list, like contract.ts, kept whole so the console's surface reads in one file.
 * `shared/contract.ts` merges these into `commandInputs` / `CommandOutputs`,
 * so they go through the same handler: validated with these zod schemas
 * before anything touches the database, answered as `CommandResult`.
 *
 * Every command except `manager.unlock`, `manager.lock`, `manager.session`
 * and `manager.changePin` needs an unlocked manager session or a
 * `managerPin` in its input (checked like a refund's PIN: any manager's PIN,
 * 5 wrong tries lock manager approval for 5 minutes, across restarts).
 *
 * Money is integer fen and ratios integer bp, in inputs and outputs.
 */
import { z } from 'zod';
import { isLookupUrl } from './lookup-code';
import type { ClockStatus, LineMemberView, RatioStepView, ShiftReport } from './contract';
import type { Coverage, TailProjection } from './manager/liability';
import type { SettingsFieldView } from './manager/settings-view';
import type { Message } from './messages/catalogue';
import { settingsChangeSchema, settingsLayerSchema, type SettingsLayer } from './settings';

const pin = z.string().regex(/^\d{4,8}$/, { error: 'a PIN is 4–8 digits' });
const id = z.string().trim().min(1).max(64);
const managerPin = { managerPin: pin.optional() };
const dateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date must be YYYY-MM-DD' });
const personName = z.string().trim().min(1, { error: 'a name is needed' }).max(40, { error: 'a name is at most 40 characters' });
const text = (max: number, what: string) => z.string().trim().max(max, { error: `${what} must be at most ${max} characters` }).nullable().optional();

export const managerCommandInputs = {
  /** Unlocks the manager console for MANAGER_SESSION_MINUTES (renewed by each manager command). */
  'manager.unlock': z.strictObject({ pin }),
  'manager.lock': z.strictObject({}),
  'manager.session': z.strictObject({}),
  /** Changes the PIN of the manager whose current PIN this is. */
  'manager.changePin': z
    .strictObject({ currentPin: pin, newPin: pin })
    .refine((i) => i.currentPin !== i.newPin, { error: 'the new PIN must differ from the current one', path: ['newPin'] }),
  /** The counter stopped on its clock (behind / ahead): a manager accepts the wall clock as it is (audited). */
  'manager.clock.confirm': z.strictObject({ managerPin: pin }),
  'manager.settings.get': z.strictObject({ ...managerPin }),
  /** One section of rebate settings: one transaction, one settings_audit row per changed field. `null` unsets a field. */
  'manager.settings.save': z.strictObject({
    ...managerPin,
    layer: z.enum(['cashier', 'base']).default('cashier'),
    changes: settingsChangeSchema,
  }),
  'manager.audit.list': z.strictObject({
    ...managerPin,
    log: z.enum(['settings', 'actions']),
    beforeId: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  }),
  'manager.details.get': z.strictObject({ ...managerPin }),
  /** Store details for the receipt; `null` or '' clears a field. */
  'manager.store.save': z.strictObject({
    ...managerPin,
    name: text(40, 'the store name'),
    address: text(200, 'the address'),
    header: text(500, 'the receipt header'),
    footer: text(500, 'the receipt footer'),
    /** The central service's customer page, e.g. https://host/q/: the receipt's QR is this + the 查询码 (issue #12 §3); empty = no QR. */
    lookupUrl: z
      .string()
      .trim()
      .max(200)
      .refine((u) => u === '' || isLookupUrl(u), { error: 'the lookup address must start with https:// or http:// and hold no spaces' })
      .nullable()
      .optional(),
    /** May an order of a closed day (its shift's Z printed) be refunded? */
    refundClosedDays: z.enum(['allow', 'forbid']).optional(),
  }),
  'manager.printer.save': z.strictObject({
    ...managerPin,
    /** tcp://HOST:PORT, printer:NAME, //HOST/SHARE, file:PATH; null / '' / 'none' = no printer. */
    uri: z.string().trim().max(300).nullable().optional(),
    width: z.union([z.literal(58), z.literal(80)], { error: 'paper width must be 58 or 80 (mm)' }).optional(),
    commandSet: z.enum(['epson', 'star']).optional(),
    copies: z.number().int().min(1, { error: 'copies must be 1–5' }).max(5, { error: 'copies must be 1–5' }).optional(),
    timeoutMs: z.number().int().min(100, { error: 'the timeout must be 100–120000 ms' }).max(120_000, { error: 'the timeout must be 100–120000 ms' }).optional(),
    confirm: z.enum(['status', 'none']).optional(),
    drawer: z.boolean().optional(),
  }),
  /** Sync settings; the token is write-only (stored through the SecretBox, never returned). */
  'manager.sync.save': z.strictObject({
    ...managerPin,
    url: z.string().trim().min(1).max(300).optional(),
    storeId: id.optional(),
    registerId: id.optional(),
    token: z.string().min(1).max(4096).optional(),
    allowInsecure: z.boolean().optional(),
    /** The manager agreed to keep the token unencrypted: this computer has no OS key store (docs/security.md §3). */
    storeTokenInClear: z.boolean().optional(),
  }),
  /** Enrolment (issue 13 §2): trades the alliance's one-time code for this register's token, saved bound to `url`. */
  'manager.sync.enrol': z.strictObject({
    ...managerPin,
    url: z.string().trim().min(1, { error: 'the server address is needed' }).max(300),
    code: z.string().trim().min(1, { error: 'the enrolment code is needed' }).max(64, { error: 'the enrolment code is at most 64 characters' }),
    allowInsecure: z.boolean().optional(),
    storeTokenInClear: z.boolean().optional(),
  }),
  /** "Why this ratio?": the priority chain (queue-rebate.md §5) step by step for one order. */
  'manager.whyRatio': z.strictObject({ ...managerPin, orderId: id }),
  /** The liability dashboard; `days` = how many local days the day-by-day series covers (today included). */
  'manager.dashboard': z.strictObject({ ...managerPin, days: z.number().int().min(1).max(366).default(30) }),
  /** Replays the last `days` days of this register's orders under the current settings and under `cashier` (+ `base`). */
  'manager.whatIf': z.strictObject({
    ...managerPin,
    days: z.number().int().min(1).max(90).default(30),
    cashier: settingsLayerSchema,
    base: settingsLayerSchema.optional(),
  }),
  /** The what-if as a job in the heavy worker (issue 15 §2): starts it (a running one is cancelled) and answers at once. */
  'manager.whatIf.start': z.strictObject({
    ...managerPin,
    days: z.number().int().min(1).max(90).default(30),
    cashier: settingsLayerSchema,
    base: settingsLayerSchema.optional(),
  }),
  /** Progress or result of a what-if job; without `jobId`, the latest one (the manager came back to the screen). */
  'manager.whatIf.status': z.strictObject({ ...managerPin, jobId: id.optional() }),
  'manager.whatIf.cancel': z.strictObject({ ...managerPin, jobId: id }),
  /** One scenario file of a finished job, for download (kept out of status: it can be megabytes). */
  'manager.whatIf.scenario': z.strictObject({ ...managerPin, jobId: id, side: z.enum(['current', 'edited']) }),
  /** Z reports of the shifts closed between two local dates (both included). */
  'manager.reports.shifts': z.strictObject({ ...managerPin, from: dateKey, to: dateKey }),
  /** Built in a worker thread (the counter answers meanwhile); one export at a time. */
  'manager.reports.export': z.strictObject({
    ...managerPin,
    report: z.enum(['shifts', 'queue', 'ledger', 'orders']),
    from: dateKey,
    to: dateKey,
    /** Header and label language: zh (the default), en, or both ("中文 (English)"). */
    language: z.enum(['zh', 'en', 'both']).default('zh'),
  }),
  /** How far the running export is (null: none runs). */
  'manager.reports.exportProgress': z.strictObject({ ...managerPin }),
  /** Stops the running export; nothing is written. */
  'manager.reports.exportCancel': z.strictObject({ ...managerPin }),
  /** Printers this machine can see (OS printers, USB device files, serial ports), for the printer settings list. */
  'manager.printer.discover': z.strictObject({ ...managerPin }),
  /** Queues a test page to the saved printer (the same queue as receipts). */
  'manager.printer.testPage': z.strictObject({ ...managerPin }),
  // Staff (员工): people are never deleted; disabling keeps their name in history.
  'manager.staff.list': z.strictObject({ ...managerPin }),
  'manager.staff.create': z.strictObject({ ...managerPin, name: personName, role: z.enum(['cashier', 'manager']), pin }),
  'manager.staff.rename': z.strictObject({ ...managerPin, cashierId: id, name: personName }),
  /** Disabled: cannot sign in, their PIN approves nothing, their sessions end now. `false` enables again. */
  'manager.staff.setDisabled': z.strictObject({ ...managerPin, cashierId: id, disabled: z.boolean() }),
  /** Always needs a manager PIN typed with it, even in an unlocked console. */
  'manager.staff.resetPin': z.strictObject({ managerPin: pin, cashierId: id, newPin: pin }),
  /** The customer display (客显): which screen, or off (docs/display.md). */
  'manager.customerDisplay.get': z.strictObject({ ...managerPin }),
  'manager.customerDisplay.save': z.strictObject({
    ...managerPin,
    /** 'auto' = the first screen that is not the cashier's; a screen id; 'off' = no customer display. */
    display: z.union([z.literal('auto'), z.literal('off'), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]),
  }),
  /** What the central server sent that the register refused, newest first, in words (docs/security.md §7). */
  'manager.sync.log': z.strictObject({ ...managerPin, limit: z.number().int().min(1).max(200).default(50) }),
} as const;

/** One refused message from the server, for the manager: when, and what it was, as a catalogue message. */
export interface SyncLogEntry {
  at: number;
  reason: Message;
}

// ---------------------------------------------------------------------------
// Outputs.

/** A person in the staff section. */
export interface StaffView {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  createdAt: number;
  createdByName: string | null;
  /** Disabled: cannot sign in; null = active. */
  disabledAt: number | null;
  disabledByName: string | null;
}

export interface ManagerSessionView {
  managerId: string;
  name: string;
  /** When the unlocked console locks again unless another manager command renews it (ms). */
  expiresAt: number;
}

export interface SettingsConsoleView {
  fields: SettingsFieldView[];
  layers: { base: SettingsLayer; cashier: SettingsLayer };
  /** The base layer may be edited here only while no central server is configured (offline-only). */
  baseEditable: boolean;
  baseEditableReason: Message;
}

export interface SettingsAuditView {
  log: 'settings';
  id: number;
  at: number;
  layer: 'base' | 'cashier';
  field: string;
  /** Parsed JSON; null = not set. */
  oldValue: unknown;
  newValue: unknown;
  actor: string;
  /** The actor's name when the actor is a person of this register (null: the server, the system, or unknown). */
  actorName: string | null;
  source: 'manager' | 'server' | 'scenario' | 'system';
}

export interface ManagerAuditView {
  log: 'actions';
  id: number;
  at: number;
  managerId: string | null;
  managerName: string | null;
  cashierId: string | null;
  /** Who was signed in at the register (by name; history keeps disabled people's names). */
  cashierName?: string | null;
  action: string;
  detail: unknown;
  /** The action in words (shared/messages/audit.ts); the screen shows this, never `detail`. */
  says: Message;
}

export interface DetailsView {
  store: { name: string | null; address: string | null; header: string | null; footer: string | null; lookupUrl: string | null; refundClosedDays: 'allow' | 'forbid' };
  printer: {
    uri: string | null;
    width: 58 | 80;
    commandSet: 'epson' | 'star';
    copies: number;
    timeoutMs: number;
    confirm: 'status' | 'none';
    drawer: boolean;
    /** A stored value the printer module cannot read (the other fields show defaults then). */
    error: Message | null;
  };
  sync: {
    url: string | null;
    storeId: string | null;
    registerId: string | null;
    tokenSet: boolean;
    allowInsecure: boolean;
    configured: boolean;
    /** The stored token is kept unencrypted (no OS key store; the manager agreed). */
    tokenInClear?: boolean;
  };
}

export interface WhyRatioView {
  orderId: string;
  paidAt: number;
  memberId: string | null;
  /** The member as the screen shows them (name, masked phone, member code): the id itself is never shown. */
  member: LineMemberView | null;
  /** The member's level now (the level at checkout is in the recorded steps' detail). */
  memberLevel: string | null;
  /** recorded: the steps the checkout stored; reconstructed: re-evaluated from the settings audit; none: the order earned nothing. */
  source: 'recorded' | 'reconstructed' | 'none';
  steps: RatioStepView[];
  winner: { rule: string; ratioBp: number | null } | null;
  /** The chain re-evaluated with the settings in force at payment, rebuilt from settings_audit (null for walk-ins). */
  reconstructedSteps: RatioStepView[] | null;
  /** Whether the re-evaluation picks the same rule and ratio as the checkout did (null when there is nothing to compare). */
  agrees: boolean | null;
  entry: { rule: string; ratioBp: number; drawPending: boolean; drawnAt: number | null; entitlementFen: number; receivedFen: number; state: string } | null;
  noEntitlementReason: string | null;
}

export interface DayFigures {
  /** Local date YYYY-MM-DD. */
  date: string;
  orders: number;
  salesFen: number;
  extractedFen: number;
  paidOutFen: number;
  /** Amount owed to waiting entries at the end of the day (for today: now). */
  owedEndFen: number;
}

export interface TailView {
  newestOrderId: string;
  newestSeq: number;
  /** Waiting entries that will be paid before it (completed-first: only those of completed orders). */
  entriesAhead: number;
  aheadFen: number;
  ownRemainingFen: number;
  /** aheadFen + ownRemainingFen: what the line must receive until the newest entry is repaid. */
  needFen: number;
  poolFen: number;
  ordering: 'queue' | 'completedFirst';
  nextResetAt: number | null;
  /** At the order rate and extraction per order of the last 7 and the last 30 days. */
  projections: TailProjection[];
}

export interface DashboardView {
  generatedAt: number;
  timezone: string;
  now: {
    owedFen: number;
    waitingEntries: number;
    undistributedFen: number;
    poolFen: number;
    extractedFen: number;
    paidOutFen: number;
    forfeitedFen: number;
    forfeitedByResetsFen: number;
    forfeitedByRefundsFen: number;
    exchangedFen: number;
    /** Points issued (fen-valued units): by exchanges and by random return. */
    pointsIssued: number;
    pointsFromExchangeUnits: number;
    pointsFromRandomReturnUnits: number;
    vouchersIssued: number;
    entriesTotal: number;
    entriesCompleted: number;
  };
  coverage: Coverage;
  days: DayFigures[];
  tail: TailView | null;
}

export interface WhatIfResult {
  paidOutFen: number;
  owedFen: number;
  extractedFen: number;
  undistributedFen: number;
  forfeitedFen: number;
  entriesTotal: number;
  entriesCompleted: number;
  waitingEntries: number;
  /** Events the engine refused under these settings (e.g. a recorded exchange with no exchange rate set). */
  refusedEvents: number;
  tail: TailProjection[];
}

export interface WhatIfView {
  from: number;
  to: number;
  days: number;
  orders: number;
  events: number;
  current: WhatIfResult;
  edited: WhatIfResult;
  /** Scenario files (scenario-format.md): `npm run --silent simulate -- FILE` reruns each. */
  scenario: { current: string; edited: string };
  notes: Message[];
}

export interface CsvExportProgress {
  report: 'shifts' | 'queue' | 'ledger' | 'orders';
  from: string;
  to: string;
  /** Rows written so far of `total` (the rows in the range, counted when the export started). */
  done: number;
  total: number;
}

/** A what-if job (manager.whatIf.start / status / cancel). `done` of `total` events replayed; total 0 while the orders are read. */
export interface WhatIfJobView {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  days: number;
  startedAt: number;
  finishedAt: number | null;
  done: number;
  total: number;
  /** When done: the figures (the scenario files through manager.whatIf.scenario). */
  result: Omit<WhatIfView, 'scenario'> | null;
  /** When failed: why, and what to do. */
  error: Message | null;
}

export interface CsvExport {
  filename: string;
  mime: 'text/csv;charset=utf-8';
  /** The file's whole text, BOM first. */
  csv: string;
  rows: number;
}

export interface ManagerCommandOutputs {
  'manager.unlock': ManagerSessionView;
  'manager.lock': null;
  'manager.session': { unlocked: boolean; session: ManagerSessionView | null };
  'manager.changePin': { managerId: string };
  'manager.clock.confirm': ClockStatus;
  'manager.settings.get': SettingsConsoleView;
  'manager.settings.save': { settings: SettingsConsoleView; changed: SettingsAuditView[] };
  'manager.audit.list': { rows: (SettingsAuditView | ManagerAuditView)[]; nextBeforeId: number | null };
  'manager.details.get': DetailsView;
  'manager.store.save': DetailsView;
  'manager.printer.save': DetailsView;
  'manager.sync.save': DetailsView;
  'manager.sync.enrol': DetailsView;
  'manager.whyRatio': WhyRatioView;
  'manager.dashboard': DashboardView;
  'manager.whatIf': WhatIfView;
  'manager.whatIf.start': WhatIfJobView;
  'manager.whatIf.status': { job: WhatIfJobView | null };
  'manager.whatIf.cancel': WhatIfJobView;
  'manager.whatIf.scenario': { filename: string; text: string };
  'manager.reports.shifts': { shifts: ShiftReport[] };
  'manager.reports.export': CsvExport;
  'manager.reports.exportProgress': CsvExportProgress | null;
  'manager.reports.exportCancel': { cancelled: boolean };
  'manager.printer.discover': PrinterDiscoveryView;
  'manager.printer.testPage': { jobId: number };
  'manager.staff.list': { staff: StaffView[] };
  'manager.staff.create': StaffView;
  'manager.staff.rename': StaffView;
  'manager.staff.setDisabled': StaffView;
  'manager.staff.resetPin': StaffView;
  'manager.customerDisplay.get': CustomerDisplayView;
  'manager.customerDisplay.save': CustomerDisplayView;
  'manager.sync.log': { entries: SyncLogEntry[] };
}

/** The customer display's screen choice and the screens attached now (none known outside the Electron shell). */
export interface CustomerDisplayView {
  display: 'auto' | 'off' | number;
  screens: { id: number; width: number; height: number; primary: boolean }[];
  /** The screen the display is on now, or null (off, one screen, or the chosen one is not attached). */
  showingOn: number | null;
}

export interface PrinterDiscoveryView {
  /** `uri` is what goes into the printer address (serial ports with baud 9600 until changed). */
  printers: { uri: string; kind: 'os' | 'usb' | 'serial'; label: string }[];
  /** Why a kind of printer could not be listed (Chinese). */
  notes: string[];
}

export type ManagerCommandName = keyof typeof managerCommandInputs;
