/**
 * A register rebuilt from the central service (issue 14 §1): a register runs
 * a few hundred mixed operations (checkouts with members enrolled here and
 * pushed by the service, walk-ins, completions, automatic completions,
 * refunds, lottery draws, exchanges, random returns, a reset, settings changed
 * by the manager and by the service) while syncing to the real service on
 * PGlite; its database is deleted; `pos recover --from-server` (the real
 * command, a child process) rebuilds it; the canonical dump of orders,
 * entries, ledger and members equals the lost one, `pos verify` passes, and a
 * new sale syncs after the service's events.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changeSettings, checkout, complete, createQueue, draw, exchange, refund, seededRandom, RuleError, type EngineContext } from '../../shared/engine/index';
import { EMPTY_LAYERS } from '../../shared/settings';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { SqliteQueueStore } from '../../electron/backend/store/queue-store';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { SyncClient } from '../../electron/backend/sync/client';
import { plainSecretBox, writeSyncConfig } from '../../electron/backend/sync/config';
import { recoverFromServer } from '../../electron/backend/recovery/recover';
import { Cleanup, ROOT, tempDir, waitFor } from '../sync/helpers';
import { enrolled, serviceOn } from '../central/fixtures';
import { canonicalDump } from './dump';
import type { SqlDb } from '../../central/db/adapter';

const QUEUE = 'cashier-1';
const T0 = Date.UTC(2026, 10, 2, 1, 0, 0);
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const hex = (n: number) => n.toString(16).padStart(64, '0');

/** A member enrolled at the counter, as app/members.ts writes it: the row and its event in one transaction. */
function enrolHere(db: Db, store: SqliteQueueStore, n: number, at: number): string {
  const id = `R01-M${String(n).padStart(10, '0')}`;
  db.transaction(() => {
    db.prepare(
      `INSERT INTO members (id, level, display_name, masked_phone, member_code, phone_digest, phone_key_id, source, updated_at, enrolled_at, enrolled_by)
       VALUES (?, 'normal', ?, '139****0000', NULL, ?, 'k1', 'local', ?, ?, 'c-1')`,
    ).run(id, `王*${n}`, hex(n), at, at);
    store.appendOutbox({
      id: `enrol-${n}`,
      queueId: QUEUE,
      type: 'member.enrolled',
      at,
      payload: { member: { id, level: 'normal', displayName: `王*${n}`, maskedPhone: '139****0000', phoneDigest: hex(n), phoneKeyId: 'k1' }, registerId: 'R01', cashierId: 'c-1' },
    });
  })();
  return id;
}

/** The service holds every event the register numbered. */
async function drained(central: SqlDb, db: Db, registerId = 'R01'): Promise<void> {
  const numbered = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get() as number;
  await waitFor(
    async () => (await central.query<{ last_seq: number }>('SELECT last_seq FROM registers WHERE register_id = $1', [registerId])).rows[0]!.last_seq === numbered,
    60_000,
    `the service holding ${numbered} events`,
  );
}

