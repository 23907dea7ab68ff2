/** docs/security.md §7 — impossible calendar dates are refused, not rolled over. */
import { describe, expect, it } from 'vitest';
import { isCalendarDateTime, isoInstant } from '../../shared/settings';

describe('impossible calendar dates', () => {
  it('2026-02-31 and other rolled-over instants are refused; real ones pass', () => {
    for (const bad of ['2026-02-31T10:00:00+08:00', '2026-04-31T10:00:00+08:00', '2025-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T10:00:00Z']) {
      expect(isoInstant.safeParse(bad).success, bad).toBe(false);
    }
    for (const good of ['2028-02-29T10:00:00+08:00', '2026-01-31T23:59:59Z', '2026-03-01T00:00+08:00']) {
      expect(isoInstant.safeParse(good).success, good).toBe(true);
      expect(isCalendarDateTime(good)).toBe(true);
    }
  });
});

describe('member levels named like object properties', () => {
  it('constructor / toString / hasOwnProperty levels get no ratio from the prototype; a real one is used', async () => {
    const { decideRatio } = await import('../../shared/engine/ratio');
    const layers = { base: {}, cashier: { levelRatiosBp: { gold: 3000, toString: 2500 } } } as never;
    const spend = () => 0 as never;
    for (const level of ['constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const d = decideRatio({ layers, member: { id: 'm', level }, spendInLastDays: spend });
      expect(d.steps.find((s) => s.rule === 'cashier.level')?.applies, level).toBe(false);
      expect(Number.isInteger(d.ratioBp), level).toBe(true);
    }
    expect(decideRatio({ layers, member: { id: 'm', level: 'toString' }, spendInLastDays: spend }).steps[0]).toMatchObject({ applies: true, ratioBp: 2500 });
  });
});

describe('payloads and error messages', () => {
  it('an Error, a Map or a Date is refused as a payload; a plain object with the same fields is not', async () => {
    const { parseCommandInput } = await import('../../shared/contract');
    const error = Object.assign(new Error('x'), { query: '13800000000' });
    for (const raw of [error, new Map([['query', 'a']]), new Date(0)]) {
      expect(parseCommandInput('members.lookup', raw)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(parseCommandInput('members.lookup', { query: 'a' }).ok).toBe(true);
    expect(parseCommandInput('members.lookup', Object.assign(Object.create(null) as object, { query: 'a' })).ok).toBe(true);
  });

  it('10 000 unknown keys give a short message', async () => {
    const { parseCommandInput, MAX_ERROR_MESSAGE, MAX_ISSUES } = await import('../../shared/contract');
    const raw: Record<string, unknown> = { query: 'a' };
    for (let i = 0; i < 10_000; i++) raw[`unknown_key_${i}`] = i;
    const r = parseCommandInput('members.lookup', raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE);
    expect(r.error.issues!.length).toBeLessThanOrEqual(MAX_ISSUES);
    expect(JSON.stringify(r.error).length).toBeLessThan(10_000);
  });
});

describe('a level named __proto__ works like any name (docs/security.md §7)', () => {
  it('its ratio survives settings parsing, storage and reload, and a checkout uses it', async () => {
    const { parseSettingsLayer } = await import('../../shared/settings');
    const { changeSettings, seededRandom } = await import('../../shared/engine/index');
    const { openHarness, readyToSell } = await import('../app/helpers');
    const layer = parseSettingsLayer(JSON.parse('{"levelRatiosBp": {"__proto__": 13000, "constructor": 9000}, "levelNames": {"__proto__": "原型卡"}}'));
    expect(Object.keys(layer.levelRatiosBp!)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(layer.levelRatiosBp!)).toBeNull();
    expect(JSON.stringify(layer)).toContain('"__proto__":13000');

    const h = openHarness();
    await readyToSell(h);
    const b = h.backend;
    b.store.transaction(() =>
      changeSettings(
        { store: b.store, queueId: b.queueId, timezone: b.timezone, random: seededRandom(1), newEventId: () => `set-proto` },
        { at: b.now(), cashier: JSON.parse('{"extractionBp": 1000, "defaultRatioBp": 10000, "levelRatiosBp": {"__proto__": 13000}}'), actor: 'test', source: 'manager' },
      ),
    );
    b.db.prepare("INSERT INTO members (id, level, source, updated_at) VALUES ('M-proto', '__proto__', 'local', 0)").run();
    const reopened = h.reopen();
    const [manager] = await reopened.ok('cashiers.list', {});
    await reopened.ok('session.signIn', { cashierId: manager!.id, pin: '2468' });
    const out = await reopened.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'M-proto', tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    expect(out.entry?.ratioBp).toBe(13_000);
    expect(out.entry?.rule).toBe('cashier.level');
    reopened.close();
  });
});
