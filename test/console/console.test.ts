/**
 * The alliance console in Chromium against the real service on real
 * PostgreSQL, driven by the keyboard: sign in; the alliance's and a store's
 * liability with the day-by-day chart; a silent register highlighted; a new
 * register's enrolment code made from the page and used; a register revoked
 * after its confirmation; base settings refused when wrong (nothing pushed),
 * pushed when right, with each register's answer (one applies, one refuses);
 * level names renamed and pushed; a member found by phone; the audit trail.
 * Screenshots: CENTRAL_SCREENSHOTS_DIR=docs/screenshots writes
 * docs/screenshots/central-console*.png.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { phoneDigest, phoneKeyFromSecret } from '../../electron/backend/members/phone-digest';
import { stopSharedPostgres } from '../central/databases';
import { rawClient } from '../central/fixtures';
import { chromiumAvailable, counterContext, launchChromium } from '../e2e/harness';
import { Cleanup } from '../sync/helpers';
import { PHONE_KEY, alliance } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

/** No Latin word on a Chinese screen: register numbers like R01 are what the operator typed; an enrolment code is shown apart. */
async function expectChineseOnly(page: Page): Promise<void> {
  const text = await page.locator('main').innerText();
  expect(text.replace(/\bR\d+\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
  expect(text).not.toMatch(/\b1[6-9]\d{11}\b/); // no epoch in ms
  expect(text).not.toMatch(/[{}]|"\w+":/); // no JSON
}

async function submitWithKeyboard(page: Page, selector: string): Promise<void> {
  await page.locator(selector).focus();
  // A form posts and the answer replaces the page (possibly at the same address).
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

describe('the alliance console in Chromium (PostgreSQL)', () => {
  it.skipIf(!chromiumAvailable())('lets an operator watch, enrol, revoke, push settings and find members by keyboard', async () => {
    const { db, service, admin, tokens } = await alliance('PostgreSQL', cleanup);
    const digest = phoneDigest(phoneKeyFromSecret(PHONE_KEY), '13800138000');
    await db.query(`INSERT INTO members (id, phone_digest, level, display_name, masked_phone, created_at) VALUES ('R01-M1', $1, 'gold', '王*', '138****8000', $2)`, [digest, Date.UTC(2026, 10, 20, 3)]);
    await db.query(`INSERT INTO members (id, phone_digest, level, display_name, masked_phone, created_at) VALUES ('R01-M2', NULL, 'normal', '李*', '139****9000', $1)`, [Date.UTC(2026, 10, 21, 3)]);
    await db.query(`INSERT INTO member_aliases (register, local_id, member_id) SELECT id, 'm-1', 'R01-M1' FROM registers WHERE store_id = 'S001' AND register_id = 'R01'`);
    const dir = process.env.CENTRAL_SCREENSHOTS_DIR ?? mkdtempSync(path.join(tmpdir(), 'central-console-'));
    const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `central-console${name}.png`), fullPage: true });
    const browser = await launchChromium();
    cleanup.add(() => browser.close());
    const context = await counterContext(browser, { width: 1280, height: 800 });
    const page = await context.newPage();

    // Sign in with the keyboard: the credential field has the focus.
    await page.goto(`${service.url}/console`);
    // Chromium applies autofocus at its next rendering update, which can come after the load
    // event on a loaded machine: keys typed before it went to the page's body (seen in CI).
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id?: string } | null } }).document.activeElement?.id === 'token');
    await page.keyboard.type(admin);
    await Promise.all([page.waitForSelector('[data-test=alliance-totals]'), page.keyboard.press('Enter')]);
    const cookie = (await context.cookies()).find((c) => c.name === 'qrc_console');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    // The first Tab stop is the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('总览与负债');

    // Overview: totals, the chart, two stores, three registers, the silent one flagged.
    expect(await page.locator('[data-test=store-row]').count()).toBe(2);
    expect(await page.locator('[data-test=register-row]').count()).toBe(3);
    expect(await page.locator('[data-test=liability-chart] svg rect').count()).toBeGreaterThan(10);
    const overview = await page.locator('main').innerText();
    expect(overview).toMatch(/尚欠顾客\s*¥\d{1,3}(,\d{3})*\.\d{2}/);
    expect(overview).toContain('抽成与返利承诺之比');
    // The alliance as one: with only one store trading, its e/r sentence and tail are the store's.
    const allianceSentence = (await page.locator('[data-test=alliance-coverage]').innerText()).replace('全联盟：', '');
    expect(allianceSentence).toBe((await page.locator('[data-test=store-row]', { hasText: '人民路店' }).locator('td').last().innerText()).trim());
    expect(overview).toMatch(/队尾需等\s*约 \d+(\.\d)? 天/);
    expect(overview).toContain('1 台收银台超过一天没有联系');
    expect(await page.locator('tr.silent').count()).toBe(1);
    expect(await page.locator('tr.silent').innerText()).toContain('解放路店');
    expect(await page.locator('tr.silent [data-test=batch-refusals]').innerText()).toBe('1');
    // What the silent register said it still held, as of when it said so; an enrolled register that never said: 未报告.
    expect(await page.locator('tr.silent [data-test=outbox-waiting]').innerText()).toMatch(/^1,500 条（截至 2026\/11\/25 09:00）$/);
    await expectChineseOnly(page);
    await shot(page, '');

    // One store's page, reached by keyboard: its chart and the e/r sentence.
    await page.locator('a', { hasText: '人民路店' }).focus();
    await Promise.all([page.waitForSelector('[data-test=store-totals]'), page.keyboard.press('Enter')]);
    expect(await page.locator('[data-test=coverage]').innerText()).toMatch(/抽成与返利承诺之比 \d\.\d\d/);
    expect(await page.locator('[data-test=days-table] tbody tr').count()).toBe(30);
    await expectChineseOnly(page);
    await shot(page, '-store');

    // A new register: the code is shown once and works at /enrol.
    await page.goto(`${service.url}/console/registers`);
    await page.locator('#reg-store').selectOption({ label: '人民路店' });
    await page.locator('#reg-id').fill('R03');
    await submitWithKeyboard(page, '[data-test=add-register]');
    const code = (await page.locator('[data-test=enrolment-code]').innerText()).trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    await shot(page, '-code');
    expect((await page.locator('main').innerText()).replace(code, '')).not.toMatch(/[A-Za-z]{2,}/);
    const enrol = await fetch(`${service.url}/enrol`, { method: 'POST', body: JSON.stringify({ code }), headers: { 'content-type': 'application/json' } });
    expect(enrol.status).toBe(200);
    const r03 = (await enrol.json()) as { token: string };
    await submitWithKeyboard(page, '[data-test=back-to-registers]');
    await page.waitForSelector('[data-test=manage-row]');
    expect(await page.locator('[data-test=manage-row]').count()).toBe(4);
    expect(await page.locator('[data-test=manage-row]', { hasText: '解放路店 · R01' }).locator('[data-test=batch-refusal-text]').innerText()).toContain('服务器在等第 1 条');
    await expectChineseOnly(page);
    await shot(page, '-registers');

    // Revoke it: a confirmation page, the box ticked by keyboard, then the token stops working.
    const row = page.locator('[data-test=manage-row]', { hasText: 'R03' });
    await row.locator('[data-test=revoke-link]').focus();
    await Promise.all([page.waitForSelector('[data-test=revoke-confirm]'), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toContain('停用人民路店 · R03 号收银台');
    await shot(page, '-revoke');
    await page.locator('[data-test=revoke-confirm]').focus();
    await page.keyboard.press('Space');
    await submitWithKeyboard(page, '[data-test=revoke-submit]');
    expect(await page.locator('[data-test=flash]').innerText()).toContain('已停用 人民路店 · R03 号收银台');
    expect(await page.locator('[data-test=manage-row]', { hasText: 'R03' }).innerText()).toContain('已停用');
    const revoked = await db.query(`SELECT 1 FROM register_tokens t JOIN registers r ON r.id = t.register WHERE r.register_id = 'R03' AND t.revoked_at IS NULL`);
    expect(revoked.rows.length).toBe(0);
    await expect(rawClient(cleanup, service.url, { storeId: 'S001', registerId: 'R03', token: r03.token })).rejects.toThrow();

    // Two registers online: S001/R01 applies base settings, S002/R01 refuses them.
    for (const [storeId, token, answer] of [
      ['S001', tokens.s1r1, { ok: true, duplicate: false }],
      ['S002', tokens.s2r1, { ok: false, error: { code: 'apply-failed', message: 'could not be applied' } }],
    ] as const) {
      const socket = await rawClient(cleanup, service.url, { storeId, registerId: 'R01', token, lastAckedSeq: storeId === 'S001' ? 10_000 : 0 });
      socket.on('sync:base-settings', (_push: unknown, ack: (a: unknown) => void) => ack(answer));
    }

    // Base settings: a wrong field is refused with nothing pushed, then a right form is pushed.
    await page.goto(`${service.url}/console/settings`);
    await page.locator('#f-extractionBp').fill('150');
    await page.locator('[id="f-level:gold"]').fill('130');
    await submitWithKeyboard(page, '[data-test=push-settings]');
    expect(await page.locator('[data-test=field-error]').first().innerText()).toContain('不能超过 100%');
    expect(await page.locator('[id="f-level:gold"]').inputValue()).toBe('130');
    expect((await db.query(`SELECT 1 FROM pushes WHERE message = 'sync:base-settings'`)).rows.length).toBe(0);
    await shot(page, '-settings-error');
    await page.locator('#f-extractionBp').fill('15');
    await page.locator('#f-defaultRatioBp').fill('110');
    await page.locator('#f-settlement').selectOption('completion');
    await submitWithKeyboard(page, '[data-test=push-settings]');
    expect(await page.locator('[data-test=flash]').innerText()).toContain('已推送 4 项改动');
    const pushed = (await db.query<{ body: { settings: Record<string, unknown> } }>(`SELECT body FROM pushes WHERE message = 'sync:base-settings'`)).rows;
    expect(pushed.length).toBe(1);
    expect(pushed[0]!.body.settings).toEqual({ extractionBp: 1500, defaultRatioBp: 11000, levelRatiosBp: { gold: 13000 }, settlement: 'completion' });
    // The answers arrive; the page shows each register's.
    for (let i = 0; i < 60; i++) {
      const answered = (await db.query(`SELECT 1 FROM push_results`)).rows.length;
      if (answered >= 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await page.reload();
    const card = await page.locator('[data-test=push-card]').first().innerText();
    expect(card).toContain('操作员 运营小王');
    expect(card).toContain('提取比例：未设置 → 15%');
    expect(card).toContain('会员等级返利比例（金卡会员）：未设置 → 130%');
    expect(card).toContain('结算时机：未设置 → 订单完成时结算');
    expect(await page.locator('[data-test=push-answer]', { hasText: '人民路店 · R01' }).innerText()).toContain('已应用');
    expect(await page.locator('[data-test=push-answer]', { hasText: '解放路店 · R01' }).innerText()).toContain('拒收');
    expect(await page.locator('[data-test=push-answer]', { hasText: '解放路店 · R02' }).innerText()).toContain('收不到');
    expect(await page.locator('[id="f-level:gold"]').inputValue()).toBe('130');
    await expectChineseOnly(page);
    await shot(page, '-settings');

    // Members: rename a level (pushed with the rest of the base layer kept), find a member by phone.
    await page.goto(`${service.url}/console/members`);
    expect(await page.locator('[data-test=level-row]').count()).toBe(2);
    await page.locator('[name="name:gold"]').fill('金卡贵宾');
    await submitWithKeyboard(page, '[data-test=save-levels]');
    expect(await page.locator('[data-test=flash]').innerText()).toContain('已推送 1 个等级名称的改动');
    const latest = (await db.query<{ body: { settings: Record<string, unknown> } }>(`SELECT body FROM pushes WHERE message = 'sync:base-settings' ORDER BY id DESC LIMIT 1`)).rows[0]!;
    expect(latest.body.settings).toMatchObject({ extractionBp: 1500, levelNames: { gold: '金卡贵宾' } });
    await page.locator('#phone').fill('138 0013 8000');
    await submitWithKeyboard(page, '[data-test=lookup]');
    const found = await page.locator('[data-test=lookup-answer]').innerText();
    expect(found).toContain('王*');
    expect(found).toContain('138****8000');
    expect(found).toContain('金卡贵宾');
    expect(found).toContain('人民路店');
    expect(await page.locator('#phone').inputValue()).toBe('');
    await expectChineseOnly(page);
    await shot(page, '-members');
    await page.locator('#phone').fill('13900000000');
    await submitWithKeyboard(page, '[data-test=lookup]');
    expect(await page.locator('[data-test=lookup-answer]').innerText()).toContain('没有找到');

    // The audit trail: who, when, old → new; never the phone or the code.
    await page.goto(`${service.url}/console/audit`);
    const trail = await page.locator('main').innerText();
    expect(trail).toContain('为人民路店 · R03 号收银台生成登记码');
    expect(trail).toContain('停用人民路店 · R03 号收银台');
    expect(trail).toContain('默认返利比例：未设置 → 110%');
    expect(trail).toContain('会员等级名称（金卡会员）：未设置 → “金卡贵宾”');
    expect(trail).toContain('按手机号查找会员（找到了）');
    expect(trail).toContain('运营小王');
    await expectChineseOnly(page);
    await shot(page, '-audit');
    const stored = JSON.stringify((await db.query('SELECT * FROM console_audit')).rows);
    expect(stored).not.toContain('13800138000');
    expect(stored).not.toContain('8000');
    expect(stored).not.toContain(code);

    await page.locator('[data-test=logout]').focus();
    await Promise.all([page.waitForSelector('#token'), page.keyboard.press('Enter')]);
  }, 240_000);
});
