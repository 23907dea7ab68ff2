/**
 * `npm run screenshots` (tsx scripts/screenshots.ts): drives the e2e harness
 * (real renderer in Debian's Chromium, real backend on a temp SQLite file)
 * through every screen in zh-CN, then the manager console (PIN, settings,
 * validation, dashboard, what-if, reports, audit, store/printer/sync), and
 * writes PNGs to docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chromiumAvailable, scan, startHarness, typeSlowly } from '../test/e2e/harness';
import { screenshotCustomerDisplay } from '../test/e2e/customer-display';
import { REFUSAL_MANAGER_PIN, startRefusalHarness } from '../test/e2e/refusal-harness';
import { staffOrdersShots } from './screenshots-orders';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs', 'screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(350); // let transitions settle
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(root, file)}`);
}

async function fill(page: Page, testId: string, text: string): Promise<void> {
  await page.locator(`[data-test="${testId}"]`).fill(text);
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    console.error('screenshots: /usr/bin/chromium is missing (apt-get install chromium); nothing written.');
    process.exitCode = 1;
    return;
  }
  mkdirSync(outDir, { recursive: true });
  // `--only-orders`: just the staff section and the orders screen (issue 10 §1–§2).
  if (process.argv.includes('--only-orders')) return staffOrdersShots(outDir);
  await refusalShots();
  await customerShots();
  // `--only-refusal`: just the refusal page (docs/security.md §5).
  if (process.argv.includes('--only-refusal')) return;
  const h = await startHarness({ viewport: { width: 1366, height: 820 } });
  const { page } = h;
  try {
    await h.openApp();
    await page.waitForSelector('[data-test="first-name"]');
    await shot(page, '01-first-run');

    await fill(page, 'first-name', '陈店长');
    await fill(page, 'first-pin', '2468');
    await fill(page, 'first-pin-again', '2468');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="opening-float"]');
    await h.ok('cashiers.create', { name: '林小红', pin: '1357', role: 'cashier', managerPin: '2468' });
    await h.ok('cashiers.create', { name: '周晓明', pin: '9753', role: 'cashier', managerPin: '2468' });
    await page.click('[data-test="sign-out"]');
    await page.waitForSelector('[data-test="sign-in"] [data-test="pin"]');
    await page.locator('.cashier', { hasText: '林小红' }).click();
    await shot(page, '02-sign-in');

    await fill(page, 'pin', '1357');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="opening-float"]');
    await fill(page, 'opening-float', '500');
    await shot(page, '03-open-shift');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="checkout-view"]');

    // A few earlier customers so the line has people in it.
    for (const [amount, member] of [['100', 'M002'], ['168', 'M001'], ['88.8', null], ['256', 'M003'], ['120', 'M002']] as const) {
      await h.ok('checkout.submit', { amountDueFen: Math.round(Number(amount) * 100), memberId: member, tenders: [{ kind: 'wechat', amountFen: Math.round(Number(amount) * 100) }] });
    }

    await page.click('[data-test="amount"]');
    await typeSlowly(page, '368.50');
    await scan(page, 'VIP0001');
    await page.waitForSelector('[data-test="member-found"]');
    await page.click('[data-test="amount"]');
    await page.keyboard.press('F5');
    await typeSlowly(page, '8.5');
    await page.click('[data-test="tender-amount-0"]');
    await typeSlowly(page, '100');
    await page.keyboard.press('+');
    await page.keyboard.press('F10');
    await shot(page, '04-checkout-split');

    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="result-panel"]');
    await shot(page, '05-result');
    await page.keyboard.press('Enter');

    await page.click('[data-test="amount"]');
    await typeSlowly(page, '50');
    await fill(page, 'member', '12345678901');
    await page.locator('[data-test="member"]').press('Enter');
    await page.waitForSelector('[data-test="member-unknown"]');
    await shot(page, '06-unknown-member');
    await page.keyboard.press('Escape');

    await page.keyboard.press('F2');
    await page.waitForSelector('[data-test="queue-view"] .el-table-v2__row');
    await shot(page, '07-line');

    await page.locator('.el-table-v2__row', { hasText: 'M002' }).last().click();
    await page.waitForSelector('[data-test="entry-details"] [data-test="entry-state"]');
    await shot(page, '08-entry-details');

    if (await page.locator('[data-test="entry-draw"]').count()) {
      await page.keyboard.press('F5');
      await page.waitForSelector('[data-test="draw-dialog"]');
      await page.waitForTimeout(300);
      await shot(page, '09-draw-spinning');
      await page.waitForSelector('[data-test="draw-dialog"][data-done="yes"]');
      await shot(page, '10-draw-result');
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('F6');
    await page.waitForSelector('[data-test="exchange-units"]');
    await shot(page, '11-exchange-confirm');
    await page.keyboard.press('Escape');
    await page.keyboard.press('F8');
    await page.waitForSelector('[data-test="refund-dialog"]');
    await shot(page, '12-refund-pin');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await page.keyboard.press('F3');
    await page.waitForSelector('[data-test="x-report"]');
    await page.keyboard.press('F5');
    await page.waitForSelector('[data-test="report-X"]');
    await shot(page, '13-x-report');
    await fill(page, 'counted-cash', '500');
    await page.keyboard.press('F8');
    await page.waitForSelector('[data-test="confirm-close-confirm"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="report-Z"]');
    await shot(page, '14-z-report');

    // The manager console (Ctrl+G), behind the manager PIN.
    await page.keyboard.press('Control+g');
    await page.waitForSelector('[data-test="manager-pin-panel"]');
    await fill(page, 'manager-unlock-pin', '1111');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="manager-pin-error"]');
    await shot(page, '15-manager-pin');
    await fill(page, 'manager-unlock-pin', '2468');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="field-extractionBp"]');
    await page.setViewportSize({ width: 1366, height: 1300 });
    await shot(page, '16-manager-settings');
    await fill(page, 'field-extractionBp-value', '150');
    await page.locator('[data-test="field-lottery-kind"] label', { hasText: '区间' }).click();
    await fill(page, 'field-lottery-min', '50');
    await fill(page, 'field-lottery-max', '20');
    await page.click('[data-test="settings-save-ratios"]');
    await page.waitForSelector('[data-test="field-extractionBp-error"]');
    await page.locator('[data-test="settings-group-ratios"]').scrollIntoViewIfNeeded();
    await shot(page, '17-manager-validation');
    await fill(page, 'field-extractionBp-value', '12');
    await fill(page, 'field-lottery-min', '50');
    await fill(page, 'field-lottery-max', '200');
    await page.click('[data-test="settings-save-ratios"]');
    await page.waitForSelector('[data-test="settings-notice-ratios"]:has-text("已保存")');

    await page.keyboard.press('F6');
    await page.waitForSelector('[data-test="dashboard-chart"] canvas');
    await shot(page, '18-manager-dashboard');

    await page.keyboard.press('F7');
    await page.waitForSelector('[data-test="what-if-field-extractionBp"]');
    await page.locator('[data-test="what-if-field-extractionBp"] [data-test="field-extractionBp-value"]').fill('60');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-test="what-if-result"]', { timeout: 60_000 });
    await shot(page, '19-manager-what-if');

    await page.keyboard.press('F8');
    await page.waitForSelector('[data-test="reports-shifts"] .el-table__row');
    await shot(page, '20-manager-reports');

    await page.keyboard.press('F9');
    await page.waitForSelector('[data-test="audit-rows"] .audit-field');
    await shot(page, '21-manager-audit');

    await page.keyboard.press('F5');
    await page.waitForSelector('[data-test="details-store"]');
    await shot(page, '22-manager-details');
  } finally {
    await h.close();
  }
  await staffOrdersShots(outDir);
}

/** The refusal page: a register whose database is gone, a wrong PIN, then the restore. */
async function refusalShots(): Promise<void> {
  const h = await startRefusalHarness({ viewport: { width: 1366, height: 820 } });
  const { page } = h;
  try {
    await page.goto(h.url, { waitUntil: 'load' });
    await page.waitForSelector('[data-test="refusal"]', { timeout: 60_000 });
    await shot(page, 'security-refusal');
    await fill(page, 'refusal-pin', '1111');
    await page.click('[data-test="refusal-restore"]');
    await page.waitForSelector('[data-test="refusal-error"]');
    await shot(page, 'security-refusal-wrong-pin');
    await fill(page, 'refusal-pin', REFUSAL_MANAGER_PIN);
    await page.click('[data-test="refusal-restore"]');
    await page.waitForSelector('[data-test="refusal-done"]', { timeout: 30_000 });
    await shot(page, 'security-refusal-restored');
  } finally {
    await h.close();
  }
}

/** The customer display (客显): idle, typing, result, draw at 1024×768 and 800×600 (issue #12 §2). */
async function customerShots(): Promise<void> {
  const h = await startHarness();
  try {
    for (const file of await screenshotCustomerDisplay(h, outDir)) console.log(`wrote ${path.relative(root, file)}`);
  } finally {
    await h.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
