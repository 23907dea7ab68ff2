/** The start-up decision: a ledger that fails verify is refused and the register is never opened. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, startupErrorHtml } from '../../electron/backend/app/refusal-page';
import { startRegister } from '../../electron/backend/app/startup';
import { CHECK_RULES } from '../../electron/backend/store/verify';
import { openHarness, readyToSell, tempDir } from '../app/helpers';

/** What the manager sees: the body's text without the folded technical details and the file's path. */
function visibleText(html: string): string {
  const body = html.slice(html.indexOf('<body>'));
  return body
    .replace(/<details>[\s\S]*?<\/details>/g, '')
    .replace(/<code>[^<]*<\/code>/g, '')
    .replace(/<[^>]+>/g, ' ');
}

async function databaseWithSales(): Promise<string> {
  const h = openHarness();
  await readyToSell(h);
  await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] });
  h.close();
  return h.file;
}

describe('start-up decision', () => {
  it('a fresh or healthy database opens the register', async () => {
    const fresh = startRegister(path.join(tempDir(), 'new.db'));
    expect(fresh.ok).toBe(true);
    if (fresh.ok) fresh.backend.close();
    const file = await databaseWithSales();
    const healthy = startRegister(file);
    expect(healthy.ok).toBe(true);
    if (healthy.ok) healthy.backend.close();
  });

  it('a counter corrupted by SQL is refused with the rule it broke, and the file is left as it was', async () => {
    const file = await databaseWithSales();
    const raw = new Database(file);
    raw.prepare("UPDATE queues SET extracted_fen = extracted_fen + 7 WHERE id = 'register-1'").run();
    const before = raw.prepare('SELECT * FROM queues').all();
    raw.close();
    const decision = startRegister(file);
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision.reason).toBe('verify-failed');
    expect(decision.violations.map((v) => v.rule)).toContain('Σ extracted = Σ paid out + undistributed + pool');
    const html = startupErrorHtml(decision, file);
    expect(html).toContain('<h1>收银台未打开：账目检查未通过</h1>');
    expect(html).toContain('<li>抽成总额与已返、未分配、奖池之和不符</li>');
    // The manager reads Chinese only; the check as written, with the queue's id, is folded away for support.
    expect(visibleText(html)).not.toMatch(/[A-Za-z]{2,}/);
    expect(html).toMatch(/<details><summary>技术细节（给技术支持）<\/summary><pre>[^<]*Σ extracted = Σ paid out/);
    expect(html).not.toMatch(/<script/i);
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT * FROM queues').all()).toEqual(before);
    after.close();
  });

  it('a database from a newer app version is refused, not opened', async () => {
    const file = await databaseWithSales();
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    const decision = startRegister(file);
    expect(decision).toMatchObject({ ok: false, reason: 'open-failed' });
    if (!decision.ok) expect(decision.message).toMatch(/newer version/);
  });

  it('names every ledger check in Chinese, and says how many rows broke it', () => {
    const since = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../electron/backend/store/verify-since.ts'), 'utf8');
    const sinceRules = [...since.matchAll(/add\(\s*'([^']+)'/g)].map((m) => m[1]!);
    expect(sinceRules.length).toBeGreaterThan(5);
    for (const rule of [...CHECK_RULES, ...sinceRules]) expect(CHECK_NAMES[rule], rule).toMatch(/^[^A-Za-z]+$/);
    const html = startupErrorHtml(
      { ok: false, reason: 'verify-failed', message: 'the ledger check found 3 problem(s)', violations: [
        { rule: 'orders agree with the ledger', detail: 'order register-1-7 …' },
        { rule: 'orders agree with the ledger', detail: 'order register-1-9 …' },
        { rule: 'a rule of a later version', detail: 'x' },
      ] },
      '/data/cashier.db',
    );
    expect(html).toContain('账目检查发现 3 处不一致');
    expect(html).toContain('<li>订单金额与账本流水不符（2 处）</li><li>其他账目检查未通过</li>');
    expect(visibleText(html)).not.toMatch(/register-1|[A-Za-z]{2,}/);
  });

  it('a database it cannot open (a newer version) is explained in Chinese, the reason folded for support', () => {
    const html = startupErrorHtml({ ok: false, reason: 'open-failed', message: 'this database was written by a newer version of the app', violations: [] }, '/data/cashier.db');
    expect(html).toContain('<h1>收银台未打开：数据库文件无法打开</h1>');
    expect(visibleText(html)).not.toMatch(/[A-Za-z]{2,}/);
    expect(html).toContain('newer version');
  });

  it('the refusal page escapes what it shows', () => {
    const html = startupErrorHtml({ ok: false, reason: 'verify-failed', message: 'x', violations: [{ rule: '<img src=x onerror=alert(1)>', detail: '"&' }] }, '/tmp/<a>.db');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img');
  });
});
