/**
 * A REAL small filesystem for full-disk tests: a tmpfs of a few megabytes
 * mounted under os.tmpdir(), filled with a file until the kernel says
 * ENOSPC, emptied again by deleting that file. SQLite and Node meet the very
 * errors a full disk gives a store's PC (SQLITE_FULL, ENOSPC), no mock.
 *
 * Mounting needs root (CAP_SYS_ADMIN) on Linux. Where that is not allowed,
 * `smallDiskUnavailable()` says why and the tests skip with that reason in
 * their name (never silently).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let probed: string | null | undefined;

function mount(dir: string, sizeKb: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch {
    // Busy (a connection still open) or already gone: lazily detach, so no mount outlives the test run.
    execFileSync('umount', ['-l', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

/** Why a small tmpfs cannot be mounted here (null: it can). Probed once per test file. */
export function smallDiskUnavailable(): string | null {
  if (probed !== undefined) return probed;
  if (process.platform !== 'linux') return (probed = `mounting a tmpfs needs Linux (this is ${process.platform})`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return (probed = 'mounting a tmpfs needs root (CAP_SYS_ADMIN); these tests run as a normal user');
  const dir = mkdtempSync(path.join(tmpdir(), 'qrc-probe-'));
  try {
    mount(dir, 64);
    unmount(dir);
    probed = null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    probed = `mount -t tmpfs was refused (no CAP_SYS_ADMIN in this container?): ${stderr || (error as Error).message}`;
  } finally {
    rmdirSync(dir);
  }
  return probed;
}

export interface SmallDisk {
  /** The mount point: put the register's files here. */
  readonly dir: string;
  /** Fills every free block with a file (until the kernel says ENOSPC); returns the bytes written. */
  fill(): number;
  /** Deletes the filler: the space is back. */
  free(): void;
  /** Free bytes now, as the register's disk watch reads them. */
  freeBytes(): number;
  /** Unmounts and removes the mount point (call after closing every connection). */
  cleanup(): void;
}

export function mountSmallDisk(sizeKb: number): SmallDisk {
  const reason = smallDiskUnavailable();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(path.join(tmpdir(), 'qrc-small-disk-'));
  mount(dir, sizeKb);
  const filler = path.join(dir, 'filler.bin');
  let mounted = true;
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      let written = 0;
      try {
        // Big pieces first, then single pages, then bytes: tmpfs counts whole pages, so nothing is left.
        for (const size of [256 * 1024, 4096, 1]) {
          const piece = Buffer.alloc(size, 0x5a);
          for (;;) {
            try {
              written += writeSync(fd, piece);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    freeBytes() {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    cleanup() {
      if (!mounted) return;
      mounted = false;
      unmount(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
