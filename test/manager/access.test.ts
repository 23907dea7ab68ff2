/** Manager access: PIN (the counter's scrypt + lockout), the console session, PIN change, the audit log. */
import { describe, expect, it } from 'vitest';
import { PIN_LOCK_MS } from '../../electron/backend/app/register';
import { MANAGER_SESSION_MINUTES } from '../../electron/backend/manager/index';
import { MANAGER_PIN, managerHarness, withConsole } from './helpers';

function auditActions(h: { backend: { db: { prepare(sql: string): { all(): unknown[] } } } }): { action: string; manager_id: string | null }[] {
  return h.backend.db.prepare('SELECT action, manager_id FROM manager_audit ORDER BY id').all() as { action: string; manager_id: string | null }[];
}

describe('manager access', () => {
  it('every manager command needs an unlocked session or a PIN; a wrong PIN is refused and audited', async () => {
    const h = await managerHarness();
    expect(await h.call('manager.dashboard', {})).toMatchObject({ ok: false, error: { code: 'rule', rule: 'manager-pin-required' } });
    expect(await h.call('manager.settings.get', { managerPin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await h.call('manager.unlock', { pin: '1357' })).toMatchObject({ ok: false, error: { code: 'wrong-pin', message: expect.stringContaining('3 tries left') } });
    expect(auditActions(h).map((a) => a.action)).toEqual(['pin.wrong', 'pin.wrong']);
    const session = await h.ok('manager.unlock', { pin: MANAGER_PIN });
    expect(session.expiresAt).toBe(h.clock.now + MANAGER_SESSION_MINUTES * 60_000);
    expect((await h.call('manager.dashboard', {})).ok).toBe(true);
    expect(auditActions(h).at(-1)).toMatchObject({ action: 'console.unlock', manager_id: session.managerId });
    // A malformed PIN never reaches the check.
    expect(await h.call('manager.unlock', { pin: '12' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    h.close();
  });

  it('the session ends after 10 minutes without a manager command, on lock, and when the cashier signs out', async () => {
    const h = await managerHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    h.clock.now += 9 * 60_000;
    expect((await h.call('manager.settings.get', {})).ok).toBe(true); // renews
    h.clock.now += 9 * 60_000;
    expect((await h.call('manager.settings.get', {})).ok).toBe(true);
    h.clock.now += MANAGER_SESSION_MINUTES * 60_000;
    expect(await h.ok('manager.session', {})).toEqual({ unlocked: false, session: null });
    expect(await h.call('manager.settings.get', {})).toMatchObject({ ok: false, error: { rule: 'manager-pin-required' } });
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    await h.ok('manager.lock', {});
    expect(await h.call('manager.settings.get', {})).toMatchObject({ ok: false, error: { rule: 'manager-pin-required' } });
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    await h.ok('session.signOut', {});
    const manager = (await h.ok('cashiers.list', {}))[0]!;
    await h.ok('session.signIn', { cashierId: manager.id, pin: MANAGER_PIN });
    expect((await h.ok('manager.session', {})).unlocked).toBe(false);
    h.close();
  });

  it('5 wrong PINs lock manager actions for 5 minutes (even the right PIN, even refunds), across a restart', async () => {
    let h = await managerHarness();
    // A cashier signs in after the restart (a manager's own sign-in shares the lock).
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: MANAGER_PIN });
    for (let i = 0; i < 4; i++) expect(await h.call('manager.unlock', { pin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await h.call('manager.settings.save', { managerPin: '0000', changes: { extractionBp: 100 } })).toMatchObject({
      ok: false,
      error: { code: 'locked', lockedUntil: h.clock.now + PIN_LOCK_MS },
    });
    expect(await h.call('manager.unlock', { pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'locked' } });
    h = withConsole(h.reopen());
    expect(await h.call('session.signIn', { cashierId: (await h.ok('cashiers.list', {})).find((c) => c.role === 'manager')!.id, pin: MANAGER_PIN })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    await h.ok('session.signIn', { cashierId: cashier.id, pin: '1111' });
    expect(await h.call('manager.unlock', { pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(h.backend.store.loadQueue(h.backend.queueId)!.layers.cashier.extractionBp).toBeUndefined();
    h.clock.now += PIN_LOCK_MS;
    expect((await h.call('manager.unlock', { pin: MANAGER_PIN })).ok).toBe(true);
    const actions = auditActions(h).map((a) => a.action);
    expect(actions.filter((a) => a === 'pin.wrong')).toHaveLength(4);
    expect(actions.filter((a) => a === 'pin.locked')).toHaveLength(3);
    h.close();
  });

  it('changing the PIN: the old one stops working, the new one works, the hash is scrypt, the change is audited', async () => {
    const h = await managerHarness();
    expect(await h.call('manager.changePin', { currentPin: MANAGER_PIN, newPin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const { managerId } = await h.ok('manager.changePin', { currentPin: MANAGER_PIN, newPin: '86420' });
    expect(await h.call('manager.unlock', { pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect((await h.call('manager.unlock', { pin: '86420' })).ok).toBe(true);
    const row = h.backend.db.prepare('SELECT pin_hash FROM cashiers WHERE id = ?').get(managerId) as { pin_hash: string };
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    expect(row.pin_hash).not.toContain('86420');
    expect(auditActions(h).map((a) => a.action)).toContain('pin.change');
    // The audit log cannot be rewritten.
    expect(() => h.backend.db.prepare('DELETE FROM manager_audit').run()).toThrow(/append-only/);
    const log = await h.ok('manager.audit.list', { log: 'actions' });
    expect(log.rows[0]).toMatchObject({ log: 'actions', action: 'console.unlock', managerId, managerName: '店长' });
    h.close();
  });
});
