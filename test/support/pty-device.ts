/**
 * Test support: a pseudo-terminal pair standing in for a serial printer. A
 * python3 child opens the pair (pty module), puts the printer's end in raw
 * mode (no newline translation), prints the path our side opens
 * (/dev/pts/N), then copies what arrives into a file. `pause()` /
 * `resume()` stop and continue reading (SIGSTOP / SIGCONT): a printer that
 * stops taking bytes and comes back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PAIR = `
import os, pty, sys, tty, time
master, slave = pty.openpty()
tty.setraw(slave)
tty.setraw(master)
print(os.ttyname(slave), flush=True)
with open(sys.argv[1], 'ab', buffering=0) as f:
    while True:
        try:
            b = os.read(master, 4096)
        except OSError:
            time.sleep(0.01)  # nobody has the port open right now
            continue
        if b:
            f.write(b)
`;

export class PtyDevice {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'qrc-pty-'));
  private readonly out = join(this.dir, 'read.bin');
  path = '';

  async start(): Promise<void> {
    const child = spawn('python3', ['-c', PAIR, this.out], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    this.path = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim()));
    });
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  bytes(): Uint8Array {
    try {
      return readFileSync(this.out);
    } catch {
      return new Uint8Array(0);
    }
  }

  stop(): void {
    if (this.child) {
      this.child.kill('SIGCONT');
      this.child.kill('SIGKILL');
      this.child = null;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
