/** Orders (订单) through the real command handler: keyset paging, search by number / 查询码 / QR, details, refund with tenders. */
import { describe, expect, it } from 'vitest';
import { jobPreview } from '../../electron/backend/printing/index';
import { addMember, configure, dbHash, openHarness, readyToSell } from './helpers';

type Sale = { amountDueFen: number; memberId: string | null; tenders: { kind: 'cash' | 'card' | 'wechat' | 'alipay' | 'other'; amountFen: number }[] };
const walkIn = (fen: number): Sale => ({ amountDueFen: fen, memberId: null, tenders: [{ kind: 'cash', amountFen: fen }] });

describe('orders', () => {
  it('lists every order newest first, walk-ins included, in keyset pages that never repeat or skip', async () => {
    const h = openHarness();
    await readyToSell(h);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      // Several orders share one instant: the order id breaks the tie.
      if (i % 3 === 0) h.clock.now += 1000;
      ids.push((await h.ok('checkout.submit', walkIn(100 + i))).orderId);
    }
    const seen: string[] = [];
    let before: { paidAt: number; orderId: string } | undefined;
    for (;;) {
      const page = await h.ok('orders.list', { limit: 5, ...(before ? { before } : {}) });
      seen.push(...page.orders.map((o) => o.orderId));
      if (!page.next) break;
      before = page.next;
    }
    expect(seen).toEqual([...ids].reverse());
    const first = (await h.ok('orders.list', { limit: 1 })).orders[0]!;
    expect(first).toMatchObject({ actualPaidFen: 122, tenders: ['cash'], cashierName: '店长', member: null, refunded: false });
    h.close();
  });

  it('pages over an index: no temp B-tree sort, no OFFSET', async () => {
    const h = openHarness();
    await readyToSell(h);
    const plan = (sql: string) => (h.backend.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    const page = plan("SELECT id FROM orders o WHERE o.queue_id = 'q' AND (o.paid_at, o.id) < (1, 'x') ORDER BY o.paid_at DESC, o.id DESC LIMIT 50");
    expect(page).toMatch(/orders_newest/);
    expect(page).not.toMatch(/TEMP B-TREE/);
    const byCashier = plan("SELECT id FROM orders o WHERE o.queue_id = 'q' AND o.cashier_id = 'c' ORDER BY o.paid_at DESC, o.id DESC LIMIT 50");
    expect(byCashier).toMatch(/orders_by_cashier/);
    expect(byCashier).not.toMatch(/TEMP B-TREE/);
    const refunded = plan("SELECT id FROM orders o WHERE o.queue_id = 'q' AND o.refunded_at IS NOT NULL ORDER BY o.paid_at DESC, o.id DESC LIMIT 50");
    expect(refunded).toMatch(/orders_refunded/);
    h.close();
  });

  it('finds a walk-in order by its number, its end digits, the receipt 查询码 (any case, with or without dash) and the scanned QR', async () => {
    const h = openHarness();
    await readyToSell(h);
    const a = await h.ok('checkout.submit', walkIn(1000));
    await h.ok('checkout.submit', walkIn(2000));
    const code = (await h.ok('orders.get', { orderId: a.orderId })).receiptCode!;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(a.receiptLines.join('\n')).toContain(code);
    for (const [search, by] of [
      [a.orderId, 'order'],
      [code, 'code'],
      [code.replace(/-/g, '').toLowerCase(), 'code'],
      [`https://example.cn/q/${code.replace(/-/g, '')}`, 'code'],
      [`QR:${h.backend.queueId}:${a.orderId}`, 'qr'],
    ] as const) {
      const r = await h.ok('orders.list', { search });
      expect(r.orders.map((o) => o.orderId)).toEqual([a.orderId]);
      expect(r.matchedBy).toBe(by);
    }
    const tail = await h.ok('orders.list', { search: a.orderId.slice(-6) });
    expect(tail.orders.map((o) => o.orderId)).toEqual([a.orderId]);
    expect((await h.ok('orders.list', { search: 'ZZZZ-ZZZZ-ZZZZ' })).orders).toEqual([]);
    h.close();
  });

  it('shows and finds an order by its order number (1-20260302-0001): receipt, search, the line; the internal id stays internal', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'A' });
    const a = await h.ok('checkout.submit', walkIn(1000));
    const b = await h.ok('checkout.submit', { ...walkIn(2000), memberId: 'A' });
    expect(a.orderId).toBe('register-1-20260302-000001');
    // The receipt prints the order number, never the register prefix.
    expect(a.receiptLines.some((l) => /单号\s+1-20260302-0001$/.test(l))).toBe(true);
    expect(a.receiptLines.join('\n')).not.toContain('register-1');
    for (const search of ['1-20260302-0001', '20260302-0001', '20260302-1', '1-20260302-000001']) {
      const r = await h.ok('orders.list', { search });
      expect(r.orders.map((o) => o.orderId), search).toEqual([a.orderId]);
      expect(r.matchedBy).toBe('order');
    }
    // Another register's number finds nothing here.
    expect((await h.ok('orders.list', { search: '2-20260302-0001' })).orders).toEqual([]);
    // The line's order-number search takes the printed form too.
    expect((await h.ok('queue.list', { search: '1-20260302-0002', limit: 10 })).entries.map((e) => e.orderId)).toEqual([b.orderId]);
    h.close();
  });

  it('finds an order by its number after the register was renamed (the id keeps the old register)', async () => {
    const h = openHarness();
    await readyToSell(h);
    await h.ok('checkout.submit', { ...walkIn(1000), orderId: 'shop-a-20260302-000001' });
    const r = await h.ok('orders.list', { search: '20260302-0001' });
    expect(r.orders.map((o) => o.orderId)).toEqual(['shop-a-20260302-000001']);
    h.close();
  });

  it('filters by day, cashier, tender and refunded', async () => {
    const h = openHarness();
    await readyToSell(h);
    const cash = await h.ok('checkout.submit', walkIn(1000));
    const card = await h.ok('checkout.submit', { amountDueFen: 500, memberId: null, tenders: [{ kind: 'card', amountFen: 500 }] });
    h.clock.now += 24 * 3_600_000;
    const nextDay = await h.ok('checkout.submit', { amountDueFen: 700, memberId: null, tenders: [{ kind: 'wechat', amountFen: 300 }, { kind: 'cash', amountFen: 500 }] });
    await h.ok('orders.refund', { orderId: card.orderId, managerPin: '2468' });
    const ids = async (input: object) => (await h.ok('orders.list', input)).orders.map((o) => o.orderId);
    expect(await ids({ day: '2026-03-02' })).toEqual([card.orderId, cash.orderId]);
    expect(await ids({ day: '2026-03-03' })).toEqual([nextDay.orderId]);
    expect(await ids({ tender: 'wechat' })).toEqual([nextDay.orderId]);
    expect(await ids({ refunded: true })).toEqual([card.orderId]);
    expect(await ids({ refunded: false, tender: 'cash' })).toEqual([nextDay.orderId, cash.orderId]);
    const me = (await h.ok('app.status', {})).cashier!;
    expect(await ids({ cashierId: me.id })).toHaveLength(3);
    expect(await ids({ cashierId: 'nobody' })).toEqual([]);
    expect(await h.call('orders.list', { day: '2026-02-31' })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'bad-date' } });
    h.close();
  });

  it('details: amounts, deductions, tenders, change, masked member, rebate block, payouts, print jobs', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10_000 });
    addMember(h.backend.db, { id: 'A', maskedPhone: '138****0001' });
    addMember(h.backend.db, { id: 'B', maskedPhone: '139****0002' });
    const a = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    const b = await h.ok('checkout.submit', {
      amountDueFen: 10_000,
      // Points and love value are a member's balance: a walk-in cannot pay with them.
      memberId: 'B',
      pointsDeductionFen: 300,
      loveDeductionFen: 200,
      tenders: [{ kind: 'card', amountFen: 4000 }, { kind: 'cash', amountFen: 6000 }],
    });
    const d = await h.ok('orders.get', { orderId: b.orderId });
    expect(d).toMatchObject({
      amountDueFen: 10_000,
      pointsDeductionFen: 300,
      loveDeductionFen: 200,
      actualPaidFen: 9500,
      changeFen: 500,
      tenders: [{ kind: 'card', amountFen: 4000 }, { kind: 'cash', amountFen: 6000 }],
      cashierName: '店长',
      member: expect.objectContaining({ id: 'B', maskedPhone: '139****0002' }),
      refund: null,
      refundBlocked: null,
    });
    expect(d.rebate.payouts.map((p) => p.toOrderId)).toEqual([a.orderId]);
    expect(d.rebate.paidToQueueFen).toBeGreaterThan(0);
    expect(d.printJobs).toEqual([expect.objectContaining({ slip: null, copy: false, state: 'pending' })]);
    const da = await h.ok('orders.get', { orderId: a.orderId });
    expect(da.member).toMatchObject({ id: 'A', maskedPhone: '138****0001' });
    expect(da.rebate.entry).toMatchObject({ entitlementFen: 10_000, state: 'waiting' });
    expect(await h.call('orders.get', { orderId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    h.close();
  });

  it('refund of a walk-in split order: hands back per tender (cash net of change), records it, prints a slip, audits the manager', async () => {
    const h = openHarness();
    await readyToSell(h);
    await h.ok('manager.staff.create', { managerPin: '2468', name: '老李', role: 'manager', pin: '3333' });
    const sale = await h.ok('checkout.submit', {
      amountDueFen: 10_000,
      memberId: null,
      tenders: [{ kind: 'wechat', amountFen: 3000 }, { kind: 'cash', amountFen: 5000 }, { kind: 'cash', amountFen: 5000 }],
    });
    expect(sale.changeFen).toBe(3000);
    const plan = await h.ok('orders.refundPreview', { orderId: sale.orderId });
    expect(plan.handBack).toEqual([{ kind: 'wechat', amountFen: 3000 }, { kind: 'cash', amountFen: 7000 }]);
    expect(plan.handBackFen).toBe(10_000);
    expect(plan.line).toMatchObject({ entryState: null, forfeitsFen: 0 });
    // A wrong PIN changes nothing.
    const before = dbHash(h.backend.db);
    expect(await h.call('orders.refund', { orderId: sale.orderId, managerPin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    h.backend.db.prepare('DELETE FROM pin_lockouts').run();
    expect(dbHash(h.backend.db)).toBe(before);
    const done = await h.ok('orders.refund', { orderId: sale.orderId, managerPin: '3333' });
    expect(done).toMatchObject({ approvedByName: '老李', handBack: plan.handBack });
    const d = await h.ok('orders.get', { orderId: sale.orderId });
    expect(d.refund).toMatchObject({ amountFen: 10_000, cashierName: '店长', approvedByName: '老李', tenders: plan.handBack });
    expect(d.refundBlocked).toBe('already-refunded');
    expect(d.printJobs.map((j) => j.slip)).toEqual(['refund', null]);
    expect(h.backend.db.prepare('SELECT cash_fen FROM refunds').get()).toEqual({ cash_fen: 7000 });
    const audit = h.backend.db.prepare("SELECT m.name, a.detail FROM manager_audit a JOIN cashiers m ON m.id = a.manager_id WHERE action = 'order.refund'").get() as {
      name: string;
      detail: string;
    };
    expect(audit.name).toBe('老李');
    // The slip says what went back and how, and who approved.
    const slip = jobPreview(h.backend.db, { kind: 'receipt', queueId: h.backend.queueId, orderId: sale.orderId, copy: false, slip: 'refund' }, { width: 80, copies: 1, drawer: false })
      .lines.map((l) => l.text)
      .join('\n');
    expect(slip).toContain('退款单');
    expect(slip).toMatch(/微信支付\s+￥30\.00/);
    expect(slip).toMatch(/现金\s+￥70\.00/);
    expect(slip).toMatch(/批准店长\s+老李/);
    // Twice: refused with the reason.
    expect(await h.call('orders.refundPreview', { orderId: sale.orderId })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'already-refunded' } });
    expect(await h.call('orders.refund', { orderId: sale.orderId, managerPin: '3333' })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'already-refunded' } });
    // The X report counts it.
    expect(await h.ok('shift.report', {})).toMatchObject({ refunds: 1, refundedFen: 10_000 });
    h.close();
  });

  it('an order of a closed day: refunded while the store allows it, refused with the reason when it forbids', async () => {
    const h = openHarness();
    await readyToSell(h);
    const a = await h.ok('checkout.submit', walkIn(1000));
    const b = await h.ok('checkout.submit', walkIn(2000));
    await h.ok('shift.close', { countedCashFen: 53_000 });
    await h.ok('shift.open', { openingFloatFen: 0 });
    expect((await h.ok('orders.refund', { orderId: a.orderId, managerPin: '2468' })).handBack).toEqual([{ kind: 'cash', amountFen: 1000 }]);
    await h.ok('manager.store.save', { managerPin: '2468', refundClosedDays: 'forbid' });
    expect((await h.ok('manager.details.get', {})).store.refundClosedDays).toBe('forbid');
    const before = dbHash(h.backend.db);
    expect(await h.call('orders.refund', { orderId: b.orderId, managerPin: '2468' })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'refund-closed-day' } });
    expect((await h.ok('orders.get', { orderId: b.orderId })).refundBlocked).toBe('refund-closed-day');
    expect(dbHash(h.backend.db)).toBe(before);
    // An order of today's open shift is still refundable.
    const c = await h.ok('checkout.submit', walkIn(500));
    expect((await h.ok('orders.refundPreview', { orderId: c.orderId })).handBackFen).toBe(500);
    h.close();
  });

  it('the line refund (queue.refund) is the same refund: tenders and slip recorded', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10_000 });
    addMember(h.backend.db, { id: 'A' });
    const a = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'alipay', amountFen: 10_000 }] });
    // The line names who sold it.
    expect((await h.ok('queue.entry', { orderId: a.orderId })).cashierName).toBe('店长');
    expect(await h.ok('queue.refund', { orderId: a.orderId, managerPin: '2468' })).toEqual({ orderId: a.orderId, forfeitedFen: 10_000 });
    expect(h.backend.db.prepare('SELECT kind, amount_fen FROM refund_tenders').all()).toEqual([{ kind: 'alipay', amount_fen: 10_000 }]);
    expect(h.backend.db.prepare("SELECT count(*) AS n FROM print_jobs WHERE slip = 'refund'").get()).toEqual({ n: 1 });
    h.close();
  });
});
