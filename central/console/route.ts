/**
 * The alliance console (issue 14 §3): server-rendered zh-CN pages of the
 * central service for the operator — is every store's data here, and what do
 * we owe; registers enrolled and revoked; base settings authored and pushed;
 * members looked up. No script, no external asset.
 *
 *   GET  /console                     login form, or (signed in) totals, chart, stores, registers
 *   POST /console/login               token=<admin credential>  → session cookie
 *   POST /console/logout
 *   GET  /console/store?id=S          one store's liability, chart and registers
 *   GET  /console/registers           stores and registers, with their actions
 *   POST /console/stores/add          store, name
 *   POST /console/registers/code      store, register → a one-time enrolment code, 303 to …
 *   GET  /console/registers/code?id=T  … the page that shows it, once (code-once.ts)
 *   GET  /console/registers/revoke    the confirmation page;  POST … confirm=yes → revoked
 *   GET  /console/audit               who did what, when
 *   (base settings and members: central/console/settings-page.ts, members-page.ts)
 *
 * The admin credential is typed once; the browser then holds only a random
 * session id in a cookie that scripts cannot read (HttpOnly) and that no
 * other site's page can send (SameSite=Strict). Every state-changing request
 * must also carry the session's CSRF token (a hidden form field) and, when
 * the browser sends one, an Origin of this very service: a request with the
 * cookie but without both changes nothing. Sessions live in this instance's
 * memory for 8 hours: with several instances behind a balancer, sign in
 * again when sent to another.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { adminForToken } from '../auth/registry';
import type { SqlDb } from '../db/adapter';
import { RateLimiter } from '../http/rate-limit';
import { auditPage } from './audit-page';
import { DaysCache } from './days';
import { esc, page, send, type Shell } from './html';
import { membersAction, membersPage, type MembersOptions } from './members-page';
import { overviewPage, storePage } from './overview';
import { CodesShownOnce } from './code-once';
import { addStoreAction, enrolmentCodeAction, enrolmentCodePage, registersPage, revokeAction, revokeConfirmPage, type ActionResult } from './registers';
import { settingsPage, settingsAction } from './settings-page';

export { coverageSentence } from './overview';
export { SILENT_AFTER_MS } from './reads';

const COOKIE = 'qrc_console';
const SESSION_MS = 8 * 60 * 60 * 1000;
const MAX_FORM_BYTES = 64 * 1024;

interface Session {
  admin: string;
  csrf: string;
  until: number;
  /** A message for the next page (after a redirect). */
  flash?: { text: string; bad?: boolean };
  /** Enrolment codes made and not yet shown (each shown once, on the GET after the POST). */
  codes: CodesShownOnce;
}

/**
 * Where to go after signing in: the console page the operator asked for when
 * the session had run out (a path of this console only — never another site,
 * nor `//host`), else the overview.
 */
export function afterLogin(next: string | null | undefined): string {
  return next && /^\/console(\/[A-Za-z0-9/_-]*)?(\?[A-Za-z0-9=&%._:-]*)?$/.test(next) && next !== '/console/login' && next !== '/console/logout' ? next : '/console';
}

function loginPage(error?: string, next = ''): string {
  return page(
    '联盟控制台 · 登录',
    `<h1>联盟控制台</h1><div class="card"><form method="post" action="/console/login">${next && next !== '/console' ? `<input type="hidden" name="next" value="${esc(next)}">` : ''}
<label for="token">管理员凭证（由服务器管理员生成，每位操作员一个）</label><input id="token" class="wide" name="token" type="password" autocomplete="off" autofocus${error ? ' aria-invalid="true" aria-describedby="login-error"' : ''}>
${error ? `<p class="warn" id="login-error" role="alert" data-test="login-error">${esc(error)}</p>` : ''}<button type="submit">登录</button></form></div>`,
  );
}

