/**
 * The process the crash test kills: `node --import tsx crash-child.ts DB RUN SEED`.
 *
 * Opens the database the way the app does (openDatabase: WAL +
 * synchronous=FULL), creates the queue and members if they are missing, then
 * loops for ever taking checkouts through the engine, one transaction each
 * (members and walk-ins, mixed amounts, some deductions), and now and then
 * completes or refunds an earlier order of its own run. Each operation is
 * acknowledged on stdout only AFTER its transaction committed, one line each:
 *   checkout <orderId>
 *   complete <orderId>
 *   refund <orderId>
 * The lines are written with a synchronous write to fd 1, so a line the
 * parent has read is a commit that happened.
 *
 * With a fourth argument `thread`, it runs as the app does since issue 15:
 * its WAL checkpoints in a worker thread (this same file, started as a
 * worker: store/wal-checkpoints.ts serveCheckpoints) asked often, a turn of
 * the event loop between operations, and `checkpointed` lines for each.
 */
import { writeSync } from 'node:fs';
import { checkout, complete, createQueue, refund, RuleError, type EngineContext } from '../../shared/engine/index';
import { openDatabase } from '../../electron/backend/store/database';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { serveCheckpoints, WalCheckpointer, type CheckpointServeInput, type CheckpointThread } from '../../electron/backend/store/wal-checkpoints';

export const CRASH_QUEUE = 'crash';
export const CRASH_MEMBERS = ['c1', 'c2', 'c3', 'c4'];

if (!isMainThread) {
  // The checkpoint thread of a `thread` run.
  void serveCheckpoints(workerData as CheckpointServeInput, parentPort!);
} else {
  void counter();
}

async function counter(): Promise<void> {
  const [file, run, seedText] = process.argv.slice(2);
  if (!file || !run) {
    process.stderr.write('usage: crash-child.ts DB RUN [SEED] [thread]\n');
    process.exit(2);
  }

  let state = Number(seedText ?? 1) >>> 0;
  const random = (n: number) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % n;
  };

  const db = openDatabase(file);
  const store = new SqliteQueueStore(db);
  const T0 = Date.parse('2026-01-05T09:00:00+08:00');

  store.transaction(() => {
    for (const id of CRASH_MEMBERS) if (!store.getMember(id)) store.putMember({ id, level: id === 'c1' ? 'gold' : 'silver' }, 'local', T0);
    if (!store.loadQueue(CRASH_QUEUE)) {
      createQueue(store, CRASH_QUEUE, { base: { extractionBp: 1000, defaultRatioBp: 10_000, levelRatiosBp: { gold: 13_000 } }, cashier: { leftover: 'carry' } }, T0);
    }
  });

  // The engine's clock never goes back: continue from where the last run stopped.
  let at = Math.max(T0, store.loadQueue(CRASH_QUEUE)!.clock ?? T0) + 1000;
  let eventNumber = 0;
  const ctx: EngineContext = {
    store,
    queueId: CRASH_QUEUE,
    timezone: 'Asia/Shanghai',
    random: { int: (n) => random(n) },
    newEventId: () => `${run}-e${++eventNumber}`,
  };

  const ack = (line: string) => writeSync(1, `${line}\n`);
  const mine: string[] = [];
  const withThread = process.argv[5] === 'thread';
  if (withThread) {
    const checkpoints = new WalCheckpointer(db, file, {
      startThread: (input) => new Worker(process.argv[1]!, { workerData: input }) as unknown as CheckpointThread,
      pollMs: 5,
      rowsBeforeCheckpoint: 50,
      restartFrames: 200,
      onCheckpoint: (r) => ack(`checkpointed ${r.copiedFrames}`),
    });
    checkpoints.start();
  }

  for (let i = 1; ; i++) {
    at += 1000 + random(60_000);
    const roll = random(20);
    if (roll <= 1 && mine.length > 0) {
      // A refund or a completion of one of this run's orders (refused by the rules at times: not acknowledged).
      const orderId = mine[random(mine.length)]!;
      const [name, action] = roll === 0 ? (['refund', refund] as const) : (['complete', complete] as const);
      try {
        store.transaction(() => action(ctx, { orderId, at }));
        ack(`${name} ${orderId}`);
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
      }
      if (withThread) await new Promise((r) => setImmediate(r));
      continue;
    }
    const orderId = `${run}-${i}`;
    const memberRoll = random(5);
    const amountDueFen = [1, 99, 1000, 10_000, 16_800, 52_300, 1_000_000][random(7)]!;
    const deductionFen = random(4) === 0 ? Math.floor(amountDueFen / 3) : 0;
    store.transaction(() =>
      checkout(ctx, { orderId, at, memberId: memberRoll === 4 ? null : CRASH_MEMBERS[memberRoll]!, amountDueFen, deductionFen }),
    );
    ack(`checkout ${orderId}`);
    mine.push(orderId);
    if (withThread) await new Promise((r) => setImmediate(r));
  }
}
