/**
 * The customer's queue page as an outsider meets it (plain HTTP on PGlite,
 * the HTML checked): when the figures are true as of stands first, and a
 * sync older than a day says the figures may be behind; an entry that left
 * the queue unpaid says what became of the rest and shows no progress bar
 * stuck short of 100%; a code not found can be typed again on the page
 * (a GET form, no script); too many requests: 429 in Chinese with Retry-After.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkout, createQueue } from '../../shared/engine/engine';
import { MemoryQueueStore } from '../../shared/engine/memory-store';
import type { QueueEvent } from '../../shared/engine/types';
import { formatLookupCode } from '../../shared/lookup-code';
import type { SettingsLayer } from '../../shared/settings';
import { MESSAGES } from '../../shared/sync/protocol';
import { Cleanup } from '../sync/helpers';
import { stopSharedPostgres } from './databases';
import { T0, engineDay, enrolled, rawClient, serviceOn, testLookupCode, toWire } from './fixtures';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

const HOUR = 3_600_000;

async function store(pageRatePerMinute = 1000, orderPrefix = 'o') {
  let clock = T0 + HOUR;
  const { db, service } = await serviceOn('PGlite', cleanup, { now: () => clock, pageRatePerMinute });
  const token = await enrolled(db, 'S1', 'R1');
  await db.query("UPDATE stores SET name = '人民路店' WHERE id = 'S1'");
  const socket = await rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'R1', token });
  const day = engineDay('q1', 16, orderPrefix);
  expect(await socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: toWire(day.events) })).toMatchObject({ ok: true });
  // A walk-in's order on another queue of the register: paid, no rebate (no entry).
  const walkIn = walkInCheckout('q2', 'register-1-20261102-000042');
  expect(await socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: toWire(walkIn, day.events.length + 1) })).toMatchObject({ ok: true });
  socket.close();
  const code = (state: string) => testLookupCode(`q1:${day.entries.find((e) => e.state === state)!.orderId}`);
  const get = async (path: string) => {
    const res = await fetch(`${service.url}${path}`);
    return { status: res.status, headers: res.headers, body: await res.text() };
  };
  return { db, get, code, day, walkInCode: testLookupCode('q2:walk-in'), advance: (ms: number) => (clock += ms) };
}

/** The engine's events for one order of a customer who is not a member: no entry (非会员不参与), with the register's 查询码 added. */
function walkInCheckout(queueId: string, orderId: string): QueueEvent[] {
  const queue = new MemoryQueueStore();
  queue.transaction(() => createQueue(queue, queueId, { base: { extractionBp: 2000, defaultRatioBp: 10000 } as unknown as SettingsLayer, cashier: {} as SettingsLayer }, T0));
  let n = 0;
  const ctx = { store: queue, queueId, timezone: 'Asia/Shanghai', random: { int: () => 0 }, newEventId: () => `${queueId}-walk-in-${++n}` };
  queue.transaction(() => checkout(ctx, { orderId, at: T0 + 30 * 60_000, memberId: null, amountDueFen: 5_000 }));
  expect(queue.listEntries(queueId)).toHaveLength(0);
  return queue.outbox.map((e) => (e.type === 'order.checkout' ? { ...e, payload: { ...e.payload, lookupCode: testLookupCode(`${queueId}:walk-in`) } } : e));
}

