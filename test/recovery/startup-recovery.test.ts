/**
 * 「从联盟服务器恢复」 on the refusal page (issue 14 §1): a real register (the
 * app's backend) syncs to the service, makes its daily backup, sells more and
 * syncs that too, then loses its database. The start-up gate restores the
 * backup behind its manager PIN and adds what the service holds beyond it:
 * the books equal the lost ones. An unreachable service changes nothing.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDailyBackup } from '../../electron/backend/app/backups';
import { StartupGate } from '../../electron/backend/app/recovery';
import { verifyDatabase } from '../../electron/backend/store/verify';
import { SyncClient } from '../../electron/backend/sync/client';
import { plainSecretBox, writeSyncConfig } from '../../electron/backend/sync/config';
import { CHEAP_SCRYPT, configure, openHarness, quietLogger, readyToSell, tempDir, TEST_PHONE_KEY } from '../app/helpers';
import { enrolled, serviceOn } from '../central/fixtures';
import { startCentralService } from '../../central/service';
import { Cleanup, waitFor } from '../sync/helpers';
import { canonicalDump } from './dump';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('the refusal page recovers from the alliance service', () => {
  it('restores the backup, adds what the service holds beyond it, and says since when sales may be missing', async () => {
    const { db: central, service } = await serviceOn('PGlite', cleanup);
    const token = await enrolled(central, 'S001', 'R01');
    const dir = tempDir();
    const file = path.join(dir, 'cashier.db');
    const backups = path.join(dir, 'backups');
    const h = openHarness(file);
    await readyToSell(h);
    configure(h.backend, { extractionBp: 2000, defaultRatioBp: 15000 });
    const db = h.backend.db;
    writeSyncConfig(db, { url: service.url, storeId: 'S001', registerId: 'R01', token }, plainSecretBox);
    const client = new SyncClient({ db, config: { url: service.url, storeId: 'S001', registerId: 'R01', token, allowInsecure: false }, pollIntervalMs: 50 });
    client.start();
    cleanup.add(() => client.stop());
    const member = await h.ok('members.enrol', { phone: '13912345678' });
    const sell = async (count: number) => {
      for (let i = 0; i < count; i++) {
        h.clock.now += 60_000;
        await h.ok('checkout.submit', { amountDueFen: 1000 + i * 10, memberId: i % 2 === 0 ? member.id : null, tenders: [{ kind: 'cash', amountFen: 1000 + i * 10 }] });
      }
      client.notify();
    };
    const drained = async () => {
      const numbered = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get() as number;
      await waitFor(async () => (await central.query<{ last_seq: number }>('SELECT last_seq FROM registers')).rows[0]!.last_seq === numbered, 30_000, 'drained');
    };
    await sell(4);
    await drained();
    await runDailyBackup(file, backups, { now: h.clock.now });
    await sell(6);
    await drained();
    const lost = canonicalDump(db);
    await client.stop();
    h.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });

    const gate = new StartupGate({ db: file, backups }, { logger: quietLogger, scryptCost: CHEAP_SCRYPT, phoneKey: TEST_PHONE_KEY, secretBox: plainSecretBox, now: () => h.clock.now });
    expect(gate.start()).toMatchObject({ ok: false, reason: 'database-lost' });
    const state = await gate.handle('startup.state', {});
    expect(state).toMatchObject({ ok: true, value: { mode: 'refused', server: true } });
    const day = (state as { value: { backupDays: string[] } }).value.backupDays[0]!;

    // The service is down: refused, nothing restored.
    await service.close();
    expect(await gate.handle('startup.recoverFromServer', { backupDay: day, managerPin: '2468' })).toMatchObject({ ok: false, error: { rule: 'recover-unreachable' } });
    expect(gate.backend).toBeNull();
    expect(await gate.handle('startup.state', {})).toMatchObject({ ok: true, value: { mode: 'refused' } });

    // The service back on its address: a wrong PIN restores nothing, the backup's manager PIN rebuilds everything.
    const back = await startCentralService({ db: central, port: service.port });
    cleanup.add(() => back.close());
    expect(await gate.handle('startup.recoverFromServer', { backupDay: day, managerPin: '1357' })).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    const answer = await gate.handle('startup.recoverFromServer', { backupDay: day, managerPin: '2468' });
    expect(answer).toMatchObject({ ok: true, value: { restoredDay: day, recovered: { events: 6 } } });
    const recovered = (answer as { value: { recovered: { lastSeenAt: number | null; toSeq: number } } }).value.recovered;
    expect(recovered.lastSeenAt).not.toBeNull();
    expect(gate.backend).not.toBeNull();
    const rebuilt = gate.backend!.db;
    expect(canonicalDump(rebuilt)).toEqual(lost);
    expect(verifyDatabase(rebuilt)).toEqual([]);
    expect(rebuilt.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get()).toBe(recovered.toSeq);
    gate.backend!.close();
  }, 120_000);
});
