/**
 * `npm run central` with CENTRAL_PHONE_KEY_FILE: the real command reads the
 * alliance phone key (hex or base64 of 32 bytes) and the console finds a
 * member by phone with it; a file holding anything else stops the start with
 * a message. A PostgreSQL database, the service in its own process.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addAdmin } from '../../central/auth/registry';
import { openPostgres } from '../../central/db/adapter';
import { migrate } from '../../central/db/migrate';
import { phoneDigest, phoneKeyFromSecret } from '../../electron/backend/members/phone-digest';
import { sharedPostgres, stopSharedPostgres } from '../central/databases';
import { Cleanup, ROOT, tempDir } from '../sync/helpers';
import { signIn } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
afterAll(() => stopSharedPostgres());

function central(env: Record<string, string>): Promise<{ url: string } | { exit: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'central/main.ts'), '--port', '0'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.add(() => child.kill('SIGKILL'));
  let output = '';
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const line = /\{"event":"listening".*\}/.exec(output);
      if (line) resolve({ url: (JSON.parse(line[0]) as { url: string }).url });
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ exit: code, output }));
  });
}

describe('the alliance phone key of the central command', () => {
  it('finds a member by phone with the key from CENTRAL_PHONE_KEY_FILE, and refuses a file without a key', async () => {
    const url = await (await sharedPostgres()).newDatabaseUrl();
    const db = openPostgres(url);
    cleanup.add(() => db.close());
    await migrate(db);
    const secret = Buffer.alloc(32, 5);
    await db.query(`INSERT INTO members (id, phone_digest, level, display_name, masked_phone, created_at) VALUES ('M1', $1, 'gold', '赵*', '137****7000', 0)`, [
      phoneDigest(phoneKeyFromSecret(secret), '13700137000'),
    ]);
    const admin = await addAdmin(db, '运营', Date.now());
    const dir = tempDir(cleanup);
    const bad = path.join(dir, 'bad-key');
    writeFileSync(bad, 'not a key\n', { mode: 0o600 });
    const refused = await central({ CENTRAL_DATABASE_URL: url, CENTRAL_PHONE_KEY_FILE: bad });
    expect(refused).toMatchObject({ exit: 2 });
    expect((refused as { output: string }).output).toContain('CENTRAL_PHONE_KEY_FILE');
    for (const text of [secret.toString('hex'), secret.toString('base64')]) {
      const file = path.join(dir, 'phone-key');
      writeFileSync(file, `${text}\n`, { mode: 0o600 });
      const started = await central({ CENTRAL_DATABASE_URL: url, CENTRAL_PHONE_KEY_FILE: file });
      if (!('url' in started)) throw new Error(`the service did not start: ${started.output}`);
      const session = await signIn(started.url, admin);
      const answer = await (await session.post('/console/members/lookup', { phone: '13700137000', csrf: session.csrf })).text();
      expect(answer).toContain('找到会员');
      expect(answer).toContain('137****7000');
    }
  }, 120_000);
});
