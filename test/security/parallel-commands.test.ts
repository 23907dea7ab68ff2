/**
 * docs/security.md "Parallel commands": many copies of one command fired at
 * once (Promise.all) through the real command handler, and commands that
 * conflict fired together. The backend is one Node process with synchronous
 * SQLite transactions, so only an `await` inside a handler (scrypt PIN
 * checks, PIN hashing, the heavy-work worker) lets another command in
 * between a check and its write. Each test asserts: exactly the allowed
 * number succeed, every other answer is a clear refusal with a Chinese
 * sentence (never 'internal'), the ledger check stays clean, money adds up
 * and nothing is half-written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addRegister, addStore } from '../../central/auth/registry';
import { plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { serviceOn } from '../central/fixtures';
import { Cleanup } from '../sync/helpers';
import type { CommandName, CommandResult } from '../../shared/contract';
import { messageText } from '../../renderer/i18n/messages';
import { runDailyBackup } from '../../electron/backend/app/backups';
import { StartupGate } from '../../electron/backend/app/recovery';
import { PIN_LOCK_MS } from '../../electron/backend/app/register';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { addMember, configure, CHEAP_SCRYPT, openHarness, quietLogger, readyToSell, T0, tempDir } from '../app/helpers';
import { DAY, MANAGER_PIN, managerHarness, type Harness } from '../manager/helpers';

/** Copies fired at once. */
const N = 16;
const CJK = /[\u4e00-\u9fff]/;
const INTERNAL_ZH = messageText({ code: 'internal', params: {} } as never, 'zh-CN');

type Result = CommandResult<CommandName>;

/** 'ok', or the refusal as `code` / `code:rule`; every refusal must be clear and in Chinese. */
function label(r: Result): string {
  if (r.ok) return 'ok';
  const zh = messageText(r.error.reason, 'zh-CN');
  expect(r.error.code, JSON.stringify(r.error)).not.toBe('internal');
  expect(zh, r.error.message).toMatch(CJK);
  expect(zh).not.toBe(INTERNAL_ZH);
  return r.error.rule !== undefined && r.error.code === 'rule' ? `rule:${r.error.rule}` : r.error.code;
}

function tally(results: Result[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const l = label(r);
    out[l] = (out[l] ?? 0) + 1;
  }
  return out;
}

function copies<T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => make(i)));
}

function count(h: Harness, sql: string, ...params: unknown[]): number {
  return (h.backend.db.prepare(sql).get(...params) as { n: number }).n;
}

/**
 * The ledger check (`pos verify`'s invariants), SQLite's own checks, and the
 * money of every order and refund: tenders net of change = actually paid;
 * a refund hands back exactly what was paid; one refund row per refunded order.
 */
