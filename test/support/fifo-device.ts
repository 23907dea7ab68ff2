/**
 * Test support: a FIFO standing in for a USB printer's device file. A
 * python3 child opens the read end, shrinks the pipe to 4 KiB (so a writer
 * fills it mid-receipt) and copies what it reads into a file. `pause()` /
 * `resume()` stop and continue the reader (SIGSTOP / SIGCONT): a printer
 * that stops taking bytes (paper out) and comes back. `bytes()` is what the
 * "printer" really read.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READER = `
import os, sys, fcntl, time
path, out = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
fcntl.fcntl(fd, 1031, 4096)  # F_SETPIPE_SZ
flags = fcntl.fcntl(fd, fcntl.F_GETFL)
fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
print('ready', flush=True)
with open(out, 'ab', buffering=0) as f:
    while True:
        b = os.read(fd, 512)
        if b:
            f.write(b)
        else:
            time.sleep(0.01)  # no writer right now
`;

export class FifoDevice {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'qrc-fifo-'));
  readonly path = join(this.dir, 'lp0');
  private readonly out = join(this.dir, 'read.bin');

  /** Creates the FIFO (no reader yet: opening it for writing fails like an unplugged printer). */
  constructor() {
    execFileSync('mkfifo', [this.path]);
  }

  async startReader(): Promise<void> {
    const child = spawn('python3', ['-c', READER, this.path, this.out], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stdout!.once('data', () => resolve());
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
