/**
 * The print worker of the real backend running against the stand-in receipt
 * printer (test/support/fake-printer.ts: a TCP listener that answers status
 * queries and keeps every byte), for the browser tests and the screenshots.
 * What was printed is read back with the ESC/POS decoder, never by byte counts.
 */
import { PrintWorker } from '../../electron/backend/printing/index';
import { decodeEscPos, type DecodedReceipt } from '../support/escpos-decoder';
import { FakePrinter } from '../support/fake-printer';
import type { Harness } from './harness';

export interface StandInPrinter {
  printer: FakePrinter;
  worker: PrintWorker;
  /** Every receipt, slip and report printed so far, in order (decoded text lines). */
  printed(): DecodedReceipt[];
  /** Print jobs of the register in a state (pending, printing, failed, done, skipped). */
  jobsIn(state: string): number;
  stop(): Promise<void>;
}

export async function attachStandInPrinter(h: Harness): Promise<StandInPrinter> {
  const printer = await FakePrinter.start();
  const set = h.backend.db.prepare('INSERT OR REPLACE INTO app_meta (key, value) VALUES (?, ?)');
  set.run('printer.uri', printer.uri);
  set.run('printer.timeoutMs', '3000');
  // Short back-off: a job that failed for want of paper is tried again soon after the paper is back.
  const worker = new PrintWorker(h.backend.db, { onEvent: () => h.backend.notifyChanged(), backoff: { baseMs: 200, maxMs: 1000 }, idleMs: 200, statusPollMs: 0 });
  h.backend.setStatusSources({ printer: () => worker.printerState });
  h.backend.onChange(() => worker.kick());
  worker.start();
  return {
    printer,
    worker,
    printed: () => decodeEscPos(printer.bytes).receipts.filter((r) => r.lines.some((l) => l.text.trim() !== '')),
    jobsIn: (state) => (h.backend.db.prepare('SELECT count(*) AS n FROM print_jobs WHERE state = ?').get(state) as { n: number }).n,
    stop: async () => {
      await worker.stop();
      await printer.stop();
    },
  };
}