function assertSound(h: Harness): void {
  const db = h.backend.db;
  expect(verifyDatabase(db)).toEqual([]);
  expect(db.pragma('quick_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  const badOrders = db
    .prepare(
      `SELECT o.id FROM orders o LEFT JOIN (SELECT order_id, sum(amount_fen) AS t FROM order_tenders GROUP BY order_id) t ON t.order_id = o.id
       WHERE coalesce(t.t, 0) - o.change_fen <> o.actual_paid_fen`,
    )
    .all();
  expect(badOrders).toEqual([]);
  const badRefunds = db
    .prepare(
      `SELECT o.id FROM orders o LEFT JOIN refunds r ON r.order_id = o.id
       LEFT JOIN (SELECT order_id, sum(amount_fen) AS t FROM refund_tenders GROUP BY order_id) rt ON rt.order_id = o.id
       WHERE (o.refunded_at IS NULL) <> (r.order_id IS NULL) OR (r.order_id IS NOT NULL AND (r.amount_fen <> o.actual_paid_fen OR coalesce(rt.t, 0) <> o.actual_paid_fen))`,
    )
    .all();
  expect(badRefunds).toEqual([]);
  // Every refund has its slip and its audit row; every order its receipt.
  expect(count(h, "SELECT count(*) AS n FROM print_jobs WHERE slip = 'refund'")).toBe(count(h, 'SELECT count(*) AS n FROM refunds'));
  expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'order.refund'")).toBe(count(h, 'SELECT count(*) AS n FROM refunds'));
  expect(count(h, "SELECT count(DISTINCT order_id) AS n FROM print_jobs WHERE kind = 'receipt' AND copy = 0 AND slip IS NULL")).toBe(count(h, 'SELECT count(*) AS n FROM orders'));
}

const cash = (fen: number) => [{ kind: 'cash' as const, amountFen: fen }];

/** A register with a manager signed in, a shift open, rebate settings and member A. */
async function selling(settings: Parameters<typeof configure>[1] = { extractionBp: 1000, defaultRatioBp: 10_000 }): Promise<Harness> {
  const h = await managerHarness();
  configure(h.backend, settings);
  addMember(h.backend.db, { id: 'A' });
  addMember(h.backend.db, { id: 'B' });
  return h;
}

const LOTTERY = { extractionBp: 1000, settlement: 'completion' as const, lottery: { fixedBp: [5000] }, exchange: { pointsBp: 20_000 } };

describe('the same counter command many times at once', () => {
  it(`checkout.submit ×${N} with one order id: one sale, the others duplicate-order`, async () => {
    const h = await selling();
    const results = await copies(N, () => h.call('checkout.submit', { orderId: 'SALE-1', amountDueFen: 10_000, memberId: 'A', tenders: cash(10_000) }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:duplicate-order': N - 1 });
    expect(count(h, 'SELECT count(*) AS n FROM orders')).toBe(1);
    expect(count(h, 'SELECT count(*) AS n FROM order_tenders')).toBe(1);
    expect(count(h, 'SELECT count(*) AS n FROM entries')).toBe(1);
    assertSound(h);
    h.close();
  });

  it(`checkout.submit ×${N} without an id: ${N} sales, numbered without gaps, the totals add up`, async () => {
    const h = await selling();
    const results = await copies(N, (i) => h.call('checkout.submit', { amountDueFen: 1000 + i, memberId: i % 2 ? 'A' : null, tenders: cash(2000) }));
    expect(tally(results)).toEqual({ ok: N });
    const ids = results.map((r) => (r.ok ? (r.value as { orderId: string }).orderId : '')).sort();
    expect(new Set(ids).size).toBe(N);
    expect(ids.map((id) => id.slice(-6))).toEqual(Array.from({ length: N }, (_, i) => String(i + 1).padStart(6, '0')));
    const x = await h.ok('shift.report', {});
    expect(x.salesFen).toBe(Array.from({ length: N }, (_, i) => 1000 + i).reduce((a, b) => a + b, 0));
    expect(x.orders).toBe(N);
    assertSound(h);
    h.close();
  });

  it(`order.complete ×${N}: completed once`, async () => {
    const h = await selling({ extractionBp: 1000, settlement: 'completion' });
    const sale = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: cash(10_000) });
    const results = await copies(N, () => h.call('order.complete', { orderId: sale.orderId }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:already-completed': N - 1 });
    expect(count(h, "SELECT count(*) AS n FROM ledger WHERE kind = 'extraction'")).toBe(1);
    assertSound(h);
    h.close();
  });

  it(`queue.draw ×${N} and queue.exchange ×${N}: drawn once, exchanged once, one slip each`, async () => {
    const h = await selling(LOTTERY);
    const sale = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: cash(10_000) });
    const draws = await copies(N, () => h.call('queue.draw', { orderId: sale.orderId }));
    expect(tally(draws)).toEqual({ ok: 1, 'rule:not-drawable': N - 1 });
    const exchanges = await copies(N, (i) => h.call('queue.exchange', { orderId: sale.orderId, to: i % 2 ? 'points' : 'vouchers' }));
    const t = tally(exchanges);
    expect(t.ok).toBe(1);
    expect(Object.values(t).reduce((a, b) => a + b, 0)).toBe(N);
    expect(count(h, "SELECT count(*) AS n FROM print_jobs WHERE slip = 'draw'")).toBe(1);
    expect(count(h, "SELECT count(*) AS n FROM print_jobs WHERE slip = 'exchange'")).toBe(1);
    expect(h.backend.store.getEntryByOrder(h.backend.queueId, sale.orderId)?.state).toBe('exchanged');
    assertSound(h);
    h.close();
  });

  it(`orders.refund / queue.refund ×${N} of one order with the right manager PIN: one refund, the others already-refunded (never 'locked')`, async () => {
    const h = await selling();
    const sale = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: [{ kind: 'wechat', amountFen: 4000 }, { kind: 'cash', amountFen: 7000 }] });
    const results = await copies(N, (i) => h.call(i % 2 ? 'orders.refund' : 'queue.refund', { orderId: sale.orderId, managerPin: MANAGER_PIN }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:already-refunded': N - 1 });
    expect(count(h, 'SELECT count(*) AS n FROM refunds')).toBe(1);
    expect(count(h, "SELECT count(*) AS n FROM pin_lockouts WHERE scope = 'manager'")).toBe(0);
    const x = await h.ok('shift.report', {});
    expect(x).toMatchObject({ refunds: 1, refundedFen: 10_000, expectedCashFen: 50_000 });
    assertSound(h);
    h.close();
  });

  it(`refunds ×${N} of different orders with the right PIN at once: all refunded`, async () => {
    const h = await selling();
    const sales = [];
    for (let i = 0; i < N; i++) sales.push(await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) }));
    const results = await Promise.all(sales.map((s) => h.call('orders.refund', { orderId: s.orderId, managerPin: MANAGER_PIN })));
    expect(tally(results)).toEqual({ ok: N });
    expect((await h.ok('shift.report', {})).refundedFen).toBe(N * 1000);
    assertSound(h);
    h.close();
  });

  it(`shift.close ×${N}, then shift.open ×${N}: closed once (one Z), opened once`, async () => {
    const h = await selling();
    await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    const closes = await copies(N, () => h.call('shift.close', { countedCashFen: 51_000 }));
    expect(tally(closes)).toEqual({ ok: 1, 'no-shift': N - 1 });
    expect(count(h, "SELECT count(*) AS n FROM print_jobs WHERE report = 'Z'")).toBe(1);
    const opens = await copies(N, (i) => h.call('shift.open', { openingFloatFen: 1000 * i }));
    expect(tally(opens)).toEqual({ ok: 1, 'rule:shift-open': N - 1 });
    expect(count(h, 'SELECT count(*) AS n FROM shifts WHERE closed_at IS NULL')).toBe(1);
    assertSound(h);
    h.close();
  });

  it(`members.enrol ×${N} with one phone: one member, one outbox event`, async () => {
    const h = await selling();
    const results = await copies(N, (i) => h.call('members.enrol', { phone: i % 2 ? '138 1234 5678' : '+86 13812345678', nickname: `顾客${i}` }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:member-exists': N - 1 });
    expect(count(h, "SELECT count(*) AS n FROM members WHERE masked_phone = '138****5678'")).toBe(1);
    expect(count(h, "SELECT count(*) AS n FROM outbox WHERE type = 'member.enrolled'")).toBe(1);
    assertSound(h);
    h.close();
  });

  it(`setup.createManager ×${N} on a new register: one first manager`, async () => {
    const h = openHarness();
    // Half with one name, half with their own: every one but the first is told setup is done (not "name taken").
    const results = await copies(N, (i) => h.call('setup.createManager', { name: i % 2 === 0 && i > 0 ? `店长${i}` : '店长', pin: '2468' }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:setup-done': N - 1 });
    expect(count(h, 'SELECT count(*) AS n FROM cashiers')).toBe(1);
    const first = results.find((r) => r.ok)!;
    expect(h.backend.cashier).toEqual(first.ok ? first.value : null);
    h.close();
  });

  it(`cashiers.create ×${N} with one name and the right manager PIN: one cashier, the others duplicate-cashier`, async () => {
    const h = await selling();
    const results = await copies(N, (i) => h.call('cashiers.create', { name: '小王', pin: String(1000 + i), role: 'cashier', managerPin: MANAGER_PIN }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:duplicate-cashier': N - 1 });
    expect(count(h, "SELECT count(*) AS n FROM cashiers WHERE name = '小王'")).toBe(1);
    h.close();
  });

  it(`session.signIn ×${N} with the right PIN: all signed in (parallel right PINs are never 'locked'); signOut ×${N}: all signed out`, async () => {
    const h = await selling();
    const cashier = await h.ok('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: MANAGER_PIN });
    const results = await copies(N, () => h.call('session.signIn', { cashierId: cashier.id, pin: '1111' }));
    expect(tally(results)).toEqual({ ok: N });
    expect(h.backend.cashier?.id).toBe(cashier.id);
    expect(count(h, 'SELECT count(*) AS n FROM pin_lockouts')).toBe(0);
    expect(tally(await copies(N, () => h.call('session.signOut', {})))).toEqual({ ok: N });
    expect(h.backend.cashier).toBeNull();
    h.close();
  });

  it(`printJobs.retry ×${N} and printJobs.skip ×${N} of one failed job: skipped once, audited once`, async () => {
    const h = await selling();
    const sale = await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    h.backend.db.prepare(`UPDATE print_jobs SET state = 'failed', last_error = 'paper out', next_attempt_at = NULL WHERE order_id = ?`).run(sale.orderId);
    const jobId = (h.backend.db.prepare('SELECT id FROM print_jobs WHERE order_id = ?').get(sale.orderId) as { id: number }).id;
    const results = await copies(2 * N, (i) => (i % 2 ? h.call('printJobs.skip', { jobId, reason: '顾客不要' }) : h.call('printJobs.retry', { jobId })));
    const t = tally(results);
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'print.skip'")).toBe(1);
    expect(results.filter((r, i) => i % 2 && r.ok)).toHaveLength(1);
    expect(t.ok! + (t['rule:print-job-skipped'] ?? 0)).toBe(2 * N);
    expect(h.backend.db.prepare('SELECT state FROM print_jobs WHERE id = ?').get(jobId)).toEqual({ state: 'skipped' });
    h.close();
  });
});

describe('the same manager command many times at once', () => {
  it(`manager.unlock ×${N} with the right PIN: all unlock, nothing stays counted`, async () => {
    const h = await selling();
    expect(tally(await copies(N, () => h.call('manager.unlock', { pin: MANAGER_PIN })))).toEqual({ ok: N });
    expect(count(h, 'SELECT count(*) AS n FROM pin_lockouts')).toBe(0);
    expect((await h.ok('manager.session', {})).unlocked).toBe(true);
    h.close();
  });

  it(`manager.settings.save ×${N} (unlocked and with the PIN): every save is one whole change, the last one stands`, async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const results = await copies(N, (i) =>
      h.call('manager.settings.save', { ...(i % 2 ? { managerPin: MANAGER_PIN } : {}), changes: { extractionBp: 1000 + i, defaultRatioBp: 10_000 + i } }),
    );
    expect(tally(results)).toEqual({ ok: N });
    const layer = h.backend.store.loadQueue(h.backend.queueId)!.layers.cashier;
    // Both fields of one save, never a mix of two saves.
    expect(layer.defaultRatioBp! - 10_000).toBe(layer.extractionBp! - 1000);
    const last = h.backend.db.prepare("SELECT detail FROM manager_audit WHERE action = 'settings.save' ORDER BY id DESC LIMIT 1").get() as { detail: string };
    expect(JSON.parse(last.detail)).toMatchObject({ fields: ['extractionBp', 'defaultRatioBp'] });
    assertSound(h);
    h.close();
  });

  it(`manager.store.save ×${N}: each save whole, audited`, async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const results = await copies(N, (i) => h.call('manager.store.save', { name: `门店${i}`, address: `地址${i}` }));
    expect(tally(results)).toEqual({ ok: N });
    const details = await h.ok('manager.details.get', {});
    const name = JSON.stringify(details);
    const i = /门店(\d+)/.exec(name)![1];
    expect(name).toContain(`地址${i}`);
    h.close();
  });

  it(`manager.staff.create ×${N} with one name: one person, one audit row`, async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const results = await copies(N, (i) => h.call('manager.staff.create', { ...(i % 2 ? { managerPin: MANAGER_PIN } : {}), name: '小李', role: 'cashier', pin: '1357' }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:duplicate-cashier': N - 1 });
    expect(count(h, "SELECT count(*) AS n FROM cashiers WHERE name = '小李'")).toBe(1);
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'staff.create'")).toBe(1);
    h.close();
  });

  it(`manager.staff.rename of ${N} people to one name: one renamed; setDisabled ×${N}: disabled once, audited once`, async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const people: { id: string }[] = [];
    for (let i = 0; i < N; i++) people.push(await h.ok('manager.staff.create', { name: `员工${i}`, role: 'cashier', pin: '1357' }));
    const renames = await Promise.all(people.map((p) => h.call('manager.staff.rename', { cashierId: p.id, name: '小张' })));
    expect(tally(renames)).toEqual({ ok: 1, 'rule:duplicate-cashier': N - 1 });
    const disables = await copies(N, (i) => h.call('manager.staff.setDisabled', { ...(i % 2 ? { managerPin: MANAGER_PIN } : {}), cashierId: people[0]!.id, disabled: true }));
    expect(tally(disables)).toEqual({ ok: N });
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'staff.disable'")).toBe(1);
    h.close();
  });

  it(`manager.staff.resetPin ×${N} of one person: the PIN in the end is the one of the reset answered last`, async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const person = await h.ok('manager.staff.create', { name: '小赵', role: 'cashier', pin: '1357' });
    const answered: string[] = [];
    const results = await copies(N, (i) => {
      const newPin = String(3000 + i);
      return h.call('manager.staff.resetPin', { managerPin: MANAGER_PIN, cashierId: person.id, newPin }).then((r) => {
        if (r.ok) answered.push(newPin);
        return r;
      });
    });
    const t = tally(results);
    expect(t.ok).toBeGreaterThanOrEqual(1);
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'staff.resetPin'")).toBe(t.ok);
    await h.ok('session.signIn', { cashierId: person.id, pin: answered.at(-1)! });
    h.close();
  });

  it(`manager.changePin ×${N} from the same current PIN: one change, the others refused (the PIN they proved is no longer current)`, async () => {
    const h = await selling();
    const results = await copies(N, (i) => h.call('manager.changePin', { currentPin: MANAGER_PIN, newPin: String(5000 + i) }));
    const t = tally(results);
    expect(t.ok).toBe(1);
    expect(Object.keys(t).filter((k) => k !== 'ok').every((k) => k === 'wrong-pin' || k === 'locked')).toBe(true);
    const won = String(5000 + results.findIndex((r) => r.ok));
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'pin.change'")).toBe(1);
    // The copies checked after the change typed a PIN that was no longer right: they count (and may lock, as any wrong PIN).
    h.clock.now += PIN_LOCK_MS;
    await h.ok('session.signOut', {});
    const manager = (await h.ok('cashiers.list', {}))[0]!;
    await h.ok('session.signIn', { cashierId: manager.id, pin: won });
    h.close();
  });

  it(`manager.clock.confirm ×${N} with the PIN amid checkouts: every confirm passes and is audited, the sales sent with them wait for it`, async () => {
    const h = await selling();
    h.clock.now += 3 * DAY; // the PC's clock jumped ahead: the counter stops until a manager confirms
    const sale = () => h.call('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    const results = await Promise.all([sale(), ...Array.from({ length: N }, () => h.call('manager.clock.confirm', { managerPin: MANAGER_PIN })), sale()]);
    expect(results.map(label)).toEqual(['rule:clock-ahead', ...Array<string>(N).fill('ok'), 'rule:clock-ahead']);
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'clock.confirm'")).toBe(N);
    expect(label(await sale())).toBe('ok');
    assertSound(h);
    h.close();
  });

  it(`manager.printer.save ×${N}: each save whole (the width and copies of one save), one audit row per change`, async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const results = await copies(N, (i) => h.call('manager.printer.save', { ...(i % 2 ? { managerPin: MANAGER_PIN } : {}), width: i % 2 ? 58 : 80, copies: (i % 2) + 1 }));
    expect(tally(results)).toEqual({ ok: N });
    const meta = (key: string) => (h.backend.db.prepare('SELECT value FROM app_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    expect([['58', '2'], ['80', '1']]).toContainEqual([meta('printer.width'), meta('printer.copies')]);
    h.close();
  });

  it('manager.whatIf.start ×4: each start replaces the one before, one job is left running (or done)', async () => {
    const h = await selling();
    await h.ok('checkout.submit', { amountDueFen: 1000, memberId: 'A', tenders: cash(1000) });
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const results = await copies(4, (i) => h.call('manager.whatIf.start', { days: 1, cashier: { extractionBp: 1000 + i } }));
    expect(tally(results)).toEqual({ ok: 4 });
    const ids = results.map((r) => (r.ok ? (r.value as { jobId: string }).jobId : ''));
    expect(new Set(ids).size).toBe(4);
    const latest = await h.ok('manager.whatIf.status', {});
    expect(latest.job?.jobId).toBe(ids[3]);
    expect(['running', 'done']).toContain(latest.job?.state);
    await h.ok('manager.whatIf.cancel', { jobId: ids[3]! });
    h.close();
  }, 60_000);

  it(`manager.reports.export ×4: one runs, the others export-running`, async () => {
    const h = await selling();
    await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const results = await copies(4, () => h.call('manager.reports.export', { report: 'orders', from: '2026-03-01', to: '2026-03-02', language: 'zh' }));
    const t = tally(results);
    expect(t.ok).toBe(1);
    expect(t['rule:export-running']).toBe(3);
    h.close();
  }, 60_000);
});

describe('conflicting commands at once', () => {
  it('refund, draw and exchange of one entry at once: each either happens whole or is refused, the books agree', async () => {
    for (const order of [['refund', 'draw', 'exchange'], ['draw', 'exchange', 'refund'], ['exchange', 'refund', 'draw']] as const) {
      const h = await selling(LOTTERY);
      const sale = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'A', tenders: cash(10_000) });
      const run = { refund: () => h.call('queue.refund', { orderId: sale.orderId, managerPin: MANAGER_PIN }), draw: () => h.call('queue.draw', { orderId: sale.orderId }), exchange: () => h.call('queue.exchange', { orderId: sale.orderId, to: 'points' }) };
      const results = await Promise.all(order.map((what) => run[what]()));
      const byName = Object.fromEntries(order.map((what, i) => [what, results[i]!]));
      for (const r of results) label(r);
      const refunded = h.backend.store.getOrder(h.backend.queueId, sale.orderId)!.refundedAt !== null;
      expect(refunded).toBe(byName.refund!.ok);
      expect(count(h, "SELECT count(*) AS n FROM print_jobs WHERE slip = 'draw'")).toBe(byName.draw!.ok ? 1 : 0);
      expect(count(h, "SELECT count(*) AS n FROM print_jobs WHERE slip = 'exchange'")).toBe(byName.exchange!.ok ? 1 : 0);
      assertSound(h);
      h.close();
    }
  });

  it(`shift.close amid ${N} checkouts: every sale that got in is in the Z report, the rest are no-shift`, async () => {
    const h = await selling();
    const sales = Array.from({ length: N }, (_, i) => () => h.call('checkout.submit', { amountDueFen: 1000 + i, memberId: null, tenders: cash(5000) }));
    const all = [...sales.slice(0, N / 2).map((f) => f()), h.call('shift.close', { countedCashFen: 0 }), ...sales.slice(N / 2).map((f) => f())];
    const results = await Promise.all(all);
    const close = results[N / 2]!;
    expect(close.ok).toBe(true);
    const checkouts = results.filter((_, i) => i !== N / 2);
    const t = tally(checkouts);
    const z = close.ok ? (close.value as { orders: number; salesFen: number; expectedCashFen: number }) : null;
    expect(z!.orders).toBe(t.ok);
    expect(t.ok! + (t['no-shift'] ?? 0)).toBe(N);
    const sold = checkouts.filter((r) => r.ok).reduce((sum, r) => sum + (r.ok ? (r.value as { actualPaidFen: number }).actualPaidFen : 0), 0);
    expect(z!.salesFen).toBe(sold);
    expect(z!.expectedCashFen).toBe(50_000 + sold);
    expect(count(h, 'SELECT count(*) AS n FROM orders WHERE shift_id IS NULL')).toBe(0);
    assertSound(h);
    h.close();
  });

  it('shift.close while a refund waits for its PIN check: the refund is refused no-shift, the Z report has no refund', async () => {
    const h = await selling();
    const sale = await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    const [refund, close] = await Promise.all([h.call('orders.refund', { orderId: sale.orderId, managerPin: MANAGER_PIN }), h.call('shift.close', { countedCashFen: 51_000 })]);
    expect(close.ok).toBe(true);
    expect(label(refund)).toBe('no-shift');
    expect(close.ok && (close.value as { refunds: number }).refunds).toBe(0);
    expect(count(h, 'SELECT count(*) AS n FROM refunds')).toBe(0);
    assertSound(h);
    h.close();
  });

  it('a refund waiting for its PIN check while the store forbids refunds of closed days: refused refund-closed-day, nothing written', async () => {
    const h = await selling();
    const sale = await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    await h.ok('shift.close', { countedCashFen: 51_000 });
    await h.ok('shift.open', { openingFloatFen: 0 });
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const [refund, save] = await Promise.all([h.call('orders.refund', { orderId: sale.orderId, managerPin: MANAGER_PIN }), h.call('manager.store.save', { refundClosedDays: 'forbid' })]);
    expect(label(save)).toBe('ok');
    expect(label(refund)).toBe('rule:refund-closed-day');
    expect(count(h, 'SELECT count(*) AS n FROM refunds')).toBe(0);
    assertSound(h);
    h.close();
  });

  it('signOut amid checkouts: the sales before it are in, the ones after are not-signed-in', async () => {
    const h = await selling();
    const sale = () => h.call('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    const results = await Promise.all([sale(), sale(), h.call('session.signOut', {}), sale(), sale()]);
    expect(results.map(label)).toEqual(['ok', 'ok', 'ok', 'not-signed-in', 'not-signed-in']);
    expect(count(h, 'SELECT count(*) AS n FROM orders')).toBe(2);
    assertSound(h);
    h.close();
  });

  it('signOut while a refund, a cashier creation and a settings save wait for their PIN check: none of them is written', async () => {
    const h = await selling();
    const sale = await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    const before = h.backend.settings().extractionBp;
    const results = await Promise.all([
      h.call('orders.refund', { orderId: sale.orderId, managerPin: MANAGER_PIN }),
      h.call('cashiers.create', { name: '小王', pin: '1111', role: 'cashier', managerPin: MANAGER_PIN }),
      h.call('manager.settings.save', { managerPin: MANAGER_PIN, changes: { extractionBp: 2000 } }),
      h.call('manager.staff.create', { managerPin: MANAGER_PIN, name: '小李', role: 'cashier', pin: '1357' }),
      h.call('session.signOut', {}),
    ]);
    expect(results.map(label)).toEqual(['not-signed-in', 'not-signed-in', 'not-signed-in', 'not-signed-in', 'ok']);
    expect(count(h, 'SELECT count(*) AS n FROM refunds')).toBe(0);
    expect(count(h, "SELECT count(*) AS n FROM cashiers WHERE name IN ('小王', '小李')")).toBe(0);
    expect(h.backend.settings().extractionBp).toBe(before);
    expect((await h.ok('cashiers.list', {})).length).toBe(1);
    assertSound(h);
    h.close();
  });

  it('manager.lock while a command with the manager PIN is checked: the command runs, the console stays locked', async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const [save, lock] = await Promise.all([h.call('manager.settings.save', { managerPin: MANAGER_PIN, changes: { extractionBp: 1200 } }), h.call('manager.lock', {})]);
    expect([label(save), label(lock)]).toEqual(['ok', 'ok']);
    expect(h.backend.settings().extractionBp).toBe(1200);
    expect(await h.ok('manager.session', {})).toEqual({ unlocked: false, session: null });
    expect(await h.call('manager.settings.get', {})).toMatchObject({ ok: false, error: { rule: 'manager-pin-required' } });
    h.close();
  });

  it('manager.lock amid commands of the unlocked console: the ones that arrived before it run, the ones after it are refused', async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const save = (bp: number) => h.call('manager.settings.save', { changes: { extractionBp: bp } });
    const results = await Promise.all([save(1100), h.call('manager.lock', {}), save(1300)]);
    expect(results.map(label)).toEqual(['ok', 'ok', 'rule:manager-pin-required']);
    expect(h.backend.settings().extractionBp).toBe(1100);
    h.close();
  });

  it('a manager disabled while their PIN approves a command: the command is refused, nothing written', async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const second = await h.ok('manager.staff.create', { name: '副店长', role: 'manager', pin: '1357' });
    const sale = await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    const [save, refund, disable] = await Promise.all([
      h.call('manager.settings.save', { managerPin: '1357', changes: { extractionBp: 2000 } }),
      h.call('orders.refund', { orderId: sale.orderId, managerPin: '1357' }),
      h.call('manager.staff.setDisabled', { cashierId: second.id, disabled: true }),
    ]);
    expect(label(disable)).toBe('ok');
    expect(label(save)).not.toBe('ok');
    expect(label(refund)).not.toBe('ok');
    expect(h.backend.settings().extractionBp).toBe(1000);
    expect(count(h, 'SELECT count(*) AS n FROM refunds')).toBe(0);
    assertSound(h);
    h.close();
  });

  it('two managers disabling each other at once (three managers): the second approver was disabled first, so only one is disabled', async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const m2 = await h.ok('manager.staff.create', { name: '副店长', role: 'manager', pin: '1357' });
    const m3 = await h.ok('manager.staff.create', { name: '值班经理', role: 'manager', pin: '8642' });
    await h.ok('manager.lock', {});
    const [first, second] = await Promise.all([
      h.call('manager.staff.setDisabled', { managerPin: MANAGER_PIN, cashierId: m2.id, disabled: true }),
      h.call('manager.staff.setDisabled', { managerPin: '1357', cashierId: m3.id, disabled: true }),
    ]);
    expect(label(first)).toBe('ok');
    expect(['wrong-pin', 'rule:approver-disabled']).toContain(label(second));
    expect(h.backend.staff.person(m3.id)?.disabledAt).toBeNull();
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'staff.disable'")).toBe(1);
    h.close();
  });

  it('a cashier disabled while their sign-in PIN is checked: not signed in', async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const cashier = await h.ok('manager.staff.create', { name: '小王', role: 'cashier', pin: '1111' });
    const manager = h.backend.cashier!;
    const [signIn, disable] = await Promise.all([
      h.call('session.signIn', { cashierId: cashier.id, pin: '1111' }),
      h.call('manager.staff.setDisabled', { cashierId: cashier.id, disabled: true }),
    ]);
    expect(label(disable)).toBe('ok');
    expect(label(signIn)).toBe('rule:cashier-disabled');
    expect(h.backend.cashier).toEqual(manager);
    h.close();
  });

  it('a PIN reset while the old PIN is checked at sign-in: the old PIN does not sign in after the reset', async () => {
    const h = await selling();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const cashier = await h.ok('manager.staff.create', { name: '小王', role: 'cashier', pin: '1111' });
    // The reset's hash is written synchronously here (what the reset does after its own awaits).
    const hash = await h.backend.staff.hashNewPin('2222', 'cashier');
    const signIn = h.call('session.signIn', { cashierId: cashier.id, pin: '1111' });
    h.backend.db.transaction(() => h.backend.staff.setPinHash(cashier.id, hash))();
    const r = await signIn;
    // Either the sign-in finished before the reset was written, or it is refused: never signed in with a PIN that is no longer theirs.
    if (r.ok) expect.fail('signed in with the old PIN after the reset was written');
    expect(label(r)).toBe('wrong-pin');
    h.close();
  });
});

