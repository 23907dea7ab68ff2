/** X and Z shift reports on the receipt printer (issue 10 §7): same queue, same preview, bytes decoded. */
import { describe, expect, it } from 'vitest';
import { getJob, jobBytes, readPrinterSettings } from '../../electron/backend/printing/index';
import { decodeEscPos } from '../support/escpos-decoder';
import { openHarness, readyToSell } from './helpers';

function decodedText(h: ReturnType<typeof openHarness>, jobId: number): string {
  const job = getJob(h.backend.db, jobId)!;
  const bytes = jobBytes(h.backend.db, job, readPrinterSettings(h.backend.db));
  return decodeEscPos(bytes).lines.map((l) => l.text).join('\n');
}

describe('shift reports print through the print queue', () => {
  it('closing a shift queues a Z report with the cashier by name, sales (销售额), tenders, refunds apart, float, counted cash and difference', async () => {
    const h = openHarness();
    await readyToSell(h, 20_000);
    await h.ok('checkout.submit', { amountDueFen: 123_450, memberId: null, tenders: [{ kind: 'cash', amountFen: 123_450 }] });
    await h.ok('checkout.submit', { amountDueFen: 5_000, memberId: null, tenders: [{ kind: 'wechat', amountFen: 5_000 }] });
    const z = await h.ok('shift.close', { countedCashFen: 143_000 });
    const job = h.backend.db.prepare(`SELECT id, kind, report, shift_id FROM print_jobs WHERE kind = 'report'`).all() as { id: number; kind: string; report: string; shift_id: number }[];
    expect(job).toEqual([{ id: expect.any(Number), kind: 'report', report: 'Z', shift_id: z.shift.id }]);
    const text = decodedText(h, job[0]!.id);
    expect(text).toContain('Z 报表');
    expect(text).toContain('店长');
    expect(text).not.toContain(z.shift.cashierId);
    expect(text).toMatch(/销售额\s+￥1,284\.50/);
    expect(text).toMatch(/现金\s+￥1,234\.50/);
    expect(text).toMatch(/微信支付\s+￥50\.00/);
    expect(text).toMatch(/备用金\s+￥200\.00/);
    expect(text).toMatch(/应有现金\s+￥1,434\.50/);
    expect(text).toMatch(/清点现金\s+￥1,430\.00/);
    expect(text).toMatch(/现金差额\s+-￥4\.50（短款）/);
    // A copy of the Z from the reports list.
    const again = await h.ok('shift.print', { shiftId: z.shift.id });
    expect(again.report).toBe('Z');
    expect(getJob(h.backend.db, again.jobId)).toMatchObject({ copy: true, reprintOf: job[0]!.id, report: 'Z' });
    expect(again.lines.join('\n')).toContain('副本');
    h.close();
  });

  it('an X report of the open shift prints and is frozen at the time asked', async () => {
    const h = openHarness();
    await readyToSell(h, 0);
    await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: null, tenders: [{ kind: 'alipay', amountFen: 10_000 }] });
    const x = await h.ok('shift.print', {});
    expect(x.report).toBe('X');
    expect(x.lines.join('\n')).toMatch(/销售额\s+￥100\.00/);
    await h.ok('checkout.submit', { amountDueFen: 20_000, memberId: null, tenders: [{ kind: 'alipay', amountFen: 20_000 }] });
    const text = decodedText(h, x.jobId);
    expect(text).toContain('X 报表');
    expect(text).toContain('店长');
    expect(text).toMatch(/销售额\s+￥100\.00/);
    expect(text).toContain('班次未结束');
    expect(getJob(h.backend.db, x.jobId)).toMatchObject({ kind: 'report', report: 'X', state: 'pending' });
    h.close();
  });

  it('with no open shift, 打印 X 报表 is refused in Chinese and nothing is queued', async () => {
    const h = openHarness();
    await h.ok('setup.createManager', { name: '店长', pin: '2468' });
    expect(await h.call('shift.print', {})).toMatchObject({ ok: false, error: { code: 'no-shift' } });
    expect(await h.call('shift.print', { shiftId: 99 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(h.backend.db.prepare('SELECT count(*) AS n FROM print_jobs').get()).toEqual({ n: 0 });
    h.close();
  });
});
