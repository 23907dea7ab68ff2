/**
 * Receipts at the counter: the on-screen preview (from the printing side's
 * one receipt source) and reprints marked as copies.
 */
import type { CommandOutput, ParsedCommandInput } from '../../../shared/contract';
import { jobPreview, previewSettings, reprintOrder } from '../printing/index';
import { AppError } from './errors';
import { msg } from '../../../shared/messages/catalogue';
import type { RegisterBackend } from './register';

export class Receipts {
  constructor(private readonly core: RegisterBackend) {}

  /** The on-screen receipt, from the printing colleague's one receipt source. Never fails a committed sale. */
  receiptLines(orderId: string, copy: boolean): string[] {
    const { db, queueId } = this.core;
    try {
      const settings = previewSettings(db);
      return jobPreview(db, { kind: 'receipt', queueId, orderId, copy }, settings, this.core.wallNow()).lines.map((l) => l.text.trimEnd());
    } catch (error) {
      this.core.log.error(`receipt preview of ${orderId} failed`, error);
      return [];
    }
  }

  private requireOrder(orderId: string): void {
    if (!this.core.store.getOrder(this.core.queueId, orderId)) throw new AppError('not-found', msg('order.notFound', { orderId }));
  }

  receiptPreview(input: ParsedCommandInput<'receipt.preview'>): CommandOutput<'receipt.preview'> {
    this.core.requireSession();
    this.requireOrder(input.orderId);
    return { lines: this.receiptLines(input.orderId, input.copy) };
  }

  reprint(input: ParsedCommandInput<'receipt.reprint'>): CommandOutput<'receipt.reprint'> {
    this.core.requireSession();
    this.requireOrder(input.orderId);
    const { db, queueId } = this.core;
    const jobId = db.transaction(() => reprintOrder(db, { queueId, orderId: input.orderId, now: this.core.wallNow() }))();
    this.core.notifyChanged();
    return { jobId, lines: this.receiptLines(input.orderId, true) };
  }
}
