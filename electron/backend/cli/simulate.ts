/**
 * `npm run --silent simulate -- FILE.json [--db PATH]`: replays a scenario
 * through the real engine and the real SQLite store and prints one JSON
 * report. Exit 0 when the file was read (even if events were refused), 2 when
 * it is not a valid scenario (message on stderr, nothing on stdout).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioText, replayScenario, ScenarioError, SCENARIO_QUEUE_ID, type Scenario, type ScenarioReport } from '../../../shared/scenario';
import { openDatabase } from '../store/database';
import { SqliteQueueStore } from '../store/queue-store';
import { optionalFlag, parseArgs, UsageError } from './args';

/** Replays on the database at `dbPath` (a new temporary one when absent). */
/** Secondary indexes the engine's statements never use (they serve reports, sync and the counter's screens). */
const REPLAY_UNUSED_INDEXES = [
  'entries_by_joined_at',
  'entries_by_member_seq',
  'entries_by_drawn_at',
  'ledger_by_at',
  'ledger_by_entry',
  'ledger_by_order',
  'orders_by_cashier',
  'orders_by_lookup_code',
  'orders_by_shift',
  'orders_newest',
  'orders_refunded',
];

export interface SimulateOptions {
  /**
   * A replay needs no durability (the what-if's scratch file, issue 15 §3):
   * synchronous=OFF, the rollback journal in memory, and every event inside
   * one outer transaction (each event's own transaction becomes a savepoint,
   * so a refused event still rolls back alone). Leave it off for `simulate
   * --db`, whose file a person keeps.
   */
  fast?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export function simulateOnDatabase(scenario: Scenario, dbPath?: string, options: SimulateOptions = {}): ScenarioReport {
  const tempDir = dbPath ? undefined : mkdtempSync(join(tmpdir(), 'qrc-simulate-'));
  const db = openDatabase(dbPath ?? join(tempDir!, 'scenario.db'));
  try {
    const store = new SqliteQueueStore(db);
    if (store.loadQueue(SCENARIO_QUEUE_ID)) {
      throw new ScenarioError(`the database ${dbPath} already holds a replayed scenario; give a new file`);
    }
    if (options.fast) {
      db.pragma('journal_mode = MEMORY');
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -131072');
      // Indexes only the counter's screens read: a replay's engine never does, so it does not keep them up.
      for (const index of REPLAY_UNUSED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
      // The ledger and the outbox are for the books and the central service; a replay reports from the rows and counters.
      const lean = Object.assign(Object.create(store) as SqliteQueueStore, { appendLedger: () => {}, appendOutbox: () => {} });
      return db.transaction(() => replayScenario(scenario, lean, options.onProgress))();
    }
    return replayScenario(scenario, store, options.onProgress);
  } finally {
    db.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

export function runSimulate(argv: string[]): number {
  let file: string;
  let dbPath: string | undefined;
  try {
    const args = parseArgs(argv, { value: ['db'] });
    if (args.positional.length !== 1) throw new UsageError('give exactly one scenario file');
    file = args.positional[0]!;
    dbPath = optionalFlag(args, 'db');
  } catch (error) {
    process.stderr.write(`simulate: ${(error as Error).message}\nusage: simulate FILE.json [--db PATH]\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`simulate: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const report = simulateOnDatabase(parseScenarioText(text), dbPath);
    process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError) {
      process.stderr.write(`simulate: ${file}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('simulate.ts')) {
  process.exitCode = runSimulate(process.argv.slice(2));
}
