/** The orders screen (订单) and its refund dialog, in happy-dom with a fake API: keyset paging, search, keys, hand-back per tender, no English. */
import { describe, expect, it } from 'vitest';
import type { OrderDetailsView, OrderSummaryView, RefundPlanView } from '../../shared/contract';
import { msg } from '../../shared/messages/catalogue';
import { useOrdersStore } from '../../renderer/stores/orders';
import OrderDetails from '../../renderer/orders/OrderDetails.vue';
import OrdersView from '../../renderer/views/OrdersView.vue';
import { fakeApi, flush, mountWith, press } from './helpers';

const T = Date.parse('2026-03-02T10:00:00+08:00');

function summary(n: number, over: Partial<OrderSummaryView> = {}): OrderSummaryView {
  return {
    orderId: `register-1-20260302-${String(n).padStart(6, '0')}`,
    paidAt: T + n * 1000,
    amountDueFen: 8880,
    actualPaidFen: 8880,
    tenders: ['wechat', 'cash'],
    cashierName: '林小红',
    member: null,
    refunded: false,
    ...over,
  };
}

function details(orderId: string, over: Partial<OrderDetailsView> = {}): OrderDetailsView {
  return {
    orderId,
    paidAt: T,
    amountDueFen: 8880,
    pointsDeductionFen: 0,
    loveDeductionFen: 0,
    otherDeductionFen: 0,
    actualPaidFen: 8880,
    changeFen: 120,
    tenders: [
      { kind: 'wechat', amountFen: 3000 },
      { kind: 'cash', amountFen: 6000 },
    ],
    cashierName: '林小红',
    shiftId: 1,
    member: null,
    receiptCode: 'K7QH-2M9D-X4TB',
    rebate: { name: '排队返现', settled: true, extractedFen: 888, paidToQueueFen: 888, payouts: [], entry: null, noEntitlementReason: 'walk-in' },
    printJobs: [{ id: 1, slip: null, copy: false, state: 'done', attempts: 1, lastError: null, createdAt: T, printedAt: T }],
    refund: null,
    refundBlocked: null,
    ...over,
  };
}

/** 120 orders, newest first, answered in keyset pages like the backend. */
function pagedOrders(total = 120) {
  const api = fakeApi();
  const all = Array.from({ length: total }, (_, i) => summary(total - i));
  api.on('cashiers.list', () => [{ id: 'c1', name: '林小红', role: 'cashier' }]);
  api.on('orders.list', (raw) => {
    const input = raw as { before?: { paidAt: number; orderId: string }; limit: number; search?: string };
    if (input.search === 'K7QH-2M9D-X4TB') return { orders: [all[5]!], next: null, matchedBy: 'code' };
    const start = input.before ? all.findIndex((o) => o.orderId === input.before!.orderId) + 1 : 0;
    const orders = all.slice(start, start + input.limit);
    const last = orders.at(-1);
    return { orders, next: orders.length === input.limit && last ? { paidAt: last.paidAt, orderId: last.orderId } : null, matchedBy: input.search ? 'number' : null };
  });
  api.on('orders.get', (raw) => details((raw as { orderId: string }).orderId));
  return { api, all };
}

let wrapper: ReturnType<typeof mountWith> | null = null;

