/**
 * Stores and registers from the console: add a store, make a register's
 * one-time enrolment code (shown once on the GET after the POST, code-once.ts;
 * never stored but as its hash), and
 * revoke a register's token after a confirmation page. Each action is one
 * transaction with its audit line.
 */
import { addRegister, addStore, revokeRegister } from '../auth/registry';
import type { SqlDb } from '../db/adapter';
import { audit } from './audit';
import { CODE_UNSEEN_MS, type CodeTicket, type MadeCode } from './code-once';
import { count, csrfField, esc, fieldError, invalidAttrs, page, registerLabel, when, type Shell } from './html';
import { batchRefusalText } from './refusals';
import { consoleRegisters, isSilent, refusalText, registerState, storeNames, waitingText } from './reads';

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A refused action's `field` is the id of the form field it concerns: the error is shown under it and the field gets the focus. */
export type ActionResult = { ok: true; html?: string; flash?: string; location?: string } | { ok: false; error: string; field?: string };

export interface RegistersForm {
  error?: string;
  field?: string;
  storeId?: string;
  registerId?: string;
  storeName?: string;
}

export async function registersPage(db: SqlDb, shell: Shell, now: number, form: RegistersForm = {}): Promise<string> {
  const registers = await consoleRegisters(db, now);
  const stores = await storeNames(db);
  const rows = registers
    .map((r) => {
      const silent = isSilent(r, now);
      const state = registerState(r);
      const stateText = state === 'live' ? (silent ? '<span class="warn">超过一天没有联系</span>' : r.lastSeenAt === null ? '<span class="pending">已登记，等待第一次联系</span>' : '<span class="ok">正常</span>') : state === 'revoked' ? '<span class="muted">已停用</span>' : state === 'awaiting' ? `<span class="pending">登记码待使用，${when(r.codeExpiresAt)}前有效</span>` : '<span class="pending">还没有登记码</span>';
      const target = `store=${encodeURIComponent(r.storeId)}&amp;register=${encodeURIComponent(r.registerId)}`;
      return `<tr data-test="manage-row" class="${silent ? 'silent' : ''}"><td>${registerLabel(r.storeName, r.registerId)}</td><td>${stateText}</td><td>${when(r.lastSyncAt)}</td><td>${when(r.lastSeenAt)}</td><td>${count(r.lastSeq)}</td><td class="${(r.outboxWaiting ?? 0) > 0 ? 'pending' : ''}">${waitingText(r, now)}</td>
<td class="t${r.batchRefusals > 0 ? ' l warn' : ''}" data-test="batch-refusal-text">${r.batchRefusals > 0 ? `${count(r.batchRefusals)} 次；最近一次 ${when(r.lastBatchAt)}：${esc(batchRefusalText(r.lastBatchCode, r.expectedSeq))}` : '无'}</td>
<td class="t${r.refusals > 0 ? ' l warn' : ''}" data-test="push-refusal-text">${r.refusals > 0 ? `${count(r.refusals)} 次；最近一次 ${when(r.lastRefusalAt)}：${esc(refusalText(r.lastRefusalCode))}` : '无'}</td>
<td class="actions"><form method="post" action="/console/registers/code" class="inline">${csrfField(shell.csrf)}<input type="hidden" name="store" value="${esc(r.storeId)}"><input type="hidden" name="register" value="${esc(r.registerId)}"><button type="submit" data-test="new-code" aria-label="生成登记码：${registerLabel(r.storeName, r.registerId)}">生成登记码</button></form>
${state === 'live' || state === 'awaiting' ? ` <a href="/console/registers/revoke?${target}" data-test="revoke-link" aria-label="停用${registerLabel(r.storeName, r.registerId)}…">停用…</a>` : ''}</td></tr>`;
    })
    .join('');
  const fieldAttrs = (id: string) => invalidAttrs(id, form.field === id ? form.error : undefined, true);
  const fieldMessage = (id: string) => fieldError(id, form.field === id ? form.error : undefined);
  const storeOptions = stores.map((s) => `<option value="${esc(s.id)}"${s.id === form.storeId ? ' selected' : ''}>${esc(s.name)}</option>`).join('');
  return page(
    '门店与收银台 · 联盟控制台',
    `<h1>门店与收银台</h1>
<div class="card"><table class="wrap"><thead><tr><th>收银台</th><th>状态</th><th>最后同步</th><th>最后联系</th><th>已收到的记录</th><th>收银台上待上传</th><th class="l">被拒的上传</th><th class="l">拒收的推送</th><th>操作</th></tr></thead>
<tbody>${rows || '<tr><td colspan="9" class="l muted">还没有收银台。先添加门店，再为它添加收银台。</td></tr>'}</tbody></table>
<p class="muted">登记码只能用一次，7 天内有效。给已登记的收银台生成新登记码并在收银台上使用后，它原来的凭证立即失效（换机器时用）。“停用”让收银台的凭证立即失效，它再也不能上传，直到用新登记码重新登记。“收银台上待上传”是收银台最后一次联系时自己报告的条数。</p></div>
${form.error && !form.field ? `<div class="flash bad" role="alert" data-test="form-error">${esc(form.error)}</div>` : ''}
<h2>添加收银台</h2><div class="card"><form method="post" action="/console/registers/code" class="grid" novalidate>${csrfField(shell.csrf)}
<label for="reg-store">门店</label><select id="reg-store" name="store" required${fieldAttrs('reg-store')}>${storeOptions || '<option value="">（先添加门店）</option>'}</select>${fieldMessage('reg-store')}
<label for="reg-id">收银台编号</label><input id="reg-id" name="register" required maxlength="128" placeholder="例如 R01" value="${esc(form.registerId ?? '')}"${fieldAttrs('reg-id')}>${fieldMessage('reg-id')}
<span></span><span><button type="submit" data-test="add-register">添加并生成登记码</button></span></form></div>
<h2>添加门店</h2><div class="card"><form method="post" action="/console/stores/add" class="grid" novalidate>${csrfField(shell.csrf)}
<label for="store-id">门店编号</label><input id="store-id" name="store" required maxlength="128" placeholder="例如 S003" value="${esc(form.storeName !== undefined ? (form.storeId ?? '') : '')}"${fieldAttrs('store-id')}>${fieldMessage('store-id')}
<label for="store-name">门店名称</label><input id="store-name" name="name" required maxlength="200" placeholder="例如 中山路店" value="${esc(form.storeName ?? '')}"${fieldAttrs('store-name')}>${fieldMessage('store-name')}
<span></span><span><button type="submit" data-test="add-store">添加门店</button></span></form></div>`,
    shell,
  );
}

