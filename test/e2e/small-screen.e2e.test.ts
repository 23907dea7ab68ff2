/**
 * The smallest counter screen the product supports, 1024×768, in zh-CN, by
 * keyboard only: the counter's main screens (shift, checkout with a split
 * tender, the result panel, the line, an entry's details and its refund
 * dialog, the X report, orders) and every section of the manager console
 * (F4 settings · F5 store/printer/sync · F6 dashboard · F7 what-if · F8
 * reports · F9 audit · F12 staff), each reached by its key; and the sign-in
 * screen of a store with two dozen people.
 *
 * On every screen (`fit`, below, measured in the page):
 *  - the page and no scrolling box inside it scrolls sideways
 *    (document.documentElement.scrollWidth <= innerWidth, and the same for
 *    every visible element whose overflow-x scrolls: the main area, a
 *    table's body, a drawer, a dialog);
 *  - the screen's main controls lie wholly inside the viewport, are not
 *    clipped by a scrolling or hidden-overflow ancestor, and are the
 *    element actually hit at their centre (not under the status bar, a
 *    banner or another element);
 *  - no visible button's label is cut (its content wider than the button),
 *    nor an empty field's placeholder or a select's placeholder or choice;
 *  - rows that must stay one row (the top bar's keys and the language
 *    switch; the console's seven section keys) do: one horizontal band
 *    crosses every item.
 *
 * Faults this found and that were fixed (docs/ui.md "Fitting 1024×768"): the
 * language switch stacked 中文 over English in the top bar; the line's 状态
 * column lay past the right edge (the table scrolled sideways); the console's
 * F12 员工 wrapped onto a row of its own; the checkout's split button sat
 * under the status bar; a console section opened where the last one was
 * scrolled (its keys out of view); the audit table scrolled sideways; PgDn
 * in 门店·打印·同步 moved to a section below the window without showing it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  CHROMIUM,
  firstRun,
  focusIn,
  MANAGER,
  openShift,
  scan,
  startHarness,
  typeSlowly,
  unlockConsole,
  type Harness,
} from './harness';
import { latinOnScreen } from './latin';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const WIDTH = 1024;
const HEIGHT = 768;
const sel = (id: string) => `[data-test="${id}"]`;

/** What `fit` is asked to check on one screen. */
interface FitRequest {
  /** Selectors of the screen's main controls: every match must be visible, inside the viewport, unclipped and on top. */
  visible: string[];
  /** Groups of selectors whose matches must all sit on one row (one horizontal band crosses them all). */
  oneRow?: string[][];
  /** Selectors of text that must be read whole: none of their matches may be cut (…). */
  whole?: string[];
}

/**
 * In the page: the layout faults of the screen as it is now, in words
 * (empty = none). A function, not a string: the page's CSP refuses eval.
 */
