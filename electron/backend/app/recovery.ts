/**
 * The start-up gate (docs/security.md §5): opens the register, or — when the
 * database is lost (missing/empty beside backups or a WAL) — answers only
 * what the refusal page needs: `startup.state` and `startup.restore`. Every
 * other command is refused until a backup is restored; first-run setup is
 * never reachable on a lost database.
 *
 * Restoring asks for a manager PIN of the BACKUP (checked by restoreBackup
 * on the verified copy, before anything is replaced). Guessing is bounded as
 * at the counter: one restore at a time (parallel guesses wait their turn),
 * 5 wrong PINs lock the page for 5 minutes.
 *
 * Used by the Electron shell and the e2e harness alike.
 */
import path from 'node:path';
import { isCommandName, parseCommandInput, type CommandError, type CommandResult, type CommandName, type StartupState } from '../../../shared/contract';
import { msg } from '../../../shared/messages/catalogue';
import { englishText } from '../../../shared/messages/en';
import { AppError } from './errors';
import { createCommandHandler, toCommandError, type CommandHandler } from './handlers';
import { consoleLogger, type Logger, type RegisterBackend } from './register';
import { restoreBackup, RestoreRefused } from './restore';
import { startRegister, type LostDatabase, type StartOptions, type StartupDecision } from './startup';
import { backupNamesServer, backupServer, checkServer, recoverRestored, type ServerRecoverySummary } from '../recovery/startup-recovery';
import type { SecretBox } from '../sync/config';

export const RESTORE_MAX_FAILURES = 5;
export const RESTORE_LOCK_MS = 5 * 60_000;

export interface StartupGateOptions extends StartOptions {
  /** Called once the register is open (at start, or after a restore): the shell wires its workers here. */
  onOpen?: (backend: RegisterBackend) => void;
  log?: Logger;
  /** Monotonic milliseconds for the PIN lock (default performance.now). */
  monotonic?: () => number;
  /** Reads the sync token a backup holds, for 「从联盟服务器恢复」 (the shell's OS key store). */
  secretBox?: SecretBox;
}

const dayOf = (file: string) => /cashier-(\d{4}-\d{2}-\d{2})\.db$/.exec(path.basename(file))?.[1] ?? null;

const refusalOf: Record<RestoreRefused['reason'], (day: string) => AppError> = {
  'not-found': (day) => new AppError('not-found', msg('restore.notFound', { day })),
  'wrong-pin': () => new AppError('wrong-pin', msg('restore.wrongPin')),
  'check-failed': () => new AppError('rule', msg('restore.checkFailed'), { rule: 'restore-check-failed' }),
  'newer-version': () => new AppError('rule', msg('restore.newerVersion'), { rule: 'restore-newer-version' }),
  'no-manager': () => new AppError('rule', msg('restore.noManager'), { rule: 'restore-no-manager' }),
};

export class StartupGate {
  private registerHandler: CommandHandler | null = null;
  private lost: LostDatabase | null = null;
  private failures = 0;
  private lockedUntil = 0;
  private busy = false;
  private readonly log: Logger;
  private readonly monotonic: () => number;
  backend: RegisterBackend | null = null;

