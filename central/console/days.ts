/**
 * Liability day by day (Asia/Shanghai days, which have no summer time: a day
 * is [00:00, 24:00) at UTC+8), for one store or the whole alliance, read from
 * the events the registers sent — the ledger rows every event carries — so no
 * projection of the ingest has to keep daily counters.
 *
 * Each day's flows: 抽成 (extraction), 已返 (payouts), 作废 (cleared and
 * cancelled), 兑换 (exchanged and random-return points), 未分配, sales, and
 * the entitlement that joined the line (a draw counts its change). 尚欠 at
 * each day's end is worked back from the amount owed now (the entries
 * projection): owed(d − 1) = owed(d) − joined(d) + paid(d) + forfeited(d) +
 * exchanged(d). The flows are exact; a test checks that working back over the
 * whole history ends at 0 before the first sale.
 *
 * Cost: one scan of the events of the range (the events of the last N days of
 * the chosen stores); the console asks for 30 days.
 */
import type { Queryable } from '../db/adapter';

export const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Shanghai day number of an instant (days since 1970-01-01 at UTC+8). */
export const shanghaiDay = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
/** The instant a Shanghai day starts. */
export const dayStart = (day: number) => day * DAY_MS - SHANGHAI_OFFSET_MS;

export interface LiabilityDay {
  day: number;
  salesFen: number;
  extractedFen: number;
  paidOutFen: number;
  forfeitedFen: number;
  exchangedFen: number;
  undistributedFen: number;
  joinedFen: number;
  /** 尚欠 at the end of the day. */
  owedFen: number;
}

const KIND_COLUMN: Record<string, keyof Omit<LiabilityDay, 'day' | 'owedFen'>> = {
  extraction: 'extractedFen',
  payout: 'paidOutFen',
  clearing: 'forfeitedFen',
  cancellation: 'forfeitedFen',
  exchange_points: 'exchangedFen',
  exchange_vouchers: 'exchangedFen',
  random_points: 'exchangedFen',
  undistributed: 'undistributedFen',
  sales: 'salesFen',
  joined: 'joinedFen',
};

/**
 * The last `days` days up to the day of `now` (oldest first), for `storeId`
 * or every store (null). `fromDay` (tests): start there instead.
 */
export async function liabilityDays(db: Queryable, storeId: string | null, now: number, days: number, fromDay?: number): Promise<LiabilityDay[]> {
  const today = shanghaiDay(now);
  const first = fromDay ?? today - days + 1;
  const { rows } = await db.query<{ day: number; kind: string; amount: number }>(
    `WITH ev AS (
       SELECT e.register, e.queue_id, e.type, e.at, e.payload, floor((e.at + ${SHANGHAI_OFFSET_MS}) / ${DAY_MS})::bigint AS day
       FROM events e JOIN registers r ON r.id = e.register
       WHERE ($1::text IS NULL OR r.store_id = $1::text) AND e.at >= $2::bigint
     )
     SELECT day, kind, sum(amount)::bigint AS amount FROM (
       SELECT ev.day, l->>'kind' AS kind, (l->>'amountFen')::bigint AS amount
         FROM ev CROSS JOIN LATERAL jsonb_array_elements(COALESCE(ev.payload->'ledger', '[]'::jsonb)) AS l
       UNION ALL
       SELECT ev.day, 'sales', (ev.payload->'order'->>'actualPaidFen')::bigint FROM ev WHERE ev.type = 'order.checkout'
       UNION ALL
       SELECT ev.day, 'joined', (ev.payload->'entry'->>'entitlementFen')::bigint FROM ev
         WHERE ev.type = 'order.checkout' AND ev.payload->'entry'->>'state' = 'waiting'
       UNION ALL
       -- A draw replaces the entitlement the entry joined with.
       SELECT d.day, 'joined', (d.payload->>'entitlementFen')::bigint - COALESCE((
           SELECT (c.payload->'entry'->>'entitlementFen')::bigint FROM events c
           WHERE c.register = d.register AND c.queue_id = d.queue_id AND c.type = 'order.checkout'
             AND c.payload->'order'->>'id' = d.payload->>'orderId' LIMIT 1), 0)
         FROM ev d WHERE d.type = 'entry.drawn'
     ) x GROUP BY day, kind`,
    [storeId, dayStart(first)],
  );
  const byDay = new Map<number, LiabilityDay>();
  const last = Math.max(today, ...rows.map((r) => r.day));
  for (let d = first; d <= last; d++) {
    byDay.set(d, { day: d, salesFen: 0, extractedFen: 0, paidOutFen: 0, forfeitedFen: 0, exchangedFen: 0, undistributedFen: 0, joinedFen: 0, owedFen: 0 });
  }
  for (const r of rows) {
    const column = KIND_COLUMN[r.kind];
    const day = byDay.get(r.day);
    if (column && day) day[column] += r.amount;
  }
  const owedNow = await db.query<{ owed: number }>(
    `SELECT COALESCE(sum(e.entitlement_fen - e.received_fen), 0) AS owed FROM entries e WHERE e.state = 'waiting' AND ($1::text IS NULL OR e.store_id = $1::text)`,
    [storeId],
  );
  const list = [...byDay.values()];
  let owed = owedNow.rows[0]?.owed ?? 0;
  for (let i = list.length - 1; i >= 0; i--) {
    const d = list[i]!;
    d.owedFen = owed;
    owed = owed - d.joinedFen + d.paidOutFen + d.forfeitedFen + d.exchangedFen;
  }
  // Only the days up to today are charted (a register clock ahead of ours still counts in the figures above).
  return list.filter((d) => d.day <= today);
}

/** What the owed amount was before the first day (0 when the range covers the whole history). */
export function owedBefore(days: readonly LiabilityDay[]): number {
  const first = days[0];
  return first ? first.owedFen - first.joinedFen + first.paidOutFen + first.forfeitedFen + first.exchangedFen : 0;
}

/**
 * The chart's figures, kept a minute per store (and for the alliance) by one
 * console instance: the alliance's 30 days scan every event of the range
 * (about 2 s for a million events on the loaded 2-core test machine, docs/central.md),
 * and an operator moving between pages should not pay that each time.
 */
export class DaysCache {
  private readonly entries = new Map<string, { at: number; days: LiabilityDay[] }>();

  constructor(private readonly ttlMs = 60_000) {}

  async get(db: Queryable, storeId: string | null, now: number, days: number): Promise<LiabilityDay[]> {
    const key = `${storeId ?? ''}\u0000${days}`;
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs && now >= hit.at) return hit.days;
    const fresh = await liabilityDays(db, storeId, now, days);
    if (this.entries.size > 1000) this.entries.clear();
    this.entries.set(key, { at: now, days: fresh });
    return fresh;
  }
}
