/**
 * `printer:NAME` — a printer the operating system knows, sent RAW (our
 * ESC/POS bytes pass through unchanged; no driver renders anything).
 *
 * - Linux / macOS: CUPS through its own command, `lp -d NAME -o raw`, the
 *   job on stdin. `lp` ships with every CUPS install (Debian: cups-client).
 * - Windows: the spooler's RAW datatype (winspool OpenPrinter /
 *   StartDocPrinter "RAW" / WritePrinter) from a short PowerShell script —
 *   PowerShell is part of every supported Windows.
 *
 * Why a child process and not a native spooler binding: see
 * docs/printing.md ("OS printers: why lp and the spooler script"). In short:
 * a child can be killed at the deadline, so nothing ever hangs in Node's
 * thread pool, and there is nothing to compile for Electron.
 *
 * Deadline: on silence. Progress is the child taking the job on stdin; once
 * every byte is in, the child must finish within `timeoutMs`. If it does
 * not, it is killed and the job is reported `maybePrinted` (the spooler may
 * already hold it), so the queue does not send it again by itself.
 * "Done" means the spooler accepted the job: CUPS / Windows then keep it
 * until the printer takes it (their own queue, visible in the OS).
 */
import { spawn } from 'node:child_process';
import { IdleDeadline } from './deadline';
import type { PrinterStatus } from './status';
import { idleTimeoutError, PrinterError } from './transport-error';
import type { PrinterTransport, SendOptions, SendResult } from './transport';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with a time limit on the whole run (killed at the limit). ENOENT → PrinterError('unavailable', missing). */
export function runCommand(command: string, args: string[], options: { timeoutMs: number; input?: string; env?: NodeJS.ProcessEnv; missing: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, LANG: 'C', LC_ALL: 'C', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(idleTimeoutError(command, options.timeoutMs));
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new PrinterError('unavailable', options.missing) : new PrinterError('io', `无法运行 ${command}：${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export const NO_CUPS = '这台电脑没有系统打印服务 CUPS（找不到 lp 命令）：请安装 cups（Debian/统信/麒麟：sudo apt install cups），或改用 file:/dev/usb/lp0';

/** The Windows spooler, RAW: the printer name comes from the environment (never parsed as code), the job from stdin. */
export const WINDOWS_RAW_PRINT = `
$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition @'
using System; using System.Runtime.InteropServices;
public static class QrcRawPrint {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public class DOCINFO { public string pDocName; public string pOutputFile; public string pDatatype; }
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)] static extern bool OpenPrinter(string n, out IntPtr h, IntPtr d);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool ClosePrinter(IntPtr h);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)] static extern int StartDocPrinter(IntPtr h, int level, DOCINFO di);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool EndDocPrinter(IntPtr h);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool StartPagePrinter(IntPtr h);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool EndPagePrinter(IntPtr h);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool WritePrinter(IntPtr h, byte[] b, int n, out int w);
  public static void Send(string name, byte[] data) {
    IntPtr h;
    if (!OpenPrinter(name, out h, IntPtr.Zero)) throw new Exception("OpenPrinter " + Marshal.GetLastWin32Error());
    try {
      var di = new DOCINFO { pDocName = "Receipt", pDatatype = "RAW" };
      if (StartDocPrinter(h, 1, di) == 0) throw new Exception("StartDocPrinter " + Marshal.GetLastWin32Error());
      StartPagePrinter(h);
      int written;
      bool ok = WritePrinter(h, data, data.Length, out written);
      EndPagePrinter(h); EndDocPrinter(h);
      if (!ok || written != data.Length) throw new Exception("WritePrinter " + Marshal.GetLastWin32Error());
    } finally { ClosePrinter(h); }
  }
}
'@
$in = [Console]::OpenStandardInput(); $ms = New-Object System.IO.MemoryStream; $in.CopyTo($ms)
[QrcRawPrint]::Send($env:QRC_PRINTER, $ms.ToArray())
`;

const WINDOWS_STATUS = `$p = Get-Printer -Name $env:QRC_PRINTER -ErrorAction Stop; Write-Output ("" + $p.PrinterStatus)`;

/**
 * PowerShell arguments for a script, passed as -EncodedCommand (UTF-16LE,
 * base64): Windows PowerShell 5.1 mangles double quotes inside a -Command
 * argument, an encoded command arrives byte for byte.
 */
export function powershellArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}

/**
 * How long the spooler command may take to finish after it has the whole
 * job. PowerShell compiles the winspool declarations on every start (1–3 s
 * on a slow till), so Windows gets at least 20 s before the job is called
 * "maybe printed".
 */
function finishAllowanceMs(platform: NodeJS.Platform, timeoutMs: number): number {
  return platform === 'win32' ? Math.max(timeoutMs, 20_000) : timeoutMs;
}

export class OsPrinterTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    readonly name: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  private command(): { command: string; args: string[]; env: NodeJS.ProcessEnv; missing: string } {
    if (this.platform === 'win32') {
      return { command: 'powershell.exe', args: powershellArgs(WINDOWS_RAW_PRINT), env: { QRC_PRINTER: this.name }, missing: '找不到 Windows PowerShell，无法使用系统打印机：请改用共享打印机 //localhost/共享名' };
    }
    return { command: 'lp', args: ['-d', this.name, '-o', 'raw', '-t', 'receipt'], env: {}, missing: NO_CUPS };
  }

  send(data: Uint8Array, { timeoutMs }: SendOptions): Promise<SendResult> {
    const { command, args, env, missing } = this.command();
    return new Promise<SendResult>((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, LANG: 'C', LC_ALL: 'C', ...env } });
      let stderr = '';
      let allIn = false;
      let settled = false;
      const finish = (error: PrinterError | null) => {
        if (settled) return;
        settled = true;
        deadline.stop();
        clearTimeout(finishTimer);
        if (error) reject(error);
        else resolve({ bytes: data.length, status: null });
      };
      const expire = (limitMs: number) => {
        child.kill('SIGKILL');
        // Every byte was with the spooler's command: the job may be queued already.
        finish(idleTimeoutError(`printer:${this.name}`, limitMs, allIn));
      };
      const deadline = new IdleDeadline(timeoutMs, () => expire(timeoutMs));
      let finishTimer: NodeJS.Timeout | undefined;
      child.stdout.on('data', () => deadline.touch());
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', (error: NodeJS.ErrnoException) =>
        finish(error.code === 'ENOENT' ? new PrinterError('unavailable', missing) : new PrinterError('io', `无法运行 ${command}：${error.message}`)),
      );
      child.on('close', (code) => finish(code === 0 ? null : this.refusal(stderr)));
      child.stdin.on('error', () => undefined);
      // Fed in pieces: each piece the command takes is progress for the idle deadline.
      const piece = 16 * 1024;
      const feed = (offset: number) => {
        if (settled) return;
        if (offset >= data.length) {
          child.stdin.end(() => {
            allIn = true;
            // The job is in: from now on the limit is on the command finishing.
            deadline.stop();
            const allowance = finishAllowanceMs(this.platform, timeoutMs);
            finishTimer = setTimeout(() => expire(allowance), allowance);
          });
          return;
        }
        child.stdin.write(data.subarray(offset, offset + piece), (error) => {
          if (error) return;
          deadline.touch();
          feed(offset + piece);
        });
      };
      feed(0);
    });
  }

  private refusal(stderr: string): PrinterError {
    const text = stderr.trim();
    if (/does not exist|not exist|Invalid destination|Unknown destination|1801|No MSFT_Printer|OpenPrinter/i.test(text)) {
      return new PrinterError('config', `系统里没有名为「${this.name}」的打印机：请在打印机设置里从列表中重新选择`);
    }
    if (/not accepting|disabled|paused/i.test(text)) {
      return new PrinterError('not-ready', `系统打印机「${this.name}」已暂停或不接受任务：请在系统打印机设置里恢复它`);
    }
    if (/connect|server|scheduler/i.test(text)) {
      return new PrinterError('refused', `系统打印服务没有运行，无法打印到「${this.name}」：请启动打印服务（CUPS / Print Spooler）`);
    }
    return new PrinterError('io', `系统打印机「${this.name}」没有接受任务${text ? `（${text.split('\n')[0]}）` : ''}`);
  }

  async status({ timeoutMs }: { timeoutMs: number }): Promise<PrinterStatus | null> {
    if (this.platform === 'win32') {
      const r = await runCommand('powershell.exe', powershellArgs(WINDOWS_STATUS), { timeoutMs, env: { QRC_PRINTER: this.name }, missing: '找不到 Windows PowerShell' });
      if (r.code !== 0) throw this.refusal(r.stderr || 'does not exist');
      const s = r.stdout.trim();
      if (s === 'PaperOut') return { online: false, paper: 'out', coverOpen: null };
      if (s === 'DoorOpen') return { online: false, paper: 'unknown', coverOpen: true };
      return { online: !/Offline|Error|Paused|NotAvailable|PaperJam|UserIntervention/.test(s), paper: 'unknown', coverOpen: null };
    }
    const r = await runCommand('lpstat', ['-p', this.name], { timeoutMs, missing: NO_CUPS });
    if (r.code !== 0) throw this.refusal(r.stderr || r.stdout);
    // "printer NAME is idle.  enabled since …" / "printer NAME disabled since …"
    // CUPS sees no paper state through a raw socket/USB backend: paper stays unknown.
    return { online: !/\bdisabled\b/.test(r.stdout), paper: 'unknown', coverOpen: null };
  }
}
