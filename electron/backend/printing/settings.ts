/**
 * Store and printer settings kept in `app_meta` (key → text value). These are
 * the keys printing reads; every one is optional.
 *
 * | key                  | meaning                                         | default          |
 * |----------------------|-------------------------------------------------|------------------|
 * | store.name           | store name, printed large at the top            | 收银小票         |
 * | store.address        | address line(s) under the name                  | —                |
 * | receipt.header       | free text under the address (newlines kept)     | —                |
 * | receipt.footer       | free text at the bottom (newlines kept)         | —                |
 * | receipt.timezone     | IANA zone for the printed time                  | Asia/Shanghai    |
 * | register.id          | the register's name on the receipt              | the queue id     |
 * | register.queueId     | the register's queue (used by the CLI)          | register-1       |
 * | printer.uri          | tcp://HOST:PORT, printer:NAME, //HOST/SHARE;     | (none: preview)  |
 * |                      | empty or "none" = no printer                    |                  |
 * | printer.width        | paper width in mm: 58 or 80                     | 80               |
 * | printer.commandSet   | epson or star                                   | epson            |
 * | printer.copies       | receipts per checkout, 1–5 (extras marked 副本) | 1                |
 * | printer.timeoutMs    | idle limit: no byte taken for this long = fail  | 5000             |
 * | printer.confirm      | status: ask the printer (DLE EOT / ASB) after    | status           |
 * |                      | the data; none: trust the OS network buffer     |                  |
 * | printer.drawer       | on / off: kick the cash drawer on cash tender   | on               |
 */
import type { Db } from '../store/database';
import type { CommandSet, PaperWidth } from '../../../shared/receipt/index';

export const META_KEYS = {
  storeName: 'store.name',
  storeAddress: 'store.address',
  header: 'receipt.header',
  footer: 'receipt.footer',
  timezone: 'receipt.timezone',
  registerId: 'register.id',
  registerQueueId: 'register.queueId',
  printerUri: 'printer.uri',
  printerWidth: 'printer.width',
  printerCommandSet: 'printer.commandSet',
  printerCopies: 'printer.copies',
  printerTimeoutMs: 'printer.timeoutMs',
  printerConfirm: 'printer.confirm',
  printerDrawer: 'printer.drawer',
  /** The customer page base URL; the receipt QR is this + the 查询码 (issue #12 §3). */
  lookupUrl: 'receipt.lookupUrl',
} as const;

export const DEFAULT_QUEUE_ID = 'register-1';

export interface PrinterSettings {
  /** null: no printer configured — receipts go to the preview and are kept. */
  uri: string | null;
  width: PaperWidth;
  commandSet: CommandSet;
  copies: number;
  timeoutMs: number;
  confirm: 'status' | 'none';
  drawer: boolean;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM app_meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export class PrinterSettingsError extends Error {
  override name = 'PrinterSettingsError';
}

export function parseWidth(value: string | undefined, fallback: PaperWidth = 80): PaperWidth {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value.trim().replace(/mm$/i, ''));
  if (n === 58 || n === 80) return n;
  throw new PrinterSettingsError(`paper width must be 58 or 80 (mm), got ${JSON.stringify(value)}`);
}

export function parseCommandSet(value: string | undefined): CommandSet {
  const v = (value ?? 'epson').trim().toLowerCase();
  if (v === 'epson' || v === 'star') return v;
  throw new PrinterSettingsError(`printer command set must be epson or star, got ${JSON.stringify(value)}`);
}

function intIn(value: string | undefined, fallback: number, min: number, max: number, what: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new PrinterSettingsError(`${what} must be a whole number ${min}–${max}, got ${JSON.stringify(value)}`);
  return n;
}

export function readPrinterSettings(db: Db): PrinterSettings {
  const uri = getMeta(db, META_KEYS.printerUri)?.trim();
  const confirm = (getMeta(db, META_KEYS.printerConfirm) ?? 'status').trim();
  if (confirm !== 'status' && confirm !== 'none') throw new PrinterSettingsError(`printer.confirm must be status or none, got ${JSON.stringify(confirm)}`);
  const drawer = (getMeta(db, META_KEYS.printerDrawer) ?? 'on').trim();
  return {
    uri: !uri || uri.toLowerCase() === 'none' ? null : uri,
    width: parseWidth(getMeta(db, META_KEYS.printerWidth)),
    commandSet: parseCommandSet(getMeta(db, META_KEYS.printerCommandSet)),
    copies: intIn(getMeta(db, META_KEYS.printerCopies), 1, 1, 5, 'printer.copies'),
    timeoutMs: intIn(getMeta(db, META_KEYS.printerTimeoutMs), 5000, 100, 120_000, 'printer.timeoutMs'),
    confirm,
    drawer: drawer !== 'off',
  };
}

/**
 * The settings an on-screen preview is drawn with: the printer's own, or an
 * 80 mm roll when they cannot be read (a broken printer setting must not hide
 * the receipt or slip from the screen; the print itself still reports it).
 */
export function previewSettings(db: Db): Pick<PrinterSettings, 'width' | 'copies' | 'drawer'> {
  try {
    return readPrinterSettings(db);
  } catch {
    return { width: 80, copies: 1, drawer: false };
  }
}
