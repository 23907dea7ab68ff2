/**
 * Issue #9 §3: the phone digest is keyed (HMAC with a key kept outside the
 * database), digests written before are re-keyed or dropped, and the full
 * number is never written anywhere the register writes (database, WAL, key file).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreatePhoneKey, readPhoneKeyFile } from '../../electron/backend/members/phone-key-file';
import { phoneDigest, phoneKeyFromSecret } from '../../electron/backend/members/phone-digest';
import { openDatabase } from '../../electron/backend/store/database';
import { MIGRATIONS } from '../../electron/backend/store/migrations/index';
import { RegisterBackend } from '../../electron/backend/app/register';
import { plainSecretBox } from '../../electron/backend/sync/config';
import { CHEAP_SCRYPT, TEST_PHONE_KEY, addMember, openHarness, quietLogger, readyToSell, tempDir } from '../app/helpers';

const PHONE = '13812345678';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Every file in the register's folder (database, -wal, -shm, key file), searched for the number as text. */
export function filesHolding(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const bytes = readFileSync(path.join(dir, name));
    for (const encoding of ['latin1', 'utf16le'] as const) {
      if (bytes.toString(encoding).includes(needle)) hits.push(`${name} (${encoding})`);
    }
  }
  return hits;
}

describe('keyed phone digest', () => {
  it('is an HMAC under the register key, not a plain SHA-256, and finds the member by phone', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'm-1', phone: PHONE, maskedPhone: '138****5678' });
    const stored = h.backend.db.prepare("SELECT phone_digest FROM members WHERE id = 'm-1'").pluck().get() as string;
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toBe(sha256(PHONE));
    expect(stored).toBe(phoneDigest(TEST_PHONE_KEY, PHONE));
    expect(phoneDigest(phoneKeyFromSecret(Buffer.alloc(32, 1)), PHONE)).not.toBe(stored);
    for (const query of [PHONE, '138 1234 5678', '+86 138-1234-5678']) expect((await h.ok('members.lookup', { query }))?.id, query).toBe('m-1');
    h.close();
  });

  it('a register opened without its key finds nobody by phone (member code still works)', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'm-1', code: 'VIP1', phone: PHONE, maskedPhone: '138****5678' });
    const file = h.file;
    h.close();
    const keyless = RegisterBackend.open(file, { logger: quietLogger, scryptCost: CHEAP_SCRYPT });
    expect(keyless.checkout.lookupMemberUnchecked(PHONE)).toBeNull();
    expect(keyless.checkout.lookupMemberUnchecked('VIP1')?.id).toBe('m-1');
    keyless.close();
  });

  it('re-keys unsalted digests written before migration 006; drops those it cannot recover; keeps nothing reversible', () => {
    const dir = tempDir();
    const file = path.join(dir, 'cashier.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
    const insert = old.prepare(
      "INSERT INTO members (id, level, masked_phone, member_code, phone_digest, source, updated_at) VALUES (?, 'normal', ?, ?, ?, ?, 0)",
    );
    insert.run('local-1', '138****5678', null, sha256(PHONE), 'local');
    insert.run('server-1', '139****0001', 'S1', sha256('13900000001'), 'server');
    insert.run('odd-mask', '1**********', null, sha256('13700000000'), 'local');
    old.close();

    const backend = RegisterBackend.open(file, { logger: quietLogger, scryptCost: CHEAP_SCRYPT, phoneKey: TEST_PHONE_KEY });
    const rows = backend.db.prepare('SELECT id, phone_digest, phone_key_id FROM members ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'local-1', phone_digest: phoneDigest(TEST_PHONE_KEY, PHONE), phone_key_id: TEST_PHONE_KEY.id },
      { id: 'odd-mask', phone_digest: null, phone_key_id: null },
      { id: 'server-1', phone_digest: null, phone_key_id: null },
    ]);
    expect(backend.checkout.lookupMemberUnchecked(PHONE)?.id).toBe('local-1');
    expect(backend.checkout.lookupMemberUnchecked('S1')?.id).toBe('server-1');
    backend.close();
  });

  it('the phone key file holds the key as the secret box stored it, made once, read back the same', () => {
    const dir = tempDir();
    const file = path.join(dir, 'phone-key');
    const key = loadOrCreatePhoneKey(file, plainSecretBox);
    expect(key.secret).toHaveLength(32);
    expect(loadOrCreatePhoneKey(file, plainSecretBox).id).toBe(key.id);
    expect(readPhoneKeyFile(file, plainSecretBox).secret.equals(key.secret)).toBe(true);
  });

  it('the full number is never written: not in the database, the WAL or any other file of the register', async () => {
    const h = openHarness();
    await readyToSell(h);
    addMember(h.backend.db, { id: 'm-1', phone: PHONE, maskedPhone: '138****5678' });
    for (let i = 0; i < 3; i++) await h.ok('members.lookup', { query: PHONE });
    const sale = await h.ok('checkout.submit', { amountDueFen: 10_000, memberId: 'm-1', tenders: [{ kind: 'cash', amountFen: 10_000 }] });
    expect(sale.member?.maskedPhone).toBe('138****5678');
    // Enrolled at the counter: the number is typed, digested, masked — and never written.
    const enrolled = await h.ok('members.enrol', { phone: '13987654321', nickname: '顾客' });
    await h.ok('checkout.submit', { amountDueFen: 5_000, memberId: enrolled.id, tenders: [{ kind: 'cash', amountFen: 5_000 }] });
    await h.ok('members.lookup', { query: '13987654321' });
    expect(filesHolding(path.dirname(h.file), '13987654321')).toEqual([]);
    const dir = path.dirname(h.file);
    expect(readdirSync(dir).some((f) => f.endsWith('-wal'))).toBe(true);
    expect(filesHolding(dir, PHONE)).toEqual([]);
    // The search itself can fail: the mask is in the same files.
    expect(filesHolding(dir, '138****5678').length).toBeGreaterThan(0);
    h.close();
  });
});
