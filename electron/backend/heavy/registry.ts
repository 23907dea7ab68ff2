/** The tasks a heavy-work thread can run, by name (the worker imports only this). */
import { parentPort } from 'node:worker_threads';
import type { WhatIfView } from '../../../shared/contract-manager';
import { runWhatIf, runWhatIfSide, type WhatIfRun, type WhatIfSide } from '../manager/what-if';
import { buildCsvExport, type CsvExportOutput, type CsvExportRun } from '../manager/report-csv';
import { serveCheckpoints, type CheckpointServeInput } from '../store/wal-checkpoints';
import { checkedBackup, fullCheck, type CheckedBackupInput, type CheckedBackupOutput, type FullCheckInput, type FullCheckOutput } from './tasks';

export type Progress = (done: number, total: number) => void;

export const HEAVY_TASKS = {
  whatIf: (input: WhatIfRun, progress: Progress): WhatIfView => runWhatIf(input, progress),
  /** One side of a what-if; the console runs both sides at once, one thread each (manager/what-if.ts startWhatIf). */
  whatIfSide: (input: { run: WhatIfRun; side: 'current' | 'edited' }, progress: Progress): WhatIfSide => runWhatIfSide(input.run, input.side, progress),
  fullCheck: (input: FullCheckInput): FullCheckOutput => fullCheck(input),
  checkedBackup: (input: CheckedBackupInput): Promise<CheckedBackupOutput> => checkedBackup(input),
  csvExport: (input: CsvExportRun, progress: Progress): CsvExportOutput => buildCsvExport(input, progress),
  /** Not a job: the register's WAL checkpoints, for as long as it is open (store/wal-checkpoints.ts; started by startCheckpointThread). */
  walCheckpoints: (input: CheckpointServeInput): Promise<void> => serveCheckpoints(input, parentPort!),
};

export type HeavyTaskName = keyof typeof HEAVY_TASKS;
export type HeavyInput<N extends HeavyTaskName> = Parameters<(typeof HEAVY_TASKS)[N]>[0];
export type HeavyOutput<N extends HeavyTaskName> = Awaited<ReturnType<(typeof HEAVY_TASKS)[N]>>;
