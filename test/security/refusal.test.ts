/**
 * docs/security.md §5: on a lost database the start-up gate answers only the
 * refusal page's commands; first-run setup is unreachable; a restore needs a
 * manager PIN of the backup and guessing it is bounded.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDailyBackup } from '../../electron/backend/app/backups';
import { StartupGate, RESTORE_LOCK_MS } from '../../electron/backend/app/recovery';
import { CHEAP_SCRYPT, openHarness, quietLogger, readyToSell, tempDir, T0 } from '../app/helpers';

async function lostRegister(): Promise<{ db: string; backups: string }> {
  const dir = tempDir();
  const db = path.join(dir, 'cashier.db');
  const h = openHarness(db);
  await readyToSell(h);
  await h.ok('checkout.submit', { amountDueFen: 1000, memberId: null, tenders: [{ kind: 'cash', amountFen: 1000 }] });
  const backups = path.join(dir, 'backups');
  await runDailyBackup(db, backups, { now: T0 });
  h.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  return { db, backups };
}

describe('the start-up gate on a lost database', () => {
  it('answers the refusal page only: first-run setup and every other command are refused, no file is created', async () => {
    const paths = await lostRegister();
    const gate = new StartupGate(paths, { logger: quietLogger, scryptCost: CHEAP_SCRYPT });
    expect(gate.start()).toMatchObject({ ok: false, reason: 'database-lost' });
    expect(await gate.handle('startup.state', {})).toEqual({ ok: true, value: { mode: 'refused', database: 'missing', wal: false, backupDays: ['2026-03-02'], server: false } });
    expect(await gate.handle('setup.createManager', { name: '路人', pin: '1111' })).toMatchObject({ ok: false, error: { code: 'rule', rule: 'startup-refused' } });
    expect(await gate.handle('app.status', {})).toMatchObject({ ok: false, error: { rule: 'startup-refused' } });
    expect(await gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: 'abc' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await gate.handle('startup.restore', { backupDay: '2026-01-01', managerPin: '2468' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(existsSync(paths.db)).toBe(false);
  });

  it('restores the newest backup with a manager PIN of the backup, then is the register', async () => {
    const paths = await lostRegister();
    const opened: unknown[] = [];
    const gate = new StartupGate(paths, { logger: quietLogger, scryptCost: CHEAP_SCRYPT, onOpen: (b) => opened.push(b) });
    gate.start();
    expect(await gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '1357' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(existsSync(paths.db)).toBe(false);
    expect(await gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '2468' })).toEqual({ ok: true, value: { restoredDay: '2026-03-02', keptAside: false } });
    expect(opened).toHaveLength(1);
    expect(await gate.handle('startup.state', {})).toMatchObject({ ok: true, value: { mode: 'register' } });
    const cashiers = await gate.handle('cashiers.list', {});
    expect(cashiers).toMatchObject({ ok: true, value: [{ name: '店长', role: 'manager' }] });
    expect(await gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '2468' })).toMatchObject({ ok: false, error: { rule: 'startup-not-refused' } });
    expect(await gate.handle('setup.createManager', { name: '路人', pin: '1111' })).toMatchObject({ ok: false });
    gate.backend?.close();
  });

  it('guessing the PIN: parallel guesses run one at a time, 5 wrong lock the page for 5 minutes', async () => {
    const paths = await lostRegister();
    let now = 0;
    const gate = new StartupGate(paths, { logger: quietLogger, monotonic: () => now });
    gate.start();
    const parallel = await Promise.all(Array.from({ length: 20 }, () => gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '0000' })));
    const codes = parallel.map((r) => (r.ok ? 'ok' : (r.error.rule ?? r.error.code)));
    expect(codes.filter((c) => c === 'wrong-pin')).toHaveLength(1);
    expect(codes.filter((c) => c === 'restore-busy')).toHaveLength(19);
    for (let i = 0; i < 4; i++) await gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '0000' });
    expect(await gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '2468' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    now += RESTORE_LOCK_MS + 1;
    expect(await gate.handle('startup.restore', { backupDay: '2026-03-02', managerPin: '2468' })).toMatchObject({ ok: true });
    gate.backend?.close();
  });
});
