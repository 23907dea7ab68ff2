/**
 * `pos restore --from FILE --db PATH`: replaces the register's database with
 * a verified copy of a backup (docs/security.md §5). Close the app first.
 * Exit 0 when restored (naming the file kept aside), 1 when refused with
 * nothing replaced.
 */
import { parseArgs, requireFlag } from './args';
import { restoreBackup, RestoreRefused } from '../app/restore';

export async function runRestore(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { value: ['from', 'db'] });
  const from = requireFlag(args, 'from');
  const db = requireFlag(args, 'db');
  try {
    const result = await restoreBackup(from, db);
    process.stdout.write(`restored ${result.restored} from ${result.from}\n`);
    for (const file of result.keptAside) process.stdout.write(`kept aside: ${file}\n`);
    if (result.keptAside.length === 0) process.stdout.write('there was no database to keep aside\n');
    return 0;
  } catch (error) {
    if (!(error instanceof RestoreRefused)) throw error;
    process.stdout.write(`refused (${error.reason}): ${error.message}; nothing was replaced\n`);
    for (const problem of error.problems.slice(5)) process.stdout.write(`  ${problem}\n`);
    return 1;
  }
}
