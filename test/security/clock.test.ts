/**
 * docs/security.md §4 — the counter's clock is bounded: a wall clock more
 * than 5 minutes behind the last operation or more than a day ahead of it
 * stops every command that stamps time (rule clock-behind / clock-ahead,
 * nothing written), the status snapshot says so, and only a manager's
 * confirmation (PIN, audited) lets the counter go on. Nothing is stamped in
 * the future of a clock nobody confirmed.
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_AHEAD_LIMIT_MS, CLOCK_BEHIND_LIMIT_MS } from '../../electron/backend/app/clock';
import { dbHash, DAY, HOUR, MANAGER_PIN, managerHarness } from '../manager/helpers';

const sale = { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash' as const, amountFen: 1000 }] };

function audit(h: { backend: { db: { prepare(sql: string): { all(): unknown[] } } } }) {
  return h.backend.db.prepare("SELECT action, manager_id, detail FROM manager_audit WHERE action = 'clock.confirm'").all() as { detail: string }[];
}

describe('the counter clock is bounded', () => {
  it('a wall clock a year ahead stops the counter: nothing is stamped, the status says why', async () => {
    const h = await managerHarness();
    const first = await h.ok('checkout.submit', sale);
    h.clock.now += 365 * DAY;
    const before = dbHash(h.backend.db);
    for (const r of [
      await h.call('checkout.submit', sale),
      await h.call('order.complete', { orderId: first.orderId }),
      await h.call('queue.refund', { orderId: first.orderId, managerPin: MANAGER_PIN }),
      await h.call('shift.close', { countedCashFen: 0 }),
    ]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'rule', rule: 'clock-ahead' } });
    }
    h.backend.tick(); // no missed reset or completion on an untrusted clock
    expect(dbHash(h.backend.db)).toBe(before);
    expect((await h.ok('app.status', {})).clock).toEqual({ state: 'ahead', wallAt: h.clock.now, lastOperationAt: first.paidAt });
    h.close();
  });

  it('a wall clock set back an hour stops the counter instead of stamping every sale at the same instant', async () => {
    const h = await managerHarness();
    const first = await h.ok('checkout.submit', sale);
    h.clock.now -= HOUR;
    expect(await h.call('checkout.submit', sale)).toMatchObject({ ok: false, error: { code: 'rule', rule: 'clock-behind' } });
    expect((await h.ok('app.status', {})).clock).toMatchObject({ state: 'behind', lastOperationAt: first.paidAt });
    // Within the bound, the sale goes through at the last instant.
    h.clock.now = first.paidAt - CLOCK_BEHIND_LIMIT_MS;
    expect((await h.ok('checkout.submit', sale)).paidAt).toBe(first.paidAt);
    h.close();
  });

  it('ahead: a manager confirms with the PIN (audited), then the counter sells at the confirmed time', async () => {
    const h = await managerHarness();
    await h.ok('checkout.submit', sale);
    h.clock.now += 3 * DAY;
    expect(await h.call('manager.clock.confirm', { managerPin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(audit(h)).toHaveLength(0);
    const confirmed = await h.ok('manager.clock.confirm', { managerPin: MANAGER_PIN });
    expect(confirmed.state).toBe('ahead');
    expect(audit(h)).toHaveLength(1);
    expect(JSON.parse(audit(h)[0]!.detail)).toMatchObject({ state: 'ahead', wallAt: h.clock.now });
    expect((await h.ok('checkout.submit', sale)).paidAt).toBe(h.clock.now);
    expect((await h.ok('app.status', {})).clock.state).toBe('ok');
    h.close();
  });

  it('behind: after a confirmation sales are stamped at the last operation, never earlier; a further step back stops again', async () => {
    const h = await managerHarness();
    const first = await h.ok('checkout.submit', sale);
    h.clock.now -= HOUR;
    await h.ok('manager.clock.confirm', { managerPin: MANAGER_PIN });
    expect((await h.ok('checkout.submit', sale)).paidAt).toBe(first.paidAt);
    h.clock.now += 2 * HOUR; // real time passes the last operation: normal again
    const later = await h.ok('checkout.submit', sale);
    expect(later.paidAt).toBe(h.clock.now);
    h.clock.now -= HOUR;
    expect(await h.call('checkout.submit', sale)).toMatchObject({ ok: false, error: { rule: 'clock-behind' } });
    h.close();
  });

  it('an idle register that keeps running is not "a day ahead": the minute tick moves the reference', async () => {
    const h = await managerHarness();
    await h.ok('checkout.submit', sale);
    for (let i = 0; i < 30; i++) {
      h.clock.now += HOUR;
      h.backend.tick();
    }
    expect((await h.ok('app.status', {})).clock.state).toBe('ok');
    expect((await h.call('checkout.submit', sale)).ok).toBe(true);
    // A jump of more than a day between two ticks stops it.
    h.clock.now += CLOCK_AHEAD_LIMIT_MS + 60_000;
    h.backend.tick();
    expect((await h.ok('app.status', {})).clock.state).toBe('ahead');
    h.close();
  });
});
