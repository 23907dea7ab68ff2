/**
 * A register rebuilt from the service gets its counter back too (issue 14 §1):
 * the app's own backend (real commands: staff added, renamed, disabled, PINs
 * reset, shifts opened and closed with their Z reports, split tenders with
 * change, refunds approved by a manager, settings changed in the console)
 * syncs a few hundred operations to the service; its database is deleted and
 * rebuilt into a new file with the register's token. The canonical dump —
 * orders, entries, ledger, members, and now people with their PIN hashes,
 * shifts, tenders, ratio steps, refunds, the audit log and the order numbers —
 * equals the lost one; `pos verify` passes; the people sign in with their
 * PINs; the open shift goes on; the next order number follows the last one.
 * With another token (re-enrolled) the PINs cannot be opened: the report
 * says so and POS_NEW_MANAGER_PIN lets a manager in.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recoverFromServer } from '../../electron/backend/recovery/recover';
import { giveManagersPin, runRecover } from '../../electron/backend/cli/recover-command';
import { enrolRegister } from '../../electron/backend/sync/enrol';
import { addRegister } from '../../central/auth/registry';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { SyncClient } from '../../electron/backend/sync/client';
import { plainSecretBox, writeSyncConfig } from '../../electron/backend/sync/config';
import { PIN_NOT_RECOVERED } from '../../electron/backend/sync/pin-seal';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { enrolled, serviceOn } from '../central/fixtures';
import { Cleanup, waitFor } from '../sync/helpers';
import { lcg, managerHarness, MANAGER_PIN, tempDir, withConsole, openHarness, HOUR } from '../manager/helpers';
import { canonicalDump } from './dump';
import type { SqlDb } from '../../central/db/adapter';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function drained(central: SqlDb, db: Db): Promise<void> {
  const numbered = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get() as number;
  await waitFor(async () => (await central.query<{ last_seq: number }>("SELECT last_seq FROM registers WHERE register_id = 'R01'")).rows[0]!.last_seq === numbered, 60_000, `the service holding ${numbered} events`);
}

describe('a register rebuilt from the service: the counter comes back', () => {
  it('people and PINs, shifts, tenders, refunds, the audit log and the order numbers equal the lost ones', async () => {
    const { db: central, service } = await serviceOn('PGlite', cleanup, { logger: { info: () => {}, warn: (m) => console.warn(m) } });
    const token = await enrolled(central, 'S001', 'R01');
    const dir = tempDir();
    const file = path.join(dir, 'cashier.db');
    const h = await managerHarness(file);
    const db = h.backend.db;
    const config = { url: service.url, storeId: 'S001', registerId: 'R01', token, allowInsecure: false };
    // Saving the token seals the manager's PIN under it and sends it again.
    writeSyncConfig(db, config, plainSecretBox);
    expect(db.prepare("SELECT count(*) FROM outbox WHERE type = 'staff.changed' AND json_extract(payload, '$.pin') IS NOT NULL").pluck().get()).toBe(1);
    const client = new SyncClient({ db, config, pollIntervalMs: 50 });
    client.start();
    cleanup.add(() => client.stop());

    await h.ok('manager.settings.save', { managerPin: MANAGER_PIN, changes: { extractionBp: 2000, defaultRatioBp: 12_000, leftover: 'carry' } });
    const wang = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小王', role: 'cashier', pin: '1111' });
    const li = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小李', role: 'cashier', pin: '2222' });
    const lao = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '老李', role: 'manager', pin: '3333' });
    const zhao = await h.ok('manager.staff.create', { managerPin: MANAGER_PIN, name: '小赵', role: 'cashier', pin: '4444' });
    await h.ok('manager.staff.rename', { managerPin: MANAGER_PIN, cashierId: li.id, name: '李小明' });
    await h.ok('manager.staff.resetPin', { managerPin: MANAGER_PIN, cashierId: wang.id, newPin: '1212' });
    await h.ok('manager.staff.setDisabled', { managerPin: MANAGER_PIN, cashierId: zhao.id, disabled: true });
    const members: string[] = [];
    for (let i = 0; i < 6; i++) members.push((await h.ok('members.enrol', { phone: `1391234${String(5670 + i)}` })).id);

    const rnd = lcg(1414);
    const people = [
      { id: wang.id, pin: '1212' },
      { id: li.id, pin: '2222' },
      { id: lao.id, pin: '3333' },
    ];
    const sold: string[] = [];
    for (let i = 1; i <= 220; i++) {
      h.clock.now += (1 + Math.floor(rnd() * 10)) * 60_000;
      if (i % 45 === 0) {
        // A change of shift: the Z report frozen at close, someone else opens the next one.
        await h.ok('shift.close', { countedCashFen: 50_000 + Math.floor(rnd() * 100_000) });
        const next = people[(i / 45) % people.length]!;
        await h.ok('session.signIn', { cashierId: next.id, pin: next.pin });
        await h.ok('shift.open', { openingFloatFen: 30_000 + i });
        continue;
      }
      const roll = rnd();
      if (roll < 0.8 || sold.length < 3) {
        const amount = 500 + Math.floor(rnd() * 30_000);
        const points = rnd() < 0.2 ? Math.floor(amount / 10) : 0;
        const paid = amount - points;
        const split = rnd();
        const tenders =
          split < 0.4
            ? [{ kind: 'cash' as const, amountFen: paid + Math.floor(rnd() * 2000) }]
            : split < 0.7
              ? [
                  { kind: 'wechat' as const, amountFen: Math.floor(paid / 2) },
                  { kind: 'cash' as const, amountFen: paid - Math.floor(paid / 2) + 500 },
                ]
              : [{ kind: (split < 0.85 ? 'card' : 'alipay') as 'card' | 'alipay', amountFen: paid }];
        const memberId = rnd() < 0.3 ? null : members[Math.floor(rnd() * members.length)]!;
        // Points are a member's balance: a walk-in pays them as cash (the draws stay the same).
        const walkInCash = memberId === null && points > 0 ? [{ kind: 'cash' as const, amountFen: points }] : [];
        sold.push((await h.ok('checkout.submit', { amountDueFen: amount, memberId, pointsDeductionFen: memberId === null ? 0 : points, tenders: [...tenders, ...walkInCash] })).orderId);
      } else if (roll < 0.9) {
        const orderId = sold[Math.floor(rnd() * sold.length)]!;
        await h.call('orders.refund', { orderId, managerPin: rnd() < 0.5 ? MANAGER_PIN : '3333' });
      } else if (roll < 0.95) {
        await h.ok('manager.settings.save', { managerPin: MANAGER_PIN, changes: { extractionBp: 1500 + Math.floor(rnd() * 10) * 100 } });
      } else {
        // A wrong PIN is audited too.
        await h.call('manager.settings.get', { managerPin: '9999' });
      }
      if (i % 10 === 0) client.notify();
    }
    client.notify();
    await drained(central, db);
    const lost = canonicalDump(db);
    const counted = (name: string) => (lost[name] as unknown[]).length;
    // The run covered what it claims.
    expect(counted('staff')).toBe(5);
    expect(counted('shifts')).toBeGreaterThanOrEqual(5);
    expect(counted('refunds')).toBeGreaterThan(5);
    expect(counted('refundTenders')).toBeGreaterThan(5);
    expect(counted('audit')).toBeGreaterThan(20);
    expect((lost.tenders as { kind: string }[]).filter((t) => t.kind === 'wechat').length).toBeGreaterThan(10);
    expect((lost.orders as { change_fen: number }[]).some((o) => o.change_fen > 0)).toBe(true);
    expect(verifyDatabase(db)).toEqual([]);
    const numbers = lost.orderNumbers as { day: string; last: number }[];
    // No PIN hash ever travels in clear.
    const sent = await central.query<{ payload: unknown }>("SELECT payload FROM events WHERE type = 'staff.changed'");
    const hashes = db.prepare('SELECT pin_hash FROM cashiers').pluck().all() as string[];
    for (const row of sent.rows) for (const hash of hashes) expect(JSON.stringify(row.payload)).not.toContain(hash.split('$')[5]!);
    await client.stop();
    h.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });

    const rebuilt = openDatabase(file);
    const report = await recoverFromServer(rebuilt, { url: service.url, token });
    expect(report.counter).toMatchObject({ people: 5, pinsNotRecovered: [], managerCanSignIn: true });
    expect(canonicalDump(rebuilt)).toEqual(lost);
    expect(verifyDatabase(rebuilt)).toEqual([]);
    rebuilt.close();

    // The app opens on it: people sign in with their PINs, the disabled one cannot, the open shift goes on,
    // a manager's PIN approves, and the day's order numbers continue.
    const again = withConsole(openHarness(file, { now: h.clock.now + 60_000 }));
    expect(await again.call('session.signIn', { cashierId: zhao.id, pin: '4444' })).toMatchObject({ ok: false });
    await again.ok('session.signIn', { cashierId: wang.id, pin: '1212' });
    const sale = await again.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] });
    const last = numbers.find((n) => sale.orderId.includes(`-${n.day}-`));
    expect(last, sale.orderId).toBeDefined();
    expect(sale.orderId.endsWith(`-${String(last!.last + 1).padStart(6, '0')}`)).toBe(true);
    expect(await again.ok('orders.refund', { orderId: sale.orderId, managerPin: '3333' })).toMatchObject({ approvedByName: '老李' });
    expect(again.backend.db.prepare("SELECT count(*) FROM outbox WHERE type = 'audit.recorded'").pluck().get()).toBe(1);
    again.close();

    // Re-enrolled: a new token cannot open PINs sealed under the old one. Nothing else is lost;
    // POS_NEW_MANAGER_PIN gives the managers a PIN so someone can sign in and reset the others.
    const newToken = await enrolled(central, 'S001', 'R01');
    const other = openDatabase(path.join(dir, 'other.db'));
    const second = await recoverFromServer(other, { url: service.url, token: newToken });
    expect(second.counter.pinsNotRecovered.sort()).toEqual(['小王', '小赵', '店长', '李小明', '老李'].sort());
    expect(second.counter.managerCanSignIn).toBe(false);
    const { staff: otherStaff, ...rest } = canonicalDump(other);
    const { staff: lostStaff, ...lostRest } = lost;
    expect(rest).toEqual(lostRest);
    expect(otherStaff).toEqual((lostStaff as { pin_hash: string }[]).map((p) => ({ ...p, pin_hash: PIN_NOT_RECOVERED })));
    // Running the recovery again (to give the managers a PIN, docs/central.md) applies nothing twice.
    const rerun = await recoverFromServer(other, { url: service.url, token: newToken });
    expect(rerun).toMatchObject({ events: 0, skipped: 0 });
    expect(canonicalDump(other)).toEqual({ ...lostRest, staff: otherStaff });
    expect(await giveManagersPin(other, '8642')).toEqual(['店长', '老李']);
    expect(other.prepare('SELECT count(*) FROM cashiers WHERE pin_hash = ?').pluck().get(PIN_NOT_RECOVERED)).toBe(3);
    other.close();
    const third = withConsole(openHarness(path.join(dir, 'other.db'), { now: h.clock.now + 2 * HOUR }));
    await third.ok('session.signIn', { cashierId: lao.id, pin: '8642' });
    third.close();

    // The token lost with the disk, as a store manager would do it (docs/central.md): a new code enrolled into the
    // new database, then `pos recover` without a token, POS_NEW_MANAGER_PIN for the managers.
    const fresh = path.join(dir, 'fresh.db');
    const freshDb = openDatabase(fresh);
    const { code } = await central.transaction((tx) => addRegister(tx, 'S001', 'R01', Date.now()));
    await enrolRegister(freshDb, { url: service.url, code, box: plainSecretBox });
    freshDb.close();
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const env = { token: process.env.POS_SYNC_TOKEN, pin: process.env.POS_NEW_MANAGER_PIN };
    delete process.env.POS_SYNC_TOKEN;
    process.env.POS_NEW_MANAGER_PIN = '9753';
    try {
      expect(await runRecover(['--from-server', '--db', fresh])).toBe(0);
    } finally {
      write.mockRestore();
      if (env.token !== undefined) process.env.POS_SYNC_TOKEN = env.token;
      if (env.pin === undefined) delete process.env.POS_NEW_MANAGER_PIN;
      else process.env.POS_NEW_MANAGER_PIN = env.pin;
    }
    const said = out.join('');
    expect(said).toContain('did not come back');
    expect(said).toContain('店长, 老李 can sign in with the PIN of POS_NEW_MANAGER_PIN');
    expect(said).toContain('not rebuilt');
    const fourth = withConsole(openHarness(fresh, { now: h.clock.now + 3 * HOUR }));
    await fourth.ok('session.signIn', { cashierId: lao.id, pin: '9753' });
    fourth.close();
  }, 240_000);
});
