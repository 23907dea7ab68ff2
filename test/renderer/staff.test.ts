/** The staff section (员工) in happy-dom with a fake API: keys open each dialog with its first field focused; reset asks for the manager PIN; sign-in preselects the last cashier. */
import { describe, expect, it } from 'vitest';
import type { StaffView } from '../../shared/contract-manager';
import StaffPanel from '../../renderer/manager/StaffPanel.vue';
import { useManagerStore } from '../../renderer/stores/manager';
import SignInView from '../../renderer/views/SignInView.vue';
import { fakeApi, flush, mountWith, press, statusFixture } from './helpers';

const person = (id: string, name: string, over: Partial<StaffView> = {}): StaffView => ({
  id,
  name,
  role: 'cashier',
  createdAt: 0,
  createdByName: '陈店长',
  disabledAt: null,
  disabledByName: null,
  ...over,
});

let wrapper: ReturnType<typeof mountWith> | null = null;

async function typeInto(selector: string, text: string) {
  const input = document.querySelector<HTMLInputElement>(selector)!;
  input.value = text;
  input.dispatchEvent(new Event('input'));
  await flush();
  return input;
}

describe('the staff section', () => {
  it('Insert adds a person (name focused first, PIN twice), Ctrl+D disables the chosen one, Ctrl+P resets a PIN with the manager PIN', async () => {
    const api = fakeApi();
    let staff = [person('m1', '陈店长', { role: 'manager', createdByName: null }), person('c1', '林小红')];
    api.on('manager.staff.list', () => ({ staff }));
    api.on('manager.staff.create', (raw) => {
      const i = raw as { name: string; role: 'cashier' | 'manager' };
      const p = person('c2', i.name, { role: i.role });
      staff = [...staff, p];
      return p;
    });
    api.on('manager.staff.setDisabled', (raw) => {
      const i = raw as { cashierId: string; disabled: boolean };
      staff = staff.map((s) => (s.id === i.cashierId ? { ...s, disabledAt: i.disabled ? 1 : null } : s));
      return staff.find((s) => s.id === i.cashierId)!;
    });
    api.on('manager.staff.resetPin', (raw) => staff.find((s) => s.id === (raw as { cashierId: string }).cashierId)!);
    wrapper = mountWith(StaffPanel);
    useManagerStore().session = { managerId: 'm1', name: '陈店长', expiresAt: 0 };
    await flush();
    expect(wrapper.findAll('[data-test="staff-row"]').map((r) => r.attributes('data-name'))).toEqual(['陈店长', '林小红']);

    press('Insert');
    await flush();
    await new Promise((r) => setTimeout(r, 10));
    expect(document.activeElement?.getAttribute('data-test')).toBe('staff-name');
    await typeInto('[data-test="staff-name"]', '周晓明');
    await typeInto('[data-test="staff-pin"]', '9753');
    const again = await typeInto('[data-test="staff-pin-again"]', '9751');
    press('Enter', again);
    await flush();
    expect(document.querySelector('[data-test="staff-error"]')!.textContent).toBe('两次输入的 PIN 码不一致');
    await typeInto('[data-test="staff-pin-again"]', '9753');
    press('Enter', again);
    await flush();
    expect(api.calls.find((c) => c.name === 'manager.staff.create')!.input).toEqual({ name: '周晓明', role: 'cashier', pin: '9753' });
    expect(wrapper.find('[data-test="staff-notice"]').text()).toBe('已添加 周晓明');
    expect(document.activeElement?.getAttribute('data-test')).toBe('staff-list');

    // The new person is chosen; ↑ to 林小红, Ctrl+D, Enter.
    press('ArrowUp');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'd', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    expect(document.body.textContent).toContain('停用 林小红？');
    press('Enter');
    await flush();
    expect(api.calls.find((c) => c.name === 'manager.staff.setDisabled')!.input).toEqual({ cashierId: 'c1', disabled: true });
    expect(wrapper.find('[data-test="staff-notice"]').text()).toBe('已停用 林小红');

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'p', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    await new Promise((r) => setTimeout(r, 10));
    expect(document.activeElement?.getAttribute('data-test')).toBe('staff-manager-pin');
    await typeInto('[data-test="staff-manager-pin"]', '2468');
    await typeInto('[data-test="staff-pin"]', '5555');
    const pinAgain = await typeInto('[data-test="staff-pin-again"]', '5555');
    press('Enter', pinAgain);
    await flush();
    expect(api.calls.find((c) => c.name === 'manager.staff.resetPin')!.input).toEqual({ managerPin: '2468', cashierId: 'c1', newPin: '5555' });
  });

  it('once 已添加 shows, the dialog is closed: Insert adds the next person while the list is still reloading', async () => {
    const api = fakeApi();
    let staff = [person('m1', '陈店长', { role: 'manager', createdByName: null })];
    let releaseList: (() => void) | null = null;
    api.on('manager.staff.list', () => (staff.length === 1 ? { staff } : new Promise((resolve) => (releaseList = () => resolve({ staff })))));
    api.on('manager.staff.create', (raw) => {
      const p = person('c2', (raw as { name: string }).name);
      staff = [...staff, p];
      return p;
    });
    wrapper = mountWith(StaffPanel);
    useManagerStore().session = { managerId: 'm1', name: '陈店长', expiresAt: 0 };
    await flush();
    press('Insert');
    await flush();
    await new Promise((r) => setTimeout(r, 10));
    await typeInto('[data-test="staff-name"]', '周晓明');
    await typeInto('[data-test="staff-pin"]', '9753');
    press('Enter', await typeInto('[data-test="staff-pin-again"]', '9753'));
    await flush();
    // The list reload has not answered yet; what the manager sees says the person was added…
    expect(wrapper.find('[data-test="staff-notice"]').text()).toBe('已添加 周晓明');
    expect(releaseList).not.toBeNull();
    // …the dialog is closed, the cursor on the list…
    expect(document.activeElement?.getAttribute('data-test')).toBe('staff-list');
    // …and the next Insert opens the dialog again (it was swallowed by the closing dialog before).
    press('Insert');
    await flush();
    await new Promise((r) => setTimeout(r, 10));
    expect(document.activeElement?.getAttribute('data-test')).toBe('staff-name');
    expect(document.querySelector<HTMLInputElement>('[data-test="staff-name"]')!.value).toBe('');
    releaseList!();
    await flush();
  });

  it('the add dialog: Ctrl+2 / Ctrl+1 choose the role (keys shown on the buttons), Enter walks to the next empty field, a refused PIN puts the cursor on it', async () => {
    const api = fakeApi();
    api.on('manager.staff.list', () => ({ staff: [person('m1', '陈店长', { role: 'manager', createdByName: null })] }));
    api.on('manager.staff.create', (raw) => person('m2', (raw as { name: string }).name, { role: 'manager' }));
    wrapper = mountWith(StaffPanel);
    useManagerStore().session = { managerId: 'm1', name: '陈店长', expiresAt: 0 };
    await flush();
    const ctrl = (key: string, target: EventTarget = window) => target.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: true, bubbles: true, cancelable: true }));
    const focused = () => document.activeElement?.getAttribute('data-test');

    press('Insert');
    await flush();
    await new Promise((r) => setTimeout(r, 10));
    const role = document.querySelector('[data-test="staff-role"]')!;
    expect(role.querySelector('[data-test="staff-role-cashier"]')!.textContent).toContain('Ctrl+1');
    expect(role.querySelector('[data-test="staff-role-manager"]')!.textContent).toContain('Ctrl+2');
    // The role first: chosen, and the cursor stays in the empty name field.
    ctrl('2', document.activeElement!);
    await flush();
    expect(role.getAttribute('data-role')).toBe('manager');
    expect(focused()).toBe('staff-name');
    ctrl('1', document.activeElement!);
    await flush();
    expect(role.getAttribute('data-role')).toBe('cashier');
    const name = await typeInto('[data-test="staff-name"]', '王店长');
    // Enter after the name: on to the PIN, nothing refused yet.
    press('Enter', name);
    await flush();
    expect(focused()).toBe('staff-pin');
    expect(document.querySelector('[data-test="staff-error"]')).toBeNull();
    // Ctrl+2 while typing in the PIN field: 店长, the cursor stays where the PIN goes.
    ctrl('2', document.activeElement!);
    await flush();
    expect(role.getAttribute('data-role')).toBe('manager');
    expect(focused()).toBe('staff-pin');
    const pin = await typeInto('[data-test="staff-pin"]', '12');
    press('Enter', pin);
    await flush();
    expect(focused()).toBe('staff-pin-again');
    // A PIN too short is refused when the form is complete: the cursor goes back to it.
    const again = await typeInto('[data-test="staff-pin-again"]', '12');
    press('Enter', again);
    await flush();
    expect(document.querySelector('[data-test="staff-error"]')!.textContent).toBe('PIN 码是 4–8 位数字');
    expect(focused()).toBe('staff-pin');
    // Ctrl+1 back to 收银员, Ctrl+2 again; with the PIN typed the cursor goes to the empty repeat.
    ctrl('1');
    await flush();
    expect(role.getAttribute('data-role')).toBe('cashier');
    await typeInto('[data-test="staff-pin"]', '8642');
    await typeInto('[data-test="staff-pin-again"]', '');
    ctrl('2');
    await flush();
    expect(focused()).toBe('staff-pin-again');
    press('Enter', await typeInto('[data-test="staff-pin-again"]', '8642'));
    await flush();
    expect(api.calls.find((c) => c.name === 'manager.staff.create')!.input).toEqual({ name: '王店长', role: 'manager', pin: '8642' });
    expect(focused()).toBe('staff-list');
  });
});

