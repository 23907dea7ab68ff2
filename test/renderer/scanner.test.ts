import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { installScanner, ScanDetector } from '../../renderer/composables/scanner';
import { useCheckoutStore } from '../../renderer/stores/checkout';
import CheckoutView from '../../renderer/views/CheckoutView.vue';
import { fakeApi, flush, mountWith } from './helpers';

describe('keyboard-wedge scanner detection', () => {
  it('a fast burst ending in Enter is a scan', () => {
    const d = new ScanDetector();
    let t = 1000;
    for (const k of 'VIP0001') expect(d.key(k, (t += 8))).toBeNull();
    expect(d.key('Enter', (t += 8))?.code).toBe('VIP0001');
  });
  it('people typing (slow keys) then Enter is not a scan', () => {
    const d = new ScanDetector();
    let t = 1000;
    for (const k of '168.00') d.key(k, (t += 120));
    expect(d.key('Enter', (t += 120))).toBeNull();
  });
  it('a short fast burst (three keys) is not a scan; a pause restarts the burst', () => {
    const d = new ScanDetector();
    let t = 0;
    for (const k of '100') d.key(k, (t += 5));
    expect(d.key('Enter', (t += 5))).toBeNull();
    d.key('1', (t += 5));
    d.key('2', (t += 500)); // a pause: only the keys after it count
    for (const k of '345') d.key(k, (t += 5));
    expect(d.key('Enter', (t += 5))?.code).toBe('2345');
  });
  it('Shift (scanned capitals) does not break a burst; other keys do', () => {
    const d = new ScanDetector();
    let t = 0;
    for (const k of ['Shift', 'M', 'Shift', 'C', '2', '0', '0']) d.key(k, (t += 4));
    expect(d.key('Enter', (t += 4))?.code).toBe('MC200');
    for (const k of ['M', 'C', 'ArrowLeft', '2', '0']) d.key(k, (t += 4));
    expect(d.key('Enter', (t += 4))).toBeNull();
  });
});

describe('a scan at the checkout goes to member lookup, whatever has the focus', () => {
  let wrapper: ReturnType<typeof mountWith> | null = null;
  let remove: (() => void) | null = null;
  afterEach(() => {
    remove?.();
  });

  // Each key is stamped 5 ms after the previous one, as a scanner sends them:
  // on a loaded machine the real time between two awaited keys here can pass
  // the 35 ms scan gap and make the test flaky.
  let clock = 1_000;
  function fire(target: EventTarget, key: string) {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    clock += 5;
    Object.defineProperty(event, 'timeStamp', { value: clock });
    const accepted = target.dispatchEvent(event);
    // What the browser would do for an unhandled printable key in a text field.
    if (accepted && key.length === 1 && target instanceof HTMLInputElement) {
      target.value += key;
      target.dispatchEvent(new Event('input', { bubbles: true }));
    }
    return event;
  }

  it('restores the focused amount field, swallows the Enter (no payment) and looks the member up', async () => {
    const api = fakeApi();
    api.on('members.lookup', (input) => ((input as { query: string }).query === 'VIP0001' ? { id: 'M001', level: 'gold', displayName: '王*', maskedPhone: '138****8000' } : null));
    api.on('checkout.submit', () => {
      throw new Error('must not pay');
    });
    wrapper = mountWith(CheckoutView);
    const store = useCheckoutStore();
    remove = installScanner((code) => void store.lookupMember(code));
    const amount = wrapper.find('[data-test="amount"]').element as HTMLInputElement;
    await wrapper.find('[data-test="amount"]').setValue('168');
    amount.focus();
    // Each key is its own task in a browser (Vue re-renders between them).
    for (const k of 'VIP0001') {
      fire(amount, k);
      await nextTick();
    }
    expect(store.amountText).toBe('168VIP0001'); // the burst did land in the field…
    const enter = fire(amount, 'Enter');
    await flush();
    expect(enter.defaultPrevented).toBe(true);
    expect(store.amountText).toBe('168'); // …and was taken out again
    expect(amount.value).toBe('168');
    expect(api.calls.map((c) => c.name).filter((n) => !n.startsWith('display.'))).toEqual(['members.lookup']);
    expect(wrapper.find('[data-test="member-found"]').text()).toContain('王*');
  });

  it('a scan with nothing focused also reaches the member lookup', async () => {
    const api = fakeApi();
    api.on('members.lookup', () => ({ id: 'M003', level: 'normal', displayName: '张*', maskedPhone: null }));
    wrapper = mountWith(CheckoutView);
    const store = useCheckoutStore();
    remove = installScanner((code) => void store.lookupMember(code));
    (document.activeElement as HTMLElement | null)?.blur();
    for (const k of 'member:MC30003') fire(document.body, k);
    fire(document.body, 'Enter');
    await flush();
    expect(api.calls[0]).toEqual({ name: 'members.lookup', input: { query: 'member:MC30003' } });
    expect(store.member?.id).toBe('M003');
  });
});
