/**
 * The console's first page (is every store's data here, and what do we owe):
 * the alliance's totals and its day-by-day chart, each store's liability with
 * e/r as a plain sentence and the tail's wait, and the registers that need a
 * look. `storePage` is the same for one store, with its registers.
 */
import type { Queryable } from '../db/adapter';
import { storesPage, type StoreLiability } from '../admin/reads';
import { liabilityChart } from './chart';
import type { DaysCache } from './days';
import { count, esc, page, percent, when, yuan, type Shell } from './html';
import { allianceCoverage, consoleRegisters, isSilent, registerState, waitingText, type ConsoleRegister } from './reads';

export const CHART_DAYS = 30;

/** e/r as a plain sentence (no raw ratio units on the screen). */
export function coverageSentence(coverageBp: number | null): string {
  if (coverageBp === null) return '还没有足够的销售和返利记录，无法判断。';
  const ratio = `${Math.floor(coverageBp / 10_000)}.${String(Math.floor((coverageBp % 10_000) / 100)).padStart(2, '0')}`;
  return coverageBp >= 10_000
    ? `抽成与返利承诺之比 ${ratio}：按目前的抽成，承诺给顾客的返利都付得出。`
    : `抽成与返利承诺之比 ${ratio}：按目前的抽成，承诺的返利付不完，排在后面的顾客可能永远等不到，请调低返利比例或提高抽成。`;
}

const tail = (days: number | null) => (days === null ? '—' : `约 ${days} 天`);

function totalsCard(stores: StoreLiability[], alliance: { coverageBp: number | null; tailWaitDays: number | null }): string {
  const sum = (pick: (s: StoreLiability) => number) => stores.reduce((a, s) => a + pick(s), 0);
  const sales = sum((s) => s.salesFen);
  const extracted = sum((s) => s.extractedFen);
  return `<div class="card totals" data-test="alliance-totals">
<div>尚欠顾客<b>${yuan(sum((s) => s.owedFen))}</b></div><div>已返给顾客<b>${yuan(sum((s) => s.paidOutFen))}</b></div>
<div>已作废<b>${yuan(sum((s) => s.forfeitedFen))}</b></div><div>未分配<b>${yuan(sum((s) => s.undistributedFen))}</b></div>
<div>销售额<b>${yuan(sales)}</b></div><div>抽成<b>${yuan(extracted)}</b><span class="muted">${sales > 0 ? `占销售额 ${percent(Math.floor((extracted * 10_000) / sales))}` : ''}</span></div>
<div>排队中<b>${count(sum((s) => s.waitingEntries))} 笔</b></div><div>队尾需等<b>${tail(alliance.tailWaitDays)}</b></div></div>
<div class="card ${alliance.coverageBp !== null && alliance.coverageBp < 10_000 ? 'warn' : ''}" data-test="alliance-coverage">全联盟：${esc(coverageSentence(alliance.coverageBp))}</div>`;
}

function storeRow(s: StoreLiability): string {
  return `<tr data-test="store-row"><td><a href="/console/store?id=${encodeURIComponent(s.storeId)}">${esc(s.name)}</a></td><td>${count(s.registers)}</td><td>${count(s.waitingEntries)}</td>
<td>${yuan(s.owedFen)}</td><td>${yuan(s.paidOutFen)}</td><td>${yuan(s.forfeitedFen)}</td><td>${yuan(s.undistributedFen)}</td><td>${yuan(s.salesFen)}</td>
<td>${tail(s.tailWaitDays)}</td><td class="l ${s.coverageBp !== null && s.coverageBp < 10_000 ? 'warn' : ''}">${esc(coverageSentence(s.coverageBp))}</td></tr>`;
}

const STORE_HEAD = `<thead><tr><th>门店</th><th>收银台</th><th>排队笔数</th><th>尚欠</th><th>已返</th><th>已作废</th><th>未分配</th><th>销售额</th><th>队尾需等</th><th class="l">付得出吗</th></tr></thead>`;

