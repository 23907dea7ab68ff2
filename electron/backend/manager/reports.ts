/**
 * Reports over a range of local dates (both included): the Z reports of the
 * shifts closed in it (as stored at close by the counter's
 * `computeShiftReport`), and CSV exports of them, of the queue (entries
 * joined in it), the ledger (rows written in it) and the orders (paid in
 * it). An export runs in a heavy-work thread with its own read-only
 * connection (report-csv.ts; issue 15 §2) — the counter answers checkouts
 * meanwhile — one at a time per register, with its progress readable by
 * `manager.reports.exportProgress` and a cancel. Exports are audited (who
 * took which data out, when).
 */
import type { CommandOutput, ParsedCommandInput, ShiftReport } from '../../../shared/contract';
import type { CsvExport, CsvExportProgress } from '../../../shared/contract-manager';
import { daysBetween } from '../../../shared/manager/days';
import { AppError } from '../app/errors';
import { HeavyTaskCancelled, runHeavy, type HeavyJob } from '../heavy/run';
import { ManagerInputError, type ManagerConsole } from './console';
import { shiftReportsIn, type CsvExportOutput, type CsvReport } from './report-csv';
import { msg } from '../../../shared/messages/catalogue';
import { englishText } from '../../../shared/messages/en';
import { exportFilename } from './export-filename';

function range(c: ManagerConsole, from: string, to: string): { start: number; end: number } {
  try {
    const days = daysBetween(from, to, c.backend.timezone);
    if (days.length > 3660) {
      const reason = msg('manager.rangeTooLong', { maxYears: 10 });
      throw new ManagerInputError(reason, [{ path: 'from', message: englishText(reason), reason }]);
    }
    return { start: days[0]!.start, end: days[days.length - 1]!.end };
  } catch (error) {
    if (error instanceof ManagerInputError) throw error;
    const reason = msg('manager.badDateRange');
    throw new ManagerInputError(reason, [{ path: 'from', message: (error as Error).message, reason }]);
  }
}

export function shiftReports(c: ManagerConsole, from: string, to: string): ShiftReport[] {
  const { start, end } = range(c, from, to);
  return shiftReportsIn(c.db, c.backend.registerId, start, end);
}

export async function listShiftReports(c: ManagerConsole, input: ParsedCommandInput<'manager.reports.shifts'>): Promise<CommandOutput<'manager.reports.shifts'>> {
  await c.authorize(input.managerPin, 'reports.shifts');
  return { shifts: shiftReports(c, input.from, input.to) };
}

interface RunningExport {
  report: CsvReport;
  from: string;
  to: string;
  done: number;
  total: number;
  job: HeavyJob<CsvExportOutput>;
}

/** The export running for each register's console (one at a time: each holds a read snapshot and a thread). */
const running = new WeakMap<ManagerConsole, RunningExport>();

export async function exportReport(c: ManagerConsole, input: ParsedCommandInput<'manager.reports.export'>): Promise<CsvExport> {
  const manager = await c.authorize(input.managerPin, 'reports.export');
  const { start, end } = range(c, input.from, input.to);
  if (running.has(c)) throw new AppError('rule', msg('manager.exportRunning'), { rule: 'export-running' });
  const { queueId, registerId, timezone } = c.backend;
  const state: RunningExport = {
    report: input.report,
    from: input.from,
    to: input.to,
    done: 0,
    total: 0,
    job: runHeavy(
      'csvExport',
      { file: c.db.name, queueId, registerId, timezone, report: input.report, start, end, language: input.language },
      {
        onProgress: (done, total) => {
          state.done = done;
          state.total = total;
        },
      },
    ),
  };
  running.set(c, state);
  let out: CsvExportOutput;
  try {
    out = await state.job.promise;
  } catch (error) {
    if (error instanceof HeavyTaskCancelled) throw new AppError('rule', msg('manager.exportCancelled'), { rule: 'export-cancelled' });
    throw error;
  } finally {
    running.delete(c);
  }
  c.db.transaction(() => c.audit(manager, 'reports.export', { report: input.report, from: input.from, to: input.to, rows: out.rows }))();
  return { filename: exportFilename(input.report, registerId, input.from, input.to, input.language), mime: 'text/csv;charset=utf-8', csv: out.csv, rows: out.rows };
}

/** How far the running export is (rows written of the rows in its range), or null when none runs. */
export async function exportProgress(c: ManagerConsole, input: ParsedCommandInput<'manager.reports.exportProgress'>): Promise<CsvExportProgress | null> {
  await c.authorize(input.managerPin, 'reports.export');
  const r = running.get(c);
  return r ? { report: r.report, from: r.from, to: r.to, done: r.done, total: r.total } : null;
}

/** Stops the running export (its thread ends at once; nothing is written); false when none runs. */
export async function cancelExport(c: ManagerConsole, input: ParsedCommandInput<'manager.reports.exportCancel'>): Promise<{ cancelled: boolean }> {
  await c.authorize(input.managerPin, 'reports.export');
  const r = running.get(c);
  r?.job.cancel();
  return { cancelled: r !== undefined };
}
