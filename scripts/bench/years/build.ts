/**
 * Builds "years of use" registers for the bench (issue 15 §4): one register
 * driven day by day through the real command handler at a busy store's pace
 * (≈ 400 checkouts a day, 60 % members, a refund and two exchanges a day,
 * one shift a day), copied aside when it reaches each requested age (30
 * days, 1 year, 3 years). The copies are cached in os.tmpdir() between runs,
 * keyed by the schema version: a later run resumes from the largest copy.
 *
 * Only the builder's own connection runs with synchronous=OFF (a build is not
 * a sale: the content is the same, the fsyncs are not). Settings are set once
 * through the engine, as the tests do.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandInput, CommandName, CommandOutput } from '../../../shared/contract';
import { changeSettings, seededRandom } from '../../../shared/engine/index';
import { createCommandHandler } from '../../../electron/backend/app/handlers';
import { RegisterBackend, type Logger } from '../../../electron/backend/app/register';

const DAY = 86_400_000;
/** The day every built register's history ends (local midnight in Shanghai), so sizes compare. */
export const START = Date.parse('2023-12-01T00:00:00+08:00');
export const CHECKOUTS_PER_DAY = 400;
export const MANAGER_PIN = '2468';
export const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };
export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Not keyed by schema version: a newer build migrates a copy when it opens it, as the app would. */
export const cacheDir = (): string => join(tmpdir(), "qrc-bench-years");
export const builtFile = (days: number): string => join(cacheDir(), `register-${days}d.db`);

export interface BuiltMeta {
  days: number;
  /** The register's clock at the end of its history (the bench runs "now" there). */
  end: number;
  orders: number;
  buildMs: number;
}

export function readMeta(days: number): BuiltMeta | null {
  const f = `${builtFile(days)}.json`;
  return existsSync(f) && existsSync(builtFile(days)) ? (JSON.parse(readFileSync(f, 'utf8')) as BuiltMeta) : null;
}

type Call = <N extends CommandName>(name: N, input: CommandInput<N>) => Promise<CommandOutput<N>>;

