/**
 * The register's side of `sync:admit` (electron/backend/sync/admission.ts,
 * docs/sync.md "Admission of large batches"), against the bare socket.io
 * test double (test/support/hostile-server.ts), which answers admissions
 * when the test says: a large batch leaves only once admitted, a small
 * batch behind it keeps its place, a service that does not know the message
 * is not asked again, and an admission that never comes fails the batch and
 * everything behind it. The real service's side is in
 * test/central/large-batches.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { SendLine } from '../../electron/backend/sync/admission';
import { silentLogger, SyncError } from '../../electron/backend/sync/sync-error';
import { ADMIT_ABOVE_EVENTS, type WireEvent } from '../../shared/sync/protocol';
import { startHostileServer } from '../support/hostile-server';
import { checkoutEvent } from '../support/checkout-event';
import { Cleanup } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const batch = (first: number, count: number): WireEvent[] => Array.from({ length: count }, (_, i) => checkoutEvent('R1', first + i, Date.UTC(2026, 11, 1) + i * 1000));
const LARGE = ADMIT_ABOVE_EVENTS + 1;

/** The double: batches acknowledged at once; admission requests kept for the test to answer. Every message in arrival order. */
async function server() {
  const arrived: string[] = [];
  const admissions: { events: number; answer: (a: unknown) => void }[] = [];
  const hostile = await startHostileServer(cleanup, {
    onBatch: (raw, ack) => {
      const events = (raw as { events: WireEvent[] }).events;
      arrived.push(`batch ${events[0]!.seq}–${events[events.length - 1]!.seq}`);
      ack({ ok: true, appliedSeq: events[events.length - 1]!.seq, duplicates: 0 });
    },
    onAdmit: (request, answer) => {
      const events = (request as { events: number }).events;
      arrived.push(`admit ${events}`);
      admissions.push({ events, answer });
    },
  });
  const socket: Socket = io(hostile.url, { transports: ['websocket'], reconnection: false, forceNew: true });
  cleanup.add(() => socket.close());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, arrived, admissions };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('a register asks before a large batch', () => {
  it('sends a small batch at once, a large one only when admitted, and a small one behind it after it', async () => {
    const { socket, arrived, admissions } = await server();
    const line = new SendLine(socket, 10_000, silentLogger);
    const small = line.send(batch(1, 10), 10_000);
    const large = line.send(batch(11, LARGE), 10_000);
    const behind = line.send(batch(11 + LARGE, 5), 10_000);
    await until(() => admissions.length === 1);
    await small;
    // Waiting for the admission: neither the large batch nor the one behind it has left.
    await new Promise((r) => setTimeout(r, 100));
    expect(arrived).toEqual(['batch 1–10', `admit ${LARGE}`]);
    admissions[0]!.answer({ ok: true });
    await expect(large).resolves.toMatchObject({ ok: true, appliedSeq: 10 + LARGE });
    await expect(behind).resolves.toMatchObject({ ok: true, appliedSeq: 15 + LARGE });
    expect(arrived).toEqual(['batch 1–10', `admit ${LARGE}`, `batch 11–${10 + LARGE}`, `batch ${11 + LARGE}–${15 + LARGE}`]);
  });

  it('is not asked again on a connection whose service does not know the message', async () => {
    const { socket, arrived, admissions } = await server();
    const said: string[] = [];
    const line = new SendLine(socket, 10_000, { ...silentLogger, info: (m) => said.push(m) });
    const first = line.send(batch(1, LARGE), 10_000);
    await until(() => admissions.length === 1);
    admissions[0]!.answer({ ok: false, error: { code: 'unknown-message', message: 'unknown message "sync:admit"' } });
    await expect(first).resolves.toMatchObject({ ok: true });
    await expect(line.send(batch(1 + LARGE, LARGE), 10_000)).resolves.toMatchObject({ ok: true });
    expect(arrived).toEqual([`admit ${LARGE}`, `batch 1–${LARGE}`, `batch ${1 + LARGE}–${2 * LARGE}`]);
    expect(said.join('\n')).toContain('does not admit');
  });

  it('fails the batch and every one behind it when no admission comes in time, and sends none of them', async () => {
    const { socket, arrived } = await server();
    const line = new SendLine(socket, 300, silentLogger);
    const large = line.send(batch(1, LARGE), 10_000);
    const behind = line.send(batch(1 + LARGE, 1), 10_000);
    await expect(large).rejects.toBeInstanceOf(SyncError);
    await expect(behind).rejects.toBeInstanceOf(SyncError);
    await new Promise((r) => setTimeout(r, 100));
    expect(arrived).toEqual([`admit ${LARGE}`]);
  });

  it('fails at once, sending nothing, when the connection closes while a batch waits for its admission', async () => {
    const { socket, arrived, admissions } = await server();
    const line = new SendLine(socket, 60_000, silentLogger);
    const large = line.send(batch(1, LARGE), 10_000);
    const second = line.send(batch(1 + LARGE, LARGE), 10_000);
    await until(() => admissions.length === 1);
    const started = performance.now();
    socket.close();
    await expect(large).rejects.toBeInstanceOf(SyncError);
    await expect(second).rejects.toBeInstanceOf(SyncError);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(arrived).toEqual([`admit ${LARGE}`]);
  });
  it('a large batch asked for after the connection closed fails at once as connection lost, asking nothing', async () => {
    const { socket, arrived } = await server();
    const line = new SendLine(socket, 60_000, silentLogger);
    socket.close();
    const started = performance.now();
    await expect(line.send(batch(1, LARGE), 10_000)).rejects.toMatchObject({ problem: { code: 'sync.connectionLost' } });
    expect(performance.now() - started).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(arrived).toEqual([]);
  });

  it('a batch whose turn comes after the connection closed fails as connection lost and is not sent', async () => {
    const { socket, arrived, admissions } = await server();
    const line = new SendLine(socket, 60_000, silentLogger);
    // The connection drops the moment the large batch leaves: the small one behind it finds it closed.
    socket.onAnyOutgoing((event) => {
      if (event === 'sync:batch') socket.close();
    });
    const large = line.send(batch(1, LARGE), 10_000);
    const behind = line.send(batch(1 + LARGE, 5), 10_000);
    await until(() => admissions.length === 1);
    admissions[0]!.answer({ ok: true });
    await expect(behind).rejects.toMatchObject({ problem: { code: 'sync.connectionLost' } });
    await large.catch(() => {});
    expect(arrived.filter((a) => a.startsWith('batch')).every((a) => a === `batch 1–${LARGE}`)).toBe(true);
  });
});
