/**
 * Shifts: open with a float, X report while open, close with the counted
 * cash into a frozen Z report. One open shift per register.
 */
import type { ParsedCommandInput, ShiftReport, ShiftView } from '../../../shared/contract';
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
      return z;
    })();
    this.core.notifyChanged();
    return report;
  }
}
