/** Every manager command refuses malformed payloads with invalid-input before touching the database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagerCommandName } from '../../shared/contract-manager';
import type { Harness } from '../app/helpers';
import { dbHash, MANAGER_PIN, managerHarness } from './helpers';

const GOOD: { [N in ManagerCommandName]: Record<string, unknown> } = {
  'manager.unlock': { pin: MANAGER_PIN },
  'manager.lock': {},
  'manager.session': {},
  'manager.changePin': { currentPin: MANAGER_PIN, newPin: '1357' },
  'manager.clock.confirm': { managerPin: MANAGER_PIN },
  'manager.settings.get': {},
  'manager.settings.save': { changes: { extractionBp: 1000 } },
  'manager.audit.list': { log: 'settings' },
  'manager.details.get': {},
  'manager.store.save': { name: 'S' },
  'manager.printer.save': { copies: 1 },
  'manager.sync.save': { storeId: 's' },
  'manager.sync.enrol': { url: 'wss://central.example.com', code: 'ABCD-EFGH' },
  'manager.whyRatio': { orderId: 'o' },
  'manager.dashboard': { days: 7 },
  'manager.whatIf': { days: 7, cashier: {} },
  'manager.whatIf.start': { days: 7, cashier: {} },
  'manager.whatIf.status': { jobId: 'j' },
  'manager.whatIf.cancel': { jobId: 'j' },
  'manager.whatIf.scenario': { jobId: 'j', side: 'edited' },
  'manager.reports.shifts': { from: '2026-03-01', to: '2026-03-02' },
  'manager.reports.export': { report: 'ledger', from: '2026-03-01', to: '2026-03-02' },
  'manager.reports.exportProgress': {},
  'manager.reports.exportCancel': {},
  'manager.printer.discover': {},
  'manager.printer.testPage': {},
  'manager.staff.list': {},
  'manager.staff.create': { name: 'N', role: 'cashier', pin: '1234' },
  'manager.staff.rename': { cashierId: 'c', name: 'N' },
  'manager.staff.setDisabled': { cashierId: 'c', disabled: true },
  'manager.staff.resetPin': { managerPin: MANAGER_PIN, cashierId: 'c', newPin: '1234' },
  'manager.customerDisplay.get': {},
  'manager.customerDisplay.save': { display: 'off' },
  'manager.sync.log': {},
};

let h: Harness;
beforeAll(async () => {
  h = await managerHarness();
  await h.ok('manager.unlock', { pin: MANAGER_PIN });
});
afterAll(() => h.close());

describe('manager commands: invalid input never touches the database', () => {
  for (const name of Object.keys(GOOD) as ManagerCommandName[]) {
    it(name, async () => {
      const good = GOOD[name];
      const cases: [string, unknown][] = [
        ['undefined', undefined],
        ['a string', 'x'],
        ['an array', [good]],
        ['an unknown field', { ...good, sneaky: 1 }],
        ['a malformed managerPin', { ...good, managerPin: '12ab' }],
        ...Object.keys(good).map((key): [string, unknown] => [`${key} as an object`, { ...good, [key]: { nested: true } }]),
      ];
      if (name === 'manager.lock' || name === 'manager.session' || name === 'manager.unlock' || name === 'manager.changePin') cases.splice(4, 1);
      for (const [what, payload] of cases) {
        const before = dbHash(h.backend.db);
        const result = await h.handle(name, payload);
        expect(result.ok, `${name} with ${what}`).toBe(false);
        if (!result.ok) expect(result.error.code, `${name} with ${what}`).toBe('invalid-input');
        expect(dbHash(h.backend.db), `${name} with ${what}`).toBe(before);
      }
    });
  }
});