describe('manager.sync.enrol at once', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('two enrolments with two codes at once: one enrols, the other is enrol-running and its code stays unspent', async () => {
    const { db, service } = await serviceOn('PGlite', cleanup);
    const now = Date.now();
    await db.transaction((tx) => addStore(tx, 'S1', '门店 S1', now));
    const { code: first } = await db.transaction((tx) => addRegister(tx, 'S1', 'R7', now));
    const { code: second } = await db.transaction((tx) => addRegister(tx, 'S1', 'R8', now));
    const h = await managerHarness();
    cleanup.add(() => h.close());
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    const results = await Promise.all([first, second].map((code) => h.call('manager.sync.enrol', { url: service.url, code, storeTokenInClear: true })));
    expect(results.map(label)).toEqual(['ok', 'rule:enrol-running']);
    expect(readSyncConfig(h.backend.db, plainSecretBox)).toMatchObject({ registerId: 'R7' });
    expect(count(h, "SELECT count(*) AS n FROM manager_audit WHERE action = 'sync.save'")).toBe(1);
    // The second code was never sent: it still enrols (another register).
    const other = await managerHarness();
    cleanup.add(() => other.close());
    await other.ok('manager.unlock', { pin: MANAGER_PIN });
    expect(label(await other.call('manager.sync.enrol', { url: service.url, code: second, storeTokenInClear: true }))).toBe('ok');
  }, 60_000);
});

describe('startup.restore at once', () => {
  it(`startup.restore ×${N} with the right PIN: one restore, the others restore-busy, one register opened`, async () => {
    const dir = tempDir();
    const db = path.join(dir, 'cashier.db');
    const h = openHarness(db);
    await readyToSell(h);
    await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: cash(1000) });
    const backups = path.join(dir, 'backups');
    await runDailyBackup(db, backups, { now: T0 });
    h.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    const opened: unknown[] = [];
    const gate = new StartupGate({ db, backups }, { logger: quietLogger, scryptCost: CHEAP_SCRYPT, onOpen: (b) => opened.push(b) });
    gate.start();
    const results = await copies(N, () => gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '2468' }));
    expect(tally(results)).toEqual({ ok: 1, 'rule:restore-busy': N - 1 });
    expect(opened).toHaveLength(1);
    expect(verifyDatabase(gate.backend!.db)).toEqual([]);
    gate.backend?.close();
  }, 60_000);
});
