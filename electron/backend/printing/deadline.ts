/** Time limits for printer I/O: on silence (IdleDeadline) or, where nothing can be watched, on the whole call. */
import { idleTimeoutError } from './transport-error';

/** Resets on every sign of progress; fires once when there was none for `ms`. */
export class IdleDeadline {
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  constructor(
    private readonly ms: number,
    private readonly onExpire: () => void,
  ) {
    this.touch();
  }
  touch(): void {
    if (this.done) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.done = true;
      this.onExpire();
    }, this.ms);
  }
  stop(): void {
    this.done = true;
    clearTimeout(this.timer);
  }
}

/** Races a promise against a deadline. The loser is not cancelled, only no longer waited for: use only where nothing is left running. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(idleTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

