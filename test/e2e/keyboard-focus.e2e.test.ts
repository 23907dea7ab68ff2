/**
 * A keyboard-only tester's day in zh-CN at 1024×768, the parts only a real
 * browser shows (docs/ui.md "Where the cursor rests"): after every action
 * there is somewhere to type — never the page body — and no field holds the
 * keyboard.
 *
 * Found by walking a store's day by keys and fixed: the result panel, the
 * line, the console sections left the cursor on the page; with text typed in
 * the line's date range (Element Plus's date editor then stops every key)
 * F1–F12 and Ctrl+… did nothing; F8 with the counted cash empty closed the
 * shift as ¥0 counted.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, firstRun, focusIn, openShift, startHarness, typeSlowly, unlockConsole, type Harness } from './harness';
import { latinOnScreen } from './latin';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const sel = (id: string) => `[data-test="${id}"]`;

describe.skipIf(!hasChromium)('keyboard only at 1024×768: the cursor always has a place, no field holds the keyboard', () => {
  let h: Harness;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1024, height: 768 } });
    page = h.page;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  /** The data-test of the focused element's nearest marked ancestor; 'BODY' when the cursor is on the page. */
  const focused = () =>
    page.evaluate(() => (document.activeElement === document.body || !document.activeElement ? 'BODY' : (document.activeElement.closest('[data-test]')?.getAttribute('data-test') ?? 'unmarked')));

  it('a sale: the result panel holds the cursor on 下一位顾客; Enter is the next customer, once', async () => {
    await h.openApp();
    await firstRun(page);
    await openShift(page, '500');
    await focusIn(page, 'amount');
    await typeSlowly(page, '25');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'));
    await focusIn(page, 'next-sale');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { state: 'detached' });
    await focusIn(page, 'amount');
    expect((h.backend.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe(1);
  }, 180_000);

  it('the line: the list holds the cursor; a wrong date typed in its date range does not hold F3 and Ctrl+O', async () => {
    await page.keyboard.press('F2');
    await page.waitForSelector(sel('queue-view'));
    await focusIn(page, 'queue-table');
    // Into the date range, by keys: back from the list (Shift+Tab) past 重置 and 查询.
    for (let i = 0; i < 12 && !(await page.evaluate(() => document.activeElement?.closest('.el-date-editor') != null)); i++) await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('.el-date-editor') != null)).toBe(true);
    await typeSlowly(page, '2026-13-40');
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('shift-view'));
    await focusIn(page, 'counted-cash');
    await page.keyboard.press('F2');
    await page.waitForSelector(sel('queue-view'));
    await focusIn(page, 'queue-table');
    await page.keyboard.press('Control+o');
    await page.waitForSelector(sel('orders-view'));
    await focusIn(page, 'orders-list');
  }, 180_000);

  it('the console: each section key leaves the cursor on that section’s key, never the page', async () => {
    await unlockConsole(page);
    await focusIn(page, 'manager-tab-settings');
    for (const [key, tab] of [
      ['F6', 'dashboard'],
      ['F8', 'reports'],
      ['F9', 'audit'],
    ] as const) {
      await page.keyboard.press(key);
      await focusIn(page, `manager-tab-${tab}`);
    }
    expect(await focused()).not.toBe('BODY');
  }, 180_000);

  it('closing the shift: F8 with the counted cash empty is refused in Chinese, the cursor in the field; typed, it closes', async () => {
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('shift-view'));
    await focusIn(page, 'counted-cash');
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('shift-error'));
    expect(await page.locator(sel('shift-error')).textContent()).toContain('清点');
    expect(await page.locator(sel('confirm-close')).count()).toBe(0);
    await focusIn(page, 'counted-cash');
    expect(await latinOnScreen(page)).toEqual([]);
    await typeSlowly(page, '525');
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('confirm-close-counted'));
    expect(await page.locator(sel('confirm-close-counted')).textContent()).toBe('¥525.00');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('opening-float'));
    await focusIn(page, 'opening-float');
    expect((h.backend.db.prepare('SELECT counted_cash_fen AS c FROM shifts').get() as { c: number }).c).toBe(52500);
  }, 180_000);
});
