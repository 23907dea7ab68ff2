/**
 * Why printing or sync failed, as a short cause code the counter screen
 * translates (缺纸, 纸仓盖未关, 打印机拒绝连接, 超时, 断开 …). The backend keeps the
 * full message (with the printer's address or the server's words) for the
 * log and the print-jobs list's detail; the cashier reads the cause.
 *
 * Pure: both the backend (status snapshot) and the renderer use it.
 */

export const PRINT_CAUSES = ['paper-out', 'cover-open', 'refused', 'timeout', 'closed', 'offline', 'interrupted', 'bad-receipt', 'no-driver', 'other'] as const;
export type PrintCause = (typeof PRINT_CAUSES)[number];

/** Transport error codes (electron/backend/printing/transport.ts PrinterError.code) → cause. */
const BY_CODE: Record<string, PrintCause> = { refused: 'refused', timeout: 'timeout', closed: 'closed', io: 'closed', config: 'no-driver' };

/**
 * The cause of a print failure, from the transport's error code when known,
 * else from the stored message (print_jobs.last_error keeps only the text).
 */
export function printCause(message: string | null | undefined, code?: string | null): PrintCause {
  const text = message ?? '';
  // The printer's own state first: "not ready" says why.
  if (/缺纸|paper out|paper end/i.test(text)) return 'paper-out';
  if (/盖未关|cover open/i.test(text)) return 'cover-open';
  if (/离线|offline/i.test(text)) return 'offline';
  if (code && BY_CODE[code]) return BY_CODE[code]!;
  if (/中断|interrupted/i.test(text)) return 'interrupted';
  if (/拒绝连接|找不到打印机|refused|ENOTFOUND|EHOSTUNREACH|ENETUNREACH/i.test(text)) return 'refused';
  if (/无响应|timed? ?out|did not (take|finish)/i.test(text)) return 'timeout';
  if (/断开|closed|ECONNRESET|EPIPE/i.test(text)) return 'closed';
  if (/驱动|driver/i.test(text)) return 'no-driver';
  if (/no order|receipt|settings|parse|小票/i.test(text)) return 'bad-receipt';
  return 'other';
}

export const SYNC_CAUSES = ['unreachable', 'refused', 'not-acknowledged', 'connection-lost', 'config', 'other'] as const;
export type SyncCause = (typeof SYNC_CAUSES)[number];

/** The cause of a sync failure from the client's message (electron/backend/sync/client.ts). */
export function syncCause(message: string | null | undefined): SyncCause | null {
  if (!message) return null;
  if (/cannot reach|ECONNREFUSED|ENOTFOUND|no answer/i.test(message)) return 'unreachable';
  if (/refused|conflict|rejected/i.test(message)) return 'refused';
  if (/acknowledg/i.test(message)) return 'not-acknowledged';
  if (/connection lost|closed/i.test(message)) return 'connection-lost';
  if (/token|address|url|https|settings|secret/i.test(message)) return 'config';
  return 'other';
}
