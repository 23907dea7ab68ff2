/**
 * The start-up check (issue 15 §2): the invariants of `verify.ts`, checked
 * only on what came after the last verified checkpoint (migration 009), so a
 * register three years old opens in well under a second.
 *
 * The background full check (`verifyDatabase` on its own read-only
 * connection, in a worker thread) verifies every row, and on success the
 * counter's connection records, per queue, the counters it found equal to
 * the whole ledger, with the highest ledger id and order rowid and the latest
 * join time of that snapshot. At start-up:
 *  - each queue's counters must equal checkpoint + Σ ledger rows after it
 *    (a range on the ledger's integer key);
 *  - every entry and order those rows name, every entry joined and order
 *    written since, is checked as the full check would (received within
 *    entitlement, completed ⇔ repaid, received = its payout rows, order
 *    figures = its ledger rows), each through its own index;
 *  - every payout after the checkpoint is checked against paying its own
 *    order's entry and against paying a finished entry;
 *  - the append-only triggers are there.
 * Every range after the checkpoint is read NOT INDEXED: with the bound
 * parameter the planner cannot see the range is short and would rather walk
 * a partial index over the whole ledger (measured: 0.4 s at one year).
 * What start-up does not re-check (SQLite's quick_check and foreign keys,
 * the waiting line's count and amount owed, rows before the checkpoint) the
 * background check covers within seconds of opening and before every backup.
 */
import type { Db } from './database';
import type { Violation } from './verify';

export interface Checkpoint {
  queueId: string;
  ledgerId: number;
  orderRowid: number;
  verifiedTo: number;
  verifiedAt: number;
  extractedFen: number;
  paidOutFen: number;
  undistributedFen: number;
  poolFen: number;
  forfeitedFen: number;
  exchangedFen: number;
  pointsIssued: number;
  vouchersIssued: number;
}

const COUNTERS = [
  ['extractedFen', 'extracted_fen'],
  ['paidOutFen', 'paid_out_fen'],
  ['undistributedFen', 'undistributed_fen'],
  ['poolFen', 'pool_fen'],
  ['forfeitedFen', 'forfeited_fen'],
  ['exchangedFen', 'exchanged_fen'],
  ['pointsIssued', 'points_issued'],
  ['vouchersIssued', 'vouchers_issued'],
] as const;

/** The ledger's contribution to each queue counter, in the same terms as verify.ts's "queue totals agree with the ledger". */
const LEDGER_SUMS = `
  coalesce(sum(CASE kind WHEN 'extraction' THEN amount_fen ELSE 0 END), 0) AS extracted_fen,
  coalesce(sum(CASE kind WHEN 'payout' THEN amount_fen ELSE 0 END), 0) AS paid_out_fen,
  coalesce(sum(CASE kind WHEN 'undistributed' THEN amount_fen ELSE 0 END), 0) AS undistributed_fen,
  coalesce(sum(CASE kind WHEN 'pool_in' THEN amount_fen WHEN 'pool_out' THEN -amount_fen ELSE 0 END), 0) AS pool_fen,
  coalesce(sum(CASE WHEN kind IN ('clearing', 'cancellation') THEN amount_fen ELSE 0 END), 0) AS forfeited_fen,
  coalesce(sum(CASE WHEN kind IN ('exchange_points', 'exchange_vouchers') THEN amount_fen ELSE 0 END), 0) AS exchanged_fen,
  coalesce(sum(CASE WHEN kind IN ('exchange_points', 'random_points') THEN units ELSE 0 END), 0) AS points_issued,
  coalesce(sum(CASE WHEN kind = 'exchange_vouchers' THEN units ELSE 0 END), 0) AS vouchers_issued`;

export function readCheckpoints(db: Db): Checkpoint[] {
  return (db.prepare('SELECT * FROM verified_checkpoint').all() as Record<string, number | string>[]).map((r) => ({
    queueId: r.queue_id as string,
    ledgerId: r.ledger_id as number,
    orderRowid: r.order_rowid as number,
    verifiedTo: r.verified_to as number,
    verifiedAt: r.verified_at as number,
    extractedFen: r.extracted_fen as number,
    paidOutFen: r.paid_out_fen as number,
    undistributedFen: r.undistributed_fen as number,
    poolFen: r.pool_fen as number,
    forfeitedFen: r.forfeited_fen as number,
    exchangedFen: r.exchanged_fen as number,
    pointsIssued: r.points_issued as number,
    vouchersIssued: r.vouchers_issued as number,
  }));
}