  constructor(
    private readonly paths: { db: string; backups: string },
    private readonly options: StartupGateOptions = {},
  ) {
    this.log = options.log ?? options.logger ?? consoleLogger;
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  start(): StartupDecision {
    const decision = startRegister(this.paths.db, { ...this.options, backupsDir: this.paths.backups });
    if (decision.ok) this.opened(decision.backend);
    else if (decision.reason === 'database-lost') this.lost = decision.lost;
    return decision;
  }

  /** The command handler for the window: the register's once open, the refusal page's until then. */
  readonly handle: CommandHandler = async (name, payload) => {
    if (this.registerHandler) return this.registerHandler(name, payload);
    if (!isCommandName(name)) {
      const reason = msg('command.unknown', { name: typeof name === 'string' ? name.slice(0, 64) : typeof name });
      return fail({ code: 'invalid-input', message: englishText(reason), reason });
    }
    if (name !== 'startup.state' && name !== 'startup.restore' && name !== 'startup.recoverFromServer') {
      const reason = msg('startup.refused');
      return fail({ code: 'rule', rule: 'startup-refused', message: englishText(reason), reason });
    }
    const parsed = parseCommandInput(name, payload);
    if (!parsed.ok) return parsed;
    try {
      if (name === 'startup.state') return ok(this.state());
      const input = parsed.value as { backupDay: string; managerPin: string };
      return ok(await this.restore(input.backupDay, input.managerPin, name === 'startup.recoverFromServer'));
    } catch (error) {
      return fail(toCommandError(error, this.log, name));
    }
  };

  state(): StartupState {
    if (!this.lost) return { mode: 'register', database: null, wal: false, backupDays: [], server: false };
    const newest = this.lost.backups[0];
    return {
      mode: 'refused',
      database: this.lost.db,
      wal: this.lost.wal,
      backupDays: this.lost.backups.map(dayOf).filter((d): d is string => d !== null),
      server: newest !== undefined && backupNamesServer(newest, this.binding()),
    };
  }

  private binding(): { nativeBinding?: string } {
    return this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {};
  }

  private async restore(
    backupDay: string,
    managerPin: string,
    fromServer = false,
  ): Promise<{ restoredDay: string; keptAside: boolean; recovered?: ServerRecoverySummary }> {
    if (this.monotonic() < this.lockedUntil) {
      const until = Date.now() + (this.lockedUntil - this.monotonic());
      throw new AppError('locked', msg('restore.locked', { until }), { lockedUntil: until });
    }
    if (this.busy) throw new AppError('rule', msg('restore.busy'), { rule: 'restore-busy' });
    const file = this.lost?.backups.find((f) => dayOf(f) === backupDay);
    if (!file) throw refusalOf['not-found'](backupDay);
    this.busy = true;
    try {
      // The service is asked before anything is restored: unreachable or refusing, nothing changes.
      const server = fromServer ? backupServer(file, this.options.secretBox, this.binding()) : null;
      if (server) await checkServer(server);
      const result = await restoreBackup(file, this.paths.db, { managerPin, ...(this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {}) });
      this.failures = 0;
      // Before the register opens, so nothing new is numbered ahead of the service's events.
      const recovered = server ? await recoverRestored(this.paths.db, server, this.binding()) : undefined;
      const decision = startRegister(this.paths.db, { ...this.options, backupsDir: this.paths.backups });
      if (!decision.ok) throw new Error(`the restored database did not open: ${decision.message}`);
      this.log.info(`restored ${file} into ${this.paths.db}; kept aside: ${result.keptAside.join(', ') || 'nothing'}`);
      this.lost = null;
      this.opened(decision.backend);
      return { restoredDay: backupDay, keptAside: result.keptAside.length > 0, ...(recovered ? { recovered } : {}) };
    } catch (error) {
      if (!(error instanceof RestoreRefused)) throw error;
      if (error.reason === 'wrong-pin' && ++this.failures >= RESTORE_MAX_FAILURES) {
        this.failures = 0;
        this.lockedUntil = this.monotonic() + RESTORE_LOCK_MS;
      }
      throw refusalOf[error.reason](backupDay);
    } finally {
      this.busy = false;
    }
  }

  private opened(backend: RegisterBackend): void {
    this.backend = backend;
    this.registerHandler = createCommandHandler(backend, this.log);
    this.options.onOpen?.(backend);
  }
}

function ok<T>(value: T): CommandResult<CommandName> {
  return { ok: true, value } as CommandResult<CommandName>;
}

function fail(error: CommandError): { ok: false; error: CommandError } {
  return { ok: false, error };
}
