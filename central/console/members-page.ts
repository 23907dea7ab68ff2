/**
 * 会员: the alliance's member levels with their display names (edited here,
 * pushed to every register in the alliance's base settings as `levelNames`),
 * and a member looked up by phone.
 *
 * The phone: typed into a POST form (never a URL, so never in an access log),
 * turned into the alliance's keyed digest (HMAC-SHA256 under the alliance key,
 * docs/security.md §3) here, matched against `members.phone_digest`, and
 * dropped. It is not stored, not logged, not written in the audit line (which
 * says only that a lookup was made and whether it found someone) and not sent
 * back: the answer shows the masked phone the register sent.
 */
import { normalizeMainlandMobile } from '../../shared/members';
import type { SqlDb } from '../db/adapter';
import { audit } from './audit';
import { checkLayer, diffLayers, knownLevels, layerInForce, levelLabel, pushLayer } from './base-settings';
import { count, csrfField, esc, fieldError, invalidAttrs, page, percent, when, yuan, type Shell } from './html';
import type { ActionResult } from './registers';

export interface MembersOptions {
  /** The alliance's keyed digest of 11 normalised digits (absent: no alliance key configured). */
  phoneDigest?: (digits: string) => string;
}

export async function membersPage(db: SqlDb, shell: Shell, _now: number, options: MembersOptions, failed?: { error: string; field?: string; names?: URLSearchParams }, answer = ''): Promise<string> {
  const { settings: layer } = await layerInForce(db, null);
  const levels = await knownLevels(db, layer);
  const counts = new Map((await db.query<{ level: string; n: number }>('SELECT level, count(*) AS n FROM members GROUP BY level')).rows.map((r) => [r.level, r.n]));
  const rows = levels
    .map((level, i) => {
      const label = levelLabel(level, layer, levels);
      const ratio = layer.levelRatiosBp?.[level];
      const id = `level-name-${i}`;
      const error = failed?.field === id ? failed.error : undefined;
      // After a refused submit the names typed stay (they are not secret), the wrong one marked.
      const value = failed?.names?.get(`name:${level}`) ?? layer.levelNames?.[level] ?? '';
      return `<tr data-test="level-row"><td>${esc(label)}</td><td class="l"><input id="${id}" name="name:${esc(level)}" value="${esc(value)}" maxlength="40" placeholder="${esc(label)}" aria-label="${esc(label)}的显示名称"${invalidAttrs(id, error, true)}>${error ? `<br>${fieldError(id, error)}` : ''}</td>
<td>${ratio !== undefined ? percent(ratio) : '<span class="muted">用默认返利比例</span>'}</td><td>${count(counts.get(level) ?? 0)} 人</td></tr>`;
    })
    .join('');
  // A lookup's error goes under the phone field (typed again there: the number is never sent back).
  const phoneError = failed?.field === 'phone' ? failed.error : undefined;
  const lookup = options.phoneDigest
    ? `<form method="post" action="/console/members/lookup" class="grid" autocomplete="off" novalidate>${csrfField(shell.csrf)}
<label for="phone">手机号</label><input id="phone" name="phone" type="tel" inputmode="numeric" maxlength="20" autocomplete="off" required${invalidAttrs('phone', phoneError, true)}${answer && !phoneError ? ' autofocus' : ''}>${fieldError('phone', phoneError)}
<span></span><span><button type="submit" data-test="lookup">查找会员</button></span></form>
<p class="muted">手机号只在服务器上换成联盟密钥下的摘要去比对，不保存、不记日志；结果只显示打码的手机号。</p>`
    : `<p class="warn" data-test="lookup-off">按手机号查找还没开启：服务器还没有联盟的手机号密钥（与各收银台相同的那个）。请服务器管理员按部署说明配置密钥后重启服务。</p>`;
  return page(
    '会员 · 联盟控制台',
    `<h1>会员</h1>${failed && !failed.field ? `<div class="flash bad" role="alert" data-test="form-error">${esc(failed.error)}</div>` : ''}${answer}
<h2>按手机号查找</h2><div class="card">${lookup}</div>
<h2>会员等级和显示名称</h2><div class="card"><form method="post" action="/console/members/levels">${csrfField(shell.csrf)}
<table><thead><tr><th>等级（现在的名称）</th><th class="l">新的显示名称</th><th>返利比例</th><th>会员人数</th></tr></thead><tbody>${rows || '<tr><td colspan="4" class="l muted">还没有会员等级。</td></tr>'}</tbody></table>
<p class="muted">收银台、小票和顾客屏上都显示这里的名称（最多 20 个字）；空着就用通常的名称。提交后作为全联盟的基础设置推送给所有收银台，收银台自己改过的名称优先。</p>
${rows ? '<button type="submit" data-test="save-levels">保存并推送</button>' : ''}</form></div>`,
    shell,
  );
}

