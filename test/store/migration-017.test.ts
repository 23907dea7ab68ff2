/**
 * Migration 017 (counter events): a register that upgrades sends, once, the
 * people, shifts and audit rows it already had (valid events; PINs never in
 * clear: null until the sync's token seals them), and from then on every
 * change writes its event in the same transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/backend/store/database';
import { MIGRATIONS } from '../../electron/backend/store/migrations/index';
import { ensurePinSealKey, openPin, pinSealKey } from '../../electron/backend/sync/pin-seal';
import { eventPayloadSchemas } from '../../shared/sync/events';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qrc-m017-'));
  path = join(dir, 'cashier.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const HASH = 'scrypt$1024$8$1$c2FsdA==$aGFzaA==';

describe('migration 017: the counter travels to the central service', () => {
  it('sends what an upgraded register already had, then every change; PIN hashes only sealed', () => {
    const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 16) });
    old.prepare("INSERT INTO app_meta (key, value) VALUES ('register.queueId', 'q')").run();
    old.prepare("INSERT INTO cashiers (id, name, role, pin_hash, created_at) VALUES ('m1', '店长', 'manager', ?, 10)").run(HASH);
    old.prepare("INSERT INTO cashiers (id, name, role, pin_hash, created_at, created_by) VALUES ('c1', '小王', 'cashier', ?, 20, 'm1')").run(HASH);
    old.prepare("INSERT INTO shifts (register_id, cashier_id, opened_at, opening_float_fen) VALUES ('R', 'c1', 100, 5000)").run();
    old.prepare("UPDATE shifts SET closed_at = 200, closed_by = 'm1', counted_cash_fen = 5000, z_report = '{\"countedCashFen\":5000}' WHERE id = 1").run();
    old.prepare("INSERT INTO shifts (register_id, cashier_id, opened_at, opening_float_fen) VALUES ('R', 'm1', 300, 0)").run();
    old.prepare("INSERT INTO manager_audit (at, manager_id, cashier_id, action, detail) VALUES (150, 'm1', 'c1', 'staff.create', '{\"cashierId\":\"c1\"}')").run();
    expect(old.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    old.close();

    const db = openDatabase(path);
    const events = () =>
      (db.prepare('SELECT queue_id, type, at, payload FROM outbox ORDER BY seq').all() as { queue_id: string; type: keyof typeof eventPayloadSchemas; at: number; payload: string }[]).map((e) => ({
        ...e,
        payload: JSON.parse(e.payload) as Record<string, unknown>,
      }));
    const sent = events();
    expect(sent.map((e) => e.type)).toEqual(['staff.changed', 'staff.changed', 'shift.opened', 'shift.opened', 'shift.closed', 'audit.recorded']);
    for (const e of sent) {
      expect(e.queue_id).toBe('q');
      expect(eventPayloadSchemas[e.type].safeParse(e.payload).success, e.type).toBe(true);
    }
    expect(sent[1]!.payload).toEqual({
      person: { id: 'c1', name: '小王', role: 'cashier', createdAt: 20, createdBy: 'm1', disabledAt: null, disabledBy: null },
      pin: null,
    });
    expect(sent[4]!.payload).toEqual({ shiftId: 1, closedAt: 200, closedBy: 'm1', countedCashFen: 5000, zReport: { countedCashFen: 5000 } });
    expect(JSON.stringify(sent)).not.toContain('aGFzaA==');

    // The sync starts with its token: everyone's PIN is sent again, sealed under it; once only.
    expect(ensurePinSealKey(db, 'token-1')).toBe(2);
    expect(ensurePinSealKey(db, 'token-1')).toBe(0);
    const sealed = events().slice(sent.length);
    expect(sealed.map((e) => e.type)).toEqual(['staff.changed', 'staff.changed']);
    const pin = (sealed[1]!.payload as { pin: { sealed: string; keyId: string } }).pin;
    expect(JSON.stringify(sealed)).not.toContain('aGFzaA==');
    expect(openPin(pinSealKey('token-1'), 'c1', pin)).toBe(HASH);
    expect(openPin(pinSealKey('token-2'), 'c1', pin)).toBeNull();
    expect(openPin(pinSealKey('token-1'), 'm1', pin)).toBeNull(); // bound to the person

    // A change and its event commit together, or neither does.
    expect(() =>
      db.transaction(() => {
        db.prepare("UPDATE cashiers SET name = '王小明' WHERE id = 'c1'").run();
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(events().length).toBe(sent.length + 2);
    db.close();
  });
});
