/**
 * Screenshots of the staff section (员工), the orders screen (订单), an
 * order's details and the refund dialog, at 1024×768 and 1366×768, into
 * docs/screenshots/ (issue 10 §1–§2). Called by scripts/screenshots.ts;
 * `npx tsx scripts/screenshots.ts --only-orders` takes just these.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startHarness, typeSlowly } from '../test/e2e/harness';

const PIN = '2468';
const sel = (id: string) => `[data-test="${id}"]`;

async function shot(page: Page, outDir: string, name: string): Promise<void> {
  await page.waitForTimeout(400); // let transitions settle
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(path.resolve(outDir, '..', '..'), file)}`);
}

async function atSize(outDir: string, width: number, height: number): Promise<void> {
  const h = await startHarness({ viewport: { width, height } });
  const { page } = h;
  const suffix = `${width}x${height}`;
  try {
    await h.openApp();
    await page.locator(sel('first-name')).fill('陈店长');
    await page.locator(sel('first-pin')).fill(PIN);
    await page.locator(sel('first-pin-again')).fill(PIN);
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('opening-float'));
    await page.locator(sel('opening-float')).fill('500');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('checkout-view'));
    const red = await h.ok('manager.staff.create', { managerPin: PIN, name: '林小红', role: 'cashier', pin: '1357' });
    await h.ok('manager.staff.create', { managerPin: PIN, name: '周晓明', role: 'cashier', pin: '9753' });
    const off = await h.ok('manager.staff.create', { managerPin: PIN, name: '赵临时', role: 'cashier', pin: '4680' });
    await h.ok('manager.staff.setDisabled', { managerPin: PIN, cashierId: off.id, disabled: true });
    await h.ok('manager.staff.create', { managerPin: PIN, name: '吴副店长', role: 'manager', pin: '8642' });

    // The staff section.
    // Lock first (the set-up commands above unlocked the console with their PIN): the door, then the PIN.
    await h.ok('manager.lock', {});
    await page.keyboard.press('Control+g');
    await page.waitForSelector('[data-test="manager-unlock-pin"]:focus');
    await typeSlowly(page, PIN);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('manager-view')}[data-unlocked="yes"]`);
    await page.keyboard.press('F12');
    await page.waitForSelector(sel('staff-row'));
    await shot(page, outDir, `23-staff-${suffix}`);
    await page.keyboard.press('Insert');
    await page.waitForSelector(sel('staff-name'));
    await typeSlowly(page, '孙新人');
    await shot(page, outDir, `24-staff-add-${suffix}`);
    await page.keyboard.press('Escape');

    // A day of orders by 林小红 and the manager: walk-ins, members, split tenders.
    await h.ok('session.signIn', { cashierId: red.id, pin: '1357' });
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
    const refunded = (await h.ok('orders.list', { limit: 1 })).orders[0]!.orderId;
    await h.ok('orders.refund', { orderId: refunded, managerPin: PIN });

    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('[data-ready="yes"]');
    await page.keyboard.press('Control+o');
    await page.waitForSelector(sel('orders-row'));
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(sel('order-details'));
    await shot(page, outDir, `25-orders-${suffix}`);

    // Found by its 查询码, details beside the list.
    const code = (await h.ok('orders.get', { orderId: walkIn })).receiptCode!;
    await page.keyboard.press('/');
    await typeSlowly(page, code);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('order-details')}[data-order="${walkIn}"]`);
    await page.keyboard.press('F5');
    await page.waitForSelector(sel('orders-notice'));
    await shot(page, outDir, `26-order-details-${suffix}`);

    await page.keyboard.press('F8');
    await page.waitForSelector(sel('order-refund-dialog'));
    await page.waitForSelector('[data-test="order-refund-pin"]:focus');
    await shot(page, outDir, `27-order-refund-${suffix}`);
  } finally {
    await h.close();
  }
}

export async function staffOrdersShots(outDir: string): Promise<void> {
  for (const [width, height] of [
    [1024, 768],
    [1366, 768],
  ] as const) {
    await atSize(outDir, width, height);
  }
}