export async function addStoreAction(db: SqlDb, admin: string, form: URLSearchParams, now: number): Promise<ActionResult> {
  const storeId = form.get('store')?.trim() ?? '';
  const name = form.get('name')?.trim() ?? '';
  if (!ID.test(storeId)) return { ok: false, field: 'store-id', error: '门店编号只能由字母、数字和 . _ : - 组成（1 到 128 个字符）。请改正后再提交，门店没有添加。' };
  if (!name || name.length > 200) return { ok: false, field: 'store-name', error: '请填写门店名称（1 到 200 个字）。门店没有添加。' };
  const exists = await db.query('SELECT 1 FROM stores WHERE id = $1', [storeId]);
  if (exists.rows.length > 0) return { ok: false, field: 'store-id', error: '这个门店编号已经有了，请换一个。门店没有添加。' };
  await db.transaction(async (tx) => {
    await addStore(tx, storeId, name, now);
    await audit(tx, { at: now, admin, action: 'store-added', storeId, detail: { name } });
  });
  return { ok: true, flash: `已添加门店“${name}”。现在可以为它添加收银台。` };
}

/** Makes a one-time code (adding the register when new); the console keeps it to be shown once (code-once.ts). */
export async function enrolmentCodeAction(db: SqlDb, admin: string, form: URLSearchParams, now: number): Promise<{ ok: true; made: MadeCode } | { ok: false; error: string; field?: string }> {
  const storeId = form.get('store')?.trim() ?? '';
  const registerId = form.get('register')?.trim() ?? '';
  if (!ID.test(registerId)) return { ok: false, field: 'reg-id', error: '收银台编号只能由字母、数字和 . _ : - 组成（1 到 128 个字符），例如 R01。没有生成登记码。' };
  const store = (await db.query<{ name: string }>('SELECT name FROM stores WHERE id = $1', [storeId])).rows[0];
  if (!store) return { ok: false, field: 'reg-store', error: '请选择一个已有的门店（没有的话先添加门店）。没有生成登记码。' };
  const known = await db.query<{ tokens: number }>(
    'SELECT (SELECT count(*) FROM register_tokens t WHERE t.register = r.id AND t.revoked_at IS NULL) AS tokens FROM registers r WHERE r.store_id = $1 AND r.register_id = $2',
    [storeId, registerId],
  );
  const { code, expiresAt } = await db.transaction(async (tx) => {
    const made = await addRegister(tx, storeId, registerId, now);
    await audit(tx, { at: now, admin, action: 'enrolment-code', storeId, registerId, detail: { expiresAt: made.expiresAt, newRegister: known.rows.length === 0 } });
    return made;
  });
  return { ok: true, made: { storeId, storeName: store.name, registerId, code, expiresAt, replacing: (known.rows[0]?.tokens ?? 0) > 0 } };
}

