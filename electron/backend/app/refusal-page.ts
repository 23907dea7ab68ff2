/**
 * The page the shell shows instead of the register when it will not open
 * (a ledger that fails its checks, a disk that refuses it, a database from a
 * newer version): a self-contained HTML document, no scripts, its own CSP.
 *
 * Who reads it: the store manager, in Chinese, who must know what happened
 * and what to do; then support, who needs the technical reasons. The page is
 * Chinese only (docs/ui.md: no English on a Chinese screen); each failed
 * check is named in Chinese, with how many times it failed. The technical
 * text (English, with queue and order ids) stays on the page folded under
 * 「技术细节（给技术支持）」, so it can be photographed or read out to support
 * even when the disk is too full to write a report file.
 */
import type { StartupDecision } from './startup';
import type { StorageFault } from './storage-faults';

/** The ledger checks (store/verify.ts, store/verify-since.ts) as a manager reads them. */
export const CHECK_NAMES: Record<string, string> = {
  'Σ extracted = Σ paid out + undistributed + pool': '抽成总额与已返、未分配、奖池之和不符',
  'queue totals agree with the ledger': '队列合计与账本流水不符',
  'waiting count and amount owed agree with the entries': '排队人数或待返总额与排队记录不符',
  '0 ≤ received ≤ entitlement': '有排队记录的已返金额超出应返金额或小于零',
  'completed ⇔ received = entitlement': '有排队记录的状态与已返金额不符',
  'an entry received exactly its payouts in the ledger': '有排队记录的已返金额与账本中的返还流水不符',
  'an order never pays its own entry': '有订单给自己的排队记录返了钱',
  'nothing in a finished state ever receives again': '已结束的排队记录又收到了返还',
  'orders agree with the ledger': '订单金额与账本流水不符',
  'the dashboard totals agree with the rows': '经营概况的合计与订单记录不符',
  'the ledger is append-only': '账本的防改写保护缺失',
  'SQLite integrity': '数据库文件内部结构损坏',
  'foreign keys': '有记录指向不存在的记录',
};
const OTHER_CHECK = '其他账目检查未通过';

/** What the page says when the disk would not let the register open: what happened and what to do. */
const STORAGE_PAGE: Record<StorageFault, { title: string; todo: string }> = {
  full: {
    title: '收银台未打开：磁盘空间已满',
    todo: '数据没有丢失：已经保存的每一笔交易都还在。请店长清理磁盘空间（删除不用的文件，或把备份文件夹里的旧备份复制到别处后删除）。清理后收银台会自动打开（每 30 秒检查一次），也可以重新打开收银程序。仍不行请联系技术支持。',
  },
  io: {
    title: '收银台未打开：读写磁盘出错',
    todo: '可能是磁盘故障。请勿删除数据库文件，请重新打开收银程序试一次；仍不行请店长联系技术支持检查磁盘。',
  },
  'read-only': {
    title: '收银台未打开：数据文件夹无法写入',
    todo: '磁盘被设为只读，或程序没有写入这个文件夹的权限。请店长联系技术支持检查磁盘和文件夹权限，然后重新打开收银程序。',
  },
  corrupt: {
    title: '收银台未打开：数据库文件已损坏',
    todo: '请勿删除任何文件，请立即联系店长：由店长从备份恢复（或联系技术支持）。',
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The failed checks in Chinese, each once, with how many rows broke it. */
function checkList(violations: readonly { rule: string }[]): string {
  const counts = new Map<string, number>();
  for (const v of violations) {
    const name = CHECK_NAMES[v.rule] ?? OTHER_CHECK;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `<li>${escapeHtml(name)}${n > 1 ? `（${n} 处）` : ''}</li>`).join('');
}

function whatToDo(decision: Exclude<StartupDecision, { ok: true }>): string {
  if (decision.reason === 'open-failed' && decision.storage) {
    return `<p data-storage="${decision.storage}">${STORAGE_PAGE[decision.storage].todo}</p>`;
  }
  if (decision.reason === 'database-lost') {
    return '<p>本机有备份，账本不能从零开始：请勿重新设置。请店长从最新备份恢复。</p>';
  }
  if (decision.reason === 'verify-failed') {
    return `<p>账目检查发现 ${decision.violations.length} 处不一致：</p><ul>${checkList(decision.violations)}</ul>
<p>为保护账目，账本有问题时收银台不会继续收款。请勿删除或改动数据库文件，请店长联系技术支持，把本页（包括下面的技术细节）拍照发给他们。</p>`;
  }
  return '<p>数据库文件无法打开（例如它来自更新版本的收银程序，或文件已损坏）。请勿删除数据库文件，请店长联系技术支持，把本页（包括下面的技术细节）拍照发给他们。</p>';
}

function title(decision: Exclude<StartupDecision, { ok: true }>): string {
  if (decision.reason === 'open-failed') return decision.storage ? STORAGE_PAGE[decision.storage].title : '收银台未打开：数据库文件无法打开';
  return decision.reason === 'database-lost' ? '收银台未打开：数据库文件丢失或为空' : '收银台未打开：账目检查未通过';
}

/** The technical reasons for support: the decision's message and each violation as the check wrote it. */
function technicalDetails(decision: Exclude<StartupDecision, { ok: true }>): string {
  const lines = [decision.message, ...decision.violations.map((v) => `${v.rule}: ${v.detail}`)];
  return `<details><summary>技术细节（给技术支持）</summary><pre>${escapeHtml(lines.join('\n'))}</pre></details>`;
}

/** The refusal page: a self-contained HTML document (no scripts), shown instead of the register. */
export function startupErrorHtml(decision: Exclude<StartupDecision, { ok: true }>, dbFile: string): string {
  const heading = title(decision);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${heading}</title>
<style>body{font-family:sans-serif;margin:2em;line-height:1.5;color:#222}h1{color:#b00020}code{background:#eee;padding:0 .3em}pre{white-space:pre-wrap;background:#f5f5f5;padding:.5em}summary{cursor:pointer;color:#555}</style>
</head><body>
<h1>${heading}</h1>
${whatToDo(decision)}
<p>数据库文件：<code>${escapeHtml(dbFile)}</code></p>
<p>备份（每日 7 份、每周 4 份、每月 12 份）在数据库文件旁边的备份文件夹里。</p>
${technicalDetails(decision)}
</body></html>`;
}
