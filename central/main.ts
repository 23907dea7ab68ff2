/**
 * `npm run central -- …`: the central service, and its admin commands.
 *
 *   npm run central -- [--port N] [--host H] [--data DIR] [--cert PEM --key PEM]
 *   npm run central -- admin add-store STORE --name NAME
 *   npm run central -- admin add-register STORE REGISTER      prints a one-time enrolment code
 *   npm run central -- admin revoke-register STORE REGISTER
 *   npm run central -- admin set-display STORE [--queue-progress on|off] [--amount-waiting on|off]
 *   npm run central -- admin new-epoch                          after restoring a copy of the data
 *   npm run central -- admin add-admin NAME                    prints an admin credential (once)
 *   npm run central -- admin revoke-admin NAME
 *
 * The database: CENTRAL_DATABASE_URL (or --database-url postgres://…) for a
 * PostgreSQL server; without either, an embedded PGlite database in --data
 * (default ./central-data), which one process at a time may open.
 * CENTRAL_PHONE_KEY_FILE: the alliance phone key, for the console's lookup by phone.
 *
 * The service prints one JSON line on stdout when listening:
 * {"event":"listening","url",…}; logs go to stderr.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RegistryError, addAdmin, addRegister, addStore, revokeAdmin, revokeRegister, setStoreDisplay } from './auth/registry';
import { openDatabaseFrom, type SqlDb } from './db/adapter';
import { renewEpoch } from './db/epoch';
import { lockDataDir } from './db/lock';
import { migrate } from './db/migrate';
import { startCentralService } from './service';

function fail(message: string, code = 2): never {
  process.stderr.write(`central: ${message}\n`);
  process.exit(code);
}

async function open(values: { data?: string; 'database-url'?: string }): Promise<SqlDb> {
  const databaseUrl = values['database-url'] ?? process.env.CENTRAL_DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('the database URL must start with postgres:// or postgresql://');
  // A command line is visible to every user of the machine: a password goes in the environment (or ~/.pgpass), never there.
  if (values['database-url'] && /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(values['database-url'])) {
    fail('--database-url must not carry a password (a command line is visible to every user of this machine); set CENTRAL_DATABASE_URL or use ~/.pgpass');
  }
  const dataDir = values.data ?? 'central-data';
  if (!databaseUrl) lockDataDir(dataDir);
  return openDatabaseFrom({ databaseUrl, dataDir });
}

function onOff(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'on' && value !== 'off') fail(`--${flag} is on or off, got ${JSON.stringify(value)}`);
  return value === 'on';
}

async function admin(
  args: string[],
  values: { data?: string; 'database-url'?: string; name?: string; 'queue-progress'?: string; 'amount-waiting'?: string },
): Promise<void> {
  const [command, ...rest] = args;
  const db = await open(values);
  try {
    await migrate(db);
    const now = Date.now();
    switch (command) {
      case 'add-store': {
        if (rest.length !== 1 || !values.name) fail('usage: admin add-store STORE --name NAME');
        await db.transaction((tx) => addStore(tx, rest[0]!, values.name!, now));
        process.stdout.write(`store ${rest[0]} added\n`);
        break;
      }
      case 'add-register': {
        if (rest.length !== 2) fail('usage: admin add-register STORE REGISTER');
        const { code, expiresAt } = await db.transaction((tx) => addRegister(tx, rest[0]!, rest[1]!, now));
        process.stdout.write(
          `enrolment code for ${rest[0]}/${rest[1]}: ${code}\n` +
            `enter it once in the register's sync settings before ${new Date(expiresAt).toISOString()}; it is not shown again\n`,
        );
        break;
      }
      case 'revoke-register': {
        if (rest.length !== 2) fail('usage: admin revoke-register STORE REGISTER');
        const n = await db.transaction((tx) => revokeRegister(tx, rest[0]!, rest[1]!, now));
        process.stdout.write(`${rest[0]}/${rest[1]}: ${n} token(s) revoked; enrol it again with admin add-register\n`);
        break;
      }
      case 'set-display': {
        if (rest.length !== 1) fail('usage: admin set-display STORE [--queue-progress on|off] [--amount-waiting on|off]');
        const queueProgress = onOff(values['queue-progress'], 'queue-progress');
        const amountWaiting = onOff(values['amount-waiting'], 'amount-waiting');
        await setStoreDisplay(db, rest[0]!, { ...(queueProgress !== undefined ? { queueProgress } : {}), ...(amountWaiting !== undefined ? { amountWaiting } : {}) }, now);
        process.stdout.write(`store ${rest[0]}: display switches saved\n`);
        break;
      }
      case 'new-epoch': {
        if (rest.length !== 0) fail('usage: admin new-epoch');
        await renewEpoch(db, now);
        process.stdout.write('a new epoch is in force: registers count pushes afresh (run this after restoring a copy of the data)\n');
        break;
      }
      case 'add-admin': {
        if (rest.length !== 1) fail('usage: admin add-admin NAME');
        const token = await addAdmin(db, rest[0]!, now);
        process.stdout.write(`admin credential for ${rest[0]} (shown once; keep it in a file or CENTRAL_ADMIN_TOKEN, never on a command line):\n${token}\n`);
        break;
      }
      case 'revoke-admin': {
        if (rest.length !== 1) fail('usage: admin revoke-admin NAME');
        process.stdout.write(`${await revokeAdmin(db, rest[0]!, now)} credential(s) revoked\n`);
        break;
      }
      default:
        fail(`unknown admin command ${JSON.stringify(command ?? '')}: add-store, add-register, revoke-register, set-display, new-epoch, add-admin, revoke-admin`);
    }
  } catch (error) {
    if (error instanceof RegistryError) fail(error.message, 1);
    throw error;
  } finally {
    await db.close();
  }
}

/**
 * The alliance's phone key (the one every register holds, docs/security.md §3),
 * from the file CENTRAL_PHONE_KEY_FILE names: 64 hex digits or base64 of 32
 * bytes, like `pos phone-key --from`. Without it the console cannot find a
 * member by phone (and says so).
 */
function readAlliancePhoneKey(): Buffer | null {
  const file = process.env.CENTRAL_PHONE_KEY_FILE;
  if (!file) return null;
  const text = readFileSync(file, 'utf8').trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) fail(`CENTRAL_PHONE_KEY_FILE ${file} must hold the alliance phone key: 64 hex digits or base64 of 32 bytes`);
  return key;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        name: { type: 'string' },
        'queue-progress': { type: 'string' },
        'amount-waiting': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals[0] === 'admin') return admin(positionals.slice(1), values);
  if (positionals.length > 0) fail(`unknown command ${JSON.stringify(positionals[0])} (did you mean admin …?)`);
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) fail(`--port must be a whole number, got ${JSON.stringify(values.port)}`);
  if (Boolean(values.cert) !== Boolean(values.key)) fail('--cert and --key go together');
  const phoneKey = readAlliancePhoneKey();
  const db = await open(values);
  const service = await startCentralService({
    db,
    ...(phoneKey ? { phoneKey } : {}),
    port: Number(values.port ?? 0),
    host: values.host ?? '127.0.0.1',
    ...(values.cert && values.key ? { tls: { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') } } : {}),
    logger: {
      info: (m) => process.stderr.write(`central: ${m}\n`),
      warn: (m) => process.stderr.write(`central: warning: ${m}\n`),
    },
  });
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: service.url, port: service.port, database: db.kind })}\n`);
  const shutdown = () => {
    service
      .close()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error), 1));
