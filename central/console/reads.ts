/** What the console's pages read beyond the admin API's lists: registers with their credential state and refusals. */
import type { Queryable } from '../db/adapter';
import { STALE_AFTER_MS } from '../page/render';
import { count, when } from './html';

/** A register not heard from for this long is flagged (a day's trading without sync): the day after which the customer's page says its figures may be behind. */
export const SILENT_AFTER_MS = STALE_AFTER_MS;

export interface ConsoleRegister {
  storeId: string;
  storeName: string;
  registerId: string;
  lastSeq: number;
  lastSeenAt: number | null;
  lastSyncAt: number | null;
  liveTokens: number;
  /** When its live token was issued (the register enrolled). */
  enrolledAt: number | null;
  everEnrolled: boolean;
  /** The newest unused, unexpired enrolment code's expiry (null: none waiting). */
  codeExpiresAt: number | null;
  refusals: number;
  lastRefusalCode: string | null;
  lastRefusalAt: number | null;
  /** Batches the service refused (migration 008), the last one's code, the seq it waited for, when. */
  batchRefusals: number;
  lastBatchCode: string | null;
  expectedSeq: number | null;
  lastBatchAt: number | null;
  /** What the register last said its outbox holds (`sync:status`), and when; null: it never said (an older register). */
  outboxWaiting: number | null;
  waitingReportedAt: number | null;
}

export type RegisterState = 'live' | 'revoked' | 'awaiting' | 'new';

export function registerState(r: ConsoleRegister): RegisterState {
  if (r.liveTokens > 0) return 'live';
  if (r.codeExpiresAt !== null) return 'awaiting';
  return r.everEnrolled ? 'revoked' : 'new';
}

/** Silent: enrolled and not heard from for SILENT_AFTER_MS (since its last contact, or since it enrolled if it never called). */
export const isSilent = (r: ConsoleRegister, now: number) => r.liveTokens > 0 && now - (r.lastSeenAt ?? r.enrolledAt ?? now) > SILENT_AFTER_MS;

export async function consoleRegisters(db: Queryable, now: number, storeId: string | null = null): Promise<ConsoleRegister[]> {
  const { rows } = await db.query<{
    store_id: string;
    store_name: string;
    register_id: string;
    last_seq: number;
    last_seen_at: number | null;
    last_sync_at: number | null;
    live_tokens: number;
    enrolled_at: number | null;
    all_tokens: number;
    code_expires_at: number | null;
    refusals: number;
    last_refusal_code: string | null;
    last_refusal_at: number | null;
    batch_refusals: number | null;
    last_batch_code: string | null;
    expected_seq: number | null;
    last_batch_at: number | null;
    outbox_waiting: number | null;
    waiting_reported_at: number | null;
  }>(
    `SELECT r.store_id, s.name AS store_name, r.register_id, r.last_seq, r.last_seen_at, r.last_sync_at, r.outbox_waiting, r.waiting_reported_at,
       (SELECT count(*) FROM register_tokens t WHERE t.register = r.id AND t.revoked_at IS NULL) AS live_tokens,
       (SELECT max(t.created_at) FROM register_tokens t WHERE t.register = r.id AND t.revoked_at IS NULL) AS enrolled_at,
       (SELECT count(*) FROM register_tokens t WHERE t.register = r.id) AS all_tokens,
       (SELECT max(c.expires_at) FROM enrolment_codes c WHERE c.register = r.id AND c.used_at IS NULL AND c.expires_at > $1) AS code_expires_at,
       (SELECT count(*) FROM push_results x WHERE x.register = r.id AND NOT x.ok) AS refusals,
       f.code AS last_refusal_code, f.at AS last_refusal_at,
       b.refusals AS batch_refusals, b.last_code AS last_batch_code, b.expected_seq, b.last_at AS last_batch_at
     FROM registers r JOIN stores s ON s.id = r.store_id
     LEFT JOIN register_refusals b ON b.register = r.id
     LEFT JOIN LATERAL (SELECT x.answer->'error'->>'code' AS code, x.at FROM push_results x WHERE x.register = r.id AND NOT x.ok ORDER BY x.push_id DESC LIMIT 1) f ON true
     WHERE $2::text IS NULL OR r.store_id = $2::text
     ORDER BY r.store_id, r.register_id LIMIT 5000`,
    [now, storeId],
  );
  return rows.map((r) => ({
    storeId: r.store_id,
    storeName: r.store_name,
    registerId: r.register_id,
    lastSeq: r.last_seq,
    lastSeenAt: r.last_seen_at,
    lastSyncAt: r.last_sync_at,
    liveTokens: r.live_tokens,
    enrolledAt: r.enrolled_at,
    everEnrolled: r.all_tokens > 0,
    codeExpiresAt: r.code_expires_at,
    refusals: r.refusals,
    lastRefusalCode: r.last_refusal_code,
    lastRefusalAt: r.last_refusal_at,
    batchRefusals: r.batch_refusals ?? 0,
    lastBatchCode: r.last_batch_code,
    expectedSeq: r.expected_seq,
    lastBatchAt: r.last_batch_at,
    outboxWaiting: r.outbox_waiting,
    waitingReportedAt: r.waiting_reported_at,
  }));
}

