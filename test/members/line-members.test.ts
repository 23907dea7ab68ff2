/**
 * Who a line entry belongs to, as the line (F2) shows it: a name and a masked
 * phone, or a member code — never the internal member id (a counter-enrolled
 * member's id is `register-1-M…`, Latin and raw). The line's member filter
 * takes what the cashier knows: a phone number, a member code, or an id.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/manager/csv';
import { addMember, configure, openHarness, readyToSell } from '../app/helpers';

describe('members on the line', () => {
  it('entries carry the member as shown; the filter finds a member by phone, code or id; an unknown one is refused in Chinese', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000 });
    const enrolled = await h.ok('members.enrol', { phone: '13700000001', nickname: '周' });
    expect(enrolled.id).toMatch(/^register-1-M/);
    addMember(h.backend.db, { id: 'M-GOLD', code: 'VIP0001', maskedPhone: '138****8000', phone: '13800008000' });
    const sale = (memberId: string | null) => h.ok('checkout.submit', { amountDueFen: 10_000, memberId, tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    const a = await sale(enrolled.id);
    const b = await sale('M-GOLD');
    await sale(null);

    const list = await h.ok('queue.list', {});
    expect(list.entries.map((e) => [e.orderId, e.member])).toEqual([
      [a.orderId, { displayName: '周*', maskedPhone: '137****0001', code: null }],
      [b.orderId, { displayName: null, maskedPhone: '138****8000', code: 'VIP0001' }],
    ]);

    const only = async (memberId: string) => (await h.ok('queue.list', { memberId })).entries.map((e) => e.orderId);
    expect(await only('13700000001')).toEqual([a.orderId]);
    expect(await only('VIP0001')).toEqual([b.orderId]);
    expect(await only('13800008000')).toEqual([b.orderId]);
    expect(await only(enrolled.id)).toEqual([a.orderId]);
    const unknown = await h.call('queue.list', { memberId: '13999999999' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found', reason: { code: 'line.memberNotFound' } } });

    // The orders export names them the same way: code, else name and masked phone; a walk-in's cell is empty.
    await h.ok('manager.unlock', { pin: '2468' });
    const out = await h.ok('manager.reports.export', { report: 'orders', from: '2026-03-01', to: '2026-03-31', language: 'zh' });
    const [header, ...rows] = parseCsv(out.csv);
    const col = header!.indexOf('会员');
    expect(rows.map((r) => r[col])).toEqual(['周* 137****0001', 'VIP0001', '']);
    expect(out.csv).not.toContain('register-1-M');
    h.close();
  });
});
