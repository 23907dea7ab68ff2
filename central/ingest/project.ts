/**
 * Projects a batch's new events into the tables the service queries
 * (orders, entries, register_money), inside the batch's transaction.
 *
 * A batch is projected in phases, each one statement over arrays (unnest), so
 * a 500-event batch costs a handful of round trips, not thousands:
 *   1. orders and entries that joined (order.checkout);
 *   2. orders completed / refunded;
 *   3. lottery draws (an entry's entitlement changes; it has received nothing yet);
 *   4. the ledger rows' effect on entries, summed per entry: payouts add to
 *      `received` (reaching the entitlement completes the entry); clearing,
 *      cancellation, exchange and random-return rows finish it;
 *   5. the register's money counters (a store's are their sum: no row every register of a store would queue on);
 *   6. each queue's settings layers (queue.settings: the queue page's display switches come from them).
 * The phase order is the engine's own: an entry joins before anything pays
 * it, and draws only before its first payout, so summing per entry is exact.
 */
import type { WireEvent } from '../../shared/sync/protocol';
import type { EventPayloads, LedgerRowPayload } from '../../shared/sync/events';
import type { Queryable } from '../db/adapter';
import { MESSAGES } from '../../shared/sync/protocol';
import { addPush } from '../push/store';
import type { IngestRegister } from './apply-batch';

const FINISHING_KINDS: Partial<Record<LedgerRowPayload['kind'], string>> = {
  clearing: 'cleared',
  cancellation: 'cancelled',
  exchange_points: 'exchanged',
  exchange_vouchers: 'exchanged',
  random_points: 'points',
};

interface EntryEffect {
  queueId: string;
  orderId: string;
  receivedFen: number;
  finishedAs: string | null;
  lastAt: number;
}