describe('the orders screen', () => {
  it('pages newest first with before = the last row held, never an offset; ↓ near the end fetches the next page', async () => {
    const { api, all } = pagedOrders();
    wrapper = mountWith(OrdersView);
    await flush();
    const orders = useOrdersStore();
    expect(orders.orders).toHaveLength(50);
    // The order number a cashier reads (shared/order-number.ts), never the internal register prefix.
    expect(wrapper.findAll('[data-test="orders-row"]')[0]!.text()).toContain('1-20260302-0120');
    expect(wrapper.find('.orders').html()).not.toMatch(/>[^<]*register-1[^<]*</);
    for (let i = 0; i < 48; i++) press('ArrowDown');
    await flush();
    const lists = api.calls.filter((c) => c.name === 'orders.list').map((c) => c.input as Record<string, unknown>);
    expect(lists[0]).toEqual({ limit: 50 });
    expect(lists[1]).toEqual({ limit: 50, before: { paidAt: all[49]!.paidAt, orderId: all[49]!.orderId } });
    expect(lists.every((l) => !('offset' in l))).toBe(true);
    expect(orders.orders).toHaveLength(100);
    // The chosen order's details are beside the list.
    expect(wrapper.find('[data-test="order-details"]').attributes('data-order')).toBe(orders.current!.orderId);
  });

  it('a 查询码 typed after / finds its order; the filters keys cycle and restart from the newest', async () => {
    const { api, all } = pagedOrders();
    wrapper = mountWith(OrdersView);
    await flush();
    const search = wrapper.find('[data-test="orders-search"]');
    await search.setValue('K7QH-2M9D-X4TB');
    press('Enter', search.element);
    await flush();
    expect(wrapper.findAll('[data-test="orders-row"]')).toHaveLength(1);
    expect(wrapper.find('[data-test="orders-matched"]').text()).toBe('按查询码找到');
    expect(wrapper.find('[data-test="order-details"]').attributes('data-order')).toBe(all[5]!.orderId);
    press('Escape');
    await flush();
    press('F7');
    await flush();
    press('F9');
    await flush();
    const last = api.calls.filter((c) => c.name === 'orders.list').at(-1)!.input as Record<string, unknown>;
    expect(last).toEqual({ limit: 50, tender: 'cash', refunded: true });
  });

  it('Shift+↓ / Shift+PgDn scroll the chosen order\'s details (below the panel at 1024×768); the choice stays', async () => {
    pagedOrders();
    wrapper = mountWith(OrdersView);
    await flush();
    const chosen = () => wrapper!.find('[data-test="orders-row"].active').attributes('data-order');
    const before = chosen();
    const side = wrapper.find('[data-test="orders-side"]').element as HTMLElement;
    const shifted = (key: string) => window.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey: true, bubbles: true, cancelable: true }));
    shifted('ArrowDown');
    await flush();
    expect(side.scrollTop).toBeGreaterThan(0);
    const afterLine = side.scrollTop;
    shifted('PageDown');
    await flush();
    expect(side.scrollTop).toBeGreaterThan(afterLine);
    expect(chosen()).toBe(before);
    expect(wrapper.find('.keys').text()).toContain('Shift+↑/↓');
  });

  it('a search that finds nothing says what to check and how to clear it', async () => {
    const { api } = pagedOrders();
    api.on('orders.list', () => ({ orders: [], next: null, matchedBy: null }));
    wrapper = mountWith(OrdersView);
    await flush();
    const search = wrapper.find('[data-test="orders-search"]');
    await search.setValue('0999');
    press('Enter', search.element);
    await flush();
    const told = wrapper.find('[data-test="orders-matched"]').text();
    expect(told).toContain('没有找到“0999”对应的订单');
    expect(told).toContain('查询码');
    expect(told).toContain('Esc');
  });

  it('F8 shows what to hand back per tender and what it does to the line; the PIN refunds; focus back on the list', async () => {
    const { api } = pagedOrders(3);
    const plan: RefundPlanView = {
      orderId: 'register-1-20260302-000003',
      handBack: [
        { kind: 'wechat', amountFen: 3000 },
        { kind: 'cash', amountFen: 5880 },
      ],
      handBackFen: 8880,
      deductions: { pointsFen: 0, loveFen: 0 },
      line: { settled: true, entryState: null, forfeitsFen: 0, keepsReceivedFen: 0, paidToOthersFen: 888 },
    };
    api.on('orders.refundPreview', () => plan);
    api.on('orders.refund', (raw) => {
      if ((raw as { managerPin: string }).managerPin !== '2468') throw { code: 'wrong-pin', message: 'wrong', reason: msg('pin.wrongManager', { triesLeft: 4, lockMinutes: 5 }) };
      return { orderId: plan.orderId, forfeitedFen: 0, handBack: plan.handBack, approvedByName: '陈店长', slipJobId: 9 };
    });
    wrapper = mountWith(OrdersView);
    await flush();
    press('F8');
    await flush();
    const dialog = document.querySelector('[data-test="order-refund-dialog"]')!;
    expect(dialog.querySelector('[data-test="refund-hand-back-wechat"]')!.textContent).toContain('¥30.00');
    expect(dialog.querySelector('[data-test="refund-hand-back-cash"]')!.textContent).toContain('¥58.80');
    expect(dialog.textContent).toContain('原路退回到顾客的微信支付');
    expect(document.querySelector('.el-dialog__title')!.textContent).toBe('退款：1-20260302-0003');
    expect(document.body.textContent).not.toContain('register-1');
    expect(dialog.textContent).toContain('本单没有排队权益');
    expect(dialog.textContent!.replace(/PIN/g, '')).not.toMatch(/[A-Za-z]{3,}/);
    const pin = document.querySelector<HTMLInputElement>('[data-test="order-refund-pin"]')!;
    pin.value = '1111';
    pin.dispatchEvent(new Event('input'));
    await flush();
    press('Enter', pin);
    await flush();
    expect(document.querySelector('[data-test="order-refund-error"]')!.textContent).toContain('还可以再试 4 次');
    pin.value = '2468';
    pin.dispatchEvent(new Event('input'));
    await flush();
    press('Enter', pin);
    await flush();
    expect(api.calls.filter((c) => c.name === 'orders.refund').at(-1)!.input).toEqual({ orderId: plan.orderId, managerPin: '2468' });
    expect(wrapper.find('[data-test="orders-notice"]').text()).toContain('陈店长');
    expect(wrapper.find('[data-test="orders-notice"]').text()).toContain('¥88.80');
    expect(document.activeElement?.getAttribute('data-test')).toBe('orders-list');
  });

  it('a refund that cannot be done says why in Chinese, and asks nothing', async () => {
    const { api } = pagedOrders(2);
    api.on('orders.get', (raw) => details((raw as { orderId: string }).orderId, { refundBlocked: 'refund-closed-day' }));
    wrapper = mountWith(OrdersView);
    await flush();
    press('F8');
    await flush();
    expect(wrapper.find('[data-test="orders-problem"]').text()).toContain('已日结');
    expect(api.calls.some((c) => c.name === 'orders.refundPreview')).toBe(false);
  });

  it('F5 reprints the chosen order (副本)', async () => {
    const { api } = pagedOrders(2);
    api.on('receipt.reprint', () => ({ jobId: 7, lines: [] }));
    wrapper = mountWith(OrdersView);
    await flush();
    press('F5');
    await flush();
    expect(api.calls.find((c) => c.name === 'receipt.reprint')!.input).toEqual({ orderId: 'register-1-20260302-000002' });
    expect(wrapper.find('[data-test="orders-notice"]').text()).toContain('副本');
  });

  it("names each print job of the order: the receipt, its copy, the draw, exchange and refund slips", () => {
    const job = (id: number, slip: string | null, copy = false) => ({ id, slip, copy, state: 'done' as const, attempts: 1, lastError: null, createdAt: T, printedAt: T });
    const order = details('register-1-20260302-000001', { printJobs: [job(1, null), job(2, null, true), job(3, 'draw'), job(4, 'exchange'), job(5, 'refund')] });
    wrapper = mountWith(OrderDetails, { props: { order } });
    const labels = [1, 2, 3, 4, 5].map((id) => wrapper!.find(`[data-test="order-job-${id}"] .label`).text().split(' · ')[0]);
    expect(labels).toEqual(['小票', '小票（副本）', '抽奖凭条', '兑换凭条', '退款单']);
  });

  it('Esc then / at once: the cursor stays in the search (the list reloading after Esc does not take it back)', async () => {
    pagedOrders();
    wrapper = mountWith(OrdersView);
    await flush();
    const search = wrapper.find('[data-test="orders-search"]');
    await search.setValue('K7QH-2M9D-X4TB');
    press('Enter', search.element);
    await flush();
    press('Escape');
    press('/'); // before the reset's page has come back
    await flush();
    expect(document.activeElement?.closest('[data-test="orders-search"]')).not.toBeNull();
  });
});

