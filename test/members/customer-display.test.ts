/**
 * Issue #12 §2: the customer display's state, composed in plain Node from the
 * real register (no Electron): idle → typing → result → idle, the draw as it
 * happens, and the choice of screen.
 */
import { describe, expect, it } from 'vitest';
import { chooseCustomerDisplay } from '../../electron/backend/customer/choose-display';
import type { CustomerDisplayState } from '../../shared/customer-display';
import { configure, openHarness, readyToSell } from '../app/helpers';

describe('customer display state', () => {
  it('idle → typing → result → idle, pushed to subscribers only when it changes; typing needs a signed-in cashier', async () => {
    const h = openHarness();
    h.backend.db.prepare("INSERT INTO app_meta (key, value) VALUES ('store.name', '幸福超市')").run();
    await readyToSell(h);
    configure(h.backend, { rebateName: '排队返现', extractionBp: 1000, defaultRatioBp: 10000 });
    const seen: CustomerDisplayState[] = [];
    h.backend.customerDisplay.subscribe((s) => seen.push(s));
    await h.ok('display.idle', {});
    expect(h.backend.customerDisplay.current()).toEqual({ phase: 'idle', storeName: '幸福超市', rebateName: '排队返现', enabled: true, extractionBp: 1000 });
    await h.ok('display.typing', { amountDueFen: 10_000, deductionFen: 1_500 });
    await h.ok('display.typing', { amountDueFen: 10_000, deductionFen: 1_500 });
    expect(h.backend.customerDisplay.current()).toMatchObject({ phase: 'typing', amountDueFen: 10_000, deductionFen: 1_500, toPayFen: 8_500 });
    const member = await h.ok('members.enrol', { phone: '13700000001', nickname: '周' });
    await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: member.id, pointsDeductionFen: 1_500, tenders: [{ kind: 'cash', amountFen: 9_000 }] });
    expect(h.backend.customerDisplay.current()).toMatchObject({
      phase: 'result',
      actualPaidFen: 8_500,
      changeFen: 500,
      isMember: true,
      member: { displayName: '周*', maskedPhone: '137****0001' },
      entry: { entitlementFen: 8_500, ratioBp: 10_000, position: 1, aheadFen: 0, receivedFen: 0, pendingFen: 8_500 },
      extractionBp: 1000,
    });
    await h.ok('display.idle', {});
    // The first idle is pushed because the store name changed since the register opened; the repeated typing is not.
    expect(seen.map((s) => s.phase)).toEqual(['idle', 'typing', 'result', 'idle']);
    await h.ok('session.signOut', {});
    expect(await h.call('display.typing', { amountDueFen: 1, deductionFen: 0 })).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    expect(await h.call('display.typing', { amountDueFen: 1.5, deductionFen: 0 } as never)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    h.close();
  });

  it('a lottery draw is shown as it happens: the choices and the drawn ratio', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10000, lottery: { fixedBp: [5000, 10000, 20000] } } as never);
    const member = await h.ok('members.enrol', { phone: '13700000002' });
    const sale = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: member.id, tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    expect(sale.entry?.canDraw).toBe(true);
    const drawn = await h.ok('queue.draw', { orderId: sale.orderId });
    const state = h.backend.customerDisplay.current();
    expect(state).toMatchObject({ phase: 'draw', choicesBp: [5000, 10000, 20000], drawnBp: drawn.drawnBp });
    if (state.phase === 'draw') expect(state.entry.entitlementFen).toBe(drawn.entry.entitlementFen);
    h.close();
  });

  it('chooses the first screen that is not the cashier’s, a chosen one, or none', () => {
    const b = { x: 0, y: 0, width: 800, height: 600 };
    const screens = [{ id: 1, bounds: b }, { id: 7, bounds: { ...b, x: 1920 } }, { id: 9, bounds: { ...b, x: 2720 } }];
    expect(chooseCustomerDisplay(screens, 1, undefined)?.id).toBe(7);
    expect(chooseCustomerDisplay(screens, 1, 'auto')?.id).toBe(7);
    expect(chooseCustomerDisplay(screens, 1, '9')?.id).toBe(9);
    expect(chooseCustomerDisplay(screens, 1, 'off')).toBeNull();
    expect(chooseCustomerDisplay(screens, 1, '1')).toBeNull();
    expect(chooseCustomerDisplay(screens, 1, '42')).toBeNull();
    expect(chooseCustomerDisplay([screens[0]!], 1, undefined)).toBeNull();
  });

  it('the manager chooses the screen (or off): saved, audited, and the shell told to move the window', async () => {
    const h = openHarness();
    await readyToSell(h);
    const applied: string[] = [];
    const b = { x: 0, y: 0, width: 1920, height: 1080 };
    h.backend.screenControl = {
      screens: () => [{ id: 1, bounds: b, primary: true }, { id: 5, bounds: { ...b, x: 1920, width: 1024, height: 768 }, primary: false }],
      apply: (setting) => applied.push(setting),
    };
    await h.ok('manager.unlock', { pin: '2468' });
    expect(await h.ok('manager.customerDisplay.get', {})).toEqual({
      display: 'auto',
      screens: [{ id: 1, width: 1920, height: 1080, primary: true }, { id: 5, width: 1024, height: 768, primary: false }],
      showingOn: 5,
    });
    expect(await h.ok('manager.customerDisplay.save', { display: 'off' })).toMatchObject({ display: 'off', showingOn: null });
    expect(await h.ok('manager.customerDisplay.save', { display: 5 })).toMatchObject({ display: 5, showingOn: 5 });
    expect(applied).toEqual(['off', '5']);
    expect(await h.call('manager.customerDisplay.save', { display: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const audit = h.backend.db.prepare("SELECT detail FROM manager_audit WHERE action = 'customerDisplay.save' ORDER BY id").pluck().all();
    expect(audit).toEqual([JSON.stringify({ 'display.customer': { old: 'auto', new: 'off' } }), JSON.stringify({ 'display.customer': { old: 'off', new: '5' } })]);
    h.close();
  });
});
