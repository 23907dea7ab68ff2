/**
 * Issue #12 §3: the receipt's 查询码 — 60 random bits, stored with the order,
 * sent in its event, found at the counter by code or scanned QR; a QR only
 * when the store has a lookup address.
 */
import { describe, expect, it } from 'vitest';
import { formatLookupCode, isLookupUrl, LOOKUP_CODE_BITS, parseLookupCode } from '../../shared/lookup-code';
import { newLookupCode } from '../../electron/backend/app/lookup-code';
import { configure, openHarness, readyToSell } from '../app/helpers';

const cash = (amountDueFen: number) => ({ amountDueFen, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: amountDueFen }] });

describe('查询码', () => {
  it('is 12 base32 characters (60 bits), uniform enough that 2 000 codes never repeat, and reads back from what people type', () => {
    expect(LOOKUP_CODE_BITS).toBe(60);
    const codes = new Set(Array.from({ length: 2000 }, () => newLookupCode()));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(formatLookupCode('K7QH2M9DX4TB')).toBe('K7QH-2M9D-X4TB');
    for (const typed of ['K7QH-2M9D-X4TB', 'k7qh 2m9d x4tb', ' K7QH2M9DX4TB ', 'https://q.example.cn/q/K7QH2M9DX4TB', 'https://h/q/k7qh2m9dx4tb?x=1']) {
      expect(parseLookupCode(typed), typed).toBe('K7QH2M9DX4TB');
    }
    expect(parseLookupCode('K7QH-2M9D-X4T')).toBeNull();
    expect(parseLookupCode('register-1-20260302-000001')).toBeNull();
    expect(parseLookupCode('0O1IL')).toBeNull();
    expect(isLookupUrl('https://q.example.cn/q/')).toBe(true);
    expect(isLookupUrl('javascript:alert(1)')).toBe(false);
    expect(isLookupUrl('https://a b/')).toBe(false);
  });

  it('each checkout stores a code on the order and in its event; the line search finds the order by the code or the QR', async () => {
    const h = openHarness();
    await readyToSell(h);
    configure(h.backend, { extractionBp: 1000, defaultRatioBp: 10000 });
    const member = await h.ok('members.enrol', { phone: '13600000000' });
    const a = await h.ok('checkout.submit', { ...cash(10_000), memberId: member.id });
    const b = await h.ok('checkout.submit', { ...cash(20_000), memberId: member.id });
    const db = h.backend.db;
    const codeOf = (id: string) => db.prepare('SELECT lookup_code FROM orders WHERE id = ?').pluck().get(id) as string;
    expect(codeOf(a.orderId)).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(codeOf(a.orderId)).not.toBe(codeOf(b.orderId));
    const events = db.prepare("SELECT payload FROM outbox WHERE type = 'order.checkout' ORDER BY seq").pluck().all() as string[];
    expect(events.map((p) => (JSON.parse(p) as { lookupCode: string; order: { id: string } }).lookupCode)).toEqual([codeOf(a.orderId), codeOf(b.orderId)]);

    const code = codeOf(b.orderId);
    for (const search of [formatLookupCode(code), code.toLowerCase(), `https://q.example.cn/q/${code}`]) {
      const found = await h.ok('queue.list', { search });
      expect(found.entries.map((e) => e.orderId), search).toEqual([b.orderId]);
    }
    expect((await h.ok('queue.list', { search: 'ZZZZ-ZZZZ-ZZZZ' })).entries).toEqual([]);
    h.close();
  });

  it('the receipt prints the code; the QR only with a lookup address, as that address + the code', async () => {
    const h = openHarness();
    await readyToSell(h);
    const sale = await h.ok('checkout.submit', cash(5_000));
    const code = h.backend.db.prepare('SELECT lookup_code FROM orders').pluck().get() as string;
    const text = sale.receiptLines.join('\n');
    expect(text).toContain(`查询码 ${formatLookupCode(code)}`);
    expect(text).toContain('凭查询码可在收银台查询排队进度');
    expect(text).not.toContain('[二维码]');
    expect(text).not.toMatch(/QR:/);

    await h.ok('manager.unlock', { pin: '2468' });
    expect(await h.call('manager.store.save', { managerPin: '2468', lookupUrl: 'ftp://x/' } as never)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await h.ok('manager.store.save', { managerPin: '2468', lookupUrl: 'https://q.example.cn/q/' } as never);
    const preview = await h.ok('receipt.preview', { orderId: sale.orderId });
    expect(preview.lines.join('\n')).toContain('[二维码]');
    expect(preview.lines.join('\n')).toContain('扫码或凭查询码查询排队进度');
    h.close();
  });
});
