/**
 * `pos phone-key`: the alliance key is installed from a file or the
 * environment (never argv); two registers with it digest a phone the same
 * way, which is what lets the central service match their enrolments.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runPhoneKey } from '../../electron/backend/cli/phone-key-command';
import { UsageError } from '../../electron/backend/cli/args';
import { phoneDigest } from '../../electron/backend/members/phone-digest';
import { loadOrCreatePhoneKey, readPhoneKeyFile } from '../../electron/backend/members/phone-key-file';
import { plainSecretBox } from '../../electron/backend/sync/config';
import { tempDir } from '../app/helpers';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('pos phone-key', () => {
  it('installs the alliance key on two registers: equal digests; the key never on argv', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const dir = tempDir();
    const alliance = path.join(dir, 'alliance.key');
    writeFileSync(alliance, `${'ab'.repeat(32)}\n`);
    const a = path.join(dir, 'a-phone-key');
    const b = path.join(dir, 'b-phone-key');
    const own = loadOrCreatePhoneKey(a, plainSecretBox); // register A made its own key at first start
    expect(runPhoneKey(['--key-file', a, '--from', alliance])).toBe(0);
    vi.stubEnv('POS_PHONE_KEY', Buffer.alloc(32, 0xab).toString('base64'));
    expect(runPhoneKey(['--key-file', b])).toBe(0);
    const ka = readPhoneKeyFile(a, plainSecretBox);
    const kb = readPhoneKeyFile(b, plainSecretBox);
    expect(ka.id).not.toBe(own.id);
    expect(ka.id).toBe(kb.id);
    expect(phoneDigest(ka, '13800138000')).toBe(phoneDigest(kb, '13800138000'));
    expect(() => runPhoneKey(['--key-file', a, 'abab'])).toThrow(UsageError);
    writeFileSync(alliance, 'abcd\n');
    expect(() => runPhoneKey(['--key-file', a, '--from', alliance])).toThrow(/32 bytes/);
    expect(readPhoneKeyFile(a, plainSecretBox).id).toBe(ka.id);
  });
});
