/**
 * docs/security.md §1 — PINs: parallel guessing locks after exactly 5 tries,
 * a late wrong PIN never clears or shortens a lock, a manager's sign-in PIN
 * and the manager PIN share one lockout, console sessions expire on a
 * monotonic clock (idle + 8 h cap), and a PIN change ends that person's
 * console session at once.
 */
import { describe, expect, it } from 'vitest';
import { PIN_LOCK_MS, PIN_MAX_FAILURES } from '../../electron/backend/app/register';
import { MANAGER_SESSION_MAX_HOURS, MANAGER_SESSION_MINUTES } from '../../electron/backend/manager/console';
import { HOUR, MANAGER_PIN, managerHarness, openHarness, withConsole } from '../manager/helpers';

describe('PIN lockout under parallel guessing', () => {
  it('200 wrong manager PINs sent at once: exactly 5 are checked, the lock holds and the right PIN is refused', async () => {
    const h = await managerHarness();
    const guesses = Array.from({ length: 200 }, (_, i) => String(1000 + i).padStart(4, '0')).filter((p) => p !== MANAGER_PIN);
    const results = await Promise.all(guesses.map((pin) => h.call('manager.unlock', { pin })));
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    // 4 wrong-pin, the 5th sets the lock, every other try is refused before scrypt.
    expect(codes.filter((c) => c === 'wrong-pin')).toHaveLength(PIN_MAX_FAILURES - 1);
    expect(codes.filter((c) => c === 'locked')).toHaveLength(guesses.length - (PIN_MAX_FAILURES - 1));
    expect(codes).not.toContain('ok');
    const row = h.backend.db.prepare("SELECT failures, locked_until FROM pin_lockouts WHERE scope = 'manager'").get();
    expect(row).toEqual({ failures: PIN_MAX_FAILURES, locked_until: h.clock.now + PIN_LOCK_MS });
    expect(await h.call('manager.unlock', { pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'locked' } });
    h.close();
  });

  it('a wrong PIN that finishes after the lock was set leaves the lock exactly as it was', async () => {
    const h = await managerHarness();
    for (let i = 0; i < PIN_MAX_FAILURES - 1; i++) await h.call('manager.unlock', { pin: '0000' });
    // The 5th (wrong) try and a late one started before it ends: the later
    // one is refused at once, the 5th's failure does not rewrite the lock.
    const fifth = h.call('manager.unlock', { pin: '1111' });
    const late = h.call('manager.unlock', { pin: '2222' });
    h.clock.now += 60_000; // the slow check finishes a minute later (wall clock moved)
    expect(await fifth).toMatchObject({ ok: false, error: { code: 'locked', lockedUntil: h.clock.now - 60_000 + PIN_LOCK_MS } });
    expect(await late).toMatchObject({ ok: false, error: { code: 'locked' } });
    const row = h.backend.db.prepare("SELECT failures, locked_until FROM pin_lockouts WHERE scope = 'manager'").get() as { locked_until: number };
    expect(row.locked_until).toBe(h.clock.now - 60_000 + PIN_LOCK_MS);
    h.close();
  });

  it('parallel wrong sign-in PINs lock a cashier after exactly 5 tries', async () => {
    const h = await managerHarness();
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: MANAGER_PIN });
    const results = await Promise.all(Array.from({ length: 50 }, () => h.call('session.signIn', { cashierId: cashier.id, pin: '9999' })));
    expect(results.filter((r) => !r.ok && r.error.code === 'wrong-pin')).toHaveLength(PIN_MAX_FAILURES - 1);
    expect(await h.call('session.signIn', { cashierId: cashier.id, pin: '1111' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    h.close();
  });

  it("a manager's sign-in PIN and the manager PIN share one lockout", async () => {
    const h = await managerHarness();
    const manager = (await h.ok('cashiers.list', {})).find((c) => c.role === 'manager')!;
    // 3 wrong approvals + 2 wrong sign-ins of the manager = 5: both are locked.
    for (let i = 0; i < 3; i++) expect(await h.call('manager.unlock', { pin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await h.call('session.signIn', { cashierId: manager.id, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await h.call('session.signIn', { cashierId: manager.id, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await h.call('manager.unlock', { pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await h.call('session.signIn', { cashierId: manager.id, pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'locked' } });
    h.close();
  });
});

describe('manager console sessions on a monotonic clock', () => {
  async function monoHarness() {
    const mono = { now: 1_000 };
    const h = withConsole(await managerHarness(), mono);
    return { h, mono };
  }

  it('moving the wall clock back neither extends a session nor brings an expired one back', async () => {
    const { h, mono } = await monoHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    h.clock.now -= 3 * HOUR; // the PC's clock is set back
    mono.now += MANAGER_SESSION_MINUTES * 60_000;
    expect(await h.ok('manager.session', {})).toEqual({ unlocked: false, session: null });
    expect(await h.call('manager.dashboard', {})).toMatchObject({ ok: false, error: { rule: 'manager-pin-required' } });
    h.close();
  });

  it('moving the wall clock forward does not end a session that is still within its time', async () => {
    const { h, mono } = await monoHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    h.clock.now += 3 * HOUR;
    mono.now += 60_000;
    expect((await h.ok('manager.session', {})).unlocked).toBe(true);
    h.close();
  });

  it('a session renewed all day still ends 8 hours after its unlock', async () => {
    const { h, mono } = await monoHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    for (let minutes = 0; minutes < MANAGER_SESSION_MAX_HOURS * 60 - 5; minutes += 5) {
      mono.now += 5 * 60_000;
      h.clock.now += 5 * 60_000;
      expect((await h.call('manager.settings.get', {})).ok, `at ${minutes + 5} min`).toBe(true);
    }
    mono.now += 5 * 60_000;
    expect(await h.call('manager.settings.get', {})).toMatchObject({ ok: false, error: { rule: 'manager-pin-required' } });
    h.close();
  });

  it('a PIN change ends the console session unlocked with the old PIN at once', async () => {
    const { h } = await monoHarness();
    // A cashier is signed in; the manager unlocked the console at their counter.
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: MANAGER_PIN });
    await h.ok('session.signIn', { cashierId: cashier.id, pin: '1111' });
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    await h.ok('manager.changePin', { currentPin: MANAGER_PIN, newPin: '86420' });
    expect(await h.ok('manager.session', {})).toEqual({ unlocked: false, session: null });
    expect(await h.call('manager.dashboard', {})).toMatchObject({ ok: false, error: { rule: 'manager-pin-required' } });
    // The counter session of the cashier is not the manager's: it stays.
    expect(h.backend.cashier?.id).toBe(cashier.id);
    expect((await h.call('manager.unlock', { pin: '86420' })).ok).toBe(true);
    h.close();
  });

  it('endSessionsOf(person) ends their counter session and every console session they unlocked', async () => {
    const { h } = await monoHarness();
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: MANAGER_PIN });
    await h.ok('session.signIn', { cashierId: cashier.id, pin: '1111' });
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    h.backend.staff.endSessionsOf(cashier.id); // what disabling 小王 calls
    expect(h.backend.cashier).toBeNull();
    expect(await h.ok('manager.session', {})).toEqual({ unlocked: false, session: null });
    h.close();
  });
});

it('the harness without a console still opens (sanity)', () => {
  openHarness().close();
});
