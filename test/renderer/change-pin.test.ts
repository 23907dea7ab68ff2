/** F11 修改 PIN: the cursor in 当前 PIN on opening (it sat on the dialog); two new PINs that differ empty the repeat and put the cursor there; nothing is sent. */
import { describe, expect, it } from 'vitest';
import ChangePinDialog from '../../renderer/manager/ChangePinDialog.vue';
import { fakeApi, flush, mountWith, press } from './helpers';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const focusedTest = () => document.activeElement?.getAttribute('data-test');

describe('change PIN dialog', () => {
  it('opens with the cursor in 当前 PIN; a repeat that differs is emptied and gets the cursor', async () => {
    const api = fakeApi();
    const wrapper = mountWith(ChangePinDialog, { props: { open: false } });
    await wrapper.setProps({ open: true });
    await flush();
    await wait(80);
    expect(focusedTest()).toBe('change-pin-current');
    const field = (id: string) => document.querySelector(`[data-test="${id}"]`) as HTMLInputElement;
    for (const [id, value] of [
      ['change-pin-current', '2468'],
      ['change-pin-next', '1357'],
      ['change-pin-again', '1358'],
    ] as const) {
      field(id).value = value;
      field(id).dispatchEvent(new Event('input'));
    }
    await flush();
    press('Enter');
    await flush();
    await wait(80);
    expect(document.querySelector('[data-test="change-pin-error"]')?.textContent).toBeTruthy();
    expect(field('change-pin-again').value).toBe('');
    expect(focusedTest()).toBe('change-pin-again');
    expect(api.calls.some((c) => c.name === 'manager.changePin')).toBe(false);
  });
});
