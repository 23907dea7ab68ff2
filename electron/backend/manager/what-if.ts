/**
 * What-if: the last N days of this register's real orders replayed through
 * the engine twice — under the settings in force now and under an edited
 * copy — each in memory (shared/manager/what-if-replay.ts, issue 15 §3; the
 * replay on temporary SQLite files stays as the reference it is checked
 * against). The register's database is opened a second time READ-ONLY to
 * build the scenario and is never written.
 *
 * The scenario (scenario-format.md) holds, in time order: every checkout paid
 * in the window (member, amount due, deductions; the random-return outcome it
 * had), manual completions, refunds, lottery draws with their recorded
 * outcome, exchanges (points / vouchers), and a final tick at the end of the
 * window. Both runs start from an empty line at the window's start and use
 * one fixed settings copy throughout (settings changes inside the window are
 * not replayed): the comparison is "same customers, other rules".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedCommandInput } from '../../../shared/contract';
import type { WhatIfResult, WhatIfView } from '../../../shared/contract-manager';
import { lotteryAllows, TIME } from '../../../shared/engine/index';
import { parseScenario, SCENARIO_QUEUE_ID, type Scenario } from '../../../shared/scenario';
import { replayInMemory, whatIfResult } from '../../../shared/manager/what-if-replay';
import { msg } from '../../../shared/messages/catalogue';
import { resolveSettings, type LotteryConfig, type SettingsLayers } from '../../../shared/settings';
import { simulateOnDatabase } from '../cli/simulate';
import { openDatabase } from '../store/database';
import { SqliteQueueStore } from '../store/queue-store';
import type { ManagerConsole } from './console';
import { tailView } from './liability';
import { runHeavy, type HeavyJob } from '../heavy/run';

interface OrderRow {
  id: string;
  member_id: string | null;
  amount_due_fen: number;
  deduction_fen: number;
  paid_at: number;
  completed_at: number | null;
  auto_complete_at: number | null;
  refunded_at: number | null;
  e_state: string | null;
  e_ratio: number | null;
  e_drawn: number | null;
  e_finished: number | null;
}

export interface RecordedHistory {
  orders: OrderRow[];
  members: { id: string; level: string }[];
  exchanges: Map<string, 'points' | 'vouchers'>;
}

/** Reads the window's orders from a read-only connection to the register's database. */
export function readHistory(file: string, queueId: string, from: number, to: number): RecordedHistory {
  const db = openDatabase(file, { readonly: true });
  try {
    const orders = db
      .prepare(
        `SELECT o.id, o.member_id, o.amount_due_fen, o.deduction_fen, o.paid_at, o.completed_at, o.auto_complete_at, o.refunded_at,
                e.state AS e_state, e.ratio_bp AS e_ratio, e.drawn_at AS e_drawn, e.finished_at AS e_finished
         FROM orders o INDEXED BY orders_by_paid_at LEFT JOIN entries e ON e.queue_id = o.queue_id AND e.order_id = o.id
         WHERE o.queue_id = ? AND o.paid_at >= ? AND o.paid_at <= ? ORDER BY o.paid_at, o.rowid`,
      )
      .all(queueId, from, to) as OrderRow[];
    const memberIds = [...new Set(orders.map((o) => o.member_id).filter((m): m is string => m !== null))];
    const level = db.prepare('SELECT level FROM members WHERE id = ?');
    const members = memberIds.map((id) => ({ id, level: (level.get(id) as { level: string } | undefined)?.level ?? 'normal' }));
    const kind = db.prepare("SELECT kind FROM ledger WHERE queue_id = ? AND entry_order_id = ? AND kind IN ('exchange_points', 'exchange_vouchers') LIMIT 1");
    const exchanges = new Map<string, 'points' | 'vouchers'>();
    for (const o of orders) {
      if (o.e_state !== 'exchanged') continue;
      const row = kind.get(queueId, o.id) as { kind: string } | undefined;
      if (row) exchanges.set(o.id, row.kind === 'exchange_points' ? 'points' : 'vouchers');
    }
    return { orders, members, exchanges };
  } finally {
    db.close();
  }
}

function effectiveLottery(layers: SettingsLayers): LotteryConfig | null {
  return (layers.cashier.lottery ?? layers.base.lottery ?? null) as LotteryConfig | null;
}

/**
 * The scenario document for one settings copy. Members get stable pseudonyms
 * (m1, m2 … in order of first appearance) so an exported file carries no
 * member ids. A recorded draw keeps its outcome when this copy's lottery
 * allows it, else draws from the scenario's seeded generator. Random-return
 * outcomes are pinned as they happened when this copy's random-return setting
 * is the one in force now (otherwise this copy's own setting decides).
 */
