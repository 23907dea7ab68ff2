/**
 * The shift screen never takes an empty field as ¥0: F8 before the cash is
 * counted (or Enter right after a Z report, the float field empty) is told
 * what to type and leaves the cursor in that field; nothing is sent. The
 * close question shows the counted cash as money (¥1,800.00), and Esc puts
 * the cursor back in the counted cash.
 */
import { describe, expect, it } from 'vitest';
import { useSessionStore } from '../../renderer/stores/session';
import ShiftView from '../../renderer/views/ShiftView.vue';
import { fakeApi, flush, mountWith, press, statusFixture } from './helpers';

let wrapper: ReturnType<typeof mountWith> | null = null;

const focusedIn = (id: string) => document.activeElement?.closest(`[data-test="${id}"]`) != null;

async function mountShift(shiftOpen: boolean) {
  const api = fakeApi();
  const status = statusFixture(shiftOpen ? {} : { shift: null });
  api.on('app.status', () => status);
  wrapper = mountWith(ShiftView);
  useSessionStore().status = status;
  await flush();
  return api;
}

describe('shift screen: an empty amount is never ¥0', () => {
  it('F8 with the counted cash empty: no question, nothing closed, told to count, the cursor in the counted cash', async () => {
    const api = await mountShift(true);
    (document.body as HTMLElement).focus();
    press('F8');
    await flush();
    expect(document.querySelector('[data-test="confirm-close"]')).toBeNull();
    expect(api.calls.some((c) => c.name === 'shift.close')).toBe(false);
    expect(wrapper!.find('[data-test="shift-error"]').text()).toContain('清点');
    expect(wrapper!.find('[data-test="shift-error"]').text()).toContain('输入 0');
    expect(focusedIn('counted-cash')).toBe(true);
  });

  it('the question shows the counted cash as ¥1,800.00; Esc back to the field; Enter closes with 180000 fen', async () => {
    const api = await mountShift(true);
    // Refused here: only what was sent matters (a Z report's card is another test's).
    api.on('shift.close', () => {
      throw Object.assign(new Error('refused'), { code: 'rule' });
    });
    await wrapper!.find('[data-test="counted-cash"]').setValue('1800');
    press('F8');
    await flush();
    expect(document.querySelector('[data-test="confirm-close-counted"]')?.textContent).toBe('¥1,800.00');
    press('Escape');
    await flush();
    expect(api.calls.some((c) => c.name === 'shift.close')).toBe(false);
    expect(focusedIn('counted-cash')).toBe(true);
    press('F8');
    await flush();
    press('Enter');
    await flush();
    expect(api.calls.find((c) => c.name === 'shift.close')?.input).toEqual({ countedCashFen: 180000 });
  });

  it('no shift open: F1 (checkout) and F2 (the line) say a shift is needed first, the cursor in the float; nothing else happens', async () => {
    const api = await mountShift(false);
    (document.body as HTMLElement).focus();
    press('F1');
    await flush();
    expect(wrapper!.find('[data-test="shift-error"]').text()).toContain('先开班');
    expect(focusedIn('opening-float')).toBe(true);
    expect(api.calls.some((c) => c.name === 'shift.open')).toBe(false);
  });

  it('no shift open: Enter with the float empty opens nothing, says to type the float (0 for none), the cursor in it; 0 opens', async () => {
    const api = await mountShift(false);
    api.on('shift.open', () => null);
    (document.body as HTMLElement).focus();
    press('Enter');
    await flush();
    expect(api.calls.some((c) => c.name === 'shift.open')).toBe(false);
    expect(wrapper!.find('[data-test="shift-error"]').text()).toContain('备用金');
    expect(focusedIn('opening-float')).toBe(true);
    await wrapper!.find('[data-test="opening-float"]').setValue('0');
    press('Enter');
    await flush();
    expect(api.calls.find((c) => c.name === 'shift.open')?.input).toEqual({ openingFloatFen: 0 });
  });
});