function runPos(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'electron/backend/cli/pos.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('a register rebuilt from the central service', () => {
  it('comes back equal after its database is lost, passes verify, and syncs on after the service', async () => {
    const { db: central, service } = await serviceOn('PGlite', cleanup, { logger: { info: () => {}, warn: (m) => console.warn(m) } });
    const token = await enrolled(central, 'S001', 'R01');
    const dir = tempDir(cleanup);
    const file = path.join(dir, 'register.db');
    let db = openDatabase(file);
    const store = new SqliteQueueStore(db);
    writeSyncConfig(db, { url: service.url, storeId: 'S001', registerId: 'R01', token }, plainSecretBox);
    let n = 0;
    const ctx: EngineContext = { store, queueId: QUEUE, timezone: 'Asia/Shanghai', random: seededRandom(14), newEventId: () => `ev-${++n}` };
    const op = <T>(body: () => T): T | undefined => {
      try {
        return db.transaction(body)();
      } catch (error) {
        if (error instanceof RuleError) return undefined;
        throw error;
      }
    };
    store.transaction(() => createQueue(store, QUEUE, EMPTY_LAYERS, T0));
    let client = new SyncClient({ db, config: { url: service.url, storeId: 'S001', registerId: 'R01', token, allowInsecure: false }, pollIntervalMs: 50 });
    client.start();
    cleanup.add(() => client.stop());

    let at = T0;
    op(() =>
      changeSettings(ctx, {
        at,
        cashier: { extractionBp: 3000, defaultRatioBp: 10000, levelRatiosBp: { gold: 15000 }, exchange: { pointsBp: 10000, vouchersBp: 12000 }, leftover: 'carry' },
        actor: 'c-1',
        source: 'manager',
      }),
    );
    const members: string[] = [];
    for (let i = 1; i <= 6; i++) members.push(enrolHere(db, store, i, (at += 1000)));
    // The service's own members, and its canonical member for one phone enrolled here (the register maps it onto its local row).
    await service.pushMembers({
      members: [
        { id: 'C-100', level: 'gold', displayName: '李*', maskedPhone: '138****1111', memberCode: 'V100', phoneDigest: hex(100) },
        { id: 'C-101', level: 'normal', displayName: '赵*', maskedPhone: '138****2222', phoneDigest: hex(101) },
        { id: 'C-001', level: 'gold', displayName: '王*1', maskedPhone: '139****0000', memberCode: 'V001', phoneDigest: hex(1) },
      ],
    });
    await waitFor(() => db.prepare("SELECT 1 FROM members WHERE canonical_id = 'C-001'").get(), 20_000, 'the members push');
    members.push('C-100', 'C-101');

    const rnd = seededRandom(2026);
    const orders: string[] = [];
    for (let i = 1; i <= 320; i++) {
      at += (1 + rnd.int(20)) * 60_000;
      if (i === 60) op(() => changeSettings(ctx, { at, cashier: { lottery: { fixedBp: [5000, 10000, 20000] } }, actor: 'c-1', source: 'manager' }));
      if (i === 120) op(() => changeSettings(ctx, { at, cashier: { lottery: null, randomReturn: { cashCount: 3, pointsCount: 1 } }, actor: 'c-1', source: 'manager' }));
      if (i === 170) {
        await service.pushBaseSettings({ settings: { extractionBp: 2000, settlement: 'completion', autoCompleteMinutes: 30 } });
        await waitFor(() => db.prepare("SELECT 1 FROM queues WHERE json_extract(base_settings, '$.autoCompleteMinutes') = 30").get(), 20_000, 'the base settings push');
        // The register applies a push at its wall clock; the queue's time never goes back, so the made-up day continues from there.
        at = db.prepare('SELECT clock FROM queues WHERE id = ?').pluck().get(QUEUE) as number;
      }
      if (i === 230) op(() => changeSettings(ctx, { at, cashier: { randomReturn: null, reset: { kind: 'once', at: new Date(at + 3_600_000).toISOString() } }, actor: 'c-1', source: 'manager' }));
      const roll = rnd.int(100);
      if (roll < 62 || orders.length < 5) {
        const memberId = rnd.int(5) === 0 ? null : members[rnd.int(members.length)]!;
        const id = `o${i}`;
        const done = op(() => {
          const r = checkout(ctx, { orderId: id, at, memberId, amountDueFen: 1000 + rnd.int(50_000), deductionFen: rnd.int(4) === 0 ? 500 : 0 });
          // app/checkout.ts puts the receipt's 查询码 into the checkout event in the same transaction.
          db.prepare("UPDATE outbox SET payload = json_set(payload, '$.lookupCode', ?) WHERE seq = (SELECT MAX(seq) FROM outbox) AND type = 'order.checkout'").run(`Q${String(i).padStart(11, '0')}`);
          db.prepare('UPDATE orders SET lookup_code = ? WHERE queue_id = ? AND id = ?').run(`Q${String(i).padStart(11, '0')}`, QUEUE, id);
          return r;
        });
        if (done) orders.push(id);
      } else if (roll < 72) {
        op(() => complete(ctx, { orderId: orders[rnd.int(orders.length)]!, at }));
      } else if (roll < 80) {
        op(() => refund(ctx, { orderId: orders[rnd.int(orders.length)]!, at }));
      } else if (roll < 92) {
        const pending = db.prepare("SELECT order_id FROM entries WHERE draw_pending = 1 AND state = 'waiting' AND received_fen = 0 LIMIT 1").pluck().get() as string | undefined;
        if (pending) op(() => draw(ctx, { orderId: pending, at }));
      } else {
        op(() => exchange(ctx, { orderId: orders[rnd.int(orders.length)]!, at, to: rnd.int(2) === 0 ? 'points' : 'vouchers' }));
      }
      client.notify();
    }
    await drained(central, db).catch((error: unknown) => {
      throw new Error(`${String(error)}; sync status: ${JSON.stringify(client.status())}`);
    });
    const lost = canonicalDump(db);
    const count = (type: string) => (lost.ledger as { kind: string }[]).filter((r) => r.kind === type).length;
    // The run really covered what it claims.
    expect((lost.orders as unknown[]).length).toBeGreaterThan(150);
    for (const kind of ['payout', 'pool_in', 'pool_out', 'cancellation', 'random_points', 'clearing']) expect(count(kind), kind).toBeGreaterThan(0);
    expect(count('exchange_points') + count('exchange_vouchers')).toBeGreaterThan(0);
    expect((lost.entries as { drawn_at: number | null }[]).some((e) => e.drawn_at !== null)).toBe(true);
    expect((lost.orders as { completed_at: number | null; auto_complete_at: number | null }[]).some((o) => o.auto_complete_at !== null && o.completed_at === o.auto_complete_at)).toBe(true);
    expect(verifyDatabase(db)).toEqual([]);

    // Two sales after the last sync, never sent: lost with the disk.
    await client.stop();
    op(() => checkout(ctx, { orderId: 'unsent-1', at: (at += 60_000), memberId: null, amountDueFen: 999 }));
    const heldBefore = (await central.query<{ last_seq: number }>("SELECT last_seq FROM registers WHERE register_id = 'R01'")).rows[0]!.last_seq;
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    expect(existsSync(file)).toBe(false);

    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    const recovered = await runPos(['recover', '--from-server', '--db', file, '--server', service.url, '--token-file', tokenFile], {});
    expect(recovered.out).toContain(`events 1..${heldBefore}`);
    expect(recovered.out).toContain('cannot come back');
    expect(recovered.code, recovered.out).toBe(0);
    const verified = await runPos(['verify', '--db', file], {});
    expect(verified.code, verified.out).toBe(0);

    db = openDatabase(file);
    expect(canonicalDump(db)).toEqual(lost);
    expect(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get()).toBe(heldBefore);

    // A new sale is numbered after the service's events and accepted.
    const store2 = new SqliteQueueStore(db);
    const ctx2: EngineContext = { ...ctx, store: store2, newEventId: () => 'after-recovery-1' };
    db.transaction(() => checkout(ctx2, { orderId: 'after-1', at: at + 120_000, memberId: null, amountDueFen: 5000 }))();
    client = new SyncClient({ db, config: { url: service.url, storeId: 'S001', registerId: 'R01', token, allowInsecure: false }, pollIntervalMs: 50 });
    client.start();
    await waitFor(async () => (await central.query<{ last_seq: number }>("SELECT last_seq FROM registers WHERE register_id = 'R01'")).rows[0]!.last_seq === heldBefore + 1, 30_000, 'the new sale at the service');
    const held = await central.query<{ event_id: string }>("SELECT event_id FROM events WHERE seq = $1", [heldBefore + 1]);
    expect(held.rows[0]!.event_id).toBe('after-recovery-1');
    await client.stop();
    db.close();
  }, 180_000);

  it('brings a restored backup up to the service, and refuses a database whose history differs', async () => {
    const { db: central, service } = await serviceOn('PGlite', cleanup);
    const token = await enrolled(central, 'S001', 'R01');
    const dir = tempDir(cleanup);
    const file = path.join(dir, 'register.db');
    const db = openDatabase(file);
    const store = new SqliteQueueStore(db);
    let n = 0;
    const ctx: EngineContext = { store, queueId: QUEUE, timezone: 'Asia/Shanghai', random: seededRandom(1), newEventId: () => `ev-${++n}` };
    store.transaction(() => createQueue(store, QUEUE, EMPTY_LAYERS, T0));
    db.transaction(() => changeSettings(ctx, { at: T0, cashier: { extractionBp: 5000 }, actor: 'c-1', source: 'manager' }))();
    const config = { url: service.url, storeId: 'S001', registerId: 'R01', token, allowInsecure: false };
    const client = new SyncClient({ db, config, pollIntervalMs: 50 });
    client.start();
    cleanup.add(() => client.stop());
    let at = T0;
    const sell = (count: number) => {
      for (let i = 0; i < count; i++) db.transaction(() => checkout(ctx, { orderId: `o${n + 1}`, at: (at += 60_000), memberId: null, amountDueFen: 2000 + i }))();
      client.notify();
    };
    sell(20);
    await drained(central, db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const backup = path.join(dir, 'backup.db');
    await db.backup(backup);
    sell(15);
    await drained(central, db).catch((error: unknown) => {
      throw new Error(`${String(error)}; sync status: ${JSON.stringify(client.status())}`);
    });
    const lost = canonicalDump(db);
    await client.stop();
    db.close();

    const restored = path.join(dir, 'restored.db');
    copyFileSync(backup, restored);
    const rdb = openDatabase(restored);
    const report = await recoverFromServer(rdb, { url: service.url, token });
    expect(report.hadUpTo).toBe(21);
    expect(report.events).toBe(15);
    expect(canonicalDump(rdb)).toEqual(lost);
    expect(verifyDatabase(rdb)).toEqual([]);
    rdb.close();

    // A backup that sold something after the restore, never sent: its event 22 is not the service's.
    const diverged = path.join(dir, 'diverged.db');
    copyFileSync(backup, diverged);
    const ddb = openDatabase(diverged);
    const dstore = new SqliteQueueStore(ddb);
    ddb.transaction(() => checkout({ ...ctx, store: dstore, newEventId: () => 'other-22' }, { orderId: 'other', at: at + 1, memberId: null, amountDueFen: 100 }))();
    const before = canonicalDump(ddb);
    await expect(recoverFromServer(ddb, { url: service.url, token })).rejects.toThrow(/not the one the service holds/);
    expect(canonicalDump(ddb)).toEqual(before);
    ddb.close();

    // Another register's token reads nothing of this one.
    const otherToken = await enrolled(central, 'S001', 'R02');
    const other = openDatabase(path.join(dir, 'other.db'));
    const otherReport = await recoverFromServer(other, { url: service.url, token: otherToken });
    expect(otherReport.events).toBe(0);
    expect(other.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(0);
    other.close();
    await expect(recoverFromServer(openDatabase(path.join(dir, 'x.db')), { url: service.url, token: 'not-a-token' })).rejects.toThrow(/does not accept this token/);
  }, 120_000);
});
