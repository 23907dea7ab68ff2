/**
 * The reference central server's own SQLite file: the events every register
 * sent (exactly once each, by event id), each register's highest seq, and the
 * pushes it made with what each register answered.
 */
import Database from 'better-sqlite3';
import type { BatchAck, WireEvent } from '../shared/sync/protocol';

export type CentralDb = Database.Database;

/** 8 columns × 100 rows stays far below SQLite's 32 766 bound parameters. */
const ROWS_PER_INSERT = 100;

const SCHEMA = /* sql */ `
CREATE TABLE IF NOT EXISTS registers (
  id           INTEGER PRIMARY KEY,
  store_id     TEXT NOT NULL,
  register_id  TEXT NOT NULL,
  -- Every seq from 1 up to last_seq is held (gaps are refused).
  last_seq     INTEGER NOT NULL DEFAULT 0,
  -- The last push this register answered.
  push_cursor  INTEGER NOT NULL DEFAULT 0,
  last_seen_at INTEGER,
  UNIQUE (store_id, register_id)
) STRICT;

-- An event is filed under its register's seq; a seq already held is a
-- duplicate when it holds the same event id, a conflict otherwise. There is
-- deliberately no index on the (random, UUID) event_id: with one commit per
-- batch it made every commit rewrite hundreds of random index pages (5.5 s
-- instead of 0.7 s for 100 000 events here), and a retransmission always
-- comes back under the same register and seq, so the seq slot finds it.
-- The rowid is the arrival order.
CREATE TABLE IF NOT EXISTS events (
  id          INTEGER PRIMARY KEY,
  register    INTEGER NOT NULL REFERENCES registers(id),
  seq         INTEGER NOT NULL,
  event_id    TEXT NOT NULL,
  queue_id    TEXT NOT NULL,
  type        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  payload     TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (register, seq)
) STRICT;

CREATE TABLE IF NOT EXISTS pushes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  message     TEXT NOT NULL,
  -- NULL: every register (of the store, when store_id is set).
  store_id    TEXT,
  register_id TEXT,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS push_results (
  push_id     INTEGER NOT NULL REFERENCES pushes(id),
  store_id    TEXT NOT NULL,
  register_id TEXT NOT NULL,
  ok          INTEGER NOT NULL,
  answer      TEXT NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (push_id, store_id, register_id)
) STRICT;
`;

export interface RegisterId {
  storeId: string;
  registerId: string;
}

export interface StoredEvent extends WireEvent {
  storeId: string;
  registerId: string;
  receivedAt: number;
}

export interface StoredPush {
  id: number;
  message: string;
  storeId: string | null;
  registerId: string | null;
  body: Record<string, unknown>;
  createdAt: number;
}

export function openCentralDb(file: string): CentralDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // An ack promises the events are stored: every commit waits for the fsync.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

export class CentralStore {
  private readonly ensureRegister;
  private readonly insertStatements = new Map<number, Database.Statement<(string | number)[]>>();
  private readonly eventAt;
  private readonly setLastSeq;
  private readonly applyOne;
  private readonly applyGroup;

  constructor(readonly db: CentralDb) {
    this.ensureRegister = db.prepare<[string, string, number]>(
      `INSERT INTO registers (store_id, register_id, last_seen_at) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET last_seen_at = excluded.last_seen_at RETURNING id, last_seq`,
    );
    this.eventAt = db.prepare<[number, number]>('SELECT event_id FROM events WHERE register = ? AND seq = ?').pluck();
    this.setLastSeq = db.prepare<[number, number]>('UPDATE registers SET last_seq = ? WHERE id = ?');
    // Nested in applyGroup's transaction, this is a savepoint: a refused batch takes back only itself.
    this.applyOne = db.transaction((register: RegisterId, events: WireEvent[], at: number): BatchAck => this.applyInTransaction(register, events, at));
    this.applyGroup = db.transaction((register: RegisterId, batches: WireEvent[][], at: number): BatchAck[] =>
      batches.map((events) => {
        try {
          return this.applyOne(register, events, at);
        } catch (error) {
          if (error instanceof BatchRefused) return { ok: false, error: error.detail };
          throw error;
        }
      }),
    );
  }