describe('sign-in', () => {
  it('preselects whoever last signed in here and points to the staff section', async () => {
    const api = fakeApi();
    api.on('app.status', () => statusFixture({ cashier: null, shift: null }));
    api.on('cashiers.signInChoices', () => ({
      cashiers: [
        { id: 'm1', name: '陈店长', role: 'manager' },
        { id: 'c1', name: '林小红', role: 'cashier' },
      ],
      lastCashierId: 'c1',
    }));
    wrapper = mountWith(SignInView);
    await flush();
    expect(wrapper.find('.cashier[aria-checked="true"] .name').text()).toBe('林小红');
    expect(wrapper.find('[data-test="sign-in-staff-hint"]').text()).toContain('员工');
  });

  it('first run: two PINs that differ empty the repeat, say to type it again there, and put the cursor in it; nothing is created', async () => {
    const api = fakeApi();
    api.on('app.status', () => statusFixture({ cashier: null, shift: null }));
    api.on('cashiers.signInChoices', () => ({ cashiers: [], lastCashierId: null }));
    wrapper = mountWith(SignInView);
    await flush();
    await wrapper.find('[data-test="first-name"]').setValue('陈店长');
    await wrapper.find('[data-test="first-pin"]').setValue('2468');
    await wrapper.find('[data-test="first-pin-again"]').setValue('2469');
    press('Enter');
    await flush();
    expect(wrapper.find('[data-test="sign-in-error"]').text()).toContain('重新输入');
    expect((wrapper.find('[data-test="first-pin-again"]').element as HTMLInputElement).value).toBe('');
    expect(document.activeElement?.getAttribute('data-test')).toBe('first-pin-again');
    expect(api.calls.some((c) => c.name === 'setup.createManager')).toBe(false);
  });
});
