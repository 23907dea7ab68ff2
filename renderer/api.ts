/**
 * The renderer's only way to the backend: `window.cashier` (the preload, or
 * the e2e harness). `call()` unwraps a CommandResult into a value or throws a
 * `CommandFailure` carrying the typed error, so screens can show it.
 */
import type { CashierApi, CommandError, CommandInput, CommandName, CommandOutput } from '../shared/contract';

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
    throw new CommandFailure({ code: 'internal', message: 'window.cashier is missing: the app must run inside the cashier shell.' });
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
    throw new CommandFailure({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
  }
  if (!result.ok) throw new CommandFailure(result.error);
  return result.value as CommandOutput<N>;
}

/** A message fit for the screen from anything thrown by `call()`. */
export function errorMessage(error: unknown): string {
  if (error instanceof CommandFailure) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
