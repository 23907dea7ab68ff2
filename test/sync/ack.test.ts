/**
 * The sync client's parts that decide what the service's answers mean, on a
 * real register database and without a network: an acknowledgement
 * (ack.ts), a restored service asking for events again (resend.ts), a
 * restored register renumbered past the server's events (RestoreWatch in
 * restore-gap.ts), and the backoff between attempts (backoff.ts). The same
 * paths end to end: sync.test.ts, bad-server.test.ts, restore.test.ts,
 * test/central/resend.test.ts.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../electron/backend/store/database';
import { checkAck, type AckContext } from '../../electron/backend/sync/ack';
import { backoffDelay } from '../../electron/backend/sync/backoff';
import { Outbox } from '../../electron/backend/sync/outbox';
import { answerResendRequest } from '../../electron/backend/sync/resend';
import { RESTORE_MARKER, RestoreWatch, readRestoreGap, type RestoreGap } from '../../electron/backend/sync/restore-gap';
import { SyncError, silentLogger } from '../../electron/backend/sync/sync-error';
import { addOutboxEvents, Cleanup, createRegisterDb, tempDir } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A register with 10 outbox events, of which the first `acked` are acknowledged. */
function register(acked = 0): { db: Db; outbox: Outbox; ctx: AckContext; refused: string[]; gaps: RestoreGap[] } {
  const db = createRegisterDb(path.join(tempDir(cleanup), 'register.db'));
  cleanup.add(() => db.close());
  addOutboxEvents(db, 10);
  const outbox = new Outbox(db);
  if (acked > 0) outbox.acknowledge(acked, Date.now());
  const refused: string[] = [];
  const gaps: RestoreGap[] = [];
  const restore = new RestoreWatch(db, silentLogger, (gap) => gaps.push(gap));
  const ctx: AckContext = { db, outbox, restore, logger: silentLogger, now: () => 1_000, refuse: (_message, _raw, error) => refused.push(error) };
  return { db, outbox, ctx, refused, gaps };
}

