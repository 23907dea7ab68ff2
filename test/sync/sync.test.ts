/**
 * The sync client against the real central service (central/service.ts on
 * PGlite) on 127.0.0.1, with real SQLite register files and registers
 * enrolled with a one-time code: normal sync, server down at start,
 * duplicates, lost acks, gaps, refusals, pushes while offline, wss://.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../central/db/migrate';
import type { CentralServiceOptions } from '../../central/service';
import type { Db } from '../../electron/backend/store/database';
import { SyncClient, type SyncClientOptions } from '../../electron/backend/sync/client';
import { checkServerUrl, completeSyncConfig, plainSecretBox, readSyncConfig, SyncConfigError, writeSyncConfig } from '../../electron/backend/sync/config';
import { MESSAGES, PROTOCOL_VERSION, type BatchAck, type WireEvent } from '../../shared/sync/protocol';
import { openTestDatabase } from '../central/databases';
import { enrolled, rawClient as rawSocket } from '../central/fixtures';
import { startSyncService, syncServiceHooks } from '../support/sync-service';
import { CuttingProxy } from '../support/tcp-proxy';
import { QUEUE, REGISTER, STORE, TOKEN, addOutboxEvents, checkoutPayload, createRegisterDb, freePort, outboxCount, startSyncClient, tempDir, waitFor } from './helpers';

const cleanup = syncServiceHooks();

const startServer = (extra: Partial<CentralServiceOptions> = {}) => startSyncService(cleanup, extra);

const startClient = (db: Db, url: string, extra: Partial<SyncClientOptions> = {}) => startSyncClient(cleanup, db, url, extra);

function register(dir: string, name = 'register.db'): Db {
  const db = createRegisterDb(path.join(dir, name));
  cleanup.add(() => db.close());
  return db;
}

/** A bare socket.io client speaking the protocol by hand. */
const rawClient = (url: string, auth: Record<string, unknown>) => rawSocket(cleanup, url, auth);

const hello = (token: string) => ({ storeId: STORE, registerId: REGISTER, token, protocolVersion: PROTOCOL_VERSION, lastAckedSeq: 0 });