export function openBuilt(file: string, clock: { now: number }): { backend: RegisterBackend; call: Call } {
  const backend = RegisterBackend.open(file, { now: () => clock.now, random: seededRandom(7), logger: quietLogger, scryptCost: CHEAP_SCRYPT });
  const handle = createCommandHandler(backend, quietLogger);
  const call: Call = async (name, input) => {
    const r = await handle(name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
    return r.value as never;
  };
  return { backend, call };
}

const MEMBERS = 4000;

/** A small seeded [0, 1) generator for the build's choices (mulberry32). */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const LEVELS = ['normal', 'normal', 'normal', 'silver', 'gold'];

/**
 * The built registers' members (4 000, a fifth gold, a fifth silver) and the
 * queue's settings (extraction 10 %, ratio 100 / 110 / 120 %); the bench's
 * fresh register gets the same, so that it does the same work per checkout
 * (pays the head of the line, writes the same ledger rows).
 */
export function seedRegister(backend: RegisterBackend, newEventId: () => string): void {
  const insert = backend.db.prepare(`INSERT INTO members (id, level, display_name, masked_phone, source, updated_at) VALUES (?, ?, NULL, NULL, 'local', 0)`);
  backend.db.transaction(() => {
    for (let i = 1; i <= MEMBERS; i++) insert.run(`M${String(i).padStart(5, '0')}`, LEVELS[i % LEVELS.length]!);
  })();
  backend.store.transaction(() =>
    changeSettings(
      { store: backend.store, queueId: backend.queueId, timezone: backend.timezone, random: seededRandom(1), newEventId },
      {
        at: backend.now(),
        cashier: { extractionBp: 1000, defaultRatioBp: 10_000, levelRatiosBp: { silver: 11_000, gold: 12_000 }, exchange: { pointsBp: 5000, vouchersBp: 6000 } },
        actor: 'bench',
        source: 'manager',
      },
    ),
  );
}

/** Builds (or resumes) up to the largest of `sizes` days; returns the built sizes' metadata. */
export async function buildRegisters(sizes: number[], log: (line: string) => void = () => {}): Promise<BuiltMeta[]> {
  mkdirSync(cacheDir(), { recursive: true });
  const wanted = [...new Set(sizes)].sort((a, b) => a - b);
  const missing = wanted.filter((d) => !readMeta(d));
  if (missing.length === 0) return wanted.map((d) => readMeta(d)!);
  const target = missing[missing.length - 1]!;
  const growing = join(cacheDir(), 'growing.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(growing + suffix, { force: true });
  // Resume from the largest copy below the target.
  const done = [30, 365, 1095, ...wanted].filter((d) => d < target && readMeta(d)).sort((a, b) => b - a)[0];
  let day = 0;
  let buildMs = 0;
  if (done) {
    copyFileSync(builtFile(done), growing);
    day = done;
    buildMs = readMeta(done)!.buildMs;
  }
  const clock = { now: START + day * DAY + 9 * 3_600_000 };
  const { backend, call } = openBuilt(growing, clock);
  backend.db.pragma('synchronous = OFF');
  const rnd = mulberry(1000 + day);
  if (day === 0) {
    await call('setup.createManager', { name: '店长', pin: MANAGER_PIN });
    seedRegister(backend, () => `set-${rnd()}`);
  }
  const started = Date.now();
  const built: BuiltMeta[] = [];
  let orders = (backend.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
  const recent: string[] = [];
  for (; day < target; ) {
    const dayStart = START + day * DAY;
    clock.now = dayStart + 9 * 3_600_000;
    await call('shift.open', { openingFloatFen: 50_000 });
    for (let i = 0; i < CHECKOUTS_PER_DAY; i++) {
      clock.now = dayStart + 10 * 3_600_000 + i * 90_000;
      const amountDueFen = 2_000 + Math.floor(rnd() * 28_000);
      const member = rnd() < 0.6 ? `M${String(1 + Math.floor(rnd() * MEMBERS)).padStart(5, '0')}` : null;
      const kind = (['cash', 'wechat', 'alipay'] as const)[Math.floor(rnd() * 3)]!;
      const out = await call('checkout.submit', { amountDueFen, memberId: member, tenders: [{ kind, amountFen: amountDueFen }] });
      orders += 1;
      recent.push(out.orderId);
      if (recent.length > 2000) recent.shift();
      if (i === 150 || i === 300) {
        // An exchange of an older waiting entry (ignored when that entry has finished).
        const pick = recent[Math.max(0, recent.length - 2 - Math.floor(rnd() * 300))]!;
        await call('queue.exchange', { orderId: pick, to: i === 150 ? 'points' : 'vouchers' }).catch((e: unknown) => process.env.BENCH_DEBUG && process.stderr.write(`${String(e)}\n`));
      }
      if (i === 200) await call('queue.refund', { orderId: recent[recent.length - 3]!, managerPin: MANAGER_PIN }).catch(() => undefined);
    }
    clock.now = dayStart + 22 * 3_600_000;
    await call('shift.close', { countedCashFen: 0 });
    day += 1;
    if (wanted.includes(day)) {
      const meta: BuiltMeta = { days: day, end: clock.now, orders, buildMs: buildMs + (Date.now() - started) };
      backend.db.pragma('wal_checkpoint(TRUNCATE)');
      copyFileSync(growing, `${builtFile(day)}.tmp`);
      renameSync(`${builtFile(day)}.tmp`, builtFile(day));
      writeFileSync(`${builtFile(day)}.json`, JSON.stringify(meta));
      built.push(meta);
      log(`built ${day} days: ${orders} orders in ${Math.round(meta.buildMs / 1000)} s`);
    } else if (day % 10 === 0) log(`day ${day}/${target}: ${orders} orders, ${Math.round((Date.now() - started) / 1000)} s`);
  }
  backend.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(growing + suffix, { force: true });
  return wanted.map((d) => readMeta(d)!);
}

if (process.argv[1]?.endsWith('build.ts')) {
  const sizes = (process.env.BENCH_YEARS_SIZES ?? '30,365,1095').split(',').map(Number);
  buildRegisters(sizes, (l) => process.stderr.write(`${new Date().toISOString()} ${l}\n`)).then(
    (m) => process.stdout.write(`${JSON.stringify(m)}\n`),
    (e: unknown) => {
      process.stderr.write(`${String(e instanceof Error ? e.stack : e)}\n`);
      process.exitCode = 1;
    },
  );
}
