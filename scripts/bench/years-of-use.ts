/**
 * `npx tsx scripts/bench/years-of-use.ts` (also run by `npm run bench`):
 * registers of 30 days, 1 year and 3 years of a busy store (≈ 400 checkouts a
 * day, built through the real command handler by years/build.ts and cached
 * in os.tmpdir() between runs), measured with the shell's wiring (status
 * publisher, print worker, sync supervisor, the manager console) — issue 15 §4.
 *
 * BENCH_YEARS_SIZES=30,365 (or BENCH_YEARS_QUICK=1) measures only the small
 * sizes; BENCH_YEARS_WHATIF100K=0 skips the 100 000-order what-if. One JSON
 * line per measurement, each with the 1-minute load average.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../shared/engine/index';
import { BackgroundCheck } from '../../electron/backend/app/full-check';
import { createCommandHandler, StatusPublisher } from '../../electron/backend/app/handlers';
import { startRegister } from '../../electron/backend/app/startup';
import { runHeavy, startCheckpointThread } from '../../electron/backend/heavy/run';
import { configureManager } from '../../electron/backend/manager/index';
import { PrintWorker } from '../../electron/backend/printing/index';
import { plainSecretBox } from '../../electron/backend/sync/config';
import { WalCheckpointer } from '../../electron/backend/store/wal-checkpoints';
import { SyncSupervisor } from '../../electron/backend/sync/supervisor';
import { buildRegisters, builtFile, CHEAP_SCRYPT, MANAGER_PIN, quietLogger, readMeta, seedRegister, START } from './years/build';

const quick = process.env.BENCH_YEARS_QUICK === '1';
const sizes = (process.env.BENCH_YEARS_SIZES ?? (quick ? '30,365' : '30,365,1095')).split(',').map(Number);
const whatIf100k = process.env.BENCH_YEARS_WHATIF100K !== '0';
/** BENCH_YEARS_HEAVY=0: skip the backup and the what-ifs (they take minutes on a loaded machine). */
const heavy = process.env.BENCH_YEARS_HEAVY !== '0';
const timedCheckouts = Number(process.env.BENCH_YEARS_CHECKOUTS ?? 300);

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'years-of-use', ...line, load1: Number(loadavg()[0]!.toFixed(2)), cpus: cpus().length })}\n`);
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2));
};
/** The background checkpoints of the register being measured (how many, how long, how much they copied). */
const walCheckpoints: { ms: number; walFrames: number; copiedFrames: number; busy: boolean; onCounter?: boolean }[] = [];
const ms = (t0: number) => Number((performance.now() - t0).toFixed(1));

/** Drops the file's pages from the OS cache (posix_fadvise DONTNEED), so the next open reads the disk: a cold start. */
function evict(file: string): boolean {
  try {
    execFileSync('python3', ['-c', `import os,sys\nfor f in sys.argv[1:]:\n  try:\n    fd=os.open(f,os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)\n  except FileNotFoundError: pass`, file, `${file}-wal`]);
    return true;
  } catch {
    return false;
  }
}

function open(file: string, clock: { now: number }) {
  const t0 = performance.now();
  const decision = startRegister(file, { now: () => clock.now, random: seededRandom(9), logger: quietLogger, scryptCost: CHEAP_SCRYPT });
  const startMs = ms(t0);
  if (!decision.ok) throw new Error(`start-up refused: ${decision.message}`);
  return { backend: decision.backend, startMs };
}

/** The shell's wiring (electron/shell/main.ts runRegister), without Electron. */
function wire(backend: ReturnType<typeof open>['backend'], file: string, onCheckpoint?: (r: (typeof walCheckpoints)[number]) => void, background = process.env.BENCH_YEARS_CHECKPOINTER !== '0') {
  const handle = createCommandHandler(backend, quietLogger);
  configureManager(backend, { scryptCost: CHEAP_SCRYPT, secretBox: plainSecretBox });
  const publisher = new StatusPublisher(backend, quietLogger);
  const worker = new PrintWorker(backend.db, { now: () => backend.viewNow(), onEvent: () => publisher.refresh() });
  const sync = new SyncSupervisor(backend.db, plainSecretBox, () => publisher.refresh());
  backend.setStatusSources({ printer: () => worker.printerState, sync: () => (sync.status().configured ? sync.status() : null) });
  backend.onChange(() => {
    worker.kick();
    sync.refresh();
  });
  worker.start();
  sync.refresh();
  // BENCH_YEARS_CHECKPOINTER=0: the writer checkpoints inside its commits, as before the background checkpoints
  // (BENCH_YEARS_AB=1 measures both in one run: a second copy of the register without the thread).
  const checkpoints = new WalCheckpointer(backend.db, file, { startThread: startCheckpointThread, ...(onCheckpoint ? { onCheckpoint } : {}) });
  if (background) checkpoints.start();
  const call = async (name: string, input: unknown) => {
    const r = await handle(name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };
  return { call, stop: async () => Promise.all([worker.stop(), sync.stop(), checkpoints.stop()]).then(() => publisher.close()) };
}

/**
 * Bytes the main thread has written with write()/pwrite() (Linux: /proc/thread-self/io), or null elsewhere. Around a
 * checkout: its WAL frames (≈ 150 KB), plus every page a checkpoint copied if one ran inside its commit (up to 16 MB).
 */
function mainThreadWrites(): number | null {
  try {
    return Number(/wchar: (\d+)/.exec(readFileSync('/proc/thread-self/io', 'utf8'))![1]);
  } catch {
    return null;
  }
}

async function checkouts(call: ReturnType<typeof wire>['call'], clock: { now: number }, n: number, until?: () => boolean, paceMs = 0, writes?: number[]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; until ? !until() : i < n; i++) {
    clock.now += 30_000;
    const fen = 2000 + ((i * 7919) % 28_000);
    const w0 = writes ? mainThreadWrites() : null;
    const t0 = performance.now();
    await call('checkout.submit', { amountDueFen: fen, memberId: i % 5 < 3 ? `M${String(1 + (i % 4000)).padStart(5, '0')}` : null, tenders: [{ kind: 'cash', amountFen: fen }] });
    times.push(performance.now() - t0);
    if (writes && w0 !== null) writes.push(mainThreadWrites()! - w0);
    // Let the print worker and timers run between customers, as at a real counter.
    await new Promise((r) => (paceMs > 0 ? setTimeout(r, paceMs) : setImmediate(r)));
  }
  return times;
}

/** The counter's latencies while `job` runs (checkouts back to back until it settles). */
async function whileRunning<T>(call: ReturnType<typeof wire>['call'], clock: { now: number }, job: Promise<T>): Promise<{ value: T; totalMs: number; counter: number[] }> {
  let done = false;
  const t0 = performance.now();
  const settled = job.finally(() => (done = true));
  // A checkout every 250 ms: a counter far busier than a real one (≈ 90 s apart), but not back to back —
  // SQLite's online backup restarts whenever another connection writes, so a loop of commits would starve it.
  const counter = await checkouts(call, clock, 0, () => done, 250);
  const value = await settled;
  return { value, totalMs: ms(t0), counter };
}

type Backend = ReturnType<typeof open>['backend'];
type Wired = ReturnType<typeof wire>;

/** A register the blocks below take turns on: its wiring, its clock, and how to shut it (then `after`, e.g. its temp dir). */
function measured(w: Wired, backend: Backend, clock: { now: number }, after?: () => void) {
  return {
    call: w.call,
    clock,
    close: async () => {
      await w.stop();
      backend.close();
      after?.();
    },
  };
}

/**
 * The builder ran no print worker: a built register's receipts are still pending. Settle them as the worker would have
 * (no printer: previewed), or the worker's backlog of a year of receipts would be measured instead of the counter.
 */
function settleBuiltPrintJobs(backend: Backend): void {
  backend.db.prepare("UPDATE print_jobs SET state = 'previewed', next_attempt_at = NULL WHERE state = 'pending'").run();
}

/** A built register's manager signs in and opens a shift, then 20 checkouts warm it up before anything is timed. */
async function openBuiltCounter(backend: Backend, w: Wired, clock: { now: number }): Promise<void> {
  await w.call('session.signIn', { cashierId: backend.db.prepare("SELECT id FROM cashiers WHERE role = 'manager' LIMIT 1").pluck().get() as string, pin: MANAGER_PIN }).catch(() => undefined);
  await w.call('shift.open', { openingFloatFen: 0 }).catch(() => undefined);
  await checkouts(w.call, clock, 20);
}

/**
 * A fresh register wired like the others, open for the whole run: its
 * checkouts are taken in blocks alternating with the measured register's, so
 * both see the same load (on a shared machine the load moves within seconds).
 */
async function openFresh() {
  const dir = mkdtempSync(join(tmpdir(), 'qrc-bench-fresh-'));
  const clock = { now: START + 10 * 3_600_000 };
  const { backend } = open(join(dir, 'cashier.db'), clock);
  const w = wire(backend, join(dir, 'cashier.db'));
  await w.call('setup.createManager', { name: '店长', pin: MANAGER_PIN });
  await w.call('shift.open', { openingFloatFen: 0 });
  // The same members and settings as the built registers: the same work per checkout (the head of the line paid).
  seedRegister(backend, () => 'set-fresh');
  await checkouts(w.call, clock, 50);
  return measured(w, backend, clock, () => rmSync(dir, { recursive: true, force: true }));
}
type Fresh = Awaited<ReturnType<typeof openFresh>>;

/** A second copy of a built register, wired without the checkpoint thread (BENCH_YEARS_AB=1). */
async function openWithoutThread(days: number, dir: string) {
  const file = join(dir, 'without-thread.db');
  copyFileSync(builtFile(days), file);
  const clock = { now: readMeta(days)!.end + 11 * 3_600_000 };
  const { backend } = open(file, clock);
  settleBuiltPrintJobs(backend);
  const w = wire(backend, file, undefined, false);
  await openBuiltCounter(backend, w, clock);
  return measured(w, backend, clock);
}

async function measureSize(days: number, fresh: Fresh): Promise<void> {
  const meta = readMeta(days)!;
  const dir = mkdtempSync(join(tmpdir(), `qrc-bench-years-${days}-`));
  const file = join(dir, 'cashier.db');
  try {
    copyFileSync(builtFile(days), file);
    const clock = { now: meta.end + 11 * 3_600_000 };
    const base = { size: `${days}d`, orders: meta.orders, fileMiB: Number((statSync(file).size / 2 ** 20).toFixed(1)), bytesPerCheckout: Math.round(statSync(file).size / meta.orders) };
    // First open by this build: migrations, then the full check (no checkpoint yet) — what every start-up cost before.
    const first = open(file, clock);
    first.backend.close();
    emit({ ...base, case: 'start-up, first after upgrade (migrations + full check, as every start before)', ms: first.startMs });
    const cold = evict(file);
    const coldStart = open(file, clock);
    coldStart.backend.close();
    emit({ ...base, case: cold ? 'start-up, cold (file evicted from the page cache)' : 'start-up (could not evict the page cache)', ms: coldStart.startMs });
    const warm = open(file, clock);
    emit({ ...base, case: 'start-up, warm', ms: warm.startMs });
    const backend = warm.backend;
    settleBuiltPrintJobs(backend);
    const w = wire(backend, file, (r) => walCheckpoints.push(r));
    await openBuiltCounter(backend, w, clock);
    // BENCH_YEARS_AB=1: a second copy of the register, its writer checkpointing inside its commits as before the
    // checkpoint thread, measured in the same blocks (on a shared machine the load moves within seconds).
    const before = process.env.BENCH_YEARS_AB === '1' ? await openWithoutThread(days, dir) : null;
    walCheckpoints.length = 0;
    const times: number[] = [];
    const freshTimes: number[] = [];
    const beforeTimes: number[] = [];
    const writes: number[] = [];
    const beforeWrites: number[] = [];
    for (let done = 0; done < timedCheckouts; done += 100) {
      const n = Math.min(100, timedCheckouts - done);
      freshTimes.push(...(await checkouts(fresh.call, fresh.clock, n)));
      times.push(...(await checkouts(w.call, clock, n, undefined, 0, writes)));
      if (before) beforeTimes.push(...(await checkouts(before.call, before.clock, n, undefined, 0, beforeWrites)));
    }
    // A checkout whose commit ran a checkpoint writes megabytes on the counter's thread; one that did not, its WAL frames.
    const heavyWrites = (xs: number[], ts: number[]) => {
      const idx = xs.map((x, i) => (x > 1_000_000 ? i : -1)).filter((i) => i >= 0);
      return { checkoutsWritingOver1MB: idx.length, theirP50Ms: pct(idx.map((i) => ts[i]!), 50), counterWritesP50KB: pct(xs.map((x) => x / 1024), 50), counterWritesMaxKB: pct(xs.map((x) => x / 1024), 100) };
    };
    const thread = walCheckpoints.filter((c) => !c.onCounter);
    const onCounter = walCheckpoints.filter((c) => c.onCounter);
    emit({ ...base, case: 'background WAL checkpoints during the timed checkouts', n: thread.length, p50Ms: pct(thread.map((c) => c.ms), 50), maxMs: pct(thread.map((c) => c.ms), 100), walFramesMax: Math.max(0, ...walCheckpoints.map((c) => c.walFrames)), finishedOnCounterBetweenCheckouts: onCounter.length, finishP50Ms: pct(onCounter.map((c) => c.ms), 50), finishMaxMs: pct(onCounter.map((c) => c.ms), 100) });
    const f50 = pct(freshTimes, 50)!;
    const f99 = pct(freshTimes, 99)!;
    emit({ size: 'fresh', case: `checkout (shell wiring), in blocks of 100 alternating with ${days}d`, n: freshTimes.length, p50Ms: f50, p99Ms: f99 });
    const p50 = pct(times, 50)!;
    const p99 = pct(times, 99)!;
    emit({ ...base, case: 'checkout (shell wiring)', n: times.length, p50Ms: p50, p99Ms: p99, ratioP50ToFresh: Number((p50 / f50).toFixed(2)), ratioP99ToFresh: Number((p99 / f99).toFixed(2)), ...(writes.length > 0 ? heavyWrites(writes, times) : {}) });
    if (before) {
      const b50 = pct(beforeTimes, 50)!;
      const b99 = pct(beforeTimes, 99)!;
      emit({ ...base, case: 'checkout (shell wiring), no checkpoint thread: the writer checkpoints in its commits (before)', n: beforeTimes.length, p50Ms: b50, p99Ms: b99, ratioP50ToFresh: Number((b50 / f50).toFixed(2)), ratioP99ToFresh: Number((b99 / f99).toFixed(2)), ...(beforeWrites.length > 0 ? heavyWrites(beforeWrites, beforeTimes) : {}) });
      await before.close();
    }
    const status: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      backend.status();
      status.push(performance.now() - t0);
    }
    emit({ ...base, case: 'status snapshot', p50Ms: pct(status, 50), p99Ms: pct(status, 99) });
    for (const [label, input] of [
      ['line search by order number', { search: '000123', limit: 100 }],
      ['line: waiting, first page', { state: 'waiting', limit: 100 }],
      ['line: one member', { memberId: 'M00042', limit: 100 }],
    ] as const) {
      const t0 = performance.now();
      const r = await w.call('queue.list', input);
      emit({ ...base, case: label, ms: ms(t0), found: (r.entries as unknown[]).length });
    }
    await w.call('manager.unlock', { pin: MANAGER_PIN });
    for (const d of [7, 30, 90]) {
      const t0 = performance.now();
      await w.call('manager.dashboard', { managerPin: MANAGER_PIN, days: d });
      const took = ms(t0);
      emit({ ...base, case: `dashboard ${d} days`, ms: took, target1s: took <= 1000 });
    }
    if (!heavy) {
      await w.stop();
      backend.close();
      return;
    }
    // Each heavy job in its worker thread, with the counter's checkout latencies meanwhile (target: p99 ≤ 50 ms).
    const during = (counter: number[]) => {
      const p99 = pct(counter, 99);
      return { counterN: counter.length, counterP50Ms: pct(counter, 50), counterP99Ms: p99, counterMaxMs: pct(counter, 100), counterP99Target50Ms: p99 !== null && p99 <= 50 };
    };
    const check = new BackgroundCheck(backend, file);
    const c = await whileRunning(w.call, clock, check.check());
    emit({ ...base, case: 'full check (worker thread)', ms: c.totalMs, checkMs: c.value.ms, ...during(c.counter) });
    const backupDir = join(dir, 'backups');
    const b = await whileRunning(w.call, clock, check.backup(backupDir));
    emit({ ...base, case: 'full check + verified backup (worker thread)', ms: b.totalMs, checkMs: b.value.ms, ...during(b.counter) });
    // The ledger of the last year at most (the whole register below a year), as the reports screen exports it.
    const dateOf = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    const exportFrom = dateOf(Math.max(meta.end - 364 * 86_400_000, START));
    const exportTo = dateOf(meta.end);
    await w.call('manager.unlock', { pin: MANAGER_PIN });
    const x = await whileRunning(w.call, clock, w.call('manager.reports.export', { managerPin: MANAGER_PIN, report: 'ledger', from: exportFrom, to: exportTo }));
    emit({ ...base, case: `ledger CSV export ${exportFrom}…${exportTo} (worker thread)`, ms: x.totalMs, rows: x.value.rows, csvMiB: Number(((x.value.csv as string).length / 2 ** 20).toFixed(1)), ...during(x.counter) });
    const queue = backend.store.loadQueue(backend.queueId)!;
    for (const [orders, windowDays] of [
      [10_000, 25],
      [100_000, 250],
    ] as const) {
      if (windowDays > days || (orders === 100_000 && !whatIf100k)) continue;
      await w.call('manager.unlock', { pin: MANAGER_PIN });
      const run = { file, queueId: backend.queueId, timezone: backend.timezone, now: clock.now, days: windowDays, current: queue.layers, edited: { base: queue.layers.base, cashier: { ...queue.layers.cashier, extractionBp: 1500 } } };
      const r = await whileRunning(w.call, clock, runHeavy('whatIf', run).promise);
      emit({ ...base, case: `what-if ${orders} orders (worker thread)`, ms: r.totalMs, orders: r.value.orders, events: r.value.events, ...during(r.counter) });
    }
    await w.stop();
    backend.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const built = await buildRegisters(sizes, (l) => process.stderr.write(`years-of-use: ${l}\n`));
  emit({ case: 'registers', built: built.map((b) => ({ days: b.days, orders: b.orders, buildS: Math.round(b.buildMs / 1000) })), readyMs: ms(t0) });
  const fresh = await openFresh();
  try {
    const freshTimes = await checkouts(fresh.call, fresh.clock, 300);
    emit({ size: 'fresh', case: 'checkout (shell wiring)', n: freshTimes.length, p50Ms: pct(freshTimes, 50), p99Ms: pct(freshTimes, 99) });
    for (const days of sizes) await measureSize(days, fresh);
  } finally {
    await fresh.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
