/**
 * The command contract, answered: `(name, payload) → CommandResult`.
 *
 * The order never changes: an unknown command is refused; the payload is
 * validated with the contract's schema BEFORE anything touches the
 * database; then the register runs it. A rule refusal is a typed error the
 * UI can show; anything unexpected is logged with its stack and reported as
 * 'internal' with a message that leaks nothing.
 *
 * The Electron main process wires this to ipcMain; the browser tests wire
 * the very same function to the page.
 */
import {
  isCommandName,
  parseCommandInput,
  type CommandError,
  type CommandName,
  type CommandOutput,
  type CommandResult,
  type ParsedCommandInput,
  type StatusSnapshot,
} from '../../../shared/contract';
import { RuleError } from '../../../shared/engine/index';
import { msg, type MessageCode } from '../../../shared/messages/catalogue';
import { englishText } from '../../../shared/messages/en';
import { MANAGER_COMMANDS } from '../manager/commands';
import { AppError } from './errors';
import { haltedBy } from './full-check';
import { storageFault, storageRefusal } from './storage-faults';
import { consoleLogger, type Logger, type RegisterBackend } from './register';

type Implementations = {
  [N in CommandName]: (backend: RegisterBackend, input: ParsedCommandInput<N>) => CommandOutput<N> | Promise<CommandOutput<N>>;
};

/** Every command of the contract, exhaustively (a new command will not compile until it is here). */
const COMMANDS: Implementations = {
  'app.status': (b) => b.status(),
  'cashiers.list': (b) => b.staff.listCashiers(),
  'setup.createManager': (b, i) => b.staff.createFirstManager(i),
  'cashiers.create': (b, i) => b.staff.createCashier(i),
  'session.signIn': (b, i) => b.staff.signIn(i),
  'session.signOut': (b) => b.staff.signOut(),
  'shift.open': (b, i) => b.shifts.startShift(i),
  'shift.report': (b, i) => b.shifts.shiftReport(i),
  'shift.close': (b, i) => b.shifts.closeShift(i),
  'shift.print': (b, i) => b.shifts.printReport(i),
  'members.lookup': (b, i) => b.checkout.lookupMember(i),
  'checkout.submit': (b, i) => b.checkout.checkoutSubmit(i),
  'order.complete': (b, i) => b.checkout.completeOrder(i),
  'queue.list': (b, i) => b.line.listQueue(i),
  'queue.entry': (b, i) => b.line.entryDetails(i),
  'queue.draw': (b, i) => b.line.drawEntry(i),
  'queue.exchangeQuote': (b, i) => b.line.quoteExchange(i),
  'queue.exchange': (b, i) => b.line.exchangeEntry(i),
  'queue.refundPreview': (b, i) => b.line.refundPreview(i),
  'queue.refund': (b, i) => b.line.refundOrder(i),
  'receipt.preview': (b, i) => b.receipts.receiptPreview(i),
  'receipt.reprint': (b, i) => b.receipts.reprint(i),
  'members.enrol': (b, i) => b.members.enrol(i),
  'cashiers.signInChoices': (b) => b.staff.signInChoices(),
  'orders.list': (b, i) => b.orders.list(i),
  'orders.get': (b, i) => b.orders.details(i),
  'orders.refundPreview': (b, i) => b.orders.refundPreview(i),
  'orders.refund': (b, i) => b.orders.refund(i),
  // Answered by the StartupGate while start-up is refused; an open register says so.
  'startup.state': () => ({ mode: 'register', database: null, wal: false, backupDays: [], server: false }),
  'startup.restore': () => {
    throw new AppError('rule', msg('startup.notRefused'), { rule: 'startup-not-refused' });
  },
  'startup.recoverFromServer': () => {
    throw new AppError('rule', msg('startup.notRefused'), { rule: 'startup-not-refused' });
  },
  'display.typing': (b, i) => {
    b.requireSession();
    b.customerDisplay.typing(i.amountDueFen, i.deductionFen);
    return null;
  },
  'display.idle': (b) => {
    b.requireSession();
    b.customerDisplay.idle();
    return null;
  },
  'printJobs.list': (b) => b.printDesk.list(),
  'printJobs.retry': (b, i) => b.printDesk.retry(i),
  'printJobs.reprint': (b, i) => b.printDesk.reprint(i),
  'printJobs.skip': (b, i) => b.printDesk.skip(i),
  'printJobs.preview': (b, i) => b.printDesk.preview(i),
  'printer.testPage': (b) => b.printDesk.testPage(),
  ...MANAGER_COMMANDS,
};

