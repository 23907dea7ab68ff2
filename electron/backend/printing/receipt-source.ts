/**
 * The one receipt source: an order, its tenders, its entry, its member, its
 * queue's settings and the store's app_meta keys → `ReceiptData`. The
 * preview and the printer both start from here.
 */
import type { Db } from '../store/database';
import type { EntryRow as CoreEntryRow, OrderRow as CoreOrderRow } from '../store/queue-store';
import { fen, rewardBp, type Fen } from '../../../shared/money';
import { EMPTY_LAYERS, parseSettingsLayer, resolveSettings } from '../../../shared/settings';
import type { EntryState, NoEntitlementReason, RatioRule } from '../../../shared/engine/types';
import {
  buildReceipt,
  renderEscPosJob,
  renderPreview,
  type EscPosJob,
  type Receipt,
  type ReceiptData,
  type ReceiptPreview,
  type TenderKind,
} from '../../../shared/receipt/index';
import { formatLookupCode, isLookupUrl } from '../../../shared/lookup-code';
import { buildEntrySlip } from '../../../shared/receipt/entry-slip';
import { buildRefundSlip } from '../../../shared/receipt/refund-slip';
import { buildShiftReport } from '../../../shared/receipt/shift-report';
import { loadShiftReportPrintData } from './shift-report-source';
import { encodeGb18030 } from './encode';
import type { PrintSlip } from './jobs';
import { loadEntrySlipData } from './entry-slip-source';
import { loadRefundSlipData } from './refund-slip-source';
import { getMeta, META_KEYS, type PrinterSettings } from './settings';

export class ReceiptSourceError extends Error {
  override name = 'ReceiptSourceError';
}

/** An order row with the counter's columns (migration 1) that the engine's row type leaves out. */
interface OrderRow extends CoreOrderRow {
  cashier_id: string | null;
  points_deduction_fen: number;
  love_deduction_fen: number;
  change_fen: number;
  lookup_code: string | null;
}

/** The entry columns a receipt shows. */
type EntryRow = Pick<CoreEntryRow, 'entitlement_fen' | 'ratio_bp' | 'rule' | 'position' | 'ahead_fen' | 'draw_pending' | 'state' | 'received_fen'>;

export function loadReceiptData(db: Db, ref: { queueId: string; orderId: string }): ReceiptData {
  const order = db.prepare('SELECT * FROM orders WHERE queue_id = ? AND id = ?').get(ref.queueId, ref.orderId) as OrderRow | undefined;
  if (!order) throw new ReceiptSourceError(`no order ${JSON.stringify(ref.orderId)} in queue ${JSON.stringify(ref.queueId)}`);
  const tenders = db
    .prepare('SELECT kind, amount_fen FROM order_tenders WHERE queue_id = ? AND order_id = ? ORDER BY line')
    .all(ref.queueId, ref.orderId) as { kind: TenderKind; amount_fen: number }[];
  const entry = db
    .prepare(
      'SELECT entitlement_fen, ratio_bp, rule, position, ahead_fen, draw_pending, state, received_fen FROM entries WHERE queue_id = ? AND order_id = ?',
    )
    .get(ref.queueId, ref.orderId) as EntryRow | undefined;
  const member = order.member_id
    ? (db.prepare('SELECT display_name, masked_phone FROM members WHERE id = ?').get(order.member_id) as
        | { display_name: string | null; masked_phone: string | null }
        | undefined)
    : undefined;
  const queue = db.prepare('SELECT base_settings, cashier_settings FROM queues WHERE id = ?').get(ref.queueId) as
    | { base_settings: string; cashier_settings: string }
    | undefined;
  const layers = queue
    ? { base: parseSettingsLayer(JSON.parse(queue.base_settings)), cashier: parseSettingsLayer(JSON.parse(queue.cashier_settings)) }
    : EMPTY_LAYERS;
  const settings = resolveSettings(layers);

  const deductions: ReceiptData['deductions'] = [];
  if (order.points_deduction_fen > 0) deductions.push({ kind: 'points', amountFen: fen(order.points_deduction_fen) });
  if (order.love_deduction_fen > 0) deductions.push({ kind: 'love', amountFen: fen(order.love_deduction_fen) });
  if (deductions.length === 0 && order.deduction_fen > 0) deductions.push({ kind: 'other', amountFen: fen(order.deduction_fen) });

  return {
    store: {
      name: getMeta(db, META_KEYS.storeName) ?? '',
      address: getMeta(db, META_KEYS.storeAddress) ?? null,
      header: getMeta(db, META_KEYS.header) ?? null,
      footer: getMeta(db, META_KEYS.footer) ?? null,
    },
    registerId: getMeta(db, META_KEYS.registerId) ?? ref.queueId,
    // People by name on paper; an order older than the staff list keeps its id.
    cashier: order.cashier_id === null ? null : ((db.prepare('SELECT name FROM cashiers WHERE id = ?').get(order.cashier_id) as { name: string } | undefined)?.name ?? order.cashier_id),
    queueId: ref.queueId,
    orderId: ref.orderId,
    paidAt: order.paid_at,
    timezone: getMeta(db, META_KEYS.timezone) ?? 'Asia/Shanghai',
    amountDueFen: fen(order.amount_due_fen),
    deductions,
    actualPaidFen: fen(order.actual_paid_fen),
    tenders: tenders.map((t) => ({ kind: t.kind, amountFen: fen(t.amount_fen) })),
    changeFen: fen(order.change_fen),
    member: member ? { maskedPhone: member.masked_phone, displayName: member.display_name } : null,
    rebate: {
      name: settings.rebateName,
      entry: entry
        ? {
            entitlementFen: fen(entry.entitlement_fen),
            ratioBp: rewardBp(entry.ratio_bp),
            rule: entry.rule as RatioRule,
            position: entry.position,
            aheadFen: fen(entry.ahead_fen),
            drawPending: entry.draw_pending === 1,
            state: entry.state as EntryState,
            receivedFen: fen(entry.received_fen),
          }
        : null,
      noEntitlementReason: (order.no_entitlement_reason as NoEntitlementReason | null) ?? null,
      settled: order.settled_at !== null,
      extractedFen: fen(order.extracted_fen) as Fen,
      paidToQueueFen: fen(order.paid_to_queue_fen),
    },
    refunded: order.refunded_at !== null,
    show: {
      position: settings.display.queueProgress,
      ahead: settings.display.amountWaiting,
      received: settings.display.totalReceived,
      pending: settings.display.pendingAmount,
      member: settings.display.memberIdentity,
    },
    ...lookupFields(db, order.lookup_code),
  };
}

