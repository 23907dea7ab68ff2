/**
 * Members as the screens show them (name, masked phone, member code; never
 * the internal id): one read shared by the line and "why this ratio?", so
 * both name a member by the same three facts.
 */
import type { LineMemberView } from '../../../shared/contract';
import type { Db } from '../store/database';
import { statement } from '../store/statements';

/** The members among `ids` still known, keyed by id: one read of at most the ids given, whatever the history. */
export function shownMembers(db: Db, ids: readonly string[]): Map<string, LineMemberView> {
  const found = new Map<string, LineMemberView>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return found;
  const read = statement(db, `SELECT id, display_name, masked_phone, member_code FROM members WHERE id IN (${unique.map(() => '?').join(', ')})`);
  for (const m of read.all(...unique) as { id: string; display_name: string | null; masked_phone: string | null; member_code: string | null }[]) {
    found.set(m.id, { displayName: m.display_name, maskedPhone: m.masked_phone, code: m.member_code });
  }
  return found;
}
