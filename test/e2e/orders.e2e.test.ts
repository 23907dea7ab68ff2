/**
 * Staff and orders in Debian's Chromium against the real backend on a real
 * SQLite file (test/e2e/harness.ts), by keyboard: first run; the manager
 * adds two cashiers in the console's staff section (F12, Insert, Enter);
 * one of them signs in (↓ to choose, PIN, Enter); a walk-in sale paid by
 * WeChat + cash with change; the orders screen (Ctrl+O) finds it by the
 * receipt's 查询码 ('/' then Enter); F5 reprints it (副本); F8 shows what to
 * hand back per tender, the manager PIN approves, and the database holds
 * the refund, its tenders, the refund slip job and the audit row naming the
 * approving manager. Focus is back on the list after every dialog.
 * Typing is slow on purpose: four keys under 35 ms each + Enter is a scan.
 */
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, chromiumAvailable, CHROMIUM, firstRunToCheckout, focusIn, MANAGER, signIn, startHarness, typeSlowly, unlockConsole, type Harness } from './harness';
import { latinOnScreen } from './latin';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const sel = (id: string) => `[data-test="${id}"]`;
const PIN = MANAGER.pin;

describe.skipIf(!hasChromium)('staff and orders in Chromium against the real backend', () => {
  let h: Harness;
  let page: Page;
  let db: Database.Database;

  beforeAll(async () => {
    h = await startHarness();
    page = h.page;
    db = new Database(h.dbFile, { readonly: true, fileMustExist: true });
  }, 120_000);

  afterAll(async () => {
    db?.close();
    await h?.close();
  }, 30_000);

  const q = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T;
  const text = async (id: string) => ((await page.locator(sel(id)).first().textContent()) ?? '').trim();
  const activeTest = () => page.evaluate(() => document.activeElement?.closest('[data-test]')?.getAttribute('data-test') ?? null);

  it('first run; the manager adds two cashiers in the staff section by keyboard', async () => {
    await h.openApp();
    await firstRunToCheckout(page);
    await unlockConsole(page);
    await page.keyboard.press('F12');
    await page.waitForSelector(sel('staff-panel'));
    await addStaff(page, '林小红', '1357');
    await addStaff(page, '周晓明', '9753');
    // After the dialog the list has the focus again.
    expect(await activeTest()).toBe('staff-list');
    expect(await latinOnScreen(page)).toEqual([]);
    const names = await page.locator(sel('staff-row')).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(names).toEqual(expect.arrayContaining(['陈店长', '林小红', '周晓明']));
    expect(q<{ n: number }>("SELECT count(*) AS n FROM cashiers WHERE role = 'cashier'").n).toBe(2);
    expect(q<{ n: number }>("SELECT count(*) AS n FROM manager_audit WHERE action = 'staff.create'").n).toBe(2);
  }, 120_000);

  it('a cashier signs in by keyboard; a walk-in sale is found on the orders screen by its 查询码', async () => {
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('shift-view'));
    await page.keyboard.press('F10');
    await page.waitForSelector(`${sel('sign-in')} ${sel('pin')}`);
    expect(await text('sign-in-staff-hint')).toContain('员工');
    // The manager signed in last: preselected.
    expect(await page.locator('.cashier[aria-checked="true"] .name').textContent()).toBe(MANAGER.name);
    await signIn(page, '林小红', '1357');
    await page.keyboard.press('F1');
    await page.waitForSelector(sel('checkout-view'));

    // A walk-in: WeChat ¥30.00 + cash ¥60.00 for ¥88.80 (change ¥1.20), sold by 林小红.
    const sale = await h.ok('checkout.submit', {
      amountDueFen: 8880,
      memberId: null,
      tenders: [
        { kind: 'wechat', amountFen: 3000 },
        { kind: 'cash', amountFen: 6000 },
      ],
    });
    for (const fen of [1200, 4500]) await h.ok('checkout.submit', { amountDueFen: fen, memberId: null, tenders: [{ kind: 'cash', amountFen: fen }] });
    const code = q<{ lookup_code: string }>('SELECT lookup_code FROM orders WHERE id = ?', sale.orderId).lookup_code;
    expect(code).toMatch(/^[0-9A-Z]{12}$/);

    await page.keyboard.press('Control+o');
    await page.waitForSelector(sel('orders-view'));
    await page.waitForSelector(sel('orders-row'));
    expect(await page.locator(sel('orders-row')).count()).toBe(3);
    await page.keyboard.press('/');
    await typeSlowly(page, `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-test="orders-row"]').length === 1);
    expect(await text('orders-matched')).toBe('按查询码找到');
    await page.waitForSelector(`${sel('order-details')}[data-order="${sale.orderId}"]`);
    expect(await text('order-details-cashier')).toBe('林小红');
    expect(await text('order-details-member')).toBe('散客（非会员）');
    expect(await text('order-details-paid')).toBe('¥88.80');
    expect(await page.locator(sel('order-details-tender-wechat')).textContent()).toContain('¥30.00');
    expect(await activeTest()).toBe('orders-list');
    expect(await latinOnScreen(page)).toEqual([]);
  }, 120_000);

  it('F5 reprints it (副本); F8 shows what to hand back per tender; the manager PIN refunds it; the audit log names the manager', async () => {
    const orderId = (await page.locator(sel('order-details')).getAttribute('data-order'))!;
    await page.keyboard.press('F5');
    await page.waitForSelector(sel('orders-notice'));
    expect(await text('orders-notice')).toContain('副本');
    expect(q<{ n: number }>('SELECT count(*) AS n FROM print_jobs WHERE order_id = ? AND copy = 1', orderId).n).toBe(1);
    await page.waitForFunction(() => document.querySelectorAll('[data-test^="order-job-"]').length === 2);

    await page.keyboard.press('F8');
    await page.waitForSelector(sel('order-refund-dialog'));
    expect(await page.locator(sel('refund-hand-back-wechat')).textContent()).toContain('¥30.00');
    expect(await page.locator(sel('refund-hand-back-cash')).textContent()).toContain('¥58.80');
    expect(await text('refund-hand-back-total')).toBe('¥88.80');
    expect(await latinOnScreen(page)).toEqual([]);
    // The PIN field has the focus: a wrong PIN first, then the right one.
    await focusIn(page, 'order-refund-pin');
    await typeSlowly(page, '1111');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('order-refund-error'));
    expect(await text('order-refund-error')).toContain('还可以再试');
    await typeSlowly(page, PIN);
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('order-refund-dialog'), { state: 'hidden' });
    await page.waitForFunction(() => document.querySelector('[data-test="orders-notice"]')?.textContent?.includes('陈店长'));
    expect(await text('orders-notice')).toContain('¥88.80');
    expect(await activeTest()).toBe('orders-list');
    await page.waitForSelector(sel('order-details-approved-by'));
    expect(await text('order-details-approved-by')).toBe('陈店长');

    const refund = q<{ approved: string; cashier: string; cash_fen: number }>(
      'SELECT m.name AS approved, c.name AS cashier, r.cash_fen FROM refunds r JOIN cashiers m ON m.id = r.approved_by JOIN cashiers c ON c.id = r.cashier_id WHERE r.order_id = ?',
      orderId,
    );
    expect(refund).toEqual({ approved: '陈店长', cashier: '林小红', cash_fen: 5880 });
    expect(db.prepare('SELECT kind, amount_fen FROM refund_tenders WHERE order_id = ? ORDER BY line').all(orderId)).toEqual([
      { kind: 'wechat', amount_fen: 3000 },
      { kind: 'cash', amount_fen: 5880 },
    ]);
    expect(q<{ n: number }>("SELECT count(*) AS n FROM print_jobs WHERE order_id = ? AND slip = 'refund'", orderId).n).toBe(1);
    const audit = q<{ name: string }>("SELECT c.name FROM manager_audit a JOIN cashiers c ON c.id = a.manager_id WHERE a.action = 'order.refund'");
    expect(audit.name).toBe('陈店长');

    // A second F8: refused with the reason, nothing asked.
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('orders-problem'));
    expect(await text('orders-problem')).toBe('这笔订单已经退过款。');
  }, 120_000);
});
