/**
 * The register tells the service how many events its outbox still holds
 * (`sync:status`, docs/sync.md "The register's outbox count"): the service
 * writes each report into its `registers` row for the alliance console.
 *
 * Not after every acknowledged batch: a register catching up on a day
 * offline gets an ack every few hundred milliseconds, and each report was
 * one more UPDATE on the service during the very burst its admission of
 * large batches smooths (a hundred registers returning at once). So a report
 * goes at once on a new connection and when the outbox is drained (the
 * console's "0 条" must not wait), and otherwise at most once every
 * `everyMs`: a count that changes meanwhile is sent when that time is up
 * (the latest one only), so the console's figure is never older than that
 * while the connection lasts. Never twice in a row the same number on one
 * connection.
 */
import type { Socket } from 'socket.io-client';
import { MESSAGES, type StatusReport } from '../../../shared/sync/protocol';

/** At most one outbox count this often while catching up (docs/sync.md). */
export const STATUS_REPORT_EVERY_MS = 5_000;

export class WaitingReports {
  /** The last count sent, over which connection and when (the clock below). */
  private last: { socket: Socket; waiting: number; at: number } | null = null;
  /** A count held back until `everyMs` after the last one. */
  private held: { socket: Socket; waiting: number } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly everyMs: number,
    /** Monotonic, not the register's business clock (a test's fixed `now` must not stop the reports). */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** `atOnce`: a new connection or a drained outbox. A negative count (the outbox could not be read) is not sent. */
  report(socket: Socket, waiting: number, atOnce: boolean): void {
    if (waiting < 0) return;
    const last = this.last?.socket === socket ? this.last : null;
    if (!last || atOnce || this.clock() - last.at >= this.everyMs) return this.send(socket, waiting);
    this.held = { socket, waiting };
    if (this.timer) return;
    this.timer = setTimeout(() => this.sendHeld(), Math.max(0, last.at + this.everyMs - this.clock()));
    this.timer.unref();
  }

  /** The connection closed or the client stopped: nothing held back is sent. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.held = null;
  }

  private sendHeld(): void {
    this.timer = null;
    const held = this.held;
    this.held = null;
    if (held?.socket.connected) this.send(held.socket, held.waiting);
  }

  private send(socket: Socket, waiting: number): void {
    this.cancel();
    if (this.last?.socket === socket && this.last.waiting === waiting) return;
    this.last = { socket, waiting, at: this.clock() };
    socket.emit(MESSAGES.status, { waiting } satisfies StatusReport);
  }
}