/**
 * The checkpoint of the snapshot `db` is reading now: call it inside the
 * same read transaction as a `verifyDatabase` that found nothing, so the
 * queue counters it records are the ones just proven equal to the ledger.
 */
export function snapshotCheckpoints(db: Db, verifiedAt: number): Checkpoint[] {
  const ledgerId = (db.prepare('SELECT coalesce(max(id), 0) FROM ledger').pluck().get() as number) ?? 0;
  const orderRowid = (db.prepare('SELECT coalesce(max(rowid), 0) FROM orders').pluck().get() as number) ?? 0;
  const queues = db.prepare(`SELECT id, ${COUNTERS.map(([, c]) => c).join(', ')} FROM queues`).all() as Record<string, number | string>[];
  const joined = db.prepare('SELECT coalesce(max(joined_at), 0) FROM entries INDEXED BY entries_by_joined_at WHERE queue_id = ?').pluck();
  return queues.map((q) => {
    const cp: Checkpoint = { queueId: q.id as string, ledgerId, orderRowid, verifiedTo: joined.get(q.id) as number, verifiedAt } as Checkpoint;
    for (const [key, column] of COUNTERS) cp[key] = q[column] as number;
    return cp;
  });
}

/** Replaces the checkpoint (the counter's connection: one small transaction). */
export function writeCheckpoints(db: Db, checkpoints: Checkpoint[]): void {
  const insert = db.prepare(
    `INSERT INTO verified_checkpoint (queue_id, ledger_id, order_rowid, verified_to, verified_at, ${COUNTERS.map(([, c]) => c).join(', ')})
     VALUES (@queueId, @ledgerId, @orderRowid, @verifiedTo, @verifiedAt, ${COUNTERS.map(([k]) => `@${k}`).join(', ')})`,
  );
  db.transaction(() => {
    db.prepare('DELETE FROM verified_checkpoint').run();
    for (const cp of checkpoints) insert.run(cp);
  })();
}

