/**
 * The entry of a heavy-work thread (worker_threads): runs one task named in
 * workerData and posts `{ type: 'progress' }` messages, then one
 * `{ type: 'done', value }` or `{ type: 'failed', message }`. Cancelling is
 * terminating the thread (run.ts): a task holds nothing the counter needs.
 * Built as its own entry (vite.config.ts) next to main.js.
 */
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { HEAVY_TASKS, type HeavyTaskName } from './registry';

const { task, input } = workerData as { task: HeavyTaskName; input: unknown };
const port = parentPort!;

/**
 * On Linux a nice value belongs to one thread, so this lowers only this
 * worker: whenever the counter's main thread and the heavy task both want a
 * core, the counter gets it (issue 15: the counter's p99 ≤ 50 ms while heavy
 * work runs). Not elsewhere: on Windows and macOS the same call would lower
 * the whole process, the counter with it.
 */
function lowerThisThreadsPriority(platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  try {
    setPriority(constants.priority.PRIORITY_LOW);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  lowerThisThreadsPriority();
  try {
    const run = HEAVY_TASKS[task] as (input: unknown, progress: (done: number, total: number) => void) => unknown;
    const value = await run(input, (done, total) => port.postMessage({ type: 'progress', done, total }));
    port.postMessage({ type: 'done', value });
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

void main();
