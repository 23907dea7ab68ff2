/**
 * Test support: a private CUPS scheduler (Debian's cupsd) with its own
 * config, spool and state in a temp dir, listening only on a Unix socket in
 * that dir (no port, never the system's CUPS). Point a client at it with
 * CUPS_SERVER=<socket>. `addRawQueue(name, deviceUri)` makes a raw queue
 * (bytes pass through unchanged), e.g. to the stand-in TCP printer.
 *
 * cupsd runs here as root (the CI machine runs as root; it drops to the
 * `lp` user for backends). Not as root, it is started with User/Group set to
 * the current user, which CUPS accepts for a private scheduler.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const CUPSD = '/usr/sbin/cupsd';

/** Why cupsd cannot be used here, or null when it can. */
export function cupsUnavailable(): string | null {
  if (!existsSync(CUPSD)) return 'cupsd is not installed (apt-get install cups cups-client cups-bsd; .ci/run does it)';
  if (!existsSync('/usr/bin/lp') || !existsSync('/usr/sbin/lpadmin')) return 'lp / lpadmin are missing (cups-client, cups-bsd)';
  return null;
}

export class PrivateCups {
  readonly dir = mkdtempSync(join(tmpdir(), 'qrc-cups-'));
  readonly socket = join(this.dir, 'cups.sock');
  private child: ChildProcess | null = null;

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, CUPS_SERVER: this.socket, LANG: 'C' };
  }

  async start(): Promise<void> {
    for (const d of ['spool', 'spool/tmp', 'cache', 'state', 'log', 'ppd']) mkdirSync(join(this.dir, d), { recursive: true });
    const root = process.getuid?.() === 0;
    const user = root ? 'lp' : userInfo().username;
    const group = root ? 'lp' : (process.getgid?.() ?? 0).toString();
    writeFileSync(
      join(this.dir, 'cups-files.conf'),
      [
        `ServerRoot ${this.dir}`,
        `RequestRoot ${this.dir}/spool`,
        `TempDir ${this.dir}/spool/tmp`,
        `CacheDir ${this.dir}/cache`,
        `StateDir ${this.dir}/state`,
        'ServerBin /usr/lib/cups',
        'DataDir /usr/share/cups',
        `ErrorLog ${this.dir}/log/error_log`,
        `AccessLog ${this.dir}/log/access_log`,
        `PageLog ${this.dir}/log/page_log`,
        `User ${user}`,
        `Group ${group}`,
        `SystemGroup ${root ? 'root' : group}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(this.dir, 'cupsd.conf'),
      [
        `Listen ${this.socket}`,
        'LogLevel warn',
        'DefaultAuthType None',
        'WebInterface No',
        'Browsing No',
        '<Location />',
        '  Order allow,deny',
        '  Allow all',
        '</Location>',
        '<Policy default>',
        '  <Limit All>',
        '    Order allow,deny',
        '    Allow all',
        '  </Limit>',
        '</Policy>',
        '',
      ].join('\n'),
    );
    writeFileSync(join(this.dir, 'printers.conf'), '');
    // The backends run as `lp`: they must reach the spool.
    if (root) chmodSync(this.dir, 0o755);
    const child = spawn(CUPSD, ['-f', '-c', join(this.dir, 'cupsd.conf'), '-s', join(this.dir, 'cups-files.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const until = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`cupsd exited (${child.exitCode}): ${stderr}`);
      try {
        const { stdout } = await run('lpstat', ['-r'], { env: this.env });
        if (/scheduler is running/.test(stdout)) return;
      } catch {
        // not up yet
      }
      if (Date.now() > until) throw new Error(`cupsd did not start: ${stderr} ${this.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async addRawQueue(name: string, deviceUri: string): Promise<void> {
    await run('lpadmin', ['-p', name, '-E', '-v', deviceUri, '-m', 'raw'], { env: this.env });
  }

  async lp(args: string[]): Promise<void> {
    await run(args[0]!, args.slice(1), { env: this.env });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'log/error_log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
