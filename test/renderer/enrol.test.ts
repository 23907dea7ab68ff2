/**
 * 「登记新会员」 from the checkout (issue #12 §1): a phone number not found
 * offers enrolment by key (Ctrl+N); a bad number is told and not sent; the
 * enrolled member becomes this sale's member and the sale pays with them.
 */
import { describe, expect, it } from 'vitest';
import { useCheckoutStore } from '../../renderer/stores/checkout';
import CheckoutView from '../../renderer/views/CheckoutView.vue';
import { fakeApi, flush, mountWith, press } from './helpers';

let wrapper: ReturnType<typeof mountWith> | null = null;

const dialog = () => document.querySelector('[data-test="enrol-dialog"]');
const input = (test: string) => document.querySelector(`[data-test="${test}"]`) as HTMLInputElement;
async function type(test: string, text: string) {
  const el = input(test);
  el.value = text;
  el.dispatchEvent(new Event('input'));
  await flush();
}

describe('enrol at the counter', () => {
  it('an unknown phone offers 登记新会员; Ctrl+N opens it; the member earns on this sale', async () => {
    const api = fakeApi();
    api.on('members.lookup', () => null);
    api.on('members.enrol', (i) => {
      expect(i).toEqual({ phone: '13912345678', nickname: '小王' });
      return { id: 'register-1-MABCDEFGHJK', level: 'normal', displayName: '小*', maskedPhone: '139****5678' };
    });
    api.on('checkout.submit', (i) => ({ orderId: 'o-1', member: null, entry: null, receiptLines: [], ratioSteps: [], payouts: [], ...(i as object) }));
    wrapper = mountWith(CheckoutView);
    await flush();
    await wrapper.find('[data-test="amount"]').setValue('50');
    await wrapper.find('[data-test="member"]').setValue('139 1234 5678');
    press('Enter');
    await flush();
    expect(wrapper.find('[data-test="enrol-open"]').exists()).toBe(true);
    const ctrlN = new KeyboardEvent('keydown', { key: 'n', ctrlKey: true, bubbles: true, cancelable: true });
    window.dispatchEvent(ctrlN);
    await flush();
    expect(dialog()).not.toBeNull();
    expect(input('enrol-phone').value).toBe('139 1234 5678');
    expect(document.querySelector('[data-test="enrol-mask"]')?.textContent).toBe('139****5678');
    await type('enrol-nickname', '小王');
    press('Enter');
    await flush();
    const store = useCheckoutStore();
    expect(store.memberState).toBe('found');
    expect(store.member?.id).toBe('register-1-MABCDEFGHJK');
    // The full number no longer sits in the member field.
    expect(store.memberQuery).toBe('139****5678');
    press('Enter');
    await flush();
    const submit = api.calls.find((c) => c.name === 'checkout.submit')!.input as { memberId: unknown };
    expect(submit.memberId).toBe('register-1-MABCDEFGHJK');
  });

  it('a number that is not a mainland mobile is told in Chinese and never sent; a member code not found offers no enrolment', async () => {
    const api = fakeApi();
    api.on('members.lookup', () => null);
    wrapper = mountWith(CheckoutView);
    await flush();
    await wrapper.find('[data-test="member"]').setValue('VIP404');
    press('Enter');
    await flush();
    expect(wrapper.find('[data-test="member-unknown"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="enrol-open"]').exists()).toBe(false);
    await wrapper.find('[data-test="member"]').setValue('12912345678');
    press('Enter');
    await flush();
    expect(wrapper.find('[data-test="enrol-open"]').exists()).toBe(false);
    // Opened by key anyway: the number must be fixed first.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    press('Enter');
    await flush();
    expect(document.querySelector('[data-test="enrol-phone-problem"]')?.textContent).toContain('请输入正确的大陆手机号');
    expect(api.calls.some((c) => c.name === 'members.enrol')).toBe(false);
  });
});
