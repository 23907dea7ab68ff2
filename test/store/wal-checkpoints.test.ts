/**
 * Issue 15 §1: the WAL checkpoint off the counter's path. On a real SQLite
 * file with a real checkpoint thread (heavy/run.ts startCheckpointThread):
 * the writer does not checkpoint by itself while the thread runs; the thread
 * checkpoints when the counter is idle, and after enough changes when it
 * never idles; past the fallback size the writer checkpoints by itself; a
 * dead thread gives the writer its usual checkpoints back and is replaced
 * a while later; stopping and closing leaves the whole WAL in the file.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointThread } from '../../electron/backend/heavy/run';
import { DEFAULT_AUTOCHECKPOINT_PAGES, openDatabase, type Db } from '../../electron/backend/store/database';
import { WalCheckpointer, WRITER_FALLBACK_PAGES, type CheckpointResult, type CheckpointThread, type WalCheckpointerOptions } from '../../electron/backend/store/wal-checkpoints';

let dir: string;
let file: string;
let db: Db;
let checkpointer: WalCheckpointer | null;
let threads: Worker[];
let results: CheckpointResult[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qrc-wal-'));
  file = join(dir, 'cashier.db');
  db = openDatabase(file);
  db.exec('CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL) STRICT');
  checkpointer = null;
  threads = [];
  results = [];
});

afterEach(async () => {
  await checkpointer?.stop();
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(options: Partial<WalCheckpointerOptions> = {}): WalCheckpointer {
  checkpointer = new WalCheckpointer(db, file, {
    startThread: (input) => {
      const thread = startCheckpointThread(input);
      threads.push(thread as unknown as Worker);
      return thread;
    },
    onCheckpoint: (r) => results.push(r),
    ...options,
  });
  checkpointer.start();
  return checkpointer;
}

/** About `pages` WAL pages: one 4 KB row per page, in commits of 100 rows. */
function writePages(pages: number): void {
  const insert = db.prepare('INSERT INTO blobs (body) VALUES (randomblob(3900))');
  for (let done = 0; done < pages; done += 100) db.transaction(() => {
    for (let i = 0; i < Math.min(100, pages - done); i++) insert.run();
  })();
}

const until = async (what: () => boolean, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const autocheckpoint = () => db.pragma('wal_autocheckpoint', { simple: true }) as number;
const walPages = () => Math.max(0, (statSync(`${file}-wal`).size - 32) / (4096 + 24));

describe('WAL checkpoints in a background thread', () => {
  it('the writer alone checkpoints inside its commits past 4000 pages (what the thread takes away)', () => {
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    writePages(6000);
    // It checkpointed at ≈ 4000 pages and started the WAL over: the file never held all 6000.
    expect(walPages()).toBeLessThan(4500);
  });

  it('while the thread runs the writer does not checkpoint by itself, and the thread copies the whole WAL when the counter is idle', async () => {
    // Only an idle interval asks for a checkpoint here (no size trigger).
    const c = start({ pollMs: 200, rowsBeforeCheckpoint: Number.MAX_SAFE_INTEGER });
    await c.ready;
    expect(autocheckpoint()).toBe(WRITER_FALLBACK_PAGES);
    // One synchronous burst of commits (no poll can run in between): the writer never checkpoints on the way.
    writePages(6000);
    expect(walPages()).toBeGreaterThanOrEqual(6000);
    expect(results).toEqual([]);
    // Then the counter is idle: the first quiet interval asks the thread.
    await until(() => results.length > 0);
    expect(results[0]!.walFrames).toBeGreaterThanOrEqual(6000);
    expect(results[0]!.copiedFrames).toBe(results[0]!.walFrames);
    // The whole WAL is in the file: the next commit starts the WAL over instead of growing it.
    const size = statSync(`${file}-wal`).size;
    writePages(100);
    expect(statSync(`${file}-wal`).size).toBe(size);
    expect(db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(6100);
  }, 60_000);

  it('a counter that never idles still gets background checkpoints after enough changes', async () => {
    await start({ pollMs: 20, rowsBeforeCheckpoint: 200 }).ready;
    const insert = db.prepare('INSERT INTO blobs (body) VALUES (randomblob(100))');
    const end = Date.now() + 3_000;
    // A commit on every turn of the event loop: never a quiet poll interval.
    while (Date.now() < end && results.length < 2) {
      insert.run();
      await new Promise((r) => setImmediate(r));
    }
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.copiedFrames > 0)).toBe(true);
  }, 60_000);

  it('when the WAL is long under a counter that never idles, the counter finishes the copy between two commits and the WAL starts over', async () => {
    await start({ pollMs: 20, rowsBeforeCheckpoint: 100, restartFrames: 300 }).ready;
    const insert = db.prepare('INSERT INTO blobs (body) VALUES (randomblob(3900))');
    // 3 000 pages, a commit on every turn of the event loop.
    for (let i = 0; i < 3000; i++) {
      insert.run();
      await new Promise((r) => setImmediate(r));
    }
    const finished = results.filter((r) => r.onCounter);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.every((r) => r.copiedFrames === r.walFrames)).toBe(true);
    expect(results.filter((r) => !r.onCounter).every((r) => r.walFrames < 3000)).toBe(true);
    // Started over: the file never held the 3 000 pages.
    expect(walPages()).toBeLessThan(2000);
  }, 60_000);

  it('past the fallback size the writer checkpoints by itself (the thread is there but never asked)', async () => {
    start({ pollMs: 60_000, writerFallbackPages: 500 });
    writePages(3000);
    expect(walPages()).toBeLessThan(1000);
  }, 60_000);

  it('when the thread dies, the writer checkpoints by itself again', async () => {
    const c = start({ pollMs: 60_000, logger: { warn: () => {}, error: () => {} } });
    await c.ready;
    expect(autocheckpoint()).toBe(WRITER_FALLBACK_PAGES);
    await threads[0]!.terminate();
    await until(() => !c.running);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    writePages(6000);
    expect(walPages()).toBeLessThan(4500);
  }, 60_000);

  it('a dead thread is replaced a while later, and the new one checkpoints', async () => {
    const c = start({ pollMs: 30, restartAfterMs: 200, logger: { warn: () => {}, error: () => {} } });
    await c.ready;
    await threads[0]!.terminate();
    await until(() => !c.running);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    await until(() => threads.length === 2 && c.running);
    expect(autocheckpoint()).toBe(WRITER_FALLBACK_PAGES);
    writePages(200);
    await until(() => results.length > 0);
    expect(results.at(-1)!.copiedFrames).toBe(results.at(-1)!.walFrames);
  }, 60_000);

  it('a thread that cannot open the file stops, and the writer keeps its own checkpoints', async () => {
    const errors: string[] = [];
    checkpointer = new WalCheckpointer(db, join(dir, 'missing.db'), { startThread: startCheckpointThread, logger: { warn: () => {}, error: (m) => errors.push(m) } });
    checkpointer.start();
    await until(() => !checkpointer!.running);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    expect(errors.length).toBe(1);
  }, 60_000);

  it('stop, then close: the thread lets go and the last connection puts the whole WAL into the file', async () => {
    const c = start({ pollMs: 60_000 });
    writePages(500);
    await c.ready;
    await c.stop();
    expect(c.running).toBe(false);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = new Database(file, { readonly: true });
    expect(again.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(500);
    again.close();
  }, 60_000);
});

// The fake thread type must stay compatible with a real worker (a compile-time check).
export const _real: (input: { file: string }) => CheckpointThread = startCheckpointThread;
