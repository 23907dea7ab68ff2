/**
 * Issue #12 §4: each of the five display switches controls the customer
 * display, the receipt and the customer page (the shared `shownEntry` /
 * `shownMember` the central page uses) the same way. Each switch is turned
 * off alone and every surface is checked, then all back on.
 */
import { describe, expect, it } from 'vitest';
import { DISPLAY_SWITCHES, shownEntry, shownMember, type DisplaySwitch } from '../../shared/customer-display';
import { configure, openHarness, readyToSell } from '../app/helpers';

const LABEL: Record<Exclude<DisplaySwitch, 'memberIdentity'>, string> = {
  queueProgress: '入队位置',
  amountWaiting: '入队时前方待返',
  totalReceived: '已返金额',
  pendingAmount: '尚待返还',
};

async function surfaces(off: DisplaySwitch | null) {
  const h = openHarness();
  await readyToSell(h);
  const display = Object.fromEntries(DISPLAY_SWITCHES.map((s) => [s, s !== off]));
  configure(h.backend, { extractionBp: 5000, defaultRatioBp: 20000, display } as never);
  const first = await h.ok('members.enrol', { phone: '13900000001', nickname: '甲' });
  const second = await h.ok('members.enrol', { phone: '13900000002', nickname: '乙' });
  const a = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: first.id, tenders: [{ kind: 'cash', amountFen: 10_000 }] });
  // The second sale pays half its amount to the first entry: it has received something, and waits behind it.
  await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: second.id, tenders: [{ kind: 'cash', amountFen: 10_000 }] });
  const customerDisplay = h.backend.customerDisplay.current();
  const receiptOfSecond = (await h.ok('receipt.preview', { orderId: await lastOrder(h) })).lines.join('\n');
  const receiptOfFirst = (await h.ok('receipt.preview', { orderId: a.orderId })).lines.join('\n');
  const details = await h.ok('queue.entry', { orderId: a.orderId });
  const on = display as Record<DisplaySwitch, boolean>;
  const page = { entry: shownEntry(details.entry, on), member: shownMember(details.member, on) };
  h.close();
  return { customerDisplay, receiptOfFirst, receiptOfSecond, page };
}

async function lastOrder(h: ReturnType<typeof openHarness>): Promise<string> {
  return h.backend.db.prepare('SELECT id FROM orders ORDER BY paid_at DESC, id DESC LIMIT 1').pluck().get() as string;
}

describe('display switches mean the same on every surface', () => {
  it('all on: every fact is shown on the display, both receipts and the customer page', async () => {
    const { customerDisplay, receiptOfFirst, receiptOfSecond, page } = await surfaces(null);
    expect(customerDisplay).toMatchObject({ phase: 'result', isMember: true, member: { displayName: '乙*', maskedPhone: '139****0002' } });
    if (customerDisplay.phase !== 'result') throw new Error('result expected');
    expect(customerDisplay.entry).toMatchObject({ position: 2, aheadFen: 15_000, receivedFen: 0, pendingFen: 20_000 });
    for (const label of ['入队位置', '入队时前方待返', '尚待返还', '139****0002']) expect(receiptOfSecond, label).toContain(label);
    expect(receiptOfFirst).toContain('已返金额');
    expect(page.entry).toMatchObject({ position: 1, aheadFen: 0, receivedFen: 5_000, pendingFen: 15_000 });
    expect(page.member).toEqual({ displayName: '甲*', maskedPhone: '139****0001' });
  });

  for (const off of DISPLAY_SWITCHES) {
    it(`${off} off hides it on the display, the receipt and the customer page, and nothing else`, async () => {
      const { customerDisplay, receiptOfFirst, receiptOfSecond, page } = await surfaces(off);
      if (customerDisplay.phase !== 'result') throw new Error('result expected');
      const field = { queueProgress: 'position', amountWaiting: 'aheadFen', totalReceived: 'receivedFen', pendingAmount: 'pendingFen' } as const;
      if (off === 'memberIdentity') {
        expect(customerDisplay.member).toBeNull();
        expect(customerDisplay.isMember).toBe(true);
        expect(page.member).toBeNull();
        for (const receipt of [receiptOfFirst, receiptOfSecond]) {
          expect(receipt).not.toMatch(/139\*{4}000\d/);
          expect(receipt).not.toMatch(/[甲乙]\*/);
          expect(receipt).not.toMatch(/^会员/m);
        }
        expect(customerDisplay.entry?.position).toBe(2);
        return;
      }
      expect(customerDisplay.entry?.[field[off]]).toBeNull();
      expect(page.entry[field[off]]).toBeNull();
      const receipt = off === 'totalReceived' ? receiptOfFirst : receiptOfSecond;
      expect(receipt).not.toContain(LABEL[off]);
      // The other facts stay.
      for (const other of DISPLAY_SWITCHES) {
        if (other === off || other === 'memberIdentity') continue;
        expect(page.entry[field[other]], other).not.toBeNull();
      }
      expect(receiptOfSecond).toContain('139****0002');
    });
  }
});