export type CommandHandler = (name: unknown, payload: unknown) => Promise<CommandResult<CommandName>>;

function fail(error: CommandError): { ok: false; error: CommandError } {
  return { ok: false, error };
}

/**
 * Maps a thrown error to what the renderer may see. A write the disk refused
 * (SQLITE_FULL / ENOSPC, SQLITE_IOERR / EIO, read-only, a damaged file) is
 * code 'storage' with a sentence saying what to do (storage-faults.ts); the
 * transaction rolled back, so nothing changed. SQLite's own English goes to
 * the log only. `dataDir`: the register's data folder (a permission error
 * elsewhere is not the disk's); `fault`: the disk's part, when the caller has
 * sorted the error already.
 */
export function toCommandError(error: unknown, log: Logger, name: string, dataDir?: string, fault = storageFault(error, dataDir)): CommandError {
  if (error instanceof AppError) return { code: error.code, message: error.message, reason: error.reason, ...error.extra };
  if (fault) {
    log.error(`command ${name} refused: the disk would not take the write (${fault}); nothing was changed`, error);
    const reason = storageRefusal(fault);
    return { code: 'storage', message: englishText(reason), reason };
  }
  if (error instanceof RuleError) {
    // Every engine rule has its own catalogue code (engine.<RuleErrorCode>); the engine's English stays in `message`.
    const reason = msg(`engine.${error.code}` satisfies MessageCode);
    if (error.code === 'unknown-member') return { code: 'unknown-member', message: error.message, reason, rule: error.code };
    return { code: 'rule', message: error.message, reason, rule: error.code };
  }
  log.error(`command ${name} failed unexpectedly`, error);
  const reason = msg('internal');
  return { code: 'internal', message: englishText(reason), reason };
}

export function createCommandHandler(backend: RegisterBackend, log: Logger = consoleLogger): CommandHandler {
  return async (name, payload) => {
    if (!isCommandName(name)) {
      const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : typeof name;
      const reason = msg('command.unknown', { name: shown });
      return fail({ code: 'invalid-input', message: englishText(reason), reason });
    }
    const parsed = parseCommandInput(name, payload);
    if (!parsed.ok) return parsed;
    const halt = haltedBy(backend);
    if (halt && name !== 'app.status') {
      // The background ledger check found a violation: the counter stops, as a failed start-up check would (full-check.ts).
      const reason = msg('ledger.checkFailed', { problems: halt.length });
      return fail({ code: 'rule', rule: 'ledger-check-failed', message: englishText(reason), reason });
    }
    try {
      const run = COMMANDS[name] as (b: RegisterBackend, input: unknown) => unknown;
      const value = (await run(backend, parsed.value)) as CommandOutput<typeof name>;
      return { ok: true, value } as CommandResult<CommandName>;
    } catch (error) {
      const dataDir = backend.storage.dataDir ?? undefined;
      const fault = error instanceof AppError ? null : storageFault(error, dataDir);
      // The banner says so at once (the status publisher listens), not at the next 30-second look.
      if (fault) backend.storage.noteFault(fault);
      return fail(toCommandError(error, log, name, dataDir, fault));
    }
  };
}

/**
 * Pushes a `StatusSnapshot` to subscribers whenever it changes: after every
 * committed command (the register's onChange) and whenever `refresh()` is
 * called (the shell polls it for sync and printer changes). Identical
 * snapshots are not pushed twice.
 */
export class StatusPublisher {
  private readonly listeners = new Set<(status: StatusSnapshot) => void>();
  private last: string | null = null;
  private readonly detach: () => void;

  constructor(
    private readonly backend: RegisterBackend,
    private readonly log: Logger = consoleLogger,
  ) {
    const detachChange = backend.onChange(() => this.refresh());
    const detachFault = backend.storage.onFault(() => this.refresh());
    this.detach = () => {
      detachChange();
      detachFault();
    };
  }

  subscribe(listener: (status: StatusSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(): StatusSnapshot {
    return this.backend.status();
  }

  /** Computes the snapshot and pushes it if it differs from the last one pushed. */
  refresh(): boolean {
    let snapshot: StatusSnapshot;
    try {
      snapshot = this.backend.status();
    } catch (error) {
      this.log.error('status snapshot failed', error);
      return false;
    }
    const text = JSON.stringify(snapshot);
    if (text === this.last) return false;
    this.last = text;
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        this.log.error('a status listener failed', error);
      }
    }
    return true;
  }

  close(): void {
    this.detach();
    this.listeners.clear();
  }
}
