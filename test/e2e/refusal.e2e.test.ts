/**
 * docs/security.md §5 in Chromium: a register whose database is gone shows
 * the refusal page (never first-run setup), a wrong PIN restores nothing, the
 * backup's manager PIN restores the newest backup and the register opens on
 * it — the sale in the backup is there, the manager signs in.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './harness';
import { REFUSAL_MANAGER_PIN, startRefusalHarness, type RefusalHarness } from './refusal-harness';

const sel = (id: string) => `[data-test="${id}"]`;

describe.skipIf(!chromiumAvailable())('the refusal page in Chromium', () => {
  let h: RefusalHarness;
  let page: Page;

  beforeAll(async () => {
    h = await startRefusalHarness();
    page = h.page;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  }, 30_000);

  it('a lost database shows the refusal page in Chinese, no first-run setup', async () => {
    await page.goto(h.url, { waitUntil: 'load' });
    await page.waitForSelector('[data-ready="yes"]', { timeout: 60_000 });
    await page.waitForSelector(sel('refusal'), { timeout: 60_000 });
    expect(await page.locator(sel('first-name')).count()).toBe(0);
    const text = (await page.locator(sel('refusal')).textContent()) ?? '';
    expect(text).toContain('账本数据库文件不见了');
    expect(text).toContain('2026年3月2日');
    expect(text).not.toMatch(/2026-03-02|cashier\.db|undefined/);
    expect(existsSync(h.dbFile)).toBe(false);
  }, 90_000);

  it('a wrong PIN restores nothing; the backup manager’s PIN restores the newest backup and opens the register', async () => {
    await page.locator(sel('refusal-pin')).fill('1111');
    await page.locator(sel('refusal-restore')).click();
    await page.waitForSelector(sel('refusal-error'));
    expect(await page.locator(sel('refusal-error')).textContent()).toContain('密码不对');
    expect(existsSync(h.dbFile)).toBe(false);

    await page.locator(sel('refusal-pin')).fill(REFUSAL_MANAGER_PIN);
    await page.locator(sel('refusal-restore')).click();
    await page.waitForSelector(sel('refusal-done'), { timeout: 30_000 });
    expect(await page.locator(sel('refusal-done')).textContent()).toContain('2026年3月2日');
    const db = new Database(h.dbFile, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(1);
    db.close();

    await page.locator(sel('refusal-continue')).click();
    await page.waitForSelector(sel('sign-in'));
    expect(await page.locator(sel('first-name')).count()).toBe(0);
    expect((await page.locator(sel('sign-in')).textContent()) ?? '').toContain('陈店长');
    await page.locator(sel('pin')).fill(REFUSAL_MANAGER_PIN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-view="checkout"], [data-view="shift"]', { timeout: 30_000 });
  }, 120_000);
});
