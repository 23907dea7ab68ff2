/**
 * The manager console in Debian's Chromium against the real backend on a
 * real SQLite file (test/e2e/harness.ts): a wrong PIN shows the tries left;
 * per-field validation messages from the backend for several settings (and
 * nothing written); an audited change visible in the audit list and in
 * settings_audit (old → new); unset = back to inherited; "why this ratio?"
 * from the line's entry details; the dashboard's figures against SQL sums
 * on the database file; a what-if run that leaves the database and its WAL
 * byte-for-byte unchanged, with the scenario downloaded; Z reports and a
 * CSV export downloaded, opened back (BOM, Chinese headers) and checked
 * against SQL; finally five wrong PINs → the lockout with its end time.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatYuan, formatYuanGrouped, type Fen } from '../../shared/money';
import { orderNumber } from '../../shared/order-number';
import { chromiumAvailable, CHROMIUM, firstRunToCheckout, startHarness, type Harness } from './harness';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const sel = (id: string) => `[data-test="${id}"]`;
/** Money as the screens show it (thousands separators); the CSV keeps plain formatYuan. */
const y = (fen: number) => `¥${formatYuanGrouped(fen as Fen)}`;
const PIN = '2468';

describe.skipIf(!hasChromium)('manager console in Chromium against the real backend', () => {
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

  const text = async (id: string) => ((await page.locator(sel(id)).first().textContent()) ?? '').trim();
  const q = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T;
  const auditCount = () => q<{ n: number }>('SELECT count(*) AS n FROM settings_audit').n;

  async function openConsole() {
    await page.keyboard.press('Control+g');
    await page.waitForSelector(sel('manager-view'));
  }

  async function unlock(pin = PIN) {
    await page.locator(sel('manager-unlock-pin')).fill(pin);
    await page.keyboard.press('Enter');
  }

  it('first run, a shift with sales; Ctrl+G opens the console behind the PIN; a wrong PIN shows the tries left', async () => {
    await h.openApp();
    await firstRunToCheckout(page);
    const sales: [number, string | null][] = [[10000, 'M002'], [16800, 'M001'], [8880, null], [25600, 'M003'], [12000, 'M002'], [30000, 'M001'], [5000, 'M003']];
    for (const [fen, member] of sales) await h.ok('checkout.submit', { amountDueFen: fen, memberId: member, tenders: [{ kind: 'cash', amountFen: fen }] });

    await openConsole();
    expect(await page.locator(sel('nav-manager')).textContent()).toContain('Ctrl+G');
    await page.waitForSelector(sel('manager-pin-panel'));
    await unlock('1111');
    await page.waitForSelector(sel('manager-pin-error'));
    expect(await text('manager-pin-error')).toBe('PIN 错误，还可以再试 4 次');
    expect(q<{ n: number }>("SELECT count(*) AS n FROM manager_audit WHERE action = 'pin.wrong'").n).toBe(1);

    await unlock();
    await page.waitForSelector(`${sel('manager-view')}[data-unlocked="yes"]`);
    expect(await text('manager-who')).toContain('陈店长');
    await page.waitForSelector(sel('field-extractionBp'));
  });

  it('shows each field inherited or overridden with its base origin', async () => {
    // The harness configured the register layer; the base layer is empty.
    expect(await page.locator(sel('field-extractionBp')).getAttribute('data-state')).toBe('overridden');
    expect(await text('field-extractionBp-state')).toBe('本机覆盖');
    expect(await text('field-extractionBp-effective')).toBe('10%');
    expect(await page.locator(sel('field-ordering')).getAttribute('data-state')).toBe('default');
    expect(await text('field-ordering-origin')).toContain('系统默认');
    expect(await text('field-tiers-state')).toBe('系统默认');
  });

  it('refuses invalid settings with a message under each field, and writes nothing', async () => {
    const before = auditCount();
    const layer = q<{ c: string }>('SELECT cashier_settings AS c FROM queues').c;

    // Ratios: extraction above 100 %, a default ratio that is no number, a lottery range min > max.
    await page.locator(sel('field-extractionBp-value')).fill('150');
    await page.locator(sel('field-lottery-kind')).locator('label', { hasText: '区间' }).click();
    await page.locator(sel('field-lottery-min')).fill('50');
    await page.locator(sel('field-lottery-max')).fill('20');
    await page.locator(sel('field-extractionBp-value')).focus();
    await page.keyboard.press('Control+s');
    await page.waitForSelector(sel('field-extractionBp-error'));
    expect(await text('field-extractionBp-error')).toBe('不能大于 100%');
    expect(await text('field-lottery-error')).toBe('抽奖最小比例不能大于最大比例');

    await page.locator(sel('field-defaultRatioBp-value')).fill('abc');
    await page.click(sel('settings-save-ratios'));
    await page.waitForSelector(sel('field-defaultRatioBp-error'));
    expect(await text('field-defaultRatioBp-error')).toContain('请输入百分比数字');

    // Names: an empty rebate name.
    await page.locator(sel('field-rebateName-value')).fill('');
    await page.click(sel('settings-save-general'));
    await page.waitForSelector(sel('field-rebateName-error'));
    expect(await text('field-rebateName-error')).toBe('不能为空');

    // Settlement: auto-complete beyond a year.
    await page.click(sel('field-autoCompleteMinutes-override'));
    await page.locator(sel('field-autoCompleteMinutes-value')).fill('999999');
    await page.click(sel('settings-save-settlement'));
    await page.waitForSelector(sel('field-autoCompleteMinutes-error'));
    expect(await text('field-autoCompleteMinutes-error')).toBe('不能大于 527040');

    // Windows: a time that does not parse and a window that starts and ends at once.
    await page.click(sel('field-windows-override'));
    await page.click(sel('field-windows-add'));
    await page.click(sel('field-windows-add'));
    await page.locator(sel('field-windows-from-0')).fill('25:00');
    await page.locator(sel('field-windows-from-1')).fill('12:00');
    await page.locator(sel('field-windows-to-1')).fill('12:00');
    await page.click(sel('settings-save-windows'));
    await page.waitForSelector(sel('field-windows-error'));
    const windowErrors = await page.locator(sel('field-windows-error')).allTextContents();
    expect(windowErrors.join('|')).toContain('时间必须是 HH:MM');
    expect(windowErrors.join('|')).toContain('时段的开始和结束不能是同一分钟');

    // Random return: a group of 0 + 0.
    await page.click(sel('field-randomReturn-override'));
    await page.locator(sel('field-randomReturn-cash')).fill('0');
    await page.locator(sel('field-randomReturn-points')).fill('0');
    await page.click(sel('settings-save-returns'));
    await page.waitForSelector(sel('field-randomReturn-error'));
    expect(await text('field-randomReturn-error')).toContain('随机返每组至少 1 单');

    // Reset: weekday 9.
    await page.click(sel('field-reset-override'));
    await page.locator(sel('field-reset-kind')).locator('label', { hasText: '每周' }).click();
    await page.locator(sel('field-reset-weekday')).fill('9');
    await page.click(sel('settings-save-reset'));
    await page.waitForSelector(sel('field-reset-error'));
    expect(await text('field-reset-error')).toBe('不能大于 7');

    expect(auditCount()).toBe(before);
    expect(q<{ c: string }>('SELECT cashier_settings AS c FROM queues').c).toBe(layer);
  });

  it('saves a section as one audited change (old → new in settings_audit and the audit list); unset = back to inherited', async () => {
    // Back to a clean page of settings.
    await page.keyboard.press('F5');
    await page.keyboard.press('F4');
    await page.waitForSelector(sel('field-extractionBp-value'));
    const before = auditCount();
    await page.locator(sel('field-extractionBp-value')).fill('12');
    await page.click(sel('field-lottery-inherit'));
    await page.click(sel('settings-save-ratios'));
    await page.waitForSelector(`${sel('settings-notice-ratios')}:has-text("已保存")`);
    expect(await text('settings-notice-ratios')).toBe('已保存：2 项变更');

    const rows = db.prepare('SELECT field, layer, old_value, new_value, source FROM settings_audit WHERE id > (SELECT max(id) - 2 FROM settings_audit) ORDER BY field').all() as {
      field: string;
      layer: string;
      old_value: string | null;
      new_value: string | null;
      source: string;
    }[];
    expect(auditCount()).toBe(before + 2);
    expect(rows).toEqual([
      { field: 'extractionBp', layer: 'cashier', old_value: '1000', new_value: '1200', source: 'manager' },
      { field: 'lottery', layer: 'cashier', old_value: JSON.stringify({ fixedBp: [5000, 10000, 15000, 20000] }), new_value: null, source: 'manager' },
    ]);
    expect(await text('field-extractionBp-effective')).toBe('12%');
    expect(await page.locator(sel('field-lottery')).getAttribute('data-state')).toBe('default');
    expect(JSON.parse(q<{ c: string }>('SELECT cashier_settings AS c FROM queues').c).lottery).toBeUndefined();

    await page.keyboard.press('F9');
    await page.waitForSelector(`${sel('audit-rows')} .audit-field`);
    const first = page.locator(`${sel('audit-rows')} .el-table__row`, { hasText: '提取比例' }).first();
    // A sentence: who (by name), old → new in %, never bp or JSON.
    expect(await first.locator('.audit-old').textContent()).toBe('10%');
    expect(await first.locator('.audit-new').textContent()).toBe('12%');
    expect(await first.locator('.audit-who').textContent()).toBe('陈店长');
    const lottery = page.locator(`${sel('audit-rows')} .el-table__row`, { hasText: '抽奖返利比例' }).first();
    expect(await lottery.locator('.audit-old').textContent()).toBe('50% / 100% / 150% / 200%');
    expect(await lottery.locator('.audit-new').textContent()).toBe('未设置');
    await page.keyboard.press('Control+2');
    await page.waitForSelector(`${sel('audit-rows')} .audit-action:has-text("修改了本收银台设置")`);
    expect(await page.locator(`${sel('audit-rows')} .audit-action`).allTextContents()).toEqual(
      expect.arrayContaining(['修改了本收银台设置：提取比例、抽奖返利比例', '解锁了店长后台', '输入了错误的店长 PIN']),
    );
  });

  it('shows the dashboard figures as the database has them', async () => {
    await h.ok('queue.exchange', {
      orderId: (q<{ order_id: string }>("SELECT order_id FROM entries WHERE state = 'waiting' ORDER BY seq DESC LIMIT 1")).order_id,
      to: 'points',
    });
    await page.keyboard.press('F6');
    await page.waitForSelector(sel('dash-owed'));
    await page.keyboard.press('Control+Enter');
    await page.waitForTimeout(300);
    const owed = q<{ s: number; n: number }>("SELECT coalesce(sum(entitlement_fen - received_fen), 0) AS s, count(*) AS n FROM entries WHERE state = 'waiting'");
    const ledger = (kind: string) => q<{ s: number; u: number }>('SELECT coalesce(sum(amount_fen), 0) AS s, coalesce(sum(units), 0) AS u FROM ledger WHERE kind = ?', kind);
    const queue = q<{ pool_fen: number; undistributed_fen: number }>('SELECT pool_fen, undistributed_fen FROM queues');
    expect(owed.n).toBeGreaterThan(0);
    expect(await text('dash-owed')).toBe(y(owed.s));
    expect(await text('dash-waiting')).toBe(`排队中 ${owed.n} 条`);
    expect(await text('dash-extracted')).toBe(y(ledger('extraction').s));
    expect(await text('dash-paid-out')).toBe(y(ledger('payout').s));
    expect(await text('dash-forfeited-refunds')).toBe(y(ledger('cancellation').s));
    expect(await text('dash-forfeited-resets')).toBe(y(ledger('clearing').s));
    expect(await text('dash-exchanged')).toBe(y(ledger('exchange_points').s + ledger('exchange_vouchers').s));
    expect(await text('dash-points')).toBe(String(ledger('exchange_points').u + ledger('random_points').u));
    expect(await text('dash-undistributed')).toBe(y(queue.undistributed_fen));
    expect(await text('dash-pool')).toBe(y(queue.pool_fen));
    const entries = q<{ n: number; done: number }>("SELECT count(*) AS n, sum(state = 'completed') AS done FROM entries");
    expect(await text('dash-entries')).toBe(`${entries.done} / ${entries.n}`);
    // e = 12 %, r = 100–130 %: the plain sentence says only part can ever be paid.
    expect(await text('dash-er')).toContain('e = 12%');
    expect(await text('dash-er-sentence')).toContain('只有约');
    expect(await page.locator(`${sel('dashboard-chart')} canvas`).count()).toBeGreaterThan(0);
    expect(await text('dash-tail-7')).toMatch(/^还需 \d+ 单，约 [\d.]+ 天|永远返不到/);
  });

  it('a what-if run leaves the database and its WAL byte-for-byte unchanged; the scenario downloads', async () => {
    const hash = () => ['', '-wal'].map((s) => (existsSync(h.dbFile + s) ? createHash('sha256').update(readFileSync(h.dbFile + s)).digest('hex') : 'absent')).join(':');
    await page.keyboard.press('F7');
    await page.waitForSelector(sel('what-if-field-extractionBp'));
    const before = hash();
    await page.locator(`${sel('what-if-field-extractionBp')} ${sel('field-extractionBp-value')}`).fill('50');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(`${sel('what-if-result')}, ${sel('what-if-problem')}`, { timeout: 30_000 });
    if (await page.locator(sel('what-if-problem')).count()) throw new Error(`what-if refused: ${await text('what-if-problem')}`);
    expect(await text('what-if-window')).toContain('7 单');
    const currentPaid = await text('what-if-current-paidOut');
    const editedPaid = await text('what-if-edited-paidOut');
    expect(currentPaid).toMatch(/^¥/);
    expect(editedPaid).not.toBe(currentPaid);
    expect(hash()).toBe(before);

    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+e')]);
    expect(download.suggestedFilename()).toMatch(/^模拟推演-修改后场景-.*\.json$/);
    const scenario = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { settings?: { cashier?: { extractionBp?: number } } };
    expect(JSON.stringify(scenario)).toContain('"extractionBp":5000');
    expect(hash()).toBe(before);
  }, 60_000);

  it('"why this ratio?" from the entry details of the line (a manager PIN when the console is locked)', async () => {
    await page.keyboard.press('F2');
    await page.waitForSelector(`${sel('manager-view')}`, { state: 'detached' });
    // Leaving the console locked it.
    expect(q<{ n: number }>("SELECT count(*) AS n FROM manager_audit WHERE action = 'console.lock'").n).toBe(1);
    const gold = q<{ order_id: string }>("SELECT order_id FROM entries WHERE member_id = 'M001' ORDER BY seq LIMIT 1").order_id;
    await page.locator('.el-table-v2__row', { hasText: orderNumber(gold) }).first().click();
    await page.waitForSelector(`${sel('entry-details')} ${sel('entry-state')}`);
    await page.keyboard.press('F9');
    await page.waitForSelector(sel('why-pin'));
    await page.locator(sel('why-pin')).fill(PIN);
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('why-winner'));
    expect(await text('why-winner')).toBe('收银台·会员等级比例 · 130%');
    expect(await text('why-source')).toBe('收银时记录的规则链');
    expect(await text('why-agrees')).toBe('重新推算与收银时一致');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  });

  it('lists Z reports and exports the queue CSV: BOM, Chinese headers, the rows of SQL', async () => {
    await h.ok('shift.close', { countedCashFen: 50000 + 10000 + 16800 + 8880 + 25600 + 12000 + 30000 + 5000 });
    // The right PIN typed for "why this ratio?" unlocked the console too (docs/manager.md: Session).
    await openConsole();
    await page.waitForSelector(`${sel('manager-view')}[data-unlocked="yes"]`);
    await page.keyboard.press('F8');
    await page.waitForSelector(`${sel('reports-shifts')} .el-table__row`);
    expect(await page.locator(sel('report-Z')).count()).toBe(1);
    expect(await text('report-sales')).toBe(y(108280));

    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+2')]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8').slice(1);
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toContain('订单');
    // Chinese headers only (an export for a Chinese screen has no English word), with the cashier by name.
    expect(lines[0]).toMatch(/^排队序号,订单号,收银员,/);
    expect(lines[0]).not.toMatch(/[A-Za-z]/);
    const n = q<{ n: number }>('SELECT count(*) AS n FROM entries').n;
    expect(lines.length - 1).toBe(n);
    const entry = q<{ order_id: string; entitlement_fen: number }>('SELECT order_id, entitlement_fen FROM entries ORDER BY seq LIMIT 1');
    const row = lines.find((l) => l.includes(orderNumber(entry.order_id)))!;
    expect(row).toContain(formatYuan(entry.entitlement_fen as Fen));
    expect(await text('reports-notice')).toContain(`${n} 行`);
    expect(q<{ n: number }>("SELECT count(*) AS n FROM manager_audit WHERE action = 'reports.export'").n).toBe(1);
  }, 40_000);

  it('five wrong PINs lock manager approval and show until when; the right PIN is refused while locked', async () => {
    await page.keyboard.press('F10');
    await page.waitForSelector(sel('manager-pin-panel'));
    for (let i = 0; i < 4; i++) {
      await unlock('9999');
      await page.waitForSelector(`${sel('manager-pin-error')}:has-text("${4 - i} 次")`);
    }
    await unlock('9999');
    await page.waitForSelector(`${sel('manager-pin-error')}:has-text("锁定")`);
    const lock = q<{ locked_until: number }>('SELECT locked_until FROM pin_lockouts WHERE locked_until IS NOT NULL');
    // The page runs in Asia/Shanghai (UTC+8, no DST).
    const until = new Date(lock.locked_until + 8 * 3600_000);
    const pad = (v: number) => String(v).padStart(2, '0');
    const shown = `${until.getUTCFullYear()}-${pad(until.getUTCMonth() + 1)}-${pad(until.getUTCDate())} ${pad(until.getUTCHours())}:${pad(until.getUTCMinutes())}:${pad(until.getUTCSeconds())}`;
    expect(await text('manager-pin-error')).toBe(`错误次数过多，已锁定到 ${shown}（约 5 分钟后可再试）`);
    await unlock();
    await page.waitForTimeout(200);
    expect(await text('manager-pin-error')).toContain('已锁定到');
    expect(await page.locator(sel('manager-view')).getAttribute('data-unlocked')).toBe('no');
  }, 40_000);
});
