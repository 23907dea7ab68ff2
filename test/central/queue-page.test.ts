/**
 * The customer's queue page (GET /q/<查询码>) on both databases: the entry as
 * of the last sync, place and amount ahead now, the store's display
 * switches, the same answer for unknown, malformed and guessed codes, the
 * per-address rate limit; and in Chromium at a phone's size, with
 * screenshots (written to CENTRAL_SCREENSHOTS_DIR when set, else a temp dir).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setStoreDisplay } from '../../central/auth/registry';
import { yuan } from '../../central/page/render';
import { changeSettings, createQueue } from '../../shared/engine/engine';
import { MemoryQueueStore } from '../../shared/engine/memory-store';
import type { QueueEvent } from '../../shared/engine/types';
import { formatLookupCode } from '../../shared/lookup-code';
import type { SettingsLayer } from '../../shared/settings';
import { MESSAGES } from '../../shared/sync/protocol';
import { chromiumAvailable, launchChromium } from '../e2e/harness';
import { Cleanup } from '../sync/helpers';
import { DATABASES, stopSharedPostgres } from './databases';
import { engineDay, enrolled, rawClient, serviceOn, testLookupCode, toWire } from './fixtures';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

async function syncedStore(kind: (typeof DATABASES)[number], extra: { pageRatePerMinute?: number } = {}) {
  const { db, service } = await serviceOn(kind, cleanup, extra);
  const token = await enrolled(db, 'S1', 'R1');
  await db.query("UPDATE stores SET name = '人民路店' WHERE id = 'S1'");
  const socket = await rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'R1', token });
  const day = engineDay('q1', 16);
  expect(await socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: toWire(day.events) })).toMatchObject({ ok: true });
  const waiting = day.entries.filter((e) => e.state === 'waiting');
  const target = waiting[2]!;
  const ahead = waiting.filter((e) => e.seq < target.seq);
  return { db, service, socket, day, target, code: testLookupCode(`q1:${target.orderId}`), place: ahead.length + 1, aheadFen: ahead.reduce((s, e) => s + e.entitlementFen - e.receivedFen, 0) };
}

const text = async (res: Response) => ({ status: res.status, body: await res.text() });

/** The queue.settings events the engine writes when the register's manager saves these changes, in order. */
function settingsEvents(queueId: string, changes: { base?: unknown; cashier?: unknown }[], at: number, prefix: string): QueueEvent[] {
  const store = new MemoryQueueStore();
  store.transaction(() => createQueue(store, queueId, { base: {} as SettingsLayer, cashier: {} as SettingsLayer }, at));
  let n = 0;
  const ctx = { store, queueId, timezone: 'Asia/Shanghai', random: { int: () => 0 }, newEventId: () => `${queueId}-${prefix}-${++n}` };
  for (const [i, change] of changes.entries()) store.transaction(() => changeSettings(ctx, { at: at + i, actor: 'manager-1', source: 'manager', ...change }));
  return store.outbox.filter((e) => e.type === 'queue.settings');
}

