/**
 * The console's forms as a keyboard user meets them after a refused submit
 * (plain HTTP, the HTML checked): the error in Chinese right under the field
 * it concerns, that field marked invalid, described by the error and focused
 * (`autofocus`, one per page), what was typed kept (never a phone number),
 * and nothing changed. The forms are `novalidate`, so the message is always
 * the service's Chinese one next to the field, whatever the browser's language.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stopSharedPostgres } from '../central/databases';
import { Cleanup } from '../sync/helpers';
import { afterLogin } from '../../central/console/route';
import managerZh from '../../renderer/i18n/manager.zh-CN';
import { alliance, signIn } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

/** The opening tag of the element with this id. */
function tag(html: string, id: string): string {
  const found = new RegExp(`<(input|select)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html);
  if (!found) throw new Error(`no field #${id} on the page`);
  return found[0];
}

/** The field is marked, described by its error, focused, and its error follows it (before the next field). */
function expectErrorAt(html: string, id: string, words: string): void {
  const field = tag(html, id);
  expect(field).toContain('aria-invalid="true"');
  expect(field).toContain(`aria-describedby="err-${id}"`);
  expect(field).toMatch(/\bautofocus\b/);
  let after = html.slice(html.indexOf(field) + field.length);
  if (field.startsWith('<select')) after = after.slice(after.indexOf('</select>') + '</select>'.length);
  // (A checkbox's own label text may come between.)
  const error = new RegExp(`^(?:[^<]*</label>)?(?:<br>)?<span class="err" id="err-${id}" role="alert"[^>]*>([^<]*)</span>`).exec(after);
  expect(error, `the error right after #${id}`).not.toBeNull();
  expect(error![1]).toContain(words);
  // One focused field per page; no other field marked.
  expect(html.match(/\bautofocus\b/g)).toHaveLength(1);
  expect(html.match(/aria-invalid="true"/g)).toHaveLength(1);
}

describe('the console forms after a refused submit (PGlite)', () => {
  it('puts each error under its field, with the focus there, and changes nothing', async () => {
    const { db, service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
    const stores = await count('SELECT count(*) AS n FROM stores');
    const codes = await count('SELECT count(*) AS n FROM enrolment_codes');

    // The registers page: its forms leave checking to the service (Chinese, next to the field).
    const registers = await (await http.get('/console/registers')).text();
    expect(registers.match(/<form method="post" action="\/console\/(stores\/add|registers\/code)" class="grid" novalidate>/g)).toHaveLength(2);
    // Each row's buttons say which register they act on.
    expect(registers).toContain('aria-label="生成登记码：人民路店 · R01 号收银台"');
    expect(registers).toContain('aria-label="停用人民路店 · R01 号收银台…"');

    let res = await http.post('/console/stores/add', { csrf: http.csrf, store: '人民 店', name: '中山路店' });
    expect(res.status).toBe(400);
    let html = await res.text();
    expectErrorAt(html, 'store-id', '门店编号只能由字母、数字');
    expect(tag(html, 'store-name')).toContain('value="中山路店"');
    expect(html).not.toContain('data-test="form-error"');

    html = await (await http.post('/console/stores/add', { csrf: http.csrf, store: 'S001', name: '中山路店' })).text();
    expectErrorAt(html, 'store-id', '这个门店编号已经有了');
    html = await (await http.post('/console/stores/add', { csrf: http.csrf, store: 'S009', name: '' })).text();
    expectErrorAt(html, 'store-name', '请填写门店名称');
    expect(tag(html, 'store-id')).toContain('value="S009"');

    html = await (await http.post('/console/registers/code', { csrf: http.csrf, store: 'S001', register: '收银台一' })).text();
    expectErrorAt(html, 'reg-id', '收银台编号只能由字母、数字');
    html = await (await http.post('/console/registers/code', { csrf: http.csrf, store: 'S404', register: 'R05' })).text();
    expectErrorAt(html, 'reg-store', '请选择一个已有的门店');
    expect(tag(html, 'reg-id')).toContain('value="R05"');

    // Revoke without the box ticked: the confirmation page again, the error under the box.
    const confirm = await (await http.get('/console/registers/revoke?store=S001&register=R01')).text();
    expect(confirm).toMatch(/<form method="post" action="\/console\/registers\/revoke" novalidate>/);
    res = await http.post('/console/registers/revoke', { csrf: http.csrf, store: 'S001', register: 'R01' });
    expect(res.status).toBe(400);
    html = await res.text();
    expect(html).toContain('停用人民路店 · R01 号收银台？');
    expectErrorAt(html, 'revoke-confirm', '没有勾选');
    expect(await count('SELECT count(*) AS n FROM register_tokens WHERE revoked_at IS NOT NULL')).toBe(0);

    // A phone that is not one: the error under the field, the number not sent back.
    html = await (await http.post('/console/members/lookup', { csrf: http.csrf, phone: '12345678' })).text();
    expectErrorAt(html, 'phone', '请输入 11 位手机号');
    expect(html).not.toContain('12345678');
    expect(html).toMatch(/<form method="post" action="\/console\/members\/lookup" class="grid" autocomplete="off" novalidate>/);
    // After an answer the field is focused again, empty, for the next number.
    html = await (await http.post('/console/members/lookup', { csrf: http.csrf, phone: '13900000000' })).text();
    expect(html).toContain('没有找到这个手机号的会员');
    expect(tag(html, 'phone')).toMatch(/\bautofocus\b/);
    expect(tag(html, 'phone')).not.toContain('aria-invalid');
    expect(html).not.toContain('13900000000');

    // A level's new name too long: the error under that level's field, the names typed kept.
    await db.query(`INSERT INTO members (id, phone_digest, level, display_name, masked_phone, created_at) VALUES ('R01-M1', NULL, 'gold', '王*', '138****8000', 1), ('R01-M2', NULL, 'normal', '李*', '139****9000', 1)`);
    html = await (await http.post('/console/members/levels', { csrf: http.csrf, 'name:gold': '金'.repeat(21), 'name:normal': '普通贵宾' })).text();
    expectErrorAt(html, 'level-name-0', '最多 20 个字');
    expect(tag(html, 'level-name-1')).toContain('value="普通贵宾"');

    // Base settings: every wrong field marked, the first one focused.
    res = await http.post('/console/settings', { csrf: http.csrf, target: '', extractionBp: '15', defaultRatioBp: 'abc', autoCompleteMinutes: '1.5' });
    expect(res.status).toBe(400);
    html = await res.text();
    const ratio = tag(html, 'f-defaultRatioBp');
    expect(ratio).toContain('aria-invalid="true"');
    expect(ratio).toMatch(/\bautofocus\b/);
    const minutes = tag(html, 'f-autoCompleteMinutes');
    expect(minutes).toContain('aria-describedby="err-f-autoCompleteMinutes"');
    expect(minutes).not.toMatch(/\bautofocus\b/);
    expect(tag(html, 'f-extractionBp')).not.toContain('aria-invalid');
    expect(html.match(/\bautofocus\b/g)).toHaveLength(1);
    expect(html).toMatch(/id="err-f-defaultRatioBp" role="alert"[^>]*>请填百分数/);

    expect(await count('SELECT count(*) AS n FROM stores')).toBe(stores);
    expect(await count('SELECT count(*) AS n FROM enrolment_codes')).toBe(codes);
    expect(await count(`SELECT count(*) AS n FROM pushes WHERE message = 'sync:base-settings'`)).toBe(0);
  }, 120_000);

  it('shows the keyboard focus on every control a page has, the chart\'s table toggle included', async () => {
    const { service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    const html = await (await http.get('/console')).text();
    expect(html).toContain('<summary>');
    const focusRule = /([^{}]+)\{outline:3px solid/.exec(html)?.[1] ?? '';
    for (const control of ['a', 'button', 'input', 'select', 'summary']) expect(focusRule.split(',').map((s) => s.trim())).toContain(`${control}:focus`);
  }, 120_000);
});

describe('the registers table at 1024 wide (PGlite)', () => {
  it('keeps a register\'s name readable and puts each "无" under its own heading', async () => {
    const { service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    const html = await (await http.get('/console/registers')).text();
    // The name column keeps room for "人民路店 · R01" (it wrapped to four lines); the padding pays for it.
    expect(html).toContain('table.wrap td:first-child{min-width:7.5em}');
    // The refusal columns' headings are left-aligned: so are their cells, "无" too.
    const row = /<tr data-test="manage-row"[^>]*><td>人民路店 · R01 号收银台<\/td>[\s\S]*?<\/tr>/.exec(html)![0];
    expect(row).toContain('<td class="t" data-test="batch-refusal-text">无</td>');
    expect(row).toContain('<td class="t" data-test="push-refusal-text">无</td>');
    // The overview's and a store's sync tables wrap their long cells: at 1024 wide the refusal columns were scrolled out of the card.
    for (const path of ['/console', '/console/store?id=S002']) expect(await (await http.get(path)).text(), path).toContain('<table class="wrap" data-test="sync-table">');
  }, 120_000);
});

describe('counts and pages not found (PGlite)', () => {
  it('writes counts with thousands separators, as money is, and answers a wrong link with the navigation and what to do', async () => {
    const { db, service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    await db.query(`UPDATE registers SET last_seq = 1234567 WHERE store_id = 'S001' AND register_id = 'R01'`);
    await db.query(`UPDATE register_refusals SET refusals = 1200, expected_seq = 1234568`);
    const overview = await (await http.get('/console')).text();
    expect(overview).toContain('号收银台</td><td>1,234,567</td>');
    expect(overview).toContain('data-test="batch-refusals">1,200</td>');
    const registers = await (await http.get('/console/registers')).text();
    expect(registers).toContain('<td>1,234,567</td>');
    expect(registers).toContain('1,200 次；');
    expect(registers).toContain('服务器在等第 1,234,568 条');
    expect(await (await http.get('/console/registers/revoke?store=S001&register=R01')).text()).toContain('已经收到的 1,234,567 条记录保留');

    for (const [path, title] of [
      ['/console/store?id=S404', '没有这个门店'],
      ['/console/registers/revoke?store=S001&register=R404', '没有这台收银台'],
      ['/console/nowhere', '没有这个页面'],
    ] as const) {
      // (The overview typed with a slash is the overview.)
      if (path === '/console/nowhere') for (const typed of ['/console/', '/console/login', '/console/logout']) expect((await http.get(typed)).headers.get('location'), typed).toBe('/console');
      const res = await http.get(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html, path).toContain(`<h1>${title}</h1>`);
      expect(html, path).toContain('<nav aria-label="控制台导航">');
      expect(html, path).toMatch(/data-test="not-found">[^<]*请/);
    }
  }, 120_000);
});

describe('signing in again (PGlite)', () => {
  it('returns to the page asked for when the session had run out, and never to another site', async () => {
    const { service, admin } = await alliance('PGlite', cleanup);
    const asked = await fetch(`${service.url}/console/settings?store=S002`, { redirect: 'manual' });
    expect(asked.status).toBe(401);
    const form = await asked.text();
    expect(form).toContain('<input type="hidden" name="next" value="/console/settings?store=S002">');
    expect(form).toContain('请先登录；登录后回到这一页。');
    const login = (fields: Record<string, string>) => fetch(`${service.url}/console/login`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    let res = await login({ token: admin, next: '/console/settings?store=S002' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/settings?store=S002');
    res = await login({ token: admin, next: '//evil.example/console' });
    expect(res.headers.get('location')).toBe('/console');
    // (Logins are limited to bursts of 5: the rest of the hostile addresses without a login each.)
    for (const next of ['https://evil.example/console', '/consolex', '/console/logout', '/console\\@evil', 'javascript:alert(1)', '/console/audit\nSet-Cookie: x=1']) expect(afterLogin(next), next).toBe('/console');
    expect(afterLogin('/console/store?id=S001')).toBe('/console/store?id=S001');
    // A form sent after the session ran out: back to the page it was sent from (same origin only).
    const form2 = async (referer: string) =>
      (await fetch(`${service.url}/console/settings`, { method: 'POST', body: new URLSearchParams({ extractionBp: '15' }), headers: { referer }, redirect: 'manual' })).text();
    expect(await form2(`${service.url}/console/settings?store=S002`)).toContain('<input type="hidden" name="next" value="/console/settings?store=S002">');
    expect(await form2('http://elsewhere.example/console/audit')).not.toContain('name="next"');
    // A wrong credential keeps where to go.
    res = await login({ token: 'wrong', next: '/console/audit' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('name="next" value="/console/audit"');
  }, 120_000);
});

describe('the enrolment code page (PGlite)', () => {
  it("names the code's place on the register in the register's own words, and where the server's address is", async () => {
    const { service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    const made = await http.post('/console/registers/code', { csrf: http.csrf, store: 'S001', register: 'R07' });
    expect(made.status).toBe(303);
    const res = await http.get(made.headers.get('location')!);
    expect(res.status).toBe(200);
    const html = await res.text();
    // The register's manager console says 店长后台 → 门店·打印·同步 → 用注册码接入联盟, and calls it 注册码 (it said "联盟服务器" settings, which do not exist there).
    for (const words of [managerZh.title, managerZh.tabs.details, managerZh.syncEnrol.title, `收银台上叫“${managerZh.syncEnrol.code}”`]) expect(html).toContain(words);
    expect(html).toContain('服务器地址就是你现在打开这个控制台用的网址');
    // No Latin word on the page but the code itself (an address would be one: it is in the browser's address bar).
    const text = html.replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]*>/g, ' ');
    const code = /data-test="enrolment-code">([^<]+)</.exec(html)![1]!;
    expect(text.replace(code, '').replace(/\bR\d+\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
  }, 120_000);
});

describe('the audit trail past a page (PGlite)', () => {
  it('pages back to older lines instead of stopping at the newest 200', async () => {
    const { db, service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    await db.query(`INSERT INTO console_audit (at, admin, action, detail) SELECT $1::bigint + g, '运营小王', 'member-lookup', '{"found":false}'::jsonb FROM generate_series(1, 205) g`, [Date.UTC(2026, 10, 27)]);
    const newest = await (await http.get('/console/audit')).text();
    expect(newest.match(/data-test="audit-row"/g)).toHaveLength(200);
    const older = /<a href="(\/console\/audit\?before=\d+)" data-test="older">更早的记录<\/a>/.exec(newest);
    expect(older).not.toBeNull();
    const page2 = await (await http.get(older![1]!)).text();
    expect(page2.match(/data-test="audit-row"/g)).toHaveLength(5);
    expect(page2).not.toContain('data-test="older"');
    expect(page2).toContain('<a href="/console/audit">回到最新的记录</a>');
  }, 120_000);
});

describe('a failure inside (PGlite)', () => {
  it('is told in Chinese with what to do, on a page and after an action, not as the service\'s English JSON', async () => {
    const { db, service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    // (The test databases share one PGlite: a table gone stands for the database failing.)
    await db.query('ALTER TABLE stores RENAME TO stores_away');
    for (const res of [await http.get('/console'), await http.post('/console/stores/add', { csrf: http.csrf, store: 'S009', name: '新店' })]) {
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('服务器出错了');
      expect(html).toMatch(/data-test="failure">[^<]*请稍后刷新页面看看；一直出错请联系服务器管理员/);
      expect(html).not.toContain('internal error');
    }
  }, 120_000);
});

describe('a form too long (PGlite)', () => {
  it('says how long a form may be and what to do, and changes nothing', async () => {
    const { db, service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    const res = await http.post('/console/stores/add', { csrf: http.csrf, store: 'S009', name: '店'.repeat(30_000) });
    expect(res.status).toBe(413);
    expect((await db.query(`SELECT 1 FROM stores WHERE id = 'S009'`)).rows).toHaveLength(0);
    expect(await res.text()).toContain('一次最多提交 64 KB，没有做任何改动。请回到刚才的页面，把填的内容改短后再提交。');
  }, 120_000);
});
