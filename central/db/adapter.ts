/**
 * The one interface the central service talks to its database through, with
 * two implementations over the same SQL: a `pg` Pool (a real PostgreSQL
 * server, `--database-url` / CENTRAL_DATABASE_URL) and PGlite (PostgreSQL
 * compiled to WebAssembly, embedded, one data folder: the demo default).
 *
 * Both return int8 and numeric columns as JS numbers (every number the
 * service stores — fen, seqs, instants in ms — stays below 2^53), and jsonb
 * as parsed values.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';

export type SqlParam = string | number | boolean | null | Date | unknown[] | Record<string, unknown>;

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<{ rows: T[]; rowCount: number }>;
}

export interface SqlDb extends Queryable {
  /** 'postgres' (a server through pg) or 'pglite' (embedded). */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `body` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(body: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Several statements separated by `;`, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** LISTEN on a channel; returns the function that stops listening. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const toNumber = (value: string) => Number(value);

/**
 * PGlite runs each statement synchronously on this event loop and hands
 * queued statements on through promises alone: a backlog of a thousand
 * registers' statements ran in one turn of the loop (the bench saw 4.9 s of
 * CPU in one turn, and sockets dropped for missed pings). Each statement
 * first waits for its slot; slots are handed out one per turn of the loop
 * (setImmediate), so socket I/O and timers run between any two statements.
 * A slot is only a delay, never held while the statement runs, so a
 * statement issued inside a transaction can never wait for one outside it.
 */
function pgliteSlots(): () => Promise<void> {
  const waiting: (() => void)[] = [];
  let pumping = false;
  const pump = () => {
    pumping = true;
    setImmediate(() => {
      waiting.shift()?.();
      if (waiting.length > 0) pump();
      else pumping = false;
    });
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!pumping) pump();
    });
}
const INT8 = 20;
const NUMERIC = 1700;

/** A PostgreSQL server through a pg Pool. */
export function openPostgres(connectionString: string, options: { max?: number } = {}): SqlDb {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8 || oid === NUMERIC ? toNumber : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
  };
  // 25: a batch holds its connection for a few round trips and a commit; registers beyond the pool wait their turn.
  const pool = new pg.Pool({ connectionString, max: options.max ?? 25, types });
  // An idle client's error (the server went away) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  let listener: pg.Client | null = null;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  // The statements with parameters are a few dozen fixed texts: each becomes a named prepared
  // statement, parsed and planned once per connection instead of on every batch's round trips.
  // (Texts without parameters may be built at run time: those stay unnamed, as does anything past
  // the first 500 texts, so the server keeps a bounded set per connection.)
  const names = new Map<string, string>();
  const statement = (sql: string, values: SqlParam[]) => {
    let name = names.get(sql);
    if (!name && values.length > 0 && names.size < 500) {
      name = `central_${names.size + 1}`;
      names.set(sql, name);
    }
    return name ? { name, text: sql, values } : { text: sql, values };
  };
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: SqlParam[] = []) {
      const result = await client.query(statement(sql, params));
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
  });
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    async transaction<T>(body: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await body(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async listen(channel, onMessage) {
      if (!listener) {
        listener = new pg.Client({ connectionString, types });
        listener.on('error', () => {});
        listener.on('notification', (n) => {
          for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
        });
        await listener.connect();
      }
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await listener.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
      };
    },
    async close() {
      await listener?.end().catch(() => {});
      await pool.end();
    },
  };
}

/** An embedded PGlite database kept in `dataDir` (created if missing; in memory when undefined). */
export async function openPglite(dataDir: string | undefined): Promise<SqlDb> {
  const db = await PGlite.create(dataDir, { parsers: { [INT8]: toNumber, [NUMERIC]: toNumber } });
  const slot = pgliteSlots();
  const wrap = (q: PGlite | Transaction): Queryable => ({
    async query<T>(sql: string, params: SqlParam[] = []) {
      await slot();
      const result = await q.query<T>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    // PGlite has one connection: its transaction() queues other queries behind it.
    transaction: async (body) => {
      await slot();
      return db.transaction((tx) => body(wrap(tx)));
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async listen(channel, onMessage) {
      const stop = await db.listen(channel, onMessage);
      return async () => {
        await stop();
      };
    },
    close: () => db.close(),
  };
}

/** `--database-url` / CENTRAL_DATABASE_URL: a server; otherwise PGlite in `dataDir`. */
export async function openDatabaseFrom(options: { databaseUrl?: string; dataDir?: string }): Promise<SqlDb> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir);
}
