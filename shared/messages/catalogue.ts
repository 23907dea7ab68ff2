/**
 * Every sentence the backend says to a person, as a code and typed
 * parameters (issue 10 §6). The backend never sends a sentence for the
 * screen: it sends `{ code, params }` (a `Message`) and the renderer writes
 * it in the UI language (renderer/i18n/messages.zh-CN.ts, shared/messages/en.ts).
 * The English text rendered on the backend is for logs and the CLI only.
 *
 * Adding a sentence: one line here (its code and the kind of each
 * parameter), one line in each locale table. The locale tables are typed
 * `Record<MessageCode, string>`, so a code without a text does not compile.
 *
 * Parameter kinds say how a value is shown, so no screen ever shows a raw
 * fen count, basis points or epoch milliseconds:
 * - text: as it is (a name);
 * - order: an internal order id, shown as its order number (shared/order-number.ts: 1-20260302-0123);
 * - count: a whole number;
 * - fen: money, "¥1,234.50";
 * - bp: a ratio, "12.5%";
 * - instant: ms since epoch, shown as local date and time;
 * - rule: a priority-chain rule key ('cashier.level'), shown by its label;
 * - level: a member level key ('gold'), shown by its display name;
 * - field: a settings field key, shown by its label;
 * - tender: a tender kind ('wechat'), shown by its label;
 * - fields: settings field keys, comma-separated, shown as their labels;
 * - items: store / printer / sync setting keys (app_meta), comma-separated, shown as their labels;
 * - bytes: disk space, shown as 850 MB / 1.2 GB (shared/bytes.ts), never a byte count.
 */
export type ParamKind = 'text' | 'order' | 'count' | 'fen' | 'bp' | 'instant' | 'rule' | 'level' | 'field' | 'tender' | 'fields' | 'items' | 'bytes';

interface KindValue {
  text: string;
  order: string;
  count: number;
  fen: number;
  bp: number;
  instant: number;
  rule: string;
  level: string;
  field: string;
  tender: string;
  fields: string;
  items: string;
  bytes: number;
}

