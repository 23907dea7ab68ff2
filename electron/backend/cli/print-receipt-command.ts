/**
 * `pos print-receipt --db PATH --order ID --printer tcp://HOST:PORT
 *    [--queue ID] [--width 58|80] [--copy] [--command-set epson|star]
 *    [--timeout MS] [--confirm status|none]`
 *
 * Prints one order's receipt straight to a printer (not through the queue)
 * and exits 0 only when the printer took every byte (with --confirm status,
 * the default, the printer answered a status query sent after the receipt).
 * The queue defaults to app_meta 'register.queueId' (or register-1); width
 * and command set default to the register's printer settings.
 */
import { openDatabase } from '../store/database';
import { optionalFlag, parseArgs, requireFlag, UsageError } from './args';
import {
  createTransport,
  DEFAULT_QUEUE_ID,
  getMeta,
  jobBytes,
  META_KEYS,
  parseCommandSet,
  parseWidth,
  readPrinterSettings,
  type PrinterSettings,
} from '../printing/index';

export async function runPrintReceipt(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { value: ['db', 'order', 'printer', 'queue', 'width', 'command-set', 'timeout', 'confirm'], boolean: ['copy'] });
  if (args.positional.length) throw new UsageError(`unexpected argument ${args.positional[0]}`);
  const dbPath = requireFlag(args, 'db');
  const orderId = requireFlag(args, 'order');
  const uri = requireFlag(args, 'printer');
  const timeoutText = optionalFlag(args, 'timeout');
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)) {
    throw new UsageError('--timeout must be whole milliseconds, 100–120000');
  }
  const confirm = optionalFlag(args, 'confirm');
  if (confirm !== undefined && confirm !== 'status' && confirm !== 'none') throw new UsageError('--confirm must be status or none');

  const db = openDatabase(dbPath);
  let bytes: Uint8Array;
  let settings: PrinterSettings;
  try {
    const stored = readPrinterSettings(db);
    const widthFlag = optionalFlag(args, 'width');
    const csFlag = optionalFlag(args, 'command-set');
    let width: PrinterSettings['width'];
    let commandSet: PrinterSettings['commandSet'];
    try {
      width = widthFlag === undefined ? stored.width : parseWidth(widthFlag);
      commandSet = csFlag === undefined ? stored.commandSet : parseCommandSet(csFlag);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    settings = {
      ...stored,
      uri,
      width,
      commandSet,
      copies: 1,
      timeoutMs: timeoutMs ?? stored.timeoutMs,
      confirm: confirm ?? stored.confirm,
    };
    const queueId = optionalFlag(args, 'queue') ?? getMeta(db, META_KEYS.registerQueueId) ?? DEFAULT_QUEUE_ID;
    bytes = jobBytes(db, { kind: 'receipt', queueId, orderId, copy: args.flags.has('copy') }, settings);
  } finally {
    db.close();
  }

  const transport = createTransport(uri, { commandSet: settings.commandSet, confirm: settings.confirm });
  try {
    const result = await transport.send(bytes, { timeoutMs: settings.timeoutMs });
    const paper = result.status ? ` (paper: ${result.status.paper})` : '';
    process.stdout.write(`printed order ${orderId}: ${result.bytes} bytes to ${transport.uri}${paper}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`pos print-receipt: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await transport.close?.().catch(() => undefined);
  }
}
