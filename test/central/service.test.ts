/**
 * The central service on both databases: migrations, enrolment and tokens
 * bound to one register, ingest (exactly once, conflicts, gaps), the
 * projections against the engine's own view, admin reads behind a
 * credential, the register's sync client end to end.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addAdmin, addRegister, enrol, revokeRegister } from '../../central/auth/registry';
import { listMigrations, migrate } from '../../central/db/migrate';
import { openDatabase } from '../../electron/backend/store/database';
import { SyncClient } from '../../electron/backend/sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig, writeSyncConfig } from '../../electron/backend/sync/config';
import { enrolRegister } from '../../electron/backend/sync/enrol';
import { MESSAGES, type BatchAck } from '../../shared/sync/protocol';
import { Cleanup, ROOT, addOutboxEvents, createRegisterDb, outboxCount, tempDir, waitFor } from '../sync/helpers';
import { DATABASES, openTestDatabase, stopSharedPostgres } from './databases';
import { engineDay, enrolled, rawClient, serviceOn, toWire } from './fixtures';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

describe.each(DATABASES)('central service on %s', (kind) => {
  it('applies the numbered migrations once', async () => {
    const db = await openTestDatabase(kind);
    cleanup.add(() => db.close());
    const all = listMigrations().map((m) => m.version);
    expect(all.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(await migrate(db)).toEqual(all);
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all);
  }, 60_000);

  it('enrols a register once per code; its token is stored hashed; revoking stops it', async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    const token = await enrolled(db, 'S1', 'R1');
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM register_tokens');
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.token_hash).not.toContain(token);
    expect(stored.rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const { code } = await db.transaction((tx) => addRegister(tx, 'S1', 'R2', Date.now()));
    const res = await fetch(`${service.url}/enrol`, { method: 'POST', body: JSON.stringify({ code: code.toLowerCase() }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ storeId: 'S1', registerId: 'R2', token: expect.any(String) });
    const again = await fetch(`${service.url}/enrol`, { method: 'POST', body: JSON.stringify({ code }) });
    expect(again.status).toBe(400);

    await rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'R1', token });
    await db.transaction((tx) => revokeRegister(tx, 'S1', 'R1', Date.now()));
    await expect(rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'R1', token })).rejects.toMatchObject({ data: { code: 'bad-token' } });
  }, 60_000);

  it("a token writes only as its own register and cannot push another register's connection off", async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    const tokenA = await enrolled(db, 'S1', 'A');
    const tokenB = await enrolled(db, 'S1', 'B');
    const b = await rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'B', token: tokenB });
    await expect(rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'B', token: tokenA })).rejects.toMatchObject({ data: { code: 'bad-token' } });
    await expect(rawClient(cleanup, service.url, { storeId: 'S2', registerId: 'A', token: tokenA })).rejects.toMatchObject({ data: { code: 'bad-token' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(b.connected).toBe(true);
  }, 60_000);

  it('holds each event once: duplicates acknowledged, other content under a held seq or id is a conflict, holes are gaps', async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    const token = await enrolled(db, 'S1', 'R1');
    const socket = await rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'R1', token });
    const events = toWire(engineDay('q1', 6).events);
    const send = (batch: unknown) => socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: batch }) as Promise<BatchAck>;
    expect(await send(events.slice(0, 4))).toEqual({ ok: true, appliedSeq: 4, duplicates: 0 });
    expect(await send(events)).toEqual({ ok: true, appliedSeq: events.length, duplicates: 4 });
    // Every conflict says which seq the service expects next (a restored register renumbers from it, docs/sync.md).
    const next = events.length + 1;
    const changed = { ...events[1]!, payload: { ...events[1]!.payload, forfeitedFen: 1 } };
    expect(await send([changed])).toMatchObject({ ok: false, error: { code: 'conflict', expectedSeq: next } });
    expect(await send([{ ...events[1]!, id: 'another-id' }])).toMatchObject({ ok: false, error: { code: 'conflict', expectedSeq: next } });
    expect(await send([{ ...events[0]!, seq: next }])).toMatchObject({ ok: false, error: { code: 'conflict', expectedSeq: next } });
    // A restored register's batch: its own seqs again, under new ids, running past what the service holds.
    const restored = [3, 4, 5, 6, 7, 8].map((seq) => ({ ...events[0]!, id: `restored-${seq}`, seq }));
    expect(await send(restored)).toMatchObject({ ok: false, error: { code: 'conflict', expectedSeq: next } });
    expect(await send([{ ...events[0]!, id: 'far', seq: next + 5 }])).toMatchObject({ ok: false, error: { code: 'gap', expectedSeq: next } });
    expect(await send([{ ...events[0]!, id: 'bad', seq: next, payload: { nonsense: true } }])).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM events');
    expect(rows[0]!.n).toBe(events.length);
  }, 60_000);

  it("projects the engine's events into orders, entries and the store's liability", async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    const token = await enrolled(db, 'S1', 'R1');
    const socket = await rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'R1', token });
    const day = engineDay('q1', 20);
    const wire = toWire(day.events);
    // In uneven batches, so phases meet events of every kind in one batch and across batches.
    for (let i = 0; i < wire.length; i += 7) {
      expect(await socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: wire.slice(i, i + 7) })).toMatchObject({ ok: true });
    }
    const { rows } = await db.query<{ order_id: string; entitlement_fen: number; received_fen: number; state: string; position: number }>(
      'SELECT order_id, entitlement_fen, received_fen, state, position FROM entries ORDER BY seq',
    );
    expect(rows).toEqual(
      day.entries.map((e) => ({ order_id: e.orderId, entitlement_fen: e.entitlementFen, received_fen: e.receivedFen, state: e.state, position: e.position })),
    );
    expect(new Set(day.entries.map((e) => e.state)).size).toBeGreaterThan(1);

    const adminToken = await addAdmin(db, 'ops', Date.now());
    const stores = await fetch(`${service.url}/admin/stores`, { headers: { authorization: `Bearer ${adminToken}` } });
    const [store] = ((await stores.json()) as { stores: { owedFen: number; paidOutFen: number; waitingEntries: number }[] }).stores;
    const waiting = day.entries.filter((e) => e.state === 'waiting');
    expect(store).toMatchObject({
      waitingEntries: waiting.length,
      owedFen: waiting.reduce((s, e) => s + e.entitlementFen - e.receivedFen, 0),
      paidOutFen: day.entries.reduce((s, e) => s + e.receivedFen, 0),
    });
  }, 60_000);

  it('answers admin reads only with an admin credential, a page at a time, /events never without a limit', async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    const token = await enrolled(db, 'S1', 'R1');
    expect((await fetch(`${service.url}/events?store=S1&register=R1&limit=10`)).status).toBe(401);
    expect((await fetch(`${service.url}/admin/registers`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const admin = { authorization: `Bearer ${await addAdmin(db, 'ops', Date.now())}` };
    expect((await fetch(`${service.url}/events?store=S1&register=R1`, { headers: admin })).status).toBe(400);
    expect((await fetch(`${service.url}/admin/events?store=S1&register=R1&limit=1001`, { headers: admin })).status).toBe(400);
    const socket = await rawClient(cleanup, service.url, { storeId: 'S1', registerId: 'R1', token });
    const sent = toWire(engineDay('q1', 5).events);
    await socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: sent });
    const page = (await (await fetch(`${service.url}/admin/events?store=S1&register=R1&after=2&limit=2`, { headers: admin })).json()) as { events: { seq: number }[] };
    expect(page.events.map((e) => e.seq)).toEqual([3, 4]);
    const registers = (await (await fetch(`${service.url}/admin/registers?limit=5`, { headers: admin })).json()) as { registers: { registerId: string; lastSeq: number }[] };
    expect(registers.registers).toMatchObject([{ registerId: 'R1', lastSeq: sent.length }]);
    expect((await fetch(`${service.url}/admin/stats`)).status).toBe(401);
    const stats = await (await fetch(`${service.url}/admin/stats`, { headers: admin })).json();
    expect(stats).toMatchObject({ connected: 1, loopDelayMaxMs: expect.any(Number), loopDelayP99Ms: expect.any(Number) });
  }, 60_000);

  it("a register enrols with its code and drains its outbox through the sync client", async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    await enrolled(db, 'S1', 'seed');
    const { code } = await db.transaction((tx) => addRegister(tx, 'S1', 'R9', Date.now()));
    const dir = tempDir(cleanup);
    const reg = createRegisterDb(path.join(dir, 'register.db'));
    cleanup.add(() => reg.close());
    const result = await enrolRegister(reg, { url: service.url, code, box: plainSecretBox });
    expect(result).toEqual({ storeId: 'S1', registerId: 'R9' });
    const config = completeSyncConfig(readSyncConfig(reg, plainSecretBox));
    expect(config).toMatchObject({ url: service.url, storeId: 'S1', registerId: 'R9' });
    addOutboxEvents(reg, 0);
    const events = engineDay('cashier-1', 8).events;
    const insert = reg.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)');
    for (const e of events) insert.run(e.id, e.queueId, e.type, e.at, JSON.stringify(e.payload));
    const client = new SyncClient({ db: reg, config, batchSize: 3, backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 100 });
    cleanup.add(() => client.stop());
    client.start();
    await waitFor(() => outboxCount(reg) === 0 || client.status().waiting === 0, 30_000, 'the outbox to drain');
    const { rows } = await db.query<{ n: number }>("SELECT count(*) AS n FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = 'R9'");
    expect(rows[0]!.n).toBe(events.length);
    // A wrong code changes nothing on the register.
    writeSyncConfig(reg, { storeId: 'S1', registerId: 'R9' }, plainSecretBox);
    await expect(enrolRegister(reg, { url: service.url, code: 'AAAA-BBBB-CCCC-DDDD-EEEE', box: plainSecretBox })).rejects.toThrow(/未知|已使用|过期/);
    expect(readSyncConfig(reg, plainSecretBox).token).toBe(config.token);
    // The code is spent.
    await expect(db.transaction((tx) => enrol(tx, code, Date.now()))).rejects.toThrow(/used already/);
  }, 60_000);

  it('counter enrolments of one phone from several registers become one member; each register is told the canonical id', async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    const digest = 'ab'.repeat(32);
    const pushes: Record<string, unknown[]> = { A: [], B: [] };
    for (const name of ['A', 'B'] as const) {
      const token = await enrolled(db, 'S1', name);
      const socket = await rawClient(cleanup, service.url, { storeId: 'S1', registerId: name, token });
      socket.on(MESSAGES.members, (push: unknown, ack: (a: unknown) => void) => {
        pushes[name]!.push(push);
        ack({ ok: true, duplicate: false });
      });
      const event = {
        id: `enrol-${name}`,
        seq: 1,
        queueId: 'cashier-1',
        type: 'member.enrolled' as const,
        at: Date.now(),
        payload: { member: { id: `${name}-M1`, level: 'normal', displayName: '王**', maskedPhone: '139****5678', phoneDigest: digest }, registerId: name, cashierId: 'c-1' },
      };
      expect(await socket.timeout(10_000).emitWithAck(MESSAGES.batch, { events: [event] })).toMatchObject({ ok: true });
    }
    await waitFor(() => pushes.A!.length > 0 && pushes.B!.length > 0, 20_000, 'both registers to get the canonical member');
    for (const name of ['A', 'B']) {
      expect(pushes[name]![0]).toMatchObject({ members: [{ id: 'A-M1', phoneDigest: digest, level: 'normal', maskedPhone: '139****5678' }] });
    }
    const members = await db.query<{ id: string }>('SELECT id FROM members');
    expect(members.rows).toEqual([{ id: 'A-M1' }]);
    const aliases = await db.query<{ local_id: string; member_id: string }>('SELECT local_id, member_id FROM member_aliases ORDER BY local_id');
    expect(aliases.rows).toEqual([
      { local_id: 'A-M1', member_id: 'A-M1' },
      { local_id: 'B-M1', member_id: 'A-M1' },
    ]);
  }, 60_000);

  it.skipIf(kind !== 'PGlite')('pos enrol takes the code on stdin and saves the settings', async () => {
    const { db, service } = await serviceOn(kind, cleanup);
    await enrolled(db, 'S1', 'seed');
    const { code } = await db.transaction((tx) => addRegister(tx, 'S1', 'R5', Date.now()));
    const dir = tempDir(cleanup);
    const file = path.join(dir, 'register.db');
    createRegisterDb(file).close();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'electron/backend/cli/pos.ts'), 'enrol', '--db', file, '--server', service.url], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(`${code}\n`);
    const status = await new Promise((resolve) => child.once('exit', resolve));
    expect(out).toContain('已注册为门店 S1 的收银机 R5');
    expect(status).toBe(0);
    const reg = openDatabase(file);
    cleanup.add(() => reg.close());
    expect(readSyncConfig(reg, plainSecretBox)).toMatchObject({ url: service.url, storeId: 'S1', registerId: 'R5', token: expect.any(String) });
  }, 60_000);

  it('pushes carry the epoch: a new or restored service database counting push ids from 1 again is not taken for a duplicate', async () => {
    const dir = tempDir(cleanup);
    const reg = createRegisterDb(path.join(dir, 'register.db'));
    cleanup.add(() => reg.close());
    const hasMember = (id: string) => reg.prepare('SELECT 1 FROM members WHERE id = ?').get(id) !== undefined;
    const epochs: string[] = [];
    for (const member of ['m-first', 'm-after-restore']) {
      const { db, service } = await serviceOn(kind, cleanup);
      epochs.push(service.epoch);
      await enrolled(db, 'S1', 'seed');
      const { code } = await db.transaction((tx) => addRegister(tx, 'S1', 'R1', Date.now()));
      await enrolRegister(reg, { url: service.url, code, box: plainSecretBox });
      expect(await service.pushMembers({ members: [{ id: member, level: 'gold' }] })).toBe(1);
      const client = new SyncClient({ db: reg, config: completeSyncConfig(readSyncConfig(reg, plainSecretBox)), backoff: { initialMs: 20, maxMs: 200 }, pollIntervalMs: 100 });
      client.start();
      await waitFor(() => hasMember(member), 20_000, `push 1 of epoch ${epochs.length} to be applied`);
      await client.stop();
    }
    expect(epochs[0]).not.toBe(epochs[1]);
    expect(epochs[0]).toMatch(/^[0-9a-f]{32}$/);
  }, 90_000);
});
