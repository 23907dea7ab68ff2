/** Every command of the contract through createCommandHandler, on a real SQLite file: the good paths. */
import { describe, expect, it } from 'vitest';
import { jobPreview } from '../../electron/backend/printing/index';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { messageText } from '../../renderer/i18n/messages';
import { addMember, configure, dbHash, openHarness, readyToSell, T0 } from './helpers';
import { orderNumber } from '../../shared/order-number';

describe('the register through createCommandHandler', () => {
  it('first run: no cashier, setup creates the manager once and signs them in', async () => {
    const h = openHarness();
    expect(await h.ok('cashiers.list', {})).toEqual([]);
    const status = await h.ok('app.status', {});
    expect(status).toMatchObject({ registerId: 'register-1', queueId: 'register-1', cashier: null, shift: null, rebateName: '排队返利' });
    expect(status.sync.state).toBe('not-configured');
    expect(status.printer.state).toBe('not-configured');
    const manager = await h.ok('setup.createManager', { name: '店长', pin: '2468' });
    expect(manager).toMatchObject({ name: '店长', role: 'manager' });
    expect((await h.ok('app.status', {})).cashier).toEqual(manager);
    const again = await h.call('setup.createManager', { name: '别人', pin: '1357' });
    expect(again).toMatchObject({ ok: false, error: { code: 'rule', rule: 'setup-done' } });
    // PINs are stored only as salted scrypt hashes.
    const row = h.backend.db.prepare('SELECT pin_hash FROM cashiers').get() as { pin_hash: string };
    expect(row.pin_hash).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(row.pin_hash).not.toContain('2468');
    h.close();
  });

  it('a manager adds a cashier with the manager PIN; the cashier signs in and out', async () => {
    const h = openHarness();
    await h.ok('setup.createManager', { name: '店长', pin: '2468' });
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: '2468' });
    expect(await h.ok('cashiers.list', {})).toHaveLength(2);
    const dup = await h.call('cashiers.create', { name: '小王', pin: '2222', role: 'cashier', managerPin: '2468' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'rule', rule: 'duplicate-cashier' } });
    expect(await h.ok('session.signIn', { cashierId: cashier.id, pin: '1111' })).toEqual(cashier);
    expect(await h.ok('session.signOut', {})).toBeNull();
    expect(await h.call('queue.list', {})).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    const unknown = await h.call('session.signIn', { cashierId: 'nobody', pin: '1111' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    h.close();
  });

  it('checkout needs a signed-in cashier and an open shift', async () => {
    const h = openHarness();
    const sale = { amountDueFen: 10_000, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: 10_000 }] };
    expect(await h.call('checkout.submit', sale)).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    await h.ok('setup.createManager', { name: '店长', pin: '2468' });
    expect(await h.call('checkout.submit', sale)).toMatchObject({ ok: false, error: { code: 'no-shift' } });
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 0 });
    await h.ok('shift.open', { openingFloatFen: 0 });
    expect((await h.call('checkout.submit', sale)).ok).toBe(true);
    const twice = await h.call('shift.open', { openingFloatFen: 0 });
    expect(twice).toMatchObject({ ok: false, error: { code: 'rule', rule: 'shift-open' } });
    h.close();
  });

  it('seed example through the counter: A then B, C, D each pay 100.00 at 10 %', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10_000 });
    for (const id of ['A', 'B', 'C', 'D']) addMember(h.backend.db, { id, maskedPhone: '138****0000' });
    const outcomes = [];
    for (const id of ['A', 'B', 'C', 'D']) {
      h.clock.now += 60_000;
      outcomes.push(await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: id, tenders: [{ kind: 'wechat', amountFen: 10_000 }] }));
    }
    const [a, b, , d] = outcomes;
    expect(a!.entry).toMatchObject({ entitlementFen: 10_000, position: 1, ratioBp: 10_000, rule: 'cashier.default' });
    expect(a!.orderId).toBe('register-1-20260302-000001');
    expect(d!.orderId).toBe('register-1-20260302-000004');
    expect(b!.payouts).toEqual([{ fromOrderId: b!.orderId, toOrderId: a!.orderId, amountFen: 1000, at: b!.paidAt }]);
    expect(b!.paidToQueueFen).toBe(1000);
    expect(b!.member).toEqual({ id: 'B', level: 'normal', displayName: null, maskedPhone: '138****0000' });
    expect(b!.ratioSteps.find((s) => s.applies)).toMatchObject({ rule: 'cashier.default', ratioBp: 10_000 });
    expect(b!.receiptLines.join('\n')).toContain(orderNumber(b!.orderId));
    expect(b!.receiptLines.join('\n')).not.toContain(b!.orderId);
    const entryA = await h.ok('queue.entry', { orderId: a!.orderId });
    expect(entryA.entry.receivedFen).toBe(3000);
    expect(entryA.received.map((p) => p.fromOrderId)).toEqual([b!.orderId, outcomes[2]!.orderId, d!.orderId]);
    expect(entryA.ratioSteps.length).toBe(7);
    const entryB = await h.ok('queue.entry', { orderId: b!.orderId });
    expect(entryB.caused).toEqual([{ fromOrderId: b!.orderId, toOrderId: a!.orderId, amountFen: 1000, at: b!.paidAt }]);
    const list = await h.ok('queue.list', { state: 'waiting', limit: 2 });
    expect(list.entries.map((e) => e.orderId)).toEqual([a!.orderId, b!.orderId]);
    expect(list.nextAfterSeq).toBe(2);
    expect(list.totalWaiting).toBe(4);
    const next = await h.ok('queue.list', { state: 'waiting', afterSeq: 2, limit: 2 });
    expect(next.entries.map((e) => e.seq)).toEqual([3, 4]);
    expect((await h.ok('queue.list', { search: '000003' })).entries.map((e) => e.seq)).toEqual([3]);
    expect((await h.ok('queue.list', { memberId: 'D' })).entries).toHaveLength(1);
    // Each checkout committed its receipt job in the same transaction.
    expect(h.backend.db.prepare("SELECT count(*) AS n FROM print_jobs WHERE kind = 'receipt' AND copy = 0").get()).toEqual({ n: 4 });
    const status = await h.ok('app.status', {});
    expect(status.queue).toEqual({ waiting: 4, owedFen: 40_000 - 3000 });
    expect(status.printer.pendingJobs).toBe(4);
    expect(verifyDatabase(h.backend.db)).toEqual([]);
    h.close();
  });

  it('tender rules: split tender, change only from cash, non-cash may not exceed, must cover', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'A' });
    const split = await h.ok('checkout.submit', {
      amountDueFen: 10_000,
      memberId: 'A',
      pointsDeductionFen: 1000,
      loveDeductionFen: 500,
      tenders: [
        { kind: 'card', amountFen: 5000 },
        { kind: 'cash', amountFen: 5000 },
      ],
    });
    expect(split).toMatchObject({ deductionFen: 1500, actualPaidFen: 8500, changeFen: 1500 });
    const row = h.backend.db.prepare('SELECT points_deduction_fen, love_deduction_fen, change_fen, cashier_id, shift_id FROM orders').get();
    expect(row).toMatchObject({ points_deduction_fen: 1000, love_deduction_fen: 500, change_fen: 1500, shift_id: 1 });
    expect(h.backend.db.prepare('SELECT line, kind, amount_fen FROM order_tenders ORDER BY line').all()).toEqual([
      { line: 1, kind: 'card', amount_fen: 5000 },
      { line: 2, kind: 'cash', amount_fen: 5000 },
    ]);
    const refused = [
      [{ kind: 'wechat', amountFen: 10_001 }],
      [{ kind: 'card', amountFen: 6000 }, { kind: 'alipay', amountFen: 4001 }, { kind: 'cash', amountFen: 100 }],
    ] as const;
    for (const tenders of refused) {
      const r = await h.call('checkout.submit', { amountDueFen: 10_000, memberId: null, tenders: [...tenders] });
      expect(r).toMatchObject({ ok: false, error: { code: 'rule', rule: 'tender-exceeds' } });
    }
    const short = await h.call('checkout.submit', { amountDueFen: 10_000, memberId: null, tenders: [{ kind: 'cash', amountFen: 9999 }] });
    expect(short).toMatchObject({ ok: false, error: { code: 'rule', rule: 'tender-short' } });
    const overDeducted = await h.call('checkout.submit', { amountDueFen: 100, memberId: null, pointsDeductionFen: 101, tenders: [{ kind: 'cash', amountFen: 1 }] });
    expect(overDeducted).toMatchObject({ ok: false, error: { code: 'rule', rule: 'deduction-exceeds' } });
    const noTender = await h.call('checkout.submit', { amountDueFen: 100, memberId: 'A', pointsDeductionFen: 99, tenders: [] });
    expect(noTender).toMatchObject({ ok: false, error: { code: 'rule', rule: 'tender-short' } });
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 1 });
    h.close();
  });

  it('a walk-in cannot pay with points or love value (a member\'s balance): refused in Chinese, nothing written', async () => {
    const h = openHarness();
    await readyToSell(h);
    const before = dbHash(h.backend.db);
    for (const deduction of [{ pointsDeductionFen: 500 }, { loveDeductionFen: 500 }, { pointsDeductionFen: 3000 }]) {
      const paid = 3000 - (deduction.pointsDeductionFen ?? deduction.loveDeductionFen ?? 0);
      const r = await h.call('checkout.submit', { amountDueFen: 3000, memberId: null, ...deduction, tenders: paid > 0 ? [{ kind: 'cash', amountFen: paid }] : [] });
      expect(r).toMatchObject({ ok: false, error: { code: 'rule', rule: 'deduction-needs-member', reason: { code: 'checkout.deductionNeedsMember' } } });
      expect(messageText(r.ok ? null : r.error.reason, 'zh-CN')).toContain('散客不能用来抵扣');
    }
    expect(dbHash(h.backend.db)).toBe(before);
    // The same sale for a member goes through.
    addMember(h.backend.db, { id: 'A' });
    expect(await h.ok('checkout.submit', { amountDueFen: 3000, memberId: 'A', pointsDeductionFen: 500, tenders: [{ kind: 'cash', amountFen: 2500 }] })).toMatchObject({ actualPaidFen: 2500 });
    h.close();
  });

  it('an order paid wholly by points and love value (actual paid ¥0) completes without a tender', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'A' });
    const r = await h.ok('checkout.submit', { amountDueFen: 3000, memberId: 'A', pointsDeductionFen: 2000, loveDeductionFen: 1000, tenders: [] });
    expect(r).toMatchObject({ actualPaidFen: 0, changeFen: 0, deductionFen: 3000 });
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM order_tenders').get()).toEqual({ n: 0 });
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM print_jobs').get()).toEqual({ n: 1 });
    const x = await h.ok('shift.report', {});
    expect(x).toMatchObject({ orders: 1, salesFen: 0, deductions: { pointsFen: 2000, loveFen: 1000 } });
    expect(r.receiptLines.join('\n')).toContain('积分抵扣');
    expect(verifyDatabase(h.backend.db)).toEqual([]);
    h.close();
  });

  it('an unknown member is refused with code unknown-member, and the sale goes through as walk-in', async () => {
    const h = openHarness();
    await readyToSell(h);
    const sale = { amountDueFen: 2000, tenders: [{ kind: 'cash' as const, amountFen: 2000 }] };
    const r = await h.call('checkout.submit', { ...sale, memberId: 'ghost' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown-member' } });
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 0 });
    const walkIn = await h.ok('checkout.submit', { ...sale, memberId: null });
    expect(walkIn).toMatchObject({ entry: null, noEntitlementReason: 'walk-in', member: null });
    h.close();
  });

  it('members.lookup by id, member code, scanned QR and phone', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'm-1', code: 'VIP0001', phone: '13800001234', maskedPhone: '138****1234' });
    for (const query of ['m-1', 'VIP0001', 'member:VIP0001', '13800001234', '138 0000 1234']) {
      expect((await h.ok('members.lookup', { query }))?.id, query).toBe('m-1');
    }
    expect(await h.ok('members.lookup', { query: '13900000000' })).toBeNull();
    h.close();
  });

  it('given order ids are kept; a duplicate is a rule error; numbering restarts each local day', async () => {
    const h = openHarness();
    await readyToSell(h);
    const sale = { amountDueFen: 100, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: 100 }] };
    expect((await h.ok('checkout.submit', { ...sale, orderId: 'MANUAL-1' })).orderId).toBe('MANUAL-1');
    expect(await h.call('checkout.submit', { ...sale, orderId: 'MANUAL-1' })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'duplicate-order' } });
    expect((await h.ok('checkout.submit', sale)).orderId).toBe('register-1-20260302-000001');
    h.clock.now = Date.parse('2026-03-03T00:00:30+08:00');
    expect((await h.ok('checkout.submit', sale)).orderId).toBe('register-1-20260303-000001');
    h.close();
  });

  it('the counter clock never goes back: a wall clock a few minutes back still sells, stamped at the last instant', async () => {
    const h = openHarness();
    await readyToSell(h);
    const sale = { amountDueFen: 100, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: 100 }] };
    const first = await h.ok('checkout.submit', sale);
    h.clock.now -= 4 * 60_000; // within the 5-minute bound (docs/security.md §4 for more)
    const second = await h.ok('checkout.submit', sale);
    expect(second.paidAt).toBe(first.paidAt);
    h.close();
  });

  it('complete, draw, exchange quote and exchange, refund preview and refund, receipt preview and reprint', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, settlement: 'completion', lottery: { fixedBp: [5000] }, exchange: { pointsBp: 20_000 } });
    addMember(h.backend.db, { id: 'A' });
    addMember(h.backend.db, { id: 'B' });
    const a = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    expect(a.entry).toMatchObject({ drawPending: true, canDraw: true, entitlementFen: 10_000, rule: 'cashier.lottery' });
    expect(a.extractedFen).toBe(0);
    const drawn = await h.ok('queue.draw', { orderId: a.orderId });
    expect(drawn).toMatchObject({ drawnBp: 5000, entry: { entitlementFen: 5000, canDraw: false } });
    expect(await h.call('queue.draw', { orderId: a.orderId })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'not-drawable' } });
    const done = await h.ok('order.complete', { orderId: a.orderId });
    expect(done).toEqual({ orderId: a.orderId, extractedFen: 1000, paidToQueueFen: 0 });
    expect(await h.call('order.complete', { orderId: a.orderId })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'already-completed' } });
    const quote = await h.ok('queue.exchangeQuote', { orderId: a.orderId, to: 'points' });
    expect(quote).toEqual({ orderId: a.orderId, to: 'points', remainingFen: 5000, units: 10_000 });
    expect(await h.call('queue.exchangeQuote', { orderId: a.orderId, to: 'vouchers' })).toMatchObject({ ok: false, error: { rule: 'exchange-not-configured' } });
    const b = await h.ok('checkout.submit', { amountDueFen: 20_000, memberId: 'B', tenders: [{ kind: 'cash', amountFen: 20_000 }] });
    const preview = await h.ok('queue.refundPreview', { orderId: b.orderId });
    expect(preview).toEqual({ orderId: b.orderId, settled: false, entryState: 'waiting', forfeitsFen: 20_000, keepsReceivedFen: 0, paidToOthersFen: 0 });
    const refunded = await h.ok('queue.refund', { orderId: b.orderId, managerPin: '2468' });
    expect(refunded).toEqual({ orderId: b.orderId, forfeitedFen: 20_000 });
    expect(await h.call('queue.refundPreview', { orderId: b.orderId })).toMatchObject({ ok: false, error: { rule: 'already-refunded' } });
    const exchanged = await h.ok('queue.exchange', { orderId: a.orderId, to: 'points' });
    expect(exchanged).toMatchObject({ convertedFen: 5000, units: 10_000, entry: { state: 'exchanged' } });
    // The draw and the exchange each queued a slip for the customer (issue 10 §7), built from the database.
    const slips = h.backend.db.prepare(`SELECT id, slip, kind, order_id, queue_id, copy FROM print_jobs WHERE slip IN ('draw', 'exchange') ORDER BY id`).all() as { id: number; slip: 'draw' | 'exchange'; order_id: string; queue_id: string }[];
    expect(slips.map((j) => [j.slip, j.order_id])).toEqual([['draw', a.orderId], ['exchange', a.orderId]]);
    const slipText = (slip: 'draw' | 'exchange') =>
      jobPreview(h.backend.db, { kind: 'receipt', queueId: 'register-1', orderId: a.orderId, copy: false, slip }, { width: 58, copies: 1, drawer: true }).lines.map((l) => l.text).join('\n');
    expect(slipText('draw')).toMatch(/抽奖凭条[\s\S]*50%[\s\S]*待返权益\s+￥50\.00/);
    expect(slipText('exchange')).toMatch(/兑换的待返权益\s+￥50\.00[\s\S]*获得积分\s+10000 分/);
    const receipt = await h.ok('receipt.preview', { orderId: a.orderId, copy: false });
    expect(receipt.lines.length).toBeGreaterThan(5);
    const reprint = await h.ok('receipt.reprint', { orderId: a.orderId });
    expect(reprint.jobId).toBeGreaterThan(0);
    expect(reprint.lines.join('\n')).toContain('副本');
    expect(await h.call('queue.entry', { orderId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await h.call('receipt.preview', { orderId: 'nope', copy: false })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(verifyDatabase(h.backend.db)).toEqual([]);
    h.close();
  });

  it('auto-completion and a missed daily reset are applied by tick() and at start-up', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, settlement: 'completion', autoCompleteMinutes: 30, reset: { kind: 'daily', at: '00:00' } });
    addMember(h.backend.db, { id: 'A' });
    const a = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    h.clock.now += 31 * 60_000;
    h.backend.tick();
    expect(h.backend.store.getOrder('register-1', a.orderId)).toMatchObject({ completedAt: T0 + 30 * 60_000, extractedFen: 1000 });
    // Closed overnight: the reset at midnight is applied once, at start-up.
    h.clock.now = Date.parse('2026-03-03T09:00:00+08:00');
    const h2 = h.reopen();
    expect(h2.backend.store.getEntryByOrder('register-1', a.orderId)?.state).toBe('cleared');
    expect(h2.backend.db.prepare("SELECT count(*) AS n FROM ledger WHERE kind = 'clearing'").get()).toEqual({ n: 1 });
    expect(verifyDatabase(h2.backend.db)).toEqual([]);
    h2.close();
  });

  it('an unknown command and an unexpected failure are typed errors', async () => {
    const h = openHarness();
    expect(await h.handle('nope.nothing', {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await h.handle(42, {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await h.handle('__proto__', {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await h.ok('setup.createManager', { name: '店长', pin: '2468' });
    h.backend.db.exec('DROP TABLE checkout_details');
    await h.ok('shift.open', { openingFloatFen: 0 });
    const r = await h.call('checkout.submit', { amountDueFen: 100, memberId: null, tenders: [{ kind: 'cash', amountFen: 100 }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!r.ok) expect(r.error.message).not.toMatch(/checkout_details|SQLITE/);
    // Rolled back whole: no order, no tenders, no print job, no outbox event of the sale (the manager and the shift have theirs).
    for (const table of ['orders', 'order_tenders', 'print_jobs', 'ledger']) {
      expect(h.backend.db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    expect(h.backend.db.prepare('SELECT type FROM outbox ORDER BY seq').pluck().all()).toEqual(['staff.changed', 'shift.opened']);
    h.close();
  });
});
