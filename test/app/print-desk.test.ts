/** The print queue as the cashier handles it (issue 10 §5): list, retry, reprint, skip (audited), test page, status. */
import { describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR } from '../../electron/backend/printing/index';
import { printCause, syncCause } from '../../shared/failures';
import { configure, addMember, openHarness, readyToSell } from './helpers';

describe('print jobs at the counter', () => {
  it('a job left failed by a crash is listed, named in the status, and can be retried or skipped with a reason (audited)', async () => {
    const h = openHarness();
    await readyToSell(h);
    const sale = async () => (await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] })).orderId;
    const a = await sale();
    const b = await sale();
    const db = h.backend.db;
    // A crash mid-send (the worker's start-up recovery) and a paper-out failure the worker will retry.
    db.prepare(`UPDATE print_jobs SET state = 'failed', last_error = ?, next_attempt_at = NULL WHERE order_id = ?`).run(INTERRUPTED_ERROR, a);
    db.prepare(`UPDATE print_jobs SET state = 'failed', last_error = '打印机缺纸 (paper out)', next_attempt_at = 1 WHERE order_id = ?`).run(b);

    const list = await h.ok('printJobs.list', {});
    expect(list.needsCashier).toBe(1);
    expect(list.jobs.map((j) => [j.orderId, j.state, j.cause])).toEqual([
      [b, 'failed', 'paper-out'],
      [a, 'failed', 'interrupted'],
    ]);
    const status = await h.ok('app.status', {});
    expect(status.printer.failedJob).toMatchObject({ orderId: a, cause: 'interrupted' });
    expect(status.printer.needsCashier).toBe(1);

    const jobA = list.jobs.find((j) => j.orderId === a)!;
    const jobB = list.jobs.find((j) => j.orderId === b)!;
    expect((await h.ok('printJobs.retry', { jobId: jobB.id })).state).toBe('pending');
    const skipped = await h.ok('printJobs.skip', { jobId: jobA.id, reason: '顾客不要小票' });
    expect(skipped.state).toBe('skipped');
    const audit = db.prepare(`SELECT action, cashier_id, manager_id, detail FROM manager_audit WHERE action = 'print.skip'`).get() as { detail: string; cashier_id: string; manager_id: string | null };
    expect(JSON.parse(audit.detail)).toMatchObject({ jobId: jobA.id, orderId: a, reason: '顾客不要小票', state: 'failed' });
    expect(audit.cashier_id).toBeTruthy();
    expect(audit.manager_id).toBeNull();
    // A skipped job cannot be skipped or retried again: reprint makes a copy.
    expect(await h.call('printJobs.retry', { jobId: jobA.id })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'print-job-skipped' } });
    const copy = await h.ok('printJobs.reprint', { jobId: jobA.id });
    expect(db.prepare('SELECT copy, reprint_of FROM print_jobs WHERE id = ?').get(copy.jobId)).toEqual({ copy: 1, reprint_of: jobA.id });
    // A skip needs a reason; an unknown job is not found; nothing changes.
    expect(await h.call('printJobs.skip', { jobId: jobB.id, reason: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await h.call('printJobs.skip', { jobId: 9999, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const after = await h.ok('app.status', {});
    expect(after.printer.needsCashier).toBe(0);
    expect(after.printer.failedJob).toBeNull();
    // The test page goes through the same queue.
    const test = await h.ok('printer.testPage', {});
    expect(db.prepare('SELECT kind, state FROM print_jobs WHERE id = ?').get(test.jobId)).toEqual({ kind: 'test', state: 'pending' });
    h.close();
  });

  it('jobs only shown on screen (no printer set) are listed as 仅预览 for a day, after the jobs that wait; one can be printed later', async () => {
    const h = openHarness();
    await readyToSell(h);
    const sale = async () => (await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] })).orderId;
    const old = await sale();
    const shown = await sale();
    const waiting = await sale();
    const db = h.backend.db;
    const now = h.clock.now;
    // What the worker does with no printer set: the receipt went to the screen, the row is kept as `previewed`.
    db.prepare(`UPDATE print_jobs SET state = 'previewed', next_attempt_at = NULL, updated_at = ? WHERE order_id = ?`).run(now - 2 * 24 * 3_600_000, old);
    db.prepare(`UPDATE print_jobs SET state = 'previewed', next_attempt_at = NULL, updated_at = ? WHERE order_id = ?`).run(now - 60_000, shown);
    const list = await h.ok('printJobs.list', {});
    expect(list.jobs.map((j) => [j.orderId, j.state])).toEqual([
      [waiting, 'pending'],
      [shown, 'previewed'],
    ]);
    expect(list.needsCashier).toBe(0);
    // Once a printer is set, R prints it: the job waits for the worker again.
    const job = list.jobs.find((j) => j.orderId === shown)!;
    expect((await h.ok('printJobs.retry', { jobId: job.id })).state).toBe('pending');
    // A day later it is no longer listed.
    db.prepare(`UPDATE print_jobs SET state = 'previewed', updated_at = ? WHERE id = ?`).run(now, job.id);
    h.clock.now += 24 * 3_600_000 + 1;
    expect((await h.ok('printJobs.list', {})).jobs.map((j) => j.orderId)).toEqual([waiting]);
    h.close();
  });

  it('causes are read from the printer’s and the sync client’s messages', () => {
    expect(printCause('打印机缺纸 (paper out)')).toBe('paper-out');
    expect(printCause('打印机盖未关 (cover open)')).toBe('cover-open');
    expect(printCause('打印机拒绝连接 (connection refused by 127.0.0.1:9100)')).toBe('refused');
    expect(printCause('打印机无响应 (127.0.0.1:9100 did not take the job within 5000 ms)')).toBe('timeout');
    expect(printCause('打印机断开了连接 (closed)')).toBe('closed');
    expect(printCause(INTERRUPTED_ERROR)).toBe('interrupted');
    expect(syncCause('cannot reach https://c.example: no answer within 5000 ms')).toBe('unreachable');
    expect(syncCause('the server refused events 1–5: conflict: x')).toBe('refused');
    expect(syncCause(null)).toBeNull();
  });

  it('shows what a job puts on paper: the draw slip, its copy, a receipt; an unknown job is not found and nothing changes', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, settlement: 'completion', lottery: { fixedBp: [5000] } });
    addMember(h.backend.db, { id: 'A' });
    const sale = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    await h.ok('queue.draw', { orderId: sale.orderId });
    const db = h.backend.db;
    const slipJob = db.prepare(`SELECT id FROM print_jobs WHERE order_id = ? AND slip = 'draw'`).pluck().get(sale.orderId) as number;
    const receiptJob = db.prepare(`SELECT id FROM print_jobs WHERE order_id = ? AND slip IS NULL`).pluck().get(sale.orderId) as number;
    const before = db.prepare('SELECT id, state, attempts, updated_at FROM print_jobs ORDER BY id').all();

    const slip = await h.ok('printJobs.preview', { jobId: slipJob });
    expect(slip.jobId).toBe(slipJob);
    const text = slip.lines.join('\n');
    expect(text).toContain('抽奖凭条');
    expect(text).toContain('50%');
    expect(text).not.toContain('副本');
    expect(text).not.toMatch(/[A-Za-z]{3,}/); // what the paper says, in Chinese: no English word, no raw id
    const copy = await h.ok('printJobs.reprint', { jobId: slipJob });
    expect((await h.ok('printJobs.preview', { jobId: copy.jobId })).lines.join('\n')).toContain('副本');
    expect((await h.ok('printJobs.preview', { jobId: receiptJob })).lines.join('\n')).toMatch(/收银小票[\s\S]*实付金额 +￥100.00/);

    expect(await h.call('printJobs.preview', { jobId: 9999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await h.call('printJobs.preview', { jobId: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    // Looking changes nothing: the jobs are as they were (the copy aside).
    expect(db.prepare('SELECT id, state, attempts, updated_at FROM print_jobs WHERE id <> ? ORDER BY id').all(copy.jobId)).toEqual(before);
    h.close();
  });
});
