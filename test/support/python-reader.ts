/**
 * Test support: the part every printer stand-in driven by a python3 reader
 * shares (the FIFO for a USB device file, the pty pair for a serial port): a
 * temp folder, the child that copies what the "printer" reads into a file,
 * SIGSTOP / SIGCONT to stop and resume taking bytes (paper out and back),
 * and what was really read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export abstract class PythonReaderDevice {
  private child: ChildProcess | null = null;
  readonly dir: string;
  protected readonly out: string;

  protected constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.out = join(this.dir, 'read.bin');
  }

  /** Starts the reader; resolves with the first line it prints once it is ready. */
  protected async spawnReader(script: string, args: string[]): Promise<string> {
    const child = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    return new Promise<string>((resolve, reject) => {
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

  /** What the "printer" really read. */
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
