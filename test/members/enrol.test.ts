/**
 * Issue #12 §1: 「登记新会员」 at the counter — offline, earns on the same
 * checkout, one phone once per register, an outbox event without the number,
 * and the canonical member from the server mapped without touching history.
 */
import { describe, expect, it } from 'vitest';
import { applyMembersPush } from '../../electron/backend/sync/apply';
import { phoneDigest } from '../../electron/backend/members/phone-digest';
import { TEST_PHONE_KEY, configure, dbHash, openHarness, readyToSell } from '../app/helpers';

const PHONE = '13912345678';
const sale = (memberId: string | null, amountDueFen = 10_000) => ({ amountDueFen, memberId, tenders: [{ kind: 'cash' as const, amountFen: amountDueFen }] });

describe('enrol a member at the counter', () => {
  it('enrols by phone (masked, nickname masked), finds them by phone, and they earn on this very checkout', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10000 });
    expect(await h.ok('members.lookup', { query: PHONE })).toBeNull();
    const member = await h.ok('members.enrol', { phone: '139 1234 5678', nickname: '王小明' });
    expect(member).toMatchObject({ level: 'normal', displayName: '王**', maskedPhone: '139****5678' });
    expect(member.id).toMatch(/^register-1-M[0-9A-Z]{10}$/);
    expect((await h.ok('members.lookup', { query: PHONE }))?.id).toBe(member.id);

    const outcome = await h.ok('checkout.submit', sale(member.id));
    expect(outcome.member?.id).toBe(member.id);
    expect(outcome.entry).toMatchObject({ memberId: member.id, entitlementFen: 10_000 });

    const events = h.backend.db.prepare("SELECT type, payload FROM outbox WHERE type = 'member.enrolled'").all() as { type: string; payload: string }[];
    expect(events).toHaveLength(1);
    const payload = JSON.parse(events[0]!.payload) as { member: Record<string, unknown>; registerId: string; cashierId: string };
    expect(payload.member).toEqual({
      id: member.id,
      level: 'normal',
      displayName: '王**',
      maskedPhone: '139****5678',
      phoneDigest: phoneDigest(TEST_PHONE_KEY, PHONE),
      phoneKeyId: TEST_PHONE_KEY.id,
    });
    expect(events[0]!.payload).not.toContain(PHONE);
    h.close();
  });

  it('the same phone is never enrolled twice; bad numbers and a signed-out register change nothing', async () => {
    const h = openHarness();
    await readyToSell(h);
    await h.ok('members.enrol', { phone: PHONE });
    const before = dbHash(h.backend.db);
    const again = await h.call('members.enrol', { phone: `+86 ${PHONE}` });
    expect(again).toMatchObject({ ok: false, error: { code: 'rule', rule: 'member-exists' } });
    for (const phone of ['12912345678', '1391234567', '139123456789', '２３９１２３４５６７８', 'abc', '']) {
      expect(await h.call('members.enrol', { phone }), phone).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(await h.call('members.enrol', { phone: '13700000000', nickname: 'x'.repeat(21) })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(dbHash(h.backend.db)).toBe(before);
    await h.ok('session.signOut', {});
    expect(await h.call('members.enrol', { phone: '13700000000' })).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    expect(dbHash(h.backend.db)).toBe(before);
    expect(h.backend.db.prepare('SELECT COUNT(*) FROM members').pluck().get()).toBe(1);
    h.close();
  });

  it('the canonical member from the server is mapped onto the local row; no order, entry, ledger row or event changes', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10000, levelRatiosBp: { gold: 15000 } });
    const local = await h.ok('members.enrol', { phone: PHONE, nickname: '小李' });
    await h.ok('checkout.submit', sale(local.id));
    await h.ok('checkout.submit', sale(local.id, 5_000));
    const db = h.backend.db;
    const history = () =>
      JSON.stringify([
        db.prepare('SELECT * FROM orders ORDER BY id').all(),
        db.prepare('SELECT * FROM entries ORDER BY seq').all(),
        db.prepare('SELECT * FROM ledger ORDER BY rowid').all(),
        db.prepare('SELECT * FROM outbox ORDER BY seq').all(),
      ]);
    const before = history();
    const canonical = { id: 'C-000123', level: 'gold', displayName: '李*', maskedPhone: '139****5678', memberCode: 'VIP123', phoneDigest: phoneDigest(TEST_PHONE_KEY, PHONE) };
    expect(applyMembersPush(db, 'sync:members', { pushId: 1, issuedAt: 0, members: [canonical] }, 1)).toBe('applied');
    expect(history()).toBe(before);
    expect(db.prepare('SELECT id, canonical_id, level, member_code, source FROM members').all()).toEqual([
      { id: local.id, canonical_id: 'C-000123', level: 'gold', member_code: 'VIP123', source: 'server' },
    ]);
    for (const query of [PHONE, 'C-000123', 'VIP123', 'member:VIP123', local.id]) expect((await h.ok('members.lookup', { query }))?.id, query).toBe(local.id);
    // A later push of the canonical member updates the same row; sales go on under the local id.
    applyMembersPush(db, 'sync:members', { pushId: 2, issuedAt: 0, members: [{ ...canonical, level: 'normal' }] }, 2);
    expect(db.prepare('SELECT COUNT(*) FROM members').pluck().get()).toBe(1);
    expect(db.prepare('SELECT level FROM members').pluck().get()).toBe('normal');
    const later = await h.ok('checkout.submit', sale(local.id));
    expect(later.member?.id).toBe(local.id);
    h.close();
  });
});
