/** 操作记录: who did what from the console, newest first, in words (old → new for settings). */
import type { SqlDb } from '../db/adapter';
import { auditLines, type AuditLine } from './audit';
import { changeLine, type Change } from './base-settings';
import { esc, page, when, type Shell } from './html';

const PAGE = 200;

function describe(line: AuditLine, storeName: (id: string | null) => string): string {
  const register = line.registerId ? `${storeName(line.storeId)} · ${esc(line.registerId)} 号收银台` : '';
  const changes = (line.detail.changes as Change[] | undefined) ?? [];
  const list = changes.length > 0 ? `<ul>${changes.map((c) => `<li>${esc(changeLine(c))}</li>`).join('')}</ul>` : '';
  switch (line.action) {
    case 'store-added':
      return `添加门店“${esc(String(line.detail.name ?? ''))}”`;
    case 'enrolment-code':
      return `为${register}生成登记码（${when(Number(line.detail.expiresAt ?? 0))}前有效）`;
    case 'register-revoked':
      return `停用${register}`;
    case 'base-settings':
      return `推送基础设置到${line.storeId ? storeName(line.storeId) : '全联盟'}${list}`;
    case 'level-names':
      return `修改会员等级名称并推送到全联盟${list}`;
    case 'member-lookup':
      return `按手机号查找会员（${line.detail.found ? '找到了' : '没有找到'}）`;
    default:
      return '其他操作';
  }
}

/** `before`: the id to page back from (the 「更早的记录」 link), else the newest. */
export async function auditPage(db: SqlDb, shell: Shell, _now: number, before?: number): Promise<string> {
  const lines = await auditLines(db, { limit: PAGE, before });
  const names = new Map((await db.query<{ id: string; name: string }>('SELECT id, name FROM stores')).rows.map((s) => [s.id, s.name]));
  const storeName = (id: string | null) => esc(id ? (names.get(id) ?? '（已删除的门店）') : '');
  const rows = lines.map((l) => `<tr data-test="audit-row"><td>${when(l.at)}</td><td>${esc(l.admin)}</td><td class="l">${describe(l, storeName)}</td></tr>`).join('');
  return page(
    '操作记录 · 联盟控制台',
    `<h1>操作记录</h1><div class="card"><table><thead><tr><th>时间</th><th>操作员</th><th class="l">做了什么</th></tr></thead>
<tbody>${rows || '<tr><td colspan="3" class="l muted">还没有操作记录。</td></tr>'}</tbody></table>
<p class="muted">${before ? `更早的记录，每页 ${PAGE} 条。` : `显示最近 ${PAGE} 条。`}登记码、凭证和手机号从不记录。</p>
<p>${before ? '<a href="/console/audit">回到最新的记录</a> ' : ''}${lines.length === PAGE ? `<a href="/console/audit?before=${lines[lines.length - 1]!.id}" data-test="older">更早的记录</a>` : ''}</p></div>`,
    shell,
  );
}
