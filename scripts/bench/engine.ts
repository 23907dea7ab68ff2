/**
 * Checkout benchmark (issue 2 §6): `npx tsx scripts/bench/engine.ts [--dir DIR] [--checkouts N] [--sizes 1000,100000,1000000]`.
 *
 * Prints one JSON line per case on stdout:
 *  - `baseline`: one single-row INSERT per transaction, same pragmas
 *    (openDatabase: WAL + synchronous=FULL), same directory;
 *  - `checkout` with 1 000, 100 000 and 1 000 000 waiting entries: one
 *    engine.checkout per transaction through SqliteQueueStore (a member,
 *    extraction 10 %, ratio 100 %), with checkouts/s, p50/p99 latency, the
 *    ratio to the baseline, and resident memory after the case;
 *  - `summary`: the targets (≥ 0.5× baseline, p99 ≤ 5 ms, 1M within 1.2× of
 *    1k, RSS ≤ 200 MB at 1M) and whether each was met.
 *
 * The line is bulk-loaded with direct SQL in big transactions that respect
 * the schema (an order row per entry) and leave the queue's counters
 * consistent (waiting_count, owed_fen, next_seq), so `pos verify` passes on
 * the loaded database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkout, createQueue, type EngineContext } from '../../shared/engine/index';
import type { SettingsLayers } from '../../shared/settings';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';

const QUEUE = 'bench';
const MEMBERS = 1000;
const ORDER_FEN = 10_000;
const LAYERS: SettingsLayers = { base: { extractionBp: 1000, defaultRatioBp: 10_000 }, cashier: {} };
const T0 = Date.parse('2026-01-05T10:00:00+08:00');

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dirArg = flag('dir');
const checkouts = Number(flag('checkouts') ?? 2000);
const warmup = Math.min(200, Math.floor(checkouts / 10));
const sizes = (flag('sizes') ?? '1000,100000,1000000').split(',').map(Number);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function stats(latencies: number[], totalMs: number, cpu: NodeJS.CpuUsage) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    // CPU time of this process per operation (user + system): what the disk does not explain.
    cpuMsPerOp: Number(((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(3)),
    perSecond: Math.round((latencies.length / totalMs) * 1000),
    p50Ms: Number(percentile(sorted, 50).toFixed(3)),
    p99Ms: Number(percentile(sorted, 99).toFixed(3)),
    maxMs: Number(sorted[sorted.length - 1]!.toFixed(3)),
  };
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
/** The machine's 1-minute load average goes on every line: on a shared machine it explains a lot. */
const print = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ ...line, loadavg1m: Number(loadavg()[0]!.toFixed(2)), cpus: cpus().length })}\n`);

/** One single-row INSERT per transaction: the floor any durable checkout pays (one WAL fsync). */
function baseline(dir: string) {
  const db = openDatabase(join(dir, 'baseline.db'), { migrations: [] });
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, amount INTEGER NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO t (at, amount) VALUES (?, ?)');
  const tx = db.transaction((i: number) => insert.run(T0 + i, ORDER_FEN));
  for (let i = 0; i < warmup; i++) tx(i);
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < checkouts; i++) {
    const t = performance.now();
    tx(warmup + i);
    latencies.push(performance.now() - t);
  }
  const total = performance.now() - start;
  const cpuUsed = process.cpuUsage(cpu);
  const sync = db.pragma('synchronous', { simple: true });
  const journal = db.pragma('journal_mode', { simple: true });
  db.close();
  return { ...stats(latencies, total, cpuUsed), pragmas: { journal_mode: journal, synchronous: sync } };
}

/** Fills the line with `size` waiting entries (and their orders) by direct SQL, 50 000 rows per transaction. */
function bulkLoad(db: Db, store: SqliteQueueStore, size: number): number {
  const start = performance.now();
  store.transaction(() => {
    for (let m = 0; m < MEMBERS; m++) store.putMember({ id: `m${m}`, level: 'gold' }, 'local', T0);
    createQueue(store, QUEUE, LAYERS, T0);
  });
  const order = db.prepare(`INSERT INTO orders (queue_id, id, member_id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at,
      settlement, settled_at, extracted_fen, paid_to_queue_fen, completed_at, auto_complete_at, refunded_at, no_entitlement_reason)
    VALUES (?, ?, ?, ?, 0, ?, ?, 'payment', ?, 0, 0, NULL, NULL, NULL, NULL)`);
  const entry = db.prepare(`INSERT INTO entries (queue_id, seq, order_id, member_id, joined_at, position, ahead_fen, base_fen,
      ratio_bp, rule, draw_pending, lottery, drawn_at, entitlement_fen, received_fen, state, finished_at, order_completed)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 10000, 'base.default', 0, NULL, NULL, ?, 0, 'waiting', NULL, 0)`);
  const CHUNK = 50_000;
  for (let from = 0; from < size; from += CHUNK) {
    db.transaction(() => {
      for (let i = from; i < Math.min(size, from + CHUNK); i++) {
        const id = `pre-${i}`;
        // Loaded orders are a millisecond apart, all before the timed run's first checkout.
        const at = T0 - size + i;
        order.run(QUEUE, id, `m${i % MEMBERS}`, ORDER_FEN, ORDER_FEN, at, at);
        entry.run(QUEUE, i + 1, id, `m${i % MEMBERS}`, at, i + 1, i * ORDER_FEN, ORDER_FEN, ORDER_FEN);
      }
    })();
  }
  db.prepare('UPDATE queues SET next_seq = ?, waiting_count = ?, owed_fen = ? WHERE id = ?').run(size + 1, size, size * ORDER_FEN, QUEUE);
  db.pragma('wal_checkpoint(TRUNCATE)');
  return performance.now() - start;
}

function checkoutCase(dir: string, size: number, baselinePerSecond: number) {
  const file = join(dir, `line-${size}.db`);
  const db = openDatabase(file);
  const store = new SqliteQueueStore(db);
  const loadMs = bulkLoad(db, store, size);
  let eventNumber = 0;
  const ctx: EngineContext = {
    store,
    queueId: QUEUE,
    timezone: 'Asia/Shanghai',
    random: { int: (n) => Math.floor(Math.random() * n) },
    newEventId: () => `bench-${size}-${++eventNumber}`,
  };
  let n = 0;
  const one = () => {
    const i = n++;
    store.transaction(() =>
      checkout(ctx, { orderId: `b-${i}`, at: T0 + i * 1000, memberId: `m${i % MEMBERS}`, amountDueFen: ORDER_FEN, deductionFen: 0 }),
    );
  };
  for (let i = 0; i < warmup; i++) one();
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < checkouts; i++) {
    const t = performance.now();
    one();
    latencies.push(performance.now() - t);
  }
  const total = performance.now() - start;
  const s = stats(latencies, total, process.cpuUsage(cpu));
  const rss = rssMb();
  const queue = store.loadQueue(QUEUE)!;
  db.close();
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  return { ...s, ratioToBaseline: Number((s.perSecond / baselinePerSecond).toFixed(3)), loadMs: Math.round(loadMs), rssMb: rss, waitingAfter: queue.waitingCount };
}

function main(): void {
  const dir = mkdtempSync(join(dirArg ?? tmpdir(), 'qrc-bench-'));
  try {
    const base = baseline(dir);
    print({ bench: 'engine', case: 'baseline', what: 'one single-row INSERT per transaction', dir, checkouts, ...base, rssMb: rssMb() });
    const results = new Map<number, ReturnType<typeof checkoutCase>>();
    for (const size of sizes) {
      const r = checkoutCase(dir, size, base.perSecond);
      results.set(size, r);
      print({ bench: 'engine', case: 'checkout', waiting: size, checkouts, ...r });
    }
    const small = results.get(1000);
    const big = results.get(1_000_000);
    const targets = {
      ratioAtLeastHalf: [...results.values()].every((r) => r.ratioToBaseline >= 0.5),
      p99AtMost5ms: [...results.values()].every((r) => r.p99Ms <= 5),
      ...(small && big
        ? {
            millionWithin1_2xOf1k: big.perSecond * 1.2 >= small.perSecond && big.p50Ms <= small.p50Ms * 1.2,
            millionVs1kThroughput: Number((big.perSecond / small.perSecond).toFixed(3)),
            rssAtMillionMb: big.rssMb,
            rssAtMost200Mb: big.rssMb <= 200,
          }
        : {}),
    };
    print({ bench: 'engine', case: 'summary', baselinePerSecond: base.perSecond, targets });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
