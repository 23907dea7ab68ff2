/**
 * The renderer's only way to the backend: `window.cashier` (the preload, or
 * the e2e harness). `call()` unwraps a CommandResult into a value or throws a
 * `CommandFailure` carrying the typed error, so screens can show it.
 */
import type { CashierApi, CommandError, CommandInput, CommandName, CommandOutput } from '../shared/contract';
import { msg } from '../shared/messages/catalogue';
import { messageText } from './i18n/messages';

export class CommandFailure extends Error {
  override name = 'CommandFailure';
  constructor(readonly error: CommandError) {
    super(error.message);
  }
  get code() {
    return this.error.code;
  }
}

let override: CashierApi | null = null;

/** Tests install a fake API here (component tests only). */
export function setCashierApi(api: CashierApi | null): void {
  override = api;
}

export function cashierApi(): CashierApi {
  const api = override ?? window.cashier;
  if (!api) {
    throw new CommandFailure({ code: 'internal', message: 'window.cashier is missing: the app must run inside the cashier shell.', reason: msg('command.noApi') });
  }
  return api;
}

export function hasCashierApi(): boolean {
  return Boolean(override ?? window.cashier);
}

export async function call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
  let result;
  try {
    result = await cashierApi().invoke(name, input);
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    console.error(`command ${name} could not be sent`, error);
    throw new CommandFailure({ code: 'internal', message: error instanceof Error ? error.message : String(error), reason: msg('internal') });
  }
  if (!result.ok) throw new CommandFailure(result.error);
  return result.value as CommandOutput<N>;
}

/**
 * A sentence fit for the screen, in the UI language, from anything thrown by
 * `call()`: the backend's message code translated (never its English
 * `message`). Anything else is a bug: logged, and shown as 内部错误.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof CommandFailure) {
    const issues = error.error.issues ?? [];
    // One invalid field: say which problem; several: the generic sentence (forms show each under its field).
    if (error.code === 'invalid-input' && issues.length === 1) return messageText(issues[0]!.reason);
    return messageText(error.error.reason);
  }
  console.error(error);
  return messageText(msg('internal'));
}
