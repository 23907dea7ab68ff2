/**
 * docs/security.md §3: member records pushed by the server are refused unless
 * names and phones are really masked; a refused push is logged without its
 * personal fields.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncClient } from '../../electron/backend/sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig } from '../../electron/backend/sync/config';
import { maskingProblem, redactPersonal, unmaskedField } from '../../electron/backend/sync/masking';
import { MESSAGES } from '../../shared/sync/protocol';
import { startHostileServer } from '../support/hostile-server';
import { Cleanup, createRegisterDb, tempDir, waitFor } from '../sync/helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('masking of pushed members', () => {
  it('refuses runs of more than 4 digits (separators do not break a run) and any non-ASCII digit', () => {
    expect(unmaskedField({ maskedPhone: '138****8000' })).toBeNull();
    expect(unmaskedField({ displayName: '王*' })).toBeNull();
    expect(unmaskedField({ maskedPhone: '13800****00' })).toMatch(/more than 4 digits/);
    expect(unmaskedField({ maskedPhone: '1380 0*** *000' })).toMatch(/more than 4 digits/);
    expect(unmaskedField({ displayName: '张*13800138000' })).toMatch(/displayName/);
    expect(unmaskedField({ displayName: '张* 138-0013' })).toMatch(/more than 4 digits/);
    expect(unmaskedField({ displayName: '张*１３８' })).toMatch(/full-width/);
    expect(unmaskedField({ maskedPhone: '１３８****８０００' })).toMatch(/full-width/);
    expect(unmaskedField({ displayName: '李*٣' })).toMatch(/non-ASCII/);
    expect(maskingProblem([{ id: 'm-9', level: 'gold', displayName: '张*13800138000' }])).not.toContain('13800138000');
  });

  it('a redacted log keeps no personal field and no long digit run', () => {
    const raw = { pushId: 3, members: [{ id: 'm-1', level: 'gold', displayName: '张*１３８００１３８０００', maskedPhone: '13800138000', memberCode: 'VIP1' }], note: 'call 13800138000' };
    const text = JSON.stringify(redactPersonal(raw));
    expect(text).not.toMatch(/13800138000|１３８|张|VIP1/);
    expect(text).toContain('"pushId":3');
    expect(text).toContain('m-1');
  });

  it('over the wire: an unmasked name (full-width digits) is refused, nothing stored, logged without the name', async () => {
    const dir = tempDir(cleanup);
    const db = createRegisterDb(path.join(dir, 'register.db'));
    cleanup.add(() => db.close());
    // The real service never sends an unmasked member: a hostile stand-in does.
    const { url, connected } = await startHostileServer(cleanup);
    const client = new SyncClient({ db, config: completeSyncConfig({ ...readSyncConfig(db, plainSecretBox), url }), backoff: { initialMs: 50, maxMs: 200 } });
    cleanup.add(() => client.stop());
    client.start();
    const socket = await connected;
    const push = { pushId: 1, issuedAt: 0, members: [{ id: 'm-1', level: 'gold', displayName: '张*１３８００１３８０００', maskedPhone: '138****8000' }] };
    const answer = await socket.timeout(2_000).emitWithAck(MESSAGES.members, push);
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(0);
    const log = await waitFor(() => db.prepare("SELECT error, body FROM sync_inbound WHERE status = 'refused'").get() as { error: string; body: string } | undefined, 2_000, 'the refusal logged');
    expect(log.error).toMatch(/member m-1: displayName/);
    expect(`${log.error} ${log.body}`).not.toMatch(/１３８|138\*\*\*\*8000|张/);
    // A masked push is applied.
    expect(await socket.timeout(2_000).emitWithAck(MESSAGES.members, { ...push, members: [{ id: 'm-1', level: 'gold', displayName: '张*', maskedPhone: '138****8000' }] })).toEqual({
      ok: true,
      duplicate: false,
    });
  });
});

describe('the sync log the manager reads (docs/security.md §7)', () => {
  it('every refused message, newest first, as a Chinese sentence without English, ids or personal data', async () => {
    const { managerHarness, MANAGER_PIN } = await import('../manager/helpers');
    const { recordRefused } = await import('../../electron/backend/sync/apply');
    const { messageText } = await import('../../renderer/i18n/messages');
    const h = await managerHarness();
    await h.ok('manager.unlock', { pin: MANAGER_PIN });
    recordRefused(h.backend.db, MESSAGES.members, { pushId: 1, members: [{ id: 'm', displayName: '张三' }] }, 'members.0.displayName: a display name must arrive masked', 1000);
    recordRefused(h.backend.db, `${MESSAGES.batch} ack`, { ok: true, appliedSeq: 99 }, 'acknowledgement up to seq 99', 2000);
    recordRefused(h.backend.db, 'sync:teleport', [1, 2], 'unknown message', 3000);
    const { entries } = await h.ok('manager.sync.log', {});
    expect(entries.map((e) => [e.at, e.reason.code])).toEqual([
      [3000, 'syncLog.unknown'],
      [2000, 'syncLog.ack'],
      [1000, 'syncLog.members'],
    ]);
    for (const e of entries) expect(messageText(e.reason, 'zh-CN')).not.toMatch(/[A-Za-z]|张三/);
    h.close();
  });
});
