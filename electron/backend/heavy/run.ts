/**
 * Runs a heavy task (registry.ts) in its own worker thread with its own
 * SQLite connection: the what-if, long exports, backups and the full check
 * never hold the main thread, where the counter's connection — the one
 * writer — answers checkouts (issue 15 §2). In Electron the same worker runs
 * inside the main process (worker_threads work there; better-sqlite3 is
 * context-aware).
 *
 * Where the worker's code is: next to the bundle (dist-electron/heavy-worker.js,
 * a second entry of vite.config.ts) in a build; the TypeScript source run
 * through tsx when running from source (tests, the bench, `npm run pos`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { CheckpointServeInput, CheckpointThread } from '../store/wal-checkpoints';
import type { HeavyInput, HeavyOutput, HeavyTaskName } from './registry';

export class HeavyTaskCancelled extends Error {
  override name = 'HeavyTaskCancelled';
}

export interface HeavyJob<T> {
  readonly promise: Promise<T>;
  /** Stops the thread at once; the promise rejects with HeavyTaskCancelled. */
  cancel(): void;
  /** Resolves with the exit code once the thread has stopped (after an answer, a failure or a cancel). */
  readonly exited: Promise<number>;
}

function startWorker(workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const built = fileURLToPath(new URL('./heavy-worker.js', import.meta.url));
  if (existsSync(built)) return new Worker(built, { workerData, ...(resourceLimits ? { resourceLimits } : {}) });
  // From source: register tsx's loader inside the thread, then import the TypeScript entry
  // (Node 20 does not apply an --import hook to a worker's own entry file).
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./heavy-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData, ...(resourceLimits ? { resourceLimits } : {}) });
}

export function runHeavy<N extends HeavyTaskName>(
  task: N,
  input: HeavyInput<N>,
  options: {
    onProgress?: (done: number, total: number) => void;
    /** E.g. a larger young generation for a task that allocates many short-lived objects (the what-if's replay: fewer scavenges). */
    resourceLimits?: ResourceLimits;
  } = {},
): HeavyJob<HeavyOutput<N>> {
  const worker = startWorker({ task, input }, options.resourceLimits);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let settled = false;
  let cancel = (): void => {};
  const promise = new Promise<HeavyOutput<N>>((resolve, reject) => {
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    cancel = () => finish(() => reject(new HeavyTaskCancelled(`${task} cancelled`)));
    worker.on('message', (m: { type: 'progress'; done: number; total: number } | { type: 'done'; value: HeavyOutput<N> } | { type: 'failed'; message: string }) => {
      if (m.type === 'progress') options.onProgress?.(m.done, m.total);
      else if (m.type === 'done') finish(() => resolve(m.value));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the ${task} thread stopped (exit ${code}) before it answered`))));
  });
  return { promise, cancel: () => cancel(), exited };
}

/**
 * The thread of the register's background WAL checkpoints
 * (store/wal-checkpoints.ts): the heavy-work entry running its
 * `walCheckpoints` task, which answers requests until told to stop. Like
 * every heavy thread it runs at the lowest CPU priority on Linux.
 */
export function startCheckpointThread(input: CheckpointServeInput): CheckpointThread {
  return startWorker({ task: 'walCheckpoints', input }) as unknown as CheckpointThread;
}
