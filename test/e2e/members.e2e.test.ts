/**
 * Issue #12 done-when: a member is enrolled OFFLINE at the counter (the real
 * renderer in Chromium, the real backend, no server configured) and earns on
 * that very checkout; then the register syncs to the central service
 * (central/service.ts on embedded PGlite) and receives the canonical member
 * for that phone, which it maps onto its local member without changing any
 * order, entry or event of the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneDigest } from '../../electron/backend/members/phone-digest';
import { SyncClient } from '../../electron/backend/sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig, writeSyncConfig } from '../../electron/backend/sync/config';
import { enrolled, serviceOn } from '../central/fixtures';
import { Cleanup, waitFor } from '../sync/helpers';
import { chromiumAvailable, startHarness, TEST_PHONE_KEY, type Harness } from './harness';

const PHONE = '13912345678';
const sel = (id: string) => `[data-test="${id}"]`;

describe.skipIf(!chromiumAvailable())('enrol at the counter offline, earn, sync, receive the canonical member', () => {
  let h: Harness;
  const cleanup = new Cleanup();
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await cleanup.run();
    await h?.close();
  });

  it('enrols by keyboard at the checkout and the same sale earns, with no server at all', async () => {
    await h.ok('setup.createManager', { name: '陈店长', pin: '2468' });
    await h.ok('shift.open', { openingFloatFen: 50_000 });
    await h.openApp();
    const { page } = h;
    await page.waitForSelector(sel('checkout-view'), { timeout: 60_000 });
    await page.fill(sel('amount'), '120');
    await page.fill(sel('member'), '139 1234 5678');
    await page.press(sel('member'), 'Enter');
    await page.waitForSelector(sel('enrol-open'), { timeout: 30_000 });
    await page.keyboard.press('Control+n');
    await page.waitForSelector(sel('enrol-nickname'), { timeout: 30_000 });
    expect(await page.textContent(sel('enrol-mask'))).toBe('139****5678');
    await page.fill(sel('enrol-nickname'), '小林');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('member-found'), { timeout: 30_000 });
    expect(await page.textContent(sel('member-found'))).toContain('小*');
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('result-panel'), { timeout: 30_000 });
    expect(await page.textContent(sel('result-member'))).toContain('139****5678');

    const db = h.backend.db;
    const member = db.prepare('SELECT id, masked_phone, display_name, phone_digest, canonical_id FROM members WHERE enrolled_at IS NOT NULL').get() as {
      id: string;
      masked_phone: string;
      display_name: string;
      phone_digest: string;
      canonical_id: string | null;
    };
    expect(member).toMatchObject({ masked_phone: '139****5678', display_name: '小*', phone_digest: phoneDigest(TEST_PHONE_KEY, PHONE), canonical_id: null });
    const entry = db.prepare('SELECT member_id, entitlement_fen FROM entries').get() as { member_id: string; entitlement_fen: number };
    expect(entry).toEqual({ member_id: member.id, entitlement_fen: 12_000 });
    expect(db.prepare('SELECT type FROM outbox ORDER BY seq').pluck().all()).toEqual(expect.arrayContaining(['member.enrolled', 'order.checkout']));
  }, 120_000);

  it('syncs to the central service and maps the canonical member onto the local one; history unchanged', async () => {
    const db = h.backend.db;
    const local = db.prepare('SELECT id FROM members WHERE enrolled_at IS NOT NULL').pluck().get() as string;
    const history = () =>
      JSON.stringify([
        db.prepare('SELECT * FROM orders ORDER BY id').all(),
        db.prepare('SELECT * FROM entries ORDER BY seq').all(),
        db.prepare('SELECT * FROM ledger ORDER BY rowid').all(),
      ]);
    const before = history();

    const { db: central, service } = await serviceOn('PGlite', cleanup);
    // The alliance already knows this phone (enrolled at another store): its canonical member.
    await central.query("INSERT INTO members (id, phone_digest, level, display_name, masked_phone, created_at) VALUES ('C-000042', $1, 'gold', '林*', '139****5678', 0)", [
      phoneDigest(TEST_PHONE_KEY, PHONE),
    ]);
    const token = await enrolled(central, 'store-1', 'register-1');
    writeSyncConfig(db, { url: service.url, storeId: 'store-1', registerId: 'register-1', token }, plainSecretBox);
    const client = new SyncClient({ db, config: completeSyncConfig(readSyncConfig(db, plainSecretBox)), backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 100 });
    cleanup.add(() => client.stop());
    client.start();

    const row = await waitFor(
      () => db.prepare('SELECT id, canonical_id, level, display_name, source FROM members WHERE canonical_id IS NOT NULL').get() as Record<string, unknown> | undefined,
      60_000,
      'the canonical member',
    );
    expect(row).toEqual({ id: local, canonical_id: 'C-000042', level: 'gold', display_name: '林*', source: 'server' });
    await waitFor(() => (db.prepare('SELECT COUNT(*) FROM outbox WHERE seq > (SELECT last_acked_seq FROM sync_state)').pluck().get() === 0 ? true : null), 60_000, 'every event acknowledged');
    expect(history()).toBe(before);
    // The centre filed the register's sale under the canonical member through its alias.
    const alias = await central.query<{ member_id: string }>('SELECT member_id FROM member_aliases WHERE local_id = $1', [local]);
    expect(alias.rows).toEqual([{ member_id: 'C-000042' }]);
    // At the counter the member is found by phone, local id or canonical id, and sells on under the local id.
    for (const query of [PHONE, local, 'C-000042']) expect((await h.ok('members.lookup', { query }))?.id, query).toBe(local);
    const next = await h.ok('checkout.submit', { amountDueFen: 5_000, memberId: local, tenders: [{ kind: 'cash', amountFen: 5_000 }] });
    expect(next.member?.level).toBe('gold');
  }, 180_000);
});
