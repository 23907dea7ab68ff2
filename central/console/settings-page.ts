/**
 * 基础设置: the form (alliance-wide or one store), its validation in Chinese
 * with nothing pushed on a bad field, and the pushes made so far with who
 * made them, what changed (old → new in % and words) and each register's
 * answer: applied, refused with the reason, or not yet reached.
 */
import { MESSAGES } from '../../shared/sync/protocol';
import type { Queryable, SqlDb } from '../db/adapter';
import { CHOICES, FORM_FIELDS, changeLine, diffLayers, fieldName, formValue, knownLevels, layerFromForm, layerInForce, levelLabel, pushLayer, type Change, type FieldErrors } from './base-settings';
import { MAX_REWARD_BP } from '../../shared/money';
import { csrfField, esc, fieldError, invalidAttrs, page, parsePercent, percentField, registerLabel, when, type Shell } from './html';
import { refusalText, storeNames } from './reads';
import type { ActionResult } from './registers';

const HISTORY = 10;

function fieldRow(label: string, control: string, error: string | undefined, name: string): string {
  return `<span>${label}</span>${control}${fieldError(`f-${name}`, error)}`;
}

function select(name: string, choices: readonly (readonly [string, string])[], value: string, defaultText: string, marks = ''): string {
  return `<select id="f-${name}" name="${name}" aria-label="${esc(fieldName(name as never))}"${marks}><option value="">${esc(defaultText)}</option>${choices.map(([v, t]) => `<option value="${v}"${v === value ? ' selected' : ''}>${esc(t)}</option>`).join('')}</select>`;
}

const input = (name: string, value: string, extra = '') => `<input id="f-${name}" name="${name}" value="${esc(value)}" aria-label="${esc(fieldName(name as never))}" ${extra}>`;

/** The pushes of base settings, newest first, with each targeted register's answer. */
async function pushHistory(db: Queryable): Promise<string> {
  const pushes = await db.query<{ id: number; store_id: string | null; register_id: string | null; created_at: number; store_name: string | null; admin: string | null; detail: { changes?: Change[] } | null }>(
    `SELECT p.id, p.store_id, p.register_id, p.created_at, s.name AS store_name, a.admin, a.detail
     FROM pushes p LEFT JOIN stores s ON s.id = p.store_id LEFT JOIN console_audit a ON a.push_id = p.id
     WHERE p.message = $1 ORDER BY p.id DESC LIMIT ${HISTORY}`,
    [MESSAGES.baseSettings],
  );
  if (pushes.rows.length === 0) return '<p class="muted">还没有推送过基础设置。</p>';
  const answers = await db.query<{ push_id: number; store_name: string; register_id: string; ok: boolean | null; code: string | null; at: number | null; push_cursor: number; live: number }>(
    `SELECT p.id AS push_id, s.name AS store_name, r.register_id, x.ok, x.answer->'error'->>'code' AS code, x.at, r.push_cursor,
       (SELECT count(*) FROM register_tokens t WHERE t.register = r.id AND t.revoked_at IS NULL) AS live
     FROM pushes p JOIN registers r ON (p.store_id IS NULL OR p.store_id = r.store_id) AND (p.register_id IS NULL OR p.register_id = r.register_id)
     JOIN stores s ON s.id = r.store_id
     LEFT JOIN push_results x ON x.push_id = p.id AND x.register = r.id
     WHERE p.id = ANY($1::bigint[]) ORDER BY p.id DESC, r.store_id, r.register_id`,
    [pushes.rows.map((p) => p.id)],
  );
  return pushes.rows
    .map((p) => {
      const target = p.store_id ? `${esc(p.store_name ?? '（已删除的门店）')}${p.register_id ? ` · ${esc(p.register_id)} 号收银台` : ''}` : '全联盟';
      const changes = p.detail?.changes ?? null;
      const mine = answers.rows.filter((a) => a.push_id === p.id);
      const rows = mine
        .map((a) => {
          const status =
            a.ok === true
              ? `<span class="ok">已应用</span>（${when(a.at)}）`
              : a.ok === false
                ? `<span class="warn">拒收</span>（${when(a.at)}）：${esc(refusalText(a.code))}`
                : a.live === 0
                  ? '<span class="muted">收银台已停用或未登记，收不到</span>'
                  : a.push_cursor >= p.id
                    ? '<span class="muted">收银台已收到更新的推送</span>'
                    : '<span class="pending">等收银台联网后送达</span>';
          return `<tr data-test="push-answer"><td>${registerLabel(a.store_name, a.register_id)}</td><td class="l">${status}</td></tr>`;
        })
        .join('');
      return `<div class="card" data-test="push-card"><h3>${when(p.created_at)} · 推送到${target} · ${p.admin ? `操作员 ${esc(p.admin)}` : '由命令行或接口推送'}</h3>
${changes ? (changes.length > 0 ? `<ul>${changes.map((c) => `<li>${esc(changeLine(c))}</li>`).join('')}</ul>` : '<p class="muted">内容与之前相同（重新推送）。</p>') : ''}
<table><thead><tr><th>收银台</th><th class="l">收银台的答复</th></tr></thead><tbody>${rows || '<tr><td colspan="2" class="l muted">没有收银台会收到这次推送。</td></tr>'}</tbody></table></div>`;
    })
    .join('');
}

