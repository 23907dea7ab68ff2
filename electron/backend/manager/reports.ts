/**
 * Reports over a range of local dates (both included): the Z reports of the
 * shifts closed in it (as stored at close by the counter's
 * `computeShiftReport`), the queue report (entries joined in it) and the
 * ledger (rows written in it), exported as CSV text (shared/manager/csv.ts).
 * Exports are audited (who took which data out, when).
 */
import type { CommandOutput, ParsedCommandInput, ShiftReport } from '../../../shared/contract';
import type { CsvExport } from '../../../shared/contract-manager';
import { formatPercent, type Bp } from '../../../shared/money';
import { encodeCsv, yuanCell, type CsvCell, type CsvLanguage, type Header } from '../../../shared/manager/csv';
import { daysBetween, localDateTime } from '../../../shared/manager/days';
import { computeShiftReport } from '../app/reports';
import type { ShiftRow } from '../app/views';
import { ManagerInputError, type ManagerConsole } from './console';
import { msg } from '../../../shared/messages/catalogue';
import { englishText } from '../../../shared/messages/en';

const h = (zh: string, en: string): Header => ({ zh, en });

const STATE_LABELS: Record<string, [string, string]> = {
  waiting: ['排队中', 'waiting'],
  completed: ['已返完', 'completed'],
  exchanged: ['已兑换', 'exchanged'],
  cleared: ['已清零', 'cleared'],
  cancelled: ['已取消', 'cancelled'],
  points: ['转积分', 'points'],
};

const LEDGER_LABELS: Record<string, [string, string]> = {
  extraction: ['提取', 'extraction'],
  pool_out: ['奖池支出', 'pool out'],
  payout: ['返利', 'payout'],
  undistributed: ['未分配', 'undistributed'],
  pool_in: ['转入奖池', 'pool in'],
  exchange_points: ['兑换积分', 'exchange to points'],
  exchange_vouchers: ['兑换代金券', 'exchange to vouchers'],
  random_points: ['随机返积分', 'random return points'],
  clearing: ['清零', 'clearing'],
  cancellation: ['退款取消', 'cancellation'],
};

function label(map: Record<string, [string, string]>, key: string, language: CsvLanguage): string {
  const pair = map[key];
  if (!pair) return key;
  return language === 'zh' ? pair[0] : language === 'en' ? pair[1] : `${pair[0]} (${pair[1]})`;
}

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
  const rows = c.db
    .prepare('SELECT * FROM shifts WHERE register_id = ? AND closed_at IS NOT NULL AND closed_at >= ? AND closed_at < ? ORDER BY closed_at, id')
    .all(c.backend.registerId, start, end) as ShiftRow[];
  return rows.map((row) =>
    row.z_report !== null
      ? (JSON.parse(row.z_report) as ShiftReport)
      : computeShiftReport(c.db, row, 'Z', { closedAt: row.closed_at!, countedCashFen: row.counted_cash_fen!, closedBy: row.closed_by! }),
  );
}

export async function listShiftReports(c: ManagerConsole, input: ParsedCommandInput<'manager.reports.shifts'>): Promise<CommandOutput<'manager.reports.shifts'>> {
  await c.authorize(input.managerPin, 'reports.shifts');
  return { shifts: shiftReports(c, input.from, input.to) };
}

