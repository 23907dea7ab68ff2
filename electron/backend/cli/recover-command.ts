/**
 * `pos recover --from-server --db PATH [--server URL] [--token-file FILE] [--allow-insecure] [--ca PEM]`
 *
 * Without POS_SYNC_TOKEN or --token-file, the token `pos enrol` saved in this
 * database (a new code from the alliance operator, when the old token is lost).
 *
 * POS_NEW_MANAGER_PIN (optional): a PIN for the managers whose PIN did not come
 * back (the token changed since it was sealed), so someone can sign in.
 *
 * Rebuilds the register's database from the events the central service holds
 * of it (docs/central.md "Disaster recovery"): into a new database when the
 * disk was lost, or into a restored backup that has not sold since. Close the
 * app first. The token: POS_SYNC_TOKEN, or --token-file (never on the command
 * line, where every user of the machine could read it); the address: --server,
 * or the one the database already has. Exit 0 when rebuilt, 1 when refused
 * (nothing changed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readSecret, SYNC_TOKEN_ENV } from './secret-input';
import { openDatabase, type Db } from '../store/database';
import { hashPin } from '../app/pin';
import { PIN_NOT_RECOVERED } from '../sync/pin-seal';
import { plainSecretBox, readSyncConfig, tokenBinding } from '../sync/config';
import { recoverFromServer, RecoveryError, type RecoveryReport } from '../recovery/recover';
import { optionalFlag, parseArgs, requireFlag, UsageError } from './args';

function when(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString();
}

/** The report: what came back, and plainly what cannot. */
export function describeRecovery(r: RecoveryReport): string[] {
  const s = r.server;
  return [
    `rebuilt ${s.storeId}/${s.registerId} from the service: events ${r.hadUpTo + 1}..${s.lastSeq} (${r.events} applied, ${r.skipped} already here) in ${r.seconds.toFixed(1)} s`,
    `  ${r.orders} orders, ${r.entries} entries, ${r.ledgerRows} ledger rows, ${r.membersEnrolled} members enrolled here, ${r.memberPushes} member pushes` +
      (r.placeholderMembers > 0 ? `, ${r.placeholderMembers} members the service never sent (kept by id only)` : ''),
    `  ${r.counter.people} people, ${r.counter.shifts} shifts, ${r.counter.auditRows} audit log rows, ${r.counter.tenderedOrders} orders with their tenders, ${r.counter.refunds} refunds with theirs`,
    ...(r.counter.pinsNotRecovered.length > 0
      ? [
          `  the PIN of ${r.counter.pinsNotRecovered.join(', ')} did not come back (sealed under another token, or before this register had one): ` +
            'they cannot sign in until a manager sets a new PIN in the staff section' +
            (r.counter.managerCanSignIn ? '' : '; no manager can sign in: give one a new PIN with POS_NEW_MANAGER_PIN (see docs/central.md "Disaster recovery")'),
        ]
      : []),
    `  new events are numbered from ${r.nextSeq}`,
    `the service last heard from this register at ${when(s.lastSeenAt)} (last sync ${when(s.lastSyncAt)}; its newest event is from ${when(s.lastEventAt)}).`,
    '  Anything this register did after that and never sent is not on the service and cannot come back: ' +
      'check the paper receipts and the cash drawer from that time on and enter those sales again.',
    'not rebuilt (never sent to the service): the print job history, PIN lockouts, the printer and customer display settings, ' +
      'the phone-key file (install the alliance key again with pos phone-key), and the tenders and cashier of orders sold before the register had migration 017.',
  ];
}

/** The PIN for managers whose PIN did not come back (never on the command line). */
export const NEW_MANAGER_PIN_ENV = 'POS_NEW_MANAGER_PIN';

/**
 * Gives every manager (not disabled) whose PIN did not come back the PIN `pin`, so someone can sign in and give the
 * others new PINs. The triggers send each change, sealed under the key the recovery stored. Returns their names.
 */
export async function giveManagersPin(db: Db, pin: string): Promise<string[]> {
  if (!/^\d{4,8}$/.test(pin)) throw new UsageError(`${NEW_MANAGER_PIN_ENV} must be 4–8 digits`);
  const hash = await hashPin(pin);
  return db.transaction(() => {
    const names = db.prepare("SELECT name FROM cashiers WHERE role = 'manager' AND disabled_at IS NULL AND pin_hash = ? ORDER BY name").pluck().all(PIN_NOT_RECOVERED) as string[];
    db.prepare("UPDATE cashiers SET pin_hash = ? WHERE role = 'manager' AND disabled_at IS NULL AND pin_hash = ?").run(hash, PIN_NOT_RECOVERED);
    return names;
  })();
}

function storedToken(db: Db, url: string): string | undefined {
  try {
    const stored = readSyncConfig(db, plainSecretBox);
    return stored.url !== undefined && tokenBinding(stored.url) === tokenBinding(url) ? stored.token : undefined;
  } catch {
    return undefined; // sealed by the app's key store: only the app can read it
  }
}

export async function runRecover(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { value: ['db', 'server', 'token-file', 'ca', 'page-size'], boolean: ['from-server', 'allow-insecure'] });
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]}`);
  if (args.flags.get('from-server') !== true) throw new UsageError('say where from: --from-server (the only source so far)');
  const dbPath = requireFlag(args, 'db');
  const tokenFile = optionalFlag(args, 'token-file');
  const given = readSecret(tokenFile, SYNC_TOKEN_ENV);
  const pageSize = optionalFlag(args, 'page-size');
  if (pageSize !== undefined && !/^\d{1,4}$/.test(pageSize)) throw new UsageError('--page-size must be 1–2000');
  const caFile = optionalFlag(args, 'ca');
  const isNew = !existsSync(dbPath);

  const db = openDatabase(dbPath);
  try {
    const stored = readSyncConfig(db, null);
    const url = optionalFlag(args, 'server') ?? stored.url;
    if (!url) throw new UsageError('--server URL is needed (this database does not name its service)');
    // Without one given: the token `pos enrol` saved in this (new) database for that very address, if any.
    const token = given ?? storedToken(db, url);
    if (!token) {
      throw new UsageError(
        'the register token is needed: set POS_SYNC_TOKEN or give --token-file FILE (the token this register enrolled with), ' +
          'or enrol this database first with a new code (pos enrol --db PATH --server URL)',
      );
    }
    const report = await recoverFromServer(db, {
      url,
      token,
      allowInsecure: args.flags.get('allow-insecure') === true || stored.allowInsecure === true,
      ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
      ...(pageSize ? { pageSize: Number(pageSize) } : {}),
      onProgress: (done, total) => process.stderr.write(`pos recover: ${done}/${total} events fetched\n`),
    });
    for (const line of describeRecovery(report)) process.stdout.write(`pos recover: ${line}\n`);
    const newPin = process.env[NEW_MANAGER_PIN_ENV];
    if (newPin !== undefined && report.counter.pinsNotRecovered.length > 0) {
      const given = await giveManagersPin(db, newPin);
      process.stdout.write(`pos recover: ${given.join(', ') || 'no manager'} can sign in with the PIN of ${NEW_MANAGER_PIN_ENV} now; change it in the console, then give the others new PINs\n`);
    }
    process.stdout.write('pos recover: next: `pos verify --db PATH`, then start the app (or `pos sync`); sync continues after the service\'s events\n');
    return 0;
  } catch (error) {
    if (!(error instanceof RecoveryError)) throw error;
    process.stderr.write(`pos recover: refused: ${error.message}; ${isNew ? 'the new database holds nothing yet' : 'nothing was changed'}\n`);
    return 1;
  } finally {
    db.close();
  }
}
