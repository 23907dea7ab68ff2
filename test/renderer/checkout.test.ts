import { describe, expect, it } from 'vitest';
import type { CheckoutOutcome } from '../../shared/contract';
import { msg } from '../../shared/messages/catalogue';
import { applyKeypad, parseAmountText } from '../../renderer/money-input';
import { fenToText, needsLargeChangeCheck, quickAmountFen } from '../../renderer/checkout-figures';
import { computeFigures, useCheckoutStore } from '../../renderer/stores/checkout';
import CheckoutView from '../../renderer/views/CheckoutView.vue';
import { fakeApi, flush, mountWith, press } from './helpers';

function outcome(over: Partial<CheckoutOutcome> = {}): CheckoutOutcome {
  return {
    orderId: 'register-1-20260302-000001',
    paidAt: 0,
    amountDueFen: 16800,
    deductionFen: 0,
    actualPaidFen: 16800,
    changeFen: 3200,
    member: null,
    extractedFen: 1680,
    paidToQueueFen: 1680,
    payouts: [],
    entry: null,
    noEntitlementReason: 'walk-in',
    ratioSteps: [],
    rebateName: '排队返现',
    receiptLines: ['测试店', '合计 168.00'],
    ...over,
  };
}

let wrapper: ReturnType<typeof mountWith> | null = null;

describe('amount text → integer fen (no floats)', () => {
  it('parses yuan text exactly', () => {
    expect(parseAmountText('12')).toEqual({ ok: true, fen: 1200 });
    expect(parseAmountText('12.5')).toEqual({ ok: true, fen: 1250 });
    expect(parseAmountText('0.07')).toEqual({ ok: true, fen: 7 });
    expect(parseAmountText('19.99')).toEqual({ ok: true, fen: 1999 }); // 19.99 * 100 = 1998.9999… as a float
    expect(parseAmountText('')).toEqual({ ok: true, fen: null });
  });
  it('refuses what is not yuan with at most two decimals', () => {
    for (const bad of ['12.345', '-1', '1e3', '1,000', 'abc', '1. 5']) expect(parseAmountText(bad).ok).toBe(false);
    expect(parseAmountText('10000001')).toEqual({ ok: false, reason: 'too-large' });
  });
  it('the keypad keeps at most two decimals', () => {
    let text = '';
    for (const k of ['1', '2', '.', '3', '4', '5']) text = applyKeypad(text, k);
    expect(text).toBe('12.34');
    expect(applyKeypad('0', '00')).toBe('0');
    expect(applyKeypad('12', '⌫')).toBe('1');
    expect(applyKeypad('12', 'C')).toBe('');
  });
});

