/**
 * A misbehaving server, played by a bare socket.io Server (the test double in
 * test/support/hostile-server.ts, not the central service): every kind of bad
 * message it can send is refused by the register, logged in sync_inbound,
 * and changes nothing (no outbox row removed, no setting or member written).
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../electron/backend/store/database';
import { SyncClient } from '../../electron/backend/sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { MESSAGES } from '../../shared/sync/protocol';
import { startHostileServer } from '../support/hostile-server';
import { Cleanup, QUEUE, addOutboxEvents, createRegisterDb, outboxCount, tempDir, waitFor } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The hostile stand-in (test/support/hostile-server.ts); `onBatch` answers batches however the test likes. */
const fakeServer = (onBatch?: (batch: unknown, ack: (answer: unknown) => void) => void, refuseWith?: unknown) =>
  startHostileServer(cleanup, { ...(onBatch ? { onBatch } : {}), ...(refuseWith !== undefined ? { refuseWith } : {}) });

function setup(): { db: Db; start: (url: string) => SyncClient; warnings: string[] } {
  const dir = tempDir(cleanup);
  const db = createRegisterDb(path.join(dir, 'register.db'));
  cleanup.add(() => db.close());
  const warnings: string[] = [];
  const start = (url: string) => {
    const config = completeSyncConfig({ ...readSyncConfig(db, plainSecretBox), url });
    const client = new SyncClient({
      db,
      config,
      ackTimeoutMs: 1_000,
      backoff: { initialMs: 50, maxMs: 200 },
      logger: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    cleanup.add(() => client.stop());
    client.start();
    return client;
  };
  return { db, start, warnings };
}

function snapshot(db: Db) {
  return {
    queues: db.prepare('SELECT * FROM queues').all(),
    members: db.prepare('SELECT * FROM members').all(),
    audit: db.prepare('SELECT * FROM settings_audit').all(),
    state: db.prepare('SELECT last_acked_seq, last_push_id, base_settings FROM sync_state').get(),
    outbox: outboxCount(db),
  };
}

const refusedLog = (db: Db) => db.prepare("SELECT message, status, error FROM sync_inbound WHERE status = 'refused' ORDER BY id").all() as { message: string; status: string; error: string }[];

describe('messages from a misbehaving server are refused and logged, never applied', () => {
  const badAcks: [string, unknown][] = [
    ['a string', 'ok'],
    ['no ack at all (null)', null],
    ['appliedSeq as text', { ok: true, appliedSeq: '20', duplicates: 0 }],
    ['appliedSeq not whole', { ok: true, appliedSeq: 19.5, duplicates: 0 }],
    ['a negative appliedSeq', { ok: true, appliedSeq: -1, duplicates: 0 }],
    ['an unknown field', { ok: true, appliedSeq: 20, duplicates: 0, bonus: 1 }],
    ['an unknown error code', { ok: false, error: { code: 'teapot', message: 'no' } }],
  ];
  it.each(badAcks)('a batch acknowledgement that is %s removes nothing from the outbox', async (_what, answer) => {
    const { db, start } = setup();
    addOutboxEvents(db, 20);
    const before = snapshot(db);
    let batches = 0;
    const fake = await fakeServer((_batch, ack) => {
      batches++;
      ack(answer);
    });
    const client = start(fake.url);
    await waitFor(() => batches >= 2 && refusedLog(db).length >= 2, 5_000, 'the ack to be refused (twice: the client retries)');
    expect(refusedLog(db)[0]).toMatchObject({ message: `${MESSAGES.batch} ack`, status: 'refused', error: expect.stringMatching(/^malformed batch acknowledgement/) });
    expect(client.status().lastError).toMatch(/malformed batch acknowledgement.*nothing was removed/);
    expect(snapshot(db)).toEqual(before);
  });

  it('an acknowledgement of less than was sent removes nothing; of more than was sent is refused, logged and removes nothing', async () => {
    const { db, start } = setup();
    addOutboxEvents(db, 20);
    let answer: unknown = { ok: true, appliedSeq: 0, duplicates: 0 };
    const fake = await fakeServer((_batch, ack) => ack(answer));
    const client = start(fake.url);
    await waitFor(() => client.status().lastError?.includes('acknowledged only up to seq 0'), 5_000, 'a short ack refused');
    expect(outboxCount(db)).toBe(20);
    answer = { ok: true, appliedSeq: 1_000, duplicates: 0 };
    await waitFor(() => client.status().lastError?.includes('acknowledged up to seq 1000 but this register numbered only up to 20'), 5_000, 'a long ack refused');
    expect(refusedLog(db).at(-1)).toMatchObject({ message: `${MESSAGES.batch} ack`, error: expect.stringContaining('acknowledgement up to seq 1000, but this register has numbered events only up to 20') });
    expect(outboxCount(db)).toBe(20);
    expect(db.prepare('SELECT last_acked_seq FROM sync_state').pluck().get()).toBe(0);
    // A right ack is applied as before.
    answer = { ok: true, appliedSeq: 20, duplicates: 0 };
    await waitFor(() => outboxCount(db) === 0, 5_000, 'the outbox to empty');
  });

  it('a server that answers a gap the register cannot fill leaves the register blocked, outbox intact', async () => {
    const { db, start } = setup();
    addOutboxEvents(db, 3);
    db.prepare('DELETE FROM outbox WHERE seq = 1').run();
    const fake = await fakeServer((_batch, ack) => ack({ ok: false, error: { code: 'gap', message: 'need 1', expectedSeq: 1 } }));
    const client = start(fake.url);
    const status = await waitFor(() => (client.status().blocked ? client.status() : null), 5_000, 'a blocked status');
    expect(status.lastError).toMatch(/needs events from seq 1, but this register's outbox starts at 2/);
    expect(outboxCount(db)).toBe(2);
  });

  it('malformed base settings, malformed members, pushes without an ack request and unknown messages change nothing', async () => {
    const { db, start, warnings } = setup();
    const before = snapshot(db);
    const fake = await fakeServer();
    start(fake.url);
    const socket = await fake.connected;
    const ask = (name: string, body: unknown) => socket.timeout(2_000).emitWithAck(name, body) as Promise<unknown>;
    const refusedWith = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

    const settings = { extractionBp: 1500 };
    const bad: [string, unknown][] = [
      [MESSAGES.baseSettings, { pushId: 1, issuedAt: 0, settings: { extractionBp: 20_000 } }], // out of range
      [MESSAGES.baseSettings, { pushId: 1, issuedAt: 0, settings: { extractionBp: 12.5 } }], // not whole
      [MESSAGES.baseSettings, { pushId: 1, issuedAt: 0, settings: { ...settings, surprise: true } }], // unknown field
      [MESSAGES.baseSettings, { pushId: 0, issuedAt: 0, settings }], // bad push id
      [MESSAGES.baseSettings, { pushId: 1, issuedAt: 0, queueId: QUEUE }], // no settings
      [MESSAGES.baseSettings, 'extractionBp=1500'],
      [MESSAGES.members, { pushId: 1, issuedAt: 0, members: [{ id: 'm-1', level: 'gold', maskedPhone: '13812345678' }] }], // unmasked phone
      [MESSAGES.members, { pushId: 1, issuedAt: 0, members: [{ id: 'm-1', level: 'gold', displayName: '张三' }] }], // unmasked name
      [MESSAGES.members, { pushId: 1, issuedAt: 0, members: [{ id: 'm-1', level: 'gold' }, { id: 'm-1', level: 'silver' }] }], // twice
      [MESSAGES.members, { pushId: 1, issuedAt: 0, members: [{ id: 'm-1' }] }], // no level
      [MESSAGES.members, { pushId: 1, issuedAt: 0, members: [] }],
    ];
    for (const [name, body] of bad) expect(await ask(name, body)).toEqual(refusedWith('invalid'));
    expect(await ask('sync:delete-everything', {})).toEqual(refusedWith('unknown-message'));
    socket.emit(MESSAGES.baseSettings, { pushId: 1, issuedAt: 0, settings }); // no ack requested
    socket.emit('sync:teleport', 1, 2, 3);

    await waitFor(() => refusedLog(db).length === bad.length + 3, 2_000, 'every refusal logged');
    const log = refusedLog(db);
    expect(log.map((l) => l.message)).toEqual([...bad.map(([name]) => name), 'sync:delete-everything', MESSAGES.baseSettings, 'sync:teleport']);
    expect(log[0]!.error).toMatch(/settings\.extractionBp: the extraction ratio \(bp\) must be at most 10000/);
    expect(log[6]!.error).toMatch(/members\.0\.maskedPhone: a phone must arrive masked/);
    expect(log[bad.length + 1]!.error).toMatch(/must ask for an acknowledgement/);
    expect(warnings.filter((w) => w.startsWith('refused'))).toHaveLength(bad.length + 3);
    expect(snapshot(db)).toEqual(before);

    // A well-formed push on the same connection is still applied.
    expect(await ask(MESSAGES.baseSettings, { pushId: 1, issuedAt: 0, settings })).toEqual({ ok: true, duplicate: false });
    expect(await ask(MESSAGES.baseSettings, { pushId: 1, issuedAt: 0, settings })).toEqual({ ok: true, duplicate: true });
    expect(JSON.parse(db.prepare('SELECT base_settings FROM queues').pluck().get() as string)).toEqual(settings);
  });

  it('a push that is well-formed but cannot be applied is refused whole', async () => {
    const { db, start } = setup();
    db.prepare("INSERT INTO members (id, level, member_code, updated_at) VALUES ('local-1', 'gold', 'C001', 0)").run();
    const before = snapshot(db);
    const fake = await fakeServer();
    start(fake.url);
    const socket = await fake.connected;
    // The second member takes a member code another member holds: nothing of the push may stay.
    const answer = await socket.timeout(2_000).emitWithAck(MESSAGES.members, {
      pushId: 1,
      issuedAt: 0,
      members: [{ id: 'm-1', level: 'gold' }, { id: 'm-2', level: 'gold', memberCode: 'C001' }],
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'apply-failed' } });
    expect(snapshot(db)).toEqual(before);
    expect(refusedLog(db)).toHaveLength(1);
  });

  it('a malformed refusal from the server is logged and the client keeps retrying', async () => {
    const { db, start } = setup();
    const fake = await fakeServer(undefined, { code: 'because', message: 42 });
    const client = start(fake.url);
    await waitFor(() => refusedLog(db).length >= 2, 5_000, 'the refusals logged');
    expect(refusedLog(db)[0]).toMatchObject({ message: 'connect_error', error: expect.stringMatching(/^malformed connection refusal/) });
    expect(client.status()).toMatchObject({ online: false, blocked: false });
  });
});
