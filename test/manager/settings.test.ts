/** Settings in the console: per-field validation, audited saves (old → new), layers and origins, store/printer/sync sections. */
import { describe, expect, it } from 'vitest';
import { applyBaseSettingsPush } from '../../electron/backend/sync/apply';
import { MANAGER_PIN, managerHarness, dbHash } from './helpers';

/** One invalid value per §6 field, with the path and the message the console shows. */
const INVALID: [string, unknown, string, RegExp][] = [
  ['enabled', 'yes', 'changes.enabled', /expected boolean/],
  ['rebateName', '   ', 'changes.rebateName', />=1 characters/],
  ['exchangeName', 'x'.repeat(21), 'changes.exchangeName', /<=20 characters/],
  ['extractionBp', 10_001, 'changes.extractionBp', /extraction ratio \(bp\) must be at most 10000/],
  ['defaultRatioBp', 100_001, 'changes.defaultRatioBp', /reward ratio \(bp\) must be at most 100000/],
  ['levelRatiosBp', { gold: -1 }, 'changes.levelRatiosBp.gold', /must be at least 0/],
  ['tiers', [{ days: 0, minSpendFen: 0, ratioBp: 100 }], 'changes.tiers.0.days', /tier days must be at least 1/],
  ['lottery', { minBp: 5000, maxBp: 1000 }, 'changes.lottery', /minBp must not be above maxBp/],
  ['settlement', 'later', 'changes.settlement', /"payment"\|"completion"/],
  ['autoCompleteMinutes', 1.5, 'changes.autoCompleteMinutes', /must be a whole number/],
  ['ordering', 'random', 'changes.ordering', /"queue"\|"completedFirst"/],
  ['deductionRule', 'sometimes', 'changes.deductionRule', /"participates"\|"excluded"/],
  ['leftover', 'burn', 'changes.leftover', /"undistributed"\|"carry"/],
  ['windows', [{ from: '25:00', to: '10:00' }], 'changes.windows.0.from', /HH:MM/],
  ['windows', [{ from: '10:00', to: '10:00' }], 'changes.windows.0', /must not start and end at the same minute/],
  ['limits', { perMemberPerDay: -1 }, 'changes.limits.perMemberPerDay', /at least 0/],
  ['randomReturn', { cashCount: 0, pointsCount: 0 }, 'changes.randomReturn', /at least one order/],
  ['exchange', { pointsBp: 1.5 }, 'changes.exchange.pointsBp', /whole number/],
  ['reset', { kind: 'weekly', weekday: 8 }, 'changes.reset.weekday', /at most 7/],
  ['paused', 1, 'changes.paused', /expected boolean/],
  ['display', { avatar: true }, 'changes.display', /Unrecognized key/],
];

