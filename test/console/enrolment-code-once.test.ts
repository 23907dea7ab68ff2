/**
 * The enrolment code page is safe to reload (Post/Redirect/Get, over plain
 * HTTP on PGlite): the form's POST makes one code (one audit line) and
 * redirects; the GET shows it once; a reload, the back button or another
 * session never shows it again and never makes another — it says in
 * Chinese that the code was shown once and how to make a new one.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SqlDb } from '../../central/db/adapter';
import { stopSharedPostgres } from '../central/databases';
import { Cleanup } from '../sync/helpers';
import { alliance, signIn } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

async function made(db: SqlDb) {
  const q = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
  return { codes: await q('SELECT count(*) AS n FROM enrolment_codes'), audit: await q(`SELECT count(*) AS n FROM console_audit WHERE action = 'enrolment-code'`) };
}

const CODE = /data-test="enrolment-code">([0-9A-Z-]+)</;
const visibleText = (html: string) => html.replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]*>/g, ' ');

describe('the enrolment code page (PGlite)', () => {
  it('makes the code on the POST, shows it once on the GET it redirects to, and a reload never shows it again nor makes another', async () => {
    const { db, service, admin } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    const before = await made(db);

    const posted = await http.post('/console/registers/code', { csrf: http.csrf, store: 'S001', register: 'R07' });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(/^\/console\/registers\/code\?id=[0-9a-f]{32}$/);
    expect(await posted.text()).not.toMatch(CODE);
    expect(await made(db)).toEqual({ codes: before.codes + 1, audit: before.audit + 1 });

    const first = await http.get(location);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const html = await first.text();
    const code = CODE.exec(html)?.[1];
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(html).toContain('它只显示这一次');
    expect(html).toContain('data-test="back-to-registers"');

    // A reload (and the back button, which GETs it again: no-store): said in Chinese, the code never again, no new one.
    for (let i = 0; i < 2; i++) {
      const again = await http.get(location);
      expect(again.status).toBe(200);
      const page = await again.text();
      expect(page).not.toContain(code);
      expect(page).not.toMatch(CODE);
      expect(page).toContain('人民路店 · R07 号收银台的登记码已经显示过了');
      expect(page).toContain('这个登记码已经显示过一次，不会再显示');
      expect(page).toContain('不会生成新的');
      // How to make a new one: a button (a POST of its own, never the reload) and where the row's button is.
      expect(page).toMatch(/<form method="post" action="\/console\/registers\/code" class="inline"><input type="hidden" name="csrf" value="[0-9a-f]{64}"><input type="hidden" name="store" value="S001"><input type="hidden" name="register" value="R07"><button type="submit" data-test="new-code-again">/);
      expect(page).toContain('在这台收银台的一行按“生成登记码”');
      expect(visibleText(page).replace(/\bR\d+\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    }
    expect(await made(db)).toEqual({ codes: before.codes + 1, audit: before.audit + 1 });

    // The code shown once still works, once.
    const enrol = await fetch(`${service.url}/enrol`, { method: 'POST', body: JSON.stringify({ code }), headers: { 'content-type': 'application/json' } });
    expect(enrol.status).toBe(200);

    // Another operator's session (or this one after signing in again) cannot open it.
    const other = await signIn(service.url, admin);
    const elsewhere = await other.get(location);
    expect(elsewhere.status).toBe(404);
    const page = await elsewhere.text();
    expect(page).toContain('登记码只显示一次');
    expect(page).toContain('在那台收银台的一行按“生成登记码”');
    expect(page).not.toMatch(CODE);
    // Nor can a made-up ticket, nor none.
    for (const path of ['/console/registers/code?id=' + '0'.repeat(32), '/console/registers/code?id=nonsense', '/console/registers/code']) {
      const res = await http.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toMatch(CODE);
    }
    expect(await made(db)).toEqual({ codes: before.codes + 1, audit: before.audit + 1 });
  }, 120_000);

  it('does not show a code that was not opened within 10 minutes, and says so', async () => {
    const { db, service, admin, advance } = await alliance('PGlite', cleanup);
    const http = await signIn(service.url, admin);
    const posted = await http.post('/console/registers/code', { csrf: http.csrf, store: 'S002', register: 'R02' });
    const location = posted.headers.get('location')!;
    const codes = (await made(db)).codes;
    advance(11 * 60_000);
    const late = await http.get(location);
    expect(late.status).toBe(200);
    const page = await late.text();
    expect(page).not.toMatch(CODE);
    expect(page).toContain('解放路店 · R02 号收银台的登记码已不再显示');
    expect(page).toContain('生成后 10 分钟内没有打开，为了安全已经不再显示');
    expect(page).toContain('data-test="new-code-again"');
    expect((await made(db)).codes).toBe(codes);
  }, 120_000);
});