export function buildScenario(history: RecordedHistory, layers: SettingsLayers, options: { timezone: string; to: number; pinRandomReturn: boolean }): Record<string, unknown> {
  const alias = new Map(history.members.map((m, i) => [m.id, `m${i + 1}`]));
  const lottery = effectiveLottery(layers);
  type Ev = { at: number; rank: number; n: number; event: Record<string, unknown> };
  const events: Ev[] = [];
  const iso = (at: number) => new Date(at).toISOString();
  history.orders.forEach((o, n) => {
    const member = o.member_id === null ? null : alias.get(o.member_id)!;
    const checkout: Record<string, unknown> = { type: 'checkout', at: iso(o.paid_at), id: o.id, member, amountFen: o.amount_due_fen, deductionFen: o.deduction_fen };
    if (options.pinRandomReturn && o.e_state !== null) checkout.randomReturn = o.e_state === 'points' ? 'points' : 'cash';
    events.push({ at: o.paid_at, rank: 0, n, event: checkout });
    if (o.completed_at !== null && o.completed_at !== o.auto_complete_at) {
      events.push({ at: o.completed_at, rank: 1, n, event: { type: 'complete', at: iso(o.completed_at), order: o.id } });
    }
    if (o.e_drawn !== null) {
      const draw: Record<string, unknown> = { type: 'draw', at: iso(o.e_drawn), order: o.id };
      if (lottery && o.e_ratio !== null && lotteryAllows(lottery, o.e_ratio)) draw.ratioBp = o.e_ratio;
      events.push({ at: o.e_drawn, rank: 2, n, event: draw });
    }
    const to = history.exchanges.get(o.id);
    if (to && o.e_finished !== null) events.push({ at: o.e_finished, rank: 3, n, event: { type: 'exchange', at: iso(o.e_finished), order: o.id, to } });
    if (o.refunded_at !== null) events.push({ at: o.refunded_at, rank: 4, n, event: { type: 'refund', at: iso(o.refunded_at), order: o.id } });
  });
  events.sort((a, b) => a.at - b.at || a.rank - b.rank || a.n - b.n);
  const lastAt = events.length > 0 ? events[events.length - 1]!.at : options.to;
  return {
    timezone: options.timezone,
    seed: 1,
    base: layers.base,
    cashier: layers.cashier,
    members: history.members.map((m) => ({ id: alias.get(m.id)!, level: m.level })),
    events: [...events.map((e) => e.event), { type: 'tick', at: iso(Math.max(lastAt, options.to)) }],
  };
}

/**
 * Replays one scenario on a temporary SQLite database (simulateOnDatabase,
 * fast) and reads the results from it: the what-if's way before issue 15 §3,
 * kept as the reference the in-memory replay is checked against (tests, bench).
 */
export function replayOnSqlite(scenario: Scenario, file: string, timezone: string, to: number, onProgress?: (done: number, total: number) => void): WhatIfResult {
  const report = simulateOnDatabase(scenario, file, { fast: true, ...(onProgress ? { onProgress } : {}) });
  const db = openDatabase(file);
  try {
    const queue = new SqliteQueueStore(db).loadQueue(SCENARIO_QUEUE_ID)!;
    const tail = tailView(db, SCENARIO_QUEUE_ID, queue.layers, queue.poolFen, to, timezone);
    return whatIfResult(report, tail?.projections ?? []);
  } finally {
    db.close();
  }
}

export interface WhatIfRun {
  file: string;
  queueId: string;
  timezone: string;
  now: number;
  days: number;
  current: SettingsLayers;
  edited: SettingsLayers;
  /** Where the replays run: in memory (the default, issue 15 §3) or on temporary SQLite files (the reference, for tests and the bench). */
  replay?: 'memory' | 'sqlite';
}

/** One side of a what-if (the settings in force now, or the edited copy), as one worker thread runs it. */
export interface WhatIfSide {
  result: WhatIfResult;
  /** The scenario file (scenario-format.md) this side replayed. */
  scenario: string;
  orders: number;
  events: number;
  from: number;
  sameRandomReturn: boolean;
}

/**
 * Reads the window's history and replays it under one side's settings. Each
 * side reads the history itself, so the two sides can run in two threads at
 * once (the machine has two cores; the read is a fraction of the replay).
 */