/** The registers' sync state; silent ones highlighted. */
export function registerRows(registers: ConsoleRegister[], now: number, withStore = true): string {
  return registers
    .map((r) => {
      const silent = isSilent(r, now);
      const state = registerState(r);
      const contact =
        state === 'live' ? (r.lastSeenAt === null && !silent ? '已登记，等待第一次联系' : `${when(r.lastSeenAt)}${silent ? '（超过一天没有联系）' : ''}`) : state === 'revoked' ? '已停用' : state === 'awaiting' ? `登记码待使用（${when(r.codeExpiresAt)}前有效）` : '还没有登记';
      return `<tr data-test="register-row" class="${silent ? 'silent' : ''}"><td>${withStore ? `${esc(r.storeName)} · ` : ''}${esc(r.registerId)} 号收银台</td><td>${count(r.lastSeq)}</td><td>${when(r.lastSyncAt)}</td>
<td class="${silent ? 'warn' : state === 'revoked' ? 'muted' : ''}" data-test="register-contact">${contact}</td><td class="${(r.outboxWaiting ?? 0) > 0 ? 'pending' : ''}" data-test="outbox-waiting">${waitingText(r, now)}</td><td class="${r.batchRefusals > 0 ? 'warn' : ''}" data-test="batch-refusals">${count(r.batchRefusals)}</td><td class="${r.refusals > 0 ? 'warn' : ''}">${count(r.refusals)}</td></tr>`;
    })
    .join('');
}

const REGISTER_HEAD = `<thead><tr><th>收银台</th><th>已收到的记录</th><th>最后同步</th><th>最后联系</th><th>收银台上待上传</th><th>被拒的上传</th><th>拒收的推送</th></tr></thead>`;
const REGISTER_NOTE = `<p class="muted">“已收到的记录”是联盟服务器保存的该收银台的记录条数；“收银台上待上传”是收银台最后一次联系时自己报告的、还没传上来的记录条数（旧版收银台不报告，显示“未报告”）。超过一天没有联系的收银台标为红色。“被拒的上传”是服务器拒收的批次（原因见“门店与收银台”页），“拒收的推送”是收银台拒收的设置或会员推送。</p>`;

export async function overviewPage(db: Queryable, shell: Shell, now: number, cache: DaysCache): Promise<string> {
  const stores = await storesPage(db, '', 1000, now);
  const registers = await consoleRegisters(db, now);
  const days = await cache.get(db, null, now, CHART_DAYS);
  const silent = registers.filter((r) => isSilent(r, now));
  return page(
    '联盟控制台',
    `<h1>总览与负债</h1>${totalsCard(stores, await allianceCoverage(db, now))}
${liabilityChart(days, `全联盟最近 ${CHART_DAYS} 天`)}
<h2>各门店的返利负债</h2><div class="card"><table>${STORE_HEAD}
<tbody>${stores.map(storeRow).join('') || '<tr><td colspan="10" class="l muted">还没有门店。</td></tr>'}</tbody></table>
<p class="muted">“队尾需等”：按最近 7 天的抽成速度，排在最后的顾客还要等多久才能拿满返利。点门店名看它每天的负债。图表的数字每分钟更新一次。</p></div>
<h2>收银台同步情况</h2><div class="card">${silent.length > 0 ? `<p class="warn" data-test="silent-summary">${silent.length} 台收银台超过一天没有联系，请联系门店检查网络和收银台。</p>` : '<p class="ok">所有已登记的收银台一天内都联系过。</p>'}
<table class="wrap" data-test="sync-table">${REGISTER_HEAD}<tbody>${registerRows(registers, now) || '<tr><td colspan="7" class="l muted">还没有收银台。</td></tr>'}</tbody></table>${REGISTER_NOTE}</div>`,
    shell,
  );
}

export async function storePage(db: Queryable, shell: Shell, storeId: string, now: number, cache: DaysCache): Promise<string | null> {
  const store = (await storesPage(db, '', 1000, now)).find((s) => s.storeId === storeId);
  if (!store) return null;
  const registers = await consoleRegisters(db, now, storeId);
  const days = await cache.get(db, storeId, now, CHART_DAYS);
  return page(
    `${store.name} · 联盟控制台`,
    `<h1>${esc(store.name)}</h1><div class="card totals" data-test="store-totals">
<div>尚欠顾客<b>${yuan(store.owedFen)}</b></div><div>已返给顾客<b>${yuan(store.paidOutFen)}</b></div><div>已作废<b>${yuan(store.forfeitedFen)}</b></div>
<div>未分配<b>${yuan(store.undistributedFen)}</b></div><div>销售额<b>${yuan(store.salesFen)}</b></div><div>队尾需等<b>${tail(store.tailWaitDays)}</b></div></div>
<div class="card ${store.coverageBp !== null && store.coverageBp < 10_000 ? 'warn' : ''}" data-test="coverage">${esc(coverageSentence(store.coverageBp))}</div>
${liabilityChart(days, `${store.name}最近 ${CHART_DAYS} 天`)}
<h2>本店收银台</h2><div class="card"><table class="wrap" data-test="sync-table">${REGISTER_HEAD}<tbody>${registerRows(registers, now, false) || '<tr><td colspan="7" class="l muted">还没有收银台。</td></tr>'}</tbody></table>${REGISTER_NOTE}</div>
<p><a href="/console">回到总览</a></p>`,
    shell,
  );
}