export async function projectEvents(tx: Queryable, register: IngestRegister, events: WireEvent[]): Promise<void> {
  const money = { sales: 0, extracted: 0, paidOut: 0, undistributed: 0, forfeited: 0, exchanged: 0, entitled: 0, entitledBase: 0 };
  const orders: (EventPayloads['order.checkout']['order'] & { lookupCode: string | null })[] = [];
  const entries: (NonNullable<EventPayloads['order.checkout']['entry']> & { lookupCode: string | null })[] = [];
  const completed: { queueId: string; orderId: string; at: number }[] = [];
  const refunded: { queueId: string; orderId: string; at: number }[] = [];
  const draws: { queueId: string; orderId: string; entitlementFen: number; at: number }[] = [];
  const effects = new Map<string, EntryEffect>();
  const enrolled: { member: EventPayloads['member.enrolled']['member']; at: number }[] = [];
  const settings = new Map<string, SettingsFold>();

  for (const event of events) {
    const payload = event.payload as { ledger?: LedgerRowPayload[] };
    switch (event.type) {
      case 'order.checkout': {
        const p = event.payload as EventPayloads['order.checkout'];
        const lookupCode = p.lookupCode ?? null;
        orders.push({ ...p.order, lookupCode });
        money.sales += p.order.actualPaidFen;
        if (p.entry) {
          entries.push({ ...p.entry, lookupCode });
          if (p.entry.state === 'waiting') {
            money.entitled += p.entry.entitlementFen;
            money.entitledBase += p.entry.baseFen;
          }
        }
        break;
      }
      case 'order.completed':
        completed.push({ queueId: event.queueId, orderId: (event.payload as EventPayloads['order.completed']).orderId, at: event.at });
        break;
      case 'order.refunded':
        refunded.push({ queueId: event.queueId, orderId: (event.payload as EventPayloads['order.refunded']).orderId, at: event.at });
        break;
      case 'entry.drawn': {
        const p = event.payload as EventPayloads['entry.drawn'];
        draws.push({ queueId: event.queueId, orderId: p.orderId, entitlementFen: p.entitlementFen, at: event.at });
        break;
      }
      case 'queue.settings':
        foldSettings(settings, event.queueId, (event.payload as EventPayloads['queue.settings']).changes, event.at);
        break;
      case 'member.enrolled':
        enrolled.push({ member: (event.payload as EventPayloads['member.enrolled']).member, at: event.at });
        break;
      default:
        break;
    }
    for (const row of payload.ledger ?? []) {
      switch (row.kind) {
        case 'extraction':
          money.extracted += row.amountFen;
          break;
        case 'payout':
          money.paidOut += row.amountFen;
          break;
        case 'undistributed':
          money.undistributed += row.amountFen;
          break;
        case 'clearing':
        case 'cancellation':
          money.forfeited += row.amountFen;
          break;
        case 'exchange_points':
        case 'exchange_vouchers':
        case 'random_points':
          money.exchanged += row.amountFen;
          break;
        default:
          break;
      }
      if (row.entryOrderId === null || (row.kind !== 'payout' && !FINISHING_KINDS[row.kind])) continue;
      const key = `${row.queueId}\u0000${row.entryOrderId}`;
      let effect = effects.get(key);
      if (!effect) {
        effect = { queueId: row.queueId, orderId: row.entryOrderId, receivedFen: 0, finishedAs: null, lastAt: row.at };
        effects.set(key, effect);
      }
      if (row.kind === 'payout') effect.receivedFen += row.amountFen;
      else effect.finishedAs = FINISHING_KINDS[row.kind]!;
      effect.lastAt = Math.max(effect.lastAt, row.at);
    }
  }

  if (orders.length > 0) {
    await tx.query(
      `INSERT INTO orders (register, store_id, queue_id, order_id, member_id, amount_due_fen, deduction_fen, actual_paid_fen,
         extracted_fen, paid_at, completed_at, refunded_at, lookup_code)
       SELECT $1, $2, x.* FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],
         $10::bigint[], $11::bigint[], $12::bigint[], $13::text[]) AS x
       ON CONFLICT DO NOTHING`,
      [
        register.id,
        register.storeId,
        orders.map((o) => o.queueId),
        orders.map((o) => o.id),
        orders.map((o) => o.memberId),
        orders.map((o) => o.amountDueFen),
        orders.map((o) => o.deductionFen),
        orders.map((o) => o.actualPaidFen),
        orders.map((o) => o.extractedFen),
        orders.map((o) => o.paidAt),
        orders.map((o) => o.completedAt),
        orders.map((o) => o.refundedAt),
        orders.map((o) => o.lookupCode),
      ],
    );
  }
  if (entries.length > 0) {
    await tx.query(
      `INSERT INTO entries (register, store_id, queue_id, order_id, lookup_code, seq, member_id, joined_at, position, base_fen,
         entitlement_fen, received_fen, state, finished_at, updated_at)
       SELECT $1, $2, x.*, x.joined_at FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::bigint[],
         $10::bigint[], $11::bigint[], $12::bigint[], $13::text[], $14::bigint[])
         AS x(queue_id, order_id, lookup_code, seq, member_id, joined_at, position, base_fen, entitlement_fen, received_fen, state, finished_at)
       ON CONFLICT DO NOTHING`,
      [
        register.id,
        register.storeId,
        entries.map((e) => e.queueId),
        entries.map((e) => e.orderId),
        entries.map((e) => e.lookupCode),
        entries.map((e) => e.seq),
        entries.map((e) => e.memberId),
        entries.map((e) => e.joinedAt),
        entries.map((e) => e.position),
        entries.map((e) => e.baseFen),
        entries.map((e) => e.entitlementFen),
        entries.map((e) => e.receivedFen),
        entries.map((e) => e.state),
        entries.map((e) => e.finishedAt),
      ],
    );
  }
  for (const [rows, column] of [
    [completed, 'completed_at'],
    [refunded, 'refunded_at'],
  ] as const) {
    if (rows.length === 0) continue;
    await tx.query(
      `UPDATE orders o SET ${column} = x.at FROM unnest($2::text[], $3::text[], $4::bigint[]) AS x(queue_id, order_id, at)
       WHERE o.register = $1 AND o.queue_id = x.queue_id AND o.order_id = x.order_id`,
      [register.id, rows.map((r) => r.queueId), rows.map((r) => r.orderId), rows.map((r) => r.at)],
    );
  }
  for (const d of draws) {
    const { rows } = await tx.query<{ old: number }>(
      // Typed casts: PostgreSQL deduces $4 as bigint in SET and integer in `$4 = 0` otherwise, and refuses the statement.
      `UPDATE entries e SET entitlement_fen = $4::bigint, updated_at = $5::bigint,
         state = CASE WHEN $4::bigint = 0 AND e.state = 'waiting' THEN 'completed' ELSE e.state END,
         finished_at = CASE WHEN $4::bigint = 0 AND e.state = 'waiting' THEN $5::bigint ELSE e.finished_at END
       FROM (SELECT entitlement_fen AS old FROM entries WHERE register = $1 AND queue_id = $2 AND order_id = $3 FOR UPDATE) prev
       WHERE e.register = $1 AND e.queue_id = $2 AND e.order_id = $3 RETURNING prev.old`,
      [register.id, d.queueId, d.orderId, d.entitlementFen, d.at],
    );
    if (rows[0]) money.entitled += d.entitlementFen - rows[0].old;
  }
  if (effects.size > 0) {
    const list = [...effects.values()];
    await tx.query(
      `UPDATE entries e SET received_fen = e.received_fen + x.received, updated_at = x.at,
         state = CASE WHEN e.state <> 'waiting' THEN e.state
                      WHEN x.finished IS NOT NULL THEN x.finished
                      WHEN e.received_fen + x.received >= e.entitlement_fen THEN 'completed'
                      ELSE e.state END,
         finished_at = CASE WHEN e.state = 'waiting' AND (x.finished IS NOT NULL OR e.received_fen + x.received >= e.entitlement_fen)
                       THEN x.at ELSE e.finished_at END
       FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[]) AS x(queue_id, order_id, received, finished, at)
       WHERE e.register = $1 AND e.queue_id = x.queue_id AND e.order_id = x.order_id`,
      [register.id, list.map((e) => e.queueId), list.map((e) => e.orderId), list.map((e) => e.receivedFen), list.map((e) => e.finishedAs), list.map((e) => e.lastAt)],
    );
  }
  if (enrolled.length > 0) await projectMembers(tx, register, enrolled);
  for (const fold of settings.values()) await projectSettings(tx, register, fold);
  if (Object.values(money).some((v) => v !== 0)) {
    await tx.query(
      `INSERT INTO register_money AS m (register, sales_fen, extracted_fen, paid_out_fen, undistributed_fen, forfeited_fen, exchanged_fen,
         entitled_fen, entitled_base_fen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (register) DO UPDATE SET sales_fen = m.sales_fen + $2, extracted_fen = m.extracted_fen + $3, paid_out_fen = m.paid_out_fen + $4,
         undistributed_fen = m.undistributed_fen + $5, forfeited_fen = m.forfeited_fen + $6, exchanged_fen = m.exchanged_fen + $7,
         entitled_fen = m.entitled_fen + $8, entitled_base_fen = m.entitled_base_fen + $9`,
      [register.id, money.sales, money.extracted, money.paidOut, money.undistributed, money.forfeited, money.exchanged, money.entitled, money.entitledBase],
    );
  }
}

