/**
 * `npm run screenshots` (tsx scripts/screenshots.ts): drives the e2e harness
 * (real renderer in Debian's Chromium, real backend on a temp SQLite file)
 * through every screen in zh-CN, then the manager console (PIN, settings,
 * validation, dashboard, what-if, reports, audit, store/printer/sync), then
 * the screens of a store's whole day (issue 10) — every one of these at
 * 1024×768 and 1366×768 (`NN-name-1024x768.png`, `NN-name-1366x768.png`) —
 * staff, orders, refund, the pay-code notice, the large-change question,
 * the printer and sync banners, the print-jobs list, draw and exchange with
 * their slips, the printed X and Z reports — and writes PNGs to
 * docs/screenshots/. `--only-screens` takes just screens 01–22, `--only-day`
 * just the issue 10 set, `--size 1024x768` one of the two sizes;
 * `--only-refusal` just the refusal page and the customer display.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { SyncStatusSource } from '../electron/backend/app/register';
import { orderNumber } from '../shared/order-number';
import {
  addStaff,
  chromiumAvailable,
  firstRun,
  focusIn,
  MANAGER,
  openShift,
  scan,
  signIn,
  startHarness,
  typeSlowly,
  unlockConsole,
} from '../test/e2e/harness';
import { attachStandInPrinter } from '../test/e2e/printer';
import { screenshotCustomerDisplay } from '../test/e2e/customer-display';
import { REFUSAL_MANAGER_PIN, startRefusalHarness } from '../test/e2e/refusal-harness';

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
  // `--only-day`: just the screens of issue 10 (staff, orders, failures, slips, printed reports) at both sizes.
  if (process.argv.includes('--only-day')) return dayShots(outDir);
  // `--only-screens`: just screens 01–22 (first run … the console's details) at both sizes.
  if (process.argv.includes('--only-screens')) return screenShots(outDir);
  await refusalShots();
  await customerShots();
  // `--only-refusal`: just the refusal page (docs/security.md §5).
  if (process.argv.includes('--only-refusal')) return;
  await screenShots(outDir);
  await dayShots(outDir);
}

/** The sizes every screen is captured at: the smallest counter screen the product supports, and a common laptop. */
const SIZES: readonly (readonly [number, number])[] = sizesFromArgs();

/** `--size 1024x768` narrows a run to one size (while working on a layout). */
function sizesFromArgs(): (readonly [number, number])[] {
  const all = [
    [1024, 768],
    [1366, 768],
  ] as const;
  const i = process.argv.indexOf('--size');
  const wanted = i >= 0 ? process.argv[i + 1] : undefined;
  return wanted ? all.filter(([w, h]) => `${w}x${h}` === wanted) : [...all];
}

/**
 * Screens 01–22 at each size: first run, sign-in, open shift, checkout with a
 * split tender, result, unknown member, the line, entry details, draw,
 * exchange, refund PIN, X / Z reports, then the manager console (PIN door,
 * settings, validation, dashboard, what-if, reports, audit, store · printer ·
 * sync). Each screen as the window shows it (no taller viewport): what a
 * cashier at 1024×768 sees is what is checked.
 */
async function screenShots(dir: string): Promise<void> {
  for (const [width, height] of SIZES) await screenShotsAt(dir, width, height);
}

