/**
 * Printer status as the printers report it.
 *
 * EPSON (ESC/POS): real-time `DLE EOT n`, one byte back per query —
 *   n = 1 printer status: bit 3 = offline;
 *   n = 2 offline cause: bit 2 = cover open, bit 5 = stopped for paper end;
 *   n = 4 paper sensor: bits 2–3 = roll near end, bits 5–6 = paper end.
 * STAR (Star Line Mode): real-time `ESC ACK SOH` asks for the automatic
 *   status block (ASB); its first byte gives the length; byte 3: bit 5 = cover
 *   open, bit 3 = offline; byte 5: bit 2 = paper near end, bit 3 = paper empty.
 *
 * A reply proves the printer has read everything sent before the query
 * (it reads its input in order), which is how a job is confirmed.
 */
import type { CommandSet } from '../../../shared/receipt/index';

export type PaperState = 'ok' | 'near-end' | 'out' | 'unknown';

export interface PrinterStatus {
  online: boolean;
  paper: PaperState;
  coverOpen: boolean | null;
}

export const EPSON_STATUS_QUERY = Uint8Array.of(0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04);
export const EPSON_CONFIRM_QUERY = Uint8Array.of(0x10, 0x04, 0x01);
export const STAR_STATUS_QUERY = Uint8Array.of(0x1b, 0x06, 0x01);

export function statusQuery(cs: CommandSet, full: boolean): Uint8Array {
  if (cs === 'star') return STAR_STATUS_QUERY;
  return full ? EPSON_STATUS_QUERY : EPSON_CONFIRM_QUERY;
}

/** How many reply bytes are expected, given what has arrived so far (undefined: not known yet). */
export function replyLength(cs: CommandSet, full: boolean, received: Uint8Array): number | undefined {
  if (cs === 'epson') return full ? 3 : 1;
  if (received.length === 0) return undefined;
  return starAsbLength(received[0]!);
}

export function starAsbLength(header: number): number {
  return ((header >> 1) & 0x07) | ((header >> 2) & 0x08);
}

export function parseStatus(cs: CommandSet, reply: Uint8Array): PrinterStatus {
  if (cs === 'star') {
    const b3 = reply[2] ?? 0;
    const b5 = reply[4] ?? 0;
    const coverOpen = (b3 & 0x20) !== 0;
    const paper: PaperState = b5 & 0x08 ? 'out' : b5 & 0x04 ? 'near-end' : 'ok';
    return { online: (b3 & 0x08) === 0 && !coverOpen && paper !== 'out', paper, coverOpen };
  }
  const [s1 = 0, s2, s4] = reply;
  const offline = (s1 & 0x08) !== 0;
  if (s2 === undefined || s4 === undefined) return { online: !offline, paper: 'unknown', coverOpen: null };
  const coverOpen = (s2 & 0x04) !== 0;
  const paper: PaperState = s4 & 0x60 || s2 & 0x20 ? 'out' : s4 & 0x0c ? 'near-end' : 'ok';
  return { online: !offline && !coverOpen && paper !== 'out', paper, coverOpen };
}

/** Why a printer that answered is not ready, in the cashier's words; null when it is. */
export function notReadyReason(status: PrinterStatus): string | null {
  if (status.coverOpen) return '打印机盖未关 (cover open)';
  if (status.paper === 'out') return '打印机缺纸 (paper out)';
  if (!status.online) return '打印机离线 (offline)';
  return null;
}