describe('rebate settings in the console', () => {
  it.each(INVALID)('%s = %j is refused with a message for that field, and nothing changes', async (field, value, path, message) => {
    const h = await managerHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const before = dbHash(h.backend.db);
    const r = await h.call('manager.settings.save', { changes: { [field]: value } } as never);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid-input');
    expect(r.error.issues![0]).toMatchObject({ path, message: expect.stringMatching(message) });
    expect(dbHash(h.backend.db)).toBe(before);
    h.close();
  });

  it('a section saves in one transaction: settings_audit keeps old → new per field with the manager and source; tiers are sorted', async () => {
    const h = await managerHarness();
    const { managerId } = await h.ok('manager.unlock', { pin: MANAGER_PIN });
    await h.ok('manager.settings.save', { changes: { extractionBp: 1000, defaultRatioBp: 12_000 } });
    h.clock.now += 60_000;
    const saved = await h.ok('manager.settings.save', {
      changes: {
        extractionBp: 1500,
        defaultRatioBp: null,
        paused: false,
        tiers: [
          { days: 30, minSpendFen: 500_000, ratioBp: 15_000 },
          { days: 7, minSpendFen: 100_000, ratioBp: 12_000 },
          { days: 30, minSpendFen: 100_000, ratioBp: 13_000 },
        ],
      },
    });
    expect(saved.changed.map((c) => [c.field, c.oldValue, c.newValue])).toEqual([
      ['extractionBp', 1000, 1500],
      ['defaultRatioBp', 12_000, null],
      [
        'tiers',
        null,
        [
          { days: 7, minSpendFen: 100_000, ratioBp: 12_000 },
          { days: 30, minSpendFen: 100_000, ratioBp: 13_000 },
          { days: 30, minSpendFen: 500_000, ratioBp: 15_000 },
        ],
      ],
      ['paused', null, false],
    ]);
    expect(saved.changed.every((c) => c.actor === managerId && c.source === 'manager' && c.layer === 'cashier' && c.at === h.clock.now)).toBe(true);
    const rows = h.backend.db.prepare("SELECT field, old_value, new_value FROM settings_audit WHERE field = 'extractionBp' ORDER BY id").all();
    expect(rows).toEqual([
      { field: 'extractionBp', old_value: null, new_value: '1000' },
      { field: 'extractionBp', old_value: '1000', new_value: '1500' },
    ]);
    const action = h.backend.db.prepare("SELECT detail FROM manager_audit WHERE action = 'settings.save' ORDER BY id DESC").get() as { detail: string };
    expect(JSON.parse(action.detail)).toMatchObject({ layer: 'cashier', fields: ['extractionBp', 'defaultRatioBp', 'tiers', 'paused'] });
    const list = await h.ok('manager.audit.list', { log: 'settings', limit: 2 });
    expect(list.rows.map((r) => (r as { field: string }).field)).toEqual(['paused', 'tiers']);
    expect(list.nextBeforeId).not.toBeNull();
    h.close();
  });

  it('each field shows effective, register and base values, inherited or overridden, and where the base came from', async () => {
    const h = await managerHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    // Offline-only: the manager may edit the base layer here.
    let view = await h.ok('manager.settings.get', {});
    expect(view.baseEditable).toBe(true);
    await h.ok('manager.settings.save', { layer: 'base', changes: { rebateName: '本店返利' } });
    // The central server pushes base settings (source 'server').
    applyBaseSettingsPush(h.backend.db, 'sync:base-settings', { pushId: 1, settings: { extractionBp: 800, defaultRatioBp: 11_000, levelRatiosBp: { gold: 12_000 }, rebateName: '本店返利' } } as never, h.clock.now);
    await h.ok('manager.settings.save', { changes: { extractionBp: 1200, levelRatiosBp: { vip: 20_000 } } });
    view = await h.ok('manager.settings.get', {});
    const f = (name: string) => view.fields.find((x) => x.field === name)!;
    expect(view.fields.map((x) => x.field)).toHaveLength(21);
    expect(f('extractionBp')).toMatchObject({ effective: 1200, cashier: 1200, base: 800, state: 'overridden', baseOrigin: { source: 'server', actor: 'central' } });
    expect(f('defaultRatioBp')).toMatchObject({ effective: 11_000, cashier: null, base: 11_000, state: 'inherited', baseOrigin: { source: 'server' } });
    expect(f('levelRatiosBp')).toMatchObject({ effective: { gold: 12_000, vip: 20_000 }, state: 'overridden' });
    expect(f('rebateName')).toMatchObject({ effective: '本店返利', state: 'inherited', baseOrigin: { source: 'local' } });
    expect(f('paused')).toMatchObject({ effective: false, cashier: null, base: null, state: 'default', baseOrigin: { source: 'default' } });
    // With a server configured the base layer belongs to it.
    await h.ok('manager.sync.save', { url: 'wss://central.example.com', storeId: 's1', registerId: 'r1', token: 'secret-token', storeTokenInClear: true });
    expect((await h.ok('manager.settings.get', {})).baseEditable).toBe(false);
    expect(await h.call('manager.settings.save', { layer: 'base', changes: { extractionBp: 1 } })).toMatchObject({ ok: false, error: { rule: 'base-from-server' } });
    h.close();
  });

  it('store, printer and sync sections save on their own, audited; the sync token goes through the SecretBox and never comes back', async () => {
    const h = await managerHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    let d = await h.ok('manager.store.save', { name: '幸福超市', address: '北京市朝阳区1号', header: '欢迎光临', footer: '谢谢惠顾\n再见' });
    expect(d.store).toEqual({ name: '幸福超市', address: '北京市朝阳区1号', header: '欢迎光临', footer: '谢谢惠顾\n再见', lookupUrl: null, refundClosedDays: 'allow' });
    d = await h.ok('manager.store.save', { footer: null });
    expect(d.store.footer).toBeNull();
    expect(h.backend.status().storeName).toBe('幸福超市');

    d = await h.ok('manager.printer.save', { uri: 'tcp://192.168.1.50:9100', width: 58, copies: 2, drawer: false });
    expect(d.printer).toMatchObject({ uri: 'tcp://192.168.1.50:9100', width: 58, copies: 2, drawer: false, commandSet: 'epson', error: null });
    expect(await h.call('manager.printer.save', { uri: 'http://printer' })).toMatchObject({
      ok: false,
      error: { code: 'rule', rule: 'invalid-input', issues: [{ path: 'uri', reason: { code: 'printer.badAddress', params: { address: 'http://printer' } } }] },
    });
    expect(await h.call('manager.printer.save', { copies: 9 })).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: 'copies', message: 'copies must be 1–5' }] } });

    expect(await h.call('manager.sync.save', { url: 'ws://10.0.0.2:3000' })).toMatchObject({
      ok: false,
      error: { rule: 'invalid-input', reason: { code: 'sync.insecureUrl', params: { url: 'ws://10.0.0.2:3000' } }, issues: [{ path: 'url', reason: { code: 'sync.insecureUrl' } }] },
    });
    // The harness has no OS key store (plainSecretBox): the manager must agree to an unencrypted token (docs/security.md §3).
    d = await h.ok('manager.sync.save', { url: 'wss://central.example.com', storeId: 'store-1', registerId: 'reg-1', token: 'tok-SECRET-123', storeTokenInClear: true });
    expect(d.sync).toEqual({ url: 'wss://central.example.com', storeId: 'store-1', registerId: 'reg-1', tokenSet: true, allowInsecure: false, configured: true, tokenInClear: true });
    expect(JSON.stringify(d)).not.toContain('tok-SECRET-123');
    expect(JSON.stringify(await h.ok('manager.details.get', {}))).not.toContain('SECRET');
    expect(h.backend.meta('sync.token')).toBe('plain:tok-SECRET-123');
    const actions = h.backend.db.prepare("SELECT action, detail FROM manager_audit WHERE action LIKE '%.save' ORDER BY id").all() as { action: string; detail: string }[];
    expect(actions.map((a) => a.action)).toEqual(['store.save', 'store.save', 'printer.save', 'sync.save']);
    expect(actions.map((a) => a.detail).join()).not.toContain('SECRET');
    expect(JSON.parse(actions[3]!.detail)['sync.token']).toEqual({ old: null, new: '(changed)' });
    h.close();
  });
});
