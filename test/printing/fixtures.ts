/**
 * Test data for printing: a real SQLite file in a temp dir, opened with
 * openDatabase (migrations included), rows inserted with plain SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../electron/backend/store/database';

export interface TempDb {
  db: Db;
  file: string;
  cleanup(): void;
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'qrc-print-'));
  const file = join(dir, 'register.db');
  const db = openDatabase(file);
  return {
    db,
    file,
    cleanup() {
      try {
        db.close();
      } catch {
        // already closed
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const QUEUE = 'register-1';
export const LOOKUP_URL = 'https://q.example.cn/q/';
/** 2026-01-05 10:00:00 in Shanghai. */
export const PAID_AT = Date.UTC(2026, 0, 5, 2, 0, 0);

export function seedStore(db: Db, meta: Record<string, string> = {}): void {
  const values: Record<string, string> = {
    'store.name': '幸福超市（人民路旗舰店）Happy Mart',
    'store.address': '上海市黄浦区人民路１００号 B1-08',
    'receipt.header': '欢迎光临 Welcome',
    'receipt.footer': '谢谢惠顾，欢迎再来！\n客服 400-123-4567',
    'register.id': '1号收银台',
    // The receipt QR is this + the order's 查询码 (issue #12 §3); seeded orders use their id as the code.
    'receipt.lookupUrl': LOOKUP_URL,
    ...meta,
  };
  const put = db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(values)) put.run(k, v);
  db.prepare(
    `INSERT INTO queues (id, base_settings, cashier_settings, next_seq, waiting_count, owed_fen, pool_fen, extracted_fen, paid_out_fen,
       undistributed_fen, forfeited_fen, exchanged_fen, points_issued, vouchers_issued)
     VALUES (?, ?, ?, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT (id) DO NOTHING`,
  ).run(QUEUE, JSON.stringify({ extractionBp: 6500 }), JSON.stringify({ rebateName: '排队返现' }));
  db.prepare(
    `INSERT INTO members (id, level, display_name, masked_phone, updated_at) VALUES ('m1', 'gold', '王＊＊', '138****5678', 0)
     ON CONFLICT (id) DO NOTHING`,
  ).run();
}

export interface OrderSeed {
  id: string;
  memberId?: string | null;
  amountDueFen?: number;
  pointsFen?: number;
  loveFen?: number;
  tenders?: { kind: 'cash' | 'card' | 'wechat' | 'alipay' | 'other'; amountFen: number }[];
  changeFen?: number;
  cashier?: string | null;
  entry?: { position: number; aheadFen: number; ratioBp: number; rule?: string; state?: string; receivedFen?: number } | null;
  paidToQueueFen?: number;
  settled?: boolean;
  noEntitlementReason?: string | null;
  paidAt?: number;
}

let seqCounter = 0;

/** Inserts an order with its tenders and (optionally) its entry. Returns the order id. */
export function seedOrder(db: Db, o: OrderSeed): string {
  const due = o.amountDueFen ?? 16800;
  const points = o.pointsFen ?? 0;
  const love = o.loveFen ?? 0;
  const deduction = points + love;
  const paid = due - deduction;
  const settled = o.settled ?? true;
  db.prepare(
    `INSERT INTO orders (queue_id, id, member_id, amount_due_fen, deduction_fen, actual_paid_fen, paid_at, settlement, settled_at,
       extracted_fen, paid_to_queue_fen, no_entitlement_reason, cashier_id, points_deduction_fen, love_deduction_fen, change_fen, lookup_code)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'payment', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    QUEUE,
    o.id,
    o.memberId === undefined ? 'm1' : o.memberId,
    due,
    deduction,
    paid,
    o.paidAt ?? PAID_AT,
    settled ? (o.paidAt ?? PAID_AT) : null,
    settled ? Math.floor((paid * 6500) / 10000) : 0,
    o.paidToQueueFen ?? (settled ? Math.floor((paid * 6500) / 10000) : 0),
    o.noEntitlementReason ?? null,
    o.cashier === undefined ? '张三丰' : o.cashier,
    points,
    love,
    o.changeFen ?? 0,
    o.id,
  );
  const tenders = o.tenders ?? [{ kind: 'wechat' as const, amountFen: paid }];
  tenders.forEach((t, i) =>
    db.prepare('INSERT INTO order_tenders (queue_id, order_id, line, kind, amount_fen) VALUES (?, ?, ?, ?, ?)').run(QUEUE, o.id, i + 1, t.kind, t.amountFen),
  );
  if (o.entry) {
    seqCounter += 1;
    const e = o.entry;
    const entitlement = Math.floor((paid * e.ratioBp) / 10000);
    db.prepare(
      `INSERT INTO entries (queue_id, seq, order_id, member_id, joined_at, position, ahead_fen, base_fen, ratio_bp, rule, draw_pending,
         lottery, drawn_at, entitlement_fen, received_fen, state, finished_at, order_completed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?, ?, NULL, 1)`,
    ).run(
      QUEUE,
      seqCounter,
      o.id,
      o.memberId === undefined ? 'm1' : o.memberId,
      o.paidAt ?? PAID_AT,
      e.position,
      e.aheadFen,
      paid,
      e.ratioBp,
      e.rule ?? 'cashier.level',
      entitlement,
      e.receivedFen ?? 0,
      e.state ?? 'waiting',
    );
  }
  return o.id;
}

/** Polls until `check` returns true, or fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
