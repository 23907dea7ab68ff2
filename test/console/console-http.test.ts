/**
 * The console's doors and figures without a browser, on real PostgreSQL and
 * on PGlite (the demo database):
 * every page and action refuses without a session; a state-changing request
 * with the session cookie but without the session's CSRF token, or from
 * another origin, changes nothing; bad input changes nothing; the
 * day-by-day liability adds up to what the projections hold.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { liabilityDays, owedBefore, shanghaiDay } from '../../central/console/days';
import { coverageSentence } from '../../central/console/route';
import path from 'node:path';
import { completeSyncConfig, plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { SyncClient } from '../../electron/backend/sync/client';
import { enrolRegister } from '../../electron/backend/sync/enrol';
import { DATABASES, stopSharedPostgres } from '../central/databases';
import { engineDay, rawClient } from '../central/fixtures';
import { Cleanup, addOutboxEvents, createRegisterDb, tempDir, waitFor } from '../sync/helpers';
import { NOW, WEEK_START, alliance, signIn } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

const GETS = ['/console/store?id=S001', '/console/registers', '/console/registers/revoke?store=S001&register=R01', '/console/settings', '/console/members', '/console/audit'];
const POSTS: [string, Record<string, string>][] = [
  ['/console/stores/add', { store: 'S009', name: '新店' }],
  ['/console/registers/code', { store: 'S001', register: 'R09' }],
  ['/console/registers/revoke', { store: 'S001', register: 'R01', confirm: 'yes' }],
  ['/console/settings', { target: '', extractionBp: '15' }],
  ['/console/members/levels', { 'name:gold': '金卡' }],
  ['/console/members/lookup', { phone: '13800138000' }],
];

async function changes(db: import('../../central/db/adapter').SqlDb) {
  const q = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
  return {
    stores: await q('SELECT count(*) AS n FROM stores'),
    codes: await q('SELECT count(*) AS n FROM enrolment_codes'),
    revoked: await q('SELECT count(*) AS n FROM register_tokens WHERE revoked_at IS NOT NULL'),
    pushes: await q(`SELECT count(*) AS n FROM pushes WHERE message = 'sync:base-settings'`),
    audit: await q('SELECT count(*) AS n FROM console_audit'),
  };
}

describe.each(DATABASES)('the alliance console over HTTP on %s', (kind) => {
  it('refuses every page and action without a session, a CSRF token or from another origin, and changes nothing', async () => {
    const { db, service, admin } = await alliance(kind, cleanup);
    const before = await changes(db);
    for (const path of GETS) {
      const res = await fetch(`${service.url}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(401);
      const html = await res.text();
      expect(html, path).toContain('管理员凭证');
      expect(html, path).not.toContain('人民路店');
    }
    const anon = await fetch(`${service.url}/console`);
    expect(await anon.text()).not.toContain('人民路店');
    for (const [path, fields] of POSTS) {
      const res = await fetch(`${service.url}${path}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
      expect(res.status, path).toBe(401);
    }
    // The admin API wants its bearer credential too.
    expect((await fetch(`${service.url}/admin/stores`)).status).toBe(401);

    const session = await signIn(service.url, admin);
    for (const [path, fields] of POSTS) {
      const noToken = await session.post(path, fields);
      expect(noToken.status, `${path} without csrf`).toBe(403);
      const wrongToken = await session.post(path, { ...fields, csrf: 'f'.repeat(64) });
      expect(wrongToken.status, `${path} wrong csrf`).toBe(403);
      const otherSite = await session.post(path, { ...fields, csrf: session.csrf }, { origin: 'https://evil.example' });
      expect(otherSite.status, `${path} other origin`).toBe(403);
    }
    expect(await changes(db)).toEqual(before);
    // Signed out: the cookie opens nothing any more.
    expect((await session.post('/console/logout', { csrf: session.csrf })).status).toBe(303);
    expect((await session.get('/console/registers')).status).toBe(401);
  }, 120_000);

  it('answers bad input in Chinese and changes nothing', async () => {
    const { db, service, admin } = await alliance(kind, cleanup);
    const session = await signIn(service.url, admin);
    const before = await changes(db);
    const cases: [string, Record<string, string>, string][] = [
      ['/console/stores/add', { store: 'bad id!', name: '新店' }, '门店编号只能由'],
      ['/console/stores/add', { store: 'S001', name: '重复' }, '已经有了'],
      ['/console/registers/code', { store: 'S404', register: 'R01' }, '请选择一个已有的门店'],
      ['/console/registers/code', { store: 'S001', register: '' }, '收银台编号只能由'],
      ['/console/registers/revoke', { store: 'S001', register: 'R01' }, '没有勾选'],
      ['/console/settings', { target: '', extractionBp: '120' }, '不能超过 100%'],
      ['/console/settings', { target: '', defaultRatioBp: '12.345' }, '最多两位小数'],
      ['/console/settings', { target: '', rebateName: '一二三四五六七八九十一二三四五六七八九十一' }, '最多 20 个字'],
      ['/console/settings', { target: '', settlement: 'someday' }, '请从列表里选一项'],
      ['/console/members/lookup', { phone: '12345' }, '请输入 11 位手机号'],
    ];
    for (const [path, fields, message] of cases) {
      const res = await session.post(path, { ...fields, csrf: session.csrf });
      expect(res.status, path).toBe(400);
      expect(await res.text(), `${path} ${JSON.stringify(fields)}`).toContain(message);
    }
    expect(await changes(db)).toEqual(before);
    // Phone lookups are limited per operator (a burst of 10, then 20 a minute): no walking through numbers.
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) answers.push((await session.post('/console/members/lookup', { phone: `1390000000${i % 10}`, csrf: session.csrf })).status);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(coverageSentence(12_500)).toContain('1.25');
    expect(coverageSentence(8_000)).toContain('付不完');
    expect(coverageSentence(null)).toContain('无法判断');
  }, 120_000);

  it('revoking a register from the page drops the connection it holds and audits who did it', async () => {
    const { db, service, admin, tokens } = await alliance(kind, cleanup);
    const socket = await rawClient(cleanup, service.url, { storeId: 'S001', registerId: 'R01', token: tokens.s1r1, lastAckedSeq: 10_000 });
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(String(reason))));
    const session = await signIn(service.url, admin);
    const confirm = await session.get('/console/registers/revoke?store=S001&register=R01');
    expect(await confirm.text()).toContain('停用人民路店 · R01 号收银台？');
    const res = await session.post('/console/registers/revoke', { store: 'S001', register: 'R01', confirm: 'yes', csrf: session.csrf });
    expect(res.status).toBe(303);
    expect(await Promise.race([dropped, new Promise((r) => setTimeout(() => r('still connected'), 20_000))])).toBe('io server disconnect');
    await expect(rawClient(cleanup, service.url, { storeId: 'S001', registerId: 'R01', token: tokens.s1r1 })).rejects.toThrow();
    const line = (await db.query<{ admin: string; action: string }>(`SELECT admin, action FROM console_audit WHERE register_id = 'R01' AND store_id = 'S001'`)).rows;
    expect(line).toEqual([{ admin: '运营小王', action: 'register-revoked' }]);
    expect(await (await session.get('/console/registers')).text()).toContain('已停用');
  }, 120_000);

  it("a real register enrols with a code made on the page and applies the settings the page pushes; the page shows its answer", async () => {
    const { db, service, admin } = await alliance(kind, cleanup);
    const session = await signIn(service.url, admin);
    const made = await session.post('/console/registers/code', { store: 'S001', register: 'R05', csrf: session.csrf });
    const code = /data-test="enrolment-code">([0-9A-Z-]+)</.exec(await (await session.get(made.headers.get('location')!)).text())?.[1];
    expect(code).toBeDefined();
    const reg = createRegisterDb(path.join(tempDir(cleanup), 'register.db'));
    cleanup.add(() => reg.close());
    expect(await enrolRegister(reg, { url: service.url, code: code!, box: plainSecretBox })).toEqual({ storeId: 'S001', registerId: 'R05' });
    const pushed = await session.post('/console/settings', { target: 'S001', csrf: session.csrf, extractionBp: '12.5', defaultRatioBp: '120', ordering: 'completedFirst' });
    expect(pushed.status).toBe(303);
    // It has sales to send; once they are all acknowledged it says 0 are waiting (sync:status).
    addOutboxEvents(reg, 0);
    const sales = engineDay('cashier-5', 6).events;
    const insert = reg.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)');
    for (const e of sales) insert.run(e.id, e.queueId, e.type, e.at, JSON.stringify(e.payload));
    const client = new SyncClient({ db: reg, config: completeSyncConfig(readSyncConfig(reg, plainSecretBox)), backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 100, batchSize: 2 });
    cleanup.add(() => client.stop());
    client.start();
    await waitFor(async () => (await db.query(`SELECT 1 FROM push_results WHERE ok`)).rows.length > 0, 30_000, 'the register to apply the push and answer', 100);
    const layer = JSON.parse(reg.prepare('SELECT base_settings FROM queues LIMIT 1').pluck().get() as string) as Record<string, unknown>;
    expect(layer).toEqual({ extractionBp: 1250, defaultRatioBp: 12000, ordering: 'completedFirst' });
    const page = await (await session.get('/console/settings?store=S001')).text();
    expect(page).toMatch(/人民路店 · R05 号收银台<\/td><td class="l"><span class="ok">已应用<\/span>/);
    expect(page).toContain('提取比例：未设置 → 12.5%');
    await waitFor(async () => (await db.query(`SELECT 1 FROM registers WHERE register_id = 'R05' AND outbox_waiting = 0`)).rows.length > 0, 30_000, 'the register to say its outbox is empty', 100);
    const overview = await (await session.get('/console')).text();
    expect(overview).toMatch(/R05 号收银台<\/td><td>\d+<\/td>[\s\S]*?data-test="outbox-waiting">0 条</);
  }, 120_000);

  it('adds up the liability day by day to what the projections hold', async () => {
    const { db } = await alliance(kind, cleanup);
    const firstDay = shanghaiDay(WEEK_START);
    const days = await liabilityDays(db, 'S001', NOW, 0, firstDay - 1);
    expect(days.length).toBe(shanghaiDay(NOW) - firstDay + 2);
    // Worked back over the whole history, nothing was owed before the first sale.
    expect(owedBefore(days)).toBe(0);
    const money = (await db.query<{ sales: number; extracted: number; paid: number; forfeited: number; exchanged: number; undistributed: number }>(
      `SELECT sum(sales_fen) AS sales, sum(extracted_fen) AS extracted, sum(paid_out_fen) AS paid, sum(forfeited_fen) AS forfeited,
         sum(exchanged_fen) AS exchanged, sum(undistributed_fen) AS undistributed FROM register_money`,
    )).rows[0]!;
    const sum = (pick: (d: (typeof days)[number]) => number) => days.reduce((a, d) => a + pick(d), 0);
    expect(sum((d) => d.salesFen)).toBe(money.sales);
    expect(sum((d) => d.extractedFen)).toBe(money.extracted);
    expect(sum((d) => d.paidOutFen)).toBe(money.paid);
    expect(sum((d) => d.forfeitedFen)).toBe(money.forfeited);
    expect(sum((d) => d.exchangedFen)).toBe(money.exchanged);
    expect(money.paid).toBeGreaterThan(0);
    expect(money.forfeited).toBeGreaterThan(0);
    // Seven trading days, each with sales; the other store has none.
    expect(days.filter((d) => d.salesFen > 0).length).toBe(7);
    const other = await liabilityDays(db, 'S002', NOW, 30);
    expect(other.every((d) => d.salesFen === 0 && d.owedFen === 0)).toBe(true);
  }, 120_000);
});
