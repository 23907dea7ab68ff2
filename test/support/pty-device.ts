/**
 * Test support: a pseudo-terminal pair standing in for a serial printer. A
 * python3 child opens the pair (pty module), puts the printer's end in raw
 * mode (no newline translation), prints the path our side opens
 * (/dev/pts/N), then copies what arrives into a file. `pause()` /
 * `resume()` stop and continue reading (SIGSTOP / SIGCONT): a printer that
 * stops taking bytes and comes back.
 */
import { PythonReaderDevice } from './python-reader';

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

export class PtyDevice extends PythonReaderDevice {
  /** Our end of the pair (/dev/pts/N), known once started. */
  path = '';

  constructor() {
    super('qrc-pty-');
  }

  async start(): Promise<void> {
    this.path = await this.spawnReader(PAIR, [this.out]);
  }
}
