/**
 * A manager_audit row's action in words (issue 10 §6: the audit log reads as
 * sentences, never JSON). The backend attaches this message to each row of
 * `manager.audit.list`; the renderer writes it with who and when.
 *
 * A new audited action: a catalogue code `audit.<something>` and a case here.
 * An action without one reads as 其他操作 (never its raw key).
 */
import { msg, type Message } from './catalogue';

type Detail = Record<string, unknown>;

function record(detail: unknown): Detail {
  return detail !== null && typeof detail === 'object' && !Array.isArray(detail) ? (detail as Detail) : {};
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function auditActionMessage(action: string, rawDetail: unknown): Message {
  const detail = record(rawDetail);
  switch (action) {
    case 'settings.save': {
      const fields = Array.isArray(detail.fields) ? detail.fields.filter((f): f is string => typeof f === 'string').join(',') : '';
      return detail.layer === 'base' ? msg('audit.settingsSaveBase', { fields }) : msg('audit.settingsSaveCashier', { fields });
    }
    case 'store.save':
      return msg('audit.storeSave', { items: Object.keys(detail).join(',') });
    case 'printer.save':
      return msg('audit.printerSave', { items: Object.keys(detail).join(',') });
    case 'sync.save':
      return msg('audit.syncSave', { items: Object.keys(detail).join(',') });
    case 'reports.export': {
      const params = { from: text(detail.from), to: text(detail.to), rows: count(detail.rows) };
      if (detail.report === 'queue') return msg('audit.exportQueue', params);
      if (detail.report === 'ledger') return msg('audit.exportLedger', params);
      if (detail.report === 'orders') return msg('audit.exportOrders', params);
      return msg('audit.exportShifts', params);
    }
    case 'pin.wrong':
      return msg('audit.pinWrong');
    case 'pin.locked':
      return typeof detail.lockedUntil === 'number' ? msg('audit.pinLocked', { until: detail.lockedUntil }) : msg('audit.pinWrong');
    case 'console.unlock':
      return msg('audit.unlock');
    case 'console.lock':
      return msg('audit.lock');
    case 'clock.confirm':
      return msg('audit.clockConfirm', { wallAt: count(detail.wallAt), lastOperationAt: count(detail.lastOperationAt) });
    case 'pin.change':
      return msg('audit.pinChange');
    case 'staff.create':
      return detail.role === 'manager' ? msg('audit.staffCreateManager', { name: text(detail.name) }) : msg('audit.staffCreateCashier', { name: text(detail.name) });
    case 'staff.rename':
      return msg('audit.staffRename', { old: text(detail.old), new: text(detail.new) });
    case 'staff.disable':
      return msg('audit.staffDisable', { name: text(detail.name) });
    case 'staff.enable':
      return msg('audit.staffEnable', { name: text(detail.name) });
    case 'staff.resetPin':
      return msg('audit.staffResetPin', { name: text(detail.name) });
    case 'order.refund':
      return msg('audit.orderRefund', { orderId: text(detail.orderId), amountFen: count(detail.amountFen) });
    case 'print.skip': {
      // A cashier skipped a print job (print desk): what it was and the reason typed.
      const reason = text(detail.reason);
      if (detail.kind === 'report') return msg('audit.printSkipReport', { report: detail.report === 'Z' ? 'Z' : 'X', reason });
      if (detail.kind === 'test' || typeof detail.orderId !== 'string') return msg('audit.printSkipTest', { reason });
      if (typeof detail.slip === 'string') return msg('audit.printSkipSlip', { orderId: detail.orderId, reason });
      return msg('audit.printSkipReceipt', { orderId: detail.orderId, reason });
    }
    default:
      return msg('audit.other');
  }
}