/** The 查询码, and the QR only when the store configured a lookup address (issue #12 §3). */
function lookupFields(db: Db, code: string | null): Pick<ReceiptData, 'qrPayload' | 'shortCode'> {
  if (!code) return {};
  const url = getMeta(db, META_KEYS.lookupUrl)?.trim();
  return { shortCode: formatLookupCode(code), ...(url && isLookupUrl(url) ? { qrPayload: `${url}${code}` } : {}) };
}

/**
 * A test page for the settings screen: Chinese, digits and full-width text, a
 * QR code, no drawer. All of it Chinese (the store reads it): it said
 * PRINTER TEST / ASCII / FULL-WIDTH, 单号 TEST and 查询码 TEST-PAGE.
 */
export function testPageData(db: Db, queueId: string, now: number): ReceiptData {
  const storeName = getMeta(db, META_KEYS.storeName);
  const sample = '中文 数字 0123456789 全角 ０１２３ ￥１２３';
  return {
    store: {
      // A store with no name yet: 打印测试页 is the title (it was printed twice, as the title and again under it).
      name: storeName ?? '打印测试页',
      address: getMeta(db, META_KEYS.storeAddress) ?? null,
      header: storeName ? `打印测试页\n${sample}` : sample,
      footer: '如果以上文字清晰、对齐，打印机设置正确。',
    },
    registerId: getMeta(db, META_KEYS.registerId) ?? queueId,
    cashier: null,
    queueId,
    orderId: '测试页',
    paidAt: now,
    timezone: getMeta(db, META_KEYS.timezone) ?? 'Asia/Shanghai',
    amountDueFen: fen(12345),
    deductions: [],
    actualPaidFen: fen(12345),
    tenders: [{ kind: 'other', amountFen: fen(12345) }],
    changeFen: fen(0),
    member: null,
    rebate: { name: '测试', entry: null, noEntitlementReason: null, settled: true, extractedFen: fen(0), paidToQueueFen: fen(0) },
    qrPayload: `TEST:${queueId}`,
    shortCode: '0000-0000-0000',
  };
}

export interface JobRef {
  /** Needed for a report job (its figures are frozen on the row). */
  id?: number;
  kind: 'receipt' | 'test' | 'report';
  queueId: string;
  orderId: string | null;
  copy: boolean;
  /** A slip about the order instead of its receipt (print_jobs.slip). */
  slip?: PrintSlip | null;
}

/** The receipts one job prints: the receipt and, for copies > 1, extra copies marked 副本. */
export function jobReceipts(db: Db, job: JobRef, settings: Pick<PrinterSettings, 'width' | 'copies' | 'drawer'>, now = Date.now()): Receipt[] {
  if (job.kind === 'report') {
    if (job.id === undefined) throw new ReceiptSourceError('a shift report job needs its id');
    return [buildShiftReport(loadShiftReportPrintData(db, job.id), { width: settings.width, copy: job.copy })];
  }
  if ((job.slip === 'draw' || job.slip === 'exchange') && job.orderId !== null) {
    return [buildEntrySlip(loadEntrySlipData(db, { queueId: job.queueId, orderId: job.orderId, slip: job.slip }), { width: settings.width, copy: job.copy })];
  }
  if (job.slip === 'refund' && job.orderId !== null) {
    return [buildRefundSlip(loadRefundSlipData(db, { queueId: job.queueId, orderId: job.orderId }), { width: settings.width, copy: job.copy, drawer: settings.drawer })];
  }
  const data = job.kind === 'test' ? testPageData(db, job.queueId, now) : loadReceiptData(db, { queueId: job.queueId, orderId: job.orderId! });
  const first = buildReceipt(data, { width: settings.width, copy: job.copy });
  if (!settings.drawer || job.kind === 'test') first.openDrawer = false;
  const out = [first];
  const extra = job.copy ? 0 : settings.copies - 1;
  if (extra > 0) {
    const copy = buildReceipt(data, { width: settings.width, copy: true });
    for (let i = 0; i < extra; i++) out.push(copy);
  }
  return out;
}

export function jobBytes(db: Db, job: JobRef, settings: PrinterSettings, now = Date.now()): Uint8Array {
  return jobPayload(db, job, settings, now).bytes;
}

/** The job's bytes and the offsets between its commands (where a transport may check progress). */
export function jobPayload(db: Db, job: JobRef, settings: PrinterSettings, now = Date.now()): EscPosJob {
  return renderEscPosJob(jobReceipts(db, job, settings, now), { commandSet: settings.commandSet, encode: encodeGb18030 });
}

export function jobPreview(db: Db, job: JobRef, settings: Pick<PrinterSettings, 'width' | 'copies' | 'drawer'>, now = Date.now()): ReceiptPreview {
  return renderPreview(jobReceipts(db, job, { ...settings, copies: 1 }, now)[0]!);
}
