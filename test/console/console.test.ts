/**
 * The alliance console (issue 14 §3): behind the admin credential, a session
 * cookie scripts cannot read and other sites cannot send; stores with their
 * liability as ¥1,234.50 and a plain sentence for e/r; registers with their
 * last sync, flagged when silent. In Chromium against the real service on
 * PGlite, with a screenshot (CENTRAL_SCREENSHOTS_DIR=docs/screenshots writes
 * docs/screenshots/central-console.png).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addAdmin, addRegister, addStore } from '../../central/auth/registry';
import { coverageSentence } from '../../central/console/route';
import { chromiumAvailable, launchChromium } from '../e2e/harness';
import { engineDay, enrolled, rawClient, serviceOn, toWire } from '../central/fixtures';
import { Cleanup } from '../sync/helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function alliance() {
  const { db, service } = await serviceOn('PGlite', cleanup);
  const now = Date.now();
  await db.transaction((tx) => addStore(tx, 'S001', '人民路店', now));
  await db.transaction((tx) => addStore(tx, 'S002', '解放路店', now));
  const token = await enrolled(db, 'S001', 'R01');
  await enrolled(db, 'S002', 'R01');
  await db.transaction((tx) => addRegister(tx, 'S002', 'R02', now)); // enrolled never: silent
  const socket = await rawClient(cleanup, service.url, { storeId: 'S001', registerId: 'R01', token });
  const ack = (await socket.timeout(20_000).emitWithAck('sync:batch', { events: toWire(engineDay('cashier-1', 40).events) })) as { ok: boolean };
  expect(ack.ok).toBe(true);
  const admin = await addAdmin(db, '运营', now);
  return { db, service, admin };
}

describe('the alliance console', () => {
  it('asks for the admin credential, refuses a wrong one, and says e/r in a sentence', async () => {
    const { service } = await alliance();
    const first = await fetch(`${service.url}/console`);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('管理员凭证');
    const wrong = await fetch(`${service.url}/console/login`, { method: 'POST', body: 'token=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('这个凭证不对');
    expect(coverageSentence(12_500)).toContain('1.25');
    expect(coverageSentence(12_500)).toContain('都付得出');
    expect(coverageSentence(8_000)).toContain('付不完');
    expect(coverageSentence(null)).toContain('无法判断');
  }, 60_000);

  it.skipIf(!chromiumAvailable())('shows stores, liability and registers in Chinese in Chromium', async () => {
    const { service, admin } = await alliance();
    const dir = process.env.CENTRAL_SCREENSHOTS_DIR ?? mkdtempSync(path.join(tmpdir(), 'central-console-'));
    const browser = await launchChromium();
    cleanup.add(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(`${service.url}/console`);
    await page.fill('#token', admin);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=alliance-totals]', { timeout: 60_000 });
    const cookie = (await context.cookies()).find((c) => c.name === 'qrc_console');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(await page.locator('[data-test=store-row]').count()).toBe(2);
    expect(await page.locator('[data-test=register-row]').count()).toBe(3);
    const text = await page.locator('body').innerText();
    expect(text).toContain('人民路店');
    expect(text).toMatch(/¥\d{1,3}(,\d{3})*\.\d{2}/);
    expect(text).toContain('超过一天没有联系');
    expect(text).toContain('抽成与返利承诺之比');
    // No Latin words on a Chinese screen (register numbers like R01 are ids the operator typed).
    expect(text.replace(/\bR\d+\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    await page.screenshot({ path: path.join(dir, 'central-console.png'), fullPage: true });
    // Signed out: the session is gone.
    await page.click('form.out button');
    await page.waitForSelector('#token', { timeout: 60_000 });
  }, 120_000);
});