describe('tenders, split tender and change', () => {
  it('one empty tender line pays exactly what is due', () => {
    const f = computeFigures('168', '', '', [{ kind: 'cash', text: '' }]);
    expect(f.problem).toBeNull();
    expect(f.tenders).toEqual([{ kind: 'cash', amountFen: 16800 }]);
    expect(f.changeFen).toBe(0);
  });
  it('cash over the amount gives change', () => {
    const f = computeFigures('168', '', '', [{ kind: 'cash', text: '200' }]);
    expect(f.changeFen).toBe(3200);
    expect(f.tenders).toEqual([{ kind: 'cash', amountFen: 20000 }]);
  });
  it('a split tender: the last empty line takes the rest', () => {
    const f = computeFigures('300', '', '', [
      { kind: 'cash', text: '100' },
      { kind: 'wechat', text: '' },
    ]);
    expect(f.tenders).toEqual([
      { kind: 'cash', amountFen: 10000 },
      { kind: 'wechat', amountFen: 20000 },
    ]);
    expect(f.remainingFen).toBe(0);
  });
  it('deductions lower what is paid; too much deduction is refused', () => {
    expect(computeFigures('88', '10', '5', [{ kind: 'card', text: '' }]).actualPaidFen).toBe(7300);
    // Flagged as it is typed, with how much too much, and where to correct it.
    expect(computeFigures('10', '8', '5', [{ kind: 'card', text: '' }]).problem).toEqual({ key: 'counterFlow.deductionOver', params: { amountFen: 300 }, focus: 'love' });
  });
  it('paid wholly by points / love value: no tender, no problem', () => {
    const f = computeFigures('30', '20', '10', [{ kind: 'cash', text: '' }]);
    expect(f).toMatchObject({ actualPaidFen: 0, tenders: [], problem: null });
  });
  it('an empty line that is not the last says which line it is; the last one shows what it takes', () => {
    const f = computeFigures('100', '', '', [{ kind: 'cash', text: '' }, { kind: 'wechat', text: '' }]);
    expect(f.problem).toEqual({ key: 'counterFlow.emptyLine', params: { n: 1 }, field: 'tender.cash', focus: 'tender:0' });
    expect(computeFigures('100', '', '', [{ kind: 'cash', text: '30' }, { kind: 'wechat', text: '' }]).lastLineTakesFen).toBe(7000);
  });
  it('large change or received ≥ 10× due is asked about; quick keys round up to the next note', () => {
    expect(needsLargeChangeCheck(computeFigures('100', '', '', [{ kind: 'cash', text: '1000' }]))).toBe(true);
    expect(needsLargeChangeCheck(computeFigures('5', '', '', [{ kind: 'cash', text: '50' }]))).toBe(true);
    expect(needsLargeChangeCheck(computeFigures('37.5', '', '', [{ kind: 'cash', text: '100' }]))).toBe(false);
    expect(needsLargeChangeCheck(computeFigures('37.5', '', '', [{ kind: 'cash', text: '137.5' }]))).toBe(true);
    expect([quickAmountFen(3750, 'exact'), quickAmountFen(3750, 10), quickAmountFen(3750, 50), quickAmountFen(3750, 100)]).toEqual([3750, 4000, 5000, 10000]);
    expect(quickAmountFen(5000, 50)).toBe(5000);
    expect([fenToText(4000), fenToText(3750), fenToText(5), fenToText(12)]).toEqual(['40', '37.5', '0.05', '0.12']);
  });
  it('short tenders and non-cash over the amount are refused', () => {
    expect(computeFigures('300', '', '', [{ kind: 'cash', text: '100' }]).problem).toEqual({ key: 'checkout.errors.tendersShort', params: { amountFen: 20000 }, focus: 'tender:0' });
    expect(computeFigures('100', '', '', [{ kind: 'card', text: '120' }]).problem?.key).toBe('checkout.errors.changeWithoutCash');
  });
});