/** Reads an urlencoded form; refuses (413) a body past MAX_FORM_BYTES rather than cutting it. */
async function readForm(req: http.IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sessionId(req: http.IncomingMessage): string | null {
  const match = /(?:^|;\s*)qrc_console=([0-9a-f]{64})(?:;|$)/.exec(req.headers.cookie ?? '');
  return match?.[1] ?? null;
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The console page a form was sent from (the pages send Referer to their own origin only): where to return after signing in again. */
function refererPath(req: http.IncomingMessage): string | null {
  try {
    const referer = new URL(req.headers.referer ?? '');
    return referer.host === req.headers.host ? `${referer.pathname}${referer.search}` : null;
  } catch {
    return null;
  }
}

/** A browser sends Origin with every POST; when present it must be this service (the Host it was asked under). */
function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export interface ConsoleOptions {
  /** Turns a typed phone into the alliance's keyed digest; absent: lookup by phone is off (the page says how to turn it on). */
  phoneDigest?: MembersOptions['phoneDigest'];
}

export class Console {
  private readonly sessions = new Map<string, Session>();
  private readonly limiter = new RateLimiter(10, 5);
  private readonly days = new DaysCache();
  /** Phone lookups per operator: enough for a help desk, too few to walk through numbers. */
  private readonly lookups = new RateLimiter(20, 10);

  constructor(
    private readonly db: SqlDb,
    private readonly secure: boolean,
    private readonly options: ConsoleOptions = {},
  ) {}

  /** Answers a /console request; false when the path is not one. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, now: number): Promise<boolean> {
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
    const cookieFlags = `HttpOnly; SameSite=Strict; Path=/console${this.secure ? '; Secure' : ''}`;
    // "/console/" as typed into an address bar is the overview, and so are the login and logout addresses
    // when opened (a bookmark, the address bar after a refused login): they answered 没有这个页面 or 请先登录.
    if (req.method === 'GET' && ['/console/', '/console/login', '/console/logout'].includes(url.pathname)) {
      send(res, 303, '', { location: '/console' });
      return true;
    }
    if (req.method === 'POST' && !sameOrigin(req)) {
      send(res, 403, page('联盟控制台', '<h1>请求被拒绝</h1><p>这个请求不是从联盟控制台自己的页面发出的，没有做任何改动。</p><p><a href="/console">回到控制台</a></p>'));
      return true;
    }
    if (req.method === 'POST' && url.pathname === '/console/login') {
      const login = await readForm(req);
      const next = afterLogin(login?.get('next'));
      if (!this.limiter.take(req.socket.remoteAddress ?? 'unknown', now)) {
        send(res, 429, loginPage('尝试次数太多，请一分钟后再试。', next));
        return true;
      }
      const token = login?.get('token')?.trim() ?? '';
      const admin = token ? await adminForToken(this.db, token) : null;
      if (!admin) {
        send(res, 401, loginPage('这个凭证不对，或已被撤销。', next));
        return true;
      }
      const id = randomBytes(32).toString('hex');
      this.sessions.set(id, { admin, csrf: randomBytes(32).toString('hex'), until: now + SESSION_MS, codes: new CodesShownOnce() });
      send(res, 303, '', { location: next, 'set-cookie': `${COOKIE}=${id}; Max-Age=${SESSION_MS / 1000}; ${cookieFlags}` });
      return true;
    }
    const id = sessionId(req);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || session.until < now) {
      if (id) this.sessions.delete(id);
      // Nothing of the console without a session: GETs get the login form, anything else is refused.
      if (req.method === 'GET' && url.pathname === '/console') send(res, 200, loginPage());
      else if (req.method === 'GET') send(res, 401, loginPage('请先登录；登录后回到这一页。', afterLogin(`${url.pathname}${url.search}`)));
      else send(res, 401, loginPage('登录已过期，请重新登录；刚才的操作没有执行，登录后回到刚才那一页重新操作。', afterLogin(refererPath(req))));
      return true;
    }
    let form: URLSearchParams | null = null;
    if (req.method === 'POST') {
      form = await readForm(req);
      if (!form) {
        send(res, 413, page('联盟控制台', `<h1>提交的内容太长</h1><p>一次最多提交 ${MAX_FORM_BYTES / 1024} KB，没有做任何改动。请回到刚才的页面，把填的内容改短后再提交。</p><p><a href="/console">回到控制台</a></p>`));
        return true;
      }
      if (!sameText(form.get('csrf') ?? '', session.csrf)) {
        send(res, 403, page('联盟控制台', '<h1>请求被拒绝</h1><p>这个页面已过期或不是从控制台发出的，没有做任何改动。请回到控制台重新操作。</p><p><a href="/console">回到控制台</a></p>'));
        return true;
      }
      if (url.pathname === '/console/logout') {
        this.sessions.delete(id!);
        send(res, 303, '', { location: '/console', 'set-cookie': `${COOKIE}=; Max-Age=0; ${cookieFlags}` });
        return true;
      }
    }
    const flash = session.flash;
    session.flash = undefined;
    const shell = (current: Shell['current']): Shell => ({ admin: session.admin, csrf: session.csrf, current, flash });
    const done = (result: ActionResult, back: string, onError: (error: string, field?: string) => Promise<string>) => this.finish(res, session, result, back, onError);
    const key = `${req.method} ${url.pathname}`;
    switch (key) {
      case 'GET /console':
        send(res, 200, await overviewPage(this.db, shell('overview'), now, this.days));
        return true;
      case 'GET /console/store': {
        const html = await storePage(this.db, shell('overview'), url.searchParams.get('id') ?? '', now, this.days);
        send(res, html ? 200 : 404, html ?? notFound(shell('overview'), '没有这个门店', '链接里的门店可能输错了，或门店已不在联盟里。请从总览的门店列表点进去。'));
        return true;
      }
      case 'GET /console/registers':
        send(res, 200, await registersPage(this.db, shell('registers'), now));
        return true;
      case 'POST /console/stores/add':
        await done(await addStoreAction(this.db, session.admin, form!, now), '/console/registers', async (error, field) =>
          registersPage(this.db, shell('registers'), now, { error, field, storeId: form!.get('store') ?? '', storeName: form!.get('name') ?? '' }),
        );
        return true;
      case 'POST /console/registers/code': {
        // Post/Redirect/Get: the code is shown by the GET it redirects to, so a reload never posts the form again.
        const made = await enrolmentCodeAction(this.db, session.admin, form!, now);
        const result: ActionResult = made.ok ? { ok: true, location: `/console/registers/code?id=${session.codes.keep(made.made, now)}` } : made;
        await done(result, '/console/registers', async (error, field) =>
          registersPage(this.db, shell('registers'), now, { error, field, storeId: form!.get('store') ?? '', registerId: form!.get('register') ?? '' }),
        );
        return true;
      }
      case 'GET /console/registers/code': {
        const ticket = url.searchParams.get('id') ?? '';
        const shown = enrolmentCodePage(shell('registers'), /^[0-9a-f]{32}$/.test(ticket) ? session.codes.take(ticket, now) : null);
        send(res, shown.status, shown.html);
        return true;
      }
      case 'GET /console/registers/revoke': {
        const html = await revokeConfirmPage(this.db, shell('registers'), url.searchParams.get('store') ?? '', url.searchParams.get('register') ?? '', now);
        send(res, html ? 200 : 404, html ?? notFound(shell('registers'), '没有这台收银台', '链接里的收银台可能输错了。请从“门店与收银台”的列表里点“停用…”。'));
        return true;
      }
      case 'POST /console/registers/revoke':
        await done(await revokeAction(this.db, session.admin, form!, now), '/console/registers', async (error, field) => {
          // Not ticked: the confirmation page again, the error under its box; a register that is gone: the list.
          const again = field ? await revokeConfirmPage(this.db, shell('registers'), form!.get('store') ?? '', form!.get('register') ?? '', now, error) : null;
          return again ?? registersPage(this.db, shell('registers'), now, { error });
        });
        return true;
      case 'GET /console/settings':
        send(res, 200, await settingsPage(this.db, shell('settings'), url.searchParams.get('store') ?? '', now));
        return true;
      case 'POST /console/settings': {
        const result = await settingsAction(this.db, session.admin, form!, now);
        const target = form!.get('target') ?? '';
        await done(result, `/console/settings${target ? `?store=${encodeURIComponent(target)}` : ''}`, async (error) =>
          settingsPage(this.db, shell('settings'), target, now, { error, errors: result.errors, form: form! }),
        );
        return true;
      }
      case 'GET /console/members':
        send(res, 200, await membersPage(this.db, shell('members'), now, this.options));
        return true;
      case 'POST /console/members/levels':
      case 'POST /console/members/lookup': {
        if (key === 'POST /console/members/lookup' && !this.lookups.take(session.admin, now)) {
          send(res, 429, await membersPage(this.db, shell('members'), now, this.options, { error: '查找太频繁了（每分钟最多 20 次），请一分钟后再试；没有查找。', field: 'phone' }));
          return true;
        }
        const result = await membersAction(this.db, session.admin, key === 'POST /console/members/levels' ? 'levels' : 'lookup', form!, now, this.options, shell('members'));
        await done(result, '/console/members', async (error, field) => membersPage(this.db, shell('members'), now, this.options, { error, field, names: form! }));
        return true;
      }
      case 'GET /console/audit':
        send(res, 200, await auditPage(this.db, shell('audit'), now, /^\d{1,15}$/.test(url.searchParams.get('before') ?? '') ? Number(url.searchParams.get('before')) : undefined));
        return true;
      default:
        send(res, 404, notFound(shell(null)));
        return true;
    }
  }

  /** After an action: its own page (a lookup's answer), or on to its page (a code shown once) or back with a flash; an error re-renders the form, nothing changed. */
  private async finish(res: http.ServerResponse, session: Session, result: ActionResult, back: string, onError: (error: string, field?: string) => Promise<string>): Promise<void> {
    if (!result.ok) return send(res, 400, await onError(result.error, result.field));
    if (result.html) return send(res, 200, result.html);
    session.flash = result.flash ? { text: result.flash } : undefined;
    send(res, 303, '', { location: result.location ?? back });
  }
}

/** A request that failed inside (the database away, a bug): a page in Chinese with what to do, not the service's JSON error. */
export function sendConsoleFailure(res: http.ServerResponse, status: number): void {
  send(
    res,
    status,
    page(
      '联盟控制台 · 出错了',
      `<h1>服务器出错了</h1><div class="card"><p data-test="failure">${status >= 500 ? '联盟服务器这次没能完成请求（多半是数据库暂时连不上）。' : '这个请求没能完成。'}刚才的操作可能没有生效：请稍后刷新页面看看；一直出错请联系服务器管理员查看服务器日志。</p><p><a href="/console">回到控制台</a></p></div>`,
    ),
  );
}

/** Not found, signed in: with the navigation, so a keyboard user goes on from the first Tab. */
const notFound = (shell: Shell, title = '没有这个页面', hint = '地址可能输错了。请用上面的导航。') =>
  page(`${title} · 联盟控制台`, `<h1>${title}</h1><p data-test="not-found">${hint}</p><p><a href="/console">回到总览</a></p>`, shell);
