/** CSV exports opened back: BOM, RFC 4180 quoting, Chinese headers, figures equal to SQL; Z reports of past shifts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOM, parseCsv } from '../../shared/manager/csv';
import type { Harness } from '../app/helpers';
import { MANAGER_PIN, managerHarness, seedStore } from './helpers';

let h: Harness;
// The export's worker thread opens the file by its path: a directory of this file's own, kept until the end.
const dir = mkdtempSync(path.join(tmpdir(), 'qrc-reports-'));
beforeAll(async () => {
  h = await managerHarness(path.join(dir, 'cashier.db'));
  await seedStore(h);
  await h.ok('manager.unlock', { pin: MANAGER_PIN });
}, 60_000);
afterAll(() => {
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

const fen = (yuan: string) => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(yuan)!;
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
};

describe('reports', () => {
  it('the ledger CSV parses back: BOM, CRLF, bilingual headers, every row, amounts summing to the SQL total', async () => {
    const out = await h.ok('manager.reports.export', { report: 'ledger', from: '2026-03-01', to: '2026-03-06', language: 'both' });
    expect(out.csv.startsWith(BOM)).toBe(true);
    expect(out.csv).toContain('\r\n');
    const rows = parseCsv(out.csv);
    expect(rows[0]).toEqual(['流水号 (Ledger id)', '时间 (Time)', '类型 (Kind)', '付款订单 (Paying order)', '收银员 (Cashier)', '权益订单 (Entry (order))', '金额(元) (Amount (yuan))', '积分/券(单位) (Points/vouchers (units))']);
    const data = rows.slice(1);
    const total = h.backend.db.prepare('SELECT count(*) AS n, sum(amount_fen) AS s FROM ledger').get() as { n: number; s: number };
    expect(data).toHaveLength(total.n);
    expect(out.rows).toBe(total.n);
    expect(data.reduce((s, r) => s + fen(r[6]!), 0)).toBe(total.s);
    const payouts = data.filter((r) => r[2] === '返利 (payout)');
    expect(payouts.reduce((s, r) => s + fen(r[6]!), 0)).toBe((h.backend.db.prepare("SELECT sum(amount_fen) AS s FROM ledger WHERE kind = 'payout'").get() as { s: number }).s);
    expect(data[0]![1]).toMatch(/^2026-03-02 09:00:00$/);
    // The paying order's cashier by name, never an id.
    const names = (h.backend.db.prepare('SELECT name FROM cashiers').pluck().all() as string[]);
    const withOrder = data.filter((r) => r[3] !== '');
    expect(withOrder.length).toBeGreaterThan(0);
    for (const r of withOrder) expect(names).toContain(r[4]);
    const audit = h.backend.db.prepare("SELECT detail FROM manager_audit WHERE action = 'reports.export'").get() as { detail: string };
    expect(JSON.parse(audit.detail)).toMatchObject({ report: 'ledger', rows: total.n });
  });

  it('the queue CSV lists entries with state, entitlement and received; a date range limits it', async () => {
    const out = await h.ok('manager.reports.export', { report: 'queue', from: '2026-03-03', to: '2026-03-03', language: 'zh' });
    expect(out.filename).toBe('排队-1号收银台-2026-03-03.csv'); // no register-1, no English in the saved file's name
    const [header, ...data] = parseCsv(out.csv);
    expect(header).toEqual(['排队序号', '订单号', '收银员', '会员', '加入时间', '加入时位置', '状态', '返利比例', '比例来源', '应返(元)', '已返(元)', '待返(元)', '结束时间']);
    const sql = h.backend.db
      .prepare("SELECT count(*) AS n, sum(entitlement_fen) AS e, sum(received_fen) AS r FROM entries WHERE order_id LIKE 'register-1-20260303-%'")
      .get() as { n: number; e: number; r: number };
    expect(data).toHaveLength(sql.n);
    expect(data.reduce((s, r) => s + fen(r[9]!), 0)).toBe(sql.e);
    expect(data.reduce((s, r) => s + fen(r[10]!), 0)).toBe(sql.r);
    expect(new Set(data.map((r) => r[6]))).toContain('已清零');
    // zh: no English word, no raw id — cashiers by name, ratio rules in words.
    const names = h.backend.db.prepare('SELECT name FROM cashiers').pluck().all() as string[];
    for (const r of data) {
      expect(names).toContain(r[2]);
      expect(r[8]).not.toMatch(/[a-z]/);
      // The order number of the receipt, not the internal id.
      expect(r[1]).toMatch(/^1-20260303-\d{4,}$/);
      // The member by code, else name and masked phone: these members have neither, so 会员 — never their id (m1…m30).
      expect(r[3]).toBe('会员');
    }
  });

  it('Z reports of past shifts come back as stored at close, and as CSV with quoted names', async () => {
    const { shifts } = await h.ok('manager.reports.shifts', { from: '2026-03-01', to: '2026-03-06' });
    expect(shifts).toHaveLength(4);
    const stored = h.backend.db.prepare('SELECT z_report FROM shifts WHERE closed_at IS NOT NULL ORDER BY closed_at').all() as { z_report: string }[];
    expect(shifts).toEqual(stored.map((s) => JSON.parse(s.z_report)));
    const out = await h.ok('manager.reports.export', { report: 'shifts', from: '2026-03-01', to: '2026-03-06', language: 'en' });
    const [header, ...data] = parseCsv(out.csv);
    expect(header!.slice(0, 3)).toEqual(['Shift', 'Cashier', 'Opened']);
    expect(data).toHaveLength(4);
    expect(data.map((r) => fen(r[5]!))).toEqual(shifts.map((s) => s.salesFen));
    // Quoting round trip: a name with a comma and quotes.
    h.backend.db.prepare("UPDATE cashiers SET name = '王,\"小\"二' WHERE role = 'manager'").run();
    const quoted = await h.ok('manager.reports.export', { report: 'shifts', from: '2026-03-01', to: '2026-03-06', language: 'en' });
    expect(quoted.csv).toContain('"王,""小""二"');
    expect(parseCsv(quoted.csv)[1]![1]).toBe('王,"小"二');
  });

  it('refuses a date that does not exist or a range that ends before it starts', async () => {
    expect(await h.call('manager.reports.export', { report: 'ledger', from: '2026-02-30', to: '2026-03-01' })).toMatchObject({ ok: false, error: { rule: 'invalid-input' } });
    expect(await h.call('manager.reports.export', { report: 'ledger', from: '2026-03-05', to: '2026-03-01' })).toMatchObject({ ok: false, error: { rule: 'invalid-input' } });
    expect(await h.call('manager.reports.export', { report: 'ledger', from: '5.3.2026', to: '2026-03-01' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
