/**
 * The console's page shell and formats: zh-CN, no script, no external asset,
 * a strict Content-Security-Policy. Money from integer fen as ¥1,234.50,
 * ratios from integer bp as 12.5%, times in Asia/Shanghai — never a raw id,
 * an epoch or JSON on the screen.
 */
import type http from 'node:http';
import { shanghaiTime, yuan } from '../page/render';
import { groupDigits } from '../../shared/money';

export { yuan };

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** bp → "12.5%" (exact, integer arithmetic). */
export function percent(bp: number): string {
  const sign = bp < 0 ? '-' : '';
  const abs = Math.abs(bp);
  const whole = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${rest === 0 ? whole : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`}%`;
}

/** bp → "12.5" (the percent text a form field holds). */
export function percentField(bp: number): string {
  return percent(bp).replace('%', '');
}

/** Percent text with at most two decimals → bp, by string arithmetic ("12.5" → 1250); null when it is not one. */
export function parsePercent(text: string): number | null {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?\s*%?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** A count with thousands separators, as money is shown: 1234567 → "1,234,567" (records, entries, members). */
export const count = (n: number) => groupDigits(String(n));

export const when = (ms: number | null) => (ms === null ? '从未' : shanghaiTime(ms));

const STYLE = `
body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1f2329}
main{max-width:1180px;margin:0 auto;padding:16px 24px 40px}
h1{font-size:22px;margin:4px 0 12px}h2{font-size:18px;margin:22px 0 8px}h3{font-size:16px;margin:14px 0 6px}
nav{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:10px;align-items:center}
nav a{padding:6px 12px;border-radius:6px;color:#1f2329;text-decoration:none;background:#fff;border:1px solid #dfe2e6}
nav a[aria-current=page]{background:#1f5fbf;color:#fff;border-color:#1f5fbf}
nav form{margin-left:auto}
a:focus,button:focus,input:focus,select:focus,summary:focus{outline:3px solid #f0a000;outline-offset:1px}
[aria-invalid=true]{border:2px solid #b00020;border-radius:3px}
.card{background:#fff;border-radius:10px;padding:16px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.06);overflow-x:auto}
td.actions button{font-size:14px;padding:4px 10px}td.actions a{margin-left:6px}table.wrap td{white-space:normal}table.wrap td.l{min-width:160px}table.wrap td.actions{white-space:nowrap}
/* A register's name on two lines, not four, and the row's actions still in the card at 1024 wide (measured in Chromium). */
table.wrap td:first-child{min-width:7.5em}table.wrap td,table.wrap th{padding:7px 3px}td.t{text-align:left}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{padding:7px 6px;border-bottom:1px solid #eef0f3;text-align:right;white-space:nowrap}
th:first-child,td:first-child,th.l,td.l{text-align:left}td.l{white-space:normal;min-width:220px}th{color:#646a73;font-weight:500}
tr.silent td{background:#fff1f0}
.warn{color:#b00020;font-weight:600}.ok{color:#2e7d32;font-weight:600}.muted{color:#646a73}.pending{color:#a15c00}
.totals{display:flex;gap:24px;flex-wrap:wrap}.totals div{min-width:140px}.totals b{display:block;font-size:20px}
input,select{font-size:15px;padding:6px 8px;box-sizing:border-box}input.wide{width:100%}
button{font-size:15px;padding:6px 16px;cursor:pointer}button.danger{background:#b00020;color:#fff;border:0;border-radius:6px}
.grid{display:grid;grid-template-columns:220px 1fr;gap:8px 16px;align-items:center}
.grid .err{grid-column:2;color:#b00020;font-size:14px;margin-top:-4px}.err{color:#b00020;font-size:14px}
.flash{background:#e8f5e9;border:1px solid #a5d6a7;padding:10px 14px;border-radius:8px;margin-bottom:12px}
.flash.bad{background:#fdecea;border-color:#f5a3a3}
.code{font-family:"Noto Sans Mono","DejaVu Sans Mono",monospace;font-size:26px;letter-spacing:2px;background:#f4f5f7;padding:10px 14px;border-radius:8px;display:inline-block}
.inline{display:inline}
svg text{font-family:inherit;font-size:12px}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
.sr{position:absolute;left:-10000px}`;

export interface Shell {
  admin: string;
  csrf: string;
  /** The nav entry to mark as the current page. */
  current: 'overview' | 'registers' | 'settings' | 'members' | 'audit' | null;
  flash?: { text: string; bad?: boolean };
}

const NAV: [Shell['current'], string, string][] = [
  ['overview', '/console', '总览与负债'],
  ['registers', '/console/registers', '门店与收银台'],
  ['settings', '/console/settings', '基础设置'],
  ['members', '/console/members', '会员'],
  ['audit', '/console/audit', '操作记录'],
];

/** A hidden CSRF field for a state-changing form of this session. */
export const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${esc(csrf)}">`;

export function page(title: string, body: string, shell?: Shell): string {
  const nav = shell
    ? `<nav aria-label="控制台导航">${NAV.map(([key, href, label]) => `<a href="${href}"${key === shell.current ? ' aria-current="page"' : ''}>${label}</a>`).join('')}
<span class="muted">操作员：${esc(shell.admin)}</span><form method="post" action="/console/logout" class="inline">${csrfField(shell.csrf)}<button type="submit" data-test="logout">退出</button></form></nav>
${shell.flash ? `<div class="flash${shell.flash.bad ? ' bad' : ''}" role="status" data-test="flash">${esc(shell.flash.text)}</div>` : ''}`
    : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${nav}${body}</main></body></html>`;
}

export function send(res: http.ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with the console's own forms.
    'referrer-policy': 'same-origin',
    ...headers,
  });
  res.end(html);
}

/**
 * A field after a refused submit: marked invalid, described by its error and
 * given the focus (`autofocus`, so a keyboard user is on it again without
 * tabbing through the page; one per page: the first field in error).
 */
export function invalidAttrs(id: string, error: string | undefined, focus: boolean): string {
  return error ? ` aria-invalid="true" aria-describedby="err-${id}"${focus ? ' autofocus' : ''}` : '';
}

/** The error under its field (the forms' grid puts it in the field's column). */
export const fieldError = (id: string, error: string | undefined) => (error ? `<span class="err" id="err-${id}" role="alert" data-test="field-error">${esc(error)}</span>` : '');

/** A register's name for a person: 人民路店 · R01 号收银台. */
export const registerLabel = (storeName: string, registerId: string) => `${esc(storeName)} · ${esc(registerId)} 号收银台`;
