/** X and Z reports: every figure checked against independent SQL sums over the rows of the shift. */
import { describe, expect, it } from 'vitest';
import type { ShiftReport } from '../../shared/contract';
import type { Db } from '../../electron/backend/store/database';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { addMember, configure, openHarness, readyToSell } from './helpers';

function sqlFigures(db: Db, shiftId: number) {
  const one = (sql: string) => (db.prepare(sql).get(shiftId) as { v: number }).v;
  const tender = (kind: string) =>
    one(`SELECT coalesce(sum(t.amount_fen), 0) AS v FROM order_tenders t JOIN orders o ON o.queue_id = t.queue_id AND o.id = t.order_id WHERE o.shift_id = ? AND t.kind = '${kind}'`);
  const change = one('SELECT coalesce(sum(change_fen), 0) AS v FROM orders WHERE shift_id = ?');
  const float = one('SELECT opening_float_fen AS v FROM shifts WHERE id = ?');
  const cashRefunds = one('SELECT coalesce(sum(cash_fen), 0) AS v FROM refunds WHERE shift_id = ?');
  return {
    orders: one('SELECT count(*) AS v FROM orders WHERE shift_id = ?'),
    salesFen: one('SELECT coalesce(sum(actual_paid_fen), 0) AS v FROM orders WHERE shift_id = ?'),
    tenders: { cash: tender('cash') - change, card: tender('card'), wechat: tender('wechat'), alipay: tender('alipay'), other: tender('other') },
    expectedCashFen: float + tender('cash') - change - cashRefunds,
    refunds: one('SELECT count(*) AS v FROM refunds WHERE shift_id = ?'),
    refundedFen: one('SELECT coalesce(sum(amount_fen), 0) AS v FROM refunds WHERE shift_id = ?'),
    deductions: {
      pointsFen: one('SELECT coalesce(sum(points_deduction_fen), 0) AS v FROM orders WHERE shift_id = ?'),
      loveFen: one('SELECT coalesce(sum(love_deduction_fen), 0) AS v FROM orders WHERE shift_id = ?'),
    },
    rebate: {
      extractedFen: one(`SELECT coalesce(sum(l.amount_fen), 0) AS v FROM ledger l JOIN orders o ON o.queue_id = l.queue_id AND o.id = l.order_id WHERE o.shift_id = ? AND l.kind = 'extraction'`),
      paidOutFen: one(`SELECT coalesce(sum(l.amount_fen), 0) AS v FROM ledger l JOIN orders o ON o.queue_id = l.queue_id AND o.id = l.order_id WHERE o.shift_id = ? AND l.kind = 'payout'`),
      newEntitlementsFen: one(`SELECT coalesce(sum(e.entitlement_fen), 0) AS v FROM entries e JOIN orders o ON o.queue_id = e.queue_id AND o.id = e.order_id WHERE o.shift_id = ? AND e.state <> 'points'`),
      newEntries: one(`SELECT count(*) AS v FROM entries e JOIN orders o ON o.queue_id = e.queue_id AND o.id = e.order_id WHERE o.shift_id = ? AND e.state <> 'points'`),
    },
  };
}

function expectMatchesSql(report: ShiftReport, db: Db) {
  const { orders, salesFen, tenders, expectedCashFen, refunds, refundedFen, deductions, rebate } = report;
  expect({ orders, salesFen, tenders, expectedCashFen, refunds, refundedFen, deductions, rebate }).toEqual(sqlFigures(db, report.shift.id));
  expect(Object.values(tenders).reduce((a, b) => a + b, 0)).toBe(salesFen);
}

