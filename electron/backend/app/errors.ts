/**
 * A refusal at the counter that is not an engine rule (no one signed in, no
 * open shift, a wrong PIN…). The command handler turns it into a typed
 * `CommandError`; nothing was written.
 */
import type { CommandErrorCode } from '../../../shared/contract';

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: Exclude<CommandErrorCode, 'invalid-input' | 'internal'>,
    message: string,
    readonly extra: { rule?: string; lockedUntil?: number } = {},
  ) {
    super(message);
  }
}
