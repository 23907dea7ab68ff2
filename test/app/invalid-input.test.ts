/**
 * Every kind of bad payload, for every command: answered 'invalid-input'
 * before the database is touched — the dump of every table is unchanged.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { commandInputs, type CommandName } from '../../shared/contract';
import { addMember, dbHash, openHarness, readyToSell, type Harness } from './helpers';

const BAD_AMOUNTS: [string, unknown][] = [
  ['a float', 100.5],
  ['negative', -1],
  ['a string', '100'],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['huge', 1e15],
  ['unsafe integer', 2 ** 60],
  ['null', null],
  ['an object', { fen: 1 }],
];

/** The counter's commands; the manager console's have their own table in test/manager/invalid-input.test.ts. */
type CounterCommand = Exclude<CommandName, `manager.${string}`>;

const GOOD: { [N in CounterCommand]: Record<string, unknown> } = {
  'app.status': {},
  'cashiers.list': {},
  'setup.createManager': { name: 'X', pin: '1234' },
  'cashiers.create': { name: 'Y', pin: '1234', role: 'cashier', managerPin: '2468' },
  'session.signIn': { cashierId: 'c-1', pin: '1234' },
  'session.signOut': {},
  'shift.open': { openingFloatFen: 0 },
  'shift.report': {},
  'shift.close': { countedCashFen: 0 },
  'shift.print': {},
  'members.lookup': { query: 'A' },
  'checkout.submit': { amountDueFen: 100, memberId: null, tenders: [{ kind: 'cash', amountFen: 100 }] },
  'order.complete': { orderId: 'o' },
  'queue.list': {},
  'queue.entry': { orderId: 'o' },
  'queue.draw': { orderId: 'o' },
  'queue.exchangeQuote': { orderId: 'o', to: 'points' },
  'queue.exchange': { orderId: 'o', to: 'points' },
  'queue.refundPreview': { orderId: 'o' },
  'queue.refund': { orderId: 'o', managerPin: '2468' },
  'receipt.preview': { orderId: 'o' },
  'receipt.reprint': { orderId: 'o' },
  'members.enrol': { phone: '13812345678' },
  'cashiers.signInChoices': {},
  'orders.list': { limit: 10 },
  'orders.get': { orderId: 'o' },
  'orders.refundPreview': { orderId: 'o' },
  'orders.refund': { orderId: 'o', managerPin: '2468' },
  'startup.state': {},
  'startup.restore': { backupDay: '2026-03-02', managerPin: '2468' },
  'startup.recoverFromServer': { backupDay: '2026-03-02', managerPin: '2468' },
  'display.typing': { amountDueFen: 100, deductionFen: 0 },
  'display.idle': {},
  'printJobs.list': {},
  'printJobs.retry': { jobId: 1 },
  'printJobs.reprint': { jobId: 1 },
  'printJobs.skip': { jobId: 1, reason: '顾客不要' },
  'printJobs.preview': { jobId: 1 },
  'printer.testPage': {},
};

/** Bad payloads for a command: not an object, an unknown field, each required field missing, wrong types. */
function badPayloads(name: CounterCommand): [string, unknown][] {
  const good = GOOD[name];
  const out: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'x'],
    ['an array', [good]],
    ['an unknown field', { ...good, sneaky: 1 }],
    ['a prototype key', JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(good).slice(1, -1) || '"y": 1'}}`)],
  ];
  const shape = commandInputs[name].shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  for (const key of Object.keys(good)) {
    if (!shape[key]!.safeParse(undefined).success) {
      const { [key]: _dropped, ...rest } = good;
      out.push([`missing ${key}`, rest]);
    }
    out.push([`${key} as an object`, { ...good, [key]: { nested: true } }]);
  }
  for (const key of Object.keys(good).filter((k) => /Fen$/.test(k))) {
    for (const [what, value] of BAD_AMOUNTS) out.push([`${key} ${what}`, { ...good, [key]: value }]);
  }
  return out;
}

const CHECKOUT_EXTRA: [string, unknown][] = [
  ...BAD_AMOUNTS.map(([what, v]) => [`tender amount ${what}`, { ...GOOD['checkout.submit'], tenders: [{ kind: 'cash', amountFen: v }] }] as [string, unknown]),
  ...BAD_AMOUNTS.map(([what, v]) => [`points deduction ${what}`, { ...GOOD['checkout.submit'], pointsDeductionFen: v }] as [string, unknown]),
  ['zero amount due', { ...GOOD['checkout.submit'], amountDueFen: 0 }],
  ['amount over 10,000,000.00 yuan', { ...GOOD['checkout.submit'], amountDueFen: 1_000_000_001 }],
  ['nine tenders', { ...GOOD['checkout.submit'], tenders: Array(9).fill({ kind: 'cash', amountFen: 100 }) }],
  ['an unknown tender kind', { ...GOOD['checkout.submit'], tenders: [{ kind: 'bitcoin', amountFen: 100 }] }],
  ['a tender with an extra field', { ...GOOD['checkout.submit'], tenders: [{ kind: 'cash', amountFen: 100, note: 'x' }] }],
  ['an empty member id', { ...GOOD['checkout.submit'], memberId: '' }],
  ['memberId missing', { amountDueFen: 100, tenders: [{ kind: 'cash', amountFen: 100 }] }],
  ['a 65-character order id', { ...GOOD['checkout.submit'], orderId: 'x'.repeat(65) }],
];

describe('invalid input never touches the database', () => {
  let h: Harness;
  beforeAll(async () => {
    h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'A' });
    await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'cash', amountFen: 10_000 }] });
  });
  afterAll(() => h.close());

  for (const name of Object.keys(GOOD) as CounterCommand[]) {
    it(`${name}: every bad payload is invalid-input and the database is unchanged`, async () => {
      const cases = name === 'checkout.submit' ? [...badPayloads(name), ...CHECKOUT_EXTRA] : badPayloads(name);
      for (const [what, payload] of cases) {
        const before = dbHash(h.backend.db);
        const result = await h.handle(name, payload);
        expect(result.ok, `${name} with ${what}`).toBe(false);
        if (!result.ok) {
          expect(result.error.code, `${name} with ${what}`).toBe('invalid-input');
          expect(result.error.issues?.length, `${name} with ${what}`).toBeGreaterThan(0);
        }
        expect(dbHash(h.backend.db), `${name} with ${what}`).toBe(before);
      }
    });
  }

  it('the session is untouched by a bad sign-in payload', async () => {
    const cashier = h.backend.cashier;
    await h.handle('session.signIn', { cashierId: cashier!.id, pin: '12' });
    await h.handle('session.signOut', { now: true });
    expect(h.backend.cashier).toEqual(cashier);
  });
});
