/**
 * A sync failure as the client reports it: an English message for the log,
 * whether retrying can help (`blocked`: it cannot), and the catalogue message
 * the status bar shows in the UI's language.
 */
import { msg, type Message } from '../../../shared/messages/catalogue';

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    message: string,
    readonly blocked = false,
    /** What the status bar says (translated by the renderer); the English message is for the log. */
    readonly problem: Message = msg('sync.other'),
  ) {
    super(message);
  }
}

export interface SyncLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: SyncLogger = { info: () => {}, warn: () => {}, error: () => {} };

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