export async function membersAction(db: SqlDb, admin: string, kind: 'levels' | 'lookup', form: URLSearchParams, now: number, options: MembersOptions, shell?: Shell): Promise<ActionResult> {
  if (kind === 'lookup') return lookupAction(db, admin, form, now, options, shell!);
  const { settings: current } = await layerInForce(db, null);
  const levels = await knownLevels(db, current);
  const names = Object.create(null) as Record<string, string>;
  for (const [i, level] of levels.entries()) {
    const name = (form.get(`name:${level}`) ?? '').trim();
    if ([...name].length > 20) return { ok: false, field: `level-name-${i}`, error: `“${levelLabel(level, current, levels)}”的新名称最多 20 个字，现在是 ${[...name].length} 个。没有推送。` };
    if (name) names[level] = name;
  }
  const next = { ...current } as Record<string, unknown>;
  if (Object.keys(names).length > 0) next.levelNames = names;
  else delete next.levelNames;
  const checked = checkLayer(next);
  if (!checked.ok) return { ok: false, error: '等级名称不符合收银台的设置规则，没有推送。' };
  const changes = diffLayers(current, checked.layer, levels);
  if (changes.length === 0) return { ok: true, flash: '等级名称没有改动，没有推送。' };
  await pushLayer(db, { admin, action: 'level-names', storeId: null, layer: checked.layer, changes, now });
  return { ok: true, flash: `已推送 ${changes.length} 个等级名称的改动；各收银台的答复见“基础设置”页的推送记录。` };
}

async function lookupAction(db: SqlDb, admin: string, form: URLSearchParams, now: number, options: MembersOptions, shell: Shell): Promise<ActionResult> {
  if (!options.phoneDigest) return { ok: false, error: '按手机号查找还没开启（服务器没有联盟的手机号密钥）。' };
  const digits = normalizeMainlandMobile(form.get('phone') ?? '');
  if (!digits) return { ok: false, field: 'phone', error: '请输入 11 位手机号（1 开头，可带 +86），没有查找。' };
  const digest = options.phoneDigest(digits);
  const member = (
    await db.query<{ id: string; level: string; display_name: string | null; masked_phone: string | null; created_at: number }>(
      'SELECT id, level, display_name, masked_phone, created_at FROM members WHERE phone_digest = $1',
      [digest],
    )
  ).rows[0];
  await audit(db, { at: now, admin, action: 'member-lookup', detail: { found: Boolean(member) } });
  let answer: string;
  if (!member) {
    answer = `<div class="card" data-test="lookup-answer"><b>没有找到这个手机号的会员。</b><p class="muted">只有在收银台登记过、并且收银台用的是联盟密钥的会员才能在这里找到。</p></div>`;
  } else {
    const { settings: layer } = await layerInForce(db, null);
    const levels = await knownLevels(db, layer);
    const stores = await db.query<{ name: string }>(
      `SELECT DISTINCT s.name FROM member_aliases a JOIN registers r ON r.id = a.register JOIN stores s ON s.id = r.store_id WHERE a.member_id = $1 ORDER BY s.name`,
      [member.id],
    );
    // A member's entries carry the id each register knows it by (its alias there) or the canonical id.
    const waiting = await db.query<{ n: number; owed: number }>(
      `SELECT count(*) AS n, COALESCE(sum(e.entitlement_fen - e.received_fen), 0) AS owed FROM entries e
       WHERE e.state = 'waiting' AND (e.member_id = $1 OR EXISTS (SELECT 1 FROM member_aliases a WHERE a.member_id = $1 AND a.register = e.register AND a.local_id = e.member_id))`,
      [member.id],
    );
    answer = `<div class="card" data-test="lookup-answer"><h3>找到会员</h3><div class="grid">
<span>称呼</span><span>${esc(member.display_name ?? '（未留）')}</span><span>手机号</span><span>${esc(member.masked_phone ?? '（未留）')}</span>
<span>等级</span><span>${esc(levelLabel(member.level, layer, levels))}</span><span>首次登记</span><span>${when(member.created_at)}</span>
<span>登记过的门店</span><span>${stores.rows.map((s) => esc(s.name)).join('、') || '（由服务器推送，未在门店登记）'}</span>
<span>排队中</span><span>${count(waiting.rows[0]?.n ?? 0)} 笔，尚欠 ${yuan(waiting.rows[0]?.owed ?? 0)}</span></div></div>`;
  }
  return { ok: true, html: await membersPage(db, shell, now, options, undefined, answer) };
}
