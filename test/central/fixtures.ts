/** Shared parts of the central tests: a service on a test database, enrolled registers, engine-made events. */
import { io, type Socket } from 'socket.io-client';
import { addRegister, addStore, enrol } from '../../central/auth/registry';
import type { SqlDb } from '../../central/db/adapter';
import { startCentralService, type CentralService, type CentralServiceOptions } from '../../central/service';
import { checkout, complete, createQueue, exchange, refund, advanceTo } from '../../shared/engine/engine';
import { MemoryQueueStore } from '../../shared/engine/memory-store';
import type { EngineContext, Entry, QueueEvent } from '../../shared/engine/types';
import { PROTOCOL_VERSION, type WireEvent } from '../../shared/sync/protocol';
import type { SettingsLayer } from '../../shared/settings';
import { Cleanup } from '../sync/helpers';
import { openTestDatabase, type DatabaseKind } from './databases';

export const T0 = Date.UTC(2026, 10, 2, 2, 0, 0);

export async function serviceOn(kind: DatabaseKind, cleanup: Cleanup, extra: Partial<CentralServiceOptions> = {}): Promise<{ db: SqlDb; service: CentralService }> {
  const db = await openTestDatabase(kind);
  cleanup.add(() => db.close());
  const service = await startCentralService({ db, port: 0, ...extra });
  cleanup.add(() => service.close());
  return { db, service };
}

/** Adds the store (if new) and the register, and enrols it: its token. */
export async function enrolled(db: SqlDb, storeId: string, registerId: string): Promise<string> {
  const now = Date.now();
  await db.transaction(async (tx) => {
    const { rows } = await tx.query('SELECT 1 FROM stores WHERE id = $1', [storeId]);
    if (rows.length === 0) await addStore(tx, storeId, `门店 ${storeId}`, now);
  });
  const { code } = await db.transaction((tx) => addRegister(tx, storeId, registerId, now));
  return (await db.transaction((tx) => enrol(tx, code, now))).token;
}

export async function rawClient(cleanup: Cleanup, url: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { protocolVersion: PROTOCOL_VERSION, lastAckedSeq: 0, ...auth } });
  cleanup.add(() => socket.close());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export function toWire(events: readonly QueueEvent[], firstSeq = 1): WireEvent[] {
  return events.map((e, i) => ({ id: e.id, seq: firstSeq + i, queueId: e.queueId, type: e.type, at: e.at, payload: JSON.parse(JSON.stringify(e.payload)) as Record<string, unknown> }));
}

/**
 * A register's day, made by the real engine: checkouts (some completed,
 * one refunded, one exchanged), so every projection has something to do.
 * Returns the outbox events and the engine's own entries to compare with.
 */
export function engineDay(queueId: string, orders = 12, prefix = 'o'): { events: QueueEvent[]; entries: Entry[] } {
  const store = new MemoryQueueStore();
  const base = { extractionBp: 2000, defaultRatioBp: 10000, settlement: 'payment', exchange: { pointsBp: 10000 } } as unknown as SettingsLayer;
  store.transaction(() => {
    store.putMember({ id: 'm-1', level: 'gold' });
    createQueue(store, queueId, { base, cashier: {} as SettingsLayer }, T0);
  });
  let n = 0;
  const ctx: EngineContext = { store, queueId, timezone: 'Asia/Shanghai', random: { int: () => 0 }, newEventId: () => `${queueId}-${prefix}-ev-${++n}` };
  let at = T0;
  for (let i = 1; i <= orders; i++) {
    at += 60_000;
    store.transaction(() => checkout(ctx, { orderId: `${prefix}${i}`, at, memberId: 'm-1', amountDueFen: 10_000 + i * 100 }));
    if (i % 4 === 0) store.transaction(() => complete(ctx, { orderId: `${prefix}${i - 1}`, at: at + 1 }));
  }
  store.transaction(() => refund(ctx, { orderId: `${prefix}${orders}`, at: at + 10 }));
  try {
    store.transaction(() => exchange(ctx, { orderId: `${prefix}${orders - 1}`, at: at + 20, to: 'points' }));
  } catch {
    // not exchangeable under these settings: fine, the other events still cover the rest
  }
  store.transaction(() => advanceTo(ctx, at + 30));
  // The register adds the receipt's 查询码 to each checkout event (app/checkout.ts); here a made-up one per order.
  const events = store.outbox.map((e) =>
    e.type === 'order.checkout' ? { ...e, payload: { ...e.payload, lookupCode: testLookupCode(`${queueId}:${(e.payload.order as { id: string }).id}`) } } : e,
  );
  return { events, entries: store.listEntries(queueId) };
}

/** A 12-character 查询码 made from a string (tests only; the register's are random). */
export function testLookupCode(seed: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let h = 2166136261;
  let code = '';
  for (let i = 0; i < 12; i++) {
    for (const c of `${seed}#${i}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    code += alphabet[h & 31];
  }
  return code;
}