/** A button that makes another code for the register (a POST: a reload of the page it is on never does). */
const newCodeForm = (shell: Shell, made: Omit<MadeCode, 'code'>) =>
  `<form method="post" action="/console/registers/code" class="inline">${csrfField(shell.csrf)}<input type="hidden" name="store" value="${esc(made.storeId)}"><input type="hidden" name="register" value="${esc(made.registerId)}"><button type="submit" data-test="new-code-again">为${registerLabel(made.storeName, made.registerId)}再生成一个登记码</button></form>`;

/**
 * The GET after the POST that made a code: the code the first time; then
 * (a reload, the back button) only that it was shown once and how to make a
 * new one — never the code again, never a new code. Null: a ticket this
 * session does not know (another session's, or from before signing in again).
 */
export function enrolmentCodePage(shell: Shell, ticket: CodeTicket | null): { status: number; html: string } {
  const back = '<p><a href="/console/registers" data-test="back-to-registers">回到门店与收银台</a></p>';
  if (!ticket) {
    return {
      status: 404,
      html: page(
        '登记码 · 联盟控制台',
        `<h1>登记码只显示一次</h1><div class="card"><p data-test="code-gone">这一页的登记码已经显示过，或这一页已经失效（比如重新登录过），不会再显示。</p>
<p>要一个新的登记码：回到门店与收银台，在那台收银台的一行按“生成登记码”。</p>${back}</div>`,
        shell,
      ),
    };
  }
  if (ticket.kind !== 'code') {
    const made = ticket.made;
    const why = ticket.kind === 'shown' ? '已经显示过一次，不会再显示' : `生成后 ${CODE_UNSEEN_MS / 60_000} 分钟内没有打开，为了安全已经不再显示`;
    return {
      status: 200,
      html: page(
        '登记码 · 联盟控制台',
        `<h1>${registerLabel(made.storeName, made.registerId)}的登记码${ticket.kind === 'shown' ? '已经显示过了' : '已不再显示'}</h1><div class="card">
<p data-test="code-gone">这个登记码${why}：刷新或返回这一页都看不到它，也不会生成新的（服务器只保存它的摘要，看不到原码）。</p>
<p>如果已经记下，它在 <b>${when(made.expiresAt)}</b> 前仍然可以用。如果没记下来，再生成一个新的登记码，交给门店店长：</p>
<p>${newCodeForm(shell, made)}</p>
<p class="muted">也可以回到门店与收银台，在这台收银台的一行按“生成登记码”。没记下的旧登记码用不上，不必处理；担心它被别人看到，就先停用这台收银台（它的凭证和还没用的登记码立即失效），再生成新的。</p>${back}</div>`,
        shell,
      ),
    };
  }
  const made = ticket.made;
  return {
    status: 200,
    html: page(
      '登记码 · 联盟控制台',
      `<h1>${registerLabel(made.storeName, made.registerId)}的登记码</h1><div class="card">
<p>把这个登记码告诉门店店长（电话或纸条）。店长在收银台的<b>店长后台 → “门店·打印·同步” → “用注册码接入联盟”</b>里填服务器地址和这个码（收银台上叫“注册码”），按回车：</p>
<p><span class="code" data-test="enrolment-code">${esc(made.code)}</span></p>
<p class="muted" data-test="service-address">服务器地址就是你现在打开这个控制台用的网址，只要前面的协议、域名和端口部分（门店若要经别的地址访问，以部署说明为准）。</p>
<p>只能用一次，<b>${when(made.expiresAt)}</b> 前有效。<b>它只显示这一次</b>：刷新或离开这一页后就再也看不到它了（服务器只保存它的摘要）；丢了就再生成一个。</p>
${made.replacing ? '<p class="warn">这台收银台已经登记过：新登记码一旦在收银台上使用，原来的凭证立即失效。</p>' : ''}
${back}</div>`,
      shell,
    ),
  };
}

