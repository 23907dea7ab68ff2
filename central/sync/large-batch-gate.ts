/**
 * Large batches take turns for a few of the database pool's connections, so
 * a register's one-checkout batch never queues behind a hundred registers'
 * day-long backlogs.
 *
 * Measured (docs/central.md "Measured"): with 100 registers sending
 * 500-event batches at once, their transactions held all 25 pool
 * connections and the pool's FIFO put every steady register's single
 * checkout behind them (ack p50 10.4 s on a moderately loaded machine while
 * the same steady load alone answered in 34 ms). A batch of more than
 * LARGE_BATCH_EVENTS events now first waits for one of LARGE_BATCH_SLOTS
 * slots; the rest of the pool stays free for small batches.
 */
export const LARGE_BATCH_EVENTS = 50;
/** Of the pool's 25 connections (central/db/adapter.ts). */
export const LARGE_BATCH_SLOTS = 8;

export class LargeBatchGate {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(slots = LARGE_BATCH_SLOTS) {
    this.free = slots;
  }

  /** Runs `work` now for a small batch, or when a slot is free for a large one (first come, first served). */
  async run<T>(events: number, work: () => Promise<T>): Promise<T> {
    if (events <= LARGE_BATCH_EVENTS) return work();
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}