  /** `INSERT … VALUES (…), (…) … ON CONFLICT DO NOTHING` for `rows` rows, prepared once per size. */
  private insertRows(rows: number): Database.Statement<(string | number)[]> {
    let statement = this.insertStatements.get(rows);
    if (!statement) {
      statement = this.db.prepare(
        `INSERT INTO events (register, seq, event_id, queue_id, type, at, payload, received_at)
         VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (register, seq) DO NOTHING`,
      );
      this.insertStatements.set(rows, statement);
    }
    return statement;
  }

  /** Files the register (if new) and returns its row id and the highest seq held. */
  touch(register: RegisterId, at: number): { id: number; lastSeq: number } {
    const row = this.ensureRegister.get(register.storeId, register.registerId, at) as { id: number; last_seq: number };
    return { id: row.id, lastSeq: row.last_seq };
  }

  /**
   * Applies (validated, consecutive) batches of one register in order, all
   * in one transaction — one commit, one fsync, however many arrived while
   * the previous commit was on its way to the disk — with one answer each.
   * Each batch goes in with `INSERT … ON CONFLICT DO NOTHING`: an event
   * already held (same register, seq and id) is acknowledged without being
   * applied again; a batch starting after the next expected seq is refused as
   * a gap; a seq already held by a different event is refused as a conflict
   * (nothing of that batch stays). Answers are only to be sent after this
   * returns, i.e. after the commit.
   */
  applyBatches(register: RegisterId, batches: WireEvent[][], at: number): BatchAck[] {
    return this.applyGroup(register, batches, at);
  }

  applyBatch(register: RegisterId, events: WireEvent[], at: number): BatchAck {
    return this.applyBatches(register, [events], at)[0]!;
  }