export async function revokeConfirmPage(db: SqlDb, shell: Shell, storeId: string, registerId: string, now: number, error?: string): Promise<string | null> {
  const register = (await consoleRegisters(db, now, storeId)).find((r) => r.registerId === registerId);
  if (!register) return null;
  return page(
    '停用收银台 · 联盟控制台',
    `<h1>停用${registerLabel(register.storeName, registerId)}？</h1><div class="card">
<p>停用后，这台收银台的凭证和还没用的登记码<b>立即失效</b>：它不能再上传销售记录，也收不到设置和会员推送。已经收到的 ${count(register.lastSeq)} 条记录保留。</p>
<p>收银台上还没上传的记录会留在收银台上；要让它重新同步，生成新登记码并在收银台上输入。</p>
<p>适用于：收银台丢失或被盗、凭证泄露、门店关闭。</p>
<form method="post" action="/console/registers/revoke" novalidate>${csrfField(shell.csrf)}<input type="hidden" name="store" value="${esc(storeId)}"><input type="hidden" name="register" value="${esc(registerId)}">
<label><input type="checkbox" id="revoke-confirm" name="confirm" value="yes" required data-test="revoke-confirm"${invalidAttrs('revoke-confirm', error, true)}> 我确认停用这台收银台</label><br>${error ? `${fieldError('revoke-confirm', error)}<br>` : ''}
<button type="submit" class="danger" data-test="revoke-submit">停用</button> <a href="/console/registers">取消</a></form></div>`,
    shell,
  );
}

export async function revokeAction(db: SqlDb, admin: string, form: URLSearchParams, now: number): Promise<ActionResult> {
  const storeId = form.get('store') ?? '';
  const registerId = form.get('register') ?? '';
  if (form.get('confirm') !== 'yes') return { ok: false, field: 'revoke-confirm', error: '没有勾选“我确认停用这台收银台”，收银台没有停用。请勾选后再按“停用”。' };
  const found = await db.query<{ name: string }>('SELECT s.name FROM registers r JOIN stores s ON s.id = r.store_id WHERE r.store_id = $1 AND r.register_id = $2', [storeId, registerId]);
  const name = found.rows[0]?.name;
  if (!name) return { ok: false, error: '没有找到这台收银台，可能已被删除。没有做任何改动。' };
  const tokens = await db.transaction(async (tx) => {
    const revoked = await revokeRegister(tx, storeId, registerId, now);
    await audit(tx, { at: now, admin, action: 'register-revoked', storeId, registerId, detail: { tokens: revoked } });
    return revoked;
  });
  return { ok: true, flash: `已停用 ${name} · ${registerId} 号收银台${tokens > 0 ? '，它的凭证已失效' : ''}。` };
}
