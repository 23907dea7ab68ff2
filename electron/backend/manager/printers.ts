/**
 * The printer settings' list and test page (issue 11 §1): what printers this
 * machine can see, and a test page through the same queue as receipts (so it
 * proves the whole path: settings → queue → transport → printer).
 */
import type { ParsedCommandInput } from '../../../shared/contract';
import type { PrinterDiscoveryView } from '../../../shared/contract-manager';
import type { RegisterBackend } from '../app/register';
import { discoverPrinters } from '../printing/discovery';
import { enqueueTestPage } from '../printing/jobs';
import { DEFAULT_QUEUE_ID, getMeta, META_KEYS } from '../printing/settings';
import { managerFor } from './console';

export async function discover(b: RegisterBackend, input: ParsedCommandInput<'manager.printer.discover'>): Promise<PrinterDiscoveryView> {
  await managerFor(b).authorize(input.managerPin, 'printer.discover');
  return discoverPrinters();
}

export async function testPage(b: RegisterBackend, input: ParsedCommandInput<'manager.printer.testPage'>): Promise<{ jobId: number }> {
  const c = managerFor(b);
  await c.authorize(input.managerPin, 'printer.testPage');
  const queueId = getMeta(c.db, META_KEYS.registerQueueId) ?? DEFAULT_QUEUE_ID;
  const jobId = enqueueTestPage(c.db, { queueId });
  b.notifyChanged(); // wakes the print worker
  return { jobId };
}
