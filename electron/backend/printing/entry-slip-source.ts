/** The draw and exchange slips' facts, read from the entry and its ledger row (issue 10 §7). */
import type { Db } from '../store/database';
import { fen, type Bp } from '../../../shared/money';
import { EMPTY_LAYERS, parseSettingsLayer, resolveSettings } from '../../../shared/settings';
import type { EntrySlipData } from '../../../shared/receipt/entry-slip';
import { getMeta, META_KEYS } from './settings';

export class EntrySlipSourceError extends Error {
  override name = 'EntrySlipSourceError';
}

export function loadEntrySlipData(db: Db, ref: { queueId: string; orderId: string; slip: 'draw' | 'exchange' }): EntrySlipData {
  const entry = db.prepare('SELECT ratio_bp, drawn_at, entitlement_fen, received_fen, finished_at FROM entries WHERE queue_id = ? AND order_id = ?').get(ref.queueId, ref.orderId) as
    | { ratio_bp: number; drawn_at: number | null; entitlement_fen: number; received_fen: number; finished_at: number | null }
    | undefined;
  if (!entry) throw new EntrySlipSourceError(`order ${JSON.stringify(ref.orderId)} has no entry in the line`);
  const queue = db.prepare('SELECT base_settings, cashier_settings FROM queues WHERE id = ?').get(ref.queueId) as { base_settings: string; cashier_settings: string } | undefined;
  const layers = queue ? { base: parseSettingsLayer(JSON.parse(queue.base_settings)), cashier: parseSettingsLayer(JSON.parse(queue.cashier_settings)) } : EMPTY_LAYERS;
  const settings = resolveSettings(layers);
  const common = {
    store: { name: getMeta(db, META_KEYS.storeName) ?? '' },
    registerId: getMeta(db, META_KEYS.registerId) ?? ref.queueId,
    orderId: ref.orderId,
    timezone: getMeta(db, META_KEYS.timezone) ?? 'Asia/Shanghai',
    rebateName: settings.rebateName,
  };
  if (ref.slip === 'draw') {
    if (entry.drawn_at === null) throw new EntrySlipSourceError(`order ${JSON.stringify(ref.orderId)} has not drawn`);
    return { ...common, slip: 'draw', at: entry.drawn_at, ratioBp: entry.ratio_bp as Bp, entitlementFen: fen(entry.entitlement_fen), receivedFen: fen(entry.received_fen) };
  }
  const row = db
    .prepare(`SELECT kind, at, amount_fen, units FROM ledger WHERE queue_id = ? AND entry_order_id = ? AND kind IN ('exchange_points', 'exchange_vouchers') ORDER BY id DESC LIMIT 1`)
    .get(ref.queueId, ref.orderId) as { kind: string; at: number; amount_fen: number; units: number } | undefined;
  if (!row) throw new EntrySlipSourceError(`order ${JSON.stringify(ref.orderId)} was not exchanged`);
  return {
    ...common,
    slip: 'exchange',
    at: row.at,
    to: row.kind === 'exchange_points' ? 'points' : 'vouchers',
    exchangeName: settings.exchangeName,
    convertedFen: fen(row.amount_fen),
    units: row.units,
  };
}