async function screenShotsAt(dir: string, width: number, height: number): Promise<void> {
  const h = await startHarness({ viewport: { width, height } });
  const { page } = h;
  const snap = (name: string) => shotIn(page, dir, `${name}-${width}x${height}`);
  try {
    await h.openApp();
    await page.waitForSelector('[data-test="first-name"]');
    await snap('01-first-run');

    await firstRun(page);
    await h.ok('cashiers.create', { name: '林小红', pin: '1357', role: 'cashier', managerPin: '2468' });
    await h.ok('cashiers.create', { name: '周晓明', pin: '9753', role: 'cashier', managerPin: '2468' });
    await page.click('[data-test="sign-out"]');
    await page.waitForSelector('[data-test="sign-in"] [data-test="pin"]');
    await page.locator('.cashier', { hasText: '林小红' }).click();
    await snap('02-sign-in');

    await fill(page, 'pin', '1357');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="opening-float"]');
    await fill(page, 'opening-float', '500');
    await snap('03-open-shift');
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
    await snap('04-checkout-split');

    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="result-panel"]');
    await snap('05-result');
    await page.keyboard.press('Enter');

    await page.click('[data-test="amount"]');
    await typeSlowly(page, '50');
    await fill(page, 'member', '12345678901');
    await page.locator('[data-test="member"]').press('Enter');
    await page.waitForSelector('[data-test="member-unknown"]');
    await snap('06-unknown-member');
    await page.keyboard.press('Escape');

    await page.keyboard.press('F2');
    await page.waitForSelector('[data-test="queue-view"] .el-table-v2__row');
    await snap('07-line');

    await page.locator('.el-table-v2__row', { hasText: '139****9000' }).last().click();
    await page.waitForSelector('[data-test="entry-details"] [data-test="entry-state"]');
    await snap('08-entry-details');

    if (await page.locator('[data-test="entry-draw"]').count()) {
      await page.keyboard.press('F5');
      await page.waitForSelector('[data-test="draw-dialog"]');
      await page.waitForTimeout(300);
      await snap('09-draw-spinning');
      await page.waitForSelector('[data-test="draw-dialog"][data-done="yes"]');
      await snap('10-draw-result');
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('F6');
    await page.waitForSelector('[data-test="exchange-units"]');
    await snap('11-exchange-confirm');
    await page.keyboard.press('Escape');
    await page.keyboard.press('F8');
    await page.waitForSelector('[data-test="refund-dialog"]');
    await snap('12-refund-pin');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await page.keyboard.press('F3');
    await page.waitForSelector('[data-test="x-report"]');
    await page.keyboard.press('F5');
    await page.waitForSelector('[data-test="report-X"]');
    await snap('13-x-report');
    await fill(page, 'counted-cash', '500');
    await page.keyboard.press('F8');
    await page.waitForSelector('[data-test="confirm-close-confirm"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="report-Z"]');
    await snap('14-z-report');

    // The manager console (Ctrl+G), behind the manager PIN.
    await page.keyboard.press('Control+g');
    await page.waitForSelector('[data-test="manager-pin-panel"]');
    await fill(page, 'manager-unlock-pin', '1111');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="manager-pin-error"]');
    await snap('15-manager-pin');
    await fill(page, 'manager-unlock-pin', '2468');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test="field-extractionBp"]');
    await snap('16-manager-settings');
    await fill(page, 'field-extractionBp-value', '150');
    await page.locator('[data-test="field-lottery-kind"] label', { hasText: '区间' }).click();
    await fill(page, 'field-lottery-min', '50');
    await fill(page, 'field-lottery-max', '20');
    await page.click('[data-test="settings-save-ratios"]');
    await page.waitForSelector('[data-test="field-extractionBp-error"]');
    await page.locator('[data-test="settings-group-ratios"]').scrollIntoViewIfNeeded();
    await snap('17-manager-validation');
    await fill(page, 'field-extractionBp-value', '12');
    await fill(page, 'field-lottery-min', '50');
    await fill(page, 'field-lottery-max', '200');
    await page.click('[data-test="settings-save-ratios"]');
    await page.waitForSelector('[data-test="settings-notice-ratios"]:has-text("已保存")');

    await page.keyboard.press('F6');
    await page.waitForSelector('[data-test="dashboard-chart"] canvas');
    await snap('18-manager-dashboard');

    await page.keyboard.press('F7');
    await page.waitForSelector('[data-test="what-if-field-extractionBp"]');
    await page.locator('[data-test="what-if-field-extractionBp"] [data-test="field-extractionBp-value"]').fill('60');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-test="what-if-result"]', { timeout: 60_000 });
    await snap('19-manager-what-if');

    await page.keyboard.press('F8');
    await page.waitForSelector('[data-test="reports-shifts"] .el-table__row');
    await snap('20-manager-reports');

    await page.keyboard.press('F9');
    await page.waitForSelector('[data-test="audit-rows"] .audit-field');
    await snap('21-manager-audit');

    await page.keyboard.press('F5');
    await page.waitForSelector('[data-test="details-store"]');
    await snap('22-manager-details');
  } finally {
    await h.close();
  }
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

/**
 * The screens of a store's whole day (issue 10), at 1024×768 and 1366×768,
 * with the print worker against the stand-in printer: staff and its add
 * dialog, the pay-code notice, the large-change question, the printer banner
 * and the print-jobs list (paper out), the sync banner, the draw result and
 * the exchange question with the order's slips in its details, the orders
 * screen, an order's details after a reprint, the refund dialog, the X
 * report printed (the lines sent beside it) and the Z report printed.
 */
