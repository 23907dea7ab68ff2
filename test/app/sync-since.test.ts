/** Sync's "since when" (issue 10 §5) survives a restart: the first failure after a success is kept in app_meta until the next success. */
import { describe, expect, it } from 'vitest';
import type { SyncStatusSource } from '../../electron/backend/app/status';
import { openHarness, readyToSell, type Harness } from './helpers';

const offline: SyncStatusSource = { connection: 'offline', lastSyncAt: 1_000, waiting: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:9' };
const connecting: SyncStatusSource = { connection: 'connecting', lastSyncAt: 1_000, waiting: 3, lastError: null };
const online: SyncStatusSource = { connection: 'online', lastSyncAt: 9_000, waiting: 0, lastError: null };

function withSync(h: Harness, url: string) {
  h.backend.db.prepare("INSERT INTO app_meta (key, value) VALUES ('sync.url', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(url);
  let source = connecting;
  h.backend.setStatusSources({ sync: () => source });
  return (next: SyncStatusSource) => {
    source = next;
    return h.ok('app.status', {}).then((s) => s.sync);
  };
}

describe('sync: since when, across restarts', () => {
  it('keeps the first failure after a success through a restart, clears it on the next success, starts anew for another server', async () => {
    let h = openHarness();
    await readyToSell(h);
    let report = withSync(h, 'wss://central.example.cn/sync');
    const firstFailure = h.clock.now;
    expect((await report(offline)).failingSince).toBe(firstFailure);
    h.clock.now += 60_000;
    expect((await report(offline)).failingSince).toBe(firstFailure);

    // Restart: the sync client starts by connecting (no news yet), then fails again — since when is the first failure.
    h.clock.now += 3_600_000;
    h = h.reopen();
    await h.ok('session.signIn', { cashierId: (await h.ok('cashiers.signInChoices', {})).cashiers[0]!.id, pin: '2468' });
    report = withSync(h, 'wss://central.example.cn/sync');
    expect((await report(connecting)).failingSince ?? null).toBeNull();
    const again = await report(offline);
    expect(again.failingSince).toBe(firstFailure);
    expect(again.cause).toBe('unreachable');

    // A success clears it (also in the database); the next failure starts a new "since".
    expect((await report(online)).failingSince ?? null).toBeNull();
    expect(h.backend.db.prepare("SELECT count(*) AS n FROM app_meta WHERE key = 'sync.failingSince'").get()).toEqual({ n: 0 });
    h.clock.now += 120_000;
    expect((await report(offline)).failingSince).toBe(h.clock.now);

    // The manager points the register at another server: an old "since" does not belong to it.
    const before = h.clock.now;
    h.clock.now += 5_000;
    report = withSync(h, 'wss://other.example.cn/sync');
    expect((await report(offline)).failingSince).toBe(before + 5_000);
    h.close();
  });
});
