/**
 * Issue 15 §2: start-up checks only what came after the verified checkpoint;
 * the full check runs in a worker thread and a violation it finds stops the
 * counter, as a failed start-up check does.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/engine/index';
import { BackgroundCheck } from '../../electron/backend/app/full-check';
import { createCommandHandler } from '../../electron/backend/app/handlers';
import { startRegister } from '../../electron/backend/app/startup';
import { readCheckpoints, verifySince } from '../../electron/backend/store/verify-since';
import { addMember, CHEAP_SCRYPT, configure, quietLogger, T0, tempDir } from '../app/helpers';

const sale = (fen: number) => ({ amountDueFen: fen, memberId: 'M1', tenders: [{ kind: 'cash' as const, amountFen: fen }] });

function start(file: string, clock: { now: number }) {
  const decision = startRegister(file, { now: () => clock.now, random: seededRandom(7), logger: quietLogger, scryptCost: CHEAP_SCRYPT });
  if (!decision.ok) return { decision, backend: null, call: null };
  const handle = createCommandHandler(decision.backend, quietLogger);
  return { decision, backend: decision.backend, call: handle };
}

async function registerWithHistory(orders: number) {
  const file = path.join(tempDir(), 'cashier.db');
  const clock = { now: T0 };
  const r = start(file, clock);
  expect(r.decision.ok).toBe(true);
  const ok = async (name: string, input: unknown) => {
    const res = await r.call!(name, input);
    if (!res.ok) throw new Error(`${name}: ${res.error.message}`);
    return res.value as { orderId: string };
  };
  await ok('setup.createManager', { name: '店长', pin: '2468' });
  await ok('shift.open', { openingFloatFen: 0 });
  configure(r.backend!, { extractionBp: 1000, defaultRatioBp: 10_000 });
  addMember(r.backend!.db, { id: 'M1' });
  for (let i = 0; i < orders; i++) {
    clock.now += 60_000;
    await ok('checkout.submit', sale(10_000 + i));
  }
  // As the shell does after start-up: the full check in the background records the checkpoint.
  expect((await new BackgroundCheck(r.backend!, file).check()).violations).toEqual([]);
  return { file, clock, r, ok };
}

describe('start-up checks what came after the checkpoint', () => {
  it('the first start records a checkpoint; a counter the full check would catch is left to the background check, which stops the counter', async () => {
    const { file, clock, r } = await registerWithHistory(6);
    const first = readCheckpoints(r.backend!.db);
    expect(first).toHaveLength(1);
    r.backend!.close();
    // Tamper with something only the full check recomputes (the waiting line's count): start-up does not walk the line.
    const again = start(file, clock);
    again.backend!.db.prepare('UPDATE queues SET waiting_count = waiting_count + 1').run();
    again.backend!.close();
    const third = start(file, clock);
    expect(third.decision.ok).toBe(true);
    expect((await third.call!('app.status', {})).ok).toBe(true);
    const check = new BackgroundCheck(third.backend!, file, { onViolation: (v) => seen.push(...v.map((x) => x.rule)) });
    const seen: string[] = [];
    const result = await check.check();
    expect(result.violations.map((v) => v.rule)).toContain('waiting count and amount owed agree with the entries');
    expect(seen).toContain('waiting count and amount owed agree with the entries');
    const refused = await third.call!('checkout.submit', sale(100));
    expect(refused).toMatchObject({ ok: false, error: { code: 'rule', rule: 'ledger-check-failed' } });
    expect((await third.call!('app.status', {})).ok).toBe(true);
    third.backend!.close();
  }, 60_000);

  it('a queue counter that disagrees with checkpoint + the ledger after it is refused at start-up', async () => {
    const { file, clock, r } = await registerWithHistory(3);
    r.backend!.db.prepare('UPDATE queues SET extracted_fen = extracted_fen + 1, undistributed_fen = undistributed_fen + 1').run();
    r.backend!.close();
    const next = start(file, clock);
    expect(next.decision).toMatchObject({ ok: false, reason: 'verify-failed' });
    if (!next.decision.ok) expect(next.decision.violations.map((v) => v.rule)).toContain('queue totals agree with the ledger');
  }, 60_000);

  it('an entry paid after the checkpoint that disagrees with its payout rows is refused at start-up', async () => {
    const { file, clock, r, ok } = await registerWithHistory(3);
    // Rows after the checkpoint: one more checkout pays the head.
    clock.now += 60_000;
    const { orderId } = await ok('checkout.submit', sale(50_000));
    // Its entry claims 1 fen it was never paid.
    expect(r.backend!.db.prepare("UPDATE entries SET received_fen = received_fen + 1 WHERE order_id = ? AND state = 'waiting'").run(orderId).changes).toBe(1);
    r.backend!.close();
    const next = start(file, clock);
    expect(next.decision.ok).toBe(false);
    if (!next.decision.ok) expect(next.decision.violations.map((v) => v.rule)).toContain('an entry received exactly its payouts in the ledger');
  }, 60_000);

  it('a passing background check moves the checkpoint forward, and the event loop keeps turning while it runs', async () => {
    const { file, clock, r, ok } = await registerWithHistory(3);
    const before = readCheckpoints(r.backend!.db)[0]!;
    clock.now += 60_000;
    await ok('checkout.submit', sale(20_000));
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const started = Date.now();
    const result = await new BackgroundCheck(r.backend!, file).check();
    clearInterval(timer);
    // The thread's start and the check took this long; the main loop turned all along.
    expect(ticks).toBeGreaterThan((Date.now() - started) / 20);
    expect(result.violations).toEqual([]);
    expect(ticks).toBeGreaterThan(0);
    const after = readCheckpoints(r.backend!.db)[0]!;
    expect(after.ledgerId).toBeGreaterThan(before.ledgerId);
    expect(after.extractedFen).toBe(r.backend!.store.loadQueue(r.backend!.queueId)!.extractedFen);
    r.backend!.close();
  }, 60_000);

  it('start-up reads only after the checkpoint: every statement of verifySince is planned on a rowid range or an index lookup, never a walk', async () => {
    const { r } = await registerWithHistory(3);
    const db = r.backend!.db;
    const seen: { sql: string; args: unknown[] }[] = [];
    const prepare = db.prepare.bind(db);
    const spy = (sql: string) => {
      const st = prepare(sql);
      for (const m of ['all', 'get'] as const) {
        const run = st[m].bind(st) as (...a: unknown[]) => unknown;
        (st as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
          seen.push({ sql, args });
          return run(...args);
        };
      }
      return st;
    };
    (db as unknown as { prepare: typeof spy }).prepare = spy;
    expect(verifySince(db, readCheckpoints(db))).toEqual([]);
    (db as unknown as { prepare: typeof prepare }).prepare = prepare;
    expect(seen.length).toBeGreaterThan(4);
    for (const { sql, args } of seen) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((p) => p.detail).join(' | ');
      // A SCAN of a growing table, or a SEARCH on queue_id alone (the whole queue's rows), would grow with history.
      expect(plan, sql).not.toMatch(/SCAN (ledger|orders|entries|l|p|o|e)\b|\(queue_id=\?\)/);
    }
    r.backend!.close();
  }, 60_000);
});
