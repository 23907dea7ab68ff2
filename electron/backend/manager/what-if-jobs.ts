/**
 * The what-if as a job (issue 15 §2): `manager.whatIf.start` starts the
 * replay in heavy worker threads (one per side) and answers at once with a job id;
 * `status` reports its progress (events replayed of the total) and, once
 * done, the figures; `cancel` terminates the thread; `scenario` hands out
 * one scenario file of a finished job. The job lives in the main process,
 * not in the screen, so the manager can leave the what-if screen — or the
 * console — and come back to the running job or its result.
 *
 * One job per register at a time: starting another cancels the running one
 * (the manager changed the copy and asked again). The last job is kept, with
 * its scenario files, until the next starts or the register closes.
 */
import { randomUUID } from 'node:crypto';
import type { ParsedCommandInput } from '../../../shared/contract';
import type { WhatIfJobView, WhatIfView } from '../../../shared/contract-manager';
import { msg } from '../../../shared/messages/catalogue';
import type { SettingsLayers } from '../../../shared/settings';
import { HeavyTaskCancelled, type HeavyJob } from '../heavy/run';
import type { RegisterBackend } from '../app/register';
import { ManagerInputError, type ManagerConsole } from './console';
import { startWhatIf as startWhatIfThreads } from './what-if';

interface Job {
  view: WhatIfJobView;
  scenario: WhatIfView['scenario'] | null;
  heavy: HeavyJob<WhatIfView>;
}

export class WhatIfJobs {
  private last: Job | null = null;

  constructor(private readonly console: ManagerConsole) {}

  start(input: { days: number; current: SettingsLayers; edited: SettingsLayers }): WhatIfJobView {
    this.cancelRunning();
    const c = this.console;
    const view: WhatIfJobView = { jobId: randomUUID(), state: 'running', days: input.days, startedAt: c.now(), finishedAt: null, done: 0, total: 0, result: null, error: null };
    const heavy = startWhatIfThreads(
      { file: c.db.name, queueId: c.backend.queueId, timezone: c.backend.timezone, now: c.now(), days: input.days, current: input.current, edited: input.edited },
      {
        onProgress: (done, total) => {
          if (view.state !== 'running') return;
          view.done = done;
          view.total = total;
        },
      },
    );
    const job: Job = { view, scenario: null, heavy };
    this.last = job;
    heavy.promise.then(
      ({ scenario, ...result }) => {
        if (view.state !== 'running') return; // cancelled meanwhile: its answer is dropped
        view.state = 'done';
        view.result = result;
        view.done = view.total;
        job.scenario = scenario;
        view.finishedAt = c.now();
      },
      (error: unknown) => {
        if (view.state !== 'running') return; // cancel() already said so
        view.state = error instanceof HeavyTaskCancelled ? 'cancelled' : 'failed';
        if (view.state === 'failed') view.error = msg('whatIf.failed');
        view.finishedAt = c.now();
      },
    );
    return { ...view };
  }

  /** The job with this id, or the latest without one; null when there is none. */
  status(jobId?: string): WhatIfJobView | null {
    if (!this.last || (jobId !== undefined && this.last.view.jobId !== jobId)) return null;
    return { ...this.last.view };
  }

  cancel(jobId: string): WhatIfJobView {
    const job = this.find(jobId);
    if (job.view.state === 'running') {
      // Marked at once (the thread's exit is asynchronous): a status right after the cancel says so.
      job.view.state = 'cancelled';
      job.view.finishedAt = this.console.now();
      job.heavy.cancel();
    }
    return { ...job.view };
  }

  scenario(jobId: string, side: 'current' | 'edited'): string {
    const job = this.find(jobId);
    if (!job.scenario) throw unknownJob();
    return job.scenario[side];
  }

  /** The running job's thread, for tests and shutdown. */
  running(): HeavyJob<WhatIfView> | null {
    return this.last?.view.state === 'running' ? this.last.heavy : null;
  }

  cancelRunning(): void {
    if (this.last?.view.state === 'running') this.cancel(this.last.view.jobId);
  }

  private find(jobId: string): Job {
    if (!this.last || this.last.view.jobId !== jobId) throw unknownJob();
    return this.last;
  }
}

function unknownJob(): ManagerInputError {
  return new ManagerInputError(msg('whatIf.unknownJob'), [{ path: 'jobId', message: 'no such what-if job', reason: msg('whatIf.unknownJob') }], 'what-if-unknown-job');
}

const jobs = new WeakMap<RegisterBackend, WhatIfJobs>();

export function whatIfJobs(c: ManagerConsole): WhatIfJobs {
  let j = jobs.get(c.backend);
  if (!j) {
    j = new WhatIfJobs(c);
    jobs.set(c.backend, j);
  }
  return j;
}

function layersFor(c: ManagerConsole, input: { cashier: SettingsLayers['cashier']; base?: SettingsLayers['base'] | undefined }): { current: SettingsLayers; edited: SettingsLayers } {
  const current = c.backend.store.loadQueue(c.backend.queueId)!.layers;
  return { current, edited: { base: input.base ?? current.base, cashier: input.cashier } };
}

export async function startWhatIf(c: ManagerConsole, input: ParsedCommandInput<'manager.whatIf.start'>): Promise<WhatIfJobView> {
  await c.authorize(input.managerPin, 'whatIf');
  return whatIfJobs(c).start({ days: input.days, ...layersFor(c, input) });
}

export async function whatIfStatus(c: ManagerConsole, input: ParsedCommandInput<'manager.whatIf.status'>): Promise<{ job: WhatIfJobView | null }> {
  await c.authorize(input.managerPin, 'whatIf');
  return { job: whatIfJobs(c).status(input.jobId) };
}

export async function cancelWhatIf(c: ManagerConsole, input: ParsedCommandInput<'manager.whatIf.cancel'>): Promise<WhatIfJobView> {
  await c.authorize(input.managerPin, 'whatIf');
  return whatIfJobs(c).cancel(input.jobId);
}

export async function whatIfScenario(c: ManagerConsole, input: ParsedCommandInput<'manager.whatIf.scenario'>): Promise<{ filename: string; text: string }> {
  await c.authorize(input.managerPin, 'whatIf');
  const text = whatIfJobs(c).scenario(input.jobId, input.side);
  return { filename: `what-if-${input.side}.json`, text };
}