/** A batch's queue.settings events of one queue, folded: per layer, each field's last value (null = unset). */
interface SettingsFold {
  queueId: string;
  base: Record<string, unknown>;
  cashier: Record<string, unknown>;
  at: number;
}

function foldSettings(folds: Map<string, SettingsFold>, queueId: string, changes: EventPayloads['queue.settings']['changes'], at: number): void {
  let fold = folds.get(queueId);
  if (!fold) {
    fold = { queueId, base: {}, cashier: {}, at };
    folds.set(queueId, fold);
  }
  for (const layer of ['base', 'cashier'] as const) {
    for (const [field, value] of Object.entries(changes[layer] ?? {})) {
      if (value !== undefined) fold[layer][field] = value;
    }
  }
  fold.at = Math.max(fold.at, at);
}

/**
 * The queue's layers after the batch's settings changes: fields set are
 * merged over the layer (`||`), fields unset (null) removed (`-`), as the
 * register's applySettingsChange does. Settings events are rare (a manager's
 * save), so one statement per changed queue is fine.
 */
async function projectSettings(tx: Queryable, register: IngestRegister, fold: SettingsFold): Promise<void> {
  const split = (layer: Record<string, unknown>) => ({
    set: JSON.stringify(Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== null))),
    unset: Object.entries(layer).filter(([, v]) => v === null).map(([k]) => k),
  });
  const base = split(fold.base);
  const cashier = split(fold.cashier);
  await tx.query(
    `INSERT INTO queue_settings AS q (register, queue_id, base, cashier, updated_at) VALUES ($1, $2, $3::jsonb, $5::jsonb, $7)
     ON CONFLICT (register, queue_id) DO UPDATE SET base = (q.base || $3::jsonb) - $4::text[], cashier = (q.cashier || $5::jsonb) - $6::text[],
       updated_at = GREATEST(q.updated_at, $7)`,
    [register.id, fold.queueId, base.set, base.unset, cashier.set, cashier.unset, fold.at],
  );
}

/**
 * Counter enrolments: one member per keyed phone digest across the alliance.
 * The first enrolment of a phone gives the member its canonical id (its
 * local id, unique by the register prefix); every enrolment becomes an alias
 * (register, local id) → canonical id, and the register is told the
 * canonical record in a members push (added in this transaction, so it is
 * announced only after the commit).
 */
async function projectMembers(tx: Queryable, register: IngestRegister, enrolled: { member: EventPayloads['member.enrolled']['member']; at: number }[]): Promise<void> {
  const canonical = new Map<string, Record<string, unknown>>();
  for (const { member, at } of enrolled) {
    await tx.query(
      `INSERT INTO members (id, phone_digest, level, display_name, masked_phone, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [member.id, member.phoneDigest, member.level, member.displayName ?? null, member.maskedPhone ?? null, at],
    );
    const { rows } = await tx.query<{ id: string; level: string; display_name: string | null; masked_phone: string | null; phone_digest: string }>(
      'SELECT id, level, display_name, masked_phone, phone_digest FROM members WHERE phone_digest = $1',
      [member.phoneDigest],
    );
    const row = rows[0]!;
    await tx.query('INSERT INTO member_aliases (register, local_id, member_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [register.id, member.id, row.id]);
    canonical.set(row.id, {
      id: row.id,
      level: row.level,
      phoneDigest: row.phone_digest,
      // Only masked values are ever stored; the push schema wants them masked (with *), else leaves them out.
      ...(row.display_name?.includes('*') ? { displayName: row.display_name } : {}),
      ...(row.masked_phone && /\*{4}/.test(row.masked_phone) ? { maskedPhone: row.masked_phone } : {}),
    });
  }
  await addPush(tx, MESSAGES.members, { storeId: register.storeId, registerId: register.registerId }, { members: [...canonical.values()] }, Math.max(...enrolled.map((e) => e.at)));
}
