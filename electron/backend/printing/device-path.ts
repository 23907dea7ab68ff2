/**
 * Which paths a printer address may name (issue 9 §2). A `file:` (or
 * `serial:`) printer is written raw, so a wrong path would overwrite
 * whatever it names — the register's database, a document. Only printer
 * devices are allowed:
 *
 * - Linux: /dev/usb/lp0 (USB printer class), /dev/lp0 (parallel port),
 *   /dev/ttyS0, /dev/ttyUSB0, /dev/ttyACM0 … (serial, USB-serial), the
 *   stable udev names /dev/serial/by-id/… and /dev/serial/by-path/…;
 * - macOS: /dev/cu.NAME and /dev/tty.NAME;
 * - Windows: COM1…COM256, LPT1…LPT9 (also as \\.\COM10), and a shared
 *   printer //COMPUTER/SHARE or \\COMPUTER\SHARE (exactly two parts: a file
 *   inside a share is not a printer).
 *
 * Anything else — a relative path, a file in a folder, /dev/sda — is refused
 * with a Chinese message that says what to enter instead.
 */
import { PrinterAddressError } from './transport-error';

const UNIX_PRINTER_DEVICE = [
  /^\/dev\/usb\/lp\d{1,3}$/,
  /^\/dev\/lp\d{1,3}$/,
  /^\/dev\/tty(?:S|USB|ACM|AMA|XRUSB|mxc|HS|THS)\d{1,3}$/,
  /^\/dev\/serial\/by-(?:id|path)\/[\w.:+@-]{1,200}$/,
  /^\/dev\/(?:cu|tty)\.[\w.-]{1,100}$/,
];
const UNIX_SERIAL_DEVICE = UNIX_PRINTER_DEVICE.slice(2);

const WINDOWS_PORT = /^(?:\\\\\.\\)?(?:COM(?:[1-9]\d{0,2})|LPT[1-9])$/i;
const WINDOWS_SERIAL = /^(?:\\\\\.\\)?COM[1-9]\d{0,2}$/i;

/** `//COMPUTER/SHARE` or `\\COMPUTER\SHARE`: exactly a computer and a share name, nothing below it. */
export function isWindowsSharePath(text: string): boolean {
  return /^(?:\/\/|\\\\)[A-Za-z0-9][\w.-]{0,62}[/\\][^/\\:*?"<>|.][^/\\:*?"<>|]{0,79}$/.test(text);
}

export function refusedDeviceMessage(path: string, serial = false): string {
  return serial
    ? `串口打印机只能填写串口设备（如 /dev/ttyUSB0、/dev/ttyS0 或 COM3），不能是文件或相对路径：${path}`
    : `打印机地址只能是打印机设备（如 /dev/usb/lp0、/dev/ttyUSB0、COM3、LPT1 或 //电脑名/共享打印机），不能是数据库、文档或相对路径：${path}`;
}

/**
 * Throws PrinterAddressError('not-a-device') unless `path` names a printer device on
 * `platform`; returns which family it belongs to.
 */
export function checkDevicePath(path: string, platform: NodeJS.Platform, options: { serial?: boolean } = {}): 'unix' | 'windows' {
  const serial = options.serial ?? false;
  if (platform === 'win32') {
    if ((serial ? WINDOWS_SERIAL : WINDOWS_PORT).test(path)) return 'windows';
    if (!serial && isWindowsSharePath(path)) return 'windows';
  } else {
    // No "..", no doubled slashes: the patterns are anchored on exact device names.
    if ((serial ? UNIX_SERIAL_DEVICE : UNIX_PRINTER_DEVICE).some((re) => re.test(path)) && !path.includes('..')) return 'unix';
  }
  throw new PrinterAddressError('not-a-device', refusedDeviceMessage(path, serial));
}
