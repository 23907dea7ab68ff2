/**
 * `npm run --silent pos -- <command> [options]`: the register's command line,
 * for checks and jobs that run without the window (verify, print-receipt,
 * sync). Each command lives in its own module and returns an exit code.
 */
import { UsageError } from './args';

export type CommandRunner = (argv: string[]) => Promise<number> | number;

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  verify: {
    summary: 'verify --db PATH: check every invariant of the ledger; exit 1 naming each violation',
    load: async () => (await import('./verify-command')).runVerify,
  },
  restore: {
    summary: 'restore --from FILE --db PATH: replace the database with a verified copy of a backup (close the app first); the replaced file is kept aside',
    load: async () => (await import('./restore-command')).runRestore,
  },
  'print-receipt': {
    summary: 'print-receipt --db PATH --order ID --printer tcp://HOST:PORT [--queue ID] [--width 58|80] [--copy]: print one receipt; exit 0 when the printer took every byte',
    load: async () => (await import('./print-receipt-command')).runPrintReceipt,
  },
  sync: {
    summary: 'sync --db PATH [--server URL] [--token-file FILE] [--until-empty [--timeout S]]: send the outbox to the central server (token: POS_SYNC_TOKEN or --token-file, never on the command line)',
    load: async () => (await import('./sync-command')).runSync,
  },
  enrol: {
    summary: 'enrol --db PATH --server URL [--allow-insecure] < code: trade the one-time enrolment code (stdin or POS_ENROL_CODE) for this register\'s token',
    load: async () => (await import('./enrol-command')).runEnrol,
  },
  recover: {
    summary: 'recover --from-server --db PATH [--server URL] [--token-file FILE]: rebuild the database from the events the central service holds (token: POS_SYNC_TOKEN or the file); close the app first',
    load: async () => (await import('./recover-command')).runRecover,
  },
  'phone-key': {
    summary: 'phone-key --key-file PATH [--from FILE]: install the alliance phone key (file or POS_PHONE_KEY, never on the command line); without one, print the installed key id',
    load: async () => (await import('./phone-key-command')).runPhoneKey,
  },
};

function usage(): string {
  return ['usage: pos <command> [options]', ...Object.values(COMMANDS).map((c) => `  ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `unknown command: ${name}\n` : ''}${usage()}\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pos ${name}: ${error.message}\n${usage()}\n`);
      return 2;
    }
    process.stderr.write(`pos ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
