/**
 * PGlite is one process's database: two processes opening one data folder
 * would corrupt it. A lock file holding the owner's pid keeps the second out
 * (a lock left by a process that is gone is taken over).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function lockDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'central.lock');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new Error(
        `the data folder ${dir} is open in process ${owner}: stop that service first (an embedded database serves one process), or use PostgreSQL (CENTRAL_DATABASE_URL)`,
      );
    }
    writeFileSync(file, String(process.pid));
  }
  process.once('exit', () => rmSync(file, { force: true }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
