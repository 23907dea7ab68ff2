/**
 * `pos enrol --db PATH --server URL [--allow-insecure]`, the enrolment code
 * on stdin (or in POS_ENROL_CODE): trades the one-time code the alliance
 * printed (`npm run central -- admin add-register STORE REGISTER`) for this
 * register's token and saves address, store, register and token in
 * app_meta (docs/central.md "Enrolment"). The code is a secret until used,
 * so it never goes on the command line. The token is stored with the plain
 * secret box (the app re-saves it in the OS keychain when its settings are
 * saved).
 */
import { openDatabase } from '../store/database';
import { plainSecretBox } from '../sync/config';
import { enrolRegister } from '../sync/enrol';
import { UsageError, parseArgs, requireFlag } from './args';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('enrolment code: ');
  let text = '';
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.includes('\n') || text.length > 200) break;
  }
  return text.split('\n')[0]!.trim();
}

export async function runEnrol(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { value: ['db', 'server'], boolean: ['allow-insecure'] });
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]} (the code goes on stdin, never on the command line)`);
  const dbPath = requireFlag(args, 'db');
  const server = requireFlag(args, 'server');
  const code = process.env.POS_ENROL_CODE?.trim() || (await readStdin());
  if (!code) throw new UsageError('no enrolment code: pipe it on stdin or set POS_ENROL_CODE');
  const db = openDatabase(dbPath);
  try {
    const { storeId, registerId } = await enrolRegister(db, { url: server, code, box: plainSecretBox, allowInsecure: args.flags.get('allow-insecure') === true });
    process.stdout.write(`pos enrol: 已注册为门店 ${storeId} 的收银机 ${registerId}，同步设置已保存\n`);
    return 0;
  } finally {
    db.close();
  }
}
