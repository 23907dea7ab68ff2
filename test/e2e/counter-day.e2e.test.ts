/**
 * A day at the counter by keyboard (issue 10 §3 §4 §5), in Chromium against
 * the real backend, with the print worker running against the stand-in
 * printer (test/support/fake-printer.ts): walk-ins, a customer's WeChat pay
 * code scanned while the amount field has focus (told, never looked up, never
 * a tender), a typo of 1000 for 100 caught before paying, the exact amount by
 * Ctrl+1, a full points payment with no tender, and the printer running out
 * of paper mid-shift: the banner says 缺纸, the print-jobs list (Ctrl+J)
 * shows the job, paper back in, R retries and the receipt prints.
 *
 * With SCREENSHOTS_DIR set it saves the banner and the list at 1024×768.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrintWorker } from '../../electron/backend/printing/index';
import { FakePrinter } from '../support/fake-printer';
import { chromiumAvailable, CHROMIUM, scan, startHarness, type Harness } from './harness';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const sel = (id: string) => `[data-test="${id}"]`;
const SHOTS = process.env['SCREENSHOTS_DIR'];

describe.skipIf(!hasChromium)('a day at the counter by keyboard, with the print worker and the stand-in printer', () => {
  let h: Harness;
  let page: Page;
  let printer: FakePrinter;
  let worker: PrintWorker;

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: 1024, height: 768 } });
    page = h.page;
    printer = await FakePrinter.start();
    const set = h.backend.db.prepare('INSERT OR REPLACE INTO app_meta (key, value) VALUES (?, ?)');
    set.run('printer.uri', `tcp://127.0.0.1:${printer.port}`);
    set.run('printer.timeoutMs', '3000');
    worker = new PrintWorker(h.backend.db, { onEvent: () => h.backend.notifyChanged(), backoff: { baseMs: 200, maxMs: 1000 }, idleMs: 200, statusPollMs: 0 });
    h.backend.setStatusSources({ printer: () => worker.printerState });
    h.backend.onChange(() => worker.kick());
    worker.start();
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await printer?.stop();
    await h?.close();
  }, 60_000);

  const shot = async (name: string) => {
    if (!SHOTS) return;
    await page.waitForTimeout(600); // let the dialog's fade-in finish
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  const orders = () => (h.backend.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
  const jobsIn = (state: string) => (h.backend.db.prepare('SELECT count(*) AS n FROM print_jobs WHERE state = ?').get(state) as { n: number }).n;
  async function pay() {
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { timeout: 30_000 });
    const order = ((await page.locator(sel('result-order')).textContent()) ?? '').trim();
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { state: 'detached' });
    return order;
  }

  it('first run and the shift, by keyboard', async () => {
    await h.openApp();
    await page.waitForSelector(sel('first-name'));
    await page.locator(sel('first-name')).fill('陈店长');
    await page.locator(sel('first-pin')).fill('2468');
    await page.locator(sel('first-pin-again')).fill('2468');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('opening-float'));
    await page.locator(sel('opening-float')).fill('500');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('checkout-view'));
  }, 120_000);

  it('sales: a walk-in, a scanned WeChat pay code, a typo caught, the exact amount, a full points payment', async () => {
    // A walk-in, cash exact; its receipt prints on the stand-in printer.
    await page.locator(sel('amount')).fill('100');
    await pay();
    await expect.poll(() => jobsIn('done'), { timeout: 30_000 }).toBe(1);

    // The customer's WeChat pay code scanned while the amount field has focus.
    await page.locator(sel('amount')).fill('50');
    await page.locator(sel('amount')).focus();
    await scan(page, '134567890123456789');
    await page.waitForSelector(sel('scan-notice'));
    expect(await page.locator(sel('scan-notice')).textContent()).toContain('微信付款码');
    expect(await page.locator(sel('amount')).inputValue()).toBe('50');
    expect(orders()).toBe(1); // the scan's Enter did not pay
    await page.keyboard.press('F9'); // collected on the terminal: the tender is WeChat Pay
    const wechat = await pay();
    expect(h.backend.db.prepare('SELECT kind, amount_fen FROM order_tenders WHERE order_id = ?').all(wechat)).toEqual([{ kind: 'wechat', amount_fen: 5000 }]);
    expect(h.backend.db.prepare('SELECT member_id FROM orders WHERE id = ?').get(wechat)).toEqual({ member_id: null });

    // 1000 typed for 100: asked before paying; Esc goes back to the amount received, Ctrl+1 takes the exact amount.
    await page.locator(sel('amount')).fill('100');
    await page.keyboard.press('*');
    await page.keyboard.type('1000', { delay: 60 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('large-change-text'));
    expect(await page.locator(sel('large-change-text')).textContent()).toContain('¥900.00');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+1');
    expect(await page.locator(sel('tender-amount-0')).inputValue()).toBe('100');
    const exact = await pay();
    expect(h.backend.db.prepare('SELECT change_fen FROM orders WHERE id = ?').get(exact)).toEqual({ change_fen: 0 });

    // Paid wholly by points: no tender.
    await page.locator(sel('amount')).fill('30');
    await page.keyboard.press('F5');
    await page.keyboard.type('30', { delay: 60 });
    await page.waitForSelector(sel('no-tender-needed'));
    const points = await pay();
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM order_tenders WHERE order_id = ?').get(points)).toEqual({ n: 0 });
    expect(orders()).toBe(4);
  }, 180_000);

  it('the printer runs out of paper: the banner says 缺纸, the list shows the job, R retries once paper is back', async () => {
    printer.status = { paper: 'out', coverOpen: false };
    await page.locator(sel('amount')).fill('20');
    await pay();
    await page.waitForSelector(sel('print-banner'), { timeout: 60_000 });
    expect(await page.locator(sel('print-banner')).textContent()).toContain('缺纸');
    await shot('23-print-banner');
    await page.keyboard.press('Control+j');
    await page.waitForSelector(`${sel('print-jobs')} tr[data-state="failed"]`);
    await shot('24-print-jobs');
    printer.status = { paper: 'ok', coverOpen: false };
    await page.keyboard.press('r');
    await expect.poll(() => jobsIn('failed') + jobsIn('pending'), { timeout: 60_000 }).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('print-banner'), { state: 'detached', timeout: 60_000 });
    expect(jobsIn('done')).toBe(5);
  }, 180_000);
});
