import { CommandFailure, errorMessage } from '../api';
import { dateTime } from '../format';

type T = (key: string, params?: Record<string, unknown>) => string;

/** A wrong PIN shows the tries left; a lockout shows until when (CommandError.lockedUntil). */
export function pinErrorText(t: T, error: unknown, now = Date.now()): string {
  if (error instanceof CommandFailure && error.code === 'locked' && error.error.lockedUntil) {
    const until = error.error.lockedUntil;
    return t('manager.pin.locked', { time: dateTime(until), min: Math.max(1, Math.ceil((until - now) / 60_000)) });
  }
  if (error instanceof CommandFailure && error.code === 'wrong-pin') {
    const reason = error.error.reason;
    const n = reason.code === 'pin.wrong' || reason.code === 'pin.wrongManager' ? reason.params.triesLeft : null;
    return n === null ? t('manager.pin.wrongNoCount') : t('manager.pin.wrong', { n });
  }
  return errorMessage(error);
}
