/**
 * The manager's CSV exports, built from a database connection of their own
 * (issue 15 §2): run in a heavy-work thread (heavy/registry.ts `csvExport`)
 * with a read-only connection and one read snapshot, so a three-year ledger
 * export never holds the main thread where checkouts are answered. Progress
 * is reported every `PROGRESS_EVERY` rows.
 *
 * Columns: Chinese headers by default (English or both on request), money
 * as yuan text with two decimals computed from integer fen (`yuanCell`),
 * local date-times in the register's time zone, people by name (the cashier
 * who took the order — for ledger rows, the paying order's cashier), members
 * by their member code, else their name and masked phone (never the
 * internal id: a counter enrolment's is `register-1-M…`), states, ledger kinds and ratio
 * rules in words, orders by the number people read off the receipt
 * (`1-20260302-0123`, shared/order-number.ts), not the internal id.
 */
import type { ShiftReport } from '../../../shared/contract';
import { encodeCsv, yuanCell, type CsvCell, type CsvLanguage, type Header } from '../../../shared/manager/csv';
import { BUCKET_MS, localDateTime } from '../../../shared/manager/days';
import { formatPercent, type Bp } from '../../../shared/money';
import { orderNumber } from '../../../shared/order-number';
import { NO_ENTITLEMENT_LABELS, RULE_LABELS } from '../../../shared/receipt/build';
import { computeShiftReport } from '../app/reports';
import type { ShiftRow } from '../app/views';
import { openDatabase, type Db } from '../store/database';


/**
 * The member as an export names them (SQL over `members m` joined to `<row>.member_id`): the member code; else
 * name and masked phone; else 会员 for a member this register no longer knows. NULL for a walk-in.
 */
const SHOWN_MEMBER = (row: string) =>
  `CASE WHEN ${row}.member_id IS NULL THEN NULL WHEN m.member_code IS NOT NULL THEN m.member_code
        WHEN m.masked_phone IS NOT NULL THEN trim(coalesce(m.display_name || ' ', '') || m.masked_phone)
        ELSE coalesce(m.display_name, '会员') END`;

export type CsvReport = 'shifts' | 'queue' | 'ledger' | 'orders';

export interface CsvExportRun {
  file: string;
  nativeBinding?: string;
  queueId: string;
  registerId: string;
  timezone: string;
  report: CsvReport;
  /** The range, as instants: [start, end). */
  start: number;
  end: number;
  language: CsvLanguage;
}

export interface CsvExportOutput {
  csv: string;
  rows: number;
}

export type CsvProgress = (done: number, total: number) => void;

export const PROGRESS_EVERY = 2_000;

/**
 * `localDateTime` for many rows: the zone's calendar is looked up (Intl, the
 * slow part) once per quarter hour — every zone's offset changes only on a
 * quarter hour — and the minutes and seconds inside it are added. Same text
 * as `localDateTime` (test/perf/export-worker.test.ts compares them).
 */
export function localDateTimes(timezone: string): (at: number) => string {
  const cache = new Map<number, string>();
  const two = (n: number) => String(n).padStart(2, '0');
  return (at) => {
    const bucket = Math.floor(at / BUCKET_MS);
    const within = at - bucket * BUCKET_MS;
    let start = cache.get(bucket);
    if (start === undefined) {
      start = localDateTime(bucket * BUCKET_MS, timezone).slice(0, 16); // "YYYY-MM-DD HH:MM", MM a multiple of 15
      cache.set(bucket, start);
    }
    const minute = Number(start.slice(14, 16)) + Math.floor(within / 60_000);
    return `${start.slice(0, 14)}${two(minute)}:${two(Math.floor((within % 60_000) / 1000))}`;
  };
}

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

function words(zh: string, en: string, language: CsvLanguage): string {
  return language === 'zh' ? zh : language === 'en' ? en : `${zh} (${en})`;
}

/** The Z reports of the shifts closed in [start, end), as stored at close. */
export function shiftReportsIn(db: Db, registerId: string, start: number, end: number): ShiftReport[] {
  const rows = db
    .prepare('SELECT * FROM shifts WHERE register_id = ? AND closed_at IS NOT NULL AND closed_at >= ? AND closed_at < ? ORDER BY closed_at, id')
    .all(registerId, start, end) as ShiftRow[];
  return rows.map((row) =>
    row.z_report !== null
      ? (JSON.parse(row.z_report) as ShiftReport)
      : computeShiftReport(db, row, 'Z', { closedAt: row.closed_at!, countedCashFen: row.counted_cash_fen!, closedBy: row.closed_by! }),
  );
}

interface Built {
  headers: Header[];
  rows: CsvCell[][];
}