export const MESSAGE_CATALOGUE = {
  // --- generic -------------------------------------------------------------
  internal: {},
  'command.unknown': { name: 'text' },
  'command.noApi': {},

  // --- clock (docs/app.md "Clock") -----------------------------------------
  'clock.behind': {},
  'clock.ahead': {},

  // --- staff, sign-in and PINs ---------------------------------------------
  'session.notSignedIn': {},
  'session.endedMeanwhile': {},
  'staff.approverDisabled': { name: 'text' },
  'pin.changedMeanwhile': {},
  'staff.duplicateName': { name: 'text' },
  'staff.setupDone': {},
  'staff.notFound': { cashierId: 'text' },
  'staff.disabled': { name: 'text' },
  'staff.cannotDisableSelf': {},
  'staff.lastManager': {},
  'staff.pinIsManagers': {},
  'pin.wrong': { triesLeft: 'count', lockMinutes: 'count' },
  'pin.wrongManager': { triesLeft: 'count', lockMinutes: 'count' },
  'pin.lockedNow': { until: 'instant', lockMinutes: 'count' },
  'pin.locked': { until: 'instant' },

  // --- checkout ------------------------------------------------------------
  'checkout.orderNumbersExhausted': { day: 'text' },
  'checkout.deductionExceeds': { deductionFen: 'fen', amountDueFen: 'fen' },
  'checkout.deductionNeedsMember': {},
  'checkout.unknownMember': { memberId: 'text' },
  'checkout.tenderExceeds': { nonCashFen: 'fen', actualPaidFen: 'fen' },
  'checkout.tenderShort': { tenderedFen: 'fen', actualPaidFen: 'fen' },

  // --- members (enrolment) --------------------------------------------------
  'member.phoneKeyMissing': {},
  'member.phoneInvalid': {},
  'member.exists': {},
  'line.memberNotFound': {},

  // --- orders and the line -------------------------------------------------
  'order.notFound': { orderId: 'order' },
  'printJob.notFound': { jobId: 'count' },
  'printJob.alreadyPrinted': { jobId: 'count' },
  'printJob.alreadySkipped': { jobId: 'count' },
  'printJob.printingNow': { jobId: 'count' },
  'printJob.cannotPreview': { jobId: 'count' },
  'order.noEntitlement': { orderId: 'order' },
  'order.alreadyRefunded': { orderId: 'order' },
  'order.refundClosedDay': { orderId: 'order' },
  'order.refundNeedsShift': {},
  'order.badDay': { day: 'text' },

  // --- shifts --------------------------------------------------------------
  'shift.notOpen': {},
  'shift.alreadyOpen': { shiftId: 'count' },
  'shift.notFound': { shiftId: 'count' },
  'shift.notYours': {},

  // --- manager console -----------------------------------------------------
  'manager.pinRequired': {},
  'manager.baseFromServer': {},
  'manager.baseEditableServer': {},
  'manager.baseEditableLocal': {},
  'manager.noSecretStore': {},
  'manager.badDateRange': {},
  'manager.rangeTooLong': { maxYears: 'count' },
  'manager.invalidInput': { count: 'count' },
  'manager.exportRunning': {},
  'manager.exportCancelled': {},

  // --- printer and sync settings -------------------------------------------
  'printer.badAddress': { address: 'text' },
  'printer.badPort': { address: 'text' },
  'printer.storedUnreadable': {},
  'printer.notADevice': { address: 'text' },
  'printer.badBaud': { address: 'text' },
  'printer.badName': { address: 'text' },
  'sync.badUrl': { url: 'text' },
  'sync.insecureUrl': { url: 'text' },
  'sync.badScheme': { url: 'text' },
  'sync.tokenUnreadable': {},

  // --- engine rules (shared/engine RuleErrorCode) ----------------------------
  'engine.invalid-input': {},
  'engine.unknown-queue': {},
  'engine.unknown-order': {},
  'engine.unknown-member': {},
  'engine.duplicate-order': {},
  'engine.time-backwards': {},
  'engine.already-completed': {},
  'engine.already-refunded': {},
  'engine.no-entry': {},
  'engine.not-drawable': {},
  'engine.draw-not-allowed': {},
  'engine.not-exchangeable': {},
  'engine.exchange-not-configured': {},

  // --- invalid input (zod issues, shared/messages/issues.ts) -----------------
  'input.invalid': {},
  'input.notPlainObject': {},
  'input.required': {},
  'input.wrongType': {},
  'input.notInteger': {},
  'input.empty': {},
  'input.tooLong': { max: 'count' },
  'input.tooShort': { min: 'count' },
  'input.tooMany': { max: 'count' },
  'input.tooFew': { min: 'count' },
  'input.tooLarge': { max: 'count' },
  'input.tooSmall': { min: 'count' },
  'input.tooLargeFen': { max: 'fen' },
  'input.tooSmallFen': { min: 'fen' },
  'input.tooLargeBp': { max: 'bp' },
  'input.tooSmallBp': { min: 'bp' },
  'input.unknownField': { keys: 'text' },
  'input.badChoice': {},
  'input.badFormat': {},
  'input.pinFormat': {},
  'input.pinSame': {},
  'input.dateFormat': {},
  'input.timeOfDay': {},
  'input.isoDateTime': {},
  'input.notRealDateTime': {},
  'input.sameMinute': {},
  'input.lotteryMinAboveMax': {},
  'input.fixedLotteryEmpty': {},
  'input.randomReturnGroup': {},
  'input.paperWidth': {},
  'input.copies': {},
  'input.timeout': {},
  'input.atLeastOneTender': {},
  'input.amountMin': {},
  'input.lookupUrl': {},

  // --- why this ratio? (engine/ratio.ts steps) -------------------------------
  'ratio.cashierLevel': { level: 'level' },
  'ratio.baseLevel': { level: 'level' },
  'ratio.tierReached': { minSpendFen: 'fen', days: 'count' },
  'ratio.noTierReached': {},
  'ratio.noTiers': {},
  'ratio.cashierLottery': {},
  'ratio.baseLottery': {},
  'ratio.cashierDefault': {},
  'ratio.baseDefault': {},
  'ratio.other': { rule: 'rule' },

  // --- the manager audit log (shared/messages/audit.ts) ---------------------
  'audit.settingsSaveCashier': { fields: 'fields' },
  'audit.settingsSaveBase': { fields: 'fields' },
  'audit.storeSave': { items: 'items' },
  'audit.printerSave': { items: 'items' },
  'audit.syncSave': { items: 'items' },
  'audit.exportShifts': { from: 'text', to: 'text', rows: 'count' },
  'audit.exportQueue': { from: 'text', to: 'text', rows: 'count' },
  'audit.exportLedger': { from: 'text', to: 'text', rows: 'count' },
  'audit.exportOrders': { from: 'text', to: 'text', rows: 'count' },
  'audit.pinWrong': {},
  'audit.pinLocked': { until: 'instant' },
  'audit.unlock': {},
  'audit.lock': {},
  'audit.clockConfirm': { wallAt: 'instant', lastOperationAt: 'instant' },
  'audit.pinChange': {},
  'audit.staffCreateCashier': { name: 'text' },
  'audit.staffCreateManager': { name: 'text' },
  'audit.staffRename': { old: 'text', new: 'text' },
  'audit.staffDisable': { name: 'text' },
  'audit.staffEnable': { name: 'text' },
  'audit.staffResetPin': { name: 'text' },
  'audit.orderRefund': { orderId: 'order', amountFen: 'fen' },
  'audit.printSkipReceipt': { orderId: 'order', reason: 'text' },
  'audit.printSkipSlip': { orderId: 'order', reason: 'text' },
  'audit.printSkipReport': { report: 'text', reason: 'text' },
  'audit.printSkipTest': { reason: 'text' },
  'audit.other': {},

  // --- what-if notes ---------------------------------------------------------
  'whatIf.emptyStart': {},
  'whatIf.levelsNow': {},
  'whatIf.randomReturnPinned': {},
  'whatIf.randomReturnSeeded': {},
  'whatIf.drawsKept': {},
  'whatIf.failed': {},
  'whatIf.unknownJob': {},

  // --- start-up and restore (docs/security.md §5) -----------------------------
  'startup.refused': {},
  'startup.notRefused': {},
  'restore.notFound': { day: 'text' },
  'restore.wrongPin': {},
  'restore.locked': { until: 'instant' },
  'restore.checkFailed': {},
  'restore.newerVersion': {},
  'restore.noManager': {},
  'restore.busy': {},
  'recover.noServer': {},
  'recover.unreachable': {},
  'recover.failed': {},

  // --- the background ledger check (docs/store.md "Start-up check") ---------
  'ledger.checkFailed': { problems: 'count' },
  // --- sync problems on the status bar (docs/security.md §5, §7) -----------------
  'sync.restoredBehindServer': { fromSeq: 'count', toSeq: 'count', nextSeq: 'count' },
  'sync.conflict': { seq: 'count' },
  'sync.ackBeyond': { ackedSeq: 'count', numberedSeq: 'count' },
  'sync.serverLostData': { expectedSeq: 'count', firstSeq: 'count' },
  'sync.unreachable': {},
  'sync.connectionLost': {},
  'sync.noAck': {},
  'sync.badAnswer': {},
  'sync.refusedBatch': {},
  'sync.badHello': {},
  'sync.badToken': {},
  'sync.protocolVersion': {},
  'sync.serverError': {},
  'sync.badOutboxRow': {},
  'sync.other': {},
  'sync.diskRefused': {},
  'sync.tokenInClearConfirm': {},
  'syncLog.members': {},
  'syncLog.settings': {},
  'syncLog.ack': {},
  'syncLog.connect': {},
  'syncLog.unknown': {},
  // --- enrolment from the manager console (issue 13 §2) ---------------------------
  'sync.enrol.done': { storeId: 'text', registerId: 'text' },
  'sync.enrol.badCode': {},
  'sync.enrol.codeRefused': {},
  'sync.enrol.unreachable': { url: 'text' },
  'sync.enrol.tooOften': {},
  'sync.enrol.serverError': {},
  'sync.enrol.badAnswer': {},
  'sync.enrol.running': {},
  // --- the dashboard's e/r sentence (docs/manager.md "Liability dashboard") ------
  'dashboard.coverage.noRecentEntries': {},
  'dashboard.coverage.noExtraction': { salesFen: 'fen', growthFen: 'fen' },
  'dashboard.coverage.covered': {},
  'dashboard.coverage.partial': { shareBp: 'bp', salesFen: 'fen', growthFen: 'fen' },
  // --- a full or failing disk (docs/store.md "A full or failing disk") ---------------
  // A command refused because the disk would not take the write (code 'storage'): nothing was changed.
  'storage.full': {},
  'storage.ioError': {},
  'storage.readOnly': {},
  'storage.corrupt': {},
  // The banner on every screen: how much is left and what to do.
  'storage.low': { freeBytes: 'bytes' },
  'storage.critical': { freeBytes: 'bytes' },
  'storage.bannerFull': { freeBytes: 'bytes' },
  'storage.bannerIoError': {},
  'storage.bannerReadOnly': {},
  'storage.bannerCorrupt': {},
  // The daily backup, in the manager's view.
  'backup.noRoom': { neededBytes: 'bytes', freeBytes: 'bytes' },
  'backup.failedFull': {},
  'backup.failedIoError': {},
  'backup.failedReadOnly': {},
  'backup.failedOther': {},
} as const satisfies Record<string, Record<string, ParamKind>>;

