/** Manager PIN approval and sign-in PINs: wrong-pin, 5 wrong tries lock for 5 minutes, and the lock survives a restart. */
import { describe, expect, it } from 'vitest';
import { PIN_LOCK_MS } from '../../electron/backend/app/register';
import { openHarness, readyToSell } from './helpers';

const sale = { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: 1000 }] };

describe('manager PIN and lockout', () => {
  it('a refund with a wrong manager PIN is refused with wrong-pin and changes nothing', async () => {
    const h = openHarness();
    await readyToSell(h);
    const order = await h.ok('checkout.submit', sale);
    const r = await h.call('queue.refund', { orderId: order.orderId, managerPin: '0000' });
    expect(r).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(h.backend.store.getOrder('register-1', order.orderId)?.refundedAt).toBeNull();
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM refunds').get()).toEqual({ n: 0 });
    h.close();
  });

  it("any manager's PIN approves; a cashier's PIN does not", async () => {
    const h = openHarness();
    await readyToSell(h);
    await h.ok('cashiers.create', { name: '副店长', pin: '9999', role: 'manager', managerPin: '2468' });
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: '9999' });
    await h.ok('session.signIn', { cashierId: cashier.id, pin: '1111' });
    const a = await h.ok('checkout.submit', sale);
    const b = await h.ok('checkout.submit', sale);
    expect(await h.call('queue.refund', { orderId: a.orderId, managerPin: '1111' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect((await h.call('queue.refund', { orderId: a.orderId, managerPin: '9999' })).ok).toBe(true);
    expect((await h.call('queue.refund', { orderId: b.orderId, managerPin: '2468' })).ok).toBe(true);
    const approvers = h.backend.db.prepare('SELECT cashier_id, approved_by FROM refunds ORDER BY at, order_id').all() as { cashier_id: string }[];
    expect(approvers.every((r) => r.cashier_id === cashier.id)).toBe(true);
    h.close();
  });

  it('5 wrong tries lock for 5 minutes, even the right PIN, and the lock survives a reopen', async () => {
    let h = openHarness();
    await readyToSell(h);
    // A cashier signs in after the restart (a manager's own sign-in shares the lock).
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: '2468' });
    const order = await h.ok('checkout.submit', sale);
    for (let i = 1; i <= 4; i++) {
      const r = await h.call('queue.refund', { orderId: order.orderId, managerPin: '0000' });
      expect(r, `try ${i}`).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    }
    const fifth = await h.call('queue.refund', { orderId: order.orderId, managerPin: '0000' });
    expect(fifth).toMatchObject({ ok: false, error: { code: 'locked', lockedUntil: h.clock.now + PIN_LOCK_MS } });
    expect(await h.call('queue.refund', { orderId: order.orderId, managerPin: '2468' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await h.call('cashiers.create', { name: 'Z', pin: '1234', role: 'cashier', managerPin: '2468' })).toMatchObject({ ok: false, error: { code: 'locked' } });

    // Restart the app: the lock is in the database, not in memory.
    h = h.reopen();
    await h.ok('session.signIn', { cashierId: cashier.id, pin: '1111' });
    h.clock.now += PIN_LOCK_MS - 1000;
    expect(await h.call('queue.refund', { orderId: order.orderId, managerPin: '2468' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    h.clock.now += 1000;
    // The lock ran out: a fresh count, and the right PIN works.
    expect(await h.call('queue.refund', { orderId: order.orderId, managerPin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong-pin', message: expect.stringContaining('4 tries left') } });
    expect(await h.ok('queue.refund', { orderId: order.orderId, managerPin: '2468' })).toEqual({ orderId: order.orderId, forfeitedFen: 0 });
    expect(h.backend.db.prepare("SELECT count(*) AS n FROM pin_lockouts WHERE scope = 'manager'").get()).toEqual({ n: 0 });
    h.close();
  });

  it('sign-in PINs lock per cashier, persisted', async () => {
    let h = openHarness();
    const manager = await h.ok('setup.createManager', { name: '店长', pin: '2468' });
    for (let i = 0; i < 4; i++) expect(await h.call('session.signIn', { cashierId: manager.id, pin: '1357' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await h.call('session.signIn', { cashierId: manager.id, pin: '1357' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    h = h.reopen();
    expect(await h.call('session.signIn', { cashierId: manager.id, pin: '2468' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    h.clock.now += PIN_LOCK_MS;
    expect((await h.call('session.signIn', { cashierId: manager.id, pin: '2468' })).ok).toBe(true);
    h.close();
  });
});
