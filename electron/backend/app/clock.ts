/**
 * The counter's clock, bounded (docs/app.md "Clock", docs/security.md §4).
 *
 * Operations are stamped at max(wall clock, the queue's last operation): the
 * engine needs time order. Unbounded, that rule let one sale made with the
 * wall clock a year ahead stamp every later sale in that year, and a clock
 * set far back stamp every sale with the same instant. So the counter checks
 * the wall clock before it stamps anything:
 *
 *   - behind the last operation by more than CLOCK_BEHIND_LIMIT_MS, or
 *   - ahead of the last instant the counter accepted (its last operation or
 *     the minute heartbeat, whichever is later) by more than
 *     CLOCK_AHEAD_LIMIT_MS
 *
 * stops the counter: every command that stamps time is refused with rule
 * `clock-behind` / `clock-ahead` and the status snapshot says why, until the
 * wall clock is right again or a manager confirms it (`clock.confirm`, manager
 * PIN, audited). Nothing is ever stamped with a wall clock outside the bounds
 * unless a manager confirmed that clock.
 */
import type { ClockStatus } from '../../../shared/contract';
import { AppError } from './errors';
import { msg } from '../../../shared/messages/catalogue';
import type { RegisterBackend } from './register';

export const CLOCK_BEHIND_LIMIT_MS = 5 * 60_000;
export const CLOCK_AHEAD_LIMIT_MS = 24 * 3_600_000;

const SEEN_KEY = 'clock.seenAt';
const CONFIRMED_BEHIND_KEY = 'clock.confirmedBehind';

export class CounterClock {
  constructor(private readonly core: RegisterBackend) {}

  private metaNumber(key: string): number {
    const value = Number(this.core.meta(key));
    return Number.isSafeInteger(value) ? value : 0;
  }

  private setMeta(key: string, value: number): void {
    this.core
      .sql('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, String(value));
  }

  private lastOperationAt(): number {
    return this.core.store.loadQueue(this.core.queueId)?.clock ?? 0;
  }

  /** Where the wall clock stands against what the counter has already seen. */
  status(): ClockStatus {
    const wallAt = this.core.wallNow();
    const lastOperationAt = this.lastOperationAt();
    if (wallAt < lastOperationAt - CLOCK_BEHIND_LIMIT_MS) {
      // A manager confirmed this very situation: the same last operation, and
      // the wall clock has not stepped back further since.
      const confirmedFor = this.metaNumber(CONFIRMED_BEHIND_KEY);
      if (confirmedFor !== lastOperationAt) return { state: 'behind', wallAt, lastOperationAt };
    }
    const reference = Math.max(lastOperationAt, this.metaNumber(SEEN_KEY));
    if (reference > 0 && wallAt > reference + CLOCK_AHEAD_LIMIT_MS) return { state: 'ahead', wallAt, lastOperationAt: reference };
    return { state: 'ok', wallAt, lastOperationAt };
  }

  /** The instant to stamp an operation with; refuses (nothing written) while the clock is out of bounds. */
  stamp(): number {
    const s = this.status();
    if (s.state === 'behind') {
      throw new AppError('rule', msg('clock.behind'), {
        rule: 'clock-behind',
      });
    }
    if (s.state === 'ahead') {
      throw new AppError('rule', msg('clock.ahead'), {
        rule: 'clock-ahead',
      });
    }
    return Math.max(s.wallAt, s.lastOperationAt);
  }

  /** The minute tick: remembers the last wall instant accepted, so an idle register is not "a day ahead" tomorrow. */
  heartbeat(): void {
    const s = this.status();
    if (s.state === 'ok' && s.wallAt > this.metaNumber(SEEN_KEY)) this.setMeta(SEEN_KEY, s.wallAt);
  }

  /**
   * A manager confirms the wall clock as it is now (call inside the audited
   * transaction). Ahead: the counter accepts the new time from here on.
   * Behind: operations go on being stamped at the last operation's instant
   * (the line keeps its time order) until the wall clock passes it.
   */
  confirm(): ClockStatus {
    const before = this.status();
    if (before.state === 'behind') this.setMeta(CONFIRMED_BEHIND_KEY, before.lastOperationAt);
    this.setMeta(SEEN_KEY, before.wallAt);
    return before;
  }
}
