/**
 * Members at the counter: 「登记新会员」 (issue #12 §1).
 *
 * A phone number not found offers enrolment: the cashier enters the mainland
 * mobile number and an optional nickname, and the member can earn on the very
 * checkout that follows. It works offline: the member row and its
 * `member.enrolled` outbox event are written in one transaction; the central
 * service later answers with its canonical member for that phone, which
 * `applyMembersPush` maps onto this row (docs/sync.md "Members enrolled at the
 * counter"). The number itself is never stored: only its keyed digest and
 * the mask (docs/security.md §3). One phone is enrolled at most once per
 * register (the digest is UNIQUE).
 */
import { randomBytes } from 'node:crypto';
import type { MemberView, ParsedCommandInput } from '../../../shared/contract';
import { maskMobile, maskNickname, normalizeMainlandMobile } from '../../../shared/members';
import { msg } from '../../../shared/messages/catalogue';
import { phoneDigest } from '../members/phone-digest';
import { AppError } from './errors';
import type { RegisterBackend } from './register';
import { memberView } from './views';

/** The level a member enrolled at the counter starts at (the default ratio applies unless a level ratio is set for it). */
export const ENROLLED_LEVEL = 'normal';

const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `<register>-M<10 base32>`: 50 random bits, unique among registers without asking anyone. */
function newLocalMemberId(registerId: string): string {
  const bytes = randomBytes(10);
  let code = '';
  for (const b of bytes) code += BASE32[b & 31];
  return `${registerId}-M${code}`;
}

export class Members {
  constructor(private readonly core: RegisterBackend) {}

  enrol(input: ParsedCommandInput<'members.enrol'>): MemberView {
    const cashier = this.core.requireSession();
    const key = this.core.phoneKey;
    if (!key) {
      throw new AppError('rule', msg('member.phoneKeyMissing'), {
        rule: 'phone-key-missing',
      });
    }
    const digits = normalizeMainlandMobile(input.phone);
    // The contract checked it already; this guards a caller that skipped it.
    if (!digits) throw new AppError('rule', msg('member.phoneInvalid'), { rule: 'phone-invalid' });
    const digest = phoneDigest(key, digits);
    const maskedPhone = maskMobile(digits);
    const displayName = input.nickname ? maskNickname(input.nickname) : null;
    const { db, store } = this.core;
    const id = store.transaction(() => {
      const existing = db.prepare('SELECT id FROM members WHERE phone_digest = ?').pluck().get(digest) as string | undefined;
      if (existing) throw new AppError('rule', msg('member.exists'), { rule: 'member-exists' });
      const at = this.core.now();
      const memberId = newLocalMemberId(this.core.registerId);
      db.prepare(
        `INSERT INTO members (id, level, display_name, masked_phone, member_code, phone_digest, phone_key_id, source, updated_at, enrolled_at, enrolled_by)
         VALUES (?, ?, ?, ?, NULL, ?, ?, 'local', ?, ?, ?)`,
      ).run(memberId, ENROLLED_LEVEL, displayName, maskedPhone, digest, key.id, at, at, cashier.id);
      store.appendOutbox({
        id: this.core.ctx().newEventId(),
        queueId: this.core.queueId,
        type: 'member.enrolled',
        at,
        payload: {
          member: { id: memberId, level: ENROLLED_LEVEL, displayName, maskedPhone, phoneDigest: digest, phoneKeyId: key.id },
          registerId: this.core.registerId,
          cashierId: cashier.id,
        },
      });
      return memberId;
    });
    this.core.notifyChanged();
    return memberView(store.getMember(id)!);
  }
}
