/** A shift report job's figures (frozen on print_jobs.report_json) and the store's names → what the report prints. */
import type { Db } from '../store/database';
import type { ShiftReportPrintData } from '../../../shared/receipt/shift-report';
import type { ShiftReport } from '../../../shared/contract';
import { getMeta, META_KEYS } from './settings';

export class ShiftReportSourceError extends Error {
  override name = 'ShiftReportSourceError';
}

/** The stored JSON plus when the report was taken (an X report has no close time). */
export interface FrozenShiftReport extends ShiftReport {
  takenAt?: number;
}

export function loadShiftReportPrintData(db: Db, jobId: number): ShiftReportPrintData {
  const row = db.prepare('SELECT queue_id, report, report_json, created_at FROM print_jobs WHERE id = ?').get(jobId) as
    | { queue_id: string; report: 'X' | 'Z' | null; report_json: string | null; created_at: number }
    | undefined;
  if (!row || row.report === null || row.report_json === null) throw new ShiftReportSourceError(`print job ${jobId} is not a shift report`);
  const report = JSON.parse(row.report_json) as FrozenShiftReport;
  // A report stored before names were kept: look the name up now, never print the id.
  const cashierName =
    report.shift.cashierName ??
    (db.prepare('SELECT name FROM cashiers WHERE id = ?').get(report.shift.cashierId) as { name: string } | undefined)?.name ??
    null;
  return {
    report: row.report,
    store: { name: getMeta(db, META_KEYS.storeName) ?? '' },
    registerId: getMeta(db, META_KEYS.registerId) ?? row.queue_id,
    shiftId: report.shift.id,
    cashierName,
    openedAt: report.shift.openedAt,
    at: report.shift.closedAt ?? report.takenAt ?? row.created_at,
    timezone: getMeta(db, META_KEYS.timezone) ?? 'Asia/Shanghai',
    orders: report.orders,
    salesFen: report.salesFen,
    tenders: report.tenders,
    refunds: report.refunds,
    refundedFen: report.refundedFen,
    openingFloatFen: report.shift.openingFloatFen,
    expectedCashFen: report.expectedCashFen,
    countedCashFen: report.shift.countedCashFen,
    cashDifferenceFen: report.cashDifferenceFen,
  };
}
