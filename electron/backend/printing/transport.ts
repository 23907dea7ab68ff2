/**
 * Getting bytes to a printer, never without a time limit — and the limit is
 * on *silence*, not on the whole transfer: a slow printer that keeps taking
 * bytes is never given up on (issue 11 §4); one that takes nothing for
 * `timeoutMs` is.
 *
 * The kinds of printer address (`printer.uri`) and where each is handled:
 * - `tcp://HOST:PORT` (port 9100 by default) — transport-tcp.ts;
 * - `printer:NAME`, a printer the operating system knows (CUPS, the Windows
 *   spooler), RAW bytes — transport-os.ts;
 * - `file:/dev/usb/lp0`, `file:/dev/ttyUSB0` (a device file, written
 *   non-blocking with a real deadline) — transport-device.ts;
 * - `serial:/dev/ttyUSB0?baud=9600` or `serial:COM3?baud=9600&flow=rtscts` — transport-serial.ts;
 * - `//HOST/SHARE`, `\\HOST\SHARE`, `file:COM1`, `file:LPT1` on Windows
 *   (a shared printer or a port) — transport-device.ts (a killable child);
 * - a custom object `{ execute(buffer), isPrinterConnected?() }` — transport-custom.ts.
 *
 * Which paths `file:` may name is decided in device-path.ts: only printer
 * devices, never the database, a document or a relative path (issue 9 §2).
 */
import type { CommandSet } from '../../../shared/receipt/index';
import type { PrinterStatus } from './status';
import { checkDevicePath, isWindowsSharePath } from './device-path';
import { PrinterAddressError } from './transport-error';

export * from './transport-error';
export * from './deadline';

export interface SendResult {
  /** Bytes the printer took (all of them, or the send failed). */
  bytes: number;
  /** What the printer reported, when it reports anything. */
  status: PrinterStatus | null;
}

export interface SendOptions {
  /** Idle limit: the send fails when the printer takes no byte (and answers nothing) for this long. */
  timeoutMs: number;
  /** Offsets in the data where one command ends (line ends, cuts): a transport may check progress there. */
  boundaries?: readonly number[];
  /** Names the job across attempts: a device that took part of it goes on from there instead of starting over. */
  key?: string;
}

export interface PrinterTransport {
  readonly uri: string;
  send(data: Uint8Array, options: SendOptions): Promise<SendResult>;
  /** The printer's state; null when this kind of connection cannot tell. Rejects with PrinterError when unreachable. */
  status(options: { timeoutMs: number }): Promise<PrinterStatus | null>;
  /** Lets go of what the transport holds open (a device file, a serial port). */
  close?(): Promise<void>;
}

/** node-thermal-printer's custom interface shape (kept for callers that bring their own printer object). */
export interface CustomPrinterInterface {
  execute(buffer: Buffer): Promise<unknown>;
  isPrinterConnected?(): Promise<boolean>;
}

export type PrinterTarget =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'os'; name: string }
  | { kind: 'device'; path: string }
  | { kind: 'windows-path'; path: string }
  | { kind: 'serial'; path: string; baudRate: number; flow: SerialFlow };

/** Serial flow control: none, RTS/CTS wires, or XON/XOFF bytes (what the printer's DIP switches say). */
export type SerialFlow = 'none' | 'rtscts' | 'xonxoff';

export const SERIAL_BAUD_RATES = [2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

export function parsePrinterUri(uri: string, platform: NodeJS.Platform = process.platform): PrinterTarget {
  const text = uri.trim();
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^/:\s]+)(?::(\d{1,5}))?\/?$/i.exec(text);
  if (tcp) {
    const port = tcp[2] ? Number(tcp[2]) : 9100;
    if (port < 1 || port > 65535) throw new PrinterAddressError('bad-port', `打印机端口必须是 1–65535，现在是 ${port}`);
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  const os = /^printer:(.+)$/i.exec(text);
  if (os) {
    const name = os[1]!.trim();
    // Passed to lp / the spooler as one argument; refuse what no printer name contains.
    if (!/^[^\s/\\'"`$;&|<>]{1,127}$/.test(name) && !(platform === 'win32' && /^[^/\\'"`$;&|<>]{1,127}$/.test(name))) {
      throw new PrinterAddressError('bad-name', `系统打印机名称不能包含空格或 / \\ ' " $ ; & | < > 等字符：${name}`);
    }
    return { kind: 'os', name };
  }
  const serial = /^serial:([^?]+)(?:\?baud=(\d+)(?:&flow=(none|rtscts|xonxoff))?)?$/i.exec(text);
  if (serial) {
    const path = serial[1]!.trim();
    const baudRate = serial[2] ? Number(serial[2]) : 9600;
    const flow = (serial[3]?.toLowerCase() ?? 'none') as SerialFlow;
    if (!(SERIAL_BAUD_RATES as readonly number[]).includes(baudRate)) {
      throw new PrinterAddressError('bad-baud', `串口波特率必须是 ${SERIAL_BAUD_RATES.join('、')} 之一，现在是 ${baudRate}`);
    }
    checkDevicePath(path, platform, { serial: true });
    return { kind: 'serial', path, baudRate, flow };
  }
  if (isWindowsSharePath(text)) return { kind: 'windows-path', path: text };
  const file = /^file:(.+)$/i.exec(text);
  if (file) {
    const path = file[1]!.trim();
    const kind = checkDevicePath(path, platform);
    return kind === 'windows' ? { kind: 'windows-path', path } : { kind: 'device', path };
  }
  throw new PrinterAddressError(
    'bad-address',
    `打印机地址格式不对：应为 tcp://IP:端口、printer:系统打印机名、serial:串口?baud=波特率、file:/dev/usb/lp0 或 //电脑名/共享名，现在是 ${JSON.stringify(uri)}`,
  );
}

export interface TransportOptions {
  commandSet: CommandSet;
  confirm: 'status' | 'none';
}