  private applyInTransaction({ storeId, registerId }: RegisterId, events: WireEvent[], at: number): BatchAck {
    const { id, lastSeq: held } = this.touch({ storeId, registerId }, at);
    const first = events[0]!.seq;
    if (first > held + 1) {
      throw new BatchRefused({
        code: 'gap',
        message: `this server holds seq 1–${held} of ${storeId}/${registerId}; the batch starts at ${first}`,
        expectedSeq: held + 1,
      });
    }
    let duplicates = 0;
    // Rows go in ROWS_PER_INSERT at a time (one statement each); a chunk that
    // did not insert every row holds events seen before, checked one by one.
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const chunk = events.slice(i, i + ROWS_PER_INSERT);
      const params: (string | number)[] = [];
      for (const e of chunk) params.push(id, e.seq, e.id, e.queueId, e.type, e.at, JSON.stringify(e.payload), at);
      const inserted = this.insertRows(chunk.length).run(...params).changes;
      if (inserted === chunk.length) continue;
      for (const e of chunk) {
        // Seen before: acknowledged again, not applied twice — if it is the same event.
        const existing = this.eventAt.get(id, e.seq) as string | undefined;
        if (existing !== e.id) {
          throw new BatchRefused({ code: 'conflict', message: `seq ${e.seq} is already held as event ${existing ?? '(none)'}, not ${e.id}`, expectedSeq: held + 1 });
        }
      }
      duplicates += chunk.length - inserted;
    }
    const last = events[events.length - 1]!.seq;
    const appliedSeq = Math.max(held, last);
    if (appliedSeq !== held) this.setLastSeq.run(appliedSeq, id);
    return { ok: true, appliedSeq, duplicates };
  }

  events(filter: { storeId?: string; registerId?: string; afterSeq?: number; limit?: number } = {}): StoredEvent[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    add('r.store_id = ?', filter.storeId);
    add('r.register_id = ?', filter.registerId);
    add('e.seq > ?', filter.afterSeq);
    // Arrival order (the rowid), which is what shows whether events were applied in order.
    const sql = `SELECT e.*, r.store_id, r.register_id FROM events e JOIN registers r ON r.id = e.register
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id LIMIT ?`;
    params.push(filter.limit ?? -1);
    const rows = this.db.prepare(sql).all(...params) as {
      store_id: string;
      register_id: string;
      seq: number;
      event_id: string;
      queue_id: string;
      type: WireEvent['type'];
      at: number;
      payload: string;
      received_at: number;
    }[];
    return rows.map((r) => ({
      storeId: r.store_id,
      registerId: r.register_id,
      seq: r.seq,
      id: r.event_id,
      queueId: r.queue_id,
      type: r.type,
      at: r.at,
      payload: JSON.parse(r.payload) as Record<string, unknown>,
      receivedAt: r.received_at,
    }));
  }

  registers(): { storeId: string; registerId: string; lastSeq: number; pushCursor: number; lastSeenAt: number | null; events: number }[] {
    return (
      this.db
        .prepare(
          `SELECT r.store_id, r.register_id, r.last_seq, r.push_cursor, r.last_seen_at,
             (SELECT count(*) FROM events e WHERE e.register = r.id) AS events
           FROM registers r ORDER BY r.store_id, r.register_id`,
        )
        .all() as { store_id: string; register_id: string; last_seq: number; push_cursor: number; last_seen_at: number | null; events: number }[]
    ).map((r) => ({ storeId: r.store_id, registerId: r.register_id, lastSeq: r.last_seq, pushCursor: r.push_cursor, lastSeenAt: r.last_seen_at, events: r.events }));
  }

  /** Stores a push (its body without the id, which is the row id). */
  addPush(message: string, target: Partial<RegisterId>, body: Record<string, unknown>, at: number): number {
    return Number(
      this.db
        .prepare('INSERT INTO pushes (message, store_id, register_id, body, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(message, target.storeId ?? null, target.registerId ?? null, JSON.stringify(body), at).lastInsertRowid,
    );
  }

  /** The next push this register has not answered yet. */
  nextPush({ storeId, registerId }: RegisterId): StoredPush | undefined {
    const row = this.db
      .prepare(
        `SELECT p.* FROM pushes p, registers r
         WHERE r.store_id = ? AND r.register_id = ? AND p.id > r.push_cursor
           AND (p.store_id IS NULL OR p.store_id = r.store_id)
           AND (p.register_id IS NULL OR p.register_id = r.register_id)
         ORDER BY p.id LIMIT 1`,
      )
      .get(storeId, registerId) as { id: number; message: string; store_id: string | null; register_id: string | null; body: string; created_at: number } | undefined;
    if (!row) return undefined;
    return { id: row.id, message: row.message, storeId: row.store_id, registerId: row.register_id, body: JSON.parse(row.body) as Record<string, unknown>, createdAt: row.created_at };
  }

  /** Records the register's answer and moves its cursor past the push, in one transaction. */
  recordPushResult({ storeId, registerId }: RegisterId, pushId: number, ok: boolean, answer: unknown, at: number): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO push_results (push_id, store_id, register_id, ok, answer, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(pushId, storeId, registerId, ok ? 1 : 0, JSON.stringify(answer) ?? 'null', at);
      this.db.prepare('UPDATE registers SET push_cursor = max(push_cursor, ?) WHERE store_id = ? AND register_id = ?').run(pushId, storeId, registerId);
    })();
  }

  pushes(): (StoredPush & { results: { storeId: string; registerId: string; ok: boolean; answer: unknown; at: number }[] })[] {
    const pushes = this.db.prepare('SELECT * FROM pushes ORDER BY id').all() as {
      id: number;
      message: string;
      store_id: string | null;
      register_id: string | null;
      body: string;
      created_at: number;
    }[];
    const results = this.db.prepare('SELECT * FROM push_results WHERE push_id = ? ORDER BY store_id, register_id');
    return pushes.map((p) => ({
      id: p.id,
      message: p.message,
      storeId: p.store_id,
      registerId: p.register_id,
      body: JSON.parse(p.body) as Record<string, unknown>,
      createdAt: p.created_at,
      results: (results.all(p.id) as { store_id: string; register_id: string; ok: number; answer: string; at: number }[]).map((r) => ({
        storeId: r.store_id,
        registerId: r.register_id,
        ok: r.ok === 1,
        answer: JSON.parse(r.answer) as unknown,
        at: r.at,
      })),
    }));
  }
}

class BatchRefused extends Error {
  constructor(readonly detail: { code: 'gap' | 'conflict'; message: string; expectedSeq?: number }) {
    super(detail.message);
  }
}