describe('shift reports', () => {
  it('X mid-shift and Z at close agree with SQL sums; the Z report is frozen; a new shift starts from zero', async () => {
    const h = openHarness();
    await readyToSell(h, 20_000);
    configure(h.backend, { extractionBp: 1000 });
    for (const id of ['A', 'B', 'C']) addMember(h.backend.db, { id });
    const sales = [
      { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'cash' as const, amountFen: 20_000 }] },
      { amountDueFen: 8_800, memberId: 'B', pointsDeductionFen: 800, tenders: [{ kind: 'wechat' as const, amountFen: 5_000 }, { kind: 'cash' as const, amountFen: 3_000 }] },
      { amountDueFen: 12_345, memberId: 'B', loveDeductionFen: 345, tenders: [{ kind: 'alipay' as const, amountFen: 12_000 }] },
      { amountDueFen: 5_000, memberId: 'C', tenders: [{ kind: 'card' as const, amountFen: 2_500 }, { kind: 'other' as const, amountFen: 2_500 }] },
      { amountDueFen: 3_000, memberId: 'A', tenders: [{ kind: 'cash' as const, amountFen: 3_100 }] },
    ];
    const orders = [];
    for (const sale of sales) {
      h.clock.now += 60_000;
      orders.push(await h.ok('checkout.submit', sale));
    }
    const x = await h.ok('shift.report', {});
    expect(x.kind).toBe('X');
    expect(x.cashDifferenceFen).toBeNull();
    expectMatchesSql(x, h.backend.db);
    expect(x.tenders.cash).toBe(10_000 + 3_000 + 3_000);
    expect(x.expectedCashFen).toBe(20_000 + 16_000);

    await h.ok('queue.refund', { orderId: orders[4]!.orderId, managerPin: '2468' });
    await h.ok('queue.refund', { orderId: orders[3]!.orderId, managerPin: '2468' });
    const x2 = await h.ok('shift.report', {});
    expectMatchesSql(x2, h.backend.db);
    expect(x2).toMatchObject({ refunds: 2, refundedFen: 8_000, expectedCashFen: 36_000 - 3_000 });

    h.clock.now += 60_000;
    const z = await h.ok('shift.close', { countedCashFen: 32_900 });
    expect(z.kind).toBe('Z');
    expectMatchesSql(z, h.backend.db);
    expect(z.cashDifferenceFen).toBe(32_900 - 33_000);
    expect(z.shift).toMatchObject({ closedAt: h.clock.now, countedCashFen: 32_900 });
    expect(await h.call('shift.report', {})).toMatchObject({ ok: false, error: { code: 'no-shift' } });
    expect(await h.call('checkout.submit', sales[0]!)).toMatchObject({ ok: false, error: { code: 'no-shift' } });
    expect(await h.ok('shift.report', { shiftId: z.shift.id })).toEqual(z);
    expect(await h.call('shift.report', { shiftId: 99 })).toMatchObject({ ok: false, error: { code: 'not-found' } });

    const next = await h.ok('shift.open', { openingFloatFen: 32_900 });
    expect(next.id).toBe(z.shift.id + 1);
    const empty = await h.ok('shift.report', {});
    expect(empty).toMatchObject({ orders: 0, salesFen: 0, expectedCashFen: 32_900, refunds: 0 });
    expect(verifyDatabase(h.backend.db)).toEqual([]);
    h.close();
  });

  it('the database allows at most one open shift per register', async () => {
    const h = openHarness();
    await readyToSell(h);
    expect(() =>
      h.backend.db.prepare("INSERT INTO shifts (register_id, cashier_id, opened_at, opening_float_fen) SELECT register_id, cashier_id, 0, 0 FROM shifts").run(),
    ).toThrow(/UNIQUE/);
    h.close();
  });

  it("only the shift's cashier or a manager closes it", async () => {
    const h = openHarness();
    const manager = await h.ok('setup.createManager', { name: '店长', pin: '2468' });
    const a = await h.ok('cashiers.create', { name: '甲', pin: '1111', role: 'cashier', managerPin: '2468' });
    const b = await h.ok('cashiers.create', { name: '乙', pin: '2222', role: 'cashier', managerPin: '2468' });
    await h.ok('session.signIn', { cashierId: a.id, pin: '1111' });
    await h.ok('shift.open', { openingFloatFen: 100 });
    await h.ok('session.signIn', { cashierId: b.id, pin: '2222' });
    expect(await h.call('shift.close', { countedCashFen: 100 })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'not-your-shift' } });
    await h.ok('session.signIn', { cashierId: manager.id, pin: '2468' });
    expect((await h.ok('shift.close', { countedCashFen: 100 })).cashDifferenceFen).toBe(0);
    h.close();
  });
});
