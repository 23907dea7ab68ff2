/**
 * The customer display (客显) in Chromium as its own page (renderer/customer.html),
 * fed with states the REAL backend composed (its CustomerDisplay after real
 * commands): idle, typing, result and a lottery draw, each screenshotted at
 * 1024×768 and 800×600. Used by test/e2e/customer-display.e2e.test.ts (into a
 * temp dir) and scripts/screenshots.ts (into docs/screenshots/).
 *
 * The page gets the same narrow API the customer preload gives it —
 * `window.customerDisplay.onState` and nothing else — installed before any
 * page script runs.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CustomerDisplayState } from '../../shared/customer-display';
import { counterContext, type Harness } from './harness';

const INSTALL_CUSTOMER_API = `
  (() => {
    let listener = null;
    let last = null;
    window.__customerPush = (state) => { last = state; if (listener) listener(state); };
    window.customerDisplay = Object.freeze({
      onState(l) { listener = l; if (last) l(last); return () => { listener = null; }; },
    });
  })();
`;

export const CUSTOMER_VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 800, height: 600 },
] as const;

/** Drives the real backend through a sale and a draw; returns the states its customer display showed, by phase. */
export async function customerStates(h: Harness): Promise<Record<'idle' | 'typing' | 'result' | 'draw', CustomerDisplayState>> {
  h.backend.db.prepare("INSERT INTO app_meta (key, value) VALUES ('store.name', '幸福超市') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
  await h.ok('setup.createManager', { name: '陈店长', pin: '2468' });
  await h.ok('shift.open', { openingFloatFen: 50_000 });
  await h.ok('display.idle', {});
  const idle = h.backend.customerDisplay.current();
  await h.ok('display.typing', { amountDueFen: 16_800, deductionFen: 800 });
  const typing = h.backend.customerDisplay.current();
  // Two sales: the second (a gold member) joins behind the first and pays part of it.
  await h.ok('checkout.submit', { amountDueFen: 20_000, memberId: 'M003', tenders: [{ kind: 'cash', amountFen: 20_000 }] });
  await h.ok('checkout.submit', { amountDueFen: 16_800, memberId: 'M001', pointsDeductionFen: 800, tenders: [{ kind: 'cash', amountFen: 20_000 }] });
  const result = h.backend.customerDisplay.current();
  // A member without a level ratio draws from the lottery.
  const lottery = await h.ok('checkout.submit', { amountDueFen: 8_800, memberId: 'M002', tenders: [{ kind: 'wechat', amountFen: 8_800 }] });
  await h.ok('queue.draw', { orderId: lottery.orderId });
  const draw = h.backend.customerDisplay.current();
  return { idle, typing, result, draw };
}

export async function openCustomerPage(h: Harness, viewport: { width: number; height: number }): Promise<Page> {
  // A context of its own: the register page's bridge (window.cashier) is installed in the harness's context only.
  const context = await counterContext(h.browser, viewport);
  const page = await context.newPage();
  page.on('close', () => void context.close().catch(() => {}));
  await page.addInitScript({ content: INSTALL_CUSTOMER_API });
  page.on('pageerror', (error) => console.error('[customer page error]', error.message));
  await page.goto(new URL('customer.html', h.url).href, { waitUntil: 'load' });
  return page;
}

/** Shows one state and waits until the page shows that phase (a draw: until the drawn ratio has settled). */
export async function show(page: Page, state: CustomerDisplayState): Promise<void> {
  await page.evaluate(`window.__customerPush(${JSON.stringify(state)})`);
  await page.waitForSelector(`[data-test="customer-display"][data-phase="${state.phase}"]`, { timeout: 30_000 });
  if (state.phase === 'draw') await page.waitForSelector('[data-test="customer-drawn"]', { timeout: 30_000 });
}

/** Every state at every size, written as customer-<phase>-<w>x<h>.png; returns the files. */
export async function screenshotCustomerDisplay(h: Harness, outDir: string): Promise<string[]> {
  const states = await customerStates(h);
  const files: string[] = [];
  for (const viewport of CUSTOMER_VIEWPORTS) {
    const page = await openCustomerPage(h, viewport);
    for (const phase of ['idle', 'typing', 'result', 'draw'] as const) {
      await show(page, states[phase]);
      await page.waitForTimeout(200);
      const file = path.join(outDir, `customer-${phase}-${viewport.width}x${viewport.height}.png`);
      await page.screenshot({ path: file });
      files.push(file);
    }
    await page.close();
  }
  return files;
}