describe.each(DATABASES)('queue page on %s', (kind) => {
  it("shows the entry of the code: entitlement, received, progress, place and amount ahead now, and when it is true as of", async () => {
    const { db, service, target, code, place, aheadFen } = await syncedStore(kind);
    const page = await text(await fetch(`${service.url}/q/${formatLookupCode(code).toLowerCase()}`));
    expect(page.status).toBe(200);
    expect(page.body).toContain('人民路店');
    expect(page.body).toContain(yuan(target.entitlementFen));
    expect(page.body).toContain(`第 ${place} 位`);
    expect(page.body).toContain(yuan(aheadFen));
    expect(page.body).toMatch(/以上为门店 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2} 同步时的情况/);
    expect(page.body).not.toMatch(/\b(undefined|null|NaN)\b/);

    await setStoreDisplay(db, 'S1', { amountWaiting: false }, Date.now());
    const hidden = await text(await fetch(`${service.url}/q/${code}`));
    expect(hidden.body).toContain(`第 ${place} 位`);
    expect(hidden.body).not.toContain('前方待返金额');
    await setStoreDisplay(db, 'S1', { queueProgress: false }, Date.now());
    const bare = await text(await fetch(`${service.url}/q/${code}`));
    expect(bare.body).not.toContain('当前排位');
    expect(bare.body).not.toContain('返还进度');
    expect(bare.body).toContain(yuan(target.entitlementFen));
  }, 120_000);

  it("follows the display switches the register's manager set for the queue (queue.settings events), over the store's", async () => {
    const { db, service, socket, day, target, code, place, aheadFen } = await syncedStore(kind);
    const [hideAhead, baseHidesPlace, cashierUnset] = settingsEvents(
      'q1',
      [
        // The manager hides the amount ahead and what was received (cashier layer).
        { cashier: { display: { amountWaiting: false, totalReceived: false } } },
        // The base layer hides the place, but the cashier layer's display (set above) is the one in force …
        { base: { display: { queueProgress: false } } },
        // … until the cashier layer's display is unset: then the base layer's is.
        { cashier: { display: null } },
      ],
      Date.now(),
      'manager',
    );
    let seq = day.events.length;
    const send = async (events: QueueEvent[]) => {
      const wire = toWire(events, seq + 1);
      seq += events.length;
      expect(await socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: wire })).toMatchObject({ ok: true, appliedSeq: seq });
    };
    const page = async () => (await text(await fetch(`${service.url}/q/${code}`))).body;

    await send([hideAhead!]);
    let body = await page();
    expect(body).toContain(`第 ${place} 位`);
    expect(body).toContain('尚待返还');
    expect(body).toContain(yuan(target.entitlementFen - target.receivedFen));
    for (const hidden of ['前方待返金额', '已返金额', '返还进度']) expect(body).not.toContain(hidden);
    expect(body).not.toContain(yuan(aheadFen));

    await send([baseHidesPlace!]);
    body = await page();
    expect(body).toContain(`第 ${place} 位`);
    expect(body).not.toContain('前方待返金额');

    await send([cashierUnset!]);
    body = await page();
    expect(body).not.toContain('当前排位');
    expect(body).not.toContain('返还进度');
    expect(body).toContain('前方待返金额');
    expect(body).toContain('已返金额');

    // The operator's store switch hides a figure the register shows; it cannot show one the register hides.
    await setStoreDisplay(db, 'S1', { amountWaiting: false, queueProgress: true }, Date.now());
    body = await page();
    expect(body).not.toContain('前方待返金额');
    expect(body).not.toContain('当前排位');
    expect(body).toContain(yuan(target.entitlementFen));

    // In one batch, the last change of a field wins.
    const [showAll, hidePending] = settingsEvents('q1', [{ base: { display: { queueProgress: true } } }, { base: { display: { pendingAmount: false } } }], Date.now(), 'later');
    await send([showAll!, hidePending!]);
    body = await page();
    expect(body).toContain(`第 ${place} 位`);
    expect(body).not.toContain('尚待返还');
  }, 120_000);

  it('answers unknown, malformed and guessed codes alike, and limits requests per address', async () => {
    const { service, code } = await syncedStore(kind, { pageRatePerMinute: 30 });
    const guessed = `${code.slice(0, 11)}${code[11] === 'Z' ? 'Y' : 'Z'}`;
    const answers = await Promise.all(['0000-0000-0000', guessed, 'not-a-code', '%E4%BD%A0', 'x'.repeat(500)].map(async (c) => text(await fetch(`${service.url}/q/${c}`))));
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]!.body).toContain('没有找到这个查询码');
    let limited = 0;
    for (let i = 0; i < 15; i++) if ((await fetch(`${service.url}/q/${code}`)).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
  }, 120_000);
});

describe.skipIf(!chromiumAvailable())('queue page in Chromium at a phone size', () => {
  it('reads well on a phone, in Chinese, and shows nothing about anyone else', async () => {
    const { service, code, place } = await syncedStore('PGlite');
    const dir = process.env.CENTRAL_SCREENSHOTS_DIR ?? mkdtempSync(path.join(tmpdir(), 'central-shots-'));
    const browser = await launchChromium();
    cleanup.add(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(`${service.url}/q/${formatLookupCode(code)}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('人民路店');
    expect(await page.locator('body').innerText()).toContain(`第 ${place} 位`);
    // Nothing wider than the phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // Which receipt: these orders' ids are not order numbers, so the 查询码's last 4 characters.
    const tail = formatLookupCode(code).slice(-4);
    expect(await page.locator('[data-test=receipt]').innerText()).toMatch(new RegExp(`^查询码尾号\\s+${tail}$`));
    // No Latin words on the page (only digits, money and the code's own characters would be).
    expect((await page.locator('body').innerText()).replace(tail, '')).not.toMatch(/[A-Za-z]{3,}/);
    await page.screenshot({ path: path.join(dir, 'central-queue-page.png'), fullPage: true });
    await page.goto(`${service.url}/q/0000-0000-0000`);
    expect(await page.locator('body').innerText()).toContain('没有找到这个查询码');
    await page.screenshot({ path: path.join(dir, 'central-queue-page-unknown.png'), fullPage: true });
  }, 120_000);
});
