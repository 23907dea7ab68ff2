/**
 * `pos sync --db PATH [--server URL] [--token-file FILE] [--until-empty] [--timeout S]`
 *
 * Sends the register's outbox to the central server. With --until-empty it
 * exits 0 once connected with an empty outbox, and 1 with the reason when it
 * cannot get there within --timeout seconds (default 120) or the server
 * refuses this register. Without it, it keeps syncing until SIGINT/SIGTERM.
 *
 * The server address, store id, register id and token come from app_meta
 * (docs/sync.md) unless given: --server, --store, --register,
 * --allow-insecure. The token never comes from argv (docs/security.md §3):
 * --token-file FILE or the POS_SYNC_TOKEN environment variable; a token
 * stored by the app's OS keychain cannot be read here. A stored token is
 * used only for the server it was saved for, never for another --server.
 */
import { readFileSync } from 'node:fs';
import { openDatabase } from '../store/database';
import { SyncClient, type SyncLogger } from '../sync/client';
import { completeSyncConfig, plainSecretBox, readSyncConfig, tokenBinding, type SyncConfig } from '../sync/config';
import { ensurePinSealKey } from '../sync/pin-seal';
import { UsageError, optionalFlag, parseArgs, requireFlag } from './args';
import { readSecret, secretOnArgv, SYNC_TOKEN_ENV } from './secret-input';

function wholeNumber(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  return Number(value);
}

export async function runSync(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    value: ['db', 'server', 'token', 'token-file', 'store', 'register', 'timeout', 'batch-size', 'ca'],
    boolean: ['until-empty', 'allow-insecure', 'verbose'],
  });
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]}`);
  if (args.flags.has('token')) throw secretOnArgv('token', SYNC_TOKEN_ENV);
  const dbPath = requireFlag(args, 'db');
  const untilEmpty = args.flags.get('until-empty') === true;
  const verbose = args.flags.get('verbose') === true;
  const timeoutMs = wholeNumber(optionalFlag(args, 'timeout'), 'timeout', 120) * 1000;
  const batchSize = wholeNumber(optionalFlag(args, 'batch-size'), 'batch-size', 500);
  const caFile = optionalFlag(args, 'ca');

  const db = openDatabase(dbPath);
  try {
    const given: Partial<SyncConfig> = {};
    const server = optionalFlag(args, 'server');
    const token = readSecret(optionalFlag(args, 'token-file'), SYNC_TOKEN_ENV);
    const storeId = optionalFlag(args, 'store');
    const registerId = optionalFlag(args, 'register');
    if (server !== undefined) given.url = server;
    if (token !== undefined) given.token = token;
    if (storeId !== undefined) given.storeId = storeId;
    if (registerId !== undefined) given.registerId = registerId;
    if (args.flags.get('allow-insecure') === true) given.allowInsecure = true;
    // The stored token is only decrypted when none was given.
    const stored = readSyncConfig(db, token === undefined ? plainSecretBox : null);
    // A stored token belongs to the stored server: never sent to another one given here.
    if (server !== undefined && stored.url !== undefined && tokenBinding(server) !== tokenBinding(stored.url)) delete stored.token;
    const config = completeSyncConfig({ ...stored, ...given });
    ensurePinSealKey(db, config.token);

    const logger: SyncLogger = {
      info: (m) => verbose && process.stderr.write(`pos sync: ${m}\n`),
      warn: (m) => verbose && process.stderr.write(`pos sync: ${m}\n`),
      error: (m) => process.stderr.write(`pos sync: ${m}\n`),
    };
    const client = new SyncClient({ db, config, batchSize, logger, ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}) });
    const startedWith = client.status().waiting;
    const started = Date.now();

    const outcome = await new Promise<{ code: number; message: string }>((resolve) => {
      const finish = (code: number, message: string) => {
        clearTimeout(timer);
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
        resolve({ code, message });
      };
      const interrupted = () => finish(untilEmpty ? 1 : 0, `stopped; ${client.status().waiting} event(s) still waiting`);
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      const timer = untilEmpty
        ? setTimeout(() => {
            const s = client.status();
            finish(1, `gave up after ${timeoutMs / 1000} s: ${s.waiting} event(s) still in the outbox; last error: ${s.lastError ?? 'none'}`);
          }, timeoutMs)
        : undefined;
      if (untilEmpty) {
        client.on('drained', () => finish(0, `outbox empty: ${startedWith} event(s) sent in ${((Date.now() - started) / 1000).toFixed(1)} s`));
        client.on('status', (s) => {
          if (s.blocked && s.lastError) finish(1, `cannot sync: ${s.lastError}`);
        });
      }
      client.start();
    });
    await client.stop();
    (outcome.code === 0 ? process.stdout : process.stderr).write(`pos sync: ${outcome.message}\n`);
    return outcome.code;
  } finally {
    db.close();
  }
}
