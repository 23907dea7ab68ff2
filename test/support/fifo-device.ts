/**
 * Test support: a FIFO standing in for a USB printer's device file. A
 * python3 child opens the read end, shrinks the pipe to 4 KiB (so a writer
 * fills it mid-receipt) and copies what it reads into a file. `pause()` /
 * `resume()` stop and continue the reader (SIGSTOP / SIGCONT): a printer
 * that stops taking bytes (paper out) and comes back. `bytes()` is what the
 * "printer" really read.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PythonReaderDevice } from './python-reader';

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

export class FifoDevice extends PythonReaderDevice {
  readonly path: string;

  /** Creates the FIFO (no reader yet: opening it for writing fails like an unplugged printer). */
  constructor() {
    super('qrc-fifo-');
    this.path = join(this.dir, 'lp0');
    execFileSync('mkfifo', [this.path]);
  }

  async startReader(): Promise<void> {
    await this.spawnReader(READER, [this.path, this.out]);
  }
}
