/** The staff section (员工) through the real command handler: add, rename, disable, reset a PIN; names in history. */
import { describe, expect, it } from 'vitest';
import { msg } from '../../shared/messages/catalogue';
import { messageText } from '../../renderer/i18n/messages';
import { dbHash } from './helpers';
import { managerHarness, MANAGER_PIN } from '../manager/helpers';

describe('staff', () => {
  it('a manager adds a cashier and a manager; both can sign in; the list names who added them; audited', async () => {
    const h = await managerHarness();
    const a = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小王', role: 'cashier', pin: '1111' });
    const b = await h.ok('manager.staff.create', { name: '老李', role: 'manager', pin: '3333' });
    expect(a).toMatchObject({ name: '小王', role: 'cashier', disabledAt: null, createdByName: '店长' });
    expect(b.role).toBe('manager');
    const { staff } = await h.ok('manager.staff.list', {});
    expect(staff.map((s) => s.name).sort()).toEqual(['小王', '店长', '老李'].sort());
    expect(await h.ok('session.signIn', { cashierId: a.id, pin: '1111' })).toMatchObject({ name: '小王' });
    const actions = h.backend.db.prepare("SELECT action, detail FROM manager_audit WHERE action LIKE 'staff.%' ORDER BY id").all() as { action: string; detail: string }[];
    expect(actions.map((r) => r.action)).toEqual(['staff.create', 'staff.create']);
    expect(actions.every((r) => !r.detail.includes('1111') && !r.detail.includes('3333'))).toBe(true);
    h.close();
  });

  it('without an unlocked console or a manager PIN nothing is changed', async () => {
    const h = await managerHarness();
    const before = dbHash(h.backend.db);
    const r = await h.call('manager.staff.create', { name: '小王', role: 'cashier', pin: '1111' });
    expect(r).toMatchObject({ ok: false, error: { code: 'rule', rule: 'manager-pin-required' } });
    const bad = await h.call('manager.staff.create', { managerPin: MANAGER_PIN, name: '   ', role: 'cashier', pin: '12' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(bad.ok ? [] : bad.error.issues?.map((i) => i.path).sort()).toEqual(['name', 'pin']);
    expect(dbHash(h.backend.db)).toBe(before);
    h.close();
  });

  it('rename keeps the id; a taken name is refused; receipts and the audit log show the new name', async () => {
    const h = await managerHarness();
    const a = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小王', role: 'cashier', pin: '1111' });
    await h.ok('manager.staff.create', { name: '小李', role: 'cashier', pin: '2222' });
    expect(await h.call('manager.staff.rename', { cashierId: a.id, name: '小李' })).toMatchObject({ ok: false, error: { rule: 'duplicate-cashier' } });
    expect(await h.ok('manager.staff.rename', { cashierId: a.id, name: '王小明' })).toMatchObject({ id: a.id, name: '王小明' });
    await h.ok('session.signIn', { cashierId: a.id, pin: '1111' });
    const sale = await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] });
    expect(sale.receiptLines.join('\n')).toMatch(/收银员\s+王小明/);
    expect(sale.receiptLines.join('\n')).not.toContain(a.id);
    const audit = h.backend.db.prepare("SELECT detail FROM manager_audit WHERE action = 'staff.rename'").get() as { detail: string };
    expect(JSON.parse(audit.detail)).toEqual({ cashierId: a.id, old: '小王', new: '王小明' });
    h.close();
  });

  it('a disabled cashier cannot sign in, is not offered at sign-in, loses their session; history keeps the name; enable again', async () => {
    const h = await managerHarness();
    const a = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小王', role: 'cashier', pin: '1111' });
    await h.ok('session.signIn', { cashierId: a.id, pin: '1111' });
    const sale = await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] });
    await h.ok('session.signOut', {});
    const manager = (await h.ok('cashiers.list', {})).find((c) => c.role === 'manager')!;
    await h.ok('session.signIn', { cashierId: manager.id, pin: MANAGER_PIN });
    // The approving manager cannot disable themselves.
    expect(await h.call('manager.staff.setDisabled', { managerPin: MANAGER_PIN, cashierId: manager.id, disabled: true })).toMatchObject({
      ok: false,
      error: { rule: 'cannot-disable-self' },
    });
    const off = await h.ok('manager.staff.setDisabled', { managerPin: MANAGER_PIN, cashierId: a.id, disabled: true });
    expect(off.disabledAt).not.toBeNull();
    expect(off.disabledByName).toBe('店长');
    expect((await h.ok('cashiers.list', {})).map((c) => c.name)).toEqual(['店长']);
    expect((await h.ok('cashiers.signInChoices', {})).cashiers.map((c) => c.name)).toEqual(['店长']);
    await h.ok('session.signOut', {});
    const refused = await h.call('session.signIn', { cashierId: a.id, pin: '1111' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rule', rule: 'cashier-disabled' } });
    // History keeps the name.
    await h.ok('session.signIn', { cashierId: manager.id, pin: MANAGER_PIN });
    expect((await h.ok('orders.get', { orderId: sale.orderId })).cashierName).toBe('小王');
    await h.ok('manager.staff.setDisabled', { managerPin: MANAGER_PIN, cashierId: a.id, disabled: false });
    await h.ok('session.signOut', {});
    expect((await h.ok('session.signIn', { cashierId: a.id, pin: '1111' })).name).toBe('小王');
    h.close();
  });

  it('disabling the person signed in at the counter ends their session at once', async () => {
    const h = await managerHarness();
    const m2 = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '老李', role: 'manager', pin: '3333' });
    await h.ok('session.signIn', { cashierId: m2.id, pin: '3333' });
    // 老李 is at the counter; the first manager's PIN disables them.
    await h.ok('manager.staff.setDisabled', { managerPin: MANAGER_PIN, cashierId: m2.id, disabled: true });
    expect((await h.ok('app.status', {})).cashier).toBeNull();
    // A disabled manager's PIN approves nothing.
    const first = (await h.ok('cashiers.list', {}))[0]!;
    await h.ok('session.signIn', { cashierId: first.id, pin: MANAGER_PIN });
    expect(await h.call('manager.unlock', { pin: '3333' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    h.close();
  });

  it('a PIN reset needs a manager PIN even in an unlocked console, ends the person\'s sessions and clears their lockout', async () => {
    const h = await managerHarness();
    const a = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小王', role: 'cashier', pin: '1111' });
    // The schema requires managerPin: an unlocked console alone is not enough.
    expect(await h.call('manager.staff.resetPin', { cashierId: a.id, newPin: '5555' } as never)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await h.call('manager.staff.resetPin', { managerPin: '0000', cashierId: a.id, newPin: '5555' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    await h.ok('session.signOut', {});
    for (let i = 0; i < 5; i++) await h.call('session.signIn', { cashierId: a.id, pin: '9999' });
    expect(await h.call('session.signIn', { cashierId: a.id, pin: '1111' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    const first = (await h.ok('cashiers.list', {})).find((c) => c.role === 'manager')!;
    await h.ok('session.signIn', { cashierId: first.id, pin: MANAGER_PIN });
    await h.ok('manager.staff.resetPin', { managerPin: MANAGER_PIN, cashierId: a.id, newPin: '5555' });
    await h.ok('session.signOut', {});
    expect(await h.call('session.signIn', { cashierId: a.id, pin: '1111' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect((await h.ok('session.signIn', { cashierId: a.id, pin: '5555' })).name).toBe('小王');
    h.close();
  });

  it("a cashier's new PIN equal to an enabled manager's is refused in Chinese (add at the counter, add in the console, reset); nothing written", async () => {
    const h = await managerHarness();
    await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '老李', role: 'manager', pin: '3333' });
    const a = await h.ok('manager.staff.create', { name: '小王', role: 'cashier', pin: '1111' });
    const before = dbHash(h.backend.db);
    const refusals = [
      await h.call('manager.staff.create', { managerPin: MANAGER_PIN, name: '小张', role: 'cashier', pin: MANAGER_PIN }),
      // The second manager's PIN too: every enabled manager's hash is checked.
      await h.call('manager.staff.create', { managerPin: MANAGER_PIN, name: '小张', role: 'cashier', pin: '3333' }),
      await h.call('cashiers.create', { name: '小张', pin: '3333', role: 'cashier', managerPin: MANAGER_PIN }),
      await h.call('manager.staff.resetPin', { managerPin: MANAGER_PIN, cashierId: a.id, newPin: '3333' }),
    ];
    for (const r of refusals) {
      expect(r).toMatchObject({ ok: false, error: { code: 'rule', rule: 'pin-is-managers', reason: { code: 'staff.pinIsManagers' } } });
      expect(messageText(r.ok ? msg('internal') : r.error.reason!, 'zh-CN')).toBe('这个密码与一位店长的密码相同，收银员要用自己的密码。请换一个密码。');
    }
    expect(dbHash(h.backend.db)).toBe(before);
    // A wrong approving PIN is refused as wrong before anything about the new PIN is said.
    expect(await h.call('manager.staff.create', { managerPin: '0000', name: '小张', role: 'cashier', pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    // A disabled manager's PIN approves nothing, so a cashier may have it.
    const li = (await h.ok('manager.staff.list', {})).staff.find((s) => s.name === '老李')!;
    await h.ok('manager.staff.setDisabled', { managerPin: MANAGER_PIN, cashierId: li.id, disabled: true });
    expect(await h.ok('manager.staff.resetPin', { managerPin: MANAGER_PIN, cashierId: a.id, newPin: '3333' })).toMatchObject({ id: a.id });
    expect(await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小张', role: 'cashier', pin: '4444' })).toMatchObject({ name: '小张' });
    h.close();
  });

  it('sign-in preselects whoever last signed in at this register (across a restart)', async () => {
    let h = await managerHarness();
    const a = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小王', role: 'cashier', pin: '1111' });
    await h.ok('session.signIn', { cashierId: a.id, pin: '1111' });
    h = h.reopen();
    expect(await h.ok('cashiers.signInChoices', {})).toMatchObject({ lastCashierId: a.id });
    h.close();
  });

  it('the audit list names who was signed in', async () => {
    const h = await managerHarness();
    await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小王', role: 'cashier', pin: '1111' });
    const { rows } = await h.ok('manager.audit.list', { log: 'actions' });
    expect(rows[0]).toMatchObject({ action: 'staff.create', managerName: '店长', cashierName: '店长' });
    h.close();
  });
});
