/**
 * The start-up decision, in Node so it is tested without Electron: open the
 * database (migrating it), verify every ledger invariant, and only then open
 * the register. A database that fails verification is NEVER opened for
 * business: the shell shows the refusal page instead (docs/app.md).
 */
import { openDatabase } from '../store/database';
import { verifyDatabase, type Violation } from '../store/verify';
import { RegisterBackend, type RegisterOptions } from './register';

export type StartupDecision =
  | { ok: true; backend: RegisterBackend }
  | { ok: false; reason: 'open-failed'; message: string; violations: [] }
  | { ok: false; reason: 'verify-failed'; message: string; violations: Violation[] };

export function startRegister(dbFile: string, options: RegisterOptions = {}): StartupDecision {
  let db;
  try {
    db = openDatabase(dbFile, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    return { ok: false, reason: 'open-failed', message: (error as Error).message, violations: [] };
  }
  let violations: Violation[];
  try {
    violations = verifyDatabase(db);
  } catch (error) {
    db.close();
    return { ok: false, reason: 'open-failed', message: (error as Error).message, violations: [] };
  }
  if (violations.length > 0) {
    db.close();
    return { ok: false, reason: 'verify-failed', message: `the ledger check found ${violations.length} problem(s)`, violations };
  }
  try {
    return { ok: true, backend: new RegisterBackend(db, options) };
  } catch (error) {
    db.close();
    return { ok: false, reason: 'open-failed', message: (error as Error).message, violations: [] };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The refusal page: a self-contained HTML document (no scripts), shown instead of the register. */
export function startupErrorHtml(decision: Exclude<StartupDecision, { ok: true }>, dbFile: string): string {
  const items = decision.violations.map((v) => `<li><b>${escapeHtml(v.rule)}</b>: ${escapeHtml(v.detail)}</li>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>收银台无法启动</title>
<style>body{font-family:sans-serif;margin:2em;line-height:1.5;color:#222}h1{color:#b00020}code{background:#eee;padding:0 .3em}</style>
</head><body>
<h1>收银台未打开：数据库检查未通过</h1>
<p>The register did not open: ${escapeHtml(decision.message)}.</p>
<p>为保护账目，收银台不会在账本有问题时继续营业。请勿删除数据库文件，联系管理员或技术支持。<br>
To protect the books the register will not take sales on a database that fails its checks. Do not delete the file; call your manager or support.</p>
<p>数据库 / database: <code>${escapeHtml(dbFile)}</code></p>
${items ? `<ul>${items}</ul>` : ''}
<p>Backups (daily, last 7) are in the <code>backups</code> folder next to it.</p>
</body></html>`;
}