export async function settingsPage(db: SqlDb, shell: Shell, storeId: string, _now: number, failed?: { error: string; errors?: FieldErrors; form: URLSearchParams }): Promise<string> {
  const stores = await storeNames(db);
  const store = stores.find((s) => s.id === storeId) ?? null;
  const { settings: layer, inherited } = await layerInForce(db, store?.id ?? null);
  const levels = await knownLevels(db, layer);
  const errors = failed?.errors ?? {};
  // The fields in the form's order: after a refused submit the first one in error gets the focus.
  const first = FORM_FIELDS.find((f) => errors[f] !== undefined);
  // A field in error: marked, described by its message, the first one focused.
  const marks = (name: (typeof FORM_FIELDS)[number]) => invalidAttrs(`f-${name}`, errors[name], first === name);
  // The levels' one message is under the last level; each level typed wrong is marked, the first of them focused.
  const badLevel = (level: string) => {
    const typed = (failed?.form.get(`level:${level}`) ?? '').trim();
    const bp = parsePercent(typed);
    return errors.levelRatiosBp !== undefined && typed !== '' && (bp === null || bp > MAX_REWARD_BP);
  };
  const firstBadLevel = levels.find(badLevel);
  // After a refused submit the form shows what was typed, so nothing typed is lost.
  const v = (name: string, fallback: string) => (failed ? (failed.form.get(name) ?? '') : fallback);
  const levelRows = levels
    .map((level) => {
      const levelMarks = badLevel(level) ? invalidAttrs('f-levelRatiosBp', errors.levelRatiosBp, first === 'levelRatiosBp' && level === firstBadLevel) : '';
      return `<span>${esc(levelLabel(level, layer, levels))}</span><span>${input(`level:${level}`, v(`level:${level}`, layer.levelRatiosBp?.[level] !== undefined ? percentField(layer.levelRatiosBp[level]!) : ''), `inputmode="decimal" size="8"${levelMarks}`)} %</span>`;
    })
    .join('');
  const targetOptions = [`<option value="">全联盟（所有门店）</option>`, ...stores.map((s) => `<option value="${esc(s.id)}"${s.id === store?.id ? ' selected' : ''}>${esc(s.name)}</option>`)].join('');
  const kept = Object.keys(layer).filter((f) => !(FORM_FIELDS as readonly string[]).includes(f));
  return page(
    '基础设置 · 联盟控制台',
    `<h1>基础设置</h1>
<form method="get" action="/console/settings" class="card"><label for="target-pick">为谁设置：</label><select id="target-pick" name="store">${targetOptions}</select> <button type="submit">切换</button>
<p class="muted">${store ? (inherited ? `${esc(store.name)}还没有单独的设置，下面是全联盟的设置；提交后只推送给${esc(store.name)}的收银台。` : `${esc(store.name)}单独的设置；提交后只推送给${esc(store.name)}的收银台。`) : '提交后推送给所有门店的收银台（单独设置过的门店也会被这次推送覆盖）。'}</p></form>
${failed ? `<div class="flash bad" role="alert" data-test="form-error">${esc(failed.error)}</div>` : ''}
<form method="post" action="/console/settings" class="card" data-test="settings-form">${csrfField(shell.csrf)}<input type="hidden" name="target" value="${esc(store?.id ?? '')}">
<p class="muted">空着的项不设置，收银台用它自己的设置或默认值。收银台自己设置过的项优先于这里的基础设置。</p>
<div class="grid">
${fieldRow('<label for="f-enabled">启用排队返利</label>', select('enabled', CHOICES.enabled, v('enabled', formValue(layer, 'enabled')), '不设置（默认启用）', marks('enabled')), errors.enabled, 'enabled')}
${fieldRow('<label for="f-rebateName">自定义名称</label>', input('rebateName', v('rebateName', formValue(layer, 'rebateName')), `maxlength="40" placeholder="默认：排队返利"${marks('rebateName')}`), errors.rebateName, 'rebateName')}
${fieldRow('<label for="f-exchangeName">兑换按钮名称</label>', input('exchangeName', v('exchangeName', formValue(layer, 'exchangeName')), `maxlength="40" placeholder="默认：兑换"${marks('exchangeName')}`), errors.exchangeName, 'exchangeName')}
${fieldRow('<label for="f-extractionBp">提取比例</label>', `<span>${input('extractionBp', v('extractionBp', formValue(layer, 'extractionBp')), `inputmode="decimal" size="8"${marks('extractionBp')}`)} % <span class="muted">每笔销售额里拿出来返给排队顾客的部分，0 到 100%</span></span>`, errors.extractionBp, 'extractionBp')}
${fieldRow('<label for="f-defaultRatioBp">默认返利比例</label>', `<span>${input('defaultRatioBp', v('defaultRatioBp', formValue(layer, 'defaultRatioBp')), `inputmode="decimal" size="8"${marks('defaultRatioBp')}`)} % <span class="muted">顾客最终能拿回订单金额的多少，0 到 1000%</span></span>`, errors.defaultRatioBp, 'defaultRatioBp')}
${levelRows ? `<span><b>会员等级返利比例</b></span><span class="muted">空着的等级用默认返利比例</span>${levelRows}${fieldError('f-levelRatiosBp', errors.levelRatiosBp)}` : ''}
${fieldRow('<label for="f-settlement">结算时机</label>', select('settlement', CHOICES.settlement, v('settlement', formValue(layer, 'settlement')), '不设置（付款时结算）', marks('settlement')), errors.settlement, 'settlement')}
${fieldRow('<label for="f-autoCompleteMinutes">自动完成（分钟）</label>', input('autoCompleteMinutes', v('autoCompleteMinutes', formValue(layer, 'autoCompleteMinutes')), `inputmode="numeric" size="8"${marks('autoCompleteMinutes')}`), errors.autoCompleteMinutes, 'autoCompleteMinutes')}
${fieldRow('<label for="f-ordering">排队规则</label>', select('ordering', CHOICES.ordering, v('ordering', formValue(layer, 'ordering')), '不设置（按排队顺序）', marks('ordering')), errors.ordering, 'ordering')}
${fieldRow('<label for="f-deductionRule">抵扣规则</label>', select('deductionRule', CHOICES.deductionRule, v('deductionRule', formValue(layer, 'deductionRule')), '不设置（抵扣部分也参与排队）', marks('deductionRule')), errors.deductionRule, 'deductionRule')}
${fieldRow('<label for="f-leftover">未分配金额去向</label>', select('leftover', CHOICES.leftover, v('leftover', formValue(layer, 'leftover')), '不设置（记为未分配）', marks('leftover')), errors.leftover, 'leftover')}
${fieldRow('<label for="f-paused">队列奖励暂停</label>', select('paused', CHOICES.paused, v('paused', formValue(layer, 'paused')), '不设置（不暂停）', marks('paused')), errors.paused, 'paused')}
${errors.form ? `<span></span><span class="err" role="alert">${esc(errors.form)}</span>` : ''}
<span></span><span><button type="submit" data-test="push-settings">检查并推送</button></span></div>
${kept.length > 0 ? `<p class="muted">这里不能修改、推送时保持不变的设置：${kept.map((f) => esc(fieldName(f as never))).join('、')}。</p>` : ''}</form>
<h2>推送记录和各收银台的答复</h2>${await pushHistory(db)}`,
    shell,
  );
}

export async function settingsAction(db: SqlDb, admin: string, form: URLSearchParams, now: number): Promise<ActionResult & { errors?: FieldErrors }> {
  const storeId = form.get('target') || null;
  if (storeId && (await db.query('SELECT 1 FROM stores WHERE id = $1', [storeId])).rows.length === 0) return { ok: false, error: '没有这个门店，没有推送。' };
  const { settings: current } = await layerInForce(db, storeId);
  const levels = await knownLevels(db, current);
  const parsed = layerFromForm(form, current, levels);
  if (!parsed.ok) return { ok: false, error: '有几项填得不对（见各项下面的红字），没有推送任何设置。', errors: parsed.errors };
  const changes = diffLayers(current, parsed.layer, levels);
  if (changes.length === 0) return { ok: true, flash: '设置没有改动，没有推送。' };
  await pushLayer(db, { admin, action: 'base-settings', storeId, layer: parsed.layer, changes, now });
  return { ok: true, flash: `已推送 ${changes.length} 项改动，收银台联网后会收到；下面的推送记录显示每台收银台的答复。` };
}
