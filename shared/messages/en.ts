/**
 * English texts of the message catalogue: the renderer's English locale, and
 * the backend's `message` for logs and the CLI. `{name}` is a parameter,
 * formatted by its kind (money as ¥1,234.50, ratios as %, instants as date
 * and time). Typed `MessageTexts`: a code without a text does not compile.
 */
import { fillTemplate, type Message, type MessageTexts, type ParamKind } from './catalogue';
import { formatPercent, formatYuanGrouped, type Bp, type Fen } from '../money';

export const EN_MESSAGES: MessageTexts = {
  internal: 'Internal error: nothing was changed. Try again, or call the store manager.',
  'command.unknown': 'Unknown command {name}.',
  'command.noApi': 'The cashier backend is missing: open this page inside the cashier app.',

  'clock.behind': 'The computer clock is more than 5 minutes behind the last operation; the counter has stopped. Check the clock, or ask a manager to confirm it.',
  'clock.ahead': 'The computer clock is more than a day ahead; the counter has stopped. Check the date, or ask a manager to confirm it.',

  'session.notSignedIn': 'Sign in first.',
  'staff.duplicateName': 'A cashier named "{name}" already exists; choose another name.',
  'staff.setupDone': 'The first manager already exists; a manager adds cashiers in the manager console.',
  'staff.notFound': 'This cashier does not exist (any more); choose another.',
  'staff.disabled': '{name} is disabled and cannot sign in. A manager can enable them in the Staff section of the manager console.',
  'staff.cannotDisableSelf': 'You cannot disable yourself: another manager must do it.',
  'staff.lastManager': 'The last active manager cannot be disabled: nobody could approve anything after. Add another manager first.',
  'pin.wrong': 'Wrong PIN: {triesLeft} tries left before a {lockMinutes}-minute lock.',
  'pin.wrongManager': 'Wrong manager PIN: {triesLeft} tries left before a {lockMinutes}-minute lock.',
  'pin.lockedNow': 'Too many wrong PINs: locked for {lockMinutes} minutes, until {until}.',
  'pin.locked': 'PIN entry is locked until {until}; try again then.',

  'checkout.orderNumbersExhausted': 'Every order number of {day} is used; the register cannot number another order today.',
  'checkout.deductionExceeds': 'The deductions ({deductionFen}) are more than the amount due ({amountDueFen}); lower them.',
  'checkout.unknownMember': 'This register does not know member {memberId}; continue as a walk-in customer?',
  'checkout.tenderExceeds': 'Card / WeChat / Alipay / other ({nonCashFen}) are more than the amount to pay ({actualPaidFen}); only cash gives change.',
  'checkout.tenderShort': 'The tenders ({tenderedFen}) do not cover the amount to pay ({actualPaidFen}).',

  'member.phoneKeyMissing': 'This register has no phone key, so it cannot enrol members by phone: restart the register (docs/security.md).',
  'member.phoneInvalid': 'Not a mainland mobile number (11 digits starting 13–19).',
  'member.exists': 'This phone number is already a member here: look it up instead.',

  'order.notFound': 'There is no order {orderId} on this register.',
  'order.noEntitlement': 'Order {orderId} earned no place in the line.',
  'order.alreadyRefunded': 'Order {orderId} is already refunded.',
  'order.refundClosedDay': 'Order {orderId} belongs to a closed day (its shift report is printed) and this store does not refund closed days. A manager can allow it under Store settings.',
  'order.refundNeedsShift': 'Open a shift first: a refund is recorded in the open shift.',
  'order.badDay': '{day} is not a real date.',

  'shift.notOpen': 'No shift is open: open a shift first (F3).',
  'shift.alreadyOpen': 'A shift is already open on this register.',
  'shift.notFound': 'There is no such shift.',
  'shift.notYours': 'Only the cashier who opened the shift, or a manager, can close it.',

  'manager.pinRequired': 'Unlock the manager console with a manager PIN first.',
  'manager.baseFromServer': 'Base settings come from the central server; change this register’s settings instead.',
  'manager.baseEditableServer': 'A central server is configured: base settings come from it; only this register’s settings are edited here.',
  'manager.baseEditableLocal': 'No central server is configured: base settings are edited on this register.',
  'manager.noSecretStore': 'This computer has no secure store for the sync token; the token was not saved.',
  'manager.badDateRange': 'The dates are not a valid range: the first must be on or before the last.',
  'manager.rangeTooLong': 'A report covers at most {maxYears} years.',
  'manager.invalidInput': '{count} fields need correcting.',

  'printer.badAddress': 'The printer address "{address}" is not understood: use tcp://HOST:PORT, printer:NAME, serial:PORT?baud=9600, file:/dev/usb/lp0 or //COMPUTER/SHARE.',
  'printer.notADevice': 'A printer address may name only a printer device (/dev/usb/lp0, /dev/ttyUSB0, COM3, LPT1 or //COMPUTER/SHARE), never the database, a document or a relative path: "{address}".',
  'printer.badBaud': 'The serial baud rate in "{address}" must be one of 2400, 4800, 9600, 19200, 38400, 57600, 115200.',
  'printer.badName': 'The printer name in "{address}" may not contain spaces or / \\ \' " $ ; & | < >.',
  'printer.badPort': 'The printer port in "{address}" must be 1–65535.',
  'printer.storedUnreadable': 'The stored printer settings cannot be read; defaults are shown. Save the printer settings again.',
  'sync.badUrl': 'The server address "{url}" is not an address (e.g. wss://central.example.com).',
  'sync.insecureUrl': 'The address "{url}" is not encrypted: use wss:// (or https://), or allow insecure connections.',
  'sync.badScheme': 'The server address "{url}" must start with wss:// (or https://).',
  'sync.tokenUnreadable': 'The stored sync token cannot be read on this computer; enter the token again.',

  'engine.invalid-input': 'The values given are not valid for the line.',
  'engine.unknown-queue': 'This register’s line does not exist.',
  'engine.unknown-order': 'There is no such order.',
  'engine.unknown-member': 'This register does not know the member.',
  'engine.duplicate-order': 'This order number is already used.',
  'engine.time-backwards': 'The time is earlier than the last operation; check the computer clock.',
  'engine.already-completed': 'This order is already completed.',
  'engine.already-refunded': 'This order is already refunded.',
  'engine.no-entry': 'This order has no place in the line.',
  'engine.not-drawable': 'This entry has no draw waiting.',
  'engine.draw-not-allowed': 'The draw is not allowed now.',
  'engine.not-exchangeable': 'This entry cannot be exchanged now.',
  'engine.exchange-not-configured': 'No exchange rate is set; a manager sets it in the settings.',

  'input.invalid': 'Some values are not valid; correct them and try again.',
  'input.notPlainObject': 'The input must be a plain object.',
  'input.required': 'Required.',
  'input.wrongType': 'Wrong kind of value.',
  'input.notInteger': 'Must be a whole number.',
  'input.empty': 'Cannot be empty.',
  'input.tooLong': 'At most {max} characters.',
  'input.tooShort': 'At least {min} characters.',
  'input.tooMany': 'At most {max} items.',
  'input.tooFew': 'At least {min} items.',
  'input.tooLarge': 'Cannot be more than {max}.',
  'input.tooSmall': 'Cannot be less than {min}.',
  'input.tooLargeFen': 'Cannot be more than {max}.',
  'input.tooSmallFen': 'Cannot be less than {min}.',
  'input.tooLargeBp': 'Cannot be more than {max}.',
  'input.tooSmallBp': 'Cannot be less than {min}.',
  'input.unknownField': 'Unknown field.',
  'input.badChoice': 'Not one of the allowed choices.',
  'input.badFormat': 'Wrong format.',
  'input.pinFormat': 'A PIN is 4–8 digits.',
  'input.pinSame': 'The new PIN must differ from the current one.',
  'input.dateFormat': 'A date is YYYY-MM-DD.',
  'input.timeOfDay': 'A time of day is HH:MM (00:00–23:59).',
  'input.isoDateTime': 'A date-time needs its time zone, e.g. 2026-01-05T10:00:00+08:00.',
  'input.notRealDateTime': 'Not a real date and time.',
  'input.sameMinute': 'A time window cannot start and end at the same minute.',
  'input.lotteryMinAboveMax': 'The lottery’s lowest ratio cannot be above its highest.',
  'input.fixedLotteryEmpty': 'A fixed lottery needs at least one ratio.',
  'input.randomReturnGroup': 'A random-return group needs at least one order.',
  'input.paperWidth': 'The paper width is 58 or 80 mm.',
  'input.copies': 'Copies: 1–5.',
  'input.timeout': 'The timeout is 100–120000 ms.',
  'input.atLeastOneTender': 'At least one tender.',
  'input.amountMin': 'The amount due must be at least ¥0.01.',
  'input.lookupUrl': 'The lookup address must start with https:// (or http://) and hold no spaces.',

  'ratio.cashierLevel': 'This register’s ratio for {level}',
  'ratio.baseLevel': 'The platform’s ratio for {level}',
  'ratio.tierReached': 'Spent at least {minSpendFen} in the last {days} days',
  'ratio.noTierReached': 'No cumulative-spend tier reached',
  'ratio.noTiers': 'No cumulative-spend tiers set',
  'ratio.cashierLottery': 'This register’s lottery',
  'ratio.baseLottery': 'The platform’s lottery',
  'ratio.cashierDefault': 'This register’s default ratio',
  'ratio.baseDefault': 'The platform’s default ratio',
  'ratio.other': '{rule}',

  'audit.settingsSaveCashier': 'changed this register’s settings: {fields}',
  'audit.settingsSaveBase': 'changed the base settings: {fields}',
  'audit.storeSave': 'changed the store details: {items}',
  'audit.printerSave': 'changed the printer settings: {items}',
  'audit.syncSave': 'changed the sync settings: {items}',
  'audit.exportShifts': 'exported the shifts {from} – {to} ({rows} rows)',
  'audit.exportQueue': 'exported the line {from} – {to} ({rows} rows)',
  'audit.exportLedger': 'exported the ledger {from} – {to} ({rows} rows)',
  'audit.pinWrong': 'a wrong manager PIN was entered',
  'audit.pinLocked': 'too many wrong manager PINs: locked until {until}',
  'audit.unlock': 'unlocked the manager console',
  'audit.lock': 'locked the manager console',
  'audit.clockConfirm': 'confirmed the computer clock ({wallAt}; last operation {lastOperationAt})',
  'audit.pinChange': 'changed their manager PIN',
  'audit.staffCreateCashier': 'added the cashier {name}',
  'audit.staffCreateManager': 'added the manager {name}',
  'audit.staffRename': 'renamed {old} to {new}',
  'audit.staffDisable': 'disabled {name} (can no longer sign in)',
  'audit.staffEnable': 'enabled {name} again',
  'audit.staffResetPin': 'reset the PIN of {name}',
  'audit.orderRefund': 'approved the refund of order {orderId} ({amountFen})',
  'audit.other': 'another action',

  'whatIf.emptyStart': 'Both runs start from an empty line at the start of the window and keep one copy of the settings throughout.',
  'whatIf.levelsNow': 'Members are replayed at their level today, under pseudonyms.',
  'whatIf.randomReturnPinned': 'Random-return outcomes are kept as they happened.',
  'whatIf.randomReturnSeeded': 'The edited random-return setting draws its own outcomes (seeded).',
  'whatIf.drawsKept': 'A recorded draw keeps its outcome when the lottery allows it; otherwise it draws again (seeded).',

  'startup.refused': 'The register is not open: its database is missing or empty; restore a backup first.',
  'startup.notRefused': 'The register is open: restore a backup with `pos restore` while the app is closed.',
  'restore.notFound': 'There is no backup of {day}.',
  'restore.wrongPin': 'Wrong PIN: enter the PIN of a manager in this backup.',
  'restore.locked': 'Too many wrong PINs: restoring is locked until {until}.',
  'restore.checkFailed': 'That backup failed its check; nothing was restored. Choose an earlier day.',
  'restore.newerVersion': 'That backup comes from a newer version of the register: install it first.',
  'restore.noManager': 'That backup has no manager; choose another day.',
  'restore.busy': 'A restore is already running; wait for it.',

  'ledger.checkFailed': 'The ledger check found {problems} problem(s): the register has stopped taking sales. Do not delete the database file; call the store manager or support.',
  'sync.restoredBehindServer': 'This register was restored from a backup; the server holds records {fromSeq}–{toSeq} from after the backup that this register lost. New records continue from {nextSeq}, nothing of the server is overwritten, and sync goes on. Tell the alliance operator this register was restored so they can check those records; once the server can send them back, recover them from the manager console.',
  'sync.conflict': 'The server already holds record {seq} with different content (was this register restored or copied?). Sync has stopped; sales are still recorded here and nothing is lost. Call the alliance operator.',
  'sync.ackBeyond': 'The server confirmed records up to {ackedSeq}, but this register has only numbered up to {numberedSeq}; nothing was removed. Call the alliance operator.',
  'sync.serverLostData': 'The server needs record {expectedSeq} again, but this register already sent it and no longer has it (it starts at {firstSeq}). The server must restore its data: call the alliance operator.',
  'sync.unreachable': 'Cannot reach the server: check the network; the register keeps selling and sends later.',
  'sync.connectionLost': 'The connection to the server was lost; retrying. Nothing is lost.',
  'sync.noAck': 'The server did not confirm in time; the records stay here and are sent again.',
  'sync.badAnswer': 'The server answered something this register does not understand; nothing was removed. Call the alliance operator if it persists.',
  'sync.refusedBatch': 'The server refused the records; they stay here and are sent again. Call the alliance operator if it persists.',
  'sync.badHello': 'The server refused this register\'s sign-in: check the store and register numbers in the sync settings.',
  'sync.badToken': 'The server refused the access token: enter the right token in the sync settings.',
  'sync.protocolVersion': 'The server speaks another version of sync: update this register or ask the alliance operator.',
  'sync.serverError': 'The server had a problem; retrying later. Nothing is lost.',
  'sync.badOutboxRow': 'A record waiting to be sent is damaged; sync has stopped there. Call support; sales are still recorded.',
  'sync.other': 'Sync failed; retrying. Nothing is lost.',
  'sync.tokenInClearConfirm': 'This computer has no secure key store: the sync token would be kept unencrypted on this disk, readable by anyone who can copy the files. Keep it anyway?',
};

function plainValue(kind: ParamKind, value: string | number): string {
  if (typeof value === 'number') {
    if (kind === 'fen') return value < 0 ? `-¥${formatYuanGrouped(-value as Fen)}` : `¥${formatYuanGrouped(value as Fen)}`;
    if (kind === 'bp') return formatPercent(value as Bp);
    if (kind === 'instant') return new Date(value).toISOString();
  }
  if (kind === 'fields' || kind === 'items') return String(value).split(',').join(', ');
  return String(value);
}

/** The English sentence of a message (logs, CLI, the `message` of a CommandError). */
export function englishText(message: Message): string {
  return fillTemplate(EN_MESSAGES[message.code], message, plainValue);
}
