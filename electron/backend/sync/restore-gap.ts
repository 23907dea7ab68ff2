/**
 * A register restored from a backup, meeting a server that holds more
 * (docs/sync.md "After a restore", docs/security.md §5).
 *
 * The restore wrote `restore.numberedUpTo` = N (the highest outbox seq the
 * backup had numbered). When the server then shows it holds seq 1..H with
 * H > N — it acknowledges up to H, or answers `conflict` with `expectedSeq`
 * H + 1 — the events N+1..H are sales made after the backup and lost with
 * the database: the server has them, this register does not. Numbering new
 * events over them would be refused forever (conflict) and would mean two
 * different events under one seq. So, once, in one transaction:
 *   - the outbox rows the backup had (seq ≤ N) count as acknowledged (the
 *     server holds seq ≤ H, and these are the same events it was sent);
 *   - rows numbered since the restore (seq > N) move up by H − N, keeping
 *     their order, and the outbox sequence continues after them, so nothing
 *     is ever numbered over the server's events again;
 *   - `sync.restoreGap` records N+1..H for the status bar and the manager,
 *     until the central side can send those events back (a later issue).
 */
import { msg, type Message } from '../../../shared/messages/catalogue';
import type { Db } from '../store/database';

export const RESTORE_MARKER = 'restore.numberedUpTo';
export const RESTORE_GAP = 'sync.restoreGap';

export interface RestoreGap {
  /** The server's events this register lost: seq fromSeq..toSeq. */
  fromSeq: number;
  toSeq: number;
  /** The seq the first event numbered after the restore now carries (or will carry). */
  nextSeq: number;
  at: number;
}

function meta(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM app_meta WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined;
}

/** N, while the restored register has not yet met the server; null otherwise. */
export function restoreMarker(db: Db): number | null {
  const value = meta(db, RESTORE_MARKER);
  const n = value === undefined ? NaN : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The server agreed with what the restored register numbered: nothing to reconcile any more. */
export function clearRestoreMarker(db: Db): void {
  db.prepare('DELETE FROM app_meta WHERE key = ?').run(RESTORE_MARKER);
}

export function readRestoreGap(db: Db): RestoreGap | null {
  const value = meta(db, RESTORE_GAP);
  if (!value) return null;
  try {
    const gap = JSON.parse(value) as RestoreGap;
    return [gap.fromSeq, gap.toSeq, gap.nextSeq, gap.at].every(Number.isSafeInteger) ? gap : null;
  } catch {
    return null;
  }
}

/**
 * The server holds seq 1..`serverHeld`. When this is a restored register
 * behind it, renumbers as described above and returns the gap; otherwise
 * (no restore marker, or the server holds nothing beyond the backup) null.
 */
export function reconcileRestoreGap(db: Db, serverHeld: number, at: number): RestoreGap | null {
  return db
    .transaction((): RestoreGap | null => {
      const numbered = restoreMarker(db);
      if (numbered === null || !Number.isSafeInteger(serverHeld) || serverHeld <= numbered) return null;
      const shift = serverHeld - numbered;
      // Two steps: a seq moved up must never meet one not yet moved (primary key).
      db.prepare('UPDATE outbox SET seq = -seq WHERE seq > ?').run(numbered);
      db.prepare('UPDATE outbox SET seq = -seq + ? WHERE seq < 0').run(shift);
      const highest = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get() as number | undefined) ?? 0;
      const continueAfter = Math.max(highest + shift, serverHeld);
      db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'").run(continueAfter);
      if (db.prepare("SELECT changes()").pluck().get() === 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(continueAfter);
      db.prepare('UPDATE sync_state SET last_acked_seq = max(last_acked_seq, ?) WHERE id = 1').run(serverHeld);
      const gap: RestoreGap = { fromSeq: numbered + 1, toSeq: serverHeld, nextSeq: serverHeld + 1, at };
      db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(RESTORE_GAP, JSON.stringify(gap));
      clearRestoreMarker(db);
      return gap;
    })
    .immediate();
}

/** What the status bar says after a restore met a server holding more. */
export function restoreProblem(gap: RestoreGap): Message {
  return msg('sync.restoredBehindServer', { fromSeq: gap.fromSeq, toSeq: gap.toSeq, nextSeq: gap.nextSeq });
}

/**
 * The sync client's side of it: whether this restored register has yet to
 * meet the server, and the one reconciliation when the server shows it holds
 * more (an acknowledgement beyond what was numbered, or a conflict with
 * `expectedSeq`).
 */
export class RestoreWatch {
  private pending: boolean;

  constructor(
    private readonly db: Db,
    private readonly logger: { warn(message: string): void },
    /** Told once, when the register was renumbered (for the status). */
    private readonly onGap: (gap: RestoreGap) => void,
  ) {
    this.pending = restoreMarker(db) !== null;
  }

  /** The server holds seq 1..`serverHeld`: renumbers a restored register behind it; null when this is not that case. */
  reconcile(serverHeld: number, at: number): RestoreGap | null {
    if (!this.pending) return null;
    const gap = reconcileRestoreGap(this.db, serverHeld, at);
    if (!gap) return null;
    this.pending = false;
    this.logger.warn(`restored register: the server holds seq ${gap.fromSeq}–${gap.toSeq} that this register lost; new events continue from ${gap.nextSeq}`);
    this.onGap(gap);
    return gap;
  }

  /** An ordinary acknowledgement: the server agrees with what the restored register numbered, nothing was lost. */
  agreed(): void {
    if (!this.pending) return;
    clearRestoreMarker(this.db);
    this.pending = false;
  }
}