describe('the checkout form', () => {
  function setup() {
    const api = fakeApi();
    api.on('checkout.submit', () => outcome());
    wrapper = mountWith(CheckoutView);
    return api;
  }

  it('Enter pays: the backend gets integer fen and the result panel shows entitlement data', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('168');
    await wrapper!.find('[data-test="tender-amount-0"]').setValue('200');
    expect(wrapper!.find('[data-test="change"]').text()).toBe('¥32.00');
    press('Enter', wrapper!.find('[data-test="amount"]').element);
    await flush();
    const submit = api.calls.find((c) => c.name === 'checkout.submit');
    expect(submit?.input).toEqual({ amountDueFen: 16800, memberId: null, pointsDeductionFen: 0, loveDeductionFen: 0, tenders: [{ kind: 'cash', amountFen: 20000 }] });
    expect(wrapper!.find('[data-test="result-panel"]').exists()).toBe(true);
    expect(wrapper!.find('[data-test="result-change"]').text()).toBe('¥32.00');
    expect(wrapper!.find('[data-test="receipt-preview"]').text()).toContain('合计 168.00');
  });

  it('the result panel has the cursor on 下一位顾客 (the amount under it is disabled); Enter there starts one next sale, the cursor back in the amount', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('168');
    press('Enter', wrapper!.find('[data-test="amount"]').element);
    await flush();
    expect(document.activeElement?.getAttribute('data-test')).toBe('next-sale');
    press('Enter', document.activeElement!);
    await flush();
    expect(wrapper!.find('[data-test="result-panel"]').exists()).toBe(false);
    expect(document.activeElement?.getAttribute('data-test')).toBe('amount');
    expect(api.calls.filter((c) => c.name === 'checkout.submit')).toHaveLength(1);
  });

  it('an invalid amount is refused with a message and nothing is sent', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('12.345');
    press('Enter');
    await flush();
    expect(api.calls.some((c) => c.name === 'checkout.submit')).toBe(false);
    expect(wrapper!.find('[data-test="checkout-problem"]').text()).toContain('最多两位小数');
  });

  it('split tender by keyboard: + adds a line, F9 makes it WeChat, Enter pays both', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('300');
    await wrapper!.find('[data-test="tender-amount-0"]').setValue('100');
    press('+', wrapper!.find('[data-test="tender-amount-0"]').element);
    await flush();
    press('F9');
    await flush();
    expect(wrapper!.find('[data-test="tender-line-1"]').text()).toContain('微信支付');
    press('Enter');
    await flush();
    const submit = api.calls.find((c) => c.name === 'checkout.submit')!.input as { tenders: unknown };
    expect(submit.tenders).toEqual([
      { kind: 'cash', amountFen: 10000 },
      { kind: 'wechat', amountFen: 20000 },
    ]);
  });

  it("'-' takes away the split line being edited (its key on 删除), the cursor to the line before; in the member field it types", async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('300');
    await wrapper!.find('[data-test="tender-amount-0"]').setValue('100');
    press('+', wrapper!.find('[data-test="tender-amount-0"]').element);
    await flush();
    expect(wrapper!.find('[data-test="tender-remove-1"]').text()).toContain('-');
    // Two lines, yet in the member field '-' is typed: nothing is taken away (a member code may hold it).
    const typed = press('-', wrapper!.find('[data-test="member"]').element);
    expect(typed.defaultPrevented).toBe(false);
    expect(useCheckoutStore().lines).toHaveLength(2);
    (wrapper!.find('[data-test="tender-amount-1"]').element as HTMLElement).focus();
    press('-', document.activeElement!);
    await flush();
    expect(wrapper!.find('[data-test="tender-line-1"]').exists()).toBe(false);
    expect(document.activeElement?.getAttribute('data-test')).toBe('tender-amount-0');
    // One line left: '-' is nothing to take away.
    const left = press('-', document.activeElement!);
    expect(left.defaultPrevented).toBe(false);
    const inMember = press('-', wrapper!.find('[data-test="member"]').element);
    expect(inMember.defaultPrevented).toBe(false);
    expect(useCheckoutStore().lines.map((l) => l.kind)).toEqual(['cash']);
    expect(api.calls.some((c) => c.name === 'checkout.submit')).toBe(false);
  });

  it('the result names a member enrolled at the counter by masked phone, never by the internal id', async () => {
    const api = setup();
    api.on('checkout.submit', () => outcome({ member: { id: 'register-1-M7', level: 'normal', displayName: null, maskedPhone: '139****5678' } }));
    await wrapper!.find('[data-test="amount"]').setValue('50');
    press('Enter');
    await flush();
    const shown = wrapper!.find('[data-test="result-member"]').text();
    expect(shown).toContain('139****5678');
    expect(shown).not.toContain('register-1');
  });

  it('an unknown member is told; the next Enter pays as a walk-in', async () => {
    const api = setup();
    api.on('members.lookup', () => null);
    await wrapper!.find('[data-test="amount"]').setValue('50');
    await wrapper!.find('[data-test="member"]').setValue('18600000000');
    press('Enter');
    await flush();
    expect(wrapper!.find('[data-test="member-unknown"]').text()).toContain('18600000000');
    expect(api.calls.some((c) => c.name === 'checkout.submit')).toBe(false);
    press('Enter');
    await flush();
    const submit = api.calls.find((c) => c.name === 'checkout.submit')!.input as { memberId: unknown };
    expect(submit.memberId).toBeNull();
    expect(useCheckoutStore().result).not.toBeNull();
  });
});