function shiftsCsv(c: ManagerConsole, from: string, to: string, language: CsvLanguage): { headers: Header[]; rows: CsvCell[][] } {
  const tz = c.backend.timezone;
  const names = new Map((c.db.prepare('SELECT id, name FROM cashiers').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
  const headers = [
    h('班次', 'Shift'),
    h('收银员', 'Cashier'),
    h('开班时间', 'Opened'),
    h('交班时间', 'Closed'),
    h('订单数', 'Orders'),
    h('销售额(元)', 'Sales (yuan)'),
    h('现金(元)', 'Cash (yuan)'),
    h('银行卡(元)', 'Card (yuan)'),
    h('微信(元)', 'WeChat (yuan)'),
    h('支付宝(元)', 'Alipay (yuan)'),
    h('其他(元)', 'Other (yuan)'),
    h('备用金(元)', 'Opening float (yuan)'),
    h('应有现金(元)', 'Expected cash (yuan)'),
    h('实点现金(元)', 'Counted cash (yuan)'),
    h('差额(元)', 'Difference (yuan)'),
    h('退款笔数', 'Refunds'),
    h('退款金额(元)', 'Refunded (yuan)'),
    h('积分抵扣(元)', 'Points deduction (yuan)'),
    h('爱心值抵扣(元)', 'Love value deduction (yuan)'),
    h('提取(元)', 'Extracted (yuan)'),
    h('返给排队(元)', 'Paid to the line (yuan)'),
    h('新增权益笔数', 'New entries'),
    h('新增权益(元)', 'New entitlements (yuan)'),
  ];
  void language;
  const rows = shiftReports(c, from, to).map((r): CsvCell[] => [
    r.shift.id,
    names.get(r.shift.cashierId) ?? r.shift.cashierId,
    localDateTime(r.shift.openedAt, tz),
    r.shift.closedAt === null ? null : localDateTime(r.shift.closedAt, tz),
    r.orders,
    yuanCell(r.salesFen),
    yuanCell(r.tenders.cash),
    yuanCell(r.tenders.card),
    yuanCell(r.tenders.wechat),
    yuanCell(r.tenders.alipay),
    yuanCell(r.tenders.other),
    yuanCell(r.shift.openingFloatFen),
    yuanCell(r.expectedCashFen),
    r.shift.countedCashFen === null ? null : yuanCell(r.shift.countedCashFen),
    r.cashDifferenceFen === null ? null : yuanCell(r.cashDifferenceFen),
    r.refunds,
    yuanCell(r.refundedFen),
    yuanCell(r.deductions.pointsFen),
    yuanCell(r.deductions.loveFen),
    yuanCell(r.rebate.extractedFen),
    yuanCell(r.rebate.paidOutFen),
    r.rebate.newEntries,
    yuanCell(r.rebate.newEntitlementsFen),
  ]);
  return { headers, rows };
}

function queueCsv(c: ManagerConsole, from: string, to: string, language: CsvLanguage): { headers: Header[]; rows: CsvCell[][] } {
  const tz = c.backend.timezone;
  const { start, end } = range(c, from, to);
  const headers = [
    h('排队序号', 'Line no.'),
    h('订单号', 'Order'),
    h('会员', 'Member'),
    h('加入时间', 'Joined'),
    h('加入时位置', 'Position at join'),
    h('状态', 'State'),
    h('返利比例', 'Ratio'),
    h('比例来源', 'Ratio rule'),
    h('应返(元)', 'Entitlement (yuan)'),
    h('已返(元)', 'Received (yuan)'),
    h('待返(元)', 'Remaining (yuan)'),
    h('结束时间', 'Finished'),
  ];
  const rows = (
    c.db
      .prepare(
        `SELECT seq, order_id, member_id, joined_at, position, state, ratio_bp, rule, draw_pending, entitlement_fen, received_fen, finished_at
         FROM entries INDEXED BY entries_by_joined_at WHERE queue_id = ? AND joined_at >= ? AND joined_at < ? ORDER BY joined_at, seq`,
      )
      .all(c.backend.queueId, start, end) as {
      seq: number;
      order_id: string;
      member_id: string | null;
      joined_at: number;
      position: number;
      state: string;
      ratio_bp: number;
      rule: string;
      draw_pending: number;
      entitlement_fen: number;
      received_fen: number;
      finished_at: number | null;
    }[]
  ).map((e): CsvCell[] => [
    e.seq,
    e.order_id,
    e.member_id,
    localDateTime(e.joined_at, tz),
    e.position,
    label(STATE_LABELS, e.state, language),
    { csvNumber: formatPercent(e.ratio_bp as Bp) },
    e.draw_pending === 1 ? `${e.rule} (待抽奖 draw pending)` : e.rule,
    yuanCell(e.entitlement_fen),
    yuanCell(e.received_fen),
    yuanCell(e.state === 'waiting' ? e.entitlement_fen - e.received_fen : 0),
    e.finished_at === null ? null : localDateTime(e.finished_at, tz),
  ]);
  return { headers, rows };
}

function ledgerCsv(c: ManagerConsole, from: string, to: string, language: CsvLanguage): { headers: Header[]; rows: CsvCell[][] } {
  const tz = c.backend.timezone;
  const { start, end } = range(c, from, to);
  const headers = [h('流水号', 'Ledger id'), h('时间', 'Time'), h('类型', 'Kind'), h('付款订单', 'Paying order'), h('权益订单', 'Entry (order)'), h('金额(元)', 'Amount (yuan)'), h('积分/券(单位)', 'Points/vouchers (units)')];
  const rows = (
    c.db
      .prepare('SELECT id, at, kind, order_id, entry_order_id, amount_fen, units FROM ledger INDEXED BY ledger_by_at WHERE queue_id = ? AND at >= ? AND at < ? ORDER BY at, id')
      .all(c.backend.queueId, start, end) as { id: number; at: number; kind: string; order_id: string | null; entry_order_id: string | null; amount_fen: number; units: number }[]
  ).map((r): CsvCell[] => [r.id, localDateTime(r.at, tz), label(LEDGER_LABELS, r.kind, language), r.order_id, r.entry_order_id, yuanCell(r.amount_fen), r.units]);
  return { headers, rows };
}

export async function exportReport(c: ManagerConsole, input: ParsedCommandInput<'manager.reports.export'>): Promise<CsvExport> {
  const manager = await c.authorize(input.managerPin, 'reports.export');
  const build = input.report === 'shifts' ? shiftsCsv : input.report === 'queue' ? queueCsv : ledgerCsv;
  const { headers, rows } = build(c, input.from, input.to, input.language);
  const csv = encodeCsv(headers, rows, input.language);
  c.db.transaction(() => c.audit(manager, 'reports.export', { report: input.report, from: input.from, to: input.to, rows: rows.length }))();
  return { filename: `${input.report}-${c.backend.registerId}-${input.from}-${input.to}.csv`, mime: 'text/csv;charset=utf-8', csv, rows: rows.length };
}
