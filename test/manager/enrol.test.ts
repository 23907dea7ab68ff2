/**
 * Enrolment from the manager console (issue 13 §2) against the real central
 * service on PGlite: the alliance's one-time code becomes this register's
 * token, bound to the address; a used code, a wrong code or an unreachable
 * server is said in a catalogue message and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addRegister, addStore } from '../../central/auth/registry';
import { readSyncConfig, plainSecretBox } from '../../electron/backend/sync/config';
import { serviceOn } from '../central/fixtures';
import { Cleanup } from '../sync/helpers';
import { dbHash, MANAGER_PIN, managerHarness } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('manager.sync.enrol', () => {
  it('trades a one-time code for a token bound to the address; a spent code or no server changes nothing', async () => {
    const { db, service } = await serviceOn('PGlite', cleanup);
    const now = Date.now();
    await db.transaction((tx) => addStore(tx, 'S1', '门店 S1', now));
    const { code } = await db.transaction((tx) => addRegister(tx, 'S1', 'R7', now));
    const h = await managerHarness();
    cleanup.add(() => h.close());
    await h.ok('manager.unlock', { pin: MANAGER_PIN });

    // No OS key store here: the manager is asked before the code is spent.
    expect(await h.call('manager.sync.enrol', { url: service.url, code })).toMatchObject({ ok: false, error: { rule: 'token-in-clear', reason: { code: 'sync.tokenInClearConfirm' } } });
    expect(h.backend.meta('sync.token')).toBeUndefined();

    const d = await h.ok('manager.sync.enrol', { url: ` ${service.url} `, code: code.toLowerCase(), storeTokenInClear: true });
    expect(d.sync).toMatchObject({ url: service.url, storeId: 'S1', registerId: 'R7', tokenSet: true, configured: true });
    const saved = readSyncConfig(h.backend.db, plainSecretBox);
    expect(saved).toMatchObject({ url: service.url, storeId: 'S1', registerId: 'R7', token: expect.stringMatching(/.{20,}/) });
    expect(h.backend.meta('sync.tokenUrl')).toBe(new URL(service.url).origin);
    expect(JSON.stringify(d)).not.toContain(saved.token!);
    const audit = h.backend.db.prepare("SELECT detail FROM manager_audit WHERE action = 'sync.save'").all() as { detail: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).not.toContain(saved.token!);
    expect(audit[0]!.detail).not.toContain(code);

    // The code is spent: asking again is refused and the token stays.
    const before = dbHash(h.backend.db);
    expect(await h.call('manager.sync.enrol', { url: service.url, code, storeTokenInClear: true })).toMatchObject({
      ok: false,
      error: { code: 'rule', rule: 'enrol-code-refused', reason: { code: 'sync.enrol.codeRefused' } },
    });
    expect(dbHash(h.backend.db)).toBe(before);

    // Nothing listens there.
    await service.close();
    expect(await h.call('manager.sync.enrol', { url: service.url, code: 'ABCD-EFGH-IJKL', storeTokenInClear: true })).toMatchObject({
      ok: false,
      error: { rule: 'enrol-unreachable', reason: { code: 'sync.enrol.unreachable', params: { url: service.url } } },
    });
    // Not a code at all, or an unencrypted address to another machine: a field error, nothing sent.
    expect(await h.call('manager.sync.enrol', { url: service.url, code: '码!', storeTokenInClear: true })).toMatchObject({
      ok: false,
      error: { issues: [{ path: 'code', reason: { code: 'sync.enrol.badCode' } }] },
    });
    expect(await h.call('manager.sync.enrol', { url: 'ws://10.0.0.2:3000', code: 'ABCD-EFGH', storeTokenInClear: true })).toMatchObject({
      ok: false,
      error: { issues: [{ path: 'url', reason: { code: 'sync.insecureUrl' } }] },
    });
    expect(dbHash(h.backend.db)).toBe(before);
  }, 60_000);
});