function measureFit(request: FitRequest): string[] {
  const faults: string[] = [];
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const name = (el: Element) => {
    const test = el.closest('[data-test]')?.getAttribute('data-test');
    const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : ''}${test ? ` in [${test}]` : ''}${text ? ` «${text}»` : ''}`;
  };
  const shown = (el: Element) => {
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length > 0;
  };

  const doc = document.documentElement;
  if (doc.scrollWidth > vw) faults.push(`the page scrolls sideways: scrollWidth ${doc.scrollWidth} > ${vw}`);
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) continue;
    const style = getComputedStyle(el);
    if (style.overflowX !== 'auto' && style.overflowX !== 'scroll') continue;
    if (!shown(el) || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) faults.push(`scrolls sideways (${el.scrollWidth} > ${el.clientWidth}): ${name(el)}`);
  }

  for (const selector of request.visible) {
    const matches = Array.from(document.querySelectorAll(selector));
    if (matches.length === 0) {
      faults.push(`missing: ${selector}`);
      continue;
    }
    for (const el of matches) {
      if (!shown(el)) {
        faults.push(`hidden: ${selector} ${name(el)}`);
        continue;
      }
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
        faults.push(`outside the ${vw}×${vh} viewport (${Math.round(r.left)},${Math.round(r.top)})–(${Math.round(r.right)},${Math.round(r.bottom)}): ${selector} ${name(el)}`);
        continue;
      }
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const box = a.getBoundingClientRect();
        if (r.left < box.left - 1 || r.top < box.top - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1) {
          faults.push(`clipped by ${name(a).slice(0, 60)}: ${selector} ${name(el)}`);
          break;
        }
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(el === hit || el.contains(hit) || hit.contains(el))) faults.push(`covered by ${hit ? name(hit) : 'nothing'}: ${selector} ${name(el)}`);
    }
  }

  // A button whose content is wider than itself shows its label cut.
  for (const button of Array.from(document.querySelectorAll('button'))) {
    if (!shown(button)) continue;
    const r = button.getBoundingClientRect();
    if (r.bottom < 0 || r.top > vh || r.width === 0) continue;
    if (button.scrollWidth > button.clientWidth + 1) faults.push(`label cut (${button.scrollWidth} > ${button.clientWidth}): ${name(button)}`);
  }

  // A field's hint cut: an empty field's placeholder wider than its text box, a select's placeholder or choice cut to 全部收….
  const measure = document.createElement('canvas').getContext('2d');
  for (const input of Array.from(document.querySelectorAll('input[placeholder]')) as HTMLInputElement[]) {
    if (!measure || input.value !== '' || !shown(input) || input.type === 'hidden') continue;
    const r = input.getBoundingClientRect();
    if (r.bottom < 0 || r.top > vh || r.width === 0) continue;
    const style = getComputedStyle(input);
    measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const need = measure.measureText(input.placeholder).width;
    if (need > room + 1) faults.push(`placeholder cut (${Math.round(need)} > ${Math.round(room)}): ${name(input)} «${input.placeholder}»`);
  }
  for (const label of Array.from(document.querySelectorAll('.el-select__placeholder, .el-select__selected-item'))) {
    if (!shown(label)) continue;
    const r = label.getBoundingClientRect();
    if (r.bottom < 0 || r.top > vh || r.width === 0) continue;
    if (label.scrollWidth > label.clientWidth + 1) faults.push(`choice cut (${label.scrollWidth} > ${label.clientWidth}): ${name(label)}`);
  }

  for (const selector of request.whole ?? []) {
    const matches = Array.from(document.querySelectorAll(selector));
    if (matches.length === 0) faults.push(`missing: ${selector}`);
    for (const el of matches) {
      if (shown(el) && el.scrollWidth > el.clientWidth + 1) faults.push(`text cut (${el.scrollWidth} > ${el.clientWidth}): ${selector} ${name(el)}`);
    }
  }

  for (const group of request.oneRow ?? []) {
    const items = group
      .flatMap((s) => Array.from(document.querySelectorAll(s)))
      .filter((el) => shown(el) && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0);
    // One row = one horizontal band crosses them all (items of different heights are centred on the row).
    const boxes = items.map((el) => el.getBoundingClientRect());
    if (boxes.length && Math.max(...boxes.map((b) => b.top)) >= Math.min(...boxes.map((b) => b.bottom))) {
      faults.push(`not one row (${group.join(', ')}): ${items.map((el, i) => `${name(el).slice(0, 40)} @${Math.round(boxes[i]!.top)}–${Math.round(boxes[i]!.bottom)}`).join('; ')}`);
    }
  }
  return faults;
}

describe.skipIf(!hasChromium)(`a ${WIDTH}×${HEIGHT} screen by keyboard: everything that matters in view, nothing scrolls sideways`, () => {
  let h: Harness;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness({ viewport: { width: WIDTH, height: HEIGHT } });
    page = h.page;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  /**
   * The frame once signed in: the top bar's keys and the language switch on
   * one row, the status bar on one line (a long store name gives way rather
   * than wrap alone onto a second line), all of it in view.
   */
  const TOP_BAR: FitRequest = {
    visible: ['.top h1', '[data-test^="nav-"]', `${sel('language')} label`, sel('status-bar')],
    oneRow: [['.top h1', '[data-test^="nav-"]', `${sel('language')} label`], [`${sel('status-bar')} > .item:not(.sync-problem)`]],
  };

  /** Waits for the screen to settle (a dialog's fade-in, a chart), then expects no fault and no Latin word. */
  async function expectFits(where: string, request: FitRequest) {
    await page.waitForTimeout(400);
    const faults = await page.evaluate(measureFit, request);
    expect(faults, where).toEqual([]);
    expect(await latinOnScreen(page), `${where}: Latin words`).toEqual([]);
  }
  const withTopBar = (request: FitRequest): FitRequest => ({
    ...request,
    visible: [...TOP_BAR.visible, ...request.visible],
    oneRow: [...(TOP_BAR.oneRow ?? []), ...(request.oneRow ?? [])],
  });

  it('first run, the shift screen, a checkout with a split tender and its result', async () => {
    await h.openApp();
    await expectFits('first run', { visible: [sel('first-name'), sel('first-pin'), sel('first-pin-again'), `${sel('language')} label`] });
    await firstRun(page);
    await expectFits('shift screen, no shift open', withTopBar({ visible: [sel('opening-float'), sel('open-shift'), sel('sign-out')] }));
    await openShift(page, '500');
    // A store name as long as a chain's branch names are: the status bar still one line.
    await h.ok('manager.store.save', { managerPin: MANAGER.pin, name: '幸福里社区生鲜超市南京东路步行街旗舰店' });
    await h.ok('manager.lock', {}); // the PIN above opened a console session; the console is walked from its PIN door below
    // Earlier customers, so the line and the reports have rows (setup with no screen of its own).
    for (const [fen, member] of [
      [10000, 'M002'],
      [16800, 'M001'],
      [8880, null],
      [25600, 'M003'],
      [12000, 'M002'],
    ] as const) {
      await h.ok('checkout.submit', { amountDueFen: fen, memberId: member, tenders: [{ kind: 'wechat', amountFen: fen }] });
    }
    // Paid by card and WeChat: the orders list shows 银行卡+微信支付 whole.
    await h.ok('checkout.submit', { amountDueFen: 123450, memberId: 'M001', tenders: [{ kind: 'card', amountFen: 100000 }, { kind: 'wechat', amountFen: 23450 }] });
    await focusIn(page, 'amount');

    // 368.50 for a gold member, 8.50 of it by points, ¥100 cash and the rest by Alipay: two tender lines.
    await typeSlowly(page, '368.50');
    await scan(page, 'VIP0001');
    await page.waitForSelector(sel('member-found'));
    await page.keyboard.press('F5');
    await typeSlowly(page, '8.5');
    await page.keyboard.press('*');
    await typeSlowly(page, '100');
    await page.keyboard.press('+');
    await page.waitForSelector(sel('tender-amount-1'));
    await page.keyboard.press('F10');
    const checkout = [
      sel('amount'),
      sel('member'),
      sel('member-found'),
      sel('points'),
      sel('love'),
      '[data-test^="tender-kind-"]',
      sel('split'),
      sel('tender-amount-0'),
      sel('tender-amount-1'),
      '[data-test^="quick-"]',
      sel('actual-paid'),
      sel('change'),
      sel('pay'),
    ];
    await expectFits('checkout, split tender', withTopBar({ visible: checkout }));

    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'));
    await expectFits('result panel', withTopBar({ visible: [sel('next-sale'), sel('result-paid'), sel('result-change'), sel('result-order')] }));
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { state: 'detached' });
    await focusIn(page, 'amount');
  }, 180_000);

  it('the line, an entry by Enter, its refund dialog; the X report; orders', async () => {
    await page.keyboard.press('F2');
    await page.waitForSelector(`${sel('queue-view')} .el-table-v2__row`);
    await expectFits('the line', withTopBar({ visible: [sel('queue-search'), sel('queue-state'), sel('queue-member'), '.el-table-v2__header-cell', '.el-table-v2__row'] }));

    // ↓ to the fourth row (a member's, not yet repaid), Enter opens it. In a filter field the first Enter searches (the list starts over).
    const inFilters = await page.evaluate(() => document.activeElement?.closest('.filters') != null);
    if (inFilters) {
      await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
    }
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${sel('entry-details')} ${sel('entry-state')}`);
    await expectFits('entry details', { visible: [sel('entry-close'), sel('entry-state'), sel('entry-entitlement'), sel('entry-exchange-points'), sel('entry-refund')] });

    await page.keyboard.press('F8');
    await page.waitForSelector(sel('refund-dialog'));
    await focusIn(page, 'manager-pin');
    await expectFits('refund dialog', { visible: [sel('refund-forfeits'), sel('manager-pin'), sel('refund-confirm')] });
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('refund-dialog'), { state: 'hidden' });
    await page.keyboard.press('Escape');
    await page.waitForSelector(sel('entry-details'), { state: 'hidden' });

    await page.keyboard.press('F3');
    await page.waitForSelector(sel('x-report'));
    await page.keyboard.press('F5');
    await page.waitForSelector(sel('report-X'));
    await expectFits('shift screen, X report', withTopBar({ visible: [sel('x-report'), sel('print-x-report'), sel('counted-cash'), sel('close-shift'), sel('sign-out'), sel('report-X')] }));

    await page.keyboard.press('Control+o');
    await page.waitForSelector(sel('orders-row'));
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(sel('order-details'));
    await expectFits('orders', withTopBar({ visible: [sel('orders-search'), sel('orders-day'), sel('orders-cashier'), sel('orders-tender'), sel('orders-refunded'), sel('orders-reset'), sel('orders-reprint'), sel('orders-refund')], whole: [`${sel('orders-row')} > span:nth-child(4)`] }));
  }, 180_000);

  it('the manager console by keyboard: each section by its key, its main buttons in view', async () => {
    await unlockConsole(page, MANAGER.pin);
    const consoleBar: FitRequest = {
      visible: ['[data-test^="manager-tab-"]', sel('manager-change-pin'), sel('manager-lock')],
      oneRow: [['[data-test^="manager-tab-"]']],
    };
    const section = (request: FitRequest) => withTopBar({ visible: [...consoleBar.visible, ...request.visible], oneRow: [...(consoleBar.oneRow ?? []), ...(request.oneRow ?? [])] });

    await page.keyboard.press('F4');
    await page.waitForSelector(sel('field-extractionBp'));
    await expectFits('settings (F4)', section({ visible: [sel('settings-group-general') + ' h3', sel('settings-save-general')] }));
    // PgDn: the next section comes into view with its save button.
    await page.keyboard.press('PageDown');
    await focusIn(page, 'settings-group-ratios');
    await expectFits('settings, ratios (PgDn)', withTopBar({ visible: [sel('settings-save-ratios'), sel('field-extractionBp-value')] }));

    await page.keyboard.press('F5');
    await page.waitForSelector(sel('details-store'));
    await expectFits('store · printer · sync (F5)', section({ visible: [sel('details-save-store'), sel('store-name'), sel('store-lookupUrl')] }));
    // PgDn: the printer section, then the sync section, each brought into view with the cursor in its first field.
    await page.keyboard.press('PageDown');
    await focusIn(page, 'printer-uri');
    await expectFits('printer (PgDn)', withTopBar({ visible: [sel('details-save-printer'), sel('printer-test-page'), sel('printer-uri')] }));
    await page.keyboard.press('PageDown');
    await focusIn(page, 'sync-url');
    await expectFits('sync (PgDn)', withTopBar({ visible: [sel('details-save-sync'), sel('sync-url')] }));

    await page.keyboard.press('F6');
    await page.waitForSelector(`${sel('dashboard-chart')} canvas`);
    await expectFits('dashboard (F6)', section({ visible: [`${sel('dashboard-days')} label`, sel('dashboard-refresh'), sel('dash-owed'), sel('dash-er-sentence')] }));

    await page.keyboard.press('F7');
    await page.waitForSelector(sel('what-if-field-extractionBp'));
    await expectFits('what-if (F7)', section({ visible: [sel('what-if-days'), sel('what-if-run'), sel('what-if-export'), sel('what-if-copy')] }));
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(sel('what-if-result'), { timeout: 60_000 });
    await expectFits('what-if result', section({ visible: [sel('what-if-run'), sel('what-if-current-paidOut'), sel('what-if-edited-paidOut')] }));

    await page.keyboard.press('F8');
    await page.waitForSelector(sel('reports-shifts'));
    await expectFits('reports (F8)', section({ visible: [`${sel('manager-reports')} .el-date-editor`, sel('reports-load'), sel('export-shifts'), sel('export-queue'), sel('export-ledger'), sel('export-orders')] }));

    await page.keyboard.press('F9');
    await page.waitForSelector(`${sel('audit-rows')} .audit-field`);
    await expectFits('audit (F9)', section({ visible: [sel('audit-settings'), sel('audit-actions'), sel('audit-refresh')] }));

    await page.keyboard.press('F12');
    await page.waitForSelector(sel('staff-row'));
    await expectFits('staff (F12)', section({ visible: [sel('staff-add'), sel('staff-rename'), sel('staff-toggle'), sel('staff-reset'), sel('staff-row')] }));
  }, 180_000);

  it('sign-in with two dozen people: the list scrolls in its box, the one chosen by ↑/↓ in view, the PIN field and the button too', async () => {
    const names = '王芳 李娜 张伟 刘洋 陈静 杨敏 赵磊 黄丽 周杰 吴霞 徐强 孙悦 马超 朱琳 胡军 郭颖 何平 高远 林峰 罗兰 郑爽 梁晨'.split(' ');
    for (const [n, name] of names.entries()) {
      await h.ok('cashiers.create', { name, pin: String(3000 + n), role: 'cashier', managerPin: MANAGER.pin });
    }
    await page.keyboard.press('F3');
    await page.waitForSelector(sel('sign-out'));
    await page.keyboard.press('F10');
    await page.waitForSelector(`${sel('sign-in')} ${sel('pin')}`);
    await expectFits('sign-in, 25 people', { visible: [sel('pin'), sel('sign-in-submit'), '.cashier.active'] });
    // ↓ down the list to the 21st person: the list scrolls, the window does not.
    const target = await page.evaluate(() => [...document.querySelectorAll('.cashier .name')].map((el) => el.textContent ?? ''));
    const from = target.indexOf((await page.locator('.cashier.active .name').textContent()) ?? '');
    const to = target.indexOf('林峰');
    for (let i = 0; i < (to - from + target.length) % target.length; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('.cashier.active .name').textContent()).toBe('林峰');
    await expectFits('sign-in, the 21st chosen', { visible: [sel('pin'), sel('sign-in-submit'), '.cashier.active'] });
    await typeSlowly(page, String(3000 + names.indexOf('林峰')));
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('status-bar'));
    await expect.poll(() => page.locator(sel('status-bar')).textContent()).toContain('林峰');
  }, 120_000);
});
