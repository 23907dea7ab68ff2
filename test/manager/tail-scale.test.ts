/** The tail's wait on 1 000 000 waiting entries: from the queue's counters (queue order) or one indexed aggregate (completed-first), equal to a plain sum. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../shared/engine/index';
import { tailView } from '../../electron/backend/manager/liability';
import { openDatabase } from '../../electron/backend/store/database';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';
import { tempDir } from './helpers';

describe('tail wait at scale', () => {
  it('1 000 000 waiting entries: the real line, under both orderings', () => {
    const db = openDatabase(path.join(tempDir(), 'big.db'));
    const store = new SqliteQueueStore(db);
    const now = Date.parse('2026-03-10T12:00:00+08:00');
    store.transaction(() => createQueue(store, 'q', { base: { extractionBp: 1000 }, cashier: {} }, now - 1000));
    db.pragma('foreign_keys = OFF');
    const N = 1_000_000;
    let expected = 0;
    db.transaction(() => {
      const entry = db.prepare(`INSERT INTO entries (queue_id, seq, order_id, member_id, joined_at, position, ahead_fen, base_fen, ratio_bp, rule,
        draw_pending, lottery, drawn_at, entitlement_fen, received_fen, state, finished_at, order_completed)
        VALUES ('q', ?, ?, NULL, ?, 1, 0, ?, 10000, 'base.default', 0, NULL, NULL, ?, ?, 'waiting', NULL, 1)`);
      const order = db.prepare(`INSERT INTO orders (queue_id, id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at, settlement, settled_at, extracted_fen, paid_to_queue_fen)
        VALUES ('q', ?, ?, 0, ?, ?, 'payment', ?, ?, 0)`);
      for (let i = 1; i <= N; i++) {
        const amount = 100 + ((i * 7919) % 100_000);
        const received = i === 1 ? 50 : 0;
        expected += amount - received;
        entry.run(i, `o${i}`, now - (N - i) * 10, amount, amount, received);
        if (i > N - 5000) order.run(`o${i}`, amount, amount, now - (N - i) * 10, now - (N - i) * 10, Math.floor(amount / 10));
      }
    })();
    // The bulk load bypassed the engine: set the counters the engine would have kept.
    db.prepare('UPDATE queues SET waiting_count = ?, owed_fen = ? WHERE id = ?').run(N, expected, 'q');
    const started = performance.now();
    const tail = tailView(db, 'q', { base: { extractionBp: 1000 }, cashier: {} }, 0, now, 'Asia/Shanghai')!;
    const ms = performance.now() - started;
    console.info(`tail over ${N} waiting entries: ${ms.toFixed(0)} ms`);
    expect(tail.needFen).toBe(expected);
    expect(tail.entriesAhead).toBe(N - 1);
    const p = tail.projections[0]!;
    expect(p.orders).toBe(5000);
    expect(p.ordersNeeded).toBe(Number((BigInt(expected) * 5000n + BigInt(p.extractedFen) - 1n) / BigInt(p.extractedFen)));
    const completedFirst = tailView(db, 'q', { base: { extractionBp: 1000, ordering: 'completedFirst' }, cashier: {} }, 0, now, 'Asia/Shanghai')!;
    console.info(`tail, completed-first, aggregate over the partial index: needFen ${completedFirst.needFen}`);
    expect(completedFirst.needFen).toBe(expected);
    expect(completedFirst.entriesAhead).toBe(N - 1);
    db.close();
  }, 180_000);
});