/** Streams the statement's rows through `toCells`, reporting progress against `total`. */
function collect<R>(rows: IterableIterator<R>, total: number, progress: CsvProgress, toCells: (row: R) => CsvCell[]): CsvCell[][] {
  const out: CsvCell[][] = [];
  progress(0, total);
  for (const row of rows) {
    out.push(toCells(row));
    if (out.length % PROGRESS_EVERY === 0) progress(out.length, Math.max(total, out.length));
  }
  return out;
}

function shiftsCsv(db: Db, run: CsvExportRun, names: Map<string, string>, progress: CsvProgress): Built {
  const time = localDateTimes(run.timezone);
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
  const reports = shiftReportsIn(db, run.registerId, run.start, run.end);
  const rows = collect(reports.values(), reports.length, progress, (r): CsvCell[] => [
    r.shift.id,
    names.get(r.shift.cashierId) ?? r.shift.cashierId,
    time(r.shift.openedAt),
    r.shift.closedAt === null ? null : time(r.shift.closedAt),
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

function queueCsv(db: Db, run: CsvExportRun, names: Map<string, string>, progress: CsvProgress): Built {
  const { language } = run;
  const time = localDateTimes(run.timezone);
  const headers = [
    h('排队序号', 'Line no.'),
    h('订单号', 'Order'),
    h('收银员', 'Cashier'),
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
  const total = db.prepare('SELECT count(*) FROM entries INDEXED BY entries_by_joined_at WHERE queue_id = ? AND joined_at >= ? AND joined_at < ?').pluck().get(run.queueId, run.start, run.end) as number;
  const statement = db.prepare(
    `SELECT e.seq, e.order_id, o.cashier_id, ${SHOWN_MEMBER('e')} AS member, e.joined_at, e.position, e.state, e.ratio_bp, e.rule,
            e.draw_pending, e.entitlement_fen, e.received_fen, e.finished_at
     FROM entries e INDEXED BY entries_by_joined_at
     LEFT JOIN orders o ON o.queue_id = e.queue_id AND o.id = e.order_id
     LEFT JOIN members m ON m.id = e.member_id
     WHERE e.queue_id = ? AND e.joined_at >= ? AND e.joined_at < ? ORDER BY e.joined_at, e.seq`,
  );
  type Row = {
    seq: number;
    order_id: string;
    cashier_id: string | null;
    member: string | null;
    joined_at: number;
    position: number;
    state: string;
    ratio_bp: number;
    rule: string;
    draw_pending: number;
    entitlement_fen: number;
    received_fen: number;
    finished_at: number | null;
  };
  const ruleText = (rule: string): string => {
    const zh = (RULE_LABELS as Record<string, string>)[rule];
    return zh ? words(zh, rule, language) : rule;
  };
  const rows = collect(statement.iterate(run.queueId, run.start, run.end) as IterableIterator<Row>, total, progress, (e): CsvCell[] => [
    e.seq,
    orderNumber(e.order_id),
    e.cashier_id === null ? null : (names.get(e.cashier_id) ?? e.cashier_id),
    e.member,
    time(e.joined_at),
    e.position,
    label(STATE_LABELS, e.state, language),
    { csvNumber: formatPercent(e.ratio_bp as Bp) },
    e.draw_pending === 1 ? `${ruleText(e.rule)} ${words('待抽奖', 'draw pending', language)}` : ruleText(e.rule),
    yuanCell(e.entitlement_fen),
    yuanCell(e.received_fen),
    yuanCell(e.state === 'waiting' ? e.entitlement_fen - e.received_fen : 0),
    e.finished_at === null ? null : time(e.finished_at),
  ]);
  return { headers, rows };
}

function ledgerCsv(db: Db, run: CsvExportRun, names: Map<string, string>, progress: CsvProgress): Built {
  const { language } = run;
  const time = localDateTimes(run.timezone);
  const headers = [
    h('流水号', 'Ledger id'),
    h('时间', 'Time'),
    h('类型', 'Kind'),
    h('付款订单', 'Paying order'),
    h('收银员', 'Cashier'),
    h('权益订单', 'Entry (order)'),
    h('金额(元)', 'Amount (yuan)'),
    h('积分/券(单位)', 'Points/vouchers (units)'),
  ];
  const total = db.prepare('SELECT count(*) FROM ledger INDEXED BY ledger_by_at WHERE queue_id = ? AND at >= ? AND at < ?').pluck().get(run.queueId, run.start, run.end) as number;
  const statement = db.prepare(
    `SELECT l.id, l.at, l.kind, l.order_id, o.cashier_id, l.entry_order_id, l.amount_fen, l.units
     FROM ledger l INDEXED BY ledger_by_at
     LEFT JOIN orders o ON o.queue_id = l.queue_id AND o.id = l.order_id
     WHERE l.queue_id = ? AND l.at >= ? AND l.at < ? ORDER BY l.at, l.id`,
  );
  type Row = { id: number; at: number; kind: string; order_id: string | null; cashier_id: string | null; entry_order_id: string | null; amount_fen: number; units: number };
  const rows = collect(statement.iterate(run.queueId, run.start, run.end) as IterableIterator<Row>, total, progress, (r): CsvCell[] => [
    r.id,
    time(r.at),
    label(LEDGER_LABELS, r.kind, language),
    r.order_id === null ? null : orderNumber(r.order_id),
    r.cashier_id === null ? null : (names.get(r.cashier_id) ?? r.cashier_id),
    r.entry_order_id === null ? null : orderNumber(r.entry_order_id),
    yuanCell(r.amount_fen),
    r.units,
  ]);
  return { headers, rows };
}

function ordersCsv(db: Db, run: CsvExportRun, names: Map<string, string>, progress: CsvProgress): Built {
  const { language } = run;
  const time = localDateTimes(run.timezone);
  const headers = [
    h('订单号', 'Order'),
    h('付款时间', 'Paid'),
    h('收银员', 'Cashier'),
    h('会员', 'Member'),
    h('应收(元)', 'Amount due (yuan)'),
    h('抵扣(元)', 'Deduction (yuan)'),
    h('实收(元)', 'Paid (yuan)'),
    h('找零(元)', 'Change (yuan)'),
    h('提取(元)', 'Extracted (yuan)'),
    h('返给排队(元)', 'Paid to the line (yuan)'),
    h('完成时间', 'Completed'),
    h('退款时间', 'Refunded'),
    h('不参与原因', 'No entitlement because'),
  ];
  const total = db.prepare('SELECT count(*) FROM orders INDEXED BY orders_by_paid_at WHERE queue_id = ? AND paid_at >= ? AND paid_at < ?').pluck().get(run.queueId, run.start, run.end) as number;
  const statement = db.prepare(
    `SELECT o.id, o.paid_at, o.cashier_id, ${SHOWN_MEMBER('o')} AS member, o.amount_due_fen, o.deduction_fen, o.actual_paid_fen,
            o.change_fen, o.extracted_fen, o.paid_to_queue_fen, o.completed_at, o.refunded_at, o.no_entitlement_reason
     FROM orders o INDEXED BY orders_by_paid_at
     LEFT JOIN members m ON m.id = o.member_id
     WHERE o.queue_id = ? AND o.paid_at >= ? AND o.paid_at < ? ORDER BY o.paid_at, o.id`,
  );
  type Row = {
    id: string;
    paid_at: number;
    cashier_id: string | null;
    member: string | null;
    amount_due_fen: number;
    deduction_fen: number;
    actual_paid_fen: number;
    change_fen: number;
    extracted_fen: number;
    paid_to_queue_fen: number;
    completed_at: number | null;
    refunded_at: number | null;
    no_entitlement_reason: string | null;
  };
  const reasonText = (reason: string): string => {
    const zh = (NO_ENTITLEMENT_LABELS as Record<string, string>)[reason];
    return zh ? words(zh, reason, language) : reason;
  };
  const rows = collect(statement.iterate(run.queueId, run.start, run.end) as IterableIterator<Row>, total, progress, (o): CsvCell[] => [
    orderNumber(o.id),
    time(o.paid_at),
    o.cashier_id === null ? null : (names.get(o.cashier_id) ?? o.cashier_id),
    o.member,
    yuanCell(o.amount_due_fen),
    yuanCell(o.deduction_fen),
    yuanCell(o.actual_paid_fen),
    yuanCell(o.change_fen),
    yuanCell(o.extracted_fen),
    yuanCell(o.paid_to_queue_fen),
    o.completed_at === null ? null : time(o.completed_at),
    o.refunded_at === null ? null : time(o.refunded_at),
    o.no_entitlement_reason === null ? null : reasonText(o.no_entitlement_reason),
  ]);
  return { headers, rows };
}

const BUILDERS: Record<CsvReport, (db: Db, run: CsvExportRun, names: Map<string, string>, progress: CsvProgress) => Built> = {
  shifts: shiftsCsv,
  queue: queueCsv,
  ledger: ledgerCsv,
  orders: ordersCsv,
};

/** Builds one export on its own read-only connection, from one snapshot (what a checkout commits meanwhile is not half in it). */
export function buildCsvExport(run: CsvExportRun, progress: CsvProgress = () => {}): CsvExportOutput {
  const db = openDatabase(run.file, { readonly: true, ...(run.nativeBinding ? { nativeBinding: run.nativeBinding } : {}) });
  try {
    db.exec('BEGIN');
    try {
      const names = new Map((db.prepare('SELECT id, name FROM cashiers').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
      const { headers, rows } = BUILDERS[run.report](db, run, names, progress);
      progress(rows.length, rows.length);
      return { csv: encodeCsv(headers, rows, run.language), rows: rows.length };
    } finally {
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}
