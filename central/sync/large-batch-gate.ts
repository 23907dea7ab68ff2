/**
 * Large batches take turns for a few of the database pool's connections, so
 * a register's one-checkout batch never queues behind a hundred registers'
 * day-long backlogs — and, since the registers ask before they send one
 * (`sync:admit`, docs/sync.md "Admission of large batches"), the service
 * never has more large batches arriving, decoded, checked and stored at
 * once than it has slots for.
 *
 * Measured (docs/central.md "Measured"): with 100 registers sending
 * 500-event batches at once, their transactions held all 25 pool
 * connections and the pool's FIFO put every steady register's single
 * checkout behind them (ack p50 10.4 s on a moderately loaded machine while
 * the same steady load alone answered in 34 ms). A batch of more than
 * ADMIT_ABOVE_EVENTS events now first waits for one of LARGE_BATCH_SLOTS
 * slots; the rest of the pool stays free for small batches. Later (the
 * profile in docs/central.md "Where the busiest turns went"): 100 registers'
 * first batches arriving together were all decoded and checked in the same
 * few turns of the loop (up to 391 ms of CPU in one); admission moves the
 * wait to before the batch is sent.
 *
 * The service has two such gates of 8 (central/sync/registers.ts): the
 * admissions (from "send it" to stored, registers that ask) and the database
 * slots (checking and storing, asked or not); docs/central.md "Two gates for
 * large batches" says why they are not one.
 */
import { ADMIT_HOLD_MS } from '../../shared/sync/protocol';

/** Of the pool's 25 connections (central/db/adapter.ts). */
export const LARGE_BATCH_SLOTS = 8;
/**
 * Large batches admitted and not yet stored, service-wide: never more than this many arriving together.
 * As many as the database's slots: twice as many (the next ones travelling while 8 are stored) did not
 * bring the returning registers in sooner in test/central/large-batches.test.ts (3.7–4.3 s against
 * 3.9–4.7 s, load ≈ 9) and its busiest turn was 91–132 ms of CPU against 59–89 ms; nor in the bench
 * (docs/central.md "With admission": 100 registers' day in 36 s against 26 s, busiest turn 75 against 46 ms).
 */
export const ADMITTED_AT_ONCE = LARGE_BATCH_SLOTS;
/** Large batches one register may have admitted and not yet stored: one on the wire while one is stored. */
export const ADMITTED_PER_REGISTER = 2;

/** A counting semaphore, first come first served. */
export class LargeBatchGate {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(slots = LARGE_BATCH_SLOTS) {
    this.free = slots;
  }

  /** Resolves with the slot's release (once only) when a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}

/**
 * One connection's admissions: each `sync:admit` for a large batch waits for
 * one of the service's ADMITTED_AT_ONCE admissions (and for the register to
 * have fewer than ADMITTED_PER_REGISTER outstanding), then the register may
 * send; the batch that arrives takes the oldest unused admission and holds
 * it until it is stored (it still takes one of the LARGE_BATCH_SLOTS for
 * its transaction). An admission not used within ADMIT_HOLD_MS, or left by a closed
 * connection, goes back to the gate.
 */
export class ConnectionAdmissions {
  private readonly own = new LargeBatchGate(ADMITTED_PER_REGISTER);
  private readonly unused: { release: () => void; timer: NodeJS.Timeout }[] = [];
  private closed = false;

  constructor(
    private readonly gate: LargeBatchGate,
    private readonly holdMs = ADMIT_HOLD_MS,
  ) {}

  /** Resolves when the register may send its large batch (false: the connection closed meanwhile). */
  async request(): Promise<boolean> {
    const ownRelease = await this.own.acquire();
    const gateRelease = this.closed ? null : await this.gate.acquire();
    const release = () => {
      gateRelease?.();
      ownRelease();
    };
    if (this.closed || !gateRelease) {
      release();
      return false;
    }
    const entry = {
      release,
      timer: setTimeout(() => {
        const i = this.unused.indexOf(entry);
        if (i >= 0) this.unused.splice(i, 1);
        release();
      }, this.holdMs),
    };
    entry.timer.unref();
    this.unused.push(entry);
    return true;
  }

  /** A large batch arrived: the release of the admission it uses, or null when it was sent without asking. */
  take(): (() => void) | null {
    const entry = this.unused.shift();
    if (!entry) return null;
    clearTimeout(entry.timer);
    return entry.release;
  }

  close(): void {
    this.closed = true;
    for (const entry of this.unused.splice(0)) {
      clearTimeout(entry.timer);
      entry.release();
    }
  }
}
