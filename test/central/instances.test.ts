/**
 * Two service instances (real processes) on one PostgreSQL: a push made on
 * one reaches a register connected to the other (LISTEN/NOTIFY); SIGKILLing
 * the instance a register is draining into loses nothing — the register
 * reconnects (through a fail-over proxy standing in for the load balancer)
 * to the other, and the service ends with every event exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addAdmin, addRegister } from '../../central/auth/registry';
import { openPostgres } from '../../central/db/adapter';
import { migrate } from '../../central/db/migrate';
import { SyncClient } from '../../electron/backend/sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { enrolRegister } from '../../electron/backend/sync/enrol';
import { MESSAGES } from '../../shared/sync/protocol';
import { Cleanup, ROOT, createRegisterDb, kill, outboxCount, tempDir, waitFor } from '../sync/helpers';
import { sharedPostgres, stopSharedPostgres } from './databases';
import { engineDay, enrolled, rawClient } from './fixtures';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

async function spawnInstance(databaseUrl: string): Promise<{ child: ChildProcess; port: number; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'central/main.ts'), '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CENTRAL_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add(() => kill(child));
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { child: ChildProcess; port: number; url: string } & { child: never });
      }
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}: ${out}`)));
  }).then((info) => ({ ...(info as { port: number; url: string }), child }));
}

/** Stands in for the load balancer: each connection goes to the first upstream that accepts it. */
async function failoverProxy(ports: number[]): Promise<number> {
  const server = net.createServer((client) => {
    client.pause();
    const tryUpstream = (i: number) => {
      if (i >= ports.length) {
        client.destroy();
        return;
      }
      const upstream = net.connect(ports[i]!, '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.once('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.on('error', () => {
        if (connected) client.destroy();
        else tryUpstream(i + 1);
      });
    };
    tryUpstream(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

describe('two central instances on one PostgreSQL', () => {
  it('pushes reach registers on either instance; killing one loses nothing and its registers carry on at the other', async () => {
    const url = await (await sharedPostgres()).newDatabaseUrl();
    const db = openPostgres(url);
    cleanup.add(() => db.close());
    await migrate(db);
    const tokenB = await enrolled(db, 'S1', 'on-b');
    await enrolled(db, 'S1', 'seed');
    const adminToken = await addAdmin(db, 'ops', Date.now());
    const [a, b] = await Promise.all([spawnInstance(url), spawnInstance(url)]);

    // A push made through A reaches a register connected to B.
    const received: unknown[] = [];
    const onB = await rawClient(cleanup, b.url, { storeId: 'S1', registerId: 'on-b', token: tokenB });
    onB.on(MESSAGES.members, (push: unknown, ack: (x: unknown) => void) => {
      received.push(push);
      ack({ ok: true, duplicate: false });
    });
    const pushed = await fetch(`${a.url}/admin/push/members`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ members: [{ id: 'm-9', level: 'gold', maskedPhone: '138****0000' }] }),
    });
    expect(pushed.status).toBe(200);
    await waitFor(() => received.length === 1, 20_000, 'the push made on A to reach the register on B');
    expect(received[0]).toMatchObject({ members: [{ id: 'm-9' }] });

    // A register drains through the proxy into A; A is SIGKILLed part-way.
    const proxyPort = await failoverProxy([a.port, b.port]);
    const dir = tempDir(cleanup);
    const reg = createRegisterDb(path.join(dir, 'register.db'));
    cleanup.add(() => reg.close());
    const { code } = await db.transaction((tx) => addRegister(tx, 'S1', 'R1', Date.now()));
    // Enrolled through the proxy (the address registers know), which sends it to A for now.
    await enrolRegister(reg, { url: `http://127.0.0.1:${proxyPort}`, code, box: plainSecretBox });
    const events = engineDay('cashier-1', 250).events;
    const insert = reg.prepare('INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (?, ?, ?, ?, ?)');
    for (const e of events) insert.run(e.id, e.queueId, e.type, e.at, JSON.stringify(e.payload));
    const client = new SyncClient({ db: reg, config: completeSyncConfig(readSyncConfig(reg, plainSecretBox)), batchSize: 5, inFlight: 2, backoff: { initialMs: 50, maxMs: 500 }, pollIntervalMs: 100 });
    cleanup.add(() => client.stop());
    client.start();
    const held = async () => (await db.query<{ n: number }>("SELECT count(*) AS n FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = 'R1'")).rows[0]!.n;
    await waitFor(async () => (await held()) >= 20, 30_000, 'the first batches to reach A');
    await kill(a.child, 'SIGKILL');
    // Killed part-way, or the test proves nothing.
    expect(await held()).toBeLessThan(events.length);
    await waitFor(() => outboxCount(reg) === 0 || client.status().waiting === 0, 60_000, 'the register to finish at B');
    const { rows } = await db.query<{ n: number; seqs: number; ids: number; max: number }>(
      `SELECT count(*) AS n, count(DISTINCT seq) AS seqs, count(DISTINCT event_id) AS ids, max(seq) AS max
       FROM events e JOIN registers r ON r.id = e.register WHERE r.register_id = 'R1'`,
    );
    expect(rows[0]).toEqual({ n: events.length, seqs: events.length, ids: events.length, max: events.length });
    const entries = await db.query<{ n: number }>("SELECT count(*) AS n FROM entries e JOIN registers r ON r.id = e.register WHERE r.register_id = 'R1'");
    expect(entries.rows[0]!.n).toBe(events.filter((e) => e.type === 'order.checkout' && (e.payload as { entry: unknown }).entry).length);
  }, 180_000);
});
