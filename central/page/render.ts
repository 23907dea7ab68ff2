/**
 * The queue page's HTML: a small, self-contained mobile page in zh-CN (no
 * script, no external asset), money as ¥1,234.50, times in Asia/Shanghai.
 */
import { groupDigits } from '../../shared/money';
import type { LookupResult, QueueEntryView, ReceiptMark } from './lookup';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Integer fen → ¥1,234.50 (no floats). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = groupDigits(Math.floor(abs / 100).toString());
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

const timeFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
export const shanghaiTime = (ms: number) => timeFormat.format(new Date(ms));

const STATE_TEXT: Record<QueueEntryView['state'], string> = {
  waiting: '排队中',
  completed: '已全部返还',
  exchanged: '已兑换',
  cleared: '已清零（门店定期重置）',
  cancelled: '已取消（订单已退款）',
  points: '已转为积分',
};

const STYLE = `
body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1f2329}
main{max-width:480px;margin:0 auto;padding:20px 16px}
h1{font-size:20px;margin:4px 0 16px}
.card{background:#fff;border-radius:12px;padding:16px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.row{display:flex;justify-content:space-between;align-items:baseline;padding:8px 0;border-bottom:1px solid #f0f1f3;font-size:16px}
.row:last-child{border-bottom:0}
.row b{font-size:20px}
.state{display:inline-block;padding:2px 10px;border-radius:999px;background:#e8f3ff;color:#1664ff;font-size:14px}
.bar{height:10px;background:#eef0f3;border-radius:5px;overflow:hidden;margin:8px 0 4px}
.bar i{display:block;height:100%;background:#1664ff}
.note{color:#646a73;font-size:13px;line-height:1.6}
.sr{position:absolute;left:-10000px}
.asof{color:#646a73;font-size:14px;margin:-8px 0 12px}
.stale{background:#fff4e5;border:1px solid #f5c37a;color:#7a4a00;border-radius:10px;padding:10px 12px;font-size:14px;line-height:1.6;margin-bottom:12px}
.ended{color:#646a73;font-size:14px;line-height:1.6;margin:8px 0 0}
form.code{display:flex;gap:8px;margin-top:8px}
form.code input{flex:1;min-width:0;font-size:17px;padding:8px 10px;border:1px solid #c9cdd4;border-radius:8px;letter-spacing:1px}
form.code button{font-size:16px;padding:8px 16px;border:0;border-radius:8px;background:#1664ff;color:#fff}
input:focus,button:focus{outline:3px solid #f0a000;outline-offset:1px}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** A form to type the code from the receipt (a GET to /q/?code=…, answered like /q/<code>): no script needed. */
const CODE_FORM = `<form class="code" method="get" action="/q/"><label class="sr" for="code">查询码</label><input id="code" name="code" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="小票上的查询码"><button type="submit">查询</button></form>`;

export const UNKNOWN_PAGE = page(
  '排队进度查询',
  `<h1>排队进度查询</h1><div class="card"><p>没有找到这个查询码的排队记录。</p>
<p class="note">请核对小票上的查询码（如 K7QH-2M9D-X4TB），在下面重新输入（不区分大小写，短横线可加可不加）。刚结账的订单要等收银台同步后才能查到，请稍后再试；仍有疑问请询问门店收银台。</p>${CODE_FORM}</div>`,
);

export const ENTER_CODE_PAGE = page(
  '排队进度查询',
  `<h1>排队进度查询</h1><div class="card"><p>请输入小票上的查询码。</p>
