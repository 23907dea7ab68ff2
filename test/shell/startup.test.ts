/** The start-up decision: a ledger that fails verify is refused and the register is never opened. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startRegister, startupErrorHtml } from '../../electron/backend/app/startup';
import { openHarness, readyToSell, tempDir } from '../app/helpers';

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
    expect(html).toContain('数据库检查未通过');
    expect(html).toContain('Σ extracted');
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

  it('the refusal page escapes what it shows', () => {
    const html = startupErrorHtml({ ok: false, reason: 'verify-failed', message: 'x', violations: [{ rule: '<img src=x onerror=alert(1)>', detail: '"&' }] }, '/tmp/<a>.db');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img');
  });
});
