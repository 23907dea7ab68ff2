/**
 * The printers this machine can see, for the settings screen's list: the
 * operating system's printers (CUPS `lpstat -e`, the Windows spooler's
 * `Get-Printer`), USB printer device files (/dev/usb/lp*), and serial ports.
 * Every probe is a killable child or a directory listing with a time limit;
 * one that fails adds a Chinese note instead of an entry.
 */
import fs from 'node:fs';
import { NO_CUPS, powershellArgs, runCommand } from './transport-os';
import { loadSerialPort } from './transport-serial';

export interface FoundPrinter {
  /** What goes into printer.uri (serial ports: with the default 9600 baud; the settings screen lets the shop change it). */
  uri: string;
  kind: 'os' | 'usb' | 'serial';
  /** What the shop sees in the list. */
  label: string;
}

export interface Discovery {
  printers: FoundPrinter[];
  /** Why a kind of printer could not be listed, in Chinese. */
  notes: string[];
}

async function listDir(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    return (await fs.promises.readdir(dir)).filter((n) => pattern.test(n)).sort();
  } catch {
    return [];
  }
}

async function osPrinters(platform: NodeJS.Platform, timeoutMs: number): Promise<string[]> {
  if (platform === 'win32') {
    const r = await runCommand('powershell.exe', powershellArgs('Get-Printer | ForEach-Object { $_.Name }'), {
      timeoutMs,
      missing: '找不到 Windows PowerShell，无法列出系统打印机',
    });
    if (r.code !== 0) throw new Error('无法列出 Windows 打印机（打印后台处理程序 Print Spooler 是否在运行？）');
    return r.stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }
  const r = await runCommand('lpstat', ['-e'], { timeoutMs, missing: NO_CUPS });
  // "No destinations added." (exit 0 or 1) when CUPS runs but has no printer.
  if (r.code !== 0 && !/No destinations/i.test(r.stderr + r.stdout)) throw new Error('系统打印服务 CUPS 没有运行，无法列出系统打印机');
  const names = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !/\s/.test(l));
  if (names.length === 0) {
    // lpstat -e says nothing (exit 0) when the scheduler is down: ask it.
    const running = await runCommand('lpstat', ['-r'], { timeoutMs, missing: NO_CUPS });
    if (/not running/i.test(running.stdout + running.stderr)) throw new Error('系统打印服务 CUPS 没有运行，无法列出系统打印机：请启动 CUPS（sudo systemctl start cups）');
  }
  return names;
}

async function serialPorts(platform: NodeJS.Platform): Promise<string[]> {
  if (platform === 'linux') {
    // serialport's list() runs udevadm, which many small distributions lack (it then throws from an event): read /dev instead.
    const byId = (await listDir('/dev/serial/by-id', /./)).map((n) => `/dev/serial/by-id/${n}`);
    const usb = (await listDir('/dev', /^tty(USB|ACM)\d+$/)).map((n) => `/dev/${n}`);
    return [...byId, ...usb];
  }
  const { SerialPort } = await loadSerialPort();
  const list = await (SerialPort as unknown as { list(): Promise<{ path: string }[]> }).list();
  return list.map((p) => p.path);
}

export async function discoverPrinters(options: { platform?: NodeJS.Platform; timeoutMs?: number } = {}): Promise<Discovery> {
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? 4000;
  const printers: FoundPrinter[] = [];
  const notes: string[] = [];
  const [os, usb, serial] = await Promise.allSettled([
    osPrinters(platform, timeoutMs),
    platform === 'linux' ? listDir('/dev/usb', /^lp\d+$/) : Promise.resolve([]),
    serialPorts(platform),
  ]);
  if (os.status === 'fulfilled') for (const name of os.value) printers.push({ uri: `printer:${name}`, kind: 'os', label: `系统打印机：${name}` });
  else notes.push((os.reason as Error).message);
  if (usb.status === 'fulfilled') for (const n of usb.value) printers.push({ uri: `file:/dev/usb/${n}`, kind: 'usb', label: `USB 打印机设备：/dev/usb/${n}` });
  if (serial.status === 'fulfilled') for (const p of serial.value) printers.push({ uri: `serial:${p}?baud=9600`, kind: 'serial', label: `串口：${p}` });
  else notes.push((serial.reason as Error).message);
  return { printers, notes };
}