<p class="note">查询码印在小票的排队返利部分（如 K7QH-2M9D-X4TB），不区分大小写，短横线可加可不加。扫小票上的二维码也能直接打开。</p>${CODE_FORM}</div>`,
);

export const FAILURE_PAGE = page('排队进度查询', '<h1>排队进度查询</h1><div class="card"><p>暂时查不到。</p><p class="note">查询服务这会儿出了问题，你的排队不受影响。请过几分钟再打开这一页；急需了解请询问门店收银台。</p></div>');

export const TOO_MANY_PAGE = page('排队进度查询', '<h1>排队进度查询</h1><div class="card"><p>查询太频繁了。</p><p class="note">为了保护大家的排队信息，同一网络每分钟只能查询有限次数。请一分钟后再试；急需了解请询问门店收银台。</p></div>');

/** The register has not synced for this long: the page says its figures may be behind (the console's "silent" mark, too). */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** How long ago, in words a customer reads: "3 天", "5 小时". */
function agoText(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  return hours >= 48 ? `${Math.floor(hours / 24)} 天` : `${hours} 小时`;
}

/** What happened to the rest of an entry that left the queue without being paid in full. */
const ENDED_TEXT: Partial<Record<QueueEntryView['state'], string>> = {
  exchanged: '剩下没返的部分已在门店兑换（换成积分或券），这笔不再排队。',
  cleared: '门店定期清零时，还没返的部分已作废，这笔不再排队；已经返给你的不受影响。',
  cancelled: '订单已退款，还没返的部分已作废，这笔不再排队；已经返给你的不受影响。',
  points: '这笔返利已按门店规则转为积分，不参与现金排队。',
};

/**
 * Which receipt this is, first in the card, in the receipt's own words: its
 * 单号 and 时间 (a customer with several receipts matches them), or, for an
 * order number that is not digits, the 查询码's last 4 characters.
 */
function receiptRows(r: ReceiptMark): string {
  const which = r.orderNumber !== null ? `<span>单号</span><span>${esc(r.orderNumber)}</span>` : `<span>查询码尾号</span><span>${esc(r.codeTail)}</span>`;
  return `<div class="row" data-test="receipt">${which}</div><div class="row"><span>结账时间</span><span>${shanghaiTime(r.paidAt)}</span></div>`;
}

/** The store's name, when the figures are true as of, and (a sync older than a day) a plain note that they may be behind. */
function header(storeName: string, asOf: number, now: number, staleNote: string | null): string {
  const stale =
    staleNote !== null && asOf > 0 && now - asOf > STALE_AFTER_MS
      ? `<div class="stale" role="status" data-test="stale">门店收银台已经 ${agoText(now - asOf)}没有同步了。${staleNote}以门店收银台的为准。</div>`
      : '';
  return `<h1>${esc(storeName)}</h1><p class="asof" data-test="as-of">数据截至 ${asOf > 0 ? shanghaiTime(asOf) : '—'}</p>${stale}`;
}

const asOfNote = (asOf: number) => (asOf > 0 ? `以上为门店 ${shanghaiTime(asOf)} 同步时的情况` : '门店尚未同步');

/** `now`: the service's clock, to tell a customer when the store's figures may be behind. */
export function renderLookup(result: LookupResult, now: number): string {
  if (result.kind === 'unknown') return UNKNOWN_PAGE;
  if (result.kind === 'no-entry') {
    // Nothing to wait for, but the order itself may have changed since (a refund): the same as-of time and stale note.
    return page(
      '排队进度查询',
      `${header(result.storeName, result.asOf, now, '这期间这笔订单如果有变动（例如退款），这里还看不到；')}<div class="card">${receiptRows(result.receipt)}<p>这笔订单没有排队返利。</p><p class="note">原因见小票上的说明；如有疑问请询问门店收银台。</p></div>
<p class="note">${asOfNote(result.asOf)}，之后的变化要等下次同步才会显示。</p>`,
    );
  }
  const v = result.view;
  const rows: string[] = [
    receiptRows(v.receipt),
    `<div class="row"><span>状态</span><span class="state">${STATE_TEXT[v.state]}</span></div>`,
    `<div class="row"><span>应返金额</span><b>${yuan(v.entitlementFen)}</b></div>`,
  ];
  if (v.display.totalReceived) rows.push(`<div class="row"><span>已返金额</span><b>${yuan(v.receivedFen)}</b></div>`);
  if (v.pendingFen !== null) rows.push(`<div class="row"><span>尚待返还</span><b>${yuan(v.pendingFen)}</b></div>`);
  let progress = '';
  // The progress bar is received ÷ entitlement: it would tell what totalReceived hides.
  // Only while it can still move or when it is done: a bar stuck short of 100% on a finished entry reads as a wait.
  if (v.display.queueProgress && v.display.totalReceived && (v.state === 'waiting' || v.state === 'completed')) {
    progress = `<div class="card"><div class="row" style="border:0"><span>返还进度</span><b>${v.progressPercent}%</b></div>
<div class="bar"><i style="width:${v.progressPercent}%"></i></div></div>`;
  }
  if (v.placeNow !== null) rows.push(`<div class="row"><span>当前排位</span><b>第 ${v.placeNow} 位</b></div>`);
  if (v.aheadFen !== null) rows.push(`<div class="row"><span>前方待返金额</span><b>${yuan(v.aheadFen)}</b></div>`);
  const ended = ENDED_TEXT[v.state];
  // A finished entry cannot move: the stale note only while it waits.
  const staleNote = v.state === 'waiting' ? '这期间如果门店有新的订单，你的返还可能已经前进，这里还看不到；' : null;
  return page(
    '排队进度查询',
    `${header(v.storeName, v.asOf, now, staleNote)}<div class="card">${rows.join('')}${ended ? `<p class="ended" data-test="ended">${ended}</p>` : ''}</div>${progress}
<p class="note">${asOfNote(v.asOf)}，之后的变化要等下次同步才会显示。入队时间 ${shanghaiTime(v.joinedAt)}。返还按排队顺序进行，不承诺到账日期。</p>`,
  );
}