export function runWhatIfSide(run: WhatIfRun, side: 'current' | 'edited', onProgress?: (done: number, total: number) => void): WhatIfSide {
  const from = run.now - run.days * TIME.DAY;
  const history = readHistory(run.file, run.queueId, from, run.now);
  const sameRandomReturn = JSON.stringify(resolveSettings(run.current).randomReturn ?? null) === JSON.stringify(resolveSettings(run.edited).randomReturn ?? null);
  const doc = buildScenario(history, side === 'current' ? run.current : run.edited, { timezone: run.timezone, to: run.now, pinRandomReturn: side === 'current' || sameRandomReturn });
  const events = (doc.events as unknown[]).length;
  onProgress?.(0, events);
  const replays = run.replay === 'sqlite' ? sqliteReplays() : null;
  try {
    const scenario = parseScenario(doc);
    const result = replays ? replayOnSqlite(scenario, join(replays.dir, `${side}.db`), run.timezone, run.now, onProgress) : replayInMemory(scenario, run.now, onProgress);
    onProgress?.(events, events);
    return { result, scenario: JSON.stringify(doc, null, 1), orders: history.orders.length, events, from, sameRandomReturn };
  } finally {
    replays?.remove();
  }
}

/** The view of both sides. */
export function whatIfView(run: WhatIfRun, current: WhatIfSide, edited: WhatIfSide): WhatIfView {
  return {
    from: current.from,
    to: run.now,
    days: run.days,
    orders: current.orders,
    events: current.events,
    current: current.result,
    edited: edited.result,
    scenario: { current: current.scenario, edited: edited.scenario },
    notes: [
      msg('whatIf.emptyStart'),
      msg('whatIf.levelsNow'),
      current.sameRandomReturn ? msg('whatIf.randomReturnPinned') : msg('whatIf.randomReturnSeeded'),
      msg('whatIf.drawsKept'),
    ],
  };
}

/** Replays both copies one after the other in this thread; `onProgress` counts the events of both runs (done of total). */
export function runWhatIf(run: WhatIfRun, onProgress?: (done: number, total: number) => void): WhatIfView {
  let firstTotal = 0;
  const current = runWhatIfSide(run, 'current', onProgress && ((done, total) => onProgress(done, (firstTotal = total) * 2)));
  const edited = runWhatIfSide(run, 'edited', onProgress && ((done, total) => onProgress(firstTotal + done, firstTotal + total)));
  return whatIfView(run, current, edited);
}

/** A replay allocates many short-lived rows: a 64 MB young generation (V8's default is a few MB) cuts its scavenges (≈ 10 % CPU measured). */
const REPLAY_THREAD_LIMITS = { maxYoungGenerationSizeMb: 64 };

/**
 * Both sides at once, each in its own heavy worker thread (issue 15 §2/§3):
 * the progress is the sum of both (total 0 until both know theirs); cancel
 * stops both threads; a failure of one stops the other.
 */
export function startWhatIf(run: WhatIfRun, options: { onProgress?: (done: number, total: number) => void } = {}): HeavyJob<WhatIfView> {
  const progress = { current: { done: 0, total: 0 }, edited: { done: 0, total: 0 } };
  const report = () => {
    const known = progress.current.total > 0 && progress.edited.total > 0;
    options.onProgress?.(known ? progress.current.done + progress.edited.done : 0, known ? progress.current.total + progress.edited.total : 0);
  };
  const start = (side: 'current' | 'edited') =>
    runHeavy('whatIfSide', { run, side }, { onProgress: (done, total) => ((progress[side] = { done, total }), report()), resourceLimits: REPLAY_THREAD_LIMITS });
  const jobs = [start('current'), start('edited')] as const;
  const cancel = () => jobs.forEach((j) => j.cancel());
  const promise = Promise.all(jobs.map((j) => j.promise)).then(
    ([current, edited]) => whatIfView(run, current!, edited!),
    (error: unknown) => {
      cancel();
      throw error;
    },
  );
  return { promise, cancel, exited: Promise.all(jobs.map((j) => j.exited)).then((codes) => codes[0]!) };
}

function sqliteReplays(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'qrc-whatif-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function whatIf(c: ManagerConsole, input: ParsedCommandInput<'manager.whatIf'>): Promise<WhatIfView> {
  await c.authorize(input.managerPin, 'whatIf');
  const current = c.backend.store.loadQueue(c.backend.queueId)!.layers;
  const edited: SettingsLayers = { base: input.base ?? current.base, cashier: input.cashier };
  // In worker threads with their own read-only connections: the counter answers while they replay (issue 15 §2).
  return startWhatIf({ file: c.db.name, queueId: c.backend.queueId, timezone: c.backend.timezone, now: c.now(), days: input.days, current, edited }).promise;
}