async function dayShots(dir: string): Promise<void> {
  for (const [width, height] of SIZES) await dayShotsAt(dir, width, height);
}

async function dayShotsAt(dir: string, width: number, height: number): Promise<void> {
  const h = await startHarness({ viewport: { width, height } });
  const paper = await attachStandInPrinter(h);
  // The sync client as the status sees it; offline from the moment the sync banner is shot.
  let sync: SyncStatusSource | null = null;
  h.backend.setStatusSources({ sync: () => sync });
  const { page } = h;
  const sel = (id: string) => `[data-test="${id}"]`;
  const snap = (name: string) => shotIn(page, dir, `${name}-${width}x${height}`);
  const pay = async () => {
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'));
  };
  const next = async () => {
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { state: 'detached' });
    await focusIn(page, 'amount');
  };
  try {
    await h.openApp();
    await firstRun(page);
    const pin = MANAGER.pin;
    await h.ok('manager.staff.create', { managerPin: pin, name: '周晓明', role: 'cashier', pin: '9753' });
    const off = await h.ok('manager.staff.create', { managerPin: pin, name: '赵临时', role: 'cashier', pin: '4680' });
    await h.ok('manager.staff.setDisabled', { managerPin: pin, cashierId: off.id, disabled: true });
    await h.ok('manager.staff.create', { managerPin: pin, name: '吴副店长', role: 'manager', pin: '8642' });
    await h.ok('manager.lock', {});

    // Staff (F12) and its add dialog.
    await unlockConsole(page);
    await page.keyboard.press('F12');
    await page.waitForSelector(sel('staff-row'));
    await addStaff(page, '林小红', '1357');
    await snap('23-staff');
    await page.keyboard.press('Insert');
    await focusIn(page, 'staff-name');
    await typeSlowly(page, '孙新人');
    await snap('24-staff-add');
    await page.keyboard.press('Escape');
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('shift-view'));
    await page.keyboard.press('F10');
    await signIn(page, '林小红', '1357');
    await openShift(page, '500');

    // Earlier customers of the day: walk-ins, members, split tenders, one refunded.
    const sales: [number, string | null, { kind: 'cash' | 'card' | 'wechat' | 'alipay'; amountFen: number }[]][] = [
      [10000, 'M002', [{ kind: 'wechat', amountFen: 10000 }]],
      [16800, 'M001', [{ kind: 'alipay', amountFen: 16800 }]],
      [8880, null, [{ kind: 'wechat', amountFen: 3000 }, { kind: 'cash', amountFen: 6000 }]],
      [25600, 'M003', [{ kind: 'card', amountFen: 25600 }]],
      [4500, null, [{ kind: 'cash', amountFen: 5000 }]],
      [12000, 'M002', [{ kind: 'cash', amountFen: 12000 }]],
      [123450, 'M001', [{ kind: 'card', amountFen: 100000 }, { kind: 'wechat', amountFen: 23450 }]],
      [3600, null, [{ kind: 'alipay', amountFen: 3600 }]],
    ];
    let walkIn = '';
    for (const [fen, member, tenders] of sales) {
      const r = await h.ok('checkout.submit', { amountDueFen: fen, memberId: member, tenders });
      if (fen === 8880) walkIn = r.orderId;
    }
    await h.ok('orders.refund', { orderId: (await h.ok('orders.list', { limit: 1 })).orders[0]!.orderId, managerPin: pin });
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('[data-ready="yes"]');
    await focusIn(page, 'amount');

    // A customer's WeChat pay code scanned into the amount field.
    await typeSlowly(page, '50');
    await scan(page, '134567890123456789');
    await page.waitForSelector(sel('scan-notice'));
    await snap('28-pay-code');
    await page.keyboard.press('F9');
    await pay();
    await next();

    // 1000 typed for 100: the large-change question.
    await typeSlowly(page, '100');
    await page.keyboard.press('*');
    await typeSlowly(page, '1000');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('large-change-text'));
    await snap('29-large-change');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+1');
    await pay();
    await next();

    // The printer out of paper: the banner, then the print-jobs list (Ctrl+J); paper back, R.
    paper.printer.status = { paper: 'out', coverOpen: false };
    await typeSlowly(page, '20');
    await pay();
    await next();
    await page.waitForSelector(sel('print-banner'), { timeout: 60_000 });
    await snap('30-print-banner');
    await page.keyboard.press('Control+j');
    await page.waitForSelector(`${sel('print-jobs')} tr[data-state="failed"]`);
    await snap('31-print-jobs');
    paper.printer.status = { paper: 'ok', coverOpen: false };
    await page.keyboard.press('r');
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('print-banner'), { state: 'detached', timeout: 60_000 });

    // The sync server unreachable for a while: the sync banner.
    sync = { connection: 'offline', lastSyncAt: Date.now() - 25 * 60_000, waiting: 37, lastError: 'connect ECONNREFUSED 10.0.0.8:443' };
    h.backend.notifyChanged();
    await page.waitForSelector(sel('sync-banner'));
    await snap('32-sync-banner');
    sync = null;
    h.backend.notifyChanged();

    // A member's lottery drawn from the result panel (F5); its slip goes to the printer.
    await focusIn(page, 'amount');
    await typeSlowly(page, '66');
    await scan(page, 'MC20002');
    await page.waitForSelector(sel('member-found'));
    await pay();
    const drawn = (await page.locator(sel('result-panel')).getAttribute('data-order'))!;
    await page.keyboard.press('F5');
    await page.waitForSelector(`${sel('draw-dialog')}[data-done="yes"]`);
    await snap('33-draw-result');
    await page.keyboard.press('Enter');
    await next();

    // The same entry exchanged from the line (its 查询码 opens it): the question, then its slip.
    const drawnCode = (await h.ok('orders.get', { orderId: drawn })).receiptCode!;
    await page.keyboard.press('F2');
    await page.waitForSelector(sel('queue-view'));
    await page.keyboard.press('/');
    await typeSlowly(page, drawnCode);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('entry-details')} ${sel('entry-state')}`);
    await page.keyboard.press('F6');
    await page.waitForSelector(sel('exchange-units'));
    await snap('34-exchange-confirm');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('entry-notice'));
    await page.keyboard.press('Escape');

    // Orders (Ctrl+O): the list; the drawn-and-exchanged order with its receipt and both slips printed.
    await page.keyboard.press('Control+o');
    await page.waitForSelector(sel('orders-row'));
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(sel('order-details'));
    await snap('25-orders');
    await page.keyboard.press('/');
    await typeSlowly(page, drawnCode);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('order-details')}[data-order="${drawn}"]`);
    await page.locator('[data-test^="order-job-"]').nth(2).waitFor(); // the receipt, the draw slip, the exchange slip
    await page.locator('[data-test^="order-job-"]').last().scrollIntoViewIfNeeded();
    await snap('35-order-slips');

    // The walk-in found by its 查询码, reprinted (F5), then the refund dialog (F8).
    await page.keyboard.press('Escape'); // clears the search; the whole list is back, the list has the focus
    await page.locator(sel('orders-row')).nth(1).waitFor();
    await focusIn(page, 'orders-list');
    await page.keyboard.press('/');
    await typeSlowly(page, (await h.ok('orders.get', { orderId: walkIn })).receiptCode!);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('order-details')}[data-order="${walkIn}"]`);
    await page.keyboard.press('F5');
    await page.waitForSelector(sel('orders-notice'));
    await snap('26-order-details');
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('order-refund-dialog'));
    await focusIn(page, 'order-refund-pin');
    await snap('27-order-refund');
    await page.keyboard.press('Escape');

    // The X report printed (F6) with the lines sent beside it; the Z report printed at the close.
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('x-report'));
    await page.keyboard.press('F5');
    await page.waitForSelector(sel('report-X'));
    await page.keyboard.press('F6');
    await page.waitForSelector(sel('report-print-preview'));
    await snap('36-x-report-printed');
    const expected = ((await page.locator(sel('report-expected-cash')).textContent()) ?? '').replace(/[¥,\s]/g, '');
    await focusIn(page, 'counted-cash');
    await typeSlowly(page, expected);
    await page.keyboard.press('F8');
    await page.waitForSelector(sel('confirm-close-confirm'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('report-Z'));
    await page.keyboard.press('F6');
    await page.waitForSelector(sel('report-print-preview'));
    await snap('37-z-report-printed');
    console.log(`  ${width}×${height}: ${paper.printed().length} receipts, slips and reports printed; the drawn order is ${orderNumber(drawn)}`);
  } finally {
    await paper.stop();
    await h.close();
  }
}

async function shotIn(page: Page, dir: string, name: string): Promise<void> {
  await page.waitForTimeout(600); // let a dialog's fade-in finish
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(root, file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
