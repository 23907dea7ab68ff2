/**
 * Shifts: open with a float, X report while open, close with the counted
 * cash into a frozen Z report. One open shift per register.
 */
import type { CommandOutput, ParsedCommandInput, ShiftReport, ShiftView } from '../../../shared/contract';
import { enqueueShiftReport, jobPreview, previewSettings } from '../printing/index';
import { AppError } from './errors';
import { msg } from '../../../shared/messages/catalogue';
import type { RegisterBackend } from './register';
import { computeShiftReport } from './reports';
import { shiftView, type ShiftRow } from './views';

export class Shifts {
  constructor(private readonly core: RegisterBackend) {}

  private get db() {
    return this.core.db;
  }

  private openShiftRow(): ShiftRow | undefined {
    return this.core
      .sql('SELECT s.*, c.name AS cashier_name FROM shifts s LEFT JOIN cashiers c ON c.id = s.cashier_id WHERE s.register_id = ? AND s.closed_at IS NULL')
      .get(this.core.registerId) as ShiftRow | undefined;
  }

  openShift(): ShiftView | null {
    const row = this.openShiftRow();
    return row ? shiftView(row) : null;
  }

  requireShift(): ShiftRow {
    const row = this.openShiftRow();
    if (!row) throw new AppError('no-shift', msg('shift.notOpen'));
    return row;
  }

  startShift(input: ParsedCommandInput<'shift.open'>): ShiftView {
    const cashier = this.core.requireSession();
    const row = this.db.transaction(() => {
      const open = this.openShiftRow();
      if (open) throw new AppError('rule', msg('shift.alreadyOpen', { shiftId: open.id }), { rule: 'shift-open' });
      const result = this.db
        .prepare('INSERT INTO shifts (register_id, cashier_id, opened_at, opening_float_fen) VALUES (?, ?, ?, ?)')
        .run(this.core.registerId, cashier.id, this.core.now(), input.openingFloatFen);
      return this.core.sql('SELECT * FROM shifts WHERE id = ?').get(result.lastInsertRowid) as ShiftRow;
    })();
    this.core.notifyChanged();
    return shiftView(row);
  }

  shiftReport(input: ParsedCommandInput<'shift.report'>): ShiftReport {
    this.core.requireSession();
    const row =
      input.shiftId !== undefined
        ? (this.core.sql('SELECT * FROM shifts WHERE id = ?').get(input.shiftId) as ShiftRow | undefined)
        : this.openShiftRow();
    if (!row) {
      if (input.shiftId !== undefined) throw new AppError('not-found', msg('shift.notFound', { shiftId: input.shiftId }));
      throw new AppError('no-shift', msg('shift.notOpen'));
    }
    if (row.z_report !== null) return JSON.parse(row.z_report) as ShiftReport;
    return computeShiftReport(this.db, row, 'X');
  }

  /** Closes the open shift with the counted cash; the shift's own cashier or a manager may close it. */
  closeShift(input: ParsedCommandInput<'shift.close'>): ShiftReport {
    const cashier = this.core.requireSession();
    const report = this.db.transaction(() => {
      const row = this.requireShift();
      if (row.cashier_id !== cashier.id && cashier.role !== 'manager') {
        throw new AppError('rule', msg('shift.notYours'), { rule: 'not-your-shift' });
      }
      const closedAt = Math.max(this.core.now(), row.opened_at);
      const z = computeShiftReport(this.db, row, 'Z', { closedAt, countedCashFen: input.countedCashFen, closedBy: cashier.id });
      this.db
        .prepare('UPDATE shifts SET closed_at = ?, closed_by = ?, counted_cash_fen = ?, z_report = ? WHERE id = ? AND closed_at IS NULL')
        .run(closedAt, cashier.id, input.countedCashFen, JSON.stringify(z), row.id);
      // The Z report prints with the close, in the same transaction: closed shift ⇔ Z job queued.
      enqueueShiftReport(this.db, { queueId: this.core.queueId, shiftId: row.id, report: 'Z', reportJson: JSON.stringify(z), now: this.core.wallNow() });
      return z;
    })();
    this.core.notifyChanged();
    return report;
  }

  /**
   * 「打印报表」: the X report of the open shift (figures frozen now), or, with
   * a closed shift's id, a copy of its stored Z report. Same queue and same
   * preview as receipts; returns the lines the screen shows.
   */
  printReport(input: ParsedCommandInput<'shift.print'>): CommandOutput<'shift.print'> {
    this.core.requireSession();
    const now = this.core.wallNow();
    const { jobId, report } = this.db.transaction(() => {
      if (input.shiftId === undefined) {
        const row = this.requireShift();
        const x = { ...computeShiftReport(this.db, row, 'X'), takenAt: now };
        return { jobId: enqueueShiftReport(this.db, { queueId: this.core.queueId, shiftId: row.id, report: 'X', reportJson: JSON.stringify(x), now }), report: 'X' as const };
      }
      const row = this.core.sql('SELECT * FROM shifts WHERE id = ?').get(input.shiftId) as ShiftRow | undefined;
      if (!row) throw new AppError('not-found', msg('shift.notFound', { shiftId: input.shiftId }));
      if (row.z_report === null) {
        // An open shift asked by id: its X report.
        const x = { ...computeShiftReport(this.db, row, 'X'), takenAt: now };
        return { jobId: enqueueShiftReport(this.db, { queueId: this.core.queueId, shiftId: row.id, report: 'X', reportJson: JSON.stringify(x), now }), report: 'X' as const };
      }
      const original = this.core.sql(`SELECT id FROM print_jobs WHERE shift_id = ? AND report = 'Z' AND copy = 0 ORDER BY id LIMIT 1`).get(row.id) as { id: number } | undefined;
      return {
        jobId: enqueueShiftReport(this.db, { queueId: this.core.queueId, shiftId: row.id, report: 'Z', reportJson: row.z_report, copy: true, reprintOf: original?.id ?? null, now }),
        report: 'Z' as const,
      };
    })();
    this.core.notifyChanged();
    return { jobId, report, lines: this.reportLines(jobId, report === 'Z') };
  }

  /** The on-screen report; a broken preview never fails the queued job (the print-jobs list shows it). */
  private reportLines(jobId: number, copy: boolean): string[] {
    try {
      const settings = previewSettings(this.db);
      return jobPreview(this.db, { id: jobId, kind: 'report', queueId: this.core.queueId, orderId: null, copy }, settings, this.core.wallNow()).lines.map((l) => l.text.trimEnd());
    } catch (error) {
      this.core.log.error(`shift report preview of job ${jobId} failed`, error);
      return [];
    }
  }
}