describe('the queue page as an outsider meets it (PGlite)', () => {
  it('puts the as-of time first and says so plainly when the store has not synced for over a day', async () => {
    const { get, code, advance } = await store();
    const waiting = formatLookupCode(code('waiting'));
    let page = await get(`/q/${waiting}`);
    expect(page.body).toMatch(/<h1>人民路店<\/h1><p class="asof" data-test="as-of">数据截至 2026\/11\/02 11:00<\/p><div class="card">/);
    expect(page.body).not.toContain('data-test="stale"');

    advance(20 * HOUR);
    expect((await get(`/q/${waiting}`)).body).not.toContain('data-test="stale"');
    advance(6 * HOUR);
    page = await get(`/q/${waiting}`);
    expect(page.body).toContain('门店收银台已经 26 小时没有同步了');
    advance(3 * 24 * HOUR);
    page = await get(`/q/${waiting}`);
    expect(page.body).toContain('门店收银台已经 4 天没有同步了');
    expect(page.body).toContain('以门店收银台的为准');
    // A finished entry cannot move: no warning there.
    expect((await get(`/q/${code('completed')}`)).body).not.toContain('data-test="stale"');
  }, 120_000);

  it('names the receipt it is about: its 单号 and time as printed, or the 查询码\'s last 4 characters', async () => {
    // Order ids as the register makes them (register-1-20261102-000001 …): the receipt prints 单号 1-20261102-0001.
    const { get, code, day } = await store(1000, 'register-1-20261102-00000');
    const waiting = day.entries.find((e) => e.state === 'waiting')!;
    const seq = Number(/(\d+)$/.exec(waiting.orderId)![1]);
    let body = (await get(`/q/${code('waiting')}`)).body;
    expect(body).toContain(`<div class="row" data-test="receipt"><span>单号</span><span>1-20261102-${String(seq).padStart(4, '0')}</span></div>`);
    // The receipt's 时间 (the payment), in the page's format: T0 is 10:00 in Shanghai, one order a minute.
    expect(body).toContain(`<span>结账时间</span><span>2026/11/02 10:${String(seq).padStart(2, '0')}</span>`);
    // An order id of another form is not shown (it would be Latin on a Chinese page): the 查询码's tail instead.
    const other = await store(1000, 'o');
    const tail = formatLookupCode(other.code('waiting')).slice(-4);
    body = (await other.get(`/q/${other.code('waiting')}`)).body;
    expect(body).toContain(`<div class="row" data-test="receipt"><span>查询码尾号</span><span>${tail}</span></div>`);
    expect(body).not.toMatch(/>o\d+</);
  }, 120_000);

  it('gives an order with no rebate the same as-of time, stale note and receipt', async () => {
    const { get, walkInCode, advance } = await store();
    let page = await get(`/q/${formatLookupCode(walkInCode)}`);
    expect(page.body).toContain('这笔订单没有排队返利');
    expect(page.body).toMatch(/<h1>人民路店<\/h1><p class="asof" data-test="as-of">数据截至 2026\/11\/02 11:00<\/p><div class="card">/);
    expect(page.body).toContain('<div class="row" data-test="receipt"><span>单号</span><span>1-20261102-0042</span></div>');
    expect(page.body).toContain('<span>结账时间</span><span>2026/11/02 10:30</span>');
    expect(page.body).toContain('以上为门店 2026/11/02 11:00 同步时的情况');
    expect(page.body).not.toContain('data-test="stale"');
    advance(3 * 24 * HOUR);
    page = await get(`/q/${walkInCode}`);
    expect(page.body).toContain('门店收银台已经 3 天没有同步了。这期间这笔订单如果有变动（例如退款），这里还看不到；以门店收银台的为准。');
    expect(page.body.replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]*>/g, '')).not.toMatch(/[A-Za-z]{3,}/);
  }, 120_000);

  it('says what became of an entry that left the queue unpaid, without a progress bar stuck short', async () => {
    const { get, code } = await store();
    const cancelled = (await get(`/q/${code('cancelled')}`)).body;
    expect(cancelled).toContain('已取消（订单已退款）');
    expect(cancelled).toContain('订单已退款，还没返的部分已作废，这笔不再排队');
    expect(cancelled).not.toContain('返还进度');
    const exchanged = (await get(`/q/${code('exchanged')}`)).body;
    expect(exchanged).toContain('已在门店兑换');
    expect(exchanged).not.toContain('返还进度');
    // Waiting and completed keep their bar.
    expect((await get(`/q/${code('completed')}`)).body).toMatch(/返还进度<\/span><b>100%<\/b>/);
    expect((await get(`/q/${code('waiting')}`)).body).toContain('返还进度');
  }, 120_000);

  it('lets a code not found be typed again on the page, and answers the form like the address', async () => {
    const { get, code } = await store();
    const unknown = await get('/q/0000-0000-0000');
    expect(unknown.body).toContain('没有找到这个查询码');
    expect(unknown.body).toMatch(/<form class="code" method="get" action="\/q\/"><label class="sr" for="code">查询码<\/label><input id="code" name="code"/);
    expect(unknown.body).not.toMatch(/<script/i);
    const typed = await get(`/q/?code=${encodeURIComponent(formatLookupCode(code('waiting')).toLowerCase())}`);
    expect(typed.status).toBe(200);
    expect(typed.body).toContain('<h1>人民路店</h1>');
    expect(typed.body).toContain('排队中');
    // A wrong code typed: the same page as any unknown one; a malformed escape too.
    for (const wrong of ['/q/?code=hello', '/q/?code=0000-0000-0000', '/q/%ZZ']) expect(await get(wrong), wrong).toMatchObject({ status: 200, body: unknown.body });
    // No code at all (the bare address, the form sent empty): asked for one, not told it was not found.
    for (const bare of ['/q', '/q/', '/q/?code=', '/q/?code=%20%20']) {
      const page = await get(bare);
      expect(page.status, bare).toBe(200);
      expect(page.body, bare).toContain('请输入小票上的查询码');
      expect(page.body, bare).not.toContain('没有找到');
      expect(page.body, bare).toContain('<form class="code" method="get" action="/q/">');
    }
  }, 120_000);

  it('answers in Chinese when it fails inside (a database error), never with an English error', async () => {
    const { db, get, code } = await store();
    // (The test databases share one PGlite: a table gone stands for the database failing.)
    await db.query('ALTER TABLE orders RENAME TO orders_away');
    const page = await get(`/q/${code('waiting')}`);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('暂时查不到');
    expect(page.body).toContain('请过几分钟再打开这一页');
    expect(page.body.replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]*>/g, '')).not.toMatch(/[A-Za-z]{3,}/);
  }, 120_000);

  it('answers too many requests in Chinese, with when to try again', async () => {
    const { get } = await store(30);
    let limited: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      const page = await get('/q/0000-0000-0000');
      if (page.status === 429) limited = page;
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get('retry-after')).toBe('60');
    expect(limited!.body).toContain('请一分钟后再试');
    expect(limited!.body.replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]*>/g, '')).not.toMatch(/[A-Za-z]{3,}/);
  }, 120_000);
});
