/**
 * The alliance console (issue 14 §3, first part): a server-rendered zh-CN page
 * of the central service for the operator — is every store's data here, and
 * what do we owe. No script, no external asset.
 *
 *   GET  /console          the login form, or (signed in) stores, registers, liability
 *   POST /console/login    token=<admin credential>  → session cookie
 *   POST /console/logout
 *
 * The admin credential is typed once; the browser then holds only a random
 * session id in a cookie that scripts cannot read (HttpOnly) and that no
 * other site's page can send (SameSite=Strict, so no cross-site form can act
 * as the operator). Sessions live in this instance's memory for 8 hours: with
 * several instances behind a balancer, sign in again when sent to another.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { adminForToken } from '../auth/registry';
import type { SqlDb } from '../db/adapter';
import { RateLimiter } from '../http/rate-limit';
import { registersPage, storesPage, type StoreLiability } from '../admin/reads';
import { shanghaiTime, yuan } from '../page/render';

const COOKIE = 'qrc_console';
const SESSION_MS = 8 * 60 * 60 * 1000;
/** A register not heard from for this long is flagged (a day's trading without sync). */
export const SILENT_AFTER_MS = 24 * 60 * 60 * 1000;
const PAGE_LIMIT = 1000;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1f2329}
main{max-width:1180px;margin:0 auto;padding:20px 24px}
h1{font-size:22px;margin:4px 0 16px}h2{font-size:18px;margin:24px 0 8px}
.card{background:#fff;border-radius:10px;padding:16px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{padding:8px 6px;border-bottom:1px solid #eef0f3;text-align:right;white-space:nowrap}
th:first-child,td:first-child,th.l,td.l{text-align:left}td.l{white-space:normal;min-width:260px}th{color:#646a73;font-weight:500}
.warn{color:#b00020;font-weight:600}.ok{color:#2e7d32}.muted{color:#646a73}
.totals{display:flex;gap:24px;flex-wrap:wrap}.totals div{min-width:150px}.totals b{display:block;font-size:20px}
input{font-size:16px;padding:8px;width:100%;box-sizing:border-box}button{font-size:16px;padding:8px 20px;margin-top:10px}
form.out{float:right}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function send(res: http.ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(html);
}

/** e/r as a plain sentence (no raw ratio units on the screen). */
export function coverageSentence(coverageBp: number | null): string {
  if (coverageBp === null) return '还没有足够的销售和返利记录，无法判断。';
  const ratio = `${Math.floor(coverageBp / 10_000)}.${String(Math.floor((coverageBp % 10_000) / 100)).padStart(2, '0')}`;
  return coverageBp >= 10_000
    ? `抽成与返利承诺之比 ${ratio}：按目前的抽成，承诺给顾客的返利都付得出。`
    : `抽成与返利承诺之比 ${ratio}：按目前的抽成，承诺的返利付不完，排在后面的顾客可能永远等不到，请调低返利比例或提高抽成。`;
}

const when = (ms: number | null) => (ms === null ? '从未' : shanghaiTime(ms));

function loginPage(error?: string): string {
  return page(
    '联盟控制台 · 登录',
    `<h1>联盟控制台</h1><div class="card"><form method="post" action="/console/login">
<label for="token">管理员凭证（由 admin add-admin 生成）</label><input id="token" name="token" type="password" autocomplete="off" autofocus>
${error ? `<p class="warn" data-test="login-error">${esc(error)}</p>` : ''}<button type="submit">登录</button></form></div>`,
  );
}

async function consolePage(db: SqlDb, admin: string, now: number): Promise<string> {
  const stores = await storesPage(db, '', PAGE_LIMIT, now);
  const registers = await registersPage(db, 0, PAGE_LIMIT);
  const refusals = new Map(
    (await db.query<{ register: number; n: number }>('SELECT register, count(*) AS n FROM push_results WHERE NOT ok GROUP BY register')).rows.map((r) => [r.register, r.n]),
  );
  const sum = (pick: (s: StoreLiability) => number) => stores.reduce((a, s) => a + pick(s), 0);
  const total = { owed: sum((s) => s.owedFen), paid: sum((s) => s.paidOutFen), forfeited: sum((s) => s.forfeitedFen), undistributed: sum((s) => s.undistributedFen), sales: sum((s) => s.salesFen) };
  const storeRows = stores
    .map(
      (s) => `<tr data-test="store-row"><td>${esc(s.name)}</td><td>${s.registers}</td><td>${s.waitingEntries}</td>
<td>${yuan(s.owedFen)}</td><td>${yuan(s.paidOutFen)}</td><td>${yuan(s.forfeitedFen)}</td><td>${yuan(s.undistributedFen)}</td><td>${yuan(s.salesFen)}</td>
<td>${s.tailWaitDays === null ? '—' : `${s.tailWaitDays} 天`}</td><td class="l ${s.coverageBp !== null && s.coverageBp < 10_000 ? 'warn' : ''}">${esc(coverageSentence(s.coverageBp))}</td></tr>`,
    )
    .join('');
  const storeName = new Map(stores.map((s) => [s.storeId, s.name]));
  const registerRows = registers
    .map((r) => {
      const silent = r.lastSeenAt === null || now - r.lastSeenAt > SILENT_AFTER_MS;
      const refused = refusals.get(r.cursor) ?? 0;
      return `<tr data-test="register-row"><td>${esc(storeName.get(r.storeId) ?? r.storeId)} · ${esc(r.registerId)} 号收银台</td><td>${r.lastSeq}</td><td>${when(r.lastSyncAt)}</td>
<td class="${silent ? 'warn' : ''}">${when(r.lastSeenAt)}${silent ? '（超过一天没有联系）' : ''}</td><td class="${refused > 0 ? 'warn' : ''}">${refused}</td></tr>`;
    })
    .join('');
  return page(
    '联盟控制台',
    `<form class="out" method="post" action="/console/logout"><button type="submit">退出</button></form>
<h1>联盟控制台 <span class="muted">（${esc(admin)}）</span></h1>
<div class="card totals" data-test="alliance-totals">
<div>尚欠顾客<b>${yuan(total.owed)}</b></div><div>已返给顾客<b>${yuan(total.paid)}</b></div><div>已作废<b>${yuan(total.forfeited)}</b></div>
<div>未分配<b>${yuan(total.undistributed)}</b></div><div>销售额<b>${yuan(total.sales)}</b></div></div>
<h2>各门店的返利负债</h2><div class="card"><table><thead><tr><th>门店</th><th>收银台</th><th>排队人数</th><th>尚欠</th><th>已返</th><th>已作废</th><th>未分配</th><th>销售额</th><th>队尾需等</th><th class="l">付得出吗</th></tr></thead>
<tbody>${storeRows || '<tr><td colspan="10" class="l muted">还没有门店。</td></tr>'}</tbody></table></div>
<h2>收银台同步情况</h2><div class="card"><table><thead><tr><th>收银台</th><th>已收到的记录</th><th>最后同步</th><th>最后联系</th><th>拒收的推送</th></tr></thead>
<tbody>${registerRows || '<tr><td colspan="5" class="l muted">还没有收银台。</td></tr>'}</tbody></table>
<p class="muted">“已收到的记录”是联盟服务器保存的该收银台的记录条数；收银台上还没上传的记录在收银台的状态栏里显示。超过一天没有联系的收银台标为红色。</p></div>`,
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 4096) break;
  }
  return new URLSearchParams(text);
}

function sessionId(req: http.IncomingMessage): string | null {
  const match = /(?:^|;\s*)qrc_console=([0-9a-f]{64})(?:;|$)/.exec(req.headers.cookie ?? '');
  return match?.[1] ?? null;
}

export class Console {
  private readonly sessions = new Map<string, { admin: string; until: number }>();
  private readonly limiter = new RateLimiter(10, 5);

  constructor(
    private readonly db: SqlDb,
    private readonly secure: boolean,
  ) {}

  /** Answers a /console request; false when the path is not one. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, now: number): Promise<boolean> {
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
    const cookieFlags = `HttpOnly; SameSite=Strict; Path=/console${this.secure ? '; Secure' : ''}`;
    if (req.method === 'POST' && url.pathname === '/console/login') {
      if (!this.limiter.take(req.socket.remoteAddress ?? 'unknown', now)) {
        send(res, 429, loginPage('尝试次数太多，请一分钟后再试。'));
        return true;
      }
      const token = (await readForm(req)).get('token')?.trim() ?? '';
      const admin = token ? await adminForToken(this.db, token) : null;
      if (!admin) {
        send(res, 401, loginPage('这个凭证不对，或已被撤销。'));
        return true;
      }
      const id = randomBytes(32).toString('hex');
      this.sessions.set(id, { admin, until: now + SESSION_MS });
      send(res, 303, '', { location: '/console', 'set-cookie': `${COOKIE}=${id}; Max-Age=${SESSION_MS / 1000}; ${cookieFlags}` });
      return true;
    }
    const id = sessionId(req);
    const session = id ? this.sessions.get(id) : undefined;
    if (req.method === 'POST' && url.pathname === '/console/logout') {
      if (id) this.sessions.delete(id);
      send(res, 303, '', { location: '/console', 'set-cookie': `${COOKIE}=; Max-Age=0; ${cookieFlags}` });
      return true;
    }
    if (req.method !== 'GET' || url.pathname !== '/console') {
      send(res, 404, page('联盟控制台', '<h1>没有这个页面</h1><p><a href="/console">回到控制台</a></p>'));
      return true;
    }
    if (!session || session.until < now) {
      if (id) this.sessions.delete(id);
      send(res, 200, loginPage());
      return true;
    }
    send(res, 200, await consolePage(this.db, session.admin, now));
    return true;
  }
}
