/**
 * `npx tsx scripts/bench/what-if.ts` (also run by `npm run bench`): the
 * manager's what-if over 10 000 and 100 000 orders (issue 15 §3: ≤ 5 s for
 * 100 000), replayed in memory (the app's way) and through SQLite (the
 * reference it replaced), with the ratios side by side and the 1-minute load
 * average on every line.
 *
 * The history is a busy store's (≈ 400 orders a day from 10:00, one every
 * 90 s, 60 % by one of 4 000 members — 10 % silver, 5 % gold —, extraction
 * 10 %, ratio 100 % / 110 % / 120 %, orders complete by themselves after 30
 * minutes, a refund and an exchange to points and one to vouchers a day),
 * written once by the engine on the SQLite store (ledger included) into
 * os.tmpdir()/qrc-bench-whatif/ and reused by later runs. It is not built
 * through the command handler (years-of-use.ts does that, for days): the
 * what-if reads only the orders, their entries, members and exchange rows.
 *
 * BENCH_WHATIF_SIZES=10000 (default 10000,100000); BENCH_WHATIF_SQLITE=0 skips
 * the SQLite reference; BENCH_WHATIF_SQLITE_MAX (default 10000) is the largest
 * size replayed through SQLite (100 000 takes minutes on a loaded machine).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayScenario, parseScenario } from '../../shared/scenario';
import type { SettingsLayers } from '../../shared/settings';
import { runHeavy } from '../../electron/backend/heavy/run';
import { runWhatIf, startWhatIf, type WhatIfRun } from '../../electron/backend/manager/what-if';
import { openDatabase } from '../../electron/backend/store/database';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';

const DAY = 86_400_000;
const PER_DAY = 400;
const MEMBERS = 4000;
const TARGET_MS = 5000;
const sizes = (process.env.BENCH_WHATIF_SIZES ?? '10000,100000').split(',').map(Number);
const sqlite = process.env.BENCH_WHATIF_SQLITE !== '0';
const sqliteMax = Number(process.env.BENCH_WHATIF_SQLITE_MAX ?? 10_000);
/** Bump when the generated history changes, so a cached file is rebuilt. */
const VERSION = 1;
const START = Date.parse('2025-01-01T00:00:00+08:00');
const LAYERS: SettingsLayers = {
  base: { extractionBp: 1000, defaultRatioBp: 10_000, levelRatiosBp: { silver: 11_000, gold: 12_000 }, autoCompleteMinutes: 30, exchange: { pointsBp: 10_000, vouchersBp: 10_000 } },
  cashier: {},
};

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'what-if', ...line, load1: Number(loadavg()[0]!.toFixed(2)), cpus: cpus().length })}\n`);
}
const since = (t0: number) => Math.round(performance.now() - t0);

/** The generated history as a scenario document: `orders` orders over orders / 400 days, ending at `end`. */
function history(orders: number): { doc: Record<string, unknown>; end: number } {
  const days = Math.ceil(orders / PER_DAY);
  const iso = (at: number) => new Date(at).toISOString();
  const events: Record<string, unknown>[] = [];
  let n = 0;
  for (let d = 0; d < days && n < orders; d++) {
    const open = START + d * DAY + 2 * 3_600_000; // 10:00 in Shanghai
    const today: string[] = [];
    for (let i = 0; i < PER_DAY && n < orders; i++, n++) {
      const at = open + i * 90_000;
      const id = `B${String(n + 1).padStart(7, '0')}`;
      const member = n % 5 < 3 ? `M${1 + ((n * 7919) % MEMBERS)}` : null;
      events.push({ type: 'checkout', at: iso(at), id, member, amountFen: 1000 + ((n * 104_729) % 30_000), deductionFen: 0 });
      if (member) today.push(id);
      // After the day's 200th order: exchange the first two member orders of the day if still waiting, refund the third.
      if (i === 200 && today.length > 3) {
        events.push({ type: 'exchange', at: iso(at + 1000), order: today[0], to: 'points' });
        events.push({ type: 'exchange', at: iso(at + 2000), order: today[1], to: 'vouchers' });
        events.push({ type: 'refund', at: iso(at + 3000), order: today[2] });
      }
    }
  }
  const end = START + days * DAY;
  events.push({ type: 'tick', at: iso(end) });
  const members = Array.from({ length: MEMBERS }, (_, i) => ({ id: `M${i + 1}`, level: i % 20 === 0 ? 'gold' : i % 10 === 0 ? 'silver' : 'normal' }));
  return { doc: { timezone: 'Asia/Shanghai', seed: 3, base: LAYERS.base, cashier: LAYERS.cashier, members, events }, end };
}

/** The register file holding the largest size's history (queue "scenario"), built once and cached. */
function registerFile(orders: number): { file: string; end: number } {
  const dir = join(tmpdir(), 'qrc-bench-whatif');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `history-v${VERSION}-${orders}.db`);
  const { doc, end } = history(orders);
  if (existsSync(file)) {
    // A newer schema migrates the cached file, as the app would when it opens an older register.
    openDatabase(file).close();
    return { file, end };
  }
  const t0 = performance.now();
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const db = openDatabase(building);
  db.pragma('synchronous = OFF');
  const store = new SqliteQueueStore(db);
  const report = db.transaction(() => replayScenario(parseScenario(doc), store))();
  db.close();
  renameSync(building, file);
  emit({ case: 'history built', orders, ms: since(t0), refused: report.errors.length });
  return { file, end };
}

async function main(): Promise<void> {
  const largest = Math.max(...sizes);
  const { file, end } = registerFile(largest);
  const edited: SettingsLayers = { base: LAYERS.base, cashier: { extractionBp: 1500 } };
  const memoryMs = new Map<number, number>();
  for (const orders of sizes) {
    const days = Math.ceil(orders / PER_DAY);
    const run: WhatIfRun = { file, queueId: 'scenario', timezone: 'Asia/Shanghai', now: end, days, current: LAYERS, edited };
    // In this thread (the replay's own cost; process CPU = this thread), in one worker thread, then as the app runs it: two threads, one per side.
    const timed = async <T>(body: () => T | Promise<T>) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const value = await body();
      const cpu = process.cpuUsage(c0);
      return { value, ms: since(t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
    };
    const inline = await timed(() => runWhatIf(run));
    const oneThread = await timed(() => runHeavy('whatIf', run).promise);
    const twoThreads = await timed(() => startWhatIf(run).promise);
    memoryMs.set(orders, twoThreads.ms);
    const view = inline.value;
    emit({
      case: `what-if ${orders} orders, in memory`,
      orders: view.orders,
      events: view.events,
      inlineMs: inline.ms,
      inlineCpuMs: inline.cpuMs,
      oneWorkerMs: oneThread.ms,
      twoWorkersMs: twoThreads.ms,
      twoWorkersCpuMs: twoThreads.cpuMs,
      targetMs: TARGET_MS,
      ratioToTarget: Number((twoThreads.ms / TARGET_MS).toFixed(2)),
      met: twoThreads.ms <= TARGET_MS,
      sameFigures: JSON.stringify([oneThread.value.current, oneThread.value.edited, twoThreads.value.current, twoThreads.value.edited]) === JSON.stringify([view.current, view.edited, view.current, view.edited]),
    });
    if (sqlite && orders <= sqliteMax) {
      const reference = await timed(() => runWhatIf({ ...run, replay: 'sqlite' }));
      const same = JSON.stringify(reference.value.current) === JSON.stringify(view.current) && JSON.stringify(reference.value.edited) === JSON.stringify(view.edited);
      emit({ case: `what-if ${orders} orders, through SQLite (reference, this thread)`, orders: reference.value.orders, inlineMs: reference.ms, inlineCpuMs: reference.cpuMs, ratioSqliteToMemory: Number((reference.ms / inline.ms).toFixed(1)), cpuRatioSqliteToMemory: Number((reference.cpuMs / inline.cpuMs).toFixed(1)), sameFigures: same });
    }
  }
  if (memoryMs.has(10_000) && memoryMs.has(100_000)) {
    emit({ case: 'what-if scaling, in memory (two workers)', ratio100kTo10k: Number((memoryMs.get(100_000)! / memoryMs.get(10_000)!).toFixed(2)) });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