/** A register's refusal code in words for the operator. */
export function refusalText(code: string | null): string {
  switch (code) {
    case 'invalid':
      return '收银台认为推送的内容不合格，没有采用，未做任何改动';
    case 'apply-failed':
      return '收银台无法应用这次推送，未做任何改动（多半是设置与收银台现有情况冲突）';
    case 'unknown-message':
      return '收银台的程序版本太旧，不认识这种推送，请升级收银台';
    case null:
      return '';
    default:
      return '收银台拒收了这次推送，未做任何改动';
  }
}

export async function storeNames(db: Queryable): Promise<{ id: string; name: string }[]> {
  return (await db.query<{ id: string; name: string }>('SELECT id, name FROM stores ORDER BY id LIMIT 5000')).rows;
}

/** The alliance as one: e/r and the tail's wait over every store (the same rules as each store's, central/admin/reads.ts). */
export async function allianceCoverage(db: Queryable, now: number): Promise<{ coverageBp: number | null; tailWaitDays: number | null }> {
  const { rows } = await db.query<{ sales: number; extracted: number; entitled: number; base: number; owed: number; waiting: number; recent: number }>(
    `SELECT m.*, e.*, (SELECT COALESCE(sum(o.extracted_fen), 0) FROM orders o WHERE o.paid_at > $1) AS recent
     FROM (SELECT COALESCE(sum(sales_fen), 0) AS sales, COALESCE(sum(extracted_fen), 0) AS extracted,
             COALESCE(sum(entitled_fen), 0) AS entitled, COALESCE(sum(entitled_base_fen), 0) AS base FROM register_money) m,
          (SELECT count(*) AS waiting, COALESCE(sum(entitlement_fen - received_fen), 0) AS owed FROM entries WHERE state = 'waiting') e`,
    [now - 7 * 86_400_000],
  );
  const r = rows[0]!;
  const e = r.sales > 0 ? Math.floor((r.extracted * 10_000) / r.sales) : 0;
  const rr = r.base > 0 ? Math.floor((r.entitled * 10_000) / r.base) : 0;
  const perDay = r.recent / 7;
  return {
    coverageBp: rr > 0 ? Math.floor((e * 10_000) / rr) : null,
    tailWaitDays: r.waiting > 0 && perDay > 0 ? Math.ceil((r.owed / perDay) * 10) / 10 : null,
  };
}

/** What is still on the register, in words: "0 条", "1,500 条（截至 …）", or that it never said. */
export function waitingText(r: ConsoleRegister, now: number): string {
  // Never said: an older register (it has called), or one that has not called at all.
  if (r.outboxWaiting === null) return r.lastSeenAt !== null ? '未报告' : '—';
  const held = `${count(r.outboxWaiting)} 条`;
  return r.outboxWaiting === 0 && !isSilent(r, now) ? held : `${held}（截至 ${when(r.waitingReportedAt)}）`;
}
