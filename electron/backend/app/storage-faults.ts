/**
 * What a failed write says about the disk (docs/store.md "A full or failing
 * disk"): SQLite's result codes and Node's errno codes sorted into the four
 * things a person can act on — full, an I/O error, a read-only data folder,
 * a damaged database — each with its Chinese sentence (the catalogue's
 * storage.* / backup.* codes). Anything else is not a storage fault.
 *
 * Errors that crossed a worker thread keep only their text (heavy/run.ts),
 * so SQLite's and Node's own wording is recognised too.
 */
import path from 'node:path';
import type { StorageFault } from '../../../shared/contract';
import { msg, type Message } from '../../../shared/messages/catalogue';

export type { StorageFault } from '../../../shared/contract';

const SQLITE_CODES: [RegExp, StorageFault][] = [
  [/^SQLITE_FULL$/, 'full'],
  // Growing the WAL's shared-memory file failed: SQLite's manual says this usually means the volume is out of
  // space, and it is what opening a WAL database on a full disk gives (measured on a full tmpfs).
  [/^SQLITE_IOERR_SHMSIZE$/, 'full'],
  [/^SQLITE_IOERR(_\w+)?$/, 'io'],
  [/^SQLITE_READONLY(_\w+)?$/, 'read-only'],
  [/^SQLITE_CORRUPT(_\w+)?$/, 'corrupt'],
  [/^SQLITE_NOTADB$/, 'corrupt'],
  [/^SQLITE_CANTOPEN(_\w+)?$/, 'io'],
];

/** Node's errno codes. EACCES / EPERM count only for a path inside the data folder (a printer device refusing us is not the disk). */
const ERRNO: Record<string, StorageFault> = { ENOSPC: 'full', EDQUOT: 'full', EIO: 'io', EROFS: 'read-only', EACCES: 'read-only', EPERM: 'read-only' };
const PATH_BOUND = new Set(['EACCES', 'EPERM']);

/** SQLite's and Node's wording, for errors that arrive as text only. */
const TEXTS: [RegExp, StorageFault][] = [
  [/database or disk is full|\bENOSPC\b|no space left on device|\bEDQUOT\b/i, 'full'],
  [/disk I\/O error|\bEIO\b/i, 'io'],
  [/attempt to write a readonly database|\bEROFS\b|read-only file system/i, 'read-only'],
  [/database disk image is malformed|file is not a database/i, 'corrupt'],
];

function inside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The storage fault an error means, or null. `dataDir`: the register's data
 * folder; a permission error on another path (a printer device) is not one.
 * Follows `cause` chains.
 */
export function storageFault(error: unknown, dataDir?: string): StorageFault | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== 'object') break;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      for (const [pattern, fault] of SQLITE_CODES) if (pattern.test(code)) return fault;
      const errno = ERRNO[code];
      if (errno) {
        const file = (e as { path?: unknown }).path;
        if (!PATH_BOUND.has(code)) return errno;
        if (typeof file === 'string' && dataDir !== undefined && inside(dataDir, file)) return errno;
        // A permission error elsewhere (or with no path) is not the disk's.
        return null;
      }
    }
    const text = (e as { message?: unknown }).message;
    if (typeof text === 'string') for (const [pattern, fault] of TEXTS) if (pattern.test(text)) return fault;
  }
  if (typeof error === 'string') for (const [pattern, fault] of TEXTS) if (pattern.test(error)) return fault;
  return null;
}

/** What a command refused by the disk says: what happened, that nothing changed, what to do. */
export function storageRefusal(fault: StorageFault): Message {
  switch (fault) {
    case 'full':
      return msg('storage.full');
    case 'io':
      return msg('storage.ioError');
    case 'read-only':
      return msg('storage.readOnly');
    case 'corrupt':
      return msg('storage.corrupt');
  }
}

/** Why the daily backup failed, for the manager. */
export function backupFailure(error: unknown, dataDir?: string): Message {
  switch (storageFault(error, dataDir)) {
    case 'full':
      return msg('backup.failedFull');
    case 'io':
      return msg('backup.failedIoError');
    case 'read-only':
      return msg('backup.failedReadOnly');
    default:
      return msg('backup.failedOther');
  }
}