/** Checks what came after the checkpoint (see the file comment); [] when it all holds. */
export function verifySince(db: Db, checkpoints: Checkpoint[]): Violation[] {
  const violations: Violation[] = [];
  const add = (rule: string, detail: string) => violations.push({ rule, detail });
  const ledgerId = Math.min(...checkpoints.map((c) => c.ledgerId));
  const orderRowid = Math.min(...checkpoints.map((c) => c.orderRowid));
  const byQueue = new Map(checkpoints.map((c) => [c.queueId, c]));

  for (const r of db
    .prepare('SELECT id, extracted_fen, paid_out_fen, undistributed_fen, pool_fen FROM queues WHERE extracted_fen <> paid_out_fen + undistributed_fen + pool_fen')
    .all() as Record<string, unknown>[]) {
    add('Σ extracted = Σ paid out + undistributed + pool', `queue ${r.id}: extracted ${r.extracted_fen} ≠ paid out ${r.paid_out_fen} + undistributed ${r.undistributed_fen} + pool ${r.pool_fen}`);
  }

  // NOT INDEXED: the rowid range, never ledger_by_at (queue_id = ?), which walks the whole queue's ledger.
  const after = db.prepare(`SELECT ${LEDGER_SUMS} FROM ledger NOT INDEXED WHERE id > ? AND queue_id = ?`);
  for (const q of db.prepare(`SELECT id, ${COUNTERS.map(([, c]) => c).join(', ')} FROM queues`).all() as Record<string, number | string>[]) {
    const cp = byQueue.get(q.id as string);
    const since = after.get(ledgerId, q.id) as Record<string, number>;
    const wrong = COUNTERS.filter(([key, column]) => (cp ? cp[key] : 0) + since[column]! !== q[column]);
    if (wrong.length > 0) {
      add(
        'queue totals agree with the ledger',
        `queue ${q.id}: ${wrong.map(([key, column]) => `${column} ${q[column]} ≠ checkpoint ${cp ? cp[key] : 0} + ledger since ${since[column]}`).join(', ')}`,
      );
    }
  }

  const verifiedTo = Math.min(...checkpoints.map((c) => c.verifiedTo));
  // Entries the ledger rows after the checkpoint name, and entries joined since (each found through an index).
  const touchedEntries = `
    SELECT queue_id, entry_order_id AS order_id FROM ledger NOT INDEXED WHERE id > @ledgerId AND entry_order_id IS NOT NULL
    UNION SELECT queue_id, order_id FROM ledger NOT INDEXED WHERE id > @ledgerId AND order_id IS NOT NULL
    UNION SELECT queue_id, order_id FROM entries INDEXED BY entries_by_joined_at
      WHERE queue_id IN (SELECT id FROM queues) AND joined_at >= @verifiedTo`;
  for (const r of db
    .prepare(
      `WITH t AS (${touchedEntries})
       SELECT e.queue_id, e.order_id, e.state, e.received_fen, e.entitlement_fen, e.draw_pending,
              (SELECT coalesce(sum(l.amount_fen), 0) FROM ledger l INDEXED BY ledger_by_entry
                WHERE l.queue_id = e.queue_id AND l.entry_order_id = e.order_id AND l.kind = 'payout') AS paid
       FROM t JOIN entries e ON e.queue_id = t.queue_id AND e.order_id = t.order_id`,
    )
    .all({ ledgerId, verifiedTo }) as Record<string, number | string>[]) {
    const entry = `entry of order ${r.order_id} (queue ${r.queue_id})`;
    if ((r.received_fen as number) < 0 || (r.received_fen as number) > (r.entitlement_fen as number)) {
      add('0 ≤ received ≤ entitlement', `${entry}: received ${r.received_fen} of ${r.entitlement_fen}`);
    }
    const lotteryAtZero = r.draw_pending === 1 && r.entitlement_fen === 0;
    if (r.state !== 'points' && !lotteryAtZero && (r.state === 'completed') !== (r.received_fen === r.entitlement_fen)) {
      add('completed ⇔ received = entitlement', `${entry} is ${r.state} with ${r.received_fen} of ${r.entitlement_fen}`);
    }
    if (r.received_fen !== r.paid) add('an entry received exactly its payouts in the ledger', `${entry}: received ${r.received_fen}, ledger payouts ${r.paid}`);
  }

  for (const r of db
    .prepare(
      `SELECT p.queue_id, p.order_id, p.entry_order_id, p.id, p.amount_fen,
              (SELECT min(f.id) FROM ledger f INDEXED BY ledger_by_entry
                WHERE f.queue_id = p.queue_id AND f.entry_order_id = p.entry_order_id
                  AND f.kind IN ('clearing', 'cancellation', 'exchange_points', 'exchange_vouchers', 'random_points')) AS finished_by
       FROM ledger p NOT INDEXED WHERE p.id > ? AND p.kind = 'payout'`,
    )
    .all(ledgerId) as Record<string, number | string | null>[]) {
    if (r.order_id === r.entry_order_id) add('an order never pays its own entry', `order ${r.order_id} (queue ${r.queue_id}) paid ${r.amount_fen} fen to its own entry`);
    if (r.finished_by !== null && (r.id as number) > (r.finished_by as number)) {
      add('nothing in a finished state ever receives again', `entry of order ${r.entry_order_id} (queue ${r.queue_id}) received ledger row ${r.id} after it was finished`);
    }
  }

  for (const r of db
    .prepare(
      `WITH t AS (SELECT queue_id, order_id FROM ledger NOT INDEXED WHERE id > @ledgerId AND order_id IS NOT NULL
                  UNION SELECT queue_id, id FROM orders NOT INDEXED WHERE rowid > @orderRowid)
       SELECT o.queue_id, o.id, o.extracted_fen, o.paid_to_queue_fen, o.settled_at,
              (SELECT coalesce(sum(CASE l.kind WHEN 'extraction' THEN l.amount_fen ELSE 0 END), 0) FROM ledger l INDEXED BY ledger_by_order
                WHERE l.queue_id = o.queue_id AND l.order_id = o.id) AS extracted,
              (SELECT coalesce(sum(CASE l.kind WHEN 'payout' THEN l.amount_fen ELSE 0 END), 0) FROM ledger l INDEXED BY ledger_by_order
                WHERE l.queue_id = o.queue_id AND l.order_id = o.id) AS paid
       FROM t JOIN orders o ON o.queue_id = t.queue_id AND o.id = t.order_id`,
    )
    .all({ ledgerId, orderRowid }) as Record<string, number | string | null>[]) {
    if (r.extracted_fen !== r.extracted || r.paid_to_queue_fen !== r.paid || (r.settled_at === null && r.extracted_fen !== 0)) {
      add('orders agree with the ledger', `order ${r.id} (queue ${r.queue_id}): extracted ${r.extracted_fen} / paid ${r.paid_to_queue_fen}, ledger ${r.extracted} / ${r.paid}`);
    }
  }

  const triggers = db
    .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('ledger_is_append_only_update', 'ledger_is_append_only_delete')")
    .pluck()
    .get() as number;
  if (triggers !== 2) add('the ledger is append-only', 'the triggers that keep the ledger append-only are missing');
  return violations;
}