describe('checkout fluency (issue 10 §3 §4)', () => {
  function setup() {
    const api = fakeApi();
    api.on('checkout.submit', () => outcome());
    api.on('members.lookup', () => {
      throw new Error('a pay code must never be looked up');
    });
    wrapper = mountWith(CheckoutView);
    return api;
  }
  const submits = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.name === 'checkout.submit');

  it('an unrecognised code (a URL) is told in Chinese with the next step, without echoing its Latin text; nothing looked up', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('50');
    await wrapper!.find('[data-test="member"]').setValue('http://example.com/x y');
    press('Enter');
    await flush();
    const notice = wrapper!.find('[data-test="scan-notice"]');
    expect(notice.text()).toContain('无法识别的条码');
    expect(notice.text()).toContain('F4');
    expect(notice.text()).not.toContain('example');
    expect(api.calls.map((c) => c.name).filter((n) => !n.startsWith('display.'))).toEqual([]);
  });

  it('a WeChat pay code typed in the member field is told in Chinese, never looked up, never a tender', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('50');
    await wrapper!.find('[data-test="member"]').setValue('134567890123456789');
    press('Enter');
    await flush();
    const notice = wrapper!.find('[data-test="scan-notice"]');
    expect(notice.text()).toContain('微信付款码');
    expect(notice.text()).toContain('收款终端');
    // Nothing was looked up or paid (the customer display may have been told what is due).
    expect(api.calls.map((c) => c.name).filter((n) => !n.startsWith('display.'))).toEqual([]);
    expect(useCheckoutStore().memberQuery).toBe('');
    // Picking the tender (F9) closes the notice; Enter then pays with that tender.
    press('F9');
    await flush();
    expect(wrapper!.find('[data-test="scan-notice"]').exists()).toBe(false);
    press('Enter');
    await flush();
    expect(submits(api)[0]!.input).toMatchObject({ memberId: null, tenders: [{ kind: 'wechat', amountFen: 5000 }] });
  });

  it('change of ¥100 or more asks once: Esc goes back to the received field, Enter then pays', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('100');
    await wrapper!.find('[data-test="tender-amount-0"]').setValue('1000');
    press('Enter');
    await flush();
    expect(document.body.textContent).toContain('要找零 ¥900.00');
    expect(submits(api)).toHaveLength(0);
    press('Escape');
    await flush();
    expect(useCheckoutStore().question).toBeNull();
    await wrapper!.find('[data-test="tender-amount-0"]').setValue('200');
    press('Enter');
    await flush();
    expect(useCheckoutStore().question).toBe('large-change'); // ¥100 change: asked again (a new amount)
    press('Enter');
    await flush();
    expect(submits(api)).toHaveLength(1);
    expect(submits(api)[0]!.input).toMatchObject({ tenders: [{ kind: 'cash', amountFen: 20000 }] });
  });

  it('quick keys: * goes to the amount received, Ctrl+2 takes the next ¥10, Ctrl+1 the exact amount', async () => {
    setup();
    await wrapper!.find('[data-test="amount"]').setValue('37.5');
    press('*', wrapper!.find('[data-test="amount"]').element);
    await flush();
    expect(useCheckoutStore().activeField).toBe('tender:0');
    const ctrl2 = new KeyboardEvent('keydown', { key: '2', ctrlKey: true, bubbles: true, cancelable: true });
    window.dispatchEvent(ctrl2);
    await flush();
    expect(useCheckoutStore().lines[0]!.text).toBe('40');
    expect(wrapper!.find('[data-test="change"]').text()).toBe('¥2.50');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '1', ctrlKey: true, bubbles: true, cancelable: true }));
    await flush();
    expect(useCheckoutStore().lines[0]!.text).toBe('37.5');
  });

  it('Esc asks before throwing away an amount and a member; with nothing typed it asks nothing', async () => {
    setup();
    await wrapper!.find('[data-test="amount"]').setValue('88');
    press('Escape');
    await flush();
    expect(useCheckoutStore().question).toBe('discard');
    press('Escape');
    await flush();
    expect(useCheckoutStore().amountText).toBe('88');
    press('Escape');
    await flush();
    press('Enter');
    await flush();
    expect(useCheckoutStore().amountText).toBe('');
    press('Escape');
    await flush();
    expect(useCheckoutStore().question).toBeNull();
  });

  it('paid wholly by points: Enter completes with no tender', async () => {
    const api = setup();
    await wrapper!.find('[data-test="amount"]').setValue('30');
    await wrapper!.find('[data-test="points"]').setValue('30');
    expect(wrapper!.find('[data-test="no-tender-needed"]').exists()).toBe(true);
    press('Enter');
    await flush();
    expect(submits(api)[0]!.input).toMatchObject({ amountDueFen: 3000, pointsDeductionFen: 3000, tenders: [] });
  });

  it('points on a walk-in: the backend\'s refusal is shown in Chinese with what to do (F4), nothing booked', async () => {
    const api = setup();
    api.on('checkout.submit', () => {
      throw Object.assign(new Error('points need a member'), { code: 'rule', reason: msg('checkout.deductionNeedsMember') });
    });
    await wrapper!.find('[data-test="amount"]').setValue('30');
    await wrapper!.find('[data-test="points"]').setValue('30');
    press('Enter');
    await flush();
    expect(submits(api)[0]!.input).toMatchObject({ memberId: null, pointsDeductionFen: 3000 });
    const error = wrapper!.find('[data-test="checkout-error"]').text();
    expect(error).toContain('散客不能用来抵扣');
    expect(error).toContain('F4');
    expect(useCheckoutStore().result).toBeNull();
  });
});
