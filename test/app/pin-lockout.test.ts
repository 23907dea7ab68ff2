/** Manager PIN approval and sign-in PINs: wrong-pin, 5 wrong tries lock for 5 minutes, and the lock survives a restart. */
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../electron/backend/app/errors';
import { MANAGER_LOCK_SCOPE, PIN_MAX_FAILURES, PinLockout } from '../../electron/backend/app/pin-lockout';
import { PIN_LOCK_MS } from '../../electron/backend/app/register';
import { openHarness, readyToSell, type Harness } from './helpers';

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

/** The lockout module alone (electron/backend/app/pin-lockout.ts): counting, the lock, and one check at a time per scope. */
describe('PinLockout', () => {
  const rows = (h: Harness) => h.backend.db.prepare('SELECT scope, failures, locked_until FROM pin_lockouts ORDER BY scope').all();
  const thrown = (f: () => unknown): AppError => {
    try {
      f();
    } catch (error) {
      return error as AppError;
    }
    throw new Error('did not throw');
  };

  it('counts each try before the check, locks at the fifth, refuses while locked, starts afresh after; a right PIN clears only its scope', () => {
    const h = openHarness();
    const lockout = new PinLockout(h.backend);
    for (let i = 1; i < PIN_MAX_FAILURES; i++) {
      const reserved = lockout.reserveTry('signin:a');
      expect(reserved).toEqual({ failures: i, lockedUntil: null, now: h.clock.now });
      const wrong = thrown(() => lockout.wrongPin('signin:a', 'sign-in', reserved));
      expect(wrong).toMatchObject({ code: 'wrong-pin', message: expect.stringContaining(`${PIN_MAX_FAILURES - i} tries left`) });
    }
    // The wrong PIN wrote nothing more: the count is the reservations'.
    expect(rows(h)).toEqual([{ scope: 'signin:a', failures: PIN_MAX_FAILURES - 1, locked_until: null }]);
    const last = lockout.reserveTry('signin:a');
    expect(last.lockedUntil).toBe(h.clock.now + PIN_LOCK_MS);
    expect(thrown(() => lockout.wrongPin('signin:a', 'sign-in', last))).toMatchObject({ code: 'locked', extra: { lockedUntil: last.lockedUntil } });
    h.clock.now += PIN_LOCK_MS - 1;
    expect(thrown(() => lockout.reserveTry('signin:a'))).toMatchObject({ code: 'locked', extra: { lockedUntil: last.lockedUntil } });
    // Another scope is not touched by this one's lock.
    expect(lockout.reserveTry(MANAGER_LOCK_SCOPE).failures).toBe(1);
    h.clock.now += 1;
    expect(lockout.reserveTry('signin:a')).toMatchObject({ failures: 1, lockedUntil: null });
    lockout.rightPin('signin:a');
    expect(rows(h)).toEqual([{ scope: MANAGER_LOCK_SCOPE, failures: 1, locked_until: null }]);
    lockout.clear(MANAGER_LOCK_SCOPE);
    expect(rows(h)).toEqual([]);
    h.close();
  });

  it('managers share one scope, cashiers lock per person', () => {
    expect(PinLockout.lockScope({ id: 'c-1', role: 'manager' })).toBe(MANAGER_LOCK_SCOPE);
    expect(PinLockout.lockScope({ id: 'c-2', role: 'manager' })).toBe(MANAGER_LOCK_SCOPE);
    expect(PinLockout.lockScope({ id: 'c-3', role: 'cashier' })).toBe('signin:c-3');
  });

  it('runs the checks of one scope one after another (a failed one too), other scopes at once, an idle scope synchronously', async () => {
    const h = openHarness();
    const lockout = new PinLockout(h.backend);
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const check = (name: string, fail = false) => () => {
      log.push(`start ${name}`);
      return new Promise<string>((resolve, reject) => {
        gates.set(name, () => {
          log.push(`end ${name}`);
          if (fail) reject(new Error(name));
          else resolve(name);
        });
      });
    };
    const a = lockout.oneAtATime('manager', check('a', true));
    const b = lockout.oneAtATime('manager', check('b'));
    const c = lockout.oneAtATime('manager', check('c'));
    const other = lockout.oneAtATime('signin:x', check('x'));
    // Idle scopes start synchronously; the busy one waits.
    expect(log).toEqual(['start a', 'start x']);
    gates.get('x')!();
    await expect(other).resolves.toBe('x');
    expect(log).toEqual(['start a', 'start x', 'end x']);
    gates.get('a')!();
    await expect(a).rejects.toThrow('a');
    await Promise.resolve();
    expect(log.slice(3)).toEqual(['end a', 'start b']);
    gates.get('b')!();
    await expect(b).resolves.toBe('b');
    await Promise.resolve();
    expect(log.slice(5)).toEqual(['end b', 'start c']);
    gates.get('c')!();
    await expect(c).resolves.toBe('c');
    // Drained: the next check of the scope starts at once again.
    await new Promise((resolve) => setTimeout(resolve, 0));
    void lockout.oneAtATime('manager', check('d'));
    expect(log.at(-1)).toBe('start d');
    gates.get('d')!();
    h.close();
  });
});