function failure(run: () => unknown): SyncError {
  try {
    run();
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected a SyncError');
}

describe('what an acknowledgement means (ack.ts)', () => {
  it('an ack covering the batch settles all of it; a shorter one only what it covers', () => {
    const { ctx } = register();
    expect(checkAck(ctx, { first: 1, last: 5 }, { ok: true, appliedSeq: 5, duplicates: 0 })).toBe(5);
    // The server holds more than this batch (a retransmission after a lost ack): only this batch is settled.
    expect(checkAck(ctx, { first: 1, last: 5 }, { ok: true, appliedSeq: 8, duplicates: 5 })).toBe(5);
    expect(checkAck(ctx, { first: 1, last: 5 }, { ok: true, appliedSeq: 3, duplicates: 0 })).toBe(3);
  });

  it('a malformed ack, an ack below the batch and an ack beyond what was numbered remove nothing', () => {
    const { ctx, outbox, refused } = register();
    expect(failure(() => checkAck(ctx, { first: 1, last: 5 }, 'ok')).problem.code).toBe('sync.badAnswer');
    expect(refused).toHaveLength(1);
    expect(failure(() => checkAck(ctx, { first: 4, last: 5 }, { ok: true, appliedSeq: 3, duplicates: 0 })).problem.code).toBe('sync.badAnswer');
    const beyond = failure(() => checkAck(ctx, { first: 1, last: 5 }, { ok: true, appliedSeq: 11, duplicates: 0 }));
    expect(beyond.problem).toMatchObject({ code: 'sync.ackBeyond', params: { ackedSeq: 11, numberedSeq: 10 } });
    expect(beyond.blocked).toBe(false);
    expect(refused.at(-1)).toMatch(/acknowledgement up to seq 11, but this register has numbered events only up to 10/);
    expect(outbox.state().lastAckedSeq).toBe(0);
  });

  it('a refusal: a conflict blocks; anything else is retried', () => {
    const { ctx } = register();
    const conflict = failure(() => checkAck(ctx, { first: 1, last: 5 }, { ok: false, error: { code: 'conflict', message: 'held as another event', expectedSeq: 1 } }));
    expect(conflict).toMatchObject({ blocked: true, problem: { code: 'sync.conflict', params: { seq: 1 } } });
    const invalid = failure(() => checkAck(ctx, { first: 1, last: 5 }, { ok: false, error: { code: 'invalid', message: 'bad payload' } }));
    expect(invalid).toMatchObject({ blocked: false, problem: { code: 'sync.refusedBatch' } });
  });
});

describe('a restored service asks for events again (resend.ts)', () => {
  it('a gap below the batch: sent again from there while the rows are kept, blocked once they are gone', () => {
    const kept = register(8);
    const resend = failure(() => checkAck(kept.ctx, { first: 9, last: 10 }, { ok: false, error: { code: 'gap', message: 'holds 1–4', expectedSeq: 5 } }));
    expect(resend).toMatchObject({ blocked: false, problem: { code: 'sync.connectionLost' } });
    expect(kept.outbox.state().lastAckedSeq).toBe(4);

    const purged = register(8);
    purged.db.prepare('DELETE FROM outbox WHERE seq < 7').run();
    const lost = failure(() => checkAck(purged.ctx, { first: 9, last: 10 }, { ok: false, error: { code: 'gap', message: 'holds 1–4', expectedSeq: 5 } }));
    expect(lost).toMatchObject({ blocked: true, problem: { code: 'sync.serverLostData', params: { expectedSeq: 5, firstSeq: 9 } } });
    expect(purged.outbox.state().lastAckedSeq).toBe(8);
  });

  it('sync:resend: lowers the mark and starts over; nothing to do when the mark is not beyond it; blocked when the rows are gone', () => {
    const { outbox, db } = register(8);
    expect(answerResendRequest(outbox, 9, 30, silentLogger)).toBeNull();
    expect(answerResendRequest(outbox, 6, 30, silentLogger)).toMatchObject({ blocked: false, problem: { code: 'sync.connectionLost' } });
    expect(outbox.state().lastAckedSeq).toBe(5);
    outbox.acknowledge(8, Date.now());
    db.prepare('DELETE FROM outbox WHERE seq < 4').run();
    expect(answerResendRequest(outbox, 2, 30, silentLogger)).toMatchObject({ blocked: true, problem: { code: 'sync.serverLostData' } });
    expect(outbox.state().lastAckedSeq).toBe(8);
  });
});

describe('a restored register meets a server holding more (RestoreWatch)', () => {
  it('a conflict with expectedSeq renumbers what was made since the restore past the server’s events, once', () => {
    const { db, ctx, gaps } = register();
    db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?)').run(RESTORE_MARKER, '6');
    const restore = new RestoreWatch(db, silentLogger, (gap) => gaps.push(gap));
    const withMarker = { ...ctx, restore };
    const renumbered = failure(() => checkAck(withMarker, { first: 1, last: 10 }, { ok: false, error: { code: 'conflict', message: 'seq 7 held', expectedSeq: 10 } }));
    expect(renumbered).toMatchObject({ blocked: false, problem: { code: 'sync.restoredBehindServer', params: { fromSeq: 7, toSeq: 9, nextSeq: 10 } } });
    expect(gaps).toEqual([{ fromSeq: 7, toSeq: 9, nextSeq: 10, at: 1_000 }]);
    expect(readRestoreGap(db)).toEqual(gaps[0]);
    // Rows 7–10 made since the restore now carry 10–13, after the server's 7–9.
    expect(db.prepare('SELECT seq FROM outbox ORDER BY seq').pluck().all()).toEqual([1, 2, 3, 4, 5, 6, 10, 11, 12, 13]);
    expect(new Outbox(db).state().lastAckedSeq).toBe(9);
    // Once: a later conflict is an ordinary one.
    expect(failure(() => checkAck(withMarker, { first: 10, last: 13 }, { ok: false, error: { code: 'conflict', message: 'x', expectedSeq: 12 } })).blocked).toBe(true);
  });

  it('an ordinary acknowledgement clears the marker: a later ack beyond what was numbered is refused again', () => {
    const { db, ctx, gaps } = register();
    db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?)').run(RESTORE_MARKER, '10');
    const restore = new RestoreWatch(db, silentLogger, (gap) => gaps.push(gap));
    expect(checkAck({ ...ctx, restore }, { first: 1, last: 5 }, { ok: true, appliedSeq: 5, duplicates: 0 })).toBe(5);
    expect(db.prepare('SELECT count(*) FROM app_meta WHERE key = ?').pluck().get(RESTORE_MARKER)).toBe(0);
    expect(failure(() => checkAck({ ...ctx, restore }, { first: 6, last: 10 }, { ok: true, appliedSeq: 14, duplicates: 0 })).problem.code).toBe('sync.ackBeyond');
    expect(gaps).toEqual([]);
  });
});

describe('backoff between attempts (backoff.ts)', () => {
  it('doubles from the first delay up to the ceiling, never below half of it', () => {
    const backoff = { initialMs: 500, maxMs: 30_000 };
    expect(backoffDelay(0, backoff, () => 0)).toBe(250);
    expect(backoffDelay(0, backoff, () => 1)).toBe(500);
    expect(backoffDelay(3, backoff, () => 0.5)).toBe(3_000);
    expect(backoffDelay(10, backoff, () => 0)).toBe(15_000);
    expect(backoffDelay(1_000, backoff, () => 1)).toBe(30_000);
  });
});