export type MessageCode = keyof typeof MESSAGE_CATALOGUE;

export type MessageParams<C extends MessageCode> = {
  -readonly [P in keyof (typeof MESSAGE_CATALOGUE)[C]]: KindValue[(typeof MESSAGE_CATALOGUE)[C][P] & ParamKind];
};

/** A sentence as code + parameters; the renderer writes it in the UI language. */
export type Message = { [C in MessageCode]: { code: C; params: MessageParams<C> } }[MessageCode];

/** One text per code: what each locale table must be (exhaustive at compile time). */
export type MessageTexts = Readonly<Record<MessageCode, string>>;

type ParamsArg<C extends MessageCode> = keyof MessageParams<C> extends never ? [params?: MessageParams<C>] : [params: MessageParams<C>];

/** Builds a typed message: `msg('checkout.tenderShort', { tenderedFen, actualPaidFen })`. */
export function msg<C extends MessageCode>(code: C, ...[params]: ParamsArg<C>): Message {
  return { code, params: (params ?? {}) as MessageParams<C> } as Message;
}

export function isMessageCode(value: unknown): value is MessageCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MESSAGE_CATALOGUE, value);
}

/** The kind of each parameter of a code (for formatting, and for the locale tests). */
export function paramKinds(code: MessageCode): Readonly<Record<string, ParamKind>> {
  return MESSAGE_CATALOGUE[code];
}

/**
 * Fills `{name}` placeholders of a template with the message's parameters,
 * each formatted by its kind. Unknown placeholders stay as they are (the
 * locale test makes sure there are none).
 */
export function fillTemplate(template: string, message: Message, format: (kind: ParamKind, value: string | number) => string): string {
  const kinds = paramKinds(message.code);
  const params = message.params as Record<string, string | number>;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const kind = kinds[name];
    const value = params[name];
    if (kind === undefined || value === undefined) return whole;
    return format(kind, value);
  });
}

/** The placeholders a template uses (for tests). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
