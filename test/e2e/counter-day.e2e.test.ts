/**
 * A day at the counter by keyboard only (issue 10, "Tests"), in Debian's
 * Chromium in zh-CN at 1024×768, against the real backend on a real SQLite
 * file, with the print worker running against the stand-in printer (a TCP
 * listener that answers status queries; what it received is decoded back
 * into text lines):
 *
 *  1. first run; the manager adds two cashiers in the console (Ctrl+G, F12);
 *     one of them signs in and opens the shift;
 *  2. 15 sales: walk-ins, members (a member code scanned as a burst while the
 *     amount field has focus, a phone typed in the member field, a phone
 *     scanned), a customer's WeChat pay code scanned (refused with the
 *     Chinese explanation, then collected as WeChat Pay), a split tender,
 *     change, 1000 typed for 100 caught by the large-change question, the
 *     next ¥50 note by Ctrl+3, a member's sale paid wholly by points and love value
 *     (¥0 paid, no tender), a lottery draw from the result panel (F5) and a
 *     reprint from it (Ctrl+P, 副本); the printer runs out of paper mid-shift:
 *     the banner says 缺纸, the print-jobs list (Ctrl+J) shows the job, paper
 *     back in, R prints it;
 *  3. a walk-in's refund: its 查询码 read off the printed receipt, found on the
 *     orders screen (Ctrl+O, '/'), F8, what to hand back per tender, the
 *     manager PIN; the refund slip prints;
 *  4. an exchange from the line (the receipt's 查询码 opens the entry), its
 *     slip printed; X (F6) and Z (close) reports printed with the cashier's
 *     name, sales (销售额) and the refunds apart.
 *
 * Every screen passed through is checked for Latin words (test/e2e/latin.ts)
 * and so is every printed line. Amounts and PINs are typed with a person's
 * rhythm (60 ms a key: four keys under 35 ms each + Enter is a scan); scans
 * are dispatched inside the page in one task (see harness.ts `scan`).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderNumber } from '../../shared/order-number';
import type { DecodedReceipt } from '../support/escpos-decoder';
import {
  addStaff,
  chromiumAvailable,
  CHROMIUM,
  firstRun,
  focusIn,
  MANAGER,
  openShift,
  scan,
  signIn,
  startHarness,
  typeSlowly,
  unlockConsole,
  type Harness,
} from './harness';
import { latinOnScreen, latinWords } from './latin';
import { attachStandInPrinter, type StandInPrinter } from './printer';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const sel = (id: string) => `[data-test="${id}"]`;
const CASHIER = { name: '林小红', pin: '1357' };

describe.skipIf(!hasChromium)('a day at the counter by keyboard, with the print worker and the stand-in printer', () => {
  let h: Harness;
  let page: Page;
  let paper: StandInPrinter;

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1024, height: 768 } });
    page = h.page;
    paper = await attachStandInPrinter(h);
  }, 120_000);

  afterAll(async () => {
    await paper?.stop();
    await h?.close();
  }, 60_000);

  const one = <T>(sql: string, ...args: unknown[]) => h.backend.db.prepare(sql).get(...args) as T;
  const orders = () => one<{ n: number }>('SELECT count(*) AS n FROM orders').n;
  const text = async (id: string) => ((await page.locator(sel(id)).first().textContent()) ?? '').trim();
  const activeTest = () => page.evaluate(() => document.activeElement?.closest('[data-test]')?.getAttribute('data-test') ?? null);
  const noLatin = async (where: string) => expect(await latinOnScreen(page), where).toEqual([]);

  /** The printed receipt (or slip) whose lines include `needle`; waits until it is on paper. */
  async function printedWith(needle: string, nth = 0): Promise<DecodedReceipt> {
    let found: DecodedReceipt | undefined;
    await expect
      .poll(
        () => {
          found = paper.printed().filter((r) => r.lines.some((l) => l.text.includes(needle)))[nth];
          return Boolean(found?.cut);
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    return found!;
  }
  const lines = (r: DecodedReceipt) => r.lines.map((l) => l.text);
  /** An order's receipt as printed (its number on it), the `nth` print of it (0 the original, 1 the first copy). */
  const receiptOf = (orderId: string, nth = 0) => printedWith(orderNumber(orderId), nth);
  /** The 查询码 printed on an order's receipt (what the customer brings back). */
  async function lookupCodeOf(orderId: string): Promise<string> {
    const line = lines(await receiptOf(orderId)).find((l) => l.startsWith('查询码'));
    expect(line, `the receipt of ${orderId} has its 查询码`).toBeTruthy();
    return line!.replace('查询码', '').trim();
  }

  /** A new sale: the amount field has the focus (after the last sale or dialog); the amount typed like a person. */
  async function amount(yuan: string) {
    await focusIn(page, 'amount');
    await typeSlowly(page, yuan);
  }
  /** Enter pays; the result panel shows; returns the order's id (the screen and the paper show its number, orderNumber). */
  async function pay(): Promise<string> {
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { timeout: 60_000 });
    const orderId = (await page.locator(sel('result-panel')).getAttribute('data-order')) ?? '';
    expect(await text('result-order')).toBe(orderNumber(orderId));
    return orderId;
  }
  /** Enter on the result panel: the next customer, the cursor back in the amount. */
  async function next() {
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { state: 'detached' });
    await focusIn(page, 'amount');
  }

  const sold: Record<string, string> = {};

  it('first run; the manager adds two cashiers in the console (F12); a cashier signs in and opens the shift', async () => {
    await h.openApp();
    await firstRun(page);
    await noLatin('shift screen after the first run');
    // The console without an open shift: Ctrl+G, PIN, F12 staff, Insert adds.
    await unlockConsole(page);
    await page.keyboard.press('F12');
    await page.waitForSelector(sel('staff-panel'));
    await focusIn(page, 'staff-list');
    await addStaff(page, CASHIER.name, CASHIER.pin);
    await addStaff(page, '周晓明', '9753');
    expect(await activeTest()).toBe('staff-list');
    await noLatin('staff section');
    expect(one<{ n: number }>("SELECT count(*) AS n FROM cashiers WHERE role = 'cashier' AND disabled_at IS NULL").n).toBe(2);

    // Back to the shift screen (F3 locks the console), F10 signs the manager out.
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('shift-view'));
    await page.keyboard.press('F10');
    await page.waitForSelector(`${sel('sign-in')} ${sel('pin')}`);
    expect(await text('sign-in-staff-hint')).toContain('员工');
    await noLatin('sign-in');
    await signIn(page, CASHIER.name, CASHIER.pin);
    await openShift(page, '500');
    expect(await text('status-cashier')).toContain(CASHIER.name);
    await noLatin('checkout, empty');
  }, 180_000);

  it('fifteen sales by keyboard and scanner; a draw and a reprint from the result panel; paper out mid-shift, retried', async () => {
    // 1. A walk-in, ¥100.00: the empty cash line takes the rest. Its receipt prints.
    await amount('100');
    sold['walk-in'] = await pay();
    expect(await text('result-member')).toContain('散客');
    await noLatin('result panel');
    await next();
    const first = await receiptOf(sold['walk-in']!);
    expect(lines(first).some((l) => l.includes('【排队返现】'))).toBe(true); // the rebate block under the store's name
    expect(lines(first).some((l) => l.includes('实付金额') && l.includes('￥100.00'))).toBe(true);
    expect(lines(first).some((l) => l.includes('收银员') && l.includes(CASHIER.name))).toBe(true);

    // 2. A member card scanned as a burst while the amount field has focus: the burst does not land in the amount.
    await amount('168');
    await scan(page, 'VIP0001');
    await page.waitForSelector(sel('member-found'));
    expect(await page.locator(sel('amount')).inputValue()).toBe('168');
    // '*' puts the cursor in the amount received: ¥200.00 given, ¥32.00 change.
    await page.keyboard.press('*');
    await focusIn(page, 'tender-amount-0');
    await typeSlowly(page, '200');
    expect(await text('change')).toBe('¥32.00');
    await noLatin('checkout with a member and change');
    sold['member-change'] = await pay();
    expect(await text('result-change')).toBe('¥32.00');
    await next();

    // 3. The customer's WeChat pay code scanned into the focused amount field: told in Chinese, never a member, never a tender.
    await amount('50');
    await scan(page, '134567890123456789');
    await page.waitForSelector(sel('scan-notice'));
    const notice = await text('scan-notice');
    expect(notice).toContain('微信付款码');
    expect(notice).toContain('收款终端');
    expect(await page.locator(sel('amount')).inputValue()).toBe('50');
    await noLatin('pay-code notice');
    expect(orders()).toBe(2); // the scan's Enter did not pay
    await page.keyboard.press('F9'); // collected on the terminal: the tender is WeChat Pay
    await page.waitForSelector(sel('scan-notice'), { state: 'detached' });
    sold['wechat'] = await pay();
    expect(h.backend.db.prepare('SELECT kind, amount_fen FROM order_tenders WHERE order_id = ?').all(sold['wechat'])).toEqual([{ kind: 'wechat', amount_fen: 5000 }]);
    expect(one<{ member_id: string | null }>('SELECT member_id FROM orders WHERE id = ?', sold['wechat']).member_id).toBeNull();
    await next();

    // 4. A split tender: ¥100 cash, '+' a new line that takes the rest (its placeholder says how much), F9 WeChat.
    await amount('300');
    await page.keyboard.press('*');
    await typeSlowly(page, '100');
    await page.keyboard.press('+');
    await page.waitForSelector(sel('tender-amount-1'));
    expect(await page.locator(sel('tender-amount-1')).getAttribute('placeholder')).toContain('¥200.00');
    await page.keyboard.press('F9');
    expect(await text('remaining')).toBe('¥0.00');
    sold['split'] = await pay();
    expect(h.backend.db.prepare('SELECT kind, amount_fen FROM order_tenders WHERE order_id = ? ORDER BY line').all(sold['split'])).toEqual([
      { kind: 'cash', amount_fen: 10000 },
      { kind: 'wechat', amount_fen: 20000 },
    ]);
    await next();

    // 5. 1000 typed for 100: asked once before paying; Esc goes back to the amount received; Ctrl+1 = exact.
    await amount('100');
    await page.keyboard.press('*');
    await typeSlowly(page, '1000');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('large-change-text'));
    expect(await text('large-change-text')).toContain('¥900.00');
    await noLatin('large-change question');
    expect(orders()).toBe(4);
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('large-change-text'), { state: 'hidden' });
    await focusIn(page, 'tender-amount-0');
    await page.keyboard.press('Control+1');
    expect(await page.locator(sel('tender-amount-0')).inputValue()).toBe('100');
    sold['typo'] = await pay();
    expect(one<{ change_fen: number }>('SELECT change_fen FROM orders WHERE id = ?', sold['typo']).change_fen).toBe(0);
    await next();

    // 6. A member paid wholly by points (F5) and love value (F6): ¥0 paid, no tender needed.
    //    (Points and love value are a member's balance: a walk-in cannot pay with them.)
    await amount('30');
    await scan(page, 'VIP0001');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('F5');
    await typeSlowly(page, '20');
    await page.keyboard.press('F6');
    await typeSlowly(page, '10');
    await page.waitForSelector(sel('no-tender-needed'));
    expect(await text('actual-paid')).toBe('¥0.00');
    sold['points'] = await pay();
    expect(await text('result-paid')).toBe('¥0.00');
    expect(one<{ n: number }>('SELECT count(*) AS n FROM order_tenders WHERE order_id = ?', sold['points']).n).toBe(0);
    await next();

    // 7. A member by the phone number typed into the member field (F4, Enter), Alipay (F10).
    await amount('120');
    await page.keyboard.press('F4');
    await focusIn(page, 'member');
    await typeSlowly(page, '13900139000');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('F10');
    sold['phone'] = await pay();
    expect(await text('result-member')).toContain('139****9000');
    await next();

    // 8. A member card scanned with the cursor in the amount; the entry's lottery drawn from the result panel (F5).
    await amount('66');
    await scan(page, 'MC20002');
    await page.waitForSelector(sel('member-found'));
    sold['draw'] = await pay();
    await page.waitForSelector(sel('result-draw'));
    await page.keyboard.press('F5');
    await page.waitForSelector(`${sel('draw-dialog')}[data-done="yes"]`, { timeout: 30_000 });
    const drawn = one<{ ratio_bp: number; draw_pending: number }>('SELECT ratio_bp, draw_pending FROM entries WHERE order_id = ?', sold['draw']);
    expect(drawn.draw_pending).toBe(0);
    expect(await text('draw-result')).toContain(`${drawn.ratio_bp / 100}%`);
    await noLatin('draw result');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('draw-dialog'), { state: 'hidden' });
    expect(await page.locator(sel('result-draw')).count()).toBe(0);
    await next();
    const drawSlip = await printedWith('抽奖凭条');
    expect(lines(drawSlip).some((l) => l.includes(orderNumber(sold['draw']!)))).toBe(true);

    // 9. A member QR scanned; card (F8).
    await amount('256');
    await scan(page, 'member:MC30003');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('F8');
    sold['card'] = await pay();
    await next();

    // 10. A walk-in of ¥36.50 pays with a ¥50 note (Ctrl+3): ¥13.50 change. Ctrl+P reprints its receipt (副本).
    await amount('36.5');
    await page.keyboard.press('Control+3');
    expect(await text('change')).toBe('¥13.50');
    sold['note'] = await pay();
    expect(await text('result-change')).toBe('¥13.50');
    await page.keyboard.press('Control+p');
    await expect.poll(() => one<{ n: number }>('SELECT count(*) AS n FROM print_jobs WHERE order_id = ? AND copy = 1', sold['note']).n).toBe(1);
    await next();
    const copy = await receiptOf(sold['note']!, 1);
    expect(lines(copy).filter((l) => l.includes('副本'))).toHaveLength(2); // top and bottom
    expect(copy.drawer).toBe(false); // a copy never opens the drawer

    // 11. The printer runs out of paper: the sale goes through; the banner says 缺纸 and why.
    await expect.poll(() => paper.jobsIn('pending') + paper.jobsIn('printing'), { timeout: 60_000 }).toBe(0);
    paper.printer.status = { paper: 'out', coverOpen: false };
    await amount('20');
    sold['paper-out'] = await pay();
    await next();
    await page.waitForSelector(sel('print-banner'), { timeout: 60_000 });
    expect(await text('print-banner')).toContain('缺纸');
    await noLatin('printer banner');
    // The next customer is served while the printer waits: 12. a walk-in, WeChat ¥30 + cash ¥60 for ¥88.80.
    await amount('88.8');
    await page.keyboard.press('F9');
    await page.keyboard.press('*');
    await typeSlowly(page, '30');
    await page.keyboard.press('+');
    await page.keyboard.press('F7');
    await typeSlowly(page, '60');
    expect(await text('change')).toBe('¥1.20');
    sold['refund-me'] = await pay();
    await next();
    // Ctrl+J: the jobs not printed, the paper-out one among them; paper back in, R retries.
    await page.keyboard.press('Control+j');
    await page.waitForSelector(`${sel('print-jobs')} tr[data-state="failed"]`);
    expect(await text('print-jobs')).toContain('缺纸');
    await noLatin('print-jobs list');
    paper.printer.status = { paper: 'ok', coverOpen: false };
    await page.keyboard.press('r');
    await expect.poll(() => paper.jobsIn('failed') + paper.jobsIn('pending'), { timeout: 60_000 }).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('print-banner'), { state: 'detached', timeout: 60_000 });
    await focusIn(page, 'amount');
    await receiptOf(sold['paper-out']!);
    await receiptOf(sold['refund-me']!);

    // 13. A member's phone scanned (a burst of 11 digits); cash with the next ¥10 (Ctrl+2).
    await amount('45.5');
    await scan(page, '13800138000');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('Control+2');
    expect(await text('change')).toBe('¥4.50');
    sold['scanned-phone'] = await pay();
    expect(await text('result-member')).toContain('138****8000');
    await next();

    // 14. A member code typed into the member field; Alipay.
    await amount('99.9');
    await page.keyboard.press('F4');
    await typeSlowly(page, 'MC30003');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('F10');
    sold['typed-code'] = await pay();
    await next();

    // 15. A walk-in, other tender (F11).
    await amount('12');
    await page.keyboard.press('F11');
    sold['other'] = await pay();
    await next();

    expect(orders()).toBe(15);
    await expect.poll(() => paper.jobsIn('pending') + paper.jobsIn('printing') + paper.jobsIn('failed'), { timeout: 60_000 }).toBe(0);
    for (const orderId of Object.values(sold)) await receiptOf(orderId);
  }, 300_000);

  it("a walk-in's refund: found by the 查询码 on its receipt (Ctrl+O, '/'), what to hand back per tender, the manager PIN; the slip prints", async () => {
    const orderId = sold['refund-me']!;
    const code = await lookupCodeOf(orderId);
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await page.keyboard.press('Control+o');
    await page.waitForSelector(sel('orders-view'));
    await page.waitForSelector(sel('orders-row'));
    await page.keyboard.press('/');
    await typeSlowly(page, code);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('order-details')}[data-order="${orderId}"]`);
    expect(await text('orders-matched')).toBe('按查询码找到');
    expect(await text('order-details-member')).toBe('散客（非会员）');
    expect(await text('order-details-paid')).toBe('¥88.80');
    await noLatin('orders screen with details');

    await page.keyboard.press('F8');
    await page.waitForSelector(sel('order-refund-dialog'));
    expect(await page.locator(sel('refund-hand-back-wechat')).textContent()).toContain('¥30.00');
    expect(await page.locator(sel('refund-hand-back-cash')).textContent()).toContain('¥58.80');
    expect(await text('refund-hand-back-total')).toBe('¥88.80');
    await noLatin('refund dialog');
    await focusIn(page, 'order-refund-pin');
    await typeSlowly(page, MANAGER.pin);
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('order-refund-dialog'), { state: 'hidden' });
    await page.waitForFunction((n) => document.querySelector('[data-test="orders-notice"]')?.textContent?.includes(n), MANAGER.name);
    expect(await activeTest()).toBe('orders-list');
    expect(h.backend.db.prepare('SELECT kind, amount_fen FROM refund_tenders WHERE order_id = ? ORDER BY line').all(orderId)).toEqual([
      { kind: 'wechat', amount_fen: 3000 },
      { kind: 'cash', amount_fen: 5880 },
    ]);

    const slip = lines(await printedWith('退款单'));
    expect(slip.some((l) => l.includes(orderNumber(orderId)))).toBe(true);
    expect(slip.some((l) => l.includes('微信') && l.includes('￥30.00'))).toBe(true);
    expect(slip.some((l) => l.includes('现金') && l.includes('￥58.80'))).toBe(true);
    expect(slip.some((l) => l.includes('批准店长') && l.includes(MANAGER.name))).toBe(true);
    await page.keyboard.press('Escape');
  }, 180_000);

  it('an exchange from the line, its slip printed; the X report (F6) and the Z report print with the cashier, net sales and refunds apart', async () => {
    // The customer of sale 14 brings the receipt back: its 查询码 typed in the line's search opens the entry.
    const orderId = sold['typed-code']!;
    const code = await lookupCodeOf(orderId);
    await page.keyboard.press('F2');
    await page.waitForSelector(sel('queue-view'));
    await page.keyboard.press('/');
    await focusIn(page, 'queue-search');
    await typeSlowly(page, code);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('entry-details')} ${sel('entry-state')}`);
    expect(await page.locator(sel('entry-details')).textContent()).toContain(orderNumber(orderId));
    await noLatin('entry details');
    await page.keyboard.press('F6');
    await page.waitForSelector(sel('exchange-units'));
    await noLatin('exchange question');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('entry-notice'));
    expect(await text('entry-state')).toBe('已兑换');
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('entry-details'), { state: 'hidden' });
    const exchangeSlip = lines(await printedWith('兑换好礼凭条'));
    expect(exchangeSlip.some((l) => l.includes(orderNumber(orderId)))).toBe(true);

    // X report: F3, F6 prints it; its lines are shown beside it.
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('x-report'));
    await page.keyboard.press('F6');
    await page.waitForSelector(sel('report-print-preview'));
    await noLatin('shift screen with the printed X report');
    const x = lines(await printedWith('X 报表（班中）'));
    expect(x.some((l) => l.includes('收银员') && l.includes(CASHIER.name))).toBe(true);
    expect(x.some((l) => l.includes('订单数') && l.includes('15 笔'))).toBe(true);
    expect(x.some((l) => l.includes('退款') && l.includes('1 笔'))).toBe(true);
    expect(x.some((l) => l.includes('退款金额') && l.includes('￥88.80'))).toBe(true);

    // Z: the counted cash (the field has the focus) = what the X report expects; F8, Enter.
    await page.keyboard.press('F5');
    await page.waitForSelector(sel('report-X'));
    const expectedCash = (await text('report-expected-cash')).replace(/[¥,]/g, '');
    await focusIn(page, 'counted-cash');
    await typeSlowly(page, expectedCash);
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('confirm-close-confirm'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('report-Z'));
    await noLatin('Z report');
    const z = lines(await printedWith('Z 报表（交班）'));
    expect(z.some((l) => l.includes('收银员') && l.includes(CASHIER.name))).toBe(true);
    // Net sales as on the screen's Z report (￥ on paper, ¥ on screen), the refund apart from the tenders, the drawer even.
    const netSales = (await text('report-sales')).replace('¥', '￥');
    expect(z.some((l) => l.includes('销售额') && l.includes(netSales))).toBe(true);
    expect(z.some((l) => l.includes('退款金额') && l.includes('￥88.80'))).toBe(true);
    expect(z.some((l) => l.includes('差额') && l.includes('相符'))).toBe(true);
  }, 180_000);

  it('nothing printed all day carries a Latin word outside order numbers and 查询码', () => {
    const printed = paper.printed();
    // 15 receipts, a copy, the draw and exchange slips, the refund slip, X and Z.
    expect(printed.length).toBeGreaterThanOrEqual(21);
    expect(latinWords(printed.flatMap(lines))).toEqual([]);
  });
});
