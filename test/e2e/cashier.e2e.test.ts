/**
 * A whole shift in Debian's Chromium: the real renderer (Vite) against the
 * real backend (RegisterBackend + createCommandHandler) on a real SQLite
 * file. Sign in (a wrong PIN first), open the shift, ten checkouts (split
 * tender, scanned member, unknown member → walk-in, deductions, an invalid
 * amount refused), a lottery draw, an exchange, a refund with a wrong and
 * then the right manager PIN, a reload that finds everything still there,
 * and a Z report whose figures match SQL sums on the database file.
 *
 * Prints (does not assert) first paint and Enter → result panel timings.
 */
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatYuanGrouped, type Fen } from '../../shared/money';
import { orderNumber } from '../../shared/order-number';
import { chromiumAvailable, CHROMIUM, firstRun, openShift, scan, startHarness, type Harness } from './harness';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const sel = (id: string) => `[data-test="${id}"]`;
const y = (fen: number) => `¥${formatYuanGrouped(fen as Fen)}`;

describe.skipIf(!hasChromium)('a whole shift in Chromium against the real backend', () => {
  let h: Harness;
  let page: Page;
  const enterToResult: number[] = [];
  const roundTrip: number[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = h.page;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  }, 30_000);

  async function text(id: string): Promise<string> {
    return ((await page.locator(sel(id)).first().textContent()) ?? '').trim();
  }

  /** Types the amount (fill = no key timing), then Enter; waits for the result panel. */
  async function pay(expectOrder = true): Promise<string> {
    const started = performance.now();
    await page.keyboard.press('Enter');
    if (!expectOrder) return '';
    await page.waitForSelector(sel('result-panel'), { timeout: 10_000 });
    roundTrip.push(performance.now() - started);
    const measured = await page.evaluate(() => performance.getEntriesByName('checkout:enter-to-result').map((e) => e.duration));
    if (measured.length) enterToResult.push(measured[measured.length - 1]!);
    return text('result-order');
  }

  async function nextSale() {
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { state: 'detached' });
  }

  async function amount(yuanText: string) {
    await page.locator(sel('amount')).fill(yuanText);
  }

  const orders: string[] = [];

  it('first run: creates the manager; a cashier signs in after a wrong PIN', async () => {
    await h.openApp();
    const paint = await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      const ready = performance.getEntriesByName('app:ready')[0]?.startTime ?? null;
      return { fcp, ready };
    });
    console.log(`[timing] first contentful paint ${paint.fcp?.toFixed(0)} ms, app ready (status loaded, first screen) ${paint.ready?.toFixed(0)} ms`);

    await firstRun(page);
    await h.ok('cashiers.create', { name: '林小红', pin: '1357', role: 'cashier', managerPin: '2468' });
    await page.click(sel('sign-out'));

    await page.waitForSelector(sel('sign-in'));
    await page.locator('.cashier', { hasText: '林小红' }).click();
    await page.locator(sel('pin')).fill('0000');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('sign-in-error'));
    expect(await text('sign-in-error')).not.toBe('');
    await page.locator(sel('pin')).fill('1357');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('opening-float'));
    expect(await text('status-cashier')).toContain('林小红');
  }, 120_000);

  it('opens the shift with a float', async () => {
    await openShift(page, '500');
    expect(await text('status-shift')).toContain('已开班');
  }, 120_000);

  it('refuses an invalid amount with a message and changes nothing', async () => {
    const before = h.backend.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number };
    await amount('12.345');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('checkout-problem'));
    expect(await text('checkout-problem')).toContain('最多两位小数');
    expect((h.backend.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe(before.n);
  }, 120_000);

  it('takes ten checkouts: walk-in, scanned member, split tender, phone, deductions, unknown member', async () => {
    // 1. walk-in, 100.00 cash exact.
    await amount('100');
    orders.push(await pay());
    expect(await text('result-no-entitlement')).toContain('散客');
    await nextSale();

    // 2. scanned member card while the amount field has focus: the burst must not land in it.
    await amount('168');
    await page.locator(sel('amount')).focus();
    await scan(page, 'VIP0001');
    await page.waitForSelector(sel('member-found'));
    expect(await page.locator(sel('amount')).inputValue()).toBe('168');
    await page.locator(sel('tender-amount-0')).fill('200');
    expect(await text('change')).toBe(y(3200));
    orders.push(await pay());
    expect(await text('result-change')).toBe(y(3200));
    expect(await text('result-entitlement')).toBe(y(21840));
    expect(await text('result-ratio')).toContain('130%');
    await nextSale();

    // 3. split tender: 100 cash + the rest by WeChat (the new line takes the rest).
    await amount('300');
    await page.locator(sel('tender-amount-0')).fill('100');
    await page.keyboard.press('+');
    await page.keyboard.press('F9');
    expect(await text('remaining')).toBe(y(0));
    orders.push(await pay());
    await nextSale();

    // 4. member by phone typed by hand, looked up with Enter in the member field; Alipay (F10).
    await amount('120');
    await page.keyboard.press('F4');
    await page.locator(sel('member')).fill('13900139000');
    await page.locator(sel('member')).press('Enter');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('F10');
    orders.push(await pay());
    await nextSale();

    // 5. deductions: 10.00 points + 5.00 love value off 88.00 (a member's balance: the member first), card.
    await amount('88');
    await page.keyboard.press('F4');
    await page.locator(sel('member')).fill('MC20002');
    await page.locator(sel('member')).press('Enter');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('F5');
    await page.keyboard.type('10', { delay: 60 });
    await page.keyboard.press('F6');
    await page.keyboard.type('5', { delay: 60 });
    await page.keyboard.press('F8');
    expect(await text('actual-paid')).toBe(y(7300));
    orders.push(await pay());
    await nextSale();

    // 6. an unknown member: told, Enter continues as a walk-in.
    await amount('50');
    await page.locator(sel('member')).fill('18600000000');
    await page.locator(sel('member')).press('Enter');
    await page.waitForSelector(sel('member-unknown'));
    await page.locator(sel('amount')).focus();
    await page.keyboard.press('Enter'); // continue as walk-in
    await page.waitForSelector(sel('result-panel'));
    orders.push(await text('result-order'));
    expect(await text('result-member')).toContain('散客');
    await nextSale();

    // 7.–10. member M002 (lottery), M003 by scanned QR with the focus on nothing, and two more.
    for (const [yuan, code] of [['66', 'MC20002'], ['256', 'member:MC30003'], ['99.9', 'MC20002'], ['45.5', null]] as const) {
      await amount(yuan);
      if (code) {
        await page.locator('body').click({ position: { x: 5, y: 5 } });
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await scan(page, code);
        await page.waitForSelector(sel('member-found'));
      }
      orders.push(await pay());
      await nextSale();
    }
    expect(orders).toHaveLength(10);
    const n = (h.backend.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
    expect(n).toBe(10);
  }, 120_000);

  async function openEntry(orderId: string) {
    await page.locator(sel('queue-search')).fill(orderId);
    await page.keyboard.press('Enter');
    // The line shows the order number people read; the search also takes the internal id.
    const row = page.locator('.el-table-v2__row', { hasText: orderNumber(orderId) }).first();
    await row.waitFor();
    await row.click();
    await page.waitForSelector(`${sel('entry-details')} ${sel('entry-state')}`);
  }

  async function closeEntry() {
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('entry-details'), { state: 'hidden' });
  }

  it('draws the lottery for an entry that may draw, showing the recorded result', async () => {
    await page.keyboard.press('F2');
    await page.waitForSelector(sel('queue-view'));
    const drawable = (await h.ok('queue.list', { state: 'waiting', limit: 100 })).entries.find((e) => e.canDraw);
    expect(drawable, 'an entry that may draw').toBeTruthy();
    await openEntry(drawable!.orderId);
    await page.keyboard.press('F5');
    await page.waitForSelector(`${sel('draw-dialog')}[data-done="yes"]`, { timeout: 10_000 });
    const row = h.backend.db.prepare('SELECT ratio_bp, draw_pending, drawn_at FROM entries WHERE order_id = ?').get(drawable!.orderId) as { ratio_bp: number; draw_pending: number; drawn_at: number };
    expect(row.draw_pending).toBe(0);
    expect(row.drawn_at).toBeGreaterThan(0);
    expect(await text('draw-result')).toContain(`${row.ratio_bp / 100}%`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('draw-dialog'), { state: 'hidden' });
    expect(await page.locator(sel('entry-draw')).count()).toBe(0);
    await closeEntry();
  }, 120_000);

  it('exchanges an entry to points after a confirmation showing what the customer gets', async () => {
    const target = (await h.ok('queue.list', { state: 'waiting', limit: 100 })).entries.at(-1)!;
    const quote = await h.ok('queue.exchangeQuote', { orderId: target.orderId, to: 'points' });
    await openEntry(target.orderId);
    await page.keyboard.press('F6');
    await page.waitForSelector(sel('exchange-units'));
    expect(await text('exchange-units')).toBe(String(quote.units));
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('entry-notice'));
    expect(await text('entry-state')).toBe('已兑换');
    const state = h.backend.db.prepare('SELECT state FROM entries WHERE order_id = ?').get(target.orderId) as { state: string };
    expect(state.state).toBe('exchanged');
    await closeEntry();
  }, 120_000);

  it('refunds behind the manager PIN: a wrong PIN is refused, the right one refunds', async () => {
    const target = (await h.ok('queue.list', { state: 'waiting', limit: 100 })).entries.at(-1)!;
    await openEntry(target.orderId);
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('refund-dialog'));
    expect(await text('refund-forfeits')).toBe(y(target.entitlementFen - target.receivedFen));
    await page.locator(sel('manager-pin')).fill('1111');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('refund-error'));
    expect(await text('refund-error')).toContain('PIN');
    expect((h.backend.db.prepare('SELECT count(*) AS n FROM refunds').get() as { n: number }).n).toBe(0);
    await page.locator(sel('manager-pin')).fill('2468');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('refund-dialog'), { state: 'hidden' });
    await page.waitForSelector(sel('entry-notice'));
    expect(await text('entry-state')).toBe('已退款');
    expect((h.backend.db.prepare('SELECT count(*) AS n FROM refunds').get() as { n: number }).n).toBe(1);
    await closeEntry();
  }, 120_000);

  it('finds everything still there after a reload', async () => {
    const before = await h.ok('queue.list', { limit: 500 });
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('[data-ready="yes"]');
    await page.waitForSelector(sel('checkout-view'));
    expect(await text('status-cashier')).toContain('林小红');
    await page.keyboard.press('F2');
    await page.waitForSelector('.el-table-v2__row');
    const rows = await page.locator('.el-table-v2__row .order-id').allTextContents();
    expect(rows).toEqual(before.entries.map((e) => orderNumber(e.orderId)).slice(0, rows.length));
    expect(rows.length).toBe(before.entries.length);
    expect(await page.locator('.el-table-v2__row', { hasText: '已退款' }).count()).toBe(1);
    expect(await page.locator('.el-table-v2__row', { hasText: '已兑换' }).count()).toBe(1);
  }, 120_000);

  it('closes the shift with a Z report whose totals match SQL sums on the database file', async () => {
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('x-report'));
    await page.keyboard.press('F5');
    await page.waitForSelector(sel('report-X'));
    const expectedCash = await text('report-expected-cash');
    await page.locator(sel('counted-cash')).fill(expectedCash.replace(/[¥,]/g, ''));
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('confirm-close-confirm'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('report-Z'));

    const db = new Database(h.dbFile, { readonly: true, fileMustExist: true });
    try {
      const shift = db.prepare('SELECT id, opening_float_fen FROM shifts ORDER BY id DESC LIMIT 1').get() as { id: number; opening_float_fen: number };
      const one = (sql: string) => (db.prepare(sql).get(shift.id) as { v: number }).v;
      const tender = (kind: string) =>
        one(`SELECT coalesce(sum(t.amount_fen), 0) AS v FROM order_tenders t JOIN orders o ON o.queue_id = t.queue_id AND o.id = t.order_id WHERE o.shift_id = ? AND t.kind = '${kind}'`);
      const orders = one('SELECT count(*) AS v FROM orders WHERE shift_id = ?');
      const sales = one('SELECT coalesce(sum(actual_paid_fen), 0) AS v FROM orders WHERE shift_id = ?');
      const change = one('SELECT coalesce(sum(change_fen), 0) AS v FROM orders WHERE shift_id = ?');
      const cashRefunds = one('SELECT coalesce(sum(cash_fen), 0) AS v FROM refunds WHERE shift_id = ?');
      const refunded = one('SELECT coalesce(sum(amount_fen), 0) AS v FROM refunds WHERE shift_id = ?');
      const refunds = one('SELECT count(*) AS v FROM refunds WHERE shift_id = ?');
      const extracted = one(`SELECT coalesce(sum(l.amount_fen), 0) AS v FROM ledger l JOIN orders o ON o.queue_id = l.queue_id AND o.id = l.order_id WHERE o.shift_id = ? AND l.kind = 'extraction'`);
      const paidOut = one(`SELECT coalesce(sum(l.amount_fen), 0) AS v FROM ledger l JOIN orders o ON o.queue_id = l.queue_id AND o.id = l.order_id WHERE o.shift_id = ? AND l.kind = 'payout'`);
      const newEntitlements = one(`SELECT coalesce(sum(e.entitlement_fen), 0) AS v FROM entries e JOIN orders o ON o.queue_id = e.queue_id AND o.id = e.order_id WHERE o.shift_id = ? AND e.state <> 'points'`);

      expect(orders).toBe(10);
      expect(await text('report-orders')).toBe(String(orders));
      expect(await text('report-sales')).toBe(y(sales));
      // The report shows cash NET of change (docs/app.md), so the tenders add up to the sales.
      for (const kind of ['cash', 'card', 'wechat', 'alipay', 'other']) {
        expect(await text(`report-tender-${kind}`)).toBe(y(kind === 'cash' ? tender(kind) - change : tender(kind)));
      }
      expect(['cash', 'card', 'wechat', 'alipay', 'other'].reduce((sum, k) => sum + tender(k), 0) - change).toBe(sales);
      expect(await text('report-expected-cash')).toBe(y(shift.opening_float_fen + tender('cash') - change - cashRefunds));
      expect(await text('report-cash-difference')).toBe(y(0));
      expect(await text('report-refunds')).toBe(String(refunds));
      expect(await text('report-refunded')).toBe(y(refunded));
      expect(await text('report-extracted')).toBe(y(extracted));
      expect(await text('report-paid-out')).toBe(y(paidOut));
      expect(await text('report-new-entitlements')).toBe(y(newEntitlements));
      expect(tender('card')).toBeGreaterThan(0);
      expect(tender('wechat')).toBeGreaterThan(0);
      expect(tender('alipay')).toBeGreaterThan(0);
      const closed = db.prepare('SELECT closed_at FROM shifts WHERE id = ?').get(shift.id) as { closed_at: number | null };
      expect(closed.closed_at).not.toBeNull();
    } finally {
      db.close();
    }
    expect(await text('status-shift')).toContain('未开班');

    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length ? `median ${s[Math.floor(s.length / 2)]!.toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms over ${s.length}` : 'n/a';
    };
    console.log(`[timing] Enter → result panel painted (in page): ${stats(enterToResult)}`);
    console.log(`[timing] Enter → result panel visible (test side, incl. CDP round trips): ${stats(roundTrip)}`);
  }, 120_000);
});
