/**
 * A refusal at the counter that is not an engine rule (no one signed in, no
 * open shift, a wrong PIN…). The command handler turns it into a typed
 * `CommandError`; nothing was written.
 *
 * It carries what to say as a catalogue message (`shared/messages/catalogue.ts`):
 * the renderer translates the code and parameters; the English `message`
 * (from shared/messages/en.ts) is for logs and the CLI.
 */
import type { CommandErrorCode, CommandIssue } from '../../../shared/contract';
import type { Message } from '../../../shared/messages/catalogue';
import { englishText } from '../../../shared/messages/en';

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: Exclude<CommandErrorCode, 'invalid-input' | 'internal'>,
    readonly reason: Message,
    readonly extra: { rule?: string; lockedUntil?: number; issues?: CommandIssue[] } = {},
  ) {
    super(englishText(reason));
  }
}