function wireEvents(from: number, count: number, prefix = 'evt'): WireEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${from + i}`,
    seq: from + i,
    queueId: QUEUE,
    type: 'order.checkout' as const,
    at: 1_760_000_000_000 + from + i,
    payload: checkoutPayload(`o-${from + i}`, 1_760_000_000_000 + from + i, 100),
  }));
}

describe('sync with the central service', () => {
  it('normal sync: every event reaches the server once, in order, and the outbox empties', async () => {
    const server = await startServer();
    const db = await server.newRegister();
    const ids = addOutboxEvents(db, 1234);
    const client = startClient(db, server.url);

    await waitFor(() => outboxCount(db) === 0, 90_000, 'the outbox to empty');
    await server.expectHoldsExactly(ids);
    expect(db.prepare('SELECT last_acked_seq FROM sync_state').pluck().get()).toBe(1234);

    // Later events go out as soon as the app says so.
    ids.push(...addOutboxEvents(db, 7));
    client.notify();
    await waitFor(() => outboxCount(db) === 0, 30_000, 'the new events to go');
    await server.expectHoldsExactly(ids);
    const status = client.status();
    expect(status).toMatchObject({ online: true, connection: 'online', waiting: 0, lastError: null, blocked: false });
    expect(status.lastSyncAt).toEqual(expect.any(Number));
  }, 180_000);

  it('server down at start: the client reports it, backs off, and syncs once the server is up', async () => {
    const dir = tempDir(cleanup);
    const port = await freePort();
    const db = register(dir);
    // Enrolled before the service first starts (its database is ready, its port not yet open).
    const data = await openTestDatabase('PGlite');
    cleanup.add(() => data.close());
    await migrate(data);
    writeSyncConfig(db, { token: await enrolled(data, STORE, REGISTER) }, plainSecretBox);
    const ids = addOutboxEvents(db, 300);
    const statuses: string[] = [];
    const client = startClient(db, `http://127.0.0.1:${port}`);
    client.on('status', (s) => statuses.push(s.connection));

    const down = await waitFor(() => (client.status().lastError ? client.status() : null), 5_000, 'a connection error');
    expect(down).toMatchObject({ online: false, waiting: 300 });
    expect(down.lastError).toMatch(/cannot reach http:\/\/127\.0\.0\.1/);
    await new Promise((r) => setTimeout(r, 300));
    expect(outboxCount(db)).toBe(300);

    const server = await startServer({ port, db: data });
    await waitFor(() => outboxCount(db) === 0, 30_000, 'the outbox to empty once the server is up');
    await server.expectHoldsExactly(ids);
    expect(statuses.filter((s) => s === 'connecting').length).toBeGreaterThan(1);
    expect(client.status().lastError).toBeNull();
  });

  it('the same batch delivered twice is held once and acknowledged both times', async () => {
    const server = await startServer();
    const socket = await rawClient(server.url, hello(await server.token()));
    const send = (events: WireEvent[]) => socket.timeout(5_000).emitWithAck(MESSAGES.batch, { events }) as Promise<BatchAck>;

    expect(await send(wireEvents(1, 50))).toEqual({ ok: true, appliedSeq: 50, duplicates: 0 });
    expect(await send(wireEvents(1, 50))).toEqual({ ok: true, appliedSeq: 50, duplicates: 50 });
    // Overlapping: half already held, half new.
    expect(await send(wireEvents(26, 50))).toEqual({ ok: true, appliedSeq: 75, duplicates: 25 });
    await server.expectHoldsExactly(wireEvents(1, 75).map((e) => e.id));
  });

  it('an ack lost to a timeout: the client sends the batch again and the server keeps one copy', async () => {
    const server = await startServer();
    // Between them, a proxy holds back what the service sends (its acks) longer than the client waits.
    const proxy = new CuttingProxy(server.port);
    const proxyPort = await proxy.listen();
    cleanup.add(() => proxy.close());
    proxy.delayToClientMs = 800;
    const db = await server.newRegister();
    const ids = addOutboxEvents(db, 450);
    const client = startClient(db, `http://127.0.0.1:${proxyPort}`, { ackTimeoutMs: 300 });

    // The service commits the first batch but its ack comes too late.
    await waitFor(async () => (await server.held()) >= 100 && client.status().lastError?.includes('no acknowledgement'), 30_000, 'a timed-out batch');
    expect(outboxCount(db)).toBe(450);
    proxy.delayToClientMs = 0;
    await waitFor(() => outboxCount(db) === 0, 60_000, 'the outbox to empty');
    await server.expectHoldsExactly(ids);
  }, 120_000);

  it('the server refuses a gap, a seq already held by another event, and malformed batches, and holds nothing of them', async () => {
    const server = await startServer();
    const socket = await rawClient(server.url, hello(await server.token()));
    const send = (events: WireEvent[]) => socket.timeout(5_000).emitWithAck(MESSAGES.batch, { events }) as Promise<BatchAck>;

    expect(await send(wireEvents(5, 3))).toMatchObject({ ok: false, error: { code: 'gap', expectedSeq: 1 } });
    expect(await send(wireEvents(1, 3))).toEqual({ ok: true, appliedSeq: 3, duplicates: 0 });
    expect(await send(wireEvents(3, 2, 'other'))).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Not consecutive inside the batch, money as a float, unknown type: refused as invalid.
    expect(await send([...wireEvents(4, 1), ...wireEvents(6, 1)])).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await send([{ ...wireEvents(4, 1)[0]!, payload: { ...checkoutPayload('o-4', 1, 100), order: { actualPaidFen: 1.5 } } }])).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await send([{ ...wireEvents(4, 1)[0]!, type: 'order.teleported' as never }])).toMatchObject({ ok: false, error: { code: 'invalid' } });
    // A payload the service's schema refuses, though the envelope is well formed.
    expect(await send([{ ...wireEvents(4, 1)[0]!, payload: { orderId: 'o-4', actualPaidFen: 100 } }])).toMatchObject({ ok: false, error: { code: 'invalid' } });
    await server.expectHoldsExactly(wireEvents(1, 3).map((e) => e.id));
  });

  it('a wrong token or protocol version is refused with a reason, and the client says it is blocked', async () => {
    const server = await startServer();
    const refusal = await new Promise<{ message: string; data: unknown }>((resolve) => {
      const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { ...hello(TOKEN), protocolVersion: 99 } });
      cleanup.add(() => socket.close());
      socket.once('connect_error', (e: Error & { data?: unknown }) => resolve({ message: e.message, data: e.data }));
    });
    expect(refusal.data).toMatchObject({ code: 'protocol-version', supportedVersions: [PROTOCOL_VERSION] });

    const db = await server.newRegister();
    addOutboxEvents(db, 5);
    const config = completeSyncConfig({ ...readSyncConfig(db, plainSecretBox), url: server.url, token: 'wrong-token-0123456789' });
    const client = new SyncClient({ db, config, backoff: { initialMs: 20, maxMs: 100 } });
    cleanup.add(() => client.stop());
    client.start();
    const status = await waitFor(() => (client.status().blocked ? client.status() : null), 5_000, 'a blocked status');
    expect(status.lastError).toMatch(/refused this register \(bad-token\)/);
    expect(outboxCount(db)).toBe(5);
    expect(await server.held()).toBe(0);
  });

  it('base settings and members pushed while the register is offline are applied on reconnect, base layer only, audited', async () => {
    const server = await startServer();
    const db = await server.newRegister();
    const admin = await server.adminToken();
    const post = (route: string, body: unknown, token = admin) => postJson(`${server.url}/admin/push/${route}`, body, token);
    const cashierBefore = db.prepare('SELECT cashier_settings FROM queues WHERE id = ?').pluck().get(QUEUE);

    const settings = { extractionBp: 1500, defaultRatioBp: 12000, rebateName: '平台返利', levelRatiosBp: { gold: 13000 } };
    const pushed = await post('base-settings', { settings });
    expect(pushed.status).toBe(200);
    const members = [
      { id: 'm-1', level: 'gold', displayName: '张*', maskedPhone: '138****5678', memberCode: 'C001', phoneDigest: 'a'.repeat(64) },
      { id: 'm-2', level: 'silver' },
    ];
    expect((await post('members', { members })).status).toBe(200);
    // The service will not send what a register must refuse, and pushes need an admin credential (a register's token is not one).
    expect((await post('members', { members: [{ id: 'm-3', level: 'x', maskedPhone: '13812345678' }] })).status).toBe(400);
    expect((await post('members', { members }, 'not-a-token')).status).toBe(401);
    expect((await post('members', { members }, await server.token('register-2'))).status).toBe(401);

    const client = startClient(db, server.url);
    const pushes: number[] = [];
    client.on('push', (p) => pushes.push(p.pushId));
    await waitFor(() => db.prepare('SELECT count(*) FROM members').pluck().get() === 2, 5_000, 'the members');

    const queue = db.prepare('SELECT base_settings, cashier_settings FROM queues WHERE id = ?').get(QUEUE) as { base_settings: string; cashier_settings: string };
    expect(JSON.parse(queue.base_settings)).toEqual(settings);
    expect(queue.cashier_settings).toBe(cashierBefore);
    const audit = db.prepare('SELECT queue_id, layer, field, old_value, new_value, actor, source FROM settings_audit ORDER BY field').all();
    expect(audit).toEqual([
      { queue_id: QUEUE, layer: 'base', field: 'defaultRatioBp', old_value: '10000', new_value: '12000', actor: 'central', source: 'server' },
      { queue_id: QUEUE, layer: 'base', field: 'extractionBp', old_value: '1000', new_value: '1500', actor: 'central', source: 'server' },
      { queue_id: QUEUE, layer: 'base', field: 'levelRatiosBp', old_value: null, new_value: '{"gold":13000}', actor: 'central', source: 'server' },
      { queue_id: QUEUE, layer: 'base', field: 'rebateName', old_value: null, new_value: '"平台返利"', actor: 'central', source: 'server' },
    ]);
    expect(db.prepare("SELECT id, level, display_name, masked_phone, member_code, source FROM members ORDER BY id").all()).toEqual([
      { id: 'm-1', level: 'gold', display_name: '张*', masked_phone: '138****5678', member_code: 'C001', source: 'server' },
      { id: 'm-2', level: 'silver', display_name: null, masked_phone: null, member_code: null, source: 'server' },
    ]);

    // A push while online arrives at once; the server records every answer.
    await post('base-settings', { settings: { ...settings, extractionBp: 1600 } });
    await waitFor(() => (JSON.parse(db.prepare('SELECT base_settings FROM queues').pluck().get() as string) as { extractionBp: number }).extractionBp === 1600, 5_000, 'the live push');
    const { pushes: log } = (await (await fetch(`${server.url}/admin/pushes`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { pushes: { answered: number; refused: number }[] };
    expect(log.map((p) => [p.answered, p.refused])).toEqual([[1, 0], [1, 0], [1, 0]]);
    expect(pushes).toEqual([1, 2, 3]);
    expect(db.prepare("SELECT message, push_id, status FROM sync_inbound ORDER BY id").all()).toEqual([
      { message: MESSAGES.baseSettings, push_id: 1, status: 'applied' },
      { message: MESSAGES.members, push_id: 2, status: 'applied' },
      { message: MESSAGES.baseSettings, push_id: 3, status: 'applied' },
    ]);

    // Applied through the engine like a manager's change: a pushed reset schedule counts from its arrival.
    const before = Date.now();
    expect(db.prepare('SELECT reset_anchor FROM queues').pluck().get()).toBeNull();
    await post('base-settings', { settings: { ...settings, extractionBp: 1600, reset: { kind: 'daily', at: '00:00' } } });
    const anchor = await waitFor(() => db.prepare('SELECT reset_anchor FROM queues').pluck().get() as number | null, 5_000, 'the reset anchor');
    expect(anchor).toBeGreaterThanOrEqual(before);
  });

  it('an outbox event that breaks the protocol stops sync at it: nothing after it overtakes it', async () => {
    const server = await startServer();
    const db = await server.newRegister();
    const good = addOutboxEvents(db, 3);
    db.prepare("INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES ('bad-1', ?, 'order.checkout', 1, '{\"actualPaidFen\": 12.5}')").run(QUEUE);
    addOutboxEvents(db, 3);
    const client = startClient(db, server.url, { batchSize: 2 });
    const status = await waitFor(() => (client.status().blocked ? client.status() : null), 5_000, 'a blocked status');
    expect(status.lastError).toMatch(/outbox event seq 4 \(bad-1\) cannot be sent: payload\.actualPaidFen: money field actualPaidFen must be an integer number of fen/);
    await server.expectHoldsExactly(good);
    expect(status.waiting).toBe(4);
  });

  it('refuses unencrypted addresses to other machines unless the manager allowed them', () => {
    expect(checkServerUrl('wss://central.example.com', false).protocol).toBe('wss:');
    expect(checkServerUrl('https://central.example.com', false).protocol).toBe('https:');
    for (const local of ['ws://127.0.0.1:4000', 'http://localhost:4000', 'ws://[::1]:4000']) expect(() => checkServerUrl(local, false)).not.toThrow();
    expect(() => checkServerUrl('ws://central.example.com', false)).toThrow(SyncConfigError);
    expect(() => checkServerUrl('http://192.168.1.20:4000', false)).toThrow(/refusing the unencrypted address http:\/\/192\.168\.1\.20:4000.*sync\.allowInsecure/);
    expect(() => checkServerUrl('http://192.168.1.20:4000', true)).not.toThrow();
    expect(() => checkServerUrl('ftp://x', true)).toThrow(/must start with wss:\/\//);
    expect(() => checkServerUrl('not a url', true)).toThrow(/is not a URL/);
    expect(() => completeSyncConfig({ url: 'wss://x' })).toThrow(/missing sync\.storeId, sync\.registerId, sync\.token/);
  });

  it('keeps the token encrypted in app_meta through the SecretBox', () => {
    const dir = tempDir(cleanup);
    const db = register(dir);
    const stored = db.prepare("SELECT value FROM app_meta WHERE key = 'sync.token'").pluck().get();
    expect(stored).toBe(`plain:${TOKEN}`);
    expect(readSyncConfig(db, plainSecretBox).token).toBe(TOKEN);
    const reversing = { encrypt: (s: string) => [...s].reverse().join(''), decrypt: (s: string) => [...s].reverse().join('') };
    expect(() => readSyncConfig(db, reversing)).not.toThrow();
    expect(readSyncConfig(db, null).token).toBeUndefined();
  });

  it.skipIf(!existsSync('/usr/bin/openssl'))('wss:// works, here with a private certificate authority', async () => {
    const dir = tempDir(cleanup);
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    const server = await startServer({ tls: { cert, key: readFileSync(path.join(dir, 'key.pem'), 'utf8') } });
    const db = register(dir);
    // The token straight from the service's database (the register's /enrol call would not trust a private authority).
    writeSyncConfig(db, { token: await server.token() }, plainSecretBox);
    const ids = addOutboxEvents(db, 120);
    const wss = server.url.replace('https://', 'wss://');

    // Without trusting the certificate, the connection is refused…
    const untrusting = startClient(db, wss);
    await waitFor(() => untrusting.status().lastError, 5_000, 'a TLS error');
    expect(untrusting.status().lastError).toMatch(/cannot reach/);
    await untrusting.stop();
    expect(outboxCount(db)).toBe(120);
    // … and with it, everything goes.
    startClient(db, wss, { ca: cert });
    await waitFor(() => outboxCount(db) === 0, 10_000, 'the outbox to empty over wss');
    await server.expectHoldsExactly(ids);
  });
});

async function postJson(url: string, body: unknown, token: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as unknown };
}
