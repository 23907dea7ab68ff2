/**
 * `pos phone-key --key-file PATH [--from FILE]`: installs the alliance's
 * phone key (docs/security.md §3) into the register's key file
 * (`<userData>/phone-key`), so its phone digests equal those of every other
 * register of the alliance and of the central service. The key is a secret:
 * it comes from a file (`--from`, 64 hex digits or base64 of 32 bytes) or the
 * POS_PHONE_KEY environment variable, never from the command line. Without
 * either, it prints the id of the key installed now (not the key).
 *
 * Install it before enrolling members: digests made with another key cannot
 * be recomputed (the register keeps no numbers), so members enrolled before
 * are found by member code or QR until the centre sends their keyed digest.
 * Close the app first; it reads the key file at start-up.
 */
import { existsSync } from 'node:fs';
import { phoneKeyFromSecret, PHONE_KEY_BYTES } from '../members/phone-digest';
import { readPhoneKeyFile, writePhoneKeyFile } from '../members/phone-key-file';
import { plainSecretBox } from '../sync/config';
import { UsageError, optionalFlag, parseArgs, requireFlag } from './args';
import { readSecret } from './secret-input';

export const PHONE_KEY_ENV = 'POS_PHONE_KEY';

/** 64 hex digits or base64 of at least 32 bytes → the key bytes. */
export function parseAllianceKey(text: string): Buffer {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64,}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/=_-]{43,}$/.test(t) ? Buffer.from(t, 'base64') : Buffer.alloc(0);
  if (bytes.length < PHONE_KEY_BYTES) throw new UsageError(`the phone key must be ${PHONE_KEY_BYTES} bytes: 64 hex digits or base64`);
  return bytes;
}

export function runPhoneKey(argv: string[]): number {
  const args = parseArgs(argv, { value: ['key-file', 'from'] });
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]} (the key comes from --from FILE or ${PHONE_KEY_ENV}, never the command line)`);
  const keyFile = requireFlag(args, 'key-file');
  const secret = readSecret(optionalFlag(args, 'from'), PHONE_KEY_ENV);
  if (secret === undefined) {
    if (!existsSync(keyFile)) {
      process.stdout.write(`pos phone-key: 没有密钥文件 ${keyFile}（收银台首次启动时会生成）\n`);
      return 1;
    }
    process.stdout.write(`pos phone-key: 当前手机号密钥编号 ${readPhoneKeyFile(keyFile, plainSecretBox).id}\n`);
    return 0;
  }
  const key = phoneKeyFromSecret(parseAllianceKey(secret));
  const previous = existsSync(keyFile) ? readPhoneKeyFile(keyFile, plainSecretBox).id : null;
  writePhoneKeyFile(keyFile, key, plainSecretBox);
  process.stdout.write(`pos phone-key: 已安装联盟手机号密钥，编号 ${key.id}${previous && previous !== key.id ? `（替换了 ${previous}；之前登记的会员暂时只能按会员码查找）` : ''}\n`);
  return 0;
}
