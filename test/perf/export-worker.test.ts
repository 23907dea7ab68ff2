/**
 * Issue 15 §2: a long CSV export runs in a worker thread with its own
 * connection — a checkout answers while it is built — reports its progress,
 * can be cancelled, and its content is right (every row, amounts from fen,
 * cashiers by name).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/manager/csv';
import { localDateTime } from '../../shared/manager/days';
import { localDateTimes } from '../../electron/backend/manager/report-csv';
import type { Harness } from '../app/helpers';
import { DAY, DAY0, HOUR, MANAGER_PIN, managerHarness, seedStore } from '../manager/helpers';

const EXTRA_ROWS = 200_000;
const dir = mkdtempSync(path.join(tmpdir(), 'qrc-export-worker-'));
let h: Harness;
let cashierNames: string[];

const fen = (yuan: string) => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(yuan)!;
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
};

beforeAll(async () => {
  h = await managerHarness(path.join(dir, 'cashier.db'));
  const seed = await seedStore(h);
  // A large history for the export to walk: ledger rows (pool movements) spread over the seeded days, each on a real order.
  const db = h.backend.db;
  const insert = db.prepare("INSERT INTO ledger (queue_id, kind, at, order_id, entry_order_id, amount_fen, units) VALUES (?, 'pool_in', ?, ?, NULL, ?, 0)");
  db.transaction(() => {
    for (let i = 0; i < EXTRA_ROWS; i++) insert.run(h.backend.queueId, DAY0 + 9 * HOUR + ((i * 37) % (4 * DAY)), seed.orders[i % seed.orders.length]!, 1 + (i % 9_999));
  })();
  cashierNames = db.prepare('SELECT name FROM cashiers').pluck().all() as string[];
  // Checkouts during the exports happen after the exported range, so the range's rows are fixed.
  h.clock.now = DAY0 + 5 * DAY + 9 * HOUR;
  await h.ok('manager.unlock', { pin: MANAGER_PIN });
}, 120_000);
afterAll(() => {
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

const sale = { amountDueFen: 10_000, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: 10_000 }] };

describe('CSV export in a worker thread', () => {
  it('checkouts answer while a large ledger export is built; the export is complete and right', async () => {
    let exportDone = false;
    let maxGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const t = performance.now();
      maxGap = Math.max(maxGap, t - last);
      last = t;
    }, 10);
    const started = performance.now();
    const exporting = h.ok('manager.reports.export', { report: 'ledger', from: '2026-03-01', to: '2026-03-06' }).finally(() => {
      exportDone = true;
    });
    // Wait until the worker has written rows, then sell.
    for (;;) {
      const p = await h.ok('manager.reports.exportProgress', {});
      if (exportDone || (p && p.done > 0)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const latencies: number[] = [];
    let soldWhileExporting = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await h.ok('checkout.submit', sale);
      latencies.push(performance.now() - t0);
      if (!exportDone) soldWhileExporting += 1;
      h.clock.now += 60_000;
    }
    const out = await exporting;
    const exportMs = performance.now() - started;
    clearInterval(ticker);

    // Built off the main thread: checkouts completed before the export did (impossible if it held the loop), each in a
    // generous bound on a loaded machine, and the event loop never stalled for long.
    void exportMs;
    expect(soldWhileExporting, `export took ${Math.round(exportMs)} ms`).toBeGreaterThanOrEqual(1);
    for (const ms of latencies) expect(ms).toBeLessThan(2_000);
    expect(maxGap).toBeLessThan(1_000);

    const rows = parseCsv(out.csv);
    expect(rows[0]).toEqual(['流水号', '时间', '类型', '付款订单', '收银员', '权益订单', '金额(元)', '积分/券(单位)']);
    const data = rows.slice(1);
    const end = Date.parse('2026-03-07T00:00:00+08:00');
    const sql = h.backend.db.prepare('SELECT count(*) AS n, sum(amount_fen) AS s FROM ledger WHERE at < ?').get(end) as { n: number; s: number };
    expect(sql.n).toBeGreaterThan(EXTRA_ROWS);
    expect(out.rows).toBe(sql.n);
    expect(data).toHaveLength(sql.n);
    expect(data.reduce((s, r) => s + fen(r[6]!), 0)).toBe(sql.s);
    const names = new Set(cashierNames);
    expect(data.filter((r) => r[3] !== '' && !names.has(r[4]!))).toEqual([]);
    expect(data.filter((r) => r[2] === '转入奖池').length).toBeGreaterThanOrEqual(EXTRA_ROWS);
    expect(data.every((r) => /^\d+\.\d{2}$/.test(r[6]!))).toBe(true);
  }, 120_000);

  it('reports its progress, refuses a second export meanwhile, and is cancelled at once', async () => {
    const exporting = h.call('manager.reports.export', { report: 'ledger', from: '2026-03-01', to: '2026-03-06' });
    let seen = null as null | { done: number; total: number };
    for (let i = 0; i < 2_000 && !seen; i++) {
      const p = await h.ok('manager.reports.exportProgress', {});
      if (p && p.total > 0) seen = p;
      else await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen).not.toBeNull();
    expect(seen!.total).toBeGreaterThan(EXTRA_ROWS);
    expect(await h.call('manager.reports.export', { report: 'queue', from: '2026-03-01', to: '2026-03-06' })).toMatchObject({ ok: false, error: { rule: 'export-running' } });
    expect(await h.ok('manager.reports.exportCancel', {})).toEqual({ cancelled: true });
    expect(await exporting).toMatchObject({ ok: false, error: { rule: 'export-cancelled' } });
    expect(await h.ok('manager.reports.exportProgress', {})).toBeNull();
    expect(await h.ok('manager.reports.exportCancel', {})).toEqual({ cancelled: false });
    // Only the finished export was audited.
    expect(h.backend.db.prepare("SELECT count(*) FROM manager_audit WHERE action = 'reports.export'").pluck().get()).toBe(1);
  }, 120_000);

  it('times are the register zone\'s local time, as localDateTime writes them (the per-quarter-hour cache changes nothing)', () => {
    for (const tz of ['Asia/Shanghai', 'Asia/Kathmandu', 'America/New_York', 'Australia/Lord_Howe', 'UTC']) {
      const fast = localDateTimes(tz);
      // Across a year, with DST changes, at odd seconds.
      for (let at = Date.parse('2026-01-01T00:00:00Z'); at < Date.parse('2027-01-01T00:00:00Z'); at += 37_777_777) {
        expect(fast(at), `${tz} ${at}`).toBe(localDateTime(at, tz));
        expect(fast(at + 59_999)).toBe(localDateTime(at + 59_999, tz));
      }
    }
  });

  it('the orders export: one row per order paid in the range, with the cashier by name and money from fen', async () => {
    const out = await h.ok('manager.reports.export', { report: 'orders', from: '2026-03-02', to: '2026-03-06' });
    const [header, ...data] = parseCsv(out.csv);
    expect(header!.slice(0, 7)).toEqual(['订单号', '付款时间', '收银员', '会员', '应收(元)', '抵扣(元)', '实收(元)']);
    const sql = h.backend.db.prepare('SELECT count(*) AS n, sum(actual_paid_fen) AS s FROM orders WHERE paid_at < ?').get(Date.parse('2026-03-07T00:00:00+08:00')) as { n: number; s: number };
    expect(data).toHaveLength(sql.n);
    expect(data.reduce((s, r) => s + fen(r[6]!), 0)).toBe(sql.s);
    for (const r of data) expect(cashierNames).toContain(r[2]);
  }, 60_000);
});
