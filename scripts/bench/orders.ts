/**
 * `npx tsx scripts/bench/orders.ts [orders=1000000]`: the orders screen over
 * years of history. Writes N orders (≈1 000 a day, split tenders on every
 * 7th, 1 % refunded, 3 cashiers) straight into a temp register's database,
 * then times what the screen asks through the real command handler: the
 * first page, a page deep in history (keyset `before`), a day, a cashier, a
 * tender, refunded only, a 查询码, an exact order number and the end digits
 * of one. Prints one line per query (median of 5 runs, ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandInput } from '../../shared/contract';
import { dateKey } from '../../shared/manager/days';
import { createCommandHandler } from '../../electron/backend/app/handlers';
import { RegisterBackend } from '../../electron/backend/app/register';

const N = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(path.join(tmpdir(), 'qrc-orders-bench-'));
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function main() {
  const backend = RegisterBackend.open(path.join(dir, 'cashier.db'), { logger: quiet, scryptCost: { N: 1024, r: 8, p: 1 } });
  const handle = createCommandHandler(backend, quiet);
  const ok = async <N extends Parameters<typeof handle>[0] & string>(name: N, input: unknown) => {
    const r = await handle(name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value as never;
  };
  const manager: { id: string } = await ok('setup.createManager', { name: '店长', pin: '2468' });
  const db = backend.db;
  const q = backend.queueId;
  const start = Date.now() - 3 * 365 * 86_400_000;
  const step = Math.floor((3 * 365 * 86_400_000) / N);
  const cashiers = [manager.id, 'c-b1', 'c-b2'];
  const t0 = performance.now();
  db.transaction(() => {
    for (const c of cashiers.slice(1)) db.prepare("INSERT INTO cashiers (id, name, role, pin_hash, created_at) VALUES (?, ?, 'cashier', 'scrypt$x', 0)").run(c, `收银员${c}`);
    db.prepare("INSERT INTO shifts (register_id, cashier_id, opened_at, opening_float_fen) VALUES (?, ?, ?, 0)").run(backend.registerId, manager.id, start);
    const order = db.prepare(
      `INSERT INTO orders (queue_id, id, member_id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at, settlement, settled_at, extracted_fen, paid_to_queue_fen, refunded_at, cashier_id, shift_id, change_fen, lookup_code)
       VALUES (?, ?, NULL, ?, 0, ?, ?, 'payment', ?, 0, 0, ?, ?, 1, 0, ?)`,
    );
    const tender = db.prepare('INSERT INTO order_tenders (queue_id, order_id, line, kind, amount_fen) VALUES (?, ?, ?, ?, ?)');
    const kinds = ['cash', 'wechat', 'alipay', 'card'] as const;
    for (let i = 0; i < N; i++) {
      const at = start + i * step;
      const id = `register-1-${dateKey(at, 'Asia/Shanghai').replace(/-/g, '')}-${String(i).padStart(7, '0')}`;
      const fen = 500 + (i % 20_000);
      order.run(q, id, fen, fen, at, at, i % 100 === 0 ? at + 60_000 : null, cashiers[i % 3], `C${String(i).padStart(11, '0')}`);
      if (i % 7 === 0) {
        tender.run(q, id, 1, 'wechat', 100);
        tender.run(q, id, 2, 'cash', fen - 100);
      } else tender.run(q, id, 1, kinds[i % 4], fen);
    }
  })();
  console.log(`wrote ${N} orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const deep = db.prepare('SELECT paid_at, id FROM orders WHERE queue_id = ? ORDER BY paid_at, id LIMIT 1 OFFSET ?').get(q, Math.floor(N / 10)) as { paid_at: number; id: string };
  const some = db.prepare('SELECT id, lookup_code, paid_at FROM orders WHERE queue_id = ? ORDER BY paid_at LIMIT 1 OFFSET ?').get(q, Math.floor(N / 3)) as { id: string; lookup_code: string; paid_at: number };
  const cases: [string, CommandInput<'orders.list'>][] = [
    ['first page (50, newest)', {}],
    ['a page 90 % deep (keyset before)', { before: { paidAt: deep.paid_at, orderId: deep.id } }],
    ['one day', { day: dateKey(some.paid_at, 'Asia/Shanghai') }],
    ['one cashier', { cashierId: 'c-b1' }],
    ['one tender (card)', { tender: 'card' }],
    ['refunded only', { refunded: true }],
    ['查询码 (stored, unique index)', { search: some.lookup_code }],
    ['exact order number', { search: some.id }],
    ['order number end digits (last 31 days)', { search: String(N - 5).padStart(7, '0') }],
    ['order number end digits, one day', { search: some.id.slice(-7), day: dateKey(some.paid_at, 'Asia/Shanghai') }],
  ];
  for (const [label, input] of cases) {
    const times: number[] = [];
    let rows = 0;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      const out: { orders: unknown[] } = await ok('orders.list', { limit: 50, ...input });
      times.push(performance.now() - t);
      rows = out.orders.length;
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(36)} ${times[2]!.toFixed(2).padStart(8)} ms  (${rows} rows)`);
  }
  backend.close();
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
