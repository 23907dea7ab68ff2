/**
 * Personal data in what the server pushes (docs/security.md §3).
 *
 * Member records must arrive masked: the protocol schema already asks for
 * `*` in names and at least 4 hidden digits in phones; this is the stricter
 * check the register applies before anything is stored — no run of more than
 * 4 digits (separators such as spaces, '-' and '.' do not break a run), and
 * no digit other than ASCII 0–9 anywhere (full-width １３８ would pass any
 * ASCII rule unseen). A refused push is logged without its personal fields.
 */
import type { MemberRecord } from '../../../shared/sync/protocol';

/** A digit that is not ASCII: full-width, Arabic-Indic, … */
const OTHER_DIGIT = /(?![0-9])\p{Nd}/u;
/** Five ASCII digits in a row once separators between digits are ignored. */
const LONG_RUN = /[0-9](?:[\s\-.·]*[0-9]){4}/u;

/** Why a member record is not really masked (naming the field, never its value), or null. */
export function unmaskedField(member: Pick<MemberRecord, 'displayName' | 'maskedPhone'>): string | null {
  for (const field of ['displayName', 'maskedPhone'] as const) {
    const value = member[field];
    if (value === undefined) continue;
    if (OTHER_DIGIT.test(value)) return `${field} holds non-ASCII (e.g. full-width) digits`;
    if (LONG_RUN.test(value)) return `${field} shows more than 4 digits in a row`;
  }
  return null;
}

/** The first member of a push that is not really masked, as a sentence without personal data; null when all are. */
export function maskingProblem(members: readonly MemberRecord[]): string | null {
  for (const m of members) {
    const problem = unmaskedField(m);
    if (problem) return `member ${m.id}: ${problem}; the push was refused, nothing stored`;
  }
  return null;
}

/** Keys whose values are personal: never kept in the log of refused messages. */
const PERSONAL_KEYS = new Set(['displayName', 'maskedPhone', 'phone', 'phoneDigest', 'name', 'nickname', 'memberCode', 'mobile']);

/**
 * A copy of a refused message fit for the log: personal fields replaced by
 * "[removed]", and any other run of 5+ digits (ASCII or not) by '#'s.
 */
export function redactPersonal(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[…]';
  if (typeof value === 'string') return value.replace(/\p{Nd}(?:[\s\-.·]*\p{Nd}){4,}/gu, (run) => '#'.repeat(run.length));
  if (Array.isArray(value)) return value.map((v) => redactPersonal(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = PERSONAL_KEYS.has(key) ? '[removed]' : redactPersonal(v, depth + 1);
    return out;
  }
  return value;
}
